//! The batch clock: one timeout to the next batch boundary, re-armed by the reducer after every tick.

use super::slot::{use_slot, Slot};
use crate::model::Action;
use crate::web::platform::now_local_ms;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// The batch timer armed (at most one).
#[derive(Clone)]
pub struct BatchTimer {
    timer: Slot<Timeout>,
    dispatch: Callback<Action>,
}

impl BatchTimer {
    /// Dispatches a `Tick` when the local clock reaches `at_ms` (at once if it has), replacing the timer
    /// armed before.
    pub fn arm(&self, at_ms: i64) {
        self.timer.clear();
        let delay = (at_ms - now_local_ms()).clamp(0, i64::from(i32::MAX)) as u32;
        let dispatch = self.dispatch.clone();
        self.timer.put(Timeout::new(delay, move || {
            dispatch.emit(Action::Tick {
                now_ms: now_local_ms(),
            })
        }));
    }

    /// Stops the timer armed, if any.
    pub fn cancel(&self) {
        self.timer.clear();
    }
}

/// The batch timer of this app; it stops when the app unmounts.
#[hook]
pub fn use_batch_timer(dispatch: Callback<Action>) -> BatchTimer {
    BatchTimer {
        timer: use_slot(),
        dispatch,
    }
}
