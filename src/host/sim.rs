//! The built-in simulated source: the same line generator as `send-messages`, paced by a 100 ms interval
//! with the generator's own jitter, so the page has a live stream with no relay at all.

use super::Dispatch;
use crate::engine::LogGenerator;
use crate::model::Action;
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;

/// How often the source hands its lines to the engine.
const TICK_MS: u32 = 100;

/// A running simulated source; dropping it stops it.
pub struct SimSource {
    _interval: Interval,
}

impl SimSource {
    /// Starts producing `rate` lines per second (0 produces nothing) from `generator`.
    pub fn start(generator: Rc<RefCell<LogGenerator>>, rate: f64, dispatch: Dispatch) -> Self {
        let mut next_due = super::clock::perf_now_ms();
        let interval = Interval::new(TICK_MS, move || {
            if rate <= 0.0 {
                return;
            }
            let now = super::clock::perf_now_ms();
            // A hidden tab gets its timers throttled: rather than bursting the backlog in, resume the stream
            // from now (those lines were never generated, so nothing is lost).
            if now - next_due > 1_000.0 {
                next_due = now;
            }
            let mut generator = generator.borrow_mut();
            let mut lines = Vec::new();
            while next_due <= now {
                lines.push(generator.next_line());
                next_due += generator.next_delay_ms(rate);
            }
            if !lines.is_empty() {
                dispatch(Action::SimLines(lines));
            }
        });
        SimSource {
            _interval: interval,
        }
    }
}
