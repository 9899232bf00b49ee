//! End-to-end tests with real sockets on 127.0.0.1 (ephemeral ports), no mocks.
//!
//! Every test is bounded in time: a failing test fails with a message instead of hanging.

use crate::common;

use common::{
    addr_in, bounded, free_addr, generated, handshake_status, relay_config, start_generator,
    start_relay, step, wait_for_clients, ws_request, Client, Event, Program, Source,
};
use std::process::Command;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use dstream_protocol::{FrameEncoding, SourceState, StatusEvent};
use dstream_relay::relay::RelayConfig;
use dstream_relay::serve::ServeConfig;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn every_generated_line_arrives_once_in_order_at_plain_and_compressed_clients() {
    bounded(async {
        let source = free_addr().await;
        let (relay, _stop_relay) = start_relay(relay_config(source)).await;
        let mut clients = Vec::new();
        let lz4 = FrameEncoding::Lz4;
        for encoding in [FrameEncoding::Plain, lz4, FrameEncoding::Plain, lz4] {
            let (c, hello) = Client::connect_hello_as(relay.ws_addr, encoding).await;
            assert_eq!(hello.source, SourceState::Disconnected);
            clients.push(c);
        }
        let n = 5000;
        let (_gen, _stop_gen) = start_generator(
            source,
            ServeConfig {
                rate: 0.0,
                seed: Some(42),
                count: Some(n as u64),
                file: None,
                loop_file: false,
            },
        )
        .await;
        let expected = generated(42, n);
        for c in &mut clients {
            // The generator closes after --count lines: everything before that disconnect is the whole stream.
            let (_, before) = c
                .until_status(|s| s.event == StatusEvent::SourceConnected)
                .await;
            assert!(before.is_empty());
            let (status, lines) = c
                .until_status(|s| s.event == StatusEvent::SourceDisconnected)
                .await;
            assert_eq!(lines.len(), n);
            assert!(lines == expected, "lines differ from the generator's");
            assert!(status.client_lines >= n as u64);
            assert!(status.lines_forwarded >= n as u64);
            assert_eq!(status.lines_dropped, 0);
        }
    })
    .await;
}

#[tokio::test]
async fn source_killed_and_restarted_relay_reconnects_and_says_so() {
    bounded(async {
        let source = free_addr().await;
        let gen_config = ServeConfig {
            rate: 200.0,
            seed: Some(1),
            count: None,
            file: None,
            loop_file: false,
        };
        let (gen, stop_gen) = start_generator(source, gen_config.clone()).await;
        let (relay, _stop_relay) = start_relay(relay_config(source)).await;
        let (mut c, _) = Client::connect_hello(relay.ws_addr).await;
        let (first, _) = c.lines(5).await;
        assert!(first.iter().all(|l| l.starts_with("[Sun Dec 04")));

        // Kill the source: the relay notices, says so, and keeps retrying.
        stop_gen.trigger();
        step("generator to stop", gen).await.unwrap();
        let (down, _) = c
            .until_status(|s| s.event == StatusEvent::SourceDisconnected)
            .await;
        assert_eq!(down.source, SourceState::Disconnected);
        assert!(
            down.reason.as_deref().unwrap_or("").contains("closed"),
            "{down:?}"
        );
        let (refused, _) = c
            .until_status(|s| {
                s.reason
                    .as_deref()
                    .is_some_and(|r| r.contains("nothing listens"))
            })
            .await;
        assert_eq!(refused.source, SourceState::Disconnected);

        // Bring it back on the same address: lines flow again.
        let (_gen, _stop_gen) = start_generator(source, gen_config).await;
        let (up, _) = c
            .until_status(|s| s.event == StatusEvent::SourceConnected)
            .await;
        assert_eq!(up.source, SourceState::Connected);
        assert_eq!(up.reason, None);
        let (again, _) = c.lines(5).await;
        assert_eq!(
            again[..5],
            generated(1, 5),
            "a new connection gets the seed's stream from its start"
        );
    })
    .await;
}

#[tokio::test]
async fn a_client_that_stops_reading_gets_a_1008_close_while_another_gets_everything() {
    bounded(async {
        let source = Source::new().await;
        let queue_limit = 1024 * 1024;
        let config = RelayConfig {
            client_queue_bytes: queue_limit,
            max_line_bytes: 64 * 1024,
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let mut feed = source.accept().await;

        // The sleeper: a tiny receive buffer, and it reads nothing until a while after the relay closed it.
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket.connect(relay.ws_addr).await.unwrap();
        let (mut sleeper, _) = step(
            "sleeper handshake",
            tokio_tungstenite::client_async(format!("ws://{}/ws", relay.ws_addr), stream),
        )
        .await
        .expect("handshake");
        let (mut good, _) = Client::connect_hello(relay.ws_addr).await;

        let n = 100_000;
        let expected = generated(7, n);
        let reader = tokio::spawn(async move {
            let (lines, _) = good.lines(n).await;
            let (status, _) = good.until_status(|s| s.lines_dropped > 0).await;
            (lines, status)
        });
        let hub = relay.hub().clone();
        let sleeper_task = tokio::spawn(async move {
            step("the relay to close the sleeper", async {
                while hub.counters().slow_clients_closed.load(Relaxed) == 0 {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
            .await;
            // Longer than a close normally waits (1 s): a slow client is still owed its close frame.
            tokio::time::sleep(Duration::from_secs(2)).await;
            let mut got = 0usize;
            let end = loop {
                match step("the sleeper's stream to end", sleeper.next()).await {
                    Some(Ok(Message::Binary(data))) => {
                        got += data.iter().filter(|&&b| b == b'\n').count()
                    }
                    Some(Ok(Message::Close(frame))) => break Ok(frame),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => break Err(format!("error {e}")),
                    None => break Err("end of stream without a close frame".to_string()),
                }
            };
            (got, end)
        });
        let mut payload = Vec::new();
        for line in &expected {
            payload.extend_from_slice(line.as_bytes());
            payload.push(b'\n');
        }
        // Paced (about 16 MB/s at most) so that the reading client, even in a debug build, keeps up.
        step("writing to the relay", async {
            for chunk in payload.chunks(16 * 1024) {
                feed.write_all(chunk).await.unwrap();
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .await;
        let (lines, status) = step("the good client", reader).await.unwrap();
        assert!(
            lines == expected,
            "the reading client lost or reordered lines"
        );
        assert!(status.lines_dropped > 0);

        // The sleeper got the data that was already on its way, then a real close frame: 1008 and the reason.
        let (got, end) = step("the sleeper", sleeper_task).await.unwrap();
        assert!(
            got < n,
            "the sleeper got everything ({got} lines), so it was not cut off"
        );
        let frame = end
            .unwrap_or_else(|e| panic!("the sleeper got {got} lines, then no close frame: {e}"))
            .expect("the close frame has a code");
        assert_eq!(frame.code, CloseCode::Policy, "{frame:?}");
        let reason = frame.reason.as_str();
        let limit = format!("(limit {queue_limit}); ");
        assert!(
            reason.starts_with("too slow: ")
                && reason.contains(&limit)
                && reason.ends_with(" lines dropped"),
            "{reason}"
        );
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_repaired_counted_and_never_stops_the_relay() {
    bounded(async {
        let source = Source::new().await;
        let (relay, _stop) = start_relay(relay_config(source.addr())).await;
        let (mut c, hello) = Client::connect_hello(relay.ws_addr).await;
        let mut feed = source.accept().await;
        if hello.source != SourceState::Connected {
            c.until_status(|s| s.source == SourceState::Connected).await;
        }

        let big = vec![b'x'; 2 * 1024 * 1024];
        let mut data = Vec::new();
        data.extend_from_slice(b"bad \xff\xfe utf8\n");
        data.extend_from_slice(b"windows line\r\n");
        data.extend_from_slice(&big);
        data.push(b'\n');
        data.extend_from_slice(b"nul \0 inside\n\n\n");
        data.extend_from_slice(b"old mac\rlast line without terminator");
        feed.write_all(&data).await.unwrap();
        drop(feed);

        let (status, lines) = c
            .until_status(|s| s.event == StatusEvent::SourceDisconnected)
            .await;
        assert_eq!(
            lines.len(),
            8,
            "{:?}",
            lines.iter().map(|l| l.len()).collect::<Vec<_>>()
        );
        assert_eq!(lines[0], "bad \u{fffd}\u{fffd} utf8");
        assert_eq!(lines[1], "windows line");
        assert_eq!(lines[2].len(), 1024 * 1024);
        assert!(lines[2].bytes().all(|b| b == b'x'));
        assert_eq!(lines[3], "nul \0 inside");
        assert_eq!(lines[4], "");
        assert_eq!(lines[5], "");
        assert_eq!(lines[6], "old mac");
        assert_eq!(lines[7], "last line without terminator");
        assert_eq!(status.lines_cut, 1);
        assert_eq!(status.invalid_utf8, 1);
        assert_eq!(status.lines_forwarded, 8);

        // Still alive: the next connection is relayed.
        let mut feed = source.accept().await;
        feed.write_all(b"still here\n").await.unwrap();
        let (lines, _) = c.lines(1).await;
        assert_eq!(lines, vec!["still here"]);
    })
    .await;
}

#[tokio::test]
async fn clients_that_send_data_or_garbage_do_not_disturb_the_relay() {
    bounded(async {
        let source = Source::new().await;
        let (relay, _stop) = start_relay(relay_config(source.addr())).await;
        let mut feed = source.accept().await;
        let (mut chatty, _) = Client::connect_hello(relay.ws_addr).await;
        let (mut quiet, _) = Client::connect_hello(relay.ws_addr).await;

        // Messages from a client are ignored.
        chatty
            .ws
            .send(Message::Text("hello relay".into()))
            .await
            .unwrap();
        chatty
            .ws
            .send(Message::Binary(vec![0xff; 1000].into()))
            .await
            .unwrap();
        // A raw TCP connection sending garbage instead of a handshake is dropped.
        let mut garbage = TcpStream::connect(relay.ws_addr).await.unwrap();
        garbage
            .write_all(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = step("garbage connection to be closed", async {
            loop {
                match garbage.read(&mut buf).await {
                    Ok(0) | Err(_) => return 0,
                    Ok(n) => {
                        let _ = n;
                    }
                }
            }
        })
        .await;
        assert_eq!(n, 0);
        // A client sending a message that is too big is closed (1009); the others go on.
        let (mut big, _) = Client::connect_hello(relay.ws_addr).await;
        let _ = big
            .ws
            .send(Message::Binary(vec![b'a'; 200 * 1024].into()))
            .await;
        let closed = step("the oversized sender to be closed", async {
            loop {
                match big.ws.next().await {
                    Some(Ok(Message::Close(frame))) => return frame.map(|f| f.code),
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => return None,
                }
            }
        })
        .await;
        assert_eq!(closed, Some(CloseCode::Size));

        feed.write_all(b"one\ntwo\n").await.unwrap();
        assert_eq!(chatty.lines(2).await.0, vec!["one", "two"]);
        assert_eq!(quiet.lines(2).await.0, vec!["one", "two"]);
    })
    .await;
}

#[tokio::test]
async fn handshakes_are_checked_for_origin_path_and_client_cap() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            max_clients: 2,
            allow_origins: vec!["http://lab.example:3000".into()],
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let addr = relay.ws_addr;
        assert_eq!(
            handshake_status(addr, "/ws", Some("http://evil.example")).await,
            403
        );
        assert_eq!(handshake_status(addr, "/other", None).await, 404);

        let (a, _) = step(
            "trunk origin",
            tokio_tungstenite::connect_async(ws_request(
                addr,
                "/ws",
                Some("http://localhost:8080"),
            )),
        )
        .await
        .expect("default origin allowed");
        let (b, _) = step(
            "extra origin",
            tokio_tungstenite::connect_async(ws_request(
                addr,
                "/ws",
                Some("http://lab.example:3000"),
            )),
        )
        .await
        .expect("--allow-origin allowed");
        assert_eq!(handshake_status(addr, "/ws", None).await, 503);
        drop(a);
        drop(b);
        // Once they are gone, there is room again.
        step("room again", async {
            loop {
                if relay.hub().websocket_clients() < 2 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        Client::connect_hello(relay.ws_addr).await;
    })
    .await;
}

#[tokio::test]
async fn tee_delivers_the_same_lines_as_the_websocket() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            tee: Some("127.0.0.1:0".into()),
            // Also exercises the time-bounded coalescing path.
            max_delay: Duration::from_millis(5),
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let mut feed = source.accept().await;
        let (mut ws, _) = Client::connect_hello(relay.ws_addr).await;
        let mut tee = TcpStream::connect(relay.tee_addr.expect("tee address"))
            .await
            .unwrap();
        wait_for_clients(&relay, 2).await;

        let n = 2000;
        let mut data = Vec::new();
        for line in generated(3, n) {
            data.extend_from_slice(line.as_bytes());
            data.extend_from_slice(b"\r\n");
        }
        data.extend_from_slice(b"caf\xe9\n");
        feed.write_all(&data).await.unwrap();

        let (ws_lines, _) = ws.lines(n + 1).await;
        let mut tee_bytes = Vec::new();
        step("tee lines", async {
            let mut buf = [0u8; 8192];
            while tee_bytes.iter().filter(|&&b| b == b'\n').count() < n + 1 {
                let k = tee.read(&mut buf).await.unwrap();
                assert!(k > 0, "tee closed early");
                tee_bytes.extend_from_slice(&buf[..k]);
            }
        })
        .await;
        let tee_text = String::from_utf8(tee_bytes).expect("tee sends UTF-8");
        let tee_lines: Vec<&str> = tee_text.lines().collect();
        assert_eq!(tee_lines.len(), n + 1);
        assert!(
            tee_lines.iter().zip(&ws_lines).all(|(a, b)| a == b),
            "tee and WebSocket differ"
        );
        assert_eq!(ws_lines[n], "caf\u{fffd}");
    })
    .await;
}

#[tokio::test]
async fn demo_starts_the_built_in_generator_when_nothing_listens() {
    bounded(async {
        let source = free_addr().await;
        let config = RelayConfig {
            demo: true,
            demo_rate: 200.0,
            ..relay_config(source)
        };
        let (relay, _stop) = start_relay(config).await;
        assert!(relay.demo_started);
        let (mut c, hello) = Client::connect_hello(relay.ws_addr).await;
        assert!(hello.demo);
        let (lines, _) = c.lines(10).await;
        assert!(
            lines.iter().all(|l| l.starts_with("[Sun Dec 04")),
            "{lines:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn send_messages_replays_a_file_and_loops() {
    bounded(async {
        let dir = std::env::temp_dir().join(format!("dstream-relay-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lines.txt");
        std::fs::write(&path, b"alpha\nbeta\ngamma").unwrap();
        let addr = free_addr().await;
        let config = ServeConfig {
            rate: 0.0,
            seed: None,
            count: Some(7),
            file: Some(path.clone()),
            loop_file: true,
        };
        config.validate().unwrap();
        let (_task, _stop) = start_generator(addr, config).await;
        let mut conn = TcpStream::connect(addr).await.unwrap();
        let mut out = String::new();
        step("file lines", conn.read_to_string(&mut out))
            .await
            .unwrap();
        assert_eq!(out, "alpha\nbeta\ngamma\nalpha\nbeta\ngamma\nalpha\n");

        let missing = ServeConfig {
            rate: 1.0,
            seed: None,
            count: None,
            file: Some(dir.join("missing.txt")),
            loop_file: false,
        };
        let err = missing.validate().unwrap_err().to_string();
        assert!(err.contains("cannot read --file"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}

#[tokio::test]
async fn send_messages_count_and_seed_are_reproducible_and_ctrl_c_is_clean() {
    bounded(async {
        let mut program = Program::start(
            env!("CARGO_BIN_EXE_send-messages"),
            &[
                "--port", "0", "--seed", "99", "--count", "300", "--rate", "0",
            ],
        );
        let line = program.next_line();
        assert!(line.contains("seed 99"), "{line}");
        let addr = addr_in(&line, " on ", "\n");
        let mut outputs = Vec::new();
        for _ in 0..2 {
            let mut conn = TcpStream::connect(addr).await.unwrap();
            let mut out = String::new();
            step("--count lines then close", conn.read_to_string(&mut out))
                .await
                .unwrap();
            outputs.push(out);
        }
        assert_eq!(
            outputs[0], outputs[1],
            "same seed, same lines for every client"
        );
        let lines: Vec<&str> = outputs[0].lines().collect();
        assert_eq!(lines.len(), 300);
        assert!(outputs[0].ends_with('\n'));
        assert!(lines.iter().zip(generated(99, 300)).all(|(a, b)| *a == b));
        let status = program.interrupt().await;
        assert!(status.success(), "exit status {status:?}");

        // A paced run with the same seed gives the same lines.
        let mut paced = Program::start(
            env!("CARGO_BIN_EXE_send-messages"),
            &[
                "--port", "0", "--seed", "99", "--count", "20", "--rate", "500",
            ],
        );
        let addr = addr_in(&paced.next_line(), " on ", "\n");
        let mut conn = TcpStream::connect(addr).await.unwrap();
        let mut out = String::new();
        step("paced lines", conn.read_to_string(&mut out))
            .await
            .unwrap();
        assert_eq!(out.lines().collect::<Vec<_>>(), lines[..20].to_vec());
        assert!(paced.interrupt().await.success());
    })
    .await;
}

/// The "N lines sent" count in `send-messages`' output for its one client.
fn lines_sent(output: &str) -> u64 {
    let line = output
        .lines()
        .find(|l| l.contains(" lines sent"))
        .unwrap_or_else(|| panic!("no lines sent in {output:?}"));
    let before = &line[..line.find(" lines sent").unwrap()];
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

/// Stops `send-messages` (seed `seed`) with Ctrl-C while `conn` has read `got`, reads the rest of
/// the stream and asserts it ended cleanly, its last line whole, its count exactly the lines
/// received, and those lines the seed's; returns its output.
async fn interrupted_and_exact(
    program: Program,
    mut conn: TcpStream,
    mut got: Vec<u8>,
    seed: u64,
) -> String {
    // The client reads on once Ctrl-C is sent, as a client does: send-messages may then finish the line its
    // waiting write had begun. Read only after it exited, the line could end only if the socket's buffer
    // happened to hold the rest of it.
    let ((exit, output), rest) = tokio::join!(
        program.interrupt_with_output(),
        step("the rest of the stream", conn.read_to_end(&mut got)),
    );
    rest.unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(got.ends_with(b"\n"), "a partial last line was sent");
    let text = String::from_utf8(got).unwrap();
    let received = text.lines().count();
    assert_eq!(lines_sent(&output), received as u64, "{output}");
    assert!(text
        .lines()
        .zip(generated(seed, received))
        .all(|(a, b)| a == b));
    output
}

#[tokio::test]
async fn send_messages_behind_its_rate_still_writes_stays_small_says_so_and_counts_exactly() {
    bounded(async {
        // A rate no machine reaches: generating each line costs more than its pause.
        let mut program = Program::start(
            env!("CARGO_BIN_EXE_send-messages"),
            &["--port", "0", "--seed", "3", "--rate", "50000000"],
        );
        let addr = addr_in(&program.next_line(), " on ", "\n");
        let mut conn = TcpStream::connect(addr).await.unwrap();
        let mut got = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        // It says it is behind once it is more than 1 s behind: read for longer than that.
        let start = std::time::Instant::now();
        step("1 MB of lines and 1.5 s of stream", async {
            while got.len() < 1 << 20 || start.elapsed() < Duration::from_millis(1500) {
                let n = conn.read(&mut chunk).await.unwrap();
                assert!(n > 0, "closed early");
                got.extend_from_slice(&chunk[..n]);
            }
        })
        .await;
        let status = std::fs::read_to_string(format!("/proc/{}/status", program.pid())).unwrap();
        let rss_kb: u64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap()
            .parse()
            .unwrap();
        assert!(rss_kb < 100 * 1024, "send-messages grew to {rss_kb} kB");
        // Stop reading: Ctrl-C must be honoured while a write waits.
        let output = interrupted_and_exact(program, conn, got, 3).await;
        assert!(output.contains("behind --rate 50000000"), "{output}");
        assert!(output.contains("lines/s on average"), "{output}");
    })
    .await;
}

#[tokio::test]
async fn send_messages_counts_only_whole_lines_a_slow_reader_got_and_never_cuts_one() {
    bounded(async {
        let mut program = Program::start(
            env!("CARGO_BIN_EXE_send-messages"),
            &["--port", "0", "--seed", "4", "--rate", "0"],
        );
        let addr = addr_in(&program.next_line(), " on ", "\n");
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut conn = step("connect", socket.connect(addr)).await.unwrap();
        let local = conn.local_addr().unwrap();
        let mut got = vec![0u8; 1000];
        conn.read_exact(&mut got).await.unwrap();
        // The reader stops: wait until send-messages has bytes the kernel cannot deliver (its write waits).
        common::until("send-messages' socket to back up", || {
            common::tcp_send_queue(addr, local).is_some_and(|q| q > 0)
        })
        .await;
        interrupted_and_exact(program, conn, got, 4).await;
    })
    .await;
}

#[tokio::test]
async fn relay_binary_closes_clients_with_1001_on_ctrl_c() {
    bounded(async {
        let source = Source::new().await;
        let src = source.addr().to_string();
        let mut program = Program::start(
            env!("CARGO_BIN_EXE_relay"),
            &["--source", &src, "--listen", "127.0.0.1:0"],
        );
        let line = program.next_line();
        let ws_addr = addr_in(&line, "ws://", "/ws");
        let mut feed = source.accept().await;
        let (mut c, _) = Client::connect_hello(ws_addr).await;
        c.until_status(|s| s.source == SourceState::Connected).await;
        feed.write_all(b"before shutdown\n").await.unwrap();
        assert_eq!(c.lines(1).await.0, vec!["before shutdown"]);
        let status = program.interrupt().await;
        assert!(status.success(), "exit status {status:?}");
        let frame = loop {
            match c.next_event().await {
                Event::Closed(frame) => break frame,
                _ => continue,
            }
        };
        let frame = frame.expect("a close frame");
        assert_eq!(frame.code, CloseCode::Away);
        assert_eq!(frame.reason.as_str(), "relay shutting down");
    })
    .await;
}

#[test]
fn help_explains_every_flag() {
    for (exe, flags) in [
        (
            env!("CARGO_BIN_EXE_relay"),
            &[
                "--source",
                "--listen",
                "--allow-origin",
                "--max-clients",
                "--max-clients-per-ip",
                "--max-handshakes",
                "--stall-ms",
                "--close-timeout-ms",
                "--send-buffer-bytes",
                "--tee",
                "--demo",
                "--demo-rate",
                "--max-line-bytes",
                "--frame-bytes",
                "--max-delay-ms",
                "--client-queue-bytes",
                "--retry-ms",
                "--status-interval-ms",
                "--serve",
            ][..],
        ),
        (
            env!("CARGO_BIN_EXE_send-messages"),
            &[
                "--bind", "--port", "--rate", "--seed", "--count", "--file", "--loop",
            ][..],
        ),
    ] {
        let out = Command::new(exe)
            .arg("--help")
            .output()
            .expect("run --help");
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        for flag in flags {
            let line = help
                .lines()
                .find(|l| l.trim_start().starts_with(flag) && l.contains(flag))
                .unwrap_or_else(|| panic!("{exe} --help does not list {flag}:\n{help}"));
            // Each flag's line (or the next) carries an explanation, not just the flag.
            assert!(
                line.len() > flag.len() + 10 || help.contains(&format!("{line}\n")),
                "{line}"
            );
        }
    }
    // Bad input on the command line is an error with a message, not a panic.
    let out = Command::new(env!("CARGO_BIN_EXE_send-messages"))
        .args(["--rate=-3"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rate"));
}
