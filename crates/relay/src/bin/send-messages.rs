//! `send-messages`: a TCP server that serves Apache-error-log-style lines to every client that connects.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use dstream_relay::serve::{self, ServeConfig};
use dstream_relay::{logging, shutdown};

/// Serve a stream of log lines over TCP, like the course notebook's send_messages.py.
///
/// Every client that connects (Spark's socketTextStream, the relay, `nc 127.0.0.1 9999`) gets its own stream of
/// \n-terminated UTF-8 lines from the start: generated Apache error-log lines by default, or a file's lines with
/// --file. Stop it with Ctrl-C. Client events are printed on stdout, logs go to stderr.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on (loopback by default; 0.0.0.0 lets other machines connect).
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    bind: String,

    /// TCP port to listen on.
    #[arg(long, default_value_t = 9999, value_name = "PORT")]
    port: u16,

    /// Lines per second per client, on average, with jitter (each pause is 0.5 to 1.5 times 1/RATE); 0 sends as
    /// fast as possible.
    #[arg(long, default_value_t = 3.0, value_name = "RATE")]
    rate: f64,

    /// Seed of the line generator: the same seed gives every client the same lines. Without it each client gets
    /// a new random seed (printed when it connects).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// Send N lines to each client, then close that connection.
    #[arg(long, value_name = "N")]
    count: Option<u64>,

    /// Replay the lines of this file instead of generating lines (bytes are sent as they are).
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,

    /// With --file: start the file over at its end instead of closing the connection.
    #[arg(long = "loop")]
    loop_file: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    logging::init();
    let config = ServeConfig {
        rate: args.rate,
        seed: args.seed,
        count: args.count,
        file: args.file,
        loop_file: args.loop_file,
    };
    if let Err(e) = config.validate() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let address = if args.bind.contains(':') && !args.bind.starts_with('[') {
        format!("[{}]:{}", args.bind, args.port)
    } else {
        format!("{}:{}", args.bind, args.port)
    };
    let listener = match serve::bind(&address).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or(address);
    println!("send-messages: serving {} on {local}", config.describe());
    let (trigger, shutdown) = shutdown::channel();
    let server = tokio::spawn(serve::run(listener, Arc::new(config), shutdown));
    shutdown::signal().await;
    tracing::info!("shutting down (Ctrl-C)");
    trigger.trigger();
    if tokio::time::timeout(Duration::from_secs(3), server)
        .await
        .is_err()
    {
        tracing::warn!("some connections did not close within 3 s; exiting anyway");
    }
    println!("send-messages: stopped");
    ExitCode::SUCCESS
}
