//! The real processes and servers around the page: child processes killed on drop, free ports, the static
//! server for the built page, and the tap between `send-messages` and `relay`.

use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The workspace root (where `dist-web/` and `target/` live).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A port nothing listens on right now (bound then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Waits until something accepts TCP connections on `port`.
pub fn wait_listening(port: u16, timeout: Duration, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{what} did not listen on 127.0.0.1:{port} within {timeout:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process that is killed (with its whole process group) when dropped, also on panic.
pub struct Proc {
    name: String,
    child: std::process::Child,
    group: bool,
}

impl Proc {
    /// Starts `program args`, stdout and stderr going to `<logs>/<name>.log`. With `group`, the child leads
    /// a new process group and the whole group is killed on drop (chromedriver and the browsers it starts).
    pub fn spawn(
        name: &str,
        program: &Path,
        args: &[String],
        logs: &Path,
        group: bool,
    ) -> Result<Proc, String> {
        std::fs::create_dir_all(logs)
            .map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        let log_path = logs.join(format!("{name}.log"));
        let log = File::create(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let err = log.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err));
        if group {
            cmd.process_group(0);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {} {args:?}: {e}", program.display()))?;
        eprintln!(
            "[e2e] started {name} (pid {}): {} {}",
            child.id(),
            program.display(),
            args.join(" ")
        );
        Ok(Proc {
            name: name.to_string(),
            child,
            group,
        })
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills it (SIGKILL: a crash, not a clean stop) and reaps it.
    pub fn kill(&mut self) {
        if self.group {
            // Only the group this child leads: chromedriver and the browser it started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.running() {
            eprintln!("[e2e] stopping {} (pid {})", self.name, self.child.id());
        }
        self.kill();
    }
}

/// A tiny static HTTP server for the `trunk build` output, plus `/__e2e_blank` (an empty page on the same
/// origin, so the test can clear localStorage while the app is not running).
pub struct StaticServer {
    /// `http://127.0.0.1:PORT`
    pub origin: String,
    task: tokio::task::JoinHandle<()>,
}

impl StaticServer {
    /// Serves `root` on a free loopback port.
    pub async fn start(root: PathBuf) -> Result<StaticServer, String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("static server: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let root = Arc::new(root);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let root = root.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(Duration::from_secs(20), serve_one(stream, &root))
                        .await;
                });
            }
        });
        Ok(StaticServer {
            origin: format!("http://127.0.0.1:{port}"),
            task,
        })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// One request per connection (`Connection: close`), GET/HEAD only.
async fn serve_one(mut stream: tokio::net::TcpStream, root: &Path) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, ctype, body) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n".to_vec(),
        )
    } else if path == "/__e2e_blank" {
        (
            "200 OK",
            "text/html; charset=utf-8",
            b"<!doctype html><title>e2e blank</title><p>blank</p>\n".to_vec(),
        )
    } else {
        let rel = path.trim_start_matches('/');
        let rel = if rel.is_empty() { "index.html" } else { rel };
        if rel.split('/').any(|c| c == ".." || c.starts_with('.')) {
            ("404 Not Found", "text/plain", b"not found\n".to_vec())
        } else {
            let file = root.join(rel);
            match tokio::fs::read(&file).await {
                Ok(bytes) => ("200 OK", content_type(&file), bytes),
                Err(_) => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
            }
        }
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes()).await?;
    if method != "HEAD" {
        stream.write_all(&body).await?;
    }
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}

/// What the tap has seen and done.
#[derive(Default)]
struct TapState {
    /// Every line read from `send-messages`, in order.
    lines: Vec<String>,
    /// `send-messages` closed the connection (after `--count` lines).
    upstream_done: bool,
    /// Why reading from `send-messages` failed, if it did.
    upstream_error: Option<String>,
    /// Lines written to the relay so far (a prefix of `lines`).
    forwarded: usize,
    /// Forward no more than this many lines (the gate).
    limit: usize,
    /// The relay's current connection.
    downstream: Option<TcpStream>,
    /// Relay connections accepted so far.
    connections: usize,
    /// Writes to the relay that failed.
    write_errors: usize,
}

/// A gate between `send-messages` and the relay: the relay's `--source` points at the tap, the tap reads
/// `send-messages` as a plain TCP client (recording every line), and forwards lines only up to a limit the
/// test sets. So the test knows exactly which lines reached the relay before it kills it, no line is lost or
/// repeated across the relay's restart, and the relay's reconnects never start a second `--count` stream.
pub struct Tap {
    /// Where the relay connects (`--source`).
    pub addr: SocketAddr,
    shared: Arc<(AtomicBool, Mutex<TapState>)>,
    threads: Vec<JoinHandle<()>>,
}

impl Tap {
    /// Listens for the relay; nothing is read from `send-messages` before [`Tap::start_upstream`].
    pub fn listen() -> Result<Tap, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("tap: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let shared = Arc::new((AtomicBool::new(false), Mutex::new(TapState::default())));
        let mut threads = Vec::new();
        let s = shared.clone();
        threads.push(std::thread::spawn(move || {
            while !s.0.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_nodelay(true);
                        let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
                        let mut st = lock(&s.1);
                        st.downstream = Some(stream);
                        st.connections += 1;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        }));
        let s = shared.clone();
        threads.push(std::thread::spawn(move || {
            while !s.0.load(Ordering::Relaxed) {
                {
                    let mut st = lock(&s.1);
                    let end = st.limit.min(st.lines.len());
                    if st.forwarded < end {
                        let mut chunk = String::new();
                        for l in &st.lines[st.forwarded..end] {
                            chunk.push_str(l);
                            chunk.push('\n');
                        }
                        let ok = match st.downstream.as_mut() {
                            Some(d) => d
                                .write_all(chunk.as_bytes())
                                .and_then(|_| d.flush())
                                .is_ok(),
                            None => false,
                        };
                        if ok {
                            st.forwarded = end;
                        } else if st.downstream.take().is_some() {
                            st.write_errors += 1;
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }));
        Ok(Tap {
            addr,
            shared,
            threads,
        })
    }

    /// Connects to `send-messages` on `port` and records its lines as they come.
    pub fn start_upstream(&mut self, port: u16) {
        let s = self.shared.clone();
        self.threads.push(std::thread::spawn(move || {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + Duration::from_secs(20);
            let stream = loop {
                match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
                    Ok(st) => break st,
                    Err(e) if Instant::now() > deadline || s.0.load(Ordering::Relaxed) => {
                        lock(&s.1).upstream_error =
                            Some(format!("cannot connect to send-messages on {addr}: {e}"));
                        return;
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(100)),
                }
            };
            let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
            let mut reader = BufReader::new(stream);
            let mut buf = Vec::new();
            while !s.0.load(Ordering::Relaxed) {
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => {
                        if !buf.is_empty() {
                            let line = String::from_utf8_lossy(&buf).into_owned();
                            lock(&s.1).lines.push(line);
                        }
                        lock(&s.1).upstream_done = true;
                        return;
                    }
                    Ok(_) if buf.ends_with(b"\n") => {
                        buf.pop();
                        if buf.ends_with(b"\r") {
                            buf.pop();
                        }
                        let line = String::from_utf8_lossy(&buf).into_owned();
                        buf.clear();
                        lock(&s.1).lines.push(line);
                    }
                    Ok(_) => {}
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    Err(e) => {
                        lock(&s.1).upstream_error = Some(format!("reading send-messages: {e}"));
                        return;
                    }
                }
            }
        }));
    }

    /// Lets the first `limit` lines through (lines not yet read go through as they arrive).
    pub fn set_limit(&self, limit: usize) {
        lock(&self.shared.1).limit = limit;
    }

    /// Lines written to the relay.
    pub fn forwarded(&self) -> usize {
        lock(&self.shared.1).forwarded
    }

    /// Relay connections accepted so far.
    pub fn connections(&self) -> usize {
        lock(&self.shared.1).connections
    }

    /// Every line read from `send-messages`, whether it ended (closed after `--count`), and any error.
    pub fn upstream(&self) -> (Vec<String>, bool, Option<String>) {
        let st = lock(&self.shared.1);
        (
            st.lines.clone(),
            st.upstream_done,
            st.upstream_error.clone(),
        )
    }

    /// Failed writes to the relay (the relay died with lines in flight: the accounting would be off).
    pub fn write_errors(&self) -> usize {
        lock(&self.shared.1).write_errors
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        self.shared.0.store(true, Ordering::Relaxed);
        if let Some(d) = lock(&self.shared.1).downstream.take() {
            let _ = d.shutdown(std::net::Shutdown::Both);
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn lock(m: &Mutex<TapState>) -> MutexGuard<'_, TapState> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The flags every headless Chromium of the tests gets: the machine's closed
/// network refuses Chromium's background connections, and timers must not be
/// throttled while the page is driven.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
];

/// Starts chromedriver on a free port (its logs under `logs`) and opens one
/// headless Chromium session with a fresh profile at `profile`, plus `extra`
/// flags (window size, scale). `CHROMIUM` and `CHROMEDRIVER` override the
/// Debian paths. The returned `Proc` kills chromedriver and its browser on drop.
pub async fn webdriver_session(
    logs: &Path,
    profile: &Path,
    extra: &[&str],
) -> Result<(fantoccini::Client, Proc), String> {
    webdriver_session_as(logs, profile, extra, serde_json::Map::new()).await
}

/// [`webdriver_session`] with more `goog:chromeOptions` (`mobileEmulation`, for a viewport narrower than
/// Chromium's smallest window).
pub async fn webdriver_session_as(
    logs: &Path,
    profile: &Path,
    extra: &[&str],
    options: serde_json::Map<String, serde_json::Value>,
) -> Result<(fantoccini::Client, Proc), String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_string());
    for p in [&chromium, &chromedriver] {
        if !Path::new(p).is_file() {
            return Err(format!(
                "{p} not found: install Debian's chromium and chromium-driver (scripts/setup.sh test)"
            ));
        }
    }
    let port = free_port();
    let driver = Proc::spawn(
        "chromedriver",
        Path::new(&chromedriver),
        &[format!("--port={port}")],
        logs,
        true,
    )?;
    wait_listening(port, Duration::from_secs(20), "chromedriver")?;
    let args: Vec<String> = CHROMIUM_FLAGS
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.display())])
        .collect();
    let mut caps = serde_json::Map::new();
    let mut chrome = options;
    chrome.insert("binary".to_string(), serde_json::json!(chromium));
    chrome.insert("args".to_string(), serde_json::json!(args));
    caps.insert(
        "goog:chromeOptions".to_string(),
        serde_json::Value::Object(chrome),
    );
    let client = tokio::time::timeout(
        Duration::from_secs(60),
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}")),
    )
    .await
    .map_err(|_| "no WebDriver session within 60 s".to_string())?
    .map_err(|e| format!("WebDriver session: {e}"))?;
    Ok((client, driver))
}
