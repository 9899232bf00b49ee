//! Durations, as Spark's `Duration` (milliseconds).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A span of stream time in milliseconds, like Spark's `Duration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Duration(i64);

impl Duration {
    /// A duration of `ms` milliseconds (Spark's `Milliseconds(ms)`).
    pub const fn from_millis(ms: i64) -> Self {
        Duration(ms)
    }

    /// A duration of `s` seconds (Spark's `Seconds(s)`).
    pub const fn from_secs(s: i64) -> Self {
        Duration(s * 1000)
    }

    /// A duration from fractional seconds, as PySpark takes them (`int(s * 1000)`).
    pub fn from_secs_f64(s: f64) -> Self {
        Duration((s * 1000.0) as i64)
    }

    /// The length in milliseconds.
    pub const fn as_millis(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Duration {
    /// Spark prints durations as `10000 ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.0)
    }
}
