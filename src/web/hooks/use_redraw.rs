//! Shows what lines changed while the page did not render. A source's lines only fill the open batch and move
//! the counters, and at a high rate the relay sends hundreds of frames a second: rendering the page for each was
//! half the main thread's busy time at 100 000 lines/s (README, "Budget, measured": relay → page). The reducer
//! takes them without a render and marks the page unshown; this hook renders it a few times a second while it is.

use gloo_timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// How often (ms) lines taken without a render are shown: the counters move four times a second.
pub const REDRAW_MS: u32 = 250;

/// Renders the component every [`REDRAW_MS`] while `unshown` says it has changes it has not shown; the render
/// clears `unshown`.
#[hook]
pub fn use_redraw(unshown: Rc<Cell<bool>>) {
    let update = use_force_update();
    use_effect_with((), move |_| {
        let interval = Interval::new(REDRAW_MS, move || {
            if unshown.get() {
                update.force_update();
            }
        });
        move || drop(interval)
    });
}
