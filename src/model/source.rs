//! The source side of the page: what the user chose to feed the engine with, which source feeds it right now,
//! and the header's sentence saying so. The relay connection's state machine is in [`super::link`].

use super::link::RelayLink;
use crate::protocol::{LineDecoder, RelayStatus};
use crate::timefmt::seconds_literal;
use dstream_protocol::FrameEncoding;

/// Default rate of the built-in source, in lines per second (a calm classroom pace, like `send-messages`).
pub const DEFAULT_SIM_RATE: f64 = 5.0;
/// Highest rate offered for the built-in source.
pub const MAX_SIM_RATE: f64 = 100_000.0;

/// Which source delivered some lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SourceKind {
    /// The relay's WebSocket (lines from `send-messages` or any TCP source).
    Relay,
    /// The built-in simulated source running in the page.
    Simulated,
}

/// What the user asked to feed the engine with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SourceChoice {
    /// The relay when it answers, the built-in source while it does not.
    Auto,
    /// Only the relay (nothing is fed while it is down).
    Relay,
    /// Only the built-in source.
    Simulated,
}

impl SourceChoice {
    /// All choices, in the order the picker shows them.
    pub const ALL: [SourceChoice; 3] = [Self::Auto, Self::Relay, Self::Simulated];

    /// The value used in the URL (`?source=`) and the picker.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Relay => "relay",
            Self::Simulated => "sim",
        }
    }

    /// Words for the picker.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "Auto (relay, else built-in)",
            Self::Relay => "Relay only",
            Self::Simulated => "Built-in only",
        }
    }

    /// Parses [`SourceChoice::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The source side of the page.
#[derive(Debug, Clone)]
pub struct SourceState {
    /// What the user chose.
    pub choice: SourceChoice,
    /// The relay's WebSocket URL.
    pub relay_url: String,
    /// The relay connection's state.
    pub link: RelayLink,
    /// The current connection attempt's number: events of an older socket, or timers armed for one, carry an
    /// older number and are ignored.
    pub(super) seq: u64,
    /// Whether an attempt failed since the relay was last open (Auto feeds the built-in source then).
    pub relay_failed: bool,
    /// What the relay says about its TCP source.
    pub status: RelayStatus,
    /// How the current connection's data frames are encoded (agreed in its handshake).
    pub encoding: FrameEncoding,
    /// Decoder of the relay's binary frames (holds its own counters).
    pub decoder: LineDecoder,
    /// Lines per second of the built-in source.
    pub sim_rate: f64,
    /// Lines received from the relay.
    pub relay_lines: u64,
    /// Lines produced by the built-in source.
    pub sim_lines: u64,
    /// Lines typed into this page and injected (into the built-in source's batch, or sent to the relay).
    pub injected_lines: u64,
    /// Lines that arrived from a source not feeding the engine at that moment (after a switch).
    pub ignored_lines: u64,
    /// Status frames that could not be read.
    pub bad_status_frames: u64,
    /// Data frames that could not be decoded (their lines are lost).
    pub bad_data_frames: u64,
    /// Bytes of an unfinished line discarded when a connection dropped.
    pub lost_partial_bytes: u64,
    /// The current socket completed its handshake (the relay itself has not necessarily answered yet).
    pub handshake_done: bool,
    /// Where this page is in the relay's stream (its `stream_lines` after the last line received), from the
    /// first hello on; forgotten when the user changes source or relay, whose lines are not missed then.
    pub(super) stream_at: Option<u64>,
    /// Lines that went by in the relay's stream between two connections of this page: the relay closed it as
    /// too slow with lines still queued, or it read them while the page reconnected.
    pub missed_lines: u64,
}

impl SourceState {
    /// No connection yet: the user's choice, the relay URL and the built-in source's rate.
    pub(super) fn new(choice: SourceChoice, relay_url: String, sim_rate: f64) -> Self {
        Self {
            choice,
            relay_url,
            link: RelayLink::Idle,
            seq: 0,
            relay_failed: false,
            status: RelayStatus::default(),
            encoding: FrameEncoding::Plain,
            decoder: LineDecoder::default(),
            sim_rate,
            relay_lines: 0,
            sim_lines: 0,
            injected_lines: 0,
            ignored_lines: 0,
            bad_status_frames: 0,
            bad_data_frames: 0,
            lost_partial_bytes: 0,
            handshake_done: false,
            stream_at: None,
            missed_lines: 0,
        }
    }

    /// Whether the page should keep a relay connection (open or retrying).
    pub fn relay_wanted(&self) -> bool {
        self.choice != SourceChoice::Simulated
    }

    /// The source whose lines go into the engine right now, if any.
    pub fn feeding(&self) -> Option<SourceKind> {
        let open = self.link == RelayLink::Open;
        match self.choice {
            SourceChoice::Simulated => Some(SourceKind::Simulated),
            SourceChoice::Relay => open.then_some(SourceKind::Relay),
            // Auto waits for the first attempt before simulating, so a relay that answers never sees its
            // stream mixed with simulated lines.
            SourceChoice::Auto if open => Some(SourceKind::Relay),
            SourceChoice::Auto => self.relay_failed.then_some(SourceKind::Simulated),
        }
    }

    /// The built-in source's rate while it feeds the engine (it runs exactly then), as bits so that a change
    /// of rate is seen as a change.
    pub(super) fn sim_running(&self) -> Option<u64> {
        (self.feeding() == Some(SourceKind::Simulated)).then(|| self.sim_rate.to_bits())
    }

    /// Sets the built-in source's rate; a negative or non-finite rate is ignored, a huge one capped.
    pub(super) fn set_sim_rate(&mut self, rate: f64) {
        if rate.is_finite() && rate >= 0.0 {
            self.sim_rate = rate.min(MAX_SIM_RATE);
        }
    }

    /// The header's sentence: which source feeds the engine, and what the relay is doing.
    pub fn headline(&self) -> String {
        let relay = match &self.link {
            RelayLink::Idle => String::new(),
            RelayLink::Connecting { attempt } => {
                format!("connecting to relay {} (attempt {attempt})", self.relay_url)
            }
            RelayLink::Open => format!("{}: {}", self.relay_url, self.status.summary()),
            RelayLink::Retrying {
                attempt,
                left_ms,
                reason,
                ..
            } => format!(
                "relay {} unreachable ({reason}); retry {} in {} s",
                self.relay_url,
                attempt + 1,
                seconds_literal(i64::from(*left_ms))
            ),
        };
        let feeding = match self.feeding() {
            Some(SourceKind::Relay) => "Source: relay".to_string(),
            Some(SourceKind::Simulated) => format!(
                "Source: built-in simulated source, {} lines/s",
                fmt_rate(self.sim_rate)
            ),
            None => "Source: none (waiting for the relay)".to_string(),
        };
        if relay.is_empty() {
            feeding
        } else {
            format!("{feeding} — {relay}")
        }
    }
}

fn fmt_rate(r: f64) -> String {
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}
