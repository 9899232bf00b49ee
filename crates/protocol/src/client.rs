//! The JSON messages a page may send the relay in a text frame: today one, `"inject"` (a line typed in class,
//! taken only by a relay started with `--allow-inject`).

use serde::{Deserialize, Serialize};

use crate::status::DecodeError;

/// The most lines one connection may inject per second; more are refused with a reason.
pub const MAX_INJECTED_LINES_PER_SECOND: u32 = 10;

/// One message from a client: a JSON object tagged by its `"type"` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// `"type": "inject"`: put `line` into the stream, as if the source had sent it, for every client.
    Inject {
        /// The line, without a terminator.
        line: String,
    },
    /// A `type` this version does not know: the relay ignores it. The page never sends it.
    #[serde(other)]
    Unknown,
}

impl ClientMessage {
    /// The JSON text of this message, as the page sends it.
    pub fn to_json(&self) -> String {
        // A string field always serializes; the fallback only keeps this total.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"type\":\"unknown\"}"))
    }

    /// Reads one text frame from a client.
    pub fn from_json(text: &str) -> Result<ClientMessage, DecodeError> {
        serde_json::from_str(text).map_err(|e| DecodeError(e.to_string()))
    }
}

/// Why a line cannot be injected as it is, in a sentence for the person who typed it; `None` when it can.
/// `max_line_bytes` is the relay's cap on a line.
pub fn inject_problem(line: &str, max_line_bytes: usize) -> Option<String> {
    if line.is_empty() {
        Some("an empty line: type a log line first".to_string())
    } else if line.contains(['\n', '\r']) {
        Some("a line break inside the line: inject one line at a time".to_string())
    } else if line.len() > max_line_bytes {
        Some(format!(
            "the line has {} bytes, more than the relay's cap of {max_line_bytes}",
            line.len()
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inject_message_round_trips_as_the_readme_writes_it() {
        let m = ClientMessage::Inject {
            line: "[error] disk \"full\"".into(),
        };
        let json = m.to_json();
        assert_eq!(json, r#"{"type":"inject","line":"[error] disk \"full\""}"#);
        assert_eq!(ClientMessage::from_json(&json), Ok(m));
        assert_eq!(
            ClientMessage::from_json(r#"{"type":"hello"}"#),
            Ok(ClientMessage::Unknown)
        );
        assert!(ClientMessage::from_json(r#"{"type":"inject"}"#).is_err());
    }

    #[test]
    fn lines_that_cannot_be_injected_say_why() {
        assert_eq!(inject_problem("[info] ok", 100), None);
        for (line, words) in [
            ("", "empty"),
            ("a\nb", "one line at a time"),
            ("a\rb", "one line at a time"),
            ("0123456789x", "more than the relay's cap of 10"),
        ] {
            let why = inject_problem(line, 10).expect(line);
            assert!(why.contains(words), "{line:?}: {why}");
        }
    }
}
