//! What happened inside the notebook's stateful modes at one batch, for the
//! teaching views: the update function's calls (read from the cumulative
//! program's own), and how the window was formed (PySpark's subtracting path
//! or a fresh reduce of the whole window, as the engine recorded it), with the
//! per-batch counts it names.

use std::collections::VecDeque;

use dstream_engine::python::partition_of;
use dstream_engine::{AfreshReason, WindowHow, WindowPath};
use serde::{Deserialize, Serialize};

use crate::config::NotebookConfig;
use crate::message_type::MessageType;

/// The per-type counts of one batch (the stateless result).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCounts {
    /// The batch time.
    pub time_ms: i64,
    /// `(type, count)` in PySpark's printed order.
    pub counts: Vec<(MessageType, i64)>,
}

impl BatchCounts {
    /// The count for `key` (0 when absent).
    pub fn get(&self, key: MessageType) -> i64 {
        self.counts
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, v)| *v)
    }
}

/// One call of the notebook's `updateFunction(newValues, runningCount)`, as
/// the cumulative program made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCall {
    /// The key the call was for.
    pub key: MessageType,
    /// `newValues`: this batch's reduced count for the key, or empty.
    pub new_values: Vec<i64>,
    /// `runningCount`: the state before, `None` for a new key.
    pub running_count: Option<i64>,
    /// What the function returned.
    pub result: Option<i64>,
}

impl UpdateCall {
    /// The call as the notebook writes it:
    /// `updateFunction(newValues=[3], runningCount=5) -> 8`.
    pub fn notebook_text(&self) -> String {
        let values: Vec<String> = self.new_values.iter().map(i64::to_string).collect();
        let running = self
            .running_count
            .map_or_else(|| "None".to_string(), |c| c.to_string());
        let result = self
            .result
            .map_or_else(|| "None".to_string(), |c| c.to_string());
        format!(
            "updateFunction(newValues=[{}], runningCount={running}) -> {result}",
            values.join(", ")
        )
    }
}

/// One key's arithmetic on PySpark's subtracting path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyStep {
    /// The key.
    pub key: MessageType,
    /// Its value in the previous window (absent keys count as 0 and are new).
    pub old: Option<i64>,
    /// The counts of the batches that left the window.
    pub leaving: i64,
    /// The counts of the batches that entered the window.
    pub arriving: i64,
    /// `old - leaving + arriving`; `None` when the filter removed the key.
    pub result: Option<i64>,
}

/// How PySpark formed the window emitted at one batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowExplain {
    /// The whole window was reduced again (no inverse function, window < 5 x
    /// slide, or no previous window yet).
    Recompute {
        /// Why PySpark did not subtract, in one sentence.
        reason: String,
        /// The batches reduced, oldest first.
        batches: Vec<BatchCounts>,
    },
    /// Previous window − leaving batches + arriving batches.
    Subtract {
        /// The batches subtracted, oldest first.
        leaving: Vec<BatchCounts>,
        /// The batches added, oldest first.
        arriving: Vec<BatchCounts>,
        /// Per key, the arithmetic, in the order of the result.
        keys: Vec<KeyStep>,
    },
}

/// What the explanations remember between batches (saved with the checkpoint): only the working state
/// the next explanation is computed from. The explanations themselves leave in each `BatchReport`; a
/// reader that shows past batches keeps its own record of the reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExplainMemory {
    /// Recent per-batch counts, as long as the window and a slide reach back: the batches a window's
    /// arithmetic may name (leaving, arriving or reduced again).
    pub history: VecDeque<BatchCounts>,
    /// The last window result.
    pub window: Vec<(MessageType, i64)>,
}

impl ExplainMemory {
    /// The remembered counts of the batches at `times`, oldest first.
    fn batches_at(&self, times: &[i64]) -> Vec<BatchCounts> {
        self.history
            .iter()
            .filter(|b| times.contains(&b.time_ms))
            .cloned()
            .collect()
    }

    /// How the window was formed, from the path the engine recorded for it:
    /// the batches it names, with their counts, and per key the arithmetic.
    pub fn window_explain(&self, path: &WindowPath, config: &NotebookConfig) -> WindowExplain {
        match &path.how {
            WindowHow::Subtracted {
                leaving_ms,
                arriving_ms,
                ..
            } => {
                let leaving = self.batches_at(leaving_ms);
                let arriving = self.batches_at(arriving_ms);
                WindowExplain::Subtract {
                    keys: self.key_steps(&leaving, &arriving, config),
                    leaving,
                    arriving,
                }
            }
            WindowHow::Reduced { why, batches_ms } => WindowExplain::Recompute {
                reason: afresh_sentence(*why),
                batches: self.batches_at(batches_ms),
            },
        }
    }

    /// Per key of the previous window or of the arriving batches, the
    /// subtracting path's arithmetic, in the order of the result: old keys,
    /// then new ones, grouped by hash partition.
    fn key_steps(
        &self,
        leaving: &[BatchCounts],
        arriving: &[BatchCounts],
        config: &NotebookConfig,
    ) -> Vec<KeyStep> {
        let mut keys: Vec<MessageType> = self.window.iter().map(|(k, _)| *k).collect();
        for b in arriving {
            for (k, _) in &b.counts {
                if !keys.contains(k) {
                    keys.push(*k);
                }
            }
        }
        let mut steps: Vec<KeyStep> = keys
            .into_iter()
            .map(|key| {
                let old = self.window.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
                // Only keys of the previous window meet the leaving batches.
                let leaving_sum = if old.is_some() {
                    leaving.iter().map(|b| b.get(key)).sum()
                } else {
                    0
                };
                let arriving_sum: i64 = arriving.iter().map(|b| b.get(key)).sum();
                let value = old.unwrap_or(0) - leaving_sum + arriving_sum;
                KeyStep {
                    key,
                    old,
                    leaving: leaving_sum,
                    arriving: arriving_sum,
                    result: (!config.filter_zero || value != 0).then_some(value),
                }
            })
            .collect();
        steps.sort_by_key(|s| partition_of(&s.key, config.parallelism));
        steps
    }

    /// Records one batch's counts, forgetting what no window needs any more.
    pub fn remember(&mut self, config: &NotebookConfig, batch: BatchCounts) {
        let horizon = batch.time_ms - config.window_ms - config.slide_ms;
        self.history.push_back(batch);
        while self.history.front().is_some_and(|b| b.time_ms <= horizon) {
            self.history.pop_front();
        }
    }
}

/// Why PySpark reduced the whole window again, in one sentence.
/// Why PySpark reduced a window afresh, in one sentence a student reads.
pub fn afresh_sentence(why: AfreshReason) -> String {
    match why {
        AfreshReason::NoInverse => {
            "No inverse function was given, so PySpark reduces every batch of the window again."
                .to_string()
        }
        AfreshReason::ShortWindow {
            window_ms,
            slide_ms,
        } => format!(
            "The window ({} s) is shorter than 5 x the slide ({} s), so PySpark reduces the whole window again instead of subtracting.",
            window_ms as f64 / 1000.0,
            slide_ms as f64 / 1000.0
        ),
        AfreshReason::NoPreviousWindow => "This is the first window, so there is no previous one to subtract from: PySpark reduces the whole window.".to_string(),
    }
}
