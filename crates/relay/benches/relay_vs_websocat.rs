//! Benchmark: TCP → WebSocket forwarding by `relay`, side by side with `websocat` 1.14 in the same run.
//!
//! Run it with `cargo bench -p dstream-relay --bench relay_vs_websocat` (it is not part of `cargo test`). It needs
//! `websocat` on the PATH (`cargo install websocat --version 1.14.1`); without it, only the relay rows are measured.
//! Everything runs on 127.0.0.1 with ephemeral ports; the relay and websocat run as separate processes, the source
//! and the WebSocket clients run in this process.
//!
//! Measured:
//! - throughput: a source writes `THROUGHPUT_LINES` generated log lines as fast as it can; lines/s until every
//!   client has received all of them; median of `RUNS` runs; 1 client (relay and websocat) and 10 clients (relay).
//!   Also the forwarder process's CPU time per million lines (user + system, from `/proc/PID/stat`), which depends
//!   much less on the machine's background load than lines/s does. `BENCH_LINES` and `BENCH_RUNS` override the
//!   line count and the number of runs.
//! - latency: a source writes `LATENCY_RATE` lines/s for `LATENCY_SECONDS` s, each stamped with its send time;
//!   the client computes receive time − send time per line; p50, p99 and max, and the forwarder's CPU use.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dstream_notebook::generator::LogGenerator;
use futures_util::StreamExt;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// Lines per throughput run (`BENCH_LINES` overrides): enough that a run lasts about half a second, so the
/// forwarder's CPU time (counted in 10 ms clock ticks) is measured to a few per cent.
const THROUGHPUT_LINES: usize = 2_000_000;
/// Throughput runs per configuration (`BENCH_RUNS` overrides); the median is reported.
const RUNS: usize = 7;
const LATENCY_RATE: f64 = 10_000.0;
const LATENCY_SECONDS: f64 = 5.0;

/// A forwarder process (relay or websocat) and the URL its clients use.
struct Forwarder {
    child: Child,
    url: String,
}

impl Forwarder {
    /// CPU time (user + system, all threads) the process has used so far, in milliseconds.
    ///
    /// Read from `/proc/PID/stat` (fields 14 and 15, in clock ticks): unlike wall-clock lines/s this hardly depends
    /// on what else the machine runs, so it compares the forwarders' cost per line even on a busy machine.
    fn cpu_ms(&self) -> f64 {
        cpu_ms(&format!("/proc/{}/stat", self.child.id()))
    }
}

/// User + system CPU time from a `/proc/.../stat` file, in milliseconds (0 when it cannot be read).
fn cpu_ms(path: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    ticks as f64 * 1000.0 / clock_ticks_per_second()
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn relay(source: SocketAddr, extra: &[&str]) -> Forwarder {
    let src = source.to_string();
    let mut args = vec!["--source", &src, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args(&args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start relay");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let start = line.find("ws://").expect("relay prints its address");
    let end = line[start..].find("/ws").unwrap() + start + 3;
    Forwarder {
        child,
        url: line[start..end].to_string(),
    }
}

fn websocat_available() -> bool {
    Command::new("websocat")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

async fn websocat(source: SocketAddr) -> Forwarder {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("websocat")
        .args([
            "-b",
            &format!("ws-l:127.0.0.1:{port}"),
            &format!("tcp:{source}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start websocat");
    // Wait until it listens (probing with a plain TCP connect, which websocat drops without a handshake).
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Forwarder {
        child,
        url: format!("ws://127.0.0.1:{port}/ws"),
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str, wait_hello: bool) -> Ws {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connect");
    if wait_hello {
        // The relay's first message is its hello status: after it, the client is registered.
        loop {
            if let Some(Ok(Message::Text(_))) = ws.next().await {
                break;
            }
        }
    }
    ws
}

/// Reads until `n` lines arrived; returns when.
async fn count_lines(mut ws: Ws, n: usize) -> Instant {
    let mut seen = 0usize;
    while seen < n {
        match ws.next().await {
            Some(Ok(Message::Binary(data))) => seen += memchr::memchr_iter(b'\n', &data).count(),
            Some(Ok(_)) => {}
            other => panic!("stream ended after {seen} of {n} lines: {other:?}"),
        }
    }
    Instant::now()
}

fn payload(n: usize) -> Vec<u8> {
    let mut g = LogGenerator::new(2005);
    let mut out = Vec::with_capacity(n * 100);
    let mut line = String::new();
    for _ in 0..n {
        line.clear();
        g.write_line(&mut line);
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Relay,
    Websocat,
}

/// What one throughput run measured.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// Lines per second per client (every client received every line).
    lines_per_s: f64,
    /// CPU time of the forwarder process while it forwarded, in milliseconds.
    forwarder_cpu_ms: f64,
    /// CPU time of this process (the source and the clients) meanwhile, in milliseconds.
    bench_cpu_ms: f64,
}

/// One throughput run.
async fn throughput_once(kind: Kind, clients: usize, data: &[u8], lines: usize) -> Run {
    let source = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = source.local_addr().unwrap();
    let (forwarder, feed) = match kind {
        Kind::Relay => {
            // websocat applies backpressure to the source (it stops reading when its client is slow); the relay
            // instead closes a client that falls --client-queue-bytes behind. To measure throughput rather than
            // that policy, the queue is made big enough for the whole payload.
            let f = relay(addr, &["--client-queue-bytes", "1073741824"]);
            let (feed, _) = source.accept().await.unwrap();
            (f, Some(feed))
        }
        Kind::Websocat => (websocat(addr).await, None),
    };
    let mut sockets = Vec::new();
    for _ in 0..clients {
        sockets.push(connect(&forwarder.url, kind == Kind::Relay).await);
    }
    let feed = match feed {
        Some(feed) => feed,
        // websocat connects to the source when its client connects.
        None => source.accept().await.unwrap().0,
    };
    let mut feed = feed.into_std().unwrap();
    feed.set_nonblocking(false).unwrap();
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|ws| tokio::spawn(count_lines(ws, lines)))
        .collect();
    let data = data.to_vec();
    let cpu_before = forwarder.cpu_ms();
    let bench_before = cpu_ms("/proc/self/stat");
    let start = Instant::now();
    let writer = std::thread::spawn(move || {
        feed.write_all(&data).unwrap();
        feed
    });
    let mut last = start;
    for r in readers {
        last = last.max(r.await.unwrap());
    }
    let forwarder_cpu_ms = forwarder.cpu_ms() - cpu_before;
    let bench_cpu_ms = cpu_ms("/proc/self/stat") - bench_before;
    let _feed = writer.join().unwrap();
    drop(forwarder);
    Run {
        lines_per_s: lines as f64 / (last - start).as_secs_f64(),
        forwarder_cpu_ms,
        bench_cpu_ms,
    }
}

/// What one latency run measured.
#[derive(Debug, Clone, Copy)]
struct Latency {
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// Lines measured (after the warm-up).
    lines: usize,
    /// The forwarder's CPU time over the run, as a share of one core, in per cent.
    forwarder_cpu_percent: f64,
}

/// One latency run.
async fn latency(kind: Kind, extra: &[&str]) -> Latency {
    let source = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = source.local_addr().unwrap();
    let (forwarder, feed) = match kind {
        Kind::Relay => {
            let f = relay(addr, extra);
            let (feed, _) = source.accept().await.unwrap();
            (f, Some(feed))
        }
        Kind::Websocat => (websocat(addr).await, None),
    };
    let mut ws = connect(&forwarder.url, kind == Kind::Relay).await;
    let feed = match feed {
        Some(feed) => feed,
        None => source.accept().await.unwrap().0,
    };
    let mut feed = feed.into_std().unwrap();
    feed.set_nonblocking(false).unwrap();
    // Like send-messages: without TCP_NODELAY, Nagle's algorithm holds a small write back until the forwarder
    // acknowledges the previous one, which it may delay by 40 ms (delayed ACK), so now and then a few hundred lines
    // wait 40 ms in this process, whichever forwarder is measured.
    feed.set_nodelay(true).unwrap();
    let total = (LATENCY_RATE * LATENCY_SECONDS) as usize;
    let cpu_before = forwarder.cpu_ms();
    let epoch = Instant::now();
    let reader = tokio::spawn(async move {
        let mut latencies = Vec::with_capacity(total);
        let mut carry: Vec<u8> = Vec::new();
        while latencies.len() < total {
            let data = match ws.next().await {
                Some(Ok(Message::Binary(data))) => data,
                Some(Ok(_)) => continue,
                other => panic!("stream ended: {other:?}"),
            };
            let now = epoch.elapsed().as_nanos() as u64;
            carry.extend_from_slice(&data);
            let mut start = 0;
            while let Some(i) = memchr::memchr(b'\n', &carry[start..]) {
                let line = &carry[start..start + i];
                // "<seq> <send_ns> <log line>"
                let sent: u64 = std::str::from_utf8(&line[9..25]).unwrap().parse().unwrap();
                latencies.push(now.saturating_sub(sent));
                start += i + 1;
            }
            carry.drain(..start);
        }
        latencies
    });
    let writer = std::thread::spawn(move || {
        let mut g = LogGenerator::new(1);
        let mut sent = 0usize;
        let mut text = String::new();
        let mut buf = Vec::new();
        let start = Instant::now();
        while sent < total {
            let due = ((start.elapsed().as_secs_f64() * LATENCY_RATE) as usize).min(total);
            if due > sent {
                buf.clear();
                let now = epoch.elapsed().as_nanos() as u64;
                while sent < due {
                    text.clear();
                    g.write_line(&mut text);
                    let _ = writeln!(buf, "{sent:08} {now:016} {text}");
                    sent += 1;
                }
                feed.write_all(&buf).unwrap();
            }
            std::thread::sleep(Duration::from_micros(50));
        }
        feed
    });
    let mut latencies = reader.await.unwrap();
    let forwarder_cpu_percent =
        (forwarder.cpu_ms() - cpu_before) / (epoch.elapsed().as_secs_f64() * 1000.0) * 100.0;
    let _feed = writer.join().unwrap();
    drop(forwarder);
    // Skip the first 5 % (connection warm-up).
    let mut measured = latencies.split_off(total / 20);
    measured.sort_unstable();
    let pick = |q: f64| {
        measured[((measured.len() as f64 * q) as usize).min(measured.len() - 1)] as f64 / 1e6
    };
    Latency {
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
        max_ms: pick(1.0),
        lines: measured.len(),
        forwarder_cpu_percent,
    }
}

/// An unsigned number from the environment, or `default`.
fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values
}

fn median(sorted: &[f64]) -> f64 {
    sorted[sorted.len() / 2]
}

fn main() {
    // `cargo test --benches`/`--all-targets` runs bench targets without `--bench`: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("relay_vs_websocat: run it with `cargo bench -p dstream-relay --bench relay_vs_websocat`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let have_websocat = websocat_available();
        let version = Command::new("websocat")
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|_| "not installed".into());
        // BENCH_ONLY=throughput or BENCH_ONLY=latency runs one half.
        let only = std::env::var("BENCH_ONLY").unwrap_or_default();
        let lines = env_usize("BENCH_LINES", THROUGHPUT_LINES);
        let runs = env_usize("BENCH_RUNS", RUNS).max(1);
        let data = payload(lines);
        println!(
            "machine: {} cores; payload {lines} lines, {} bytes; {version}",
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            data.len()
        );
        println!("load average before: {}", load_average());
        // Runs alternate between the forwarders, so that both see the same background load.
        let mut results: Vec<(&str, usize, Vec<Run>)> = vec![("relay", 1, vec![]), ("websocat -b", 1, vec![]), ("relay", 10, vec![])];
        for _ in 0..if only == "latency" { 0 } else { runs } {
            results[0].2.push(throughput_once(Kind::Relay, 1, &data, lines).await);
            if have_websocat {
                results[1].2.push(throughput_once(Kind::Websocat, 1, &data, lines).await);
            }
            results[2].2.push(throughput_once(Kind::Relay, 10, &data, lines).await);
        }
        if only != "latency" {
            println!("load average after the throughput runs: {}", load_average());
        }
        let mb = |lps: f64| lps * data.len() as f64 / lines as f64 / 1e6;
        let per_million = |ms: f64| ms * 1e6 / lines as f64;
        if only != "latency" {
            println!("| forwarder | clients | lines/s per client (median of {runs}) | MB/s per client | forwarder CPU ms per M lines (median) | source + clients CPU ms per M lines (median) | all runs (lines/s) | all runs (forwarder CPU ms per M lines) |");
            println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
        }
        for (name, clients, runs) in results {
            if runs.is_empty() {
                continue;
            }
            let rate = sorted(runs.iter().map(|r| r.lines_per_s));
            let cpu = sorted(runs.iter().map(|r| per_million(r.forwarder_cpu_ms)));
            let bench_cpu = sorted(runs.iter().map(|r| per_million(r.bench_cpu_ms)));
            let all_rate: Vec<String> = rate.iter().map(|r| format!("{r:.0}")).collect();
            let all_cpu: Vec<String> = cpu.iter().map(|c| format!("{c:.0}")).collect();
            println!(
                "| {name} | {clients} | {:.0} | {:.1} | {:.0} | {:.0} | {} | {} |",
                median(&rate),
                mb(median(&rate)),
                median(&cpu),
                median(&bench_cpu),
                all_rate.join(", "),
                all_cpu.join(", ")
            );
        }
        if only == "throughput" {
            return;
        }
        println!();
        println!("| forwarder | rate (lines/s) | lines measured | p50 ms | p99 ms | max ms | forwarder CPU (% of a core) |");
        println!("| --- | --- | --- | --- | --- | --- | --- |");
        let mut rows = vec![
            ("relay (default --max-delay-ms 0)", Kind::Relay, vec![]),
            ("relay --max-delay-ms 2", Kind::Relay, vec!["--max-delay-ms", "2"]),
        ];
        if have_websocat {
            rows.push(("websocat -b", Kind::Websocat, vec![]));
        }
        for (name, kind, extra) in rows {
            let l = latency(kind, &extra).await;
            println!(
                "| {name} | {LATENCY_RATE} | {} | {:.3} | {:.3} | {:.3} | {:.1} |",
                l.lines, l.p50_ms, l.p99_ms, l.max_ms, l.forwarder_cpu_percent
            );
        }
    });
}
