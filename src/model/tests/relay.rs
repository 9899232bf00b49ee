//! The relay link's state machine: attempts, back-off, stale events, outages.

use super::*;

/// What the relay sends a client that fell too far behind (`crates/relay`, hub.rs): close code 1008
/// (policy violation) and this reason.
const TOO_SLOW: &str =
    "too slow: 300000 bytes were waiting for you (limit 262144); 1200 lines dropped";

#[test]
fn a_proxy_without_a_relay_is_not_an_open_relay() {
    let mut lab = boot();
    for attempt in 1..=3u32 {
        let seq = lab.source.seq;
        lab.apply(Action::RelayOpened {
            seq,
            encoding: FrameEncoding::Plain,
        });
        assert_ne!(lab.source.link, RelayLink::Open);
        lab.apply(Action::RelayClosed {
            seq,
            code: 1006,
            reason: String::new(),
        });
        match &lab.source.link {
            RelayLink::Retrying {
                attempt: a,
                delay_ms,
                left_ms,
                reason,
            } => {
                assert_eq!(*a, attempt);
                assert_eq!(*delay_ms, backoff_ms(attempt));
                assert_eq!(left_ms, delay_ms);
                assert!(reason.contains("behind the proxy"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        lab.apply(Action::RelayRetryNow { seq });
    }
    // Failed attempts are not outages: no "Lost the relay" notice.
    assert!(lab.notices().all(|n| !n.text.contains("Lost")));
    assert_eq!(lab.source.feeding(), Some(SourceKind::Simulated));
}

#[test]
fn auto_waits_for_the_relay_then_falls_back() {
    let mut lab = boot();
    assert_eq!(lab.source.link, RelayLink::Connecting { attempt: 1 });
    assert_eq!(lab.source.feeding(), None);
    let seq = lab.source.seq;
    lab.apply(Action::RelayClosed {
        seq,
        code: 1006,
        reason: String::new(),
    });
    assert_eq!(lab.source.feeding(), Some(SourceKind::Simulated));
    assert!(matches!(
        lab.source.link,
        RelayLink::Retrying {
            attempt: 1,
            delay_ms: 1000,
            ..
        }
    ));
    assert!(lab.source.headline().contains("built-in"));
    lab.apply(Action::RelayRetryNow { seq });
    assert_eq!(lab.source.link, RelayLink::Connecting { attempt: 2 });
    assert!(lab.source.seq > seq);
    let seq2 = lab.source.seq;
    lab.apply(Action::RelayClosed {
        seq: seq2,
        code: 1006,
        reason: String::new(),
    });
    assert!(matches!(
        lab.source.link,
        RelayLink::Retrying {
            attempt: 2,
            delay_ms: 2000,
            ..
        }
    ));
    // The header counts the back-off down, second by second, to zero.
    assert!(
        lab.source.headline().ends_with("retry 3 in 2 s"),
        "{}",
        lab.source.headline()
    );
    lab.apply(Action::RelayRetrySecond { seq: seq2 });
    assert!(
        lab.source.headline().ends_with("retry 3 in 1 s"),
        "{}",
        lab.source.headline()
    );
    lab.apply(Action::RelayRetrySecond { seq }); // an older connection's timer: ignored
    lab.apply(Action::RelayRetrySecond { seq: seq2 });
    lab.apply(Action::RelayRetrySecond { seq: seq2 });
    assert!(
        lab.source.headline().ends_with("retry 3 in 0 s"),
        "{}",
        lab.source.headline()
    );
    // A stale event from the first socket changes nothing.
    let effects = lab.apply(Action::RelayText {
        seq,
        text: HELLO.to_string(),
    });
    assert_eq!(effects, vec![]);
    assert_ne!(lab.source.link, RelayLink::Open);
    lab.apply(Action::RelayRetryNow { seq: seq2 });
    open_relay(&mut lab);
    assert_eq!(lab.source.feeding(), Some(SourceKind::Relay));
    assert!(lab.source.headline().starts_with("Source: relay"));
}

#[test]
fn backoff_grows_and_caps() {
    assert_eq!(
        (1..=7).map(backoff_ms).collect::<Vec<_>>(),
        vec![1000, 2000, 4000, 8000, 10000, 10000, 10000]
    );
}

#[test]
fn relay_drop_is_reported() {
    let mut lab = boot_with("source=relay", T0);
    open_relay(&mut lab);
    let seq = lab.source.seq;
    lab.apply(Action::RelayBinary {
        seq,
        data: b"half a li".to_vec(),
    });
    lab.apply(Action::RelayClosed {
        seq,
        code: 1008,
        reason: TOO_SLOW.into(),
    });
    assert_eq!(lab.source.feeding(), None);
    assert!(
        lab.source
            .headline()
            .contains(&format!("unreachable (connection closed: {TOO_SLOW})")),
        "{}",
        lab.source.headline()
    );
    assert!(lab.notices().any(|n| n.text
        == format!("Lost the relay (connection closed: {TOO_SLOW}); reconnecting with back-off.")));
    assert_eq!(lab.source.lost_partial_bytes, 9);
}

#[test]
fn a_relay_closing_without_a_reason_is_reported_with_its_code() {
    let mut lab = boot_with("source=relay", T0);
    open_relay(&mut lab);
    let seq = lab.source.seq;
    lab.apply(Action::RelayClosed {
        seq,
        code: 1001,
        reason: String::new(),
    });
    assert!(lab.notices().any(|n| n
        .text
        .contains("Lost the relay (connection closed, code 1001)")));
}

#[test]
fn compressed_frames_give_the_lines_of_plain_ones_and_a_broken_one_is_counted_not_fatal() {
    let frame = "[error] a\n[notice] b\n".repeat(500);
    let mut plain = boot();
    let mut packed = boot();
    for (lab, encoding) in [
        (&mut plain, FrameEncoding::Plain),
        (&mut packed, FrameEncoding::Lz4),
    ] {
        let seq = lab.source.seq;
        lab.apply(Action::RelayOpened { seq, encoding });
        lab.apply(Action::RelayText {
            seq,
            text: HELLO.to_string(),
        });
        let data = encoding.encode(frame.as_bytes()).into_owned();
        lab.apply(Action::RelayBinary { seq, data });
    }
    assert_eq!(packed.source.relay_lines, 1000);
    assert_eq!(packed.source.relay_lines, plain.source.relay_lines);
    assert_eq!(packed.share.input, plain.share.input);
    let seq = packed.source.seq;
    packed.apply(Action::RelayBinary {
        seq,
        data: frame.as_bytes().to_vec(),
    });
    assert_eq!(packed.source.bad_data_frames, 1);
    assert_eq!(packed.source.relay_lines, 1000);
    assert_eq!(packed.source.link, RelayLink::Open);
    assert!(packed
        .losses()
        .contains(&"1 unreadable relay data frames (their lines are lost)".to_string()));
}

#[test]
fn an_unreadable_status_frame_is_counted_not_fatal() {
    let mut lab = boot();
    open_relay(&mut lab);
    let seq = lab.source.seq;
    lab.apply(Action::RelayText {
        seq,
        text: "not json".into(),
    });
    assert_eq!(lab.source.bad_status_frames, 1);
    assert_eq!(lab.source.link, RelayLink::Open);
    assert!(lab
        .losses()
        .contains(&"1 unreadable relay status frames".to_string()));
}

/// The page against the relay's real hub (`crates/relay`), as a WebSocket client gets its messages.
#[cfg(not(target_arch = "wasm32"))]
mod against_the_hub {
    use super::*;
    use bytes::Bytes;
    use dstream_relay::hub::{ClientKind, ClientQueue, Hub, Outgoing};
    use std::sync::Arc;

    fn peer() -> std::net::SocketAddr {
        "127.0.0.1:1".parse().unwrap()
    }

    /// Hands the page everything queued for `client` on connection `seq`.
    fn deliver(lab: &mut Lab, seq: u64, client: &mut ClientQueue) {
        while let Some(outgoing) = client.try_recv() {
            match outgoing {
                Outgoing::Status(text) => lab.apply(Action::RelayText { seq, text }),
                Outgoing::Data { frame, .. } => lab.apply(Action::RelayBinary {
                    seq,
                    data: frame.to_vec(),
                }),
            };
        }
    }

    /// `n` lines in one frame.
    fn frame(n: usize) -> Bytes {
        Bytes::from("[error] x\n".repeat(n))
    }

    /// Connects the page (a new socket after its back-off), registered with the hub as the page's socket
    /// registers: asking for LZ4 frames.
    fn connect(lab: &mut Lab, hub: &Arc<Hub>) -> (u64, ClientQueue) {
        let seq = lab.source.seq;
        let encoding = FrameEncoding::Lz4;
        lab.apply(Action::RelayOpened { seq, encoding });
        let client = hub
            .register_as(ClientKind::WebSocket, encoding, peer(), 8)
            .unwrap();
        (seq, client)
    }

    /// Drops the page's connection, as the relay's close does, and lets its back-off run out.
    fn disconnect(lab: &mut Lab, seq: u64, client: ClientQueue) {
        drop(client);
        lab.apply(Action::RelayClosed {
            seq,
            code: 1008,
            reason: TOO_SLOW.into(),
        });
        lab.apply(Action::RelayRetryNow { seq });
    }

    fn missed_line(lab: &Lab) -> Option<String> {
        lab.losses()
            .into_iter()
            .find(|l| l.contains("while this page was not connected"))
    }

    #[test]
    fn lines_the_relay_sent_while_the_page_reconnected_are_counted_as_missed() {
        let hub = Arc::new(Hub::new("127.0.0.1:9999".into(), 1 << 20, 4096));
        // Lines before the page's first connection are not missed: it was not there yet.
        hub.broadcast_data(frame(4), 4);
        let mut lab = boot();
        let (seq, mut client) = connect(&mut lab, &hub);
        hub.broadcast_data(frame(3), 3);
        deliver(&mut lab, seq, &mut client);
        assert_eq!(lab.source.relay_lines, 3);
        assert_eq!(missed_line(&lab), None);
        disconnect(&mut lab, seq, client);
        // While it is away: 5 lines from the source, and 2 more in a frame queued for nobody.
        hub.broadcast_data(frame(5), 5);
        hub.broadcast_data(frame(2), 2);
        let (seq, mut client) = connect(&mut lab, &hub);
        hub.broadcast_data(frame(6), 6);
        deliver(&mut lab, seq, &mut client);
        assert_eq!(lab.source.relay_lines, 9);
        assert_eq!(lab.source.missed_lines, 7);
        assert_eq!(
            missed_line(&lab).as_deref(),
            Some("7 lines the relay sent while this page was not connected (closed as too slow, or reconnecting)")
        );
        // Other messages after the hello (here a refused injection, then more lines) leave the count alone.
        lab.apply(Action::RelayText {
            seq,
            text: r#"{"type":"inject_refused","reason":"not from this machine"}"#.into(),
        });
        lab.apply(Action::RelayText {
            seq,
            text: "not json".into(),
        });
        hub.broadcast_data(frame(3), 3);
        deliver(&mut lab, seq, &mut client);
        assert_eq!(lab.source.missed_lines, 7);
        // Back at once: nothing more is missed.
        let seq2 = lab.source.seq;
        disconnect(&mut lab, seq2, client);
        let (seq, mut client) = connect(&mut lab, &hub);
        deliver(&mut lab, seq, &mut client);
        assert_eq!(lab.source.missed_lines, 7);
    }

    #[test]
    fn a_restarted_relay_or_a_source_the_user_switched_away_from_counts_no_missed_line() {
        let hub = Arc::new(Hub::new("127.0.0.1:9999".into(), 1 << 20, 4096));
        let mut lab = boot();
        let (seq, mut client) = connect(&mut lab, &hub);
        hub.broadcast_data(frame(10), 10);
        deliver(&mut lab, seq, &mut client);
        disconnect(&mut lab, seq, client);
        // A new relay: its stream starts again at 0.
        let hub = Arc::new(Hub::new("127.0.0.1:9999".into(), 1 << 20, 4096));
        hub.broadcast_data(frame(4), 4);
        let (seq, mut client) = connect(&mut lab, &hub);
        deliver(&mut lab, seq, &mut client);
        assert_eq!(lab.source.missed_lines, 0);
        // The user switches to the built-in source, and back while the relay goes on.
        lab.apply(Action::SetSource(SourceChoice::Simulated));
        drop(client);
        hub.broadcast_data(frame(8), 8);
        lab.apply(Action::SetSource(SourceChoice::Relay));
        let (seq, mut client) = connect(&mut lab, &hub);
        deliver(&mut lab, seq, &mut client);
        assert_eq!(lab.source.missed_lines, 0);
        assert_eq!(missed_line(&lab), None);
    }
}
