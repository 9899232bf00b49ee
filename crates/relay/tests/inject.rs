//! "Inject a line": a page on the relay's machine types a line and, with `--allow-inject`, every client and the
//! `--tee` Spark get it in the stream, in order; without the flag, or too fast, or not one line, the page is told
//! why and nobody gets it. Real sockets on loopback, bounded in time.

use crate::common;

use std::sync::atomic::Ordering::Relaxed;

use common::{bounded, generated, relay_config, start_relay, step, until, Client, Event, Source};
use dstream_protocol::{SourceState, MAX_INJECTED_LINES_PER_SECOND};
use dstream_relay::inject::InjectPolicy;
use dstream_relay::relay::RelayConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Writes `lines` to the source, each with its `\n`.
async fn send(feed: &mut TcpStream, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    step("writing to the relay", feed.write_all(text.as_bytes()))
        .await
        .unwrap();
}

/// The next event that is not a periodic status.
async fn next_reply(client: &mut Client) -> Event {
    loop {
        match client.next_event().await {
            Event::Status(_) => continue,
            other => return other,
        }
    }
}

#[tokio::test]
async fn with_allow_inject_a_typed_line_reaches_every_client_and_the_tee_in_stream_order() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            inject: InjectPolicy::Loopback,
            tee: Some("127.0.0.1:0".into()),
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let mut tee = step(
            "a tee connection",
            TcpStream::connect(relay.tee_addr.unwrap()),
        )
        .await
        .unwrap();
        let (mut teacher, hello) = Client::connect_hello(relay.ws_addr).await;
        assert!(hello.inject, "a loopback page may inject: {hello:?}");
        let (mut student, _) = Client::connect_hello(relay.ws_addr).await;
        let mut feed = source.accept().await;
        teacher
            .until_status(|s| s.source == SourceState::Connected)
            .await;

        let before = generated(7, 20);
        let after = generated(8, 20);
        let injected = "[error] typed by the teacher: disk full";
        send(&mut feed, &before).await;
        assert_eq!(teacher.lines(before.len()).await.0, before);
        teacher.inject(injected).await;
        let hub = relay.hub().clone();
        until("the relay to inject the line", || {
            hub.counters().lines_injected.load(Relaxed) == 1
        })
        .await;
        send(&mut feed, &after).await;

        let expected: Vec<String> = before
            .iter()
            .cloned()
            .chain([injected.to_string()])
            .chain(after.iter().cloned())
            .collect();
        assert_eq!(
            teacher.lines(after.len() + 1).await.0[..],
            expected[before.len()..]
        );
        let (seen, _) = student.lines(expected.len()).await;
        assert_eq!(seen, expected);
        let mut tee_text = Vec::new();
        step("the tee's lines", async {
            let mut buf = [0u8; 4096];
            while tee_text.iter().filter(|&&b| b == b'\n').count() < expected.len() {
                let k = tee.read(&mut buf).await.unwrap();
                assert!(k > 0, "the tee closed early");
                tee_text.extend_from_slice(&buf[..k]);
            }
        })
        .await;
        let tee_lines: Vec<String> = String::from_utf8(tee_text)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(tee_lines, expected);

        // The statuses count it apart from the source's lines.
        let (status, _) = student.until_status(|s| s.lines_injected == 1).await;
        assert_eq!(status.lines_forwarded, (before.len() + after.len()) as u64);
        assert_eq!(hub.counters().injections_refused.load(Relaxed), 0);
    })
    .await;
}

#[tokio::test]
async fn without_allow_inject_the_page_is_told_why_and_nobody_gets_the_line() {
    bounded(async {
        let source = Source::new().await;
        let (relay, _stop) = start_relay(relay_config(source.addr())).await;
        let (mut teacher, hello) = Client::connect_hello(relay.ws_addr).await;
        assert!(!hello.inject);
        let (mut student, _) = Client::connect_hello(relay.ws_addr).await;
        let mut feed = source.accept().await;
        teacher.inject("[error] not allowed").await;
        match next_reply(&mut teacher).await {
            Event::InjectRefused(why) => assert_eq!(
                why,
                "this relay does not take injected lines: start it with --allow-inject"
            ),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // The next line anyone gets is the source's.
        let line = generated(9, 1);
        send(&mut feed, &line).await;
        assert_eq!(student.lines(1).await.0, line);
        assert_eq!(teacher.lines(1).await.0, line);
        let c = relay.hub().counters();
        assert_eq!(c.lines_injected.load(Relaxed), 0);
        assert_eq!(c.injections_refused.load(Relaxed), 1);
    })
    .await;
}

#[tokio::test]
async fn a_page_injects_at_most_its_allowance_a_second_and_one_line_at_a_time() {
    bounded(async {
        let source = Source::new().await;
        let config = RelayConfig {
            inject: InjectPolicy::Loopback,
            ..relay_config(source.addr())
        };
        let (relay, _stop) = start_relay(config).await;
        let (mut teacher, _) = Client::connect_hello(relay.ws_addr).await;
        let allowance = MAX_INJECTED_LINES_PER_SECOND as usize;
        let sent = allowance + 5;
        for i in 0..sent {
            teacher.inject(&format!("[info] burst {i}")).await;
        }
        teacher.inject("two\nlines").await;
        let mut lines = Vec::new();
        let mut refusals = Vec::new();
        while lines.len() + refusals.len() < sent + 1 {
            match next_reply(&mut teacher).await {
                Event::Lines(l) => lines.extend(l),
                Event::InjectRefused(why) => refusals.push(why),
                other => panic!("unexpected {other:?}"),
            }
        }
        let expected: Vec<String> = (0..allowance)
            .map(|i| format!("[info] burst {i}"))
            .collect();
        assert_eq!(lines, expected);
        // The line with a break is refused for what it is, without using the allowance up.
        let mut expected_refusals = vec![
            format!(
                "more than {allowance} lines in one second: wait a moment and inject again"
            );
            5
        ];
        expected_refusals
            .push("a line break inside the line: inject one line at a time".to_string());
        assert_eq!(refusals, expected_refusals);
        let c = relay.hub().counters();
        assert_eq!(c.lines_injected.load(Relaxed), allowance as u64);
        assert_eq!(c.injections_refused.load(Relaxed), 6);
    })
    .await;
}
