//! Why the relay closes a WebSocket connection: each reason with its close code and its reason text.

use std::fmt;

use crate::MAX_CLIENT_MESSAGE_BYTES;

/// Close code 1001 (Going Away): the relay is stopping.
pub const GOING_AWAY: u16 = 1001;
/// Close code 1002 (Protocol Error): the client sent bytes that are not valid WebSocket frames.
pub const PROTOCOL_ERROR: u16 = 1002;
/// Close code 1008 (Policy Violation): the client fell too far behind, or stopped reading.
pub const POLICY_VIOLATION: u16 = 1008;
/// Close code 1009 (Message Too Big): the client sent a message over [`MAX_CLIENT_MESSAGE_BYTES`].
pub const MESSAGE_TOO_BIG: u16 = 1009;

/// Why the relay closes a client; [`CloseReason::code`] and the `Display` text go into the close frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The relay stops (Ctrl-C or SIGTERM).
    Shutdown,
    /// The client fell `--client-queue-bytes` behind: its queue was discarded and its lines counted as dropped.
    TooSlow {
        /// Bytes that were waiting for the client.
        queued: usize,
        /// The per-client limit (`--client-queue-bytes`).
        limit: usize,
        /// Lines the client lost.
        dropped: u64,
    },
    /// The client read nothing for `--stall-ms` while data waited for it: its queue was discarded and its lines
    /// counted as dropped, long before the byte limit of [`CloseReason::TooSlow`] would be reached.
    Stalled {
        /// How long it read nothing, in milliseconds (`--stall-ms`).
        stall_ms: u64,
        /// Lines the client lost.
        dropped: u64,
    },
    /// The client sent a message larger than [`MAX_CLIENT_MESSAGE_BYTES`].
    MessageTooBig,
    /// The client sent bytes that are not valid WebSocket frames (e.g. an unmasked frame, a reserved opcode); the
    /// text says what was wrong.
    ProtocolError(String),
}

impl CloseReason {
    /// The WebSocket close code for this reason.
    pub fn code(&self) -> u16 {
        match self {
            CloseReason::Shutdown => GOING_AWAY,
            CloseReason::TooSlow { .. } | CloseReason::Stalled { .. } => POLICY_VIOLATION,
            CloseReason::MessageTooBig => MESSAGE_TOO_BIG,
            CloseReason::ProtocolError(_) => PROTOCOL_ERROR,
        }
    }
}

impl fmt::Display for CloseReason {
    /// The reason text of the close frame, a sentence for the person at the other end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::Shutdown => f.write_str("relay shutting down"),
            CloseReason::TooSlow {
                queued,
                limit,
                dropped,
            } => write!(
                f,
                "too slow: {queued} bytes were waiting for you (limit {limit}); {dropped} lines dropped"
            ),
            CloseReason::Stalled { stall_ms, dropped } => write!(
                f,
                "stalled: you read nothing for {stall_ms} ms while data waited; {dropped} lines dropped"
            ),
            CloseReason::MessageTooBig => write!(
                f,
                "message too big: the relay accepts at most {MAX_CLIENT_MESSAGE_BYTES} bytes from a client"
            ),
            CloseReason::ProtocolError(what) => write!(f, "protocol error: {what}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the "Closing" table in the relay's README: (code, reason text).
    fn readme_close_rows() -> Vec<(u16, String)> {
        let readme = include_str!("../../relay/README.md");
        let section = readme
            .split("### Closing")
            .nth(1)
            .expect("the README has a Closing section");
        let table = section.split("\n#").next().unwrap_or(section);
        table
            .lines()
            .filter_map(|row| {
                let cells: Vec<&str> = row.split('|').map(str::trim).collect();
                let code = cells.get(1)?.strip_prefix('`')?.get(..4)?.parse().ok()?;
                let reason = cells.get(2)?.trim_matches('`').to_string();
                Some((code, reason))
            })
            .collect()
    }

    #[test]
    fn every_close_reason_reads_as_the_readme_documents_it() {
        let reasons = [
            CloseReason::Shutdown,
            CloseReason::TooSlow {
                queued: 16_777_216,
                limit: 16_777_216,
                dropped: 9000,
            },
            CloseReason::Stalled {
                stall_ms: 10_000,
                dropped: 420,
            },
            CloseReason::MessageTooBig,
            CloseReason::ProtocolError("unmasked frame from client".into()),
        ];
        let ours: Vec<(u16, String)> = reasons.iter().map(|r| (r.code(), r.to_string())).collect();
        assert_eq!(ours, readme_close_rows());
    }
}
