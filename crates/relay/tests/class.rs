//! A whole class on one relay: clients that misbehave (stop reading, flood it with connections, send invalid
//! frames) cannot hurt the others, and the relay refuses what cannot work. Real sockets on 127.0.0.0/8, bounded in
//! time; each test waits for conditions, not for fixed sleeps, except where a client's own pause is the point.

use crate::common;

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use common::{
    bounded, connect_from, drain, generated, relay_config, start_relay, step, tcp_send_queue,
    until, ws_request, Client, Event, Source,
};
use dstream_protocol::SourceState;
use dstream_relay::relay::RelayConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Error as WsError;

/// Writes `lines` to the source, in chunks with a pause between them, so a reading client keeps up.
async fn feed_paced(feed: &mut TcpStream, lines: &[String]) {
    let mut payload = Vec::new();
    for line in lines {
        payload.extend_from_slice(line.as_bytes());
        payload.push(b'\n');
    }
    step("writing to the relay", async {
        for chunk in payload.chunks(16 * 1024) {
            feed.write_all(chunk).await.unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
}

/// A connected source and a reading client that has seen the source connected.
async fn reader_and_feed(relay_addr: std::net::SocketAddr, source: &Source) -> (Client, TcpStream) {
    let (mut reader, hello) = Client::connect_hello(relay_addr).await;
    let feed = source.accept().await;
    if hello.source != SourceState::Connected {
        reader
            .until_status(|s| s.source == SourceState::Connected)
            .await;
    }
    (reader, feed)
}

#[tokio::test]
async fn a_client_that_reads_nothing_while_data_waits_is_closed_with_1008_after_the_stall_time() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            stall_timeout: Duration::from_millis(500),
            ..relay_config(source.addr())
        };
        let send_buffer = config.send_buffer_bytes as u64;
        let (relay, _stop) = start_relay(config).await;
        let mut sleeper = connect_from(relay.ws_addr, "127.0.0.1", 4096)
            .await
            .unwrap();
        let sleeper_addr = sleeper.get_ref().local_addr().unwrap();
        let (mut reader, mut feed) = reader_and_feed(relay.ws_addr, &source).await;

        let n = 50_000;
        let expected = generated(3, n);
        let reading = tokio::spawn(async move { reader.lines(n).await.0 });
        let began = Instant::now();
        feed_paced(&mut feed, &expected).await;
        let hub = relay.hub().clone();
        until("the relay to close the sleeper", || {
            hub.counters().stalled_clients_closed.load(Relaxed) == 1
        })
        .await;
        let closed_after = began.elapsed();
        // Closed by the time bound, long before its 16 MiB queue (about 5 MB were sent in all) could fill.
        assert_eq!(hub.counters().slow_clients_closed.load(Relaxed), 0);
        assert!(closed_after < Duration::from_secs(10), "{closed_after:?}");
        // The kernel holds at most the send buffer for it (Linux doubles SO_SNDBUF), not megabytes.
        let relay_side = tcp_send_queue(relay.ws_addr, sleeper_addr).unwrap_or(0);
        assert!(
            relay_side <= 2 * send_buffer + 64 * 1024,
            "the kernel holds {relay_side} bytes for the sleeper"
        );
        assert_eq!(step("the reader", reading).await.unwrap(), expected);

        // Reading now, within the close timeout, it gets the data already on its way, then 1008 and the reason.
        let (got, end) = drain(&mut sleeper).await;
        assert!(got < n, "the sleeper got all {got} lines");
        let frame = end
            .unwrap_or_else(|e| panic!("no close frame after {got} lines: {e}"))
            .expect("a close code");
        assert_eq!(frame.code, CloseCode::Policy);
        let reason = frame.reason.as_str();
        assert!(
            reason.starts_with("stalled: you read nothing for 500 ms")
                && reason.ends_with(" lines dropped"),
            "{reason}"
        );
        assert!(hub.counters().lines_dropped.load(Relaxed) > 0);
    })
    .await;
}

#[tokio::test]
async fn a_client_that_never_reads_its_close_frame_is_reset_after_the_close_timeout() {
    bounded(async {
        let source = Source::new().await;
        let close_timeout = Duration::from_millis(500);
        let config = RelayConfig {
            stall_timeout: Duration::from_millis(300),
            close_timeout,
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let mut sleeper = connect_from(relay.ws_addr, "127.0.0.1", 4096)
            .await
            .unwrap();
        let sleeper_addr = sleeper.get_ref().local_addr().unwrap();
        let (mut reader, mut feed) = reader_and_feed(relay.ws_addr, &source).await;
        // The reader keeps reading, so the sleeper is the only client that stalls.
        let reading = tokio::spawn(async move { reader.lines(20_000).await.0.len() });
        feed_paced(&mut feed, &generated(4, 20_000)).await;
        let hub = relay.hub().clone();
        until("the relay to close the sleeper", || {
            hub.counters().stalled_clients_closed.load(Relaxed) == 1
        })
        .await;
        // After the close timeout the relay's socket is gone (reset), not left holding the unsent data.
        until("the relay's socket to the sleeper to go", || {
            tcp_send_queue(relay.ws_addr, sleeper_addr).is_none()
        })
        .await;
        let (_, end) = drain(&mut sleeper).await;
        match end {
            Err(WsError::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
            other => panic!("expected a reset, got {other:?}"),
        }
        assert_eq!(step("the reader", reading).await.unwrap(), 20_000);
        assert_eq!(hub.counters().stalled_clients_closed.load(Relaxed), 1);
    })
    .await;
}

#[tokio::test]
async fn at_shutdown_every_client_gets_1001_within_the_close_timeout_even_a_stalled_one() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            stall_timeout: Duration::from_secs(600),
            ..relay_config(source.addr())
        };
        let close_timeout = config.close_timeout;
        let (trigger, shutdown) = dstream_relay::shutdown::channel();
        let relay = dstream_relay::Relay::start(config, shutdown).await.unwrap();
        let mut stalled = connect_from(relay.ws_addr, "127.0.0.1", 4096)
            .await
            .unwrap();
        let gone = connect_from(relay.ws_addr, "127.0.0.1", 4096)
            .await
            .unwrap();
        let (mut reader, mut feed) = reader_and_feed(relay.ws_addr, &source).await;
        let n = 20_000;
        let lines = generated(5, n);
        let reading = tokio::spawn(async move {
            reader.lines(n).await;
            reader
        });
        feed_paced(&mut feed, &lines).await;
        let mut reader = step("the reader", reading).await.unwrap();

        let began = Instant::now();
        trigger.trigger();
        let stopped = tokio::spawn(relay.wait());
        let frame = loop {
            match reader.next_event().await {
                Event::Closed(frame) => break frame.expect("a close code"),
                _ => continue,
            }
        };
        assert_eq!(frame.code, CloseCode::Away);
        // Stalled for longer than a close used to wait (1 s), then it reads: its goodbye is still there.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (got, end) = drain(&mut stalled).await;
        let frame = end
            .unwrap_or_else(|e| {
                panic!("the stalled client got {got} lines, then no close frame: {e}")
            })
            .expect("a close code");
        assert_eq!(frame.code, CloseCode::Away);
        assert_eq!(frame.reason.as_str(), "relay shutting down");
        // One client never reads again: the relay still stops within its bound.
        step("the relay to stop", stopped).await.unwrap();
        let took = began.elapsed();
        assert!(took < close_timeout + Duration::from_secs(2), "{took:?}");
        drop(gone);
    })
    .await;
}

#[tokio::test]
async fn one_address_gets_its_share_of_clients_and_the_next_one_gets_429_with_a_message() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            max_clients_per_ip: 3,
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(
                connect_from(relay.ws_addr, "127.0.0.2", 64 * 1024)
                    .await
                    .unwrap(),
            );
        }
        match connect_from(relay.ws_addr, "127.0.0.2", 64 * 1024).await {
            Err(WsError::Http(response)) => {
                assert_eq!(response.status().as_u16(), 429);
                let body = String::from_utf8(response.body().clone().unwrap_or_default()).unwrap();
                assert!(
                    body.contains("127.0.0.2 already has 3 connections")
                        && body.contains("--max-clients-per-ip"),
                    "{body}"
                );
            }
            other => panic!("expected HTTP 429, got {other:?}"),
        }
        // Another machine is not affected.
        Client::connect_hello(relay.ws_addr).await;
    })
    .await;
}

#[tokio::test]
async fn sixty_four_idle_clients_and_two_hundred_half_open_connections_do_not_keep_a_real_client_out(
) {
    bounded(async {
        let source = Source::new().await;
        // The defaults: 64 clients, 8 per address, 256 half-open connections.
        let (relay, _stop) = start_relay(relay_config(source.addr())).await;
        let (_first, mut feed) = reader_and_feed(relay.ws_addr, &source).await;
        let mut idle = Vec::new();
        for _ in 0..64 {
            if let Ok(ws) = connect_from(relay.ws_addr, "127.0.0.2", 4096).await {
                idle.push(ws);
            }
        }
        let mut half_open = Vec::new();
        for _ in 0..200 {
            let socket = TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
            half_open.push(socket.connect(relay.ws_addr).await.unwrap());
        }
        feed.write_all(b"for everyone\n").await.unwrap();
        let began = Instant::now();
        let (mut real, _) = Client::connect_hello(relay.ws_addr).await;
        feed.write_all(b"and for the real client\n").await.unwrap();
        assert_eq!(real.lines(1).await.0, vec!["and for the real client"]);
        let took = began.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "the real client waited {took:?}"
        );
        assert_eq!(idle.len(), 8, "one address holds at most its share");
    })
    .await;
}

#[tokio::test]
async fn the_oldest_half_open_connection_is_closed_when_max_handshakes_are_waiting() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            max_handshakes: 4,
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let mut oldest = TcpStream::connect(relay.ws_addr).await.unwrap();
        let mut others = Vec::new();
        for _ in 0..4 {
            others.push(TcpStream::connect(relay.ws_addr).await.unwrap());
        }
        // Well within the 10 s a half-open connection may otherwise take.
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(3), oldest.read(&mut buf))
            .await
            .expect("the oldest is closed at once")
            .unwrap_or(0);
        assert_eq!(n, 0);
        Client::connect_hello(relay.ws_addr).await;
    })
    .await;
}

#[tokio::test]
async fn out_of_file_descriptors_the_relay_lets_a_real_client_in_and_logs_once() {
    bounded(async {
        let source = Source::new().await;
        let exe = env!("CARGO_BIN_EXE_relay");
        // 64 descriptors: a few for the runtime, the listener and the source; the rest fill up with half-open ones.
        let mut child = Command::new("sh")
            .args([
                "-c",
                "ulimit -n 64 && exec \"$0\" --source \"$1\" --listen 127.0.0.1:0",
                exe,
                &source.addr().to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        let ws_addr = common::addr_in(&line, "ws://", "/ws");
        let _feed = source.accept().await;
        let mut half_open = Vec::new();
        for _ in 0..150 {
            half_open.push(TcpStream::connect(ws_addr).await.unwrap());
        }
        let began = Instant::now();
        Client::connect_hello(ws_addr).await;
        let took = began.elapsed();
        // Ctrl-C, then the log.
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        drop(half_open);
        let out = step("the relay to exit", async {
            tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
                .await
                .unwrap()
        })
        .await;
        let log = String::from_utf8_lossy(&out.stderr);
        let failures = log
            .matches("accepting a WebSocket connection failed")
            .count();
        assert!(
            took < Duration::from_secs(2),
            "the real client waited {took:?}; log:\n{log}"
        );
        assert!(failures >= 1, "the limit was never reached; log:\n{log}");
        assert!(
            failures <= 3,
            "{failures} log lines for accept failures, not one per burst; log:\n{log}"
        );
    })
    .await;
}

#[tokio::test]
async fn two_origin_headers_are_refused_with_403() {
    bounded(async {
        let source = Source::new().await;
        let (relay, _stop) = start_relay(relay_config(source.addr())).await;
        let mut request = ws_request(relay.ws_addr, "/ws", Some("http://127.0.0.1:8080"));
        request
            .headers_mut()
            .append("Origin", "http://evil.example".parse().unwrap());
        match step("the handshake", tokio_tungstenite::connect_async(request)).await {
            Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 403),
            other => panic!("expected 403, got {other:?}"),
        }
    })
    .await;
}

/// The close frames in what a server sent (unmasked frames): their codes.
fn close_codes(mut bytes: &[u8]) -> Vec<u16> {
    let mut codes = Vec::new();
    while bytes.len() >= 2 {
        let opcode = bytes[0] & 0x0f;
        let (len, header) = match bytes[1] & 0x7f {
            126 if bytes.len() >= 4 => (u16::from_be_bytes([bytes[2], bytes[3]]) as usize, 4),
            127 if bytes.len() >= 10 => (
                u64::from_be_bytes(bytes[2..10].try_into().unwrap()) as usize,
                10,
            ),
            n @ 0..=125 => (n as usize, 2),
            _ => break,
        };
        if bytes.len() < header + len {
            break;
        }
        if opcode == 0x8 && len >= 2 {
            codes.push(u16::from_be_bytes([bytes[header], bytes[header + 1]]));
        }
        bytes = &bytes[header + len..];
    }
    codes
}

#[tokio::test]
async fn invalid_frames_from_a_client_are_answered_with_close_1002() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            close_timeout: Duration::from_millis(500),
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        for (what, frame) in [
            ("an unmasked frame", vec![0x81u8, 0x02, b'h', b'i']),
            ("a reserved opcode", vec![0x83u8, 0x80, 1, 2, 3, 4]),
        ] {
            let stream = TcpStream::connect(relay.ws_addr).await.unwrap();
            let (ws, _) =
                tokio_tungstenite::client_async(format!("ws://{}/ws", relay.ws_addr), stream)
                    .await
                    .unwrap();
            let mut raw = ws.into_inner();
            raw.write_all(&frame).await.unwrap();
            let mut got = Vec::new();
            let _ = step("the relay to close", raw.read_to_end(&mut got)).await;
            assert!(
                close_codes(&got).contains(&1002),
                "{what}: no close 1002 in {:?}",
                String::from_utf8_lossy(&got)
            );
        }
    })
    .await;
}

#[tokio::test]
async fn flag_combinations_that_cannot_work_are_refused_at_start_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args([
            "--max-line-bytes",
            "2000000",
            "--client-queue-bytes",
            "1000000",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "--client-queue-bytes (1000000) must be at least twice --max-line-bytes (2000000)"
        ),
        "{err}"
    );
    let config = RelayConfig {
        frame_bytes: 1 << 20,
        client_queue_bytes: 1 << 20,
        max_line_bytes: 1000,
        ..RelayConfig::default()
    };
    let e = config.validate().unwrap_err().to_string();
    assert!(e.contains("--frame-bytes"), "{e}");
}

#[tokio::test]
async fn a_line_that_grows_past_the_cap_when_repaired_is_counted_as_cut() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            max_line_bytes: 1000,
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let (mut c, mut feed) = reader_and_feed(relay.ws_addr, &source).await;
        // 900 bad bytes fit the cap; repaired, they are 900 U+FFFD, 2700 bytes.
        let mut data = vec![0xffu8; 900];
        data.push(b'\n');
        feed.write_all(&data).await.unwrap();
        let (status, lines) = c.until_status(|s| s.invalid_utf8 == 1).await;
        let lines = if lines.is_empty() {
            c.lines(1).await.0
        } else {
            lines
        };
        assert_eq!(lines[0], "\u{fffd}".repeat(333));
        let status = if status.lines_cut == 1 {
            status
        } else {
            c.until_status(|s| s.lines_cut == 1).await.0
        };
        assert_eq!((status.lines_cut, status.invalid_utf8), (1, 1));
    })
    .await;
}

#[tokio::test]
async fn a_tee_client_that_reads_nothing_while_data_waits_is_reset_after_the_stall_time() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            stall_timeout: Duration::from_millis(500),
            tee: Some("127.0.0.1:0".into()),
            ..relay_config(source.addr())
        };
        let send_buffer = config.send_buffer_bytes as u64;
        let (relay, _stop) = start_relay(config).await;
        let tee_addr = relay.tee_addr.expect("a tee address");
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut sleeper = step("a tee connection", socket.connect(tee_addr))
            .await
            .unwrap();
        let sleeper_addr = sleeper.local_addr().unwrap();
        let hub = relay.hub().clone();
        until("the tee client to be registered", || hub.clients() == 1).await;
        let (mut reader, mut feed) = reader_and_feed(relay.ws_addr, &source).await;

        let n = 50_000;
        let expected = generated(5, n);
        let reading = tokio::spawn(async move { reader.lines(n).await.0 });
        let began = Instant::now();
        feed_paced(&mut feed, &expected).await;
        until("the relay to drop the tee sleeper", || {
            hub.counters().stalled_clients_closed.load(Relaxed) == 1
        })
        .await;
        // Dropped by the time bound, long before its 16 MiB queue (about 5 MB were sent in all) could fill.
        assert_eq!(hub.counters().slow_clients_closed.load(Relaxed), 0);
        assert!(began.elapsed() < Duration::from_secs(10));
        assert!(hub.counters().lines_dropped.load(Relaxed) > 0);
        assert_eq!(step("the reader", reading).await.unwrap(), expected);

        // Reset, not closed: the kernel keeps nothing for it (the socket is gone on the relay's side).
        until("the relay's socket to the sleeper to go", || {
            tcp_send_queue(tee_addr, sleeper_addr).is_none()
        })
        .await;
        let mut got = 0usize;
        let mut buf = vec![0u8; 64 * 1024];
        let end = step("the sleeper's reads", async {
            loop {
                match sleeper.read(&mut buf).await {
                    Ok(0) => break Ok(()),
                    Ok(k) => got += k,
                    Err(e) => break Err(e),
                }
            }
        })
        .await;
        assert_eq!(
            end.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::ConnectionReset),
            "after {got} bytes"
        );
        // What reached it at most fills the two socket buffers, far from the whole stream.
        assert!(
            (got as u64) < 2 * send_buffer + 64 * 1024 + 64 * 1024,
            "{got} bytes"
        );
    })
    .await;
}
