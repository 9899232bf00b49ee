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
//! - latency: a source writes `LATENCY_RATE` lines/s for `LATENCY_SECONDS` s, each stamped with its send time;
//!   the client computes receive time − send time per line; p50, p99 and max.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dstream_engine::generator::LogGenerator;
use futures_util::StreamExt;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

const THROUGHPUT_LINES: usize = 500_000;
const RUNS: usize = 7;
const LATENCY_RATE: f64 = 10_000.0;
const LATENCY_SECONDS: f64 = 5.0;

/// A forwarder process (relay or websocat) and the URL its clients use.
struct Forwarder {
    child: Child,
    url: String,
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

/// One throughput run: returns lines/s.
async fn throughput_once(kind: Kind, clients: usize, data: &[u8], lines: usize) -> f64 {
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
    let start = Instant::now();
    let writer = std::thread::spawn(move || {
        feed.write_all(&data).unwrap();
        feed
    });
    let mut last = start;
    for r in readers {
        last = last.max(r.await.unwrap());
    }
    let _feed = writer.join().unwrap();
    drop(forwarder);
    lines as f64 / (last - start).as_secs_f64()
}

/// Latency run: returns (p50, p99, max) in milliseconds and the number of lines measured.
async fn latency(kind: Kind, extra: &[&str]) -> (f64, f64, f64, usize) {
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
    let total = (LATENCY_RATE * LATENCY_SECONDS) as usize;
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
    let _feed = writer.join().unwrap();
    drop(forwarder);
    // Skip the first 5 % (connection warm-up).
    let mut measured = latencies.split_off(total / 20);
    measured.sort_unstable();
    let pick = |q: f64| {
        measured[((measured.len() as f64 * q) as usize).min(measured.len() - 1)] as f64 / 1e6
    };
    (pick(0.50), pick(0.99), pick(1.0), measured.len())
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
        let data = payload(THROUGHPUT_LINES);
        println!(
            "machine: {} cores; payload {THROUGHPUT_LINES} lines, {} bytes; {version}",
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            data.len()
        );
        println!("load average before: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
        // Runs alternate between the forwarders, so that both see the same background load.
        let mut results: Vec<(&str, usize, Vec<f64>)> = vec![("relay", 1, vec![]), ("websocat -b", 1, vec![]), ("relay", 10, vec![])];
        for _ in 0..if only == "latency" { 0 } else { RUNS } {
            results[0].2.push(throughput_once(Kind::Relay, 1, &data, THROUGHPUT_LINES).await);
            if have_websocat {
                results[1].2.push(throughput_once(Kind::Websocat, 1, &data, THROUGHPUT_LINES).await);
            }
            results[2].2.push(throughput_once(Kind::Relay, 10, &data, THROUGHPUT_LINES).await);
        }
        let mb = |lps: f64| lps * data.len() as f64 / THROUGHPUT_LINES as f64 / 1e6;
        println!("| forwarder | clients | lines/s per client (median of {RUNS}) | MB/s per client | all runs (lines/s) |");
        println!("| --- | --- | --- | --- | --- |");
        for (name, clients, mut runs) in results {
            if runs.is_empty() {
                continue;
            }
            runs.sort_by(f64::total_cmp);
            let median = runs[runs.len() / 2];
            let all: Vec<String> = runs.iter().map(|r| format!("{r:.0}")).collect();
            println!("| {name} | {clients} | {median:.0} | {:.1} | {} |", mb(median), all.join(", "));
        }
        if only == "throughput" {
            return;
        }
        println!();
        println!("| forwarder | rate | lines measured | p50 ms | p99 ms | max ms |");
        println!("| --- | --- | --- | --- | --- | --- |");
        let (p50, p99, max, n) = latency(Kind::Relay, &[]).await;
        println!("| relay (default --max-delay-ms 0) | {LATENCY_RATE} | {n} | {p50:.3} | {p99:.3} | {max:.3} |");
        let (p50, p99, max, n) = latency(Kind::Relay, &["--max-delay-ms", "2"]).await;
        println!("| relay --max-delay-ms 2 | {LATENCY_RATE} | {n} | {p50:.3} | {p99:.3} | {max:.3} |");
        if have_websocat {
            let (p50, p99, max, n) = latency(Kind::Websocat, &[]).await;
            println!("| websocat -b | {LATENCY_RATE} | {n} | {p50:.3} | {p99:.3} | {max:.3} |");
        }
    });
}
