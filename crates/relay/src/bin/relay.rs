//! `relay`: reads lines from a TCP source and serves them to browsers over WebSocket.
//! See the crate README for the protocol.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use dstream_protocol::DEFAULT_MAX_LINE_BYTES;
use dstream_relay::inject::InjectPolicy;
use dstream_relay::relay::{RelayConfig, DEFAULT_ORIGINS};
use dstream_relay::{logging, shutdown, urls, Relay};

/// Relay a TCP line stream (like Spark's socketTextStream reads it) to browsers over WebSocket.
///
/// Connects to --source as a TCP client, retrying every 2 s when it is down, and serves every line to every
/// WebSocket client on ws://LISTEN/ws: data in binary frames of complete \n-terminated UTF-8 lines, status in JSON
/// text frames. Stop it with Ctrl-C. Logs go to stderr (RUST_LOG=debug for more).
#[derive(Debug, Parser)]
#[command(version, after_help = after_help())]
struct Args {
    /// TCP source to read lines from (host:port), e.g. send-messages or `nc -lk 9999`.
    #[arg(long, default_value = "127.0.0.1:9999", value_name = "ADDR")]
    source: String,

    /// Address to serve WebSocket on (the path is /ws), and the app with --serve. Loopback only by default; use
    /// 0.0.0.0:9998 to let other machines connect.
    #[arg(long, default_value = "127.0.0.1:9998", value_name = "ADDR")]
    listen: String,

    /// Also allow WebSocket handshakes from this Origin (repeatable; '*' allows every origin). Always allowed:
    /// http://127.0.0.1:8080 and http://localhost:8080 (trunk serve). Clients that send no Origin (non-browsers)
    /// are always allowed.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origin: Vec<String>,

    /// The most WebSocket clients at once; more are refused with HTTP 503.
    #[arg(long, default_value_t = 64, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_clients: u32,

    /// The most WebSocket clients at once from one IP address (one machine), so one machine cannot take every slot;
    /// more get HTTP 429. Clients on this machine that connect to 127.0.0.1 all come from 127.0.0.1: one address.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_clients_per_ip: u32,

    /// The most connections at once that have not sent their request yet (half-open); one more closes the oldest,
    /// so a flood of them cannot keep real clients out or use up the process's file descriptors.
    #[arg(long, default_value_t = 256, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_handshakes: u32,

    /// A WebSocket client that takes no byte for this many milliseconds while data waits for it is closed (code
    /// 1008), long before --client-queue-bytes fill up; a --tee client is reset.
    #[arg(long, default_value_t = 10_000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    stall_ms: u64,

    /// Milliseconds a closed client has to read up to its close frame and answer it before its connection is
    /// reset (so the kernel frees what it holds for it); also the bound on every goodbye at shutdown.
    #[arg(long, default_value_t = 5_000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    close_timeout_ms: u64,

    /// Kernel send buffer of each WebSocket and --tee connection (SO_SNDBUF; Linux doubles it), which bounds what
    /// the kernel holds for a client that does not read.
    #[arg(long, default_value_t = 256 * 1024, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(4096..=(1u64 << 30)))]
    send_buffer_bytes: u64,

    /// Let pages on this machine (loopback) put a typed line into the stream, for every client and the --tee
    /// Spark (the teacher's "inject a line"); at most 10 lines per second per page.
    #[arg(long)]
    allow_inject: bool,

    /// With --allow-inject: let every page inject, not only those on this machine.
    #[arg(long, requires = "allow_inject")]
    allow_inject_from_all: bool,

    /// Also re-serve every line as plain TCP on this address (host:port), for a real PySpark socketTextStream.
    #[arg(long, value_name = "ADDR")]
    tee: Option<String>,

    /// If nothing listens on --source, start the built-in line generator there, so one command gives a live stream.
    #[arg(long)]
    demo: bool,

    /// Lines per second of the --demo generator (with jitter).
    #[arg(long, default_value_t = 5.0, value_name = "RATE")]
    demo_rate: f64,

    /// Lines longer than this many bytes are cut to it (and counted in lines_cut).
    #[arg(long, default_value_t = DEFAULT_MAX_LINE_BYTES as u64, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=(1u64 << 30)))]
    max_line_bytes: u64,

    /// A data frame is sent once it holds this many bytes (frames hold complete lines only).
    #[arg(long, default_value_t = 64 * 1024, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=(1u64 << 30)))]
    frame_bytes: u64,

    /// Let a line wait up to this many milliseconds for more lines to share its data frame. 0 (the default): send
    /// as soon as the relay has read everything the source has sent so far (lines that arrive together still
    /// share a frame).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    max_delay_ms: u64,

    /// A client whose unsent data grows past this many bytes is closed (code 1008) so memory stays bounded. Must
    /// be at least twice --max-line-bytes and --frame-bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=(1u64 << 40)))]
    client_queue_bytes: u64,

    /// Milliseconds between two attempts to connect to the source (Spark's receiver restart delay is 2000).
    #[arg(long, default_value_t = 2000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    retry_ms: u64,

    /// Milliseconds between two periodic status messages (event "tick").
    #[arg(long, default_value_t = 1000, value_name = "MS", value_parser = clap::value_parser!(u64).range(10..))]
    status_interval_ms: u64,

    /// Also serve the built app (trunk's dist/) on the --listen port, so the page and its WebSocket share one
    /// origin: `relay --demo --serve dist --listen 0.0.0.0:8080` is a whole classroom set-up. The page's own origin
    /// is then allowed without --allow-origin.
    #[arg(long, value_name = "DIR")]
    serve: Option<PathBuf>,
}

fn after_help() -> String {
    format!(
        "Default allowed origins: {}.\nProtocol and PySpark --tee snippet: crates/relay/README.md.",
        DEFAULT_ORIGINS.join(", ")
    )
}

// One thread: the relay's work per line is small, and on a machine whose cores are shared with the source and the
// clients, one thread costs measurably less CPU per line than the multi-threaded runtime (fewer cross-thread
// wake-ups; each client task writes several frames at once): about 20 % less in crates/relay/benches.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    logging::init();
    if !(args.demo_rate.is_finite() && args.demo_rate >= 0.0) {
        eprintln!(
            "error: --demo-rate must be 0 or more lines per second, not {}",
            args.demo_rate
        );
        return ExitCode::from(2);
    }
    let config = RelayConfig {
        source: args.source,
        listen: args.listen,
        tee: args.tee,
        allow_origins: args.allow_origin,
        max_clients: args.max_clients as usize,
        max_clients_per_ip: args.max_clients_per_ip as usize,
        max_handshakes: args.max_handshakes as usize,
        stall_timeout: Duration::from_millis(args.stall_ms),
        close_timeout: Duration::from_millis(args.close_timeout_ms),
        send_buffer_bytes: usize::try_from(args.send_buffer_bytes).unwrap_or(usize::MAX),
        max_line_bytes: usize::try_from(args.max_line_bytes).unwrap_or(usize::MAX),
        frame_bytes: usize::try_from(args.frame_bytes).unwrap_or(usize::MAX),
        max_delay: Duration::from_millis(args.max_delay_ms),
        client_queue_bytes: usize::try_from(args.client_queue_bytes).unwrap_or(usize::MAX),
        retry_delay: Duration::from_millis(args.retry_ms),
        status_interval: Duration::from_millis(args.status_interval_ms),
        demo: args.demo,
        demo_rate: args.demo_rate,
        serve: args.serve,
        inject: match (args.allow_inject, args.allow_inject_from_all) {
            (_, true) => InjectPolicy::All,
            (true, false) => InjectPolicy::Loopback,
            (false, false) => InjectPolicy::Off,
        },
    };
    if let Err(e) = config.validate() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let (trigger, shutdown) = shutdown::channel();
    let relay = match Relay::start(config.clone(), shutdown).await {
        Ok(relay) => relay,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "relay: reading lines from {}{}; serving ws://{}/ws{}",
        config.source,
        if relay.demo_started {
            " (built-in demo generator)"
        } else {
            ""
        },
        relay.ws_addr,
        relay
            .tee_addr
            .map(|a| format!(" and plain TCP on {a} (--tee)"))
            .unwrap_or_default()
    );
    match config.inject {
        InjectPolicy::Off => {}
        InjectPolicy::Loopback => {
            println!("relay: pages on this machine may inject lines (--allow-inject)")
        }
        InjectPolicy::All => {
            println!("relay: every page may inject lines (--allow-inject-from-all)")
        }
    }
    if let Some(dir) = &config.serve {
        print_page_urls(dir, relay.ws_addr);
    }
    shutdown::signal().await;
    tracing::info!("shutting down (Ctrl-C)");
    trigger.trigger();
    let hub = relay.hub().clone();
    // Every goodbye is bounded by --close-timeout-ms; the extra second is for the tasks to notice and finish.
    let grace = config.close_timeout + Duration::from_secs(1);
    if tokio::time::timeout(grace, relay.wait()).await.is_err() {
        tracing::warn!(
            "some connections did not close within {} ms; exiting anyway",
            grace.as_millis()
        );
    }
    let c = hub.counters();
    use std::sync::atomic::Ordering::Relaxed;
    println!(
        "relay: stopped; {} lines forwarded, {} dropped, {} cut, {} with invalid UTF-8",
        c.lines_forwarded.load(Relaxed),
        c.lines_dropped.load(Relaxed),
        c.lines_cut.load(Relaxed),
        c.invalid_utf8.load(Relaxed)
    );
    ExitCode::SUCCESS
}

/// Tells the teacher where the page is: the URLs students open.
fn print_page_urls(dir: &std::path::Path, listen: std::net::SocketAddr) {
    let urls = urls::page_urls(listen);
    if urls.is_empty() {
        println!(
            "relay: serving the app from {} on port {}, but this machine has no network address other machines \
             can reach; on this machine open http://127.0.0.1:{}/",
            dir.display(),
            listen.port(),
            listen.port()
        );
        return;
    }
    let who = if listen.ip().is_loopback() {
        "open"
    } else {
        "students open"
    };
    println!("relay: serving the app from {}; {who}:", dir.display());
    for url in urls {
        println!("  {url}");
    }
}
