//! The relay connection's state machine: idle, connecting, open, retrying with back-off. Every transition
//! returns the [`Effect`]s that make the socket and the retry timer follow it.

use super::effect::Effect;
use super::source::{SourceChoice, SourceState};
use crate::protocol::RelayStatus;
use dstream_protocol::FrameEncoding;
use std::borrow::Cow;

/// The relay connection's lifecycle; the web layer opens and closes the socket as the effects say.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum RelayLink {
    /// No relay wanted.
    Idle,
    /// A socket is being opened (attempt number, 1-based).
    Connecting {
        /// Which attempt since the last success.
        attempt: u32,
    },
    /// The socket is open.
    Open,
    /// The last attempt failed or the connection dropped; the next attempt starts after `delay_ms`.
    Retrying {
        /// The attempt that failed.
        attempt: u32,
        /// Back-off before the next attempt.
        delay_ms: u32,
        /// What is left of the back-off, counted down each second for the header.
        left_ms: u32,
        /// Why, in words.
        reason: String,
    },
}

/// Back-off before reconnecting after `failures` consecutive failures: 1, 2, 4, 8 s, then every 10 s.
pub fn backoff_ms(failures: u32) -> u32 {
    let exp = failures.saturating_sub(1).min(4);
    (1000u32 << exp).min(10_000)
}

impl SourceState {
    /// Whether an event or timer tagged `seq` belongs to the current connection attempt.
    fn is_current(&self, seq: u64) -> bool {
        seq == self.seq
    }

    /// What leaving the current link state lets go of: its socket or its retry timer.
    fn release(&self) -> Vec<Effect> {
        match self.link {
            RelayLink::Connecting { .. } | RelayLink::Open => vec![Effect::CloseRelay],
            RelayLink::Retrying { .. } => vec![Effect::CancelRetry],
            RelayLink::Idle => Vec::new(),
        }
    }

    /// Starts connection attempt number `attempt` with a new socket.
    pub(super) fn connect(&mut self, attempt: u32) -> Vec<Effect> {
        let mut effects = self.release();
        self.handshake_done = false;
        self.seq += 1;
        self.link = RelayLink::Connecting { attempt };
        effects.push(Effect::OpenRelay {
            seq: self.seq,
            url: self.relay_url.clone(),
        });
        effects
    }

    /// The socket of `seq` completed its handshake.
    pub(super) fn opened(&mut self, seq: u64, encoding: FrameEncoding) {
        // `trunk serve`'s proxy completes the handshake even when no relay runs behind it, so an open socket
        // proves nothing yet: the link counts as open at the relay's first message (its hello).
        if self.is_current(seq) {
            self.handshake_done = true;
            self.encoding = encoding;
        }
    }

    /// The relay itself spoke: a connecting link is open from now on (the socket stays as it is).
    fn answered(&mut self) {
        if matches!(self.link, RelayLink::Connecting { .. }) {
            self.link = RelayLink::Open;
            self.relay_failed = false;
            self.status = RelayStatus::default();
        }
    }

    /// A data frame of socket `seq`, as plain lines (`None` when the socket is an old one, or the frame cannot
    /// be decoded: counted). [`SourceState::frame_lines`] splits it.
    pub(super) fn data_frame<'a>(&mut self, seq: u64, data: &'a [u8]) -> Option<Cow<'a, [u8]>> {
        if !self.is_current(seq) {
            return None;
        }
        self.answered();
        match self.encoding.decode(data) {
            Ok(plain) => Some(plain),
            Err(_) => {
                self.bad_data_frames += 1;
                None
            }
        }
    }

    /// The lines a data frame of the current socket completes (whole ones borrowed from it), counted.
    pub(super) fn frame_lines<'a>(&mut self, plain: &'a [u8]) -> Vec<Cow<'a, str>> {
        let lines = self.decoder.decode(plain);
        self.relay_lines += lines.len() as u64;
        if let Some(at) = &mut self.stream_at {
            *at += lines.len() as u64;
        }
        lines
    }

    /// A status frame of socket `seq`; an unreadable one is counted. Returns the relay's reason when the frame
    /// refuses a line this page asked it to inject.
    pub(super) fn status_frame(&mut self, seq: u64, text: &str) -> Option<String> {
        if !self.is_current(seq) {
            return None;
        }
        self.answered();
        let hellos = self.status.hellos;
        let refused = self.status.merge_frame(text).unwrap_or_else(|_| {
            self.bad_status_frames += 1;
            None
        });
        if self.status.hellos > hellos {
            self.rejoined(self.status.latest.stream_lines);
        }
        refused
    }

    /// A hello: the connection's lines start after line `stream_lines` of the relay's stream. Lines between
    /// where the page left the stream and there went by without it. A relay whose stream is behind where the
    /// page left it has restarted: there is no knowing what went by, so nothing is counted.
    fn rejoined(&mut self, stream_lines: u64) {
        if let Some(left_at) = self.stream_at {
            self.missed_lines += stream_lines.saturating_sub(left_at);
        }
        self.stream_at = Some(stream_lines);
    }

    /// Socket `seq` closed (or never opened): back off before the next attempt. Also returns, when an open
    /// link was lost (not a failed attempt), why in words, for a notice.
    pub(super) fn closed(
        &mut self,
        seq: u64,
        code: u16,
        reason: &str,
    ) -> (Vec<Effect>, Option<String>) {
        if !self.is_current(seq) {
            return (Vec::new(), None);
        }
        let was_open = self.link == RelayLink::Open;
        self.lost_partial_bytes += self.decoder.reset_carry() as u64;
        let attempt = match &self.link {
            RelayLink::Connecting { attempt } => *attempt,
            _ => 1,
        };
        let why = match (was_open, reason.is_empty()) {
            (true, true) => format!("connection closed, code {code}"),
            (true, false) => format!("connection closed: {reason}"),
            (false, false) => reason.to_string(),
            (false, true) if self.handshake_done => {
                "no relay answered behind the proxy".to_string()
            }
            (false, true) => "no answer".to_string(),
        };
        self.handshake_done = false;
        self.relay_failed = true;
        let mut effects = self.release();
        let delay_ms = backoff_ms(attempt);
        self.link = RelayLink::Retrying {
            attempt,
            delay_ms,
            left_ms: delay_ms,
            reason: why.clone(),
        };
        effects.push(Effect::ArmRetry {
            seq: self.seq,
            delay_ms,
        });
        (effects, was_open.then_some(why))
    }

    /// The back-off of attempt `seq` elapsed: try again.
    pub(super) fn retry_now(&mut self, seq: u64) -> Vec<Effect> {
        match self.link {
            RelayLink::Retrying { attempt, .. } if self.is_current(seq) => {
                self.connect(attempt + 1)
            }
            _ => Vec::new(),
        }
    }

    /// One more second of the back-off of attempt `seq` passed.
    pub(super) fn retry_second(&mut self, seq: u64) {
        if !self.is_current(seq) {
            return;
        }
        if let RelayLink::Retrying { left_ms, .. } = &mut self.link {
            *left_ms = left_ms.saturating_sub(1000);
        }
    }

    /// The user asked to reconnect now: a fresh first attempt, if a relay is wanted.
    pub(super) fn reconnect(&mut self) -> Vec<Effect> {
        if self.relay_wanted() {
            self.connect(1)
        } else {
            Vec::new()
        }
    }

    /// The user chose a source: connect when the relay becomes wanted, let go of it when it no longer is.
    pub(super) fn choose(&mut self, choice: SourceChoice) -> Vec<Effect> {
        if choice == self.choice {
            return Vec::new();
        }
        self.choice = choice;
        if choice == SourceChoice::Simulated {
            self.stream_at = None;
            let effects = self.release();
            self.link = RelayLink::Idle;
            // Events still in flight from the released socket must not count.
            self.seq += 1;
            effects
        } else if self.link == RelayLink::Idle {
            self.relay_failed = false;
            self.connect(1)
        } else {
            Vec::new()
        }
    }

    /// The user entered a relay URL: use it (reconnecting if a relay is wanted) and remember it, or say why
    /// it cannot be used.
    pub(super) fn use_url(&mut self, typed: &str) -> Result<Vec<Effect>, String> {
        let url = typed.trim().to_string();
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return Err(format!(
                "\"{url}\" is not a WebSocket URL (ws://host:port/path or wss://…)."
            ));
        }
        self.relay_url = url.clone();
        self.stream_at = None;
        let mut effects = vec![Effect::RememberRelayUrl(url)];
        if self.relay_wanted() {
            effects.extend(self.connect(1));
        }
        Ok(effects)
    }
}
