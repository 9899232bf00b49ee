//! The notebook's three pipelines (chapter 10, "Spark Streaming"), built on the
//! engine exactly as the notebook writes them: classify the lines, count them
//! per batch, keep running totals, and count over a sliding window.

use dstream_engine::{DStream, Duration, EngineError, FilterFn, InvFn, Record};
use serde::{Deserialize, Serialize};

use crate::classify::get_message_type;
use crate::message_type::MessageType;

/// The three modes of the notebook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `reduceByKey` per batch.
    Stateless,
    /// `updateStateByKey` running totals.
    Cumulative,
    /// `reduceByKeyAndWindow`.
    Window,
}

impl Mode {
    /// All modes, in the notebook's order.
    pub const ALL: [Mode; 3] = [Mode::Stateless, Mode::Cumulative, Mode::Window];

    /// The mode's name: `stateless`, `cumulative`, `window`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Stateless => "stateless",
            Mode::Cumulative => "cumulative",
            Mode::Window => "window",
        }
    }

    /// The mode's place in [`Mode::ALL`], to index per-mode arrays.
    pub fn index(self) -> usize {
        match self {
            Mode::Stateless => 0,
            Mode::Cumulative => 1,
            Mode::Window => 2,
        }
    }
}

/// The notebook's `updateFunction(newValues, runningCount)`:
/// `sum(newValues, runningCount or 0)`.
pub fn update_function(new_values: &[i64], running_count: Option<&i64>) -> Option<i64> {
    Some(running_count.copied().unwrap_or(0) + new_values.iter().sum::<i64>())
}

/// `lines.map(get_message_type).map(lambda x: (x, 1))`.
pub fn codes<L: Record + AsRef<str>>(lines: &DStream<L>) -> DStream<(MessageType, i64)> {
    lines
        .map(|l| get_message_type(l.as_ref()))
        .map(|t| (*t, 1i64))
}

/// Mode 1: `codes.reduceByKey(lambda x, y: x + y)`.
pub fn stateless(codes: &DStream<(MessageType, i64)>) -> DStream<(MessageType, i64)> {
    codes.reduce_by_key(|a, b| a + b, None)
}

/// Mode 2: `codes_count.updateStateByKey(updateFunction)`.
pub fn cumulative(codes_count: &DStream<(MessageType, i64)>) -> DStream<(MessageType, i64)> {
    codes_count.update_state_by_key(update_function, None, None)
}

/// The windowed mode's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpec {
    /// `windowDuration` in milliseconds.
    pub window_ms: i64,
    /// `slideDuration` in milliseconds.
    pub slide_ms: i64,
    /// Whether `invFunc = lambda x, y: x - y` is given.
    pub inverse: bool,
    /// Whether `filterFunc = lambda kv: kv[1] != 0` is given (only used with the inverse).
    pub filter_zero: bool,
}

/// Mode 3: `codes.reduceByKeyAndWindow(func=+, invFunc=-, windowDuration, slideDuration)`.
pub fn windowed(
    codes: &DStream<(MessageType, i64)>,
    spec: WindowSpec,
) -> Result<DStream<(MessageType, i64)>, EngineError> {
    let inv: Option<InvFn<i64>> = if spec.inverse {
        Some(Box::new(|a, b| a - b))
    } else {
        None
    };
    let filter: Option<FilterFn<(MessageType, i64)>> = if spec.filter_zero {
        Some(Box::new(|kv| kv.1 != 0))
    } else {
        None
    };
    codes.reduce_by_key_and_window(
        |a, b| a + b,
        inv,
        Duration::from_millis(spec.window_ms),
        Duration::from_millis(spec.slide_ms),
        None,
        filter,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_function_sums_from_zero_or_the_running_count() {
        assert_eq!(update_function(&[1, 2], None), Some(3));
        assert_eq!(update_function(&[], Some(&5)), Some(5));
        assert_eq!(update_function(&[4], Some(&5)), Some(9));
    }

    #[test]
    fn each_mode_and_type_indexes_its_place_in_all() {
        for (i, m) in Mode::ALL.iter().enumerate() {
            assert_eq!(m.index(), i, "{}", m.as_str());
        }
        for (i, t) in MessageType::ALL.iter().enumerate() {
            assert_eq!(t.index(), i, "{}", t.as_str());
        }
    }
}
