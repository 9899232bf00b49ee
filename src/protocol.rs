//! The relay's WebSocket protocol, decoded without any web API so it is tested natively.
//!
//! Data arrives in binary frames holding one or more complete lines, each ending in `\n`, UTF-8 (LZ4-compressed
//! when the handshake agreed on it: `dstream_protocol::frames`, undone before this decoder sees them); status
//! arrives in text frames holding JSON (see `crates/relay/README.md`). The message types and the rule for
//! over-long lines are the `dstream-protocol` crate's, which the relay uses too.

use crate::engine::byte_scan::{ByteScan, Native};
use std::borrow::Cow;

use dstream_protocol::{
    DecodeError, PartialLine, SourceState, Status, StatusEvent, TextMessage, DEFAULT_MAX_LINE_BYTES,
};

/// The cap on a line the page has to join across frames: past it, the line is cut and the rest of it is dropped
/// and counted, by the protocol's one rule for over-long lines. The relay never splits a line across frames and
/// cuts lines at its `--max-line-bytes` (1 MiB by default), so this only guards against a misbehaving server.
pub const MAX_CARRY_BYTES: usize = 2 * DEFAULT_MAX_LINE_BYTES;

/// Turns binary frames into lines. Frames should hold whole lines; if one does not, its unfinished line is
/// carried to the next frame instead of being dropped (up to [`MAX_CARRY_BYTES`]), and anything odd is counted
/// so the page can show it.
#[derive(Debug, Clone)]
pub struct LineDecoder {
    /// The line a frame left unfinished, capped at [`MAX_CARRY_BYTES`].
    carry: PartialLine,
    /// Lines that held invalid UTF-8 (decoded with U+FFFD replacement, as the relay does).
    pub invalid_utf8_lines: u64,
    /// Lines cut at [`MAX_CARRY_BYTES`] (the rest of each dropped) because frames kept them going past it.
    pub cut_lines: u64,
    /// Frames that ended in the middle of a line (a protocol slip, counted, never fatal).
    pub split_frames: u64,
}

impl Default for LineDecoder {
    fn default() -> LineDecoder {
        LineDecoder {
            carry: PartialLine::new(MAX_CARRY_BYTES),
            invalid_utf8_lines: 0,
            cut_lines: 0,
            split_frames: 0,
        }
    }
}

impl LineDecoder {
    /// Decodes one binary frame into the complete lines it finishes (CR before LF stripped). A whole, valid line
    /// is borrowed from the frame: at a million lines a second, a string made for each line was the largest
    /// cost of taking them in.
    pub fn decode<'a>(&mut self, frame: &'a [u8]) -> Vec<Cow<'a, str>> {
        // Room for the lines of a frame of log lines (~90 bytes each) at once: growing by doubling, the list was
        // copied some nine times per frame.
        let mut out = Vec::with_capacity(frame.len() / 64 + 1);
        let mut rest = frame;
        // A line an earlier frame left unfinished ends at this frame's first newline.
        if !self.carry.is_idle() {
            let Some(pos) = rest.iter().position(|b| *b == b'\n') else {
                self.split_frames += 1;
                self.carry_piece(rest, &mut out);
                return out;
            };
            self.carry_piece(&rest[..pos], &mut out);
            let invalid = &mut self.invalid_utf8_lines;
            self.carry.end(|line| out.push(owned_line(invalid, line)));
            rest = &rest[pos + 1..];
        }
        let whole = rest
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |last| last + 1);
        let (lines, unfinished) = rest.split_at(whole);
        self.whole_lines(lines, &mut out);
        if !unfinished.is_empty() {
            self.split_frames += 1;
            self.carry_piece(unfinished, &mut out);
        }
        out
    }

    /// Lines that each end in a newline. The bytes are checked as UTF-8 at once, and the newlines found by the
    /// engine's byte scan, 8 or 16 bytes at a step: byte by byte, finding the newlines took a third of the
    /// page's work per line, and the standard library's `split_terminator` and `strip_suffix` with a `char`
    /// half the instructions of taking a line in (README, "Budget, measured": relay → page). A block with
    /// invalid UTF-8 goes line by line, so that only its bad lines are replaced and counted.
    fn whole_lines<'a>(&mut self, lines: &'a [u8], out: &mut Vec<Cow<'a, str>>) {
        match std::str::from_utf8(lines) {
            Ok(text) => {
                let mut start = 0;
                Native::each(lines, b'\n', |end| {
                    let cr = end > start && lines[end - 1] == b'\r';
                    // Newline and carriage return are one byte each: both ends are character boundaries.
                    let line = text.get(start..end - usize::from(cr)).unwrap_or_default();
                    out.push(Cow::Borrowed(line));
                    start = end + 1;
                    false
                });
            }
            Err(_) => out.extend(
                lines
                    .split_inclusive(|b| *b == b'\n')
                    .map(|line| make_line(&mut self.invalid_utf8_lines, &line[..line.len() - 1])),
            ),
        }
    }

    /// Adds a piece of the carried line; a line that grows past the cap is handed out cut, once.
    fn carry_piece(&mut self, piece: &[u8], out: &mut Vec<Cow<'_, str>>) {
        let invalid = &mut self.invalid_utf8_lines;
        if self
            .carry
            .extend(piece, |line| out.push(owned_line(invalid, line)))
        {
            self.cut_lines += 1;
        }
    }

    /// Bytes held back waiting for the end of their line.
    pub fn carried_bytes(&self) -> usize {
        self.carry.len()
    }

    /// Forgets a half line when the connection drops: the next connection starts at a line boundary.
    /// Returns the bytes forgotten.
    pub fn reset_carry(&mut self) -> usize {
        self.carry.clear()
    }
}

/// One line as text, without its CR; invalid UTF-8 is replaced and counted in `invalid_utf8_lines`.
fn make_line<'a>(invalid_utf8_lines: &mut u64, bytes: &'a [u8]) -> Cow<'a, str> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let line = String::from_utf8_lossy(bytes);
    if let Cow::Owned(_) = line {
        *invalid_utf8_lines += 1;
    }
    line
}

/// A line the decoder assembled in its own buffer, as [`make_line`] makes it, copied out of that buffer.
fn owned_line(invalid_utf8_lines: &mut u64, bytes: &[u8]) -> Cow<'static, str> {
    Cow::Owned(make_line(invalid_utf8_lines, bytes).into_owned())
}

/// What the relay last said about itself and its upstream (the TCP source) in its status messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RelayStatus {
    /// The relay's latest status message; all defaults (its `source` `Unknown`) before the first one.
    pub latest: Status,
    /// Hello messages read (the relay greets each connection with one): a reader tells from it whether the
    /// message just merged was a hello, which `latest` alone cannot say after a message of another type.
    pub hellos: u64,
}

impl RelayStatus {
    /// Reads one text message: a status message becomes [`RelayStatus::latest`] (a field it lacks reads as its
    /// default); a message of a type this page does not know is ignored, as the protocol asks. Returns the
    /// relay's reason when the message refuses a line this page asked it to inject.
    pub fn merge_frame(&mut self, text: &str) -> Result<Option<String>, DecodeError> {
        match TextMessage::from_json(text)? {
            TextMessage::Status(status) => {
                if status.event == StatusEvent::Hello {
                    self.hellos += 1;
                }
                self.latest = status;
            }
            TextMessage::InjectRefused { reason } => return Ok(Some(reason)),
            TextMessage::Unknown => {}
        }
        Ok(None)
    }

    /// One line for the header: what the relay's upstream is doing.
    pub fn summary(&self) -> String {
        let s = &self.latest;
        let addr = if s.address.is_empty() {
            "its TCP source"
        } else {
            s.address.as_str()
        };
        let demo = if s.demo {
            " (relay's demo generator)"
        } else {
            ""
        };
        match s.source {
            SourceState::Connected => format!("relay reads {addr}{demo}"),
            SourceState::Disconnected => match &s.reason {
                Some(r) => format!("relay's source is down: {r}"),
                None => format!("relay waits for {addr}"),
            },
            SourceState::Unknown => "relay connected".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_whole_lines_and_strips_cr() {
        let mut d = LineDecoder::default();
        assert_eq!(d.decode(b"a\nb\r\n\n"), vec!["a", "b", ""]);
        assert_eq!(d.split_frames, 0);
    }

    #[test]
    fn carries_a_split_line_and_counts_it() {
        let mut d = LineDecoder::default();
        assert!(d.decode(b"[info] par").is_empty());
        assert_eq!(d.carried_bytes(), 10);
        assert_eq!(d.decode(b"t\nnext\n"), vec!["[info] part", "next"]);
        assert_eq!(d.split_frames, 1);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted() {
        let mut d = LineDecoder::default();
        let lines = d.decode(b"ok\n\xff\xfe[error]\n");
        assert_eq!(lines[0], "ok");
        assert!(lines[1].contains('\u{FFFD}') && lines[1].ends_with("[error]"));
        assert_eq!(d.invalid_utf8_lines, 1);
    }

    #[test]
    fn frames_cut_anywhere_decode_to_the_lines_of_the_whole_stream() {
        // A stream of short lines (some with CR, some with invalid UTF-8, some empty), cut into frames at
        // pseudo-random places, against the stream split at its newlines and decoded line by line.
        let mut seed = 0x2545_f491_u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let pieces: [&[u8]; 6] = [
            b"[error] x",
            b"\xc3\xa9t\xc3\xa9",
            b"\xff",
            b"\r",
            b"",
            b" word",
        ];
        let mut stream = Vec::new();
        for _ in 0..2_000 {
            for _ in 0..next(4) {
                stream.extend_from_slice(pieces[next(6) as usize]);
            }
            stream.push(b'\n');
        }
        let expected: Vec<String> = stream
            .split_inclusive(|b| *b == b'\n')
            .map(|l| {
                let l = &l[..l.len() - 1];
                String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)).into_owned()
            })
            .collect();
        let invalid = expected.iter().filter(|l| l.contains('\u{FFFD}')).count() as u64;
        assert!(invalid > 0 && expected.iter().any(|l| l.is_empty()));
        for max_frame in [1, 7, 64, 4096, stream.len()] {
            let mut d = LineDecoder::default();
            let mut lines = Vec::new();
            let mut rest = &stream[..];
            while !rest.is_empty() {
                let (frame, tail) =
                    rest.split_at((1 + next(max_frame as u64) as usize).min(rest.len()));
                lines.extend(d.decode(frame));
                rest = tail;
            }
            assert_eq!(lines, expected, "frames of up to {max_frame} bytes");
            assert_eq!(
                d.invalid_utf8_lines, invalid,
                "frames of up to {max_frame} bytes"
            );
            assert_eq!(d.carried_bytes(), 0);
        }
    }

    #[test]
    fn nul_bytes_pass_through() {
        let mut d = LineDecoder::default();
        assert_eq!(d.decode(b"a\0b\n"), vec!["a\0b"]);
    }

    #[test]
    fn a_line_joined_past_the_cap_is_cut_once_and_its_rest_dropped() {
        let mut d = LineDecoder::default();
        let half = vec![b'x'; MAX_CARRY_BYTES / 2 + 1];
        assert!(d.decode(&half).is_empty());
        // The second half takes the line past the cap: it comes out cut, at the cap.
        let lines = d.decode(&half);
        assert_eq!(lines, vec!["x".repeat(MAX_CARRY_BYTES)]);
        assert_eq!(d.cut_lines, 1);
        // The rest of that line, up to its `\n`, is dropped (not passed on as a line of its own).
        assert!(d.decode(b"tail of the long line").is_empty());
        assert_eq!(d.carried_bytes(), 0);
        assert_eq!(d.decode(b"more tail\nnext\n"), vec!["next"]);
        assert_eq!((d.cut_lines, d.split_frames), (1, 3));
        assert_eq!(d.decode(b"a\n"), vec!["a"]);
    }

    #[test]
    fn messages_of_unknown_type_are_ignored_and_garbage_is_an_error() {
        let mut s = RelayStatus::default();
        let connected = Status {
            source: SourceState::Connected,
            address: "127.0.0.1:9999".into(),
            ..Status::default()
        };
        s.merge_frame(&TextMessage::Status(connected.clone()).to_json())
            .unwrap();
        s.merge_frame(r#"{"type":"other","source":"disconnected"}"#)
            .unwrap();
        assert_eq!(s.latest, connected);
        for bad in ["not json", "[1]", r#"{"source":"connected"}"#] {
            let e = s.merge_frame(bad).unwrap_err();
            assert!(e.to_string().starts_with("unreadable relay status message"));
        }
        assert_eq!(s.latest, connected);
    }

    /// The relay's real status encoder (its hub, as a WebSocket client gets the frames) against this decoder.
    #[cfg(not(target_arch = "wasm32"))]
    mod relay_round_trip {
        use std::net::SocketAddr;
        use std::sync::atomic::Ordering::Relaxed;
        use std::sync::Arc;

        use bytes::Bytes;
        use dstream_protocol::StatusEvent;
        use dstream_relay::hub::{ClientKind, ClientQueue, Hub, Outgoing};

        use super::super::*;

        fn peer() -> SocketAddr {
            "127.0.0.1:1".parse().unwrap()
        }

        /// Takes everything queued for `client`; returns what the page read from each status frame.
        fn read_statuses(client: &mut ClientQueue, page: &mut RelayStatus) -> Vec<Status> {
            let mut read = Vec::new();
            while let Some(outgoing) = client.try_recv() {
                if let Outgoing::Status(json) = outgoing {
                    page.merge_frame(&json).unwrap();
                    read.push(page.latest.clone());
                }
            }
            read
        }

        #[test]
        fn every_status_the_relay_sends_reads_back_with_the_same_values() {
            let hub = Arc::new(Hub::new("127.0.0.1:9999".into(), 100, 4096));
            hub.set_demo(true);
            let mut page = RelayStatus::default();
            let mut client = hub.register(ClientKind::WebSocket, peer(), 8).unwrap();
            let mut expected = vec![hub.status(StatusEvent::Hello)];
            let mut read = read_statuses(&mut client, &mut page);

            // A client that never reads, so the relay drops lines; repairs counted; lines sent to `client`.
            let _slow = hub.register(ClientKind::Tee, peer(), 8).unwrap();
            hub.count_repairs(2, 3);
            let mut sent = 0;
            while hub.counters().lines_dropped.load(Relaxed) == 0 {
                hub.broadcast_data(Bytes::from_static(b"a\nb\nc\n"), 3);
                sent += 3;
                read.extend(read_statuses(&mut client, &mut page));
            }
            let events = [
                StatusEvent::SourceConnected,
                StatusEvent::Tick,
                StatusEvent::SourceDisconnected,
            ];
            for event in events {
                match event {
                    StatusEvent::SourceConnected => hub.source_connected(),
                    StatusEvent::SourceDisconnected => {
                        assert!(hub.source_disconnected("the source closed the connection".into()))
                    }
                    _ => hub.broadcast_status(event),
                }
                expected.push(Status {
                    client_lines: sent,
                    ..hub.status(event)
                });
                read.extend(read_statuses(&mut client, &mut page));
            }
            assert_eq!(read, expected);
            // Every field carried a value of its own, so a field lost or swapped on the way would show.
            let last = read.last().unwrap();
            assert!(last.demo && last.lines_dropped > 0 && last.client_lines > 0);
            assert_eq!((last.lines_cut, last.invalid_utf8, last.clients), (2, 3, 1));
            assert_eq!(last.max_line_bytes, 4096);
            assert_eq!(
                page.summary(),
                "relay's source is down: the source closed the connection"
            );
        }

        #[test]
        fn the_summary_reads_the_relays_words() {
            let hub = Arc::new(Hub::new("127.0.0.1:9999".into(), 1 << 20, 4096));
            let mut page = RelayStatus::default();
            assert_eq!(page.summary(), "relay connected");
            let mut client = hub.register(ClientKind::WebSocket, peer(), 8).unwrap();
            read_statuses(&mut client, &mut page);
            assert_eq!(
                page.summary(),
                "relay's source is down: connecting to 127.0.0.1:9999"
            );
            hub.set_demo(true);
            hub.source_connected();
            read_statuses(&mut client, &mut page);
            assert_eq!(
                page.summary(),
                "relay reads 127.0.0.1:9999 (relay's demo generator)"
            );
        }
    }
}
