//! The relay's WebSocket protocol, decoded without any web API so it is tested natively.
//!
//! Data arrives in binary frames holding one or more complete lines, each ending in `\n`, UTF-8; status
//! arrives in text frames holding JSON (see `crates/relay/README.md`).

use serde::Deserialize;

/// Lines longer than this are cut when a frame ends without a newline and the remainder keeps growing;
/// the relay itself cuts at 1 MiB, so this only guards against a misbehaving server.
pub const MAX_CARRY_BYTES: usize = 2 * 1024 * 1024;

/// Turns binary frames into lines. Frames should hold whole lines; if one does not, the tail is carried to
/// the next frame instead of being dropped, and anything odd is counted so the page can show it.
#[derive(Debug, Default, Clone)]
pub struct LineDecoder {
    carry: Vec<u8>,
    /// Lines that held invalid UTF-8 (decoded with U+FFFD replacement, as the relay does).
    pub invalid_utf8_lines: u64,
    /// Lines cut because a frame sequence never ended them within [`MAX_CARRY_BYTES`].
    pub cut_lines: u64,
    /// Frames that ended in the middle of a line (a protocol slip, counted, never fatal).
    pub split_frames: u64,
}

impl LineDecoder {
    /// Decodes one binary frame into the complete lines it finishes (CR before LF stripped).
    pub fn decode(&mut self, frame: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = frame;
        while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
            let (head, tail) = rest.split_at(pos);
            if self.carry.is_empty() {
                out.push(self.make_line(head));
            } else {
                let mut joined = std::mem::take(&mut self.carry);
                joined.extend_from_slice(head);
                out.push(self.make_line(&joined));
            }
            rest = &tail[1..];
        }
        if !rest.is_empty() {
            self.split_frames += 1;
            self.carry.extend_from_slice(rest);
            if self.carry.len() > MAX_CARRY_BYTES {
                let joined = std::mem::take(&mut self.carry);
                self.cut_lines += 1;
                out.push(self.make_line(&joined));
            }
        }
        out
    }

    /// Bytes held back waiting for the end of their line.
    pub fn carried_bytes(&self) -> usize {
        self.carry.len()
    }

    /// Forgets a half line when the connection drops: the next connection starts at a line boundary.
    pub fn reset_carry(&mut self) -> usize {
        let n = self.carry.len();
        self.carry.clear();
        n
    }

    fn make_line(&mut self, bytes: &[u8]) -> String {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => {
                self.invalid_utf8_lines += 1;
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
    }
}

/// One status message as the relay sends it (protocol version 1); unknown fields are ignored, as the
/// protocol asks, and every field is optional so a newer relay's message still reads.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct StatusFrame {
    #[serde(rename = "type")]
    kind: Option<String>,
    event: Option<String>,
    source: Option<String>,
    address: Option<String>,
    reason: Option<String>,
    demo: Option<bool>,
    lines_forwarded: Option<u64>,
    lines_dropped: Option<u64>,
    lines_cut: Option<u64>,
    invalid_utf8: Option<u64>,
    clients: Option<u64>,
}

/// What the relay last said about itself and its upstream (the TCP source) in its status messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RelayStatus {
    /// Whether the relay's TCP source is connected (`None` before the first status message).
    pub source_connected: Option<bool>,
    /// The source address the relay reads from.
    pub source_addr: Option<String>,
    /// Why the source is disconnected, in the relay's words.
    pub reason: Option<String>,
    /// Whether the relay runs its built-in generator (`--demo`).
    pub demo: bool,
    /// Lines the relay has forwarded since it started.
    pub lines_forwarded: u64,
    /// Lines some client lost for being too slow, since the relay started.
    pub lines_dropped: u64,
    /// Lines the relay cut at its length cap.
    pub lines_cut: u64,
    /// Lines whose invalid UTF-8 the relay repaired.
    pub invalid_utf8: u64,
    /// WebSocket clients connected to the relay, this page included.
    pub clients: u64,
    /// The last event name (`hello`, `source_connected`, `source_disconnected`, `tick`).
    pub event: Option<String>,
    /// Status messages of a type this page does not know (ignored, as the protocol asks).
    pub unknown_messages: u64,
}

/// Error for a status frame that is not the JSON object the protocol promises.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusError(pub String);

impl std::fmt::Display for StatusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unreadable relay status message: {}", self.0)
    }
}

impl RelayStatus {
    /// Reads one text message and updates `self` with the fields it carries.
    pub fn merge_frame(&mut self, text: &str) -> Result<(), StatusError> {
        let f: StatusFrame = serde_json::from_str(text).map_err(|e| StatusError(e.to_string()))?;
        if f.kind.as_deref() != Some("status") {
            self.unknown_messages += 1;
            return Ok(());
        }
        if let Some(e) = f.event {
            self.event = Some(e);
        }
        match f.source.as_deref() {
            Some("connected") => self.source_connected = Some(true),
            Some("disconnected") => self.source_connected = Some(false),
            _ => {}
        }
        if f.address.is_some() {
            self.source_addr = f.address;
        }
        self.reason = f.reason;
        self.demo = f.demo.unwrap_or(self.demo);
        self.lines_forwarded = f.lines_forwarded.unwrap_or(self.lines_forwarded);
        self.lines_dropped = f.lines_dropped.unwrap_or(self.lines_dropped);
        self.lines_cut = f.lines_cut.unwrap_or(self.lines_cut);
        self.invalid_utf8 = f.invalid_utf8.unwrap_or(self.invalid_utf8);
        self.clients = f.clients.unwrap_or(self.clients);
        Ok(())
    }

    /// One line for the header: what the relay's upstream is doing.
    pub fn summary(&self) -> String {
        let addr = self.source_addr.as_deref().unwrap_or("its TCP source");
        let demo = if self.demo {
            " (relay's demo generator)"
        } else {
            ""
        };
        match self.source_connected {
            Some(true) => format!("relay reads {addr}{demo}"),
            Some(false) => match &self.reason {
                Some(r) => format!("relay's source is down: {r}"),
                None => format!("relay waits for {addr}"),
            },
            None => "relay connected".to_string(),
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
    fn nul_bytes_pass_through() {
        let mut d = LineDecoder::default();
        assert_eq!(d.decode(b"a\0b\n"), vec!["a\0b"]);
    }

    #[test]
    fn status_frames_merge() {
        let mut s = RelayStatus::default();
        s.merge_frame(
            r#"{"type":"status","event":"hello","source":"connected","address":"127.0.0.1:9999","reason":null,"demo":false,"lines_forwarded":12,"lines_dropped":0,"lines_cut":1,"invalid_utf8":2,"clients":1,"client_lines":0,"max_line_bytes":1048576,"future":true}"#,
        )
        .unwrap();
        assert_eq!(s.source_connected, Some(true));
        assert_eq!((s.lines_forwarded, s.lines_cut, s.invalid_utf8), (12, 1, 2));
        assert!(s.summary().contains("127.0.0.1:9999"));
        s.merge_frame(
            r#"{"type":"status","event":"source_disconnected","source":"disconnected","reason":"the source closed the connection; retrying every 2 s"}"#,
        )
        .unwrap();
        assert_eq!(s.source_connected, Some(false));
        assert!(s.summary().contains("retrying every 2 s"));
        s.merge_frame(r#"{"type":"other","source":"connected"}"#)
            .unwrap();
        assert_eq!(s.unknown_messages, 1);
        assert_eq!(s.source_connected, Some(false));
        assert!(s.merge_frame("not json").is_err());
        assert!(s.merge_frame("[1]").is_err());
    }
}
