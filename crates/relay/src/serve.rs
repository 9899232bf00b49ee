//! The `send-messages` server: every TCP client that connects gets a stream of lines, like `nc -lk 9999`.
//!
//! The lines come from the shared [`LogGenerator`] (seeded, so `--seed` reproduces a stream) or from a file
//! (`--file`, optionally `--loop`). Each client gets its own stream from the beginning, paced at `--rate` lines per
//! second with jitter (or as fast as possible), and is closed after `--count` lines if asked.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dstream_notebook::generator::LogGenerator;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use crate::accept::accept_until_shutdown;
use crate::error::Error;
use crate::shutdown::Shutdown;

/// Mixed into the seed of the pacing generator, so the lines of a seed do not depend on the rate.
const PACING_SEED_SALT: u64 = 0x9E37_79B9_7F4A_7C15;

/// What `send-messages` serves.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Lines per second per client, on average; `0` means as fast as possible.
    pub rate: f64,
    /// The generator seed; `None` picks a new random seed for each client.
    pub seed: Option<u64>,
    /// Close each connection after this many lines.
    pub count: Option<u64>,
    /// Replay this file's lines instead of generating lines.
    pub file: Option<PathBuf>,
    /// With `file`: start over at its end instead of closing.
    pub loop_file: bool,
}

impl ServeConfig {
    /// Checks the settings before serving; the error says what to change.
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.rate.is_finite() && self.rate >= 0.0) {
            return Err(Error::msg(format!(
                "--rate must be a number of lines per second, 0 or more (0 = as fast as possible), not {}",
                self.rate
            )));
        }
        if let Some(path) = &self.file {
            let meta = std::fs::metadata(path)
                .map_err(|e| Error::msg(format!("cannot read --file {}: {e}", path.display())))?;
            if !meta.is_file() {
                return Err(Error::msg(format!(
                    "--file {} is not a file",
                    path.display()
                )));
            }
        } else if self.loop_file {
            return Err(Error::msg("--loop only makes sense with --file PATH"));
        }
        Ok(())
    }

    /// One sentence saying what is served, for stdout.
    pub fn describe(&self) -> String {
        let what = match &self.file {
            Some(path) if self.loop_file => format!("the lines of {} (looping)", path.display()),
            Some(path) => format!("the lines of {}", path.display()),
            None => match self.seed {
                Some(seed) => format!("generated Apache error-log lines (seed {seed})"),
                None => {
                    "generated Apache error-log lines (a new random seed per client)".to_string()
                }
            },
        };
        let pace = if self.rate > 0.0 {
            format!("at {} lines/s with jitter", self.rate)
        } else {
            "as fast as possible".to_string()
        };
        let count = match self.count {
            Some(n) => format!(", {n} lines per client then close"),
            None => String::new(),
        };
        format!("{what} {pace}{count}")
    }
}

/// A random seed from the standard library's per-process random hasher keys (no extra dependency).
pub fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

/// Serves clients on `listener` until shutdown. Prints one line per client event on stdout.
pub async fn run(listener: TcpListener, config: Arc<ServeConfig>, shutdown: Shutdown) {
    let stop = shutdown.clone();
    accept_until_shutdown(listener, "client", shutdown, None, move |stream, peer| {
        Some(serve_client(stream, peer, config.clone(), stop.clone()))
    })
    .await
}

/// Where a client's lines come from.
enum Lines {
    Generated(LogGenerator),
    File {
        reader: BufReader<tokio::fs::File>,
        path: PathBuf,
        looping: bool,
        lines_this_pass: u64,
    },
}

impl Lines {
    /// Appends the next line with its `\n` to `out`; `Ok(false)` at the end of the stream.
    async fn next_into(
        &mut self,
        out: &mut Vec<u8>,
        scratch: &mut String,
    ) -> std::io::Result<bool> {
        match self {
            Lines::Generated(generator) => {
                scratch.clear();
                generator.write_line(scratch);
                out.extend_from_slice(scratch.as_bytes());
                out.push(b'\n');
                Ok(true)
            }
            Lines::File {
                reader,
                path,
                looping,
                lines_this_pass,
            } => loop {
                let before = out.len();
                let n = reader.read_until(b'\n', out).await?;
                if n > 0 {
                    if out[out.len() - 1] != b'\n' {
                        out.push(b'\n');
                    }
                    debug_assert!(out.len() > before);
                    *lines_this_pass += 1;
                    return Ok(true);
                }
                if !*looping || *lines_this_pass == 0 {
                    return Ok(false);
                }
                *lines_this_pass = 0;
                *reader = BufReader::new(tokio::fs::File::open(&*path).await?);
            },
        }
    }
}

async fn serve_client(
    stream: TcpStream,
    peer: SocketAddr,
    config: Arc<ServeConfig>,
    shutdown: Shutdown,
) {
    let seed = config.seed.unwrap_or_else(random_seed);
    let lines = match &config.file {
        None => Lines::Generated(LogGenerator::new(seed)),
        Some(path) => match tokio::fs::File::open(path).await {
            Ok(file) => Lines::File {
                reader: BufReader::new(file),
                path: path.clone(),
                looping: config.loop_file,
                lines_this_pass: 0,
            },
            Err(e) => {
                println!(
                    "client {peer}: cannot read {}: {e}; closing",
                    path.display()
                );
                return;
            }
        },
    };
    if config.file.is_none() {
        println!("client {peer} connected: sending generated lines (seed {seed})");
    } else {
        println!("client {peer} connected: sending file lines");
    }
    let _ = stream.set_nodelay(true);
    let (sent, end) = send_lines(stream, lines, seed, &config, &shutdown).await;
    println!("client {peer}: {sent} lines sent, {end}");
}

/// Sends lines to one client; returns how many and how it ended.
async fn send_lines(
    stream: TcpStream,
    mut lines: Lines,
    seed: u64,
    config: &ServeConfig,
    shutdown: &Shutdown,
) -> (u64, String) {
    let (mut reader, writer) = stream.into_split();
    let mut writer = BufWriter::with_capacity(64 * 1024, writer);
    let mut pacing = LogGenerator::new(seed ^ PACING_SEED_SALT);
    let mut sent = 0u64;
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut scratch = String::with_capacity(256);
    let mut next_at = Instant::now();
    let mut client_gone = Box::pin(async move {
        // The client sends nothing we need; its end of stream means it left.
        let mut scratch = [0u8; 1024];
        loop {
            match tokio::io::AsyncReadExt::read(&mut reader, &mut scratch).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    });
    let end = loop {
        if config.count.is_some_and(|n| sent >= n) {
            break format!("--count {} reached; closing", sent);
        }
        // Produce the lines that are due now: one at a time when paced, a buffer-full when unpaced.
        buf.clear();
        let mut ended = false;
        loop {
            match lines.next_into(&mut buf, &mut scratch).await {
                Ok(true) => sent += 1,
                Ok(false) => {
                    ended = true;
                    break;
                }
                Err(e) => return (sent, format!("reading the file failed ({e}); closing")),
            }
            if config.count.is_some_and(|n| sent >= n) {
                break;
            }
            if config.rate > 0.0 {
                next_at += pacing.next_delay(config.rate);
                if next_at > Instant::now() {
                    break;
                }
            } else if buf.len() >= 60 * 1024 {
                break;
            }
        }
        let write = async {
            writer.write_all(&buf).await?;
            writer.flush().await
        };
        let written = tokio::select! {
            _ = shutdown.wait() => break "shutting down".to_string(),
            _ = &mut client_gone => break "the client disconnected".to_string(),
            written = write => written,
        };
        if let Err(e) = written {
            break format!("the client disconnected ({e})");
        }
        if ended {
            break "end of file; closing".to_string();
        }
        if config.rate > 0.0 {
            let now = Instant::now();
            if next_at + Duration::from_secs(1) < now {
                // We fell far behind (a slow client): do not burst to catch up.
                next_at = now;
            }
            tokio::select! {
                _ = shutdown.wait() => break "shutting down".to_string(),
                _ = &mut client_gone => break "the client disconnected".to_string(),
                _ = tokio::time::sleep_until(next_at) => {}
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), writer.shutdown()).await;
    (sent, end)
}

/// Binds `address` for `send-messages`, with an error message that says what to do when it fails.
pub async fn bind(address: &str) -> Result<TcpListener, Error> {
    TcpListener::bind(address).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (is another send-messages, nc or relay --demo already running there? choose another with --port)"
        } else {
            ""
        };
        Error::msg(format!("cannot listen on {address}: {e}{hint}"))
    })
}
