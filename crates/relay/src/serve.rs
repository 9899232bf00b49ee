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
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
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
    let (sent, end) = send_lines(stream, lines, seed, &config, &shutdown, peer).await;
    println!("client {peer}: {sent} lines sent, {end}");
}

/// Lines are generated into a buffer of about this many bytes, then written; also when paced and behind its
/// schedule, so a generator slower than its rate still writes, and its memory stays bounded.
const BUFFER_BYTES: usize = 60 * 1024;

/// How long a stopping connection may take to finish the line it is writing (so no partial line is ever sent).
const FINISH_LINE_TIMEOUT: Duration = Duration::from_secs(1);

/// Sends lines to one client; returns how many whole lines were written to the socket and how it ended.
async fn send_lines(
    stream: TcpStream,
    mut lines: Lines,
    seed: u64,
    config: &ServeConfig,
    shutdown: &Shutdown,
    peer: SocketAddr,
) -> (u64, String) {
    let (mut reader, mut writer) = stream.into_split();
    let mut pacing = LogGenerator::new(seed ^ PACING_SEED_SALT);
    let mut generated = 0u64;
    // Whole lines written: the `\n`s among the bytes the socket took (every line ends with exactly one).
    let mut sent = 0u64;
    let mut buf = Vec::with_capacity(BUFFER_BYTES + 1024);
    let mut scratch = String::with_capacity(256);
    let started = Instant::now();
    let mut next_at = started;
    let mut fell_behind = false;
    // Bytes of `buf` the socket has taken.
    let mut pos = 0;
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
    let end = 'serve: loop {
        if shutdown.is_triggered() {
            break "shutting down".to_string();
        }
        if config.count.is_some_and(|n| generated >= n) {
            break format!("--count {generated} reached; closing");
        }
        // Produce the lines that are due now (at most a buffer-full), or a buffer-full when unpaced.
        buf.clear();
        pos = 0;
        let mut ended = false;
        loop {
            match lines.next_into(&mut buf, &mut scratch).await {
                Ok(true) => generated += 1,
                Ok(false) => {
                    ended = true;
                    break;
                }
                Err(e) => break 'serve format!("reading the file failed ({e}); closing"),
            }
            if config.count.is_some_and(|n| generated >= n) || buf.len() >= BUFFER_BYTES {
                break;
            }
            if config.rate > 0.0 {
                next_at += pacing.next_delay(config.rate);
                if next_at > Instant::now() {
                    break;
                }
            }
        }
        // Each `write` is cancel-safe: a cancelled one wrote nothing, so `pos` is what the socket took.
        while pos < buf.len() {
            let written = tokio::select! {
                _ = shutdown.wait() => break 'serve "shutting down".to_string(),
                _ = &mut client_gone => break 'serve "the client disconnected".to_string(),
                written = writer.write(&buf[pos..]) => written,
            };
            match written {
                Ok(0) => break 'serve "the client disconnected".to_string(),
                Ok(n) => {
                    sent += memchr::memchr_iter(b'\n', &buf[pos..pos + n]).count() as u64;
                    pos += n;
                }
                Err(e) => break 'serve format!("the client disconnected ({e})"),
            }
        }
        if ended {
            break "end of file; closing".to_string();
        }
        if config.rate > 0.0 {
            let now = Instant::now();
            if next_at + Duration::from_secs(1) < now {
                // We fell far behind (a slow client, or lines cost more than the pace): do not burst to catch up.
                if !fell_behind {
                    fell_behind = true;
                    println!(
                        "client {peer}: more than 1 s behind --rate {} (the client reads slower, or this machine \
                         cannot make lines that fast); going on as fast as it can",
                        config.rate
                    );
                }
                next_at = now;
            }
            tokio::select! {
                _ = shutdown.wait() => break "shutting down".to_string(),
                _ = &mut client_gone => break "the client disconnected".to_string(),
                _ = tokio::time::sleep_until(next_at) => {}
            }
        }
    };
    // Stopped in the middle of a line: finish it, so the client never gets a line without its terminator.
    if pos > 0 && buf[pos - 1] != b'\n' {
        if let Some(nl) = memchr::memchr(b'\n', &buf[pos..]) {
            let rest = &buf[pos..=pos + nl];
            if let Ok(Ok(())) =
                tokio::time::timeout(FINISH_LINE_TIMEOUT, writer.write_all(rest)).await
            {
                sent += 1;
            }
        }
    }
    let _ = tokio::time::timeout(FINISH_LINE_TIMEOUT, writer.shutdown()).await;
    let mut end = end;
    if fell_behind {
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        end = format!(
            "{end} (reached {:.0} lines/s on average, below --rate {})",
            sent as f64 / secs,
            config.rate
        );
    }
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
