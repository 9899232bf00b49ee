//! The JSON status messages sent to WebSocket clients in text frames (see "Protocol" in the crate README).

use serde::{Deserialize, Serialize};

/// Why a status message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// Whether the relay is connected to its TCP source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// Connected: lines are flowing (or may at any moment).
    Connected,
    /// Not connected: the relay retries every few seconds.
    Disconnected,
}

/// One status message, as serialized to JSON in a WebSocket text frame.
///
/// Every field is documented in the crate README's protocol table; the JSON has a `"type": "status"` field too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Always `"status"`.
    #[serde(rename = "type")]
    pub kind: String,
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
    pub clients: usize,
    /// Lines sent to this connection so far.
    pub client_lines: u64,
    /// The line length cap in bytes.
    pub max_line_bytes: usize,
}

impl Status {
    /// The JSON text of this message.
    pub fn to_json(&self) -> String {
        // Serializing plain strings, numbers and enums cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"type\":\"status\"}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_matches_the_readme() {
        let s = Status {
            kind: "status".into(),
            event: StatusEvent::SourceDisconnected,
            source: SourceState::Disconnected,
            address: "127.0.0.1:9999".into(),
            reason: Some("the source closed the connection".into()),
            demo: false,
            lines_forwarded: 3,
            lines_dropped: 0,
            lines_cut: 1,
            invalid_utf8: 2,
            clients: 1,
            client_lines: 3,
            max_line_bytes: 1_048_576,
        };
        let json = s.to_json();
        assert_eq!(
            json,
            "{\"type\":\"status\",\"event\":\"source_disconnected\",\"source\":\"disconnected\",\
             \"address\":\"127.0.0.1:9999\",\"reason\":\"the source closed the connection\",\"demo\":false,\
             \"lines_forwarded\":3,\"lines_dropped\":0,\"lines_cut\":1,\"invalid_utf8\":2,\"clients\":1,\
             \"client_lines\":3,\"max_line_bytes\":1048576}"
        );
        assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), s);
    }
}
