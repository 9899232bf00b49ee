//! Lines typed into a page and put into the stream (`--allow-inject`): who may, and how often.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use dstream_protocol::MAX_INJECTED_LINES_PER_SECOND;

/// Who may inject lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InjectPolicy {
    /// Nobody (the default): the stream is the source's alone.
    #[default]
    Off,
    /// Clients on the relay's own machine (`--allow-inject`): the teacher's page, not the class's.
    Loopback,
    /// Every client (`--allow-inject-from-all`).
    All,
}

impl InjectPolicy {
    /// Whether a client at `peer` may inject.
    pub fn allows(self, peer: SocketAddr) -> bool {
        match self {
            InjectPolicy::Off => false,
            InjectPolicy::Loopback => peer.ip().to_canonical().is_loopback(),
            InjectPolicy::All => true,
        }
    }

    /// Why a client at `peer` may not inject, for the reply it gets; `None` when it may.
    pub fn refusal(self, peer: SocketAddr) -> Option<String> {
        match self {
            _ if self.allows(peer) => None,
            InjectPolicy::Off => Some(
                "this relay does not take injected lines: start it with --allow-inject".to_string(),
            ),
            _ => Some(format!(
                "this relay takes injected lines only from its own machine, not from {}: start it with \
                 --allow-inject-from-all to let every page inject",
                peer.ip()
            )),
        }
    }
}

/// One connection's allowance: at most [`MAX_INJECTED_LINES_PER_SECOND`] lines in any one-second window that
/// starts with a line.
#[derive(Debug, Default)]
pub struct InjectRate {
    window_start: Option<Instant>,
    in_window: u32,
}

impl InjectRate {
    /// Takes one line at `now`; `false` when the allowance of the current second is used up.
    pub fn take(&mut self, now: Instant) -> bool {
        match self.window_start {
            Some(start) if now.duration_since(start) < Duration::from_secs(1) => {
                if self.in_window >= MAX_INJECTED_LINES_PER_SECOND {
                    return false;
                }
                self.in_window += 1;
            }
            _ => {
                self.window_start = Some(now);
                self.in_window = 1;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_means_this_machine_whatever_the_address_family() {
        let p = InjectPolicy::Loopback;
        for peer in [
            "127.0.0.1:5000",
            "127.8.9.10:1",
            "[::1]:80",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(p.allows(peer.parse().unwrap()), "{peer}");
            assert_eq!(p.refusal(peer.parse().unwrap()), None);
        }
        let lan: SocketAddr = "192.168.1.23:40000".parse().unwrap();
        assert!(!p.allows(lan));
        assert!(p.refusal(lan).unwrap().contains("--allow-inject-from-all"));
        assert!(InjectPolicy::All.allows(lan));
        assert!(!InjectPolicy::Off.allows("127.0.0.1:1".parse().unwrap()));
        assert!(InjectPolicy::Off
            .refusal(lan)
            .unwrap()
            .contains("start it with --allow-inject"));
    }

    #[test]
    fn a_connection_injects_at_most_its_allowance_per_second() {
        let mut rate = InjectRate::default();
        let t0 = Instant::now();
        let taken = (0..25).filter(|_| rate.take(t0)).count();
        assert_eq!(taken, MAX_INJECTED_LINES_PER_SECOND as usize);
        assert!(!rate.take(t0 + Duration::from_millis(999)));
        assert!(rate.take(t0 + Duration::from_secs(1)));
    }
}
