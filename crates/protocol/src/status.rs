//! The JSON messages of the relay's text frames: `"status"` to every client, `"inject_refused"` to one.
//!
//! Decoding is tolerant, as the protocol asks of a client: fields it does not know are ignored, a missing field
//! reads as its default (zero, `false`, empty, `null`, `Unknown`), an `event` or `source` value it does not know
//! reads as `Unknown`, and a message of another `type` reads as [`TextMessage::Unknown`]. So a newer relay's messages
//! still read.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One message of a WebSocket text frame: a JSON object tagged by its `"type"` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TextMessage {
    /// `"type": "status"`: what the relay says about itself and its source.
    Status(Status),
    /// `"type": "inject_refused"`: the relay did not take the line this client asked it to inject, and why (sent
    /// to that client only).
    InjectRefused {
        /// Why, in a sentence the page shows as it is.
        reason: String,
    },
    /// A `type` this version does not know (a newer relay's): a client ignores it. This relay never sends it.
    #[serde(other)]
    Unknown,
}

impl TextMessage {
    /// The JSON text of this message, as the relay sends it.
    pub fn to_json(&self) -> String {
        // Plain strings, numbers and enums always serialize; the fallback only keeps this total.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"type\":\"status\"}"))
    }

    /// Reads one text frame.
    pub fn from_json(text: &str) -> Result<TextMessage, DecodeError> {
        serde_json::from_str(text).map_err(|e| DecodeError(e.to_string()))
    }
}

/// A text frame that is not the JSON object the protocol promises; the message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable relay status message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Why a status message was sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusEvent {
    /// The first message a client gets after connecting.
    Hello,
    /// The relay has just connected to the TCP source.
    SourceConnected,
    /// The source closed, failed or could not be reached (sent once per change of state or reason).
    SourceDisconnected,
    /// Periodic status.
    Tick,
    /// Missing, or a value this version does not know (a newer relay's). This relay never sends it.
    #[default]
    #[serde(other)]
    Unknown,
}

/// Whether the relay is connected to its TCP source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// Connected: lines are flowing (or may at any moment).
    Connected,
    /// Not connected: the relay retries every few seconds.
    Disconnected,
    /// Missing, or a value this version does not know (a newer relay's). This relay never sends it.
    #[default]
    #[serde(other)]
    Unknown,
}

/// One status message: the fields of a `"type": "status"` JSON object, each documented in the relay README's
/// protocol table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Status {
    /// Why this message was sent.
    pub event: StatusEvent,
    /// The state of the source connection now.
    pub source: SourceState,
    /// The source address the relay connects to.
    pub address: String,
    /// Why the source is disconnected, in a sentence; `None` (JSON `null`) when connected.
    pub reason: Option<String>,
    /// Whether the relay started its built-in generator because nothing listened on the source address.
    pub demo: bool,
    /// Lines received from the source since the relay started (each counted once).
    pub lines_forwarded: u64,
    /// Lines lost by clients that were closed for being too slow, since the relay started.
    pub lines_dropped: u64,
    /// Lines cut to `max_line_bytes`, since the relay started.
    pub lines_cut: u64,
    /// Lines whose invalid UTF-8 was replaced with U+FFFD, since the relay started.
    pub invalid_utf8: u64,
    /// WebSocket clients connected now.
    pub clients: u64,
    /// Lines sent to this connection so far.
    pub client_lines: u64,
    /// The line length cap in bytes (`--max-line-bytes`).
    pub max_line_bytes: u64,
    /// Lines typed into a page and injected into the stream (`--allow-inject`), since the relay started.
    pub lines_injected: u64,
    /// Whether this connection may inject lines: the relay runs with `--allow-inject` and the client is on the
    /// relay's own machine, or the relay runs with `--allow-inject-from-all`.
    pub inject: bool,
    /// Lines the relay has sent into the stream every client gets (every line from the source, a client
    /// connected or not, and every injected line), since it started, up to this message: the connection's next
    /// line is line `stream_lines + 1`. A client that reconnects learns from its hello how many lines went by
    /// without it.
    pub stream_lines: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON example of the status message in the relay's README.
    fn readme_example() -> &'static str {
        let readme = include_str!("../../relay/README.md");
        let after = readme
            .split("**Text messages: status.**")
            .nth(1)
            .expect("the README documents the status message");
        let json = after
            .split("```json")
            .nth(1)
            .and_then(|s| s.split("```").next())
            .expect("the README shows a JSON example");
        json.trim()
    }

    #[test]
    fn the_readme_example_reads_with_every_field() {
        let TextMessage::Status(s) = TextMessage::from_json(readme_example()).unwrap() else {
            panic!("the README's example is not a status message");
        };
        let expected = Status {
            event: StatusEvent::Hello,
            source: SourceState::Connected,
            address: "127.0.0.1:9999".into(),
            reason: None,
            demo: false,
            lines_forwarded: 1234,
            lines_dropped: 0,
            lines_cut: 0,
            invalid_utf8: 0,
            clients: 1,
            client_lines: 0,
            max_line_bytes: 1_048_576,
            lines_injected: 0,
            inject: false,
            stream_lines: 1234,
        };
        assert_eq!(s, expected);
        // And the encoder writes exactly the README's text: the same fields, in its order, `type` first (the
        // example has no spaces inside its strings, so dropping all whitespace only compacts it).
        let compact: String = readme_example().split_whitespace().collect();
        assert_eq!(TextMessage::Status(s).to_json(), compact);
    }

    #[test]
    fn a_newer_relays_message_still_reads() {
        let text = r#"{"type":"status","event":"source_paused","source":"paused","lines_cut":4,"future":[1]}"#;
        let TextMessage::Status(s) = TextMessage::from_json(text).unwrap() else {
            panic!("not read as a status message");
        };
        assert_eq!(s.event, StatusEvent::Unknown);
        assert_eq!(s.source, SourceState::Unknown);
        assert_eq!(s.lines_cut, 4);
        assert_eq!(s.address, "");
        assert_eq!(
            TextMessage::from_json(r#"{"type":"metrics","x":1}"#),
            Ok(TextMessage::Unknown)
        );
    }

    #[test]
    fn what_is_not_a_message_is_an_error_that_says_so() {
        for bad in [
            "not json",
            "[1]",
            "{}",
            r#"{"type":"status","lines_cut":"many"}"#,
        ] {
            let e = TextMessage::from_json(bad).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with("unreadable relay status message: "),
                "{bad}: {e}"
            );
        }
    }
}
