//! The back-off before the next relay attempt, with the header's second-by-second countdown.

use super::slot::{use_slot, Slot};
use crate::model::Action;
use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

/// The retry timer armed (at most one).
#[derive(Clone)]
pub struct RetryTimer {
    timers: Slot<(Timeout, Interval)>,
    dispatch: Callback<Action>,
}

impl RetryTimer {
    /// After `delay_ms`, asks for attempt `seq`'s retry; meanwhile the header counts down each second.
    pub fn arm(&self, seq: u64, delay_ms: u32) {
        self.timers.clear();
        let retry = self.dispatch.clone();
        let countdown = self.dispatch.clone();
        self.timers.put((
            Timeout::new(delay_ms, move || retry.emit(Action::RelayRetryNow { seq })),
            Interval::new(1000, move || {
                countdown.emit(Action::RelayRetrySecond { seq })
            }),
        ));
    }

    /// Stops the timer armed, if any.
    pub fn cancel(&self) {
        self.timers.clear();
    }
}

/// The retry timer of this app; it stops when the app unmounts.
#[hook]
pub fn use_retry_timer(dispatch: Callback<Action>) -> RetryTimer {
    RetryTimer {
        timers: use_slot(),
        dispatch,
    }
}
