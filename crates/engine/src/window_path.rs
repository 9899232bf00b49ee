//! The path `reduceByKeyAndWindow` took at one time: the previous window minus
//! the batches that left plus the ones that arrived, or the whole window reduced
//! afresh. The engine records it as it computes, so an explanation can report
//! what happened rather than predict it from the settings.

use std::cell::RefCell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

/// How one window result was computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowPath {
    /// The window's time: its end, the batch time it was emitted at.
    pub time_ms: i64,
    /// Which way it was computed, and from which batches.
    pub how: WindowHow,
}

/// The two ways PySpark computes a window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowHow {
    /// The previous window's result, with the batches that left subtracted
    /// (`invFunc`) and the batches that arrived added (`func`).
    Subtracted {
        /// The time of the previous window, the one subtracted from.
        previous_ms: i64,
        /// The times of the batches that left the window, oldest first (none
        /// while the window has not yet slid past the first batch).
        leaving_ms: Vec<i64>,
        /// The times of the batches that entered the window, oldest first.
        arriving_ms: Vec<i64>,
    },
    /// Every batch of the window reduced again.
    Reduced {
        /// Why the previous window was not used.
        why: AfreshReason,
        /// The times of the batches reduced, oldest first.
        batches_ms: Vec<i64>,
    },
}

/// Why a window was reduced afresh instead of subtracted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AfreshReason {
    /// No inverse function was given.
    NoInverse,
    /// PySpark subtracts only when the window is at least 5 slides long.
    ShortWindow {
        /// The window, in milliseconds.
        window_ms: i64,
        /// The slide, in milliseconds.
        slide_ms: i64,
    },
    /// There was no previous window result to subtract from.
    NoPreviousWindow,
}

/// Where a window stream writes the path of each window it computes; shared
/// between the computing node and the graph, which hands it to readers.
pub(crate) type PathSlot = Rc<RefCell<Option<WindowPath>>>;
