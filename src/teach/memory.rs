//! What the teaching views remember between batches: fed one [`BatchReport`] at a time (with how long it
//! took), bounded so memory stays flat for hours.

use crate::engine::{BatchCounts, BatchReport, MessageType, Mode, UpdateCall, WindowExplain};
use std::collections::VecDeque;

/// Batches kept for the window strip: enough for the window, one slide before it and a few after, up to a
/// minute of 1 s batches.
pub const STRIP_BATCHES: usize = 64;
/// Batches kept for the metrics timelines (as many as the charts keep).
pub const METRIC_BATCHES: usize = 360;

/// How one batch was scheduled and processed, measured by the page around `NotebookLab::run_batch`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    /// Milliseconds `run_batch` took (all three modes), when measured.
    pub processing_ms: Option<f64>,
    /// Milliseconds between the batch time and the start of its processing (Spark's scheduling delay), when
    /// known (a batch stepped by hand while paused has none).
    pub delay_ms: Option<f64>,
}

/// One batch as Spark's Streaming tab lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchMetric {
    /// 1-based batch number.
    pub batch: u64,
    /// Batch time, local naive ms.
    pub time_ms: i64,
    /// Records (lines) received in the batch.
    pub records: usize,
    /// How it was scheduled and processed.
    pub timing: Timing,
}

/// One mode's output at one batch: the records in PySpark's printed order.
pub type Records = Vec<(MessageType, i64)>;

/// The last batch's outcome, as the lineage and state views need it.
#[derive(Debug, Clone, PartialEq)]
pub struct LastBatch {
    /// 1-based batch number.
    pub batch: u64,
    /// Batch time, local naive ms.
    pub time_ms: i64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub time_label: String,
    /// Lines received.
    pub lines: usize,
    /// Per mode (in [`Mode::ALL`] order) the records it emitted, `None` when it did not emit at this batch.
    pub outputs: [Option<Records>; 3],
    /// The update function's calls that made the running totals.
    pub state_calls: Vec<UpdateCall>,
}

/// The last window the windowed mode emitted, and how PySpark formed it.
#[derive(Debug, Clone, PartialEq)]
pub struct LastWindow {
    /// 1-based batch number of the batch at which it was emitted.
    pub batch: u64,
    /// Batch time (the window's end), local naive ms.
    pub time_ms: i64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub time_label: String,
    /// The window's records, in PySpark's printed order.
    pub records: Records,
    /// How it was formed.
    pub explain: WindowExplain,
}

/// The teaching views' memory. Reset it whenever the streaming context is replaced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeachMemory {
    recent: VecDeque<BatchCounts>,
    metrics: VecDeque<BatchMetric>,
    last: Option<LastBatch>,
    last_window: Option<LastWindow>,
}

/// The index of `mode` in [`Mode::ALL`].
pub fn mode_index(mode: Mode) -> usize {
    Mode::ALL.iter().position(|m| *m == mode).unwrap_or(0)
}

impl TeachMemory {
    /// Records one batch.
    pub fn observe(&mut self, r: &BatchReport, timing: Timing) {
        // A page without a high-resolution clock gives NaN; a clock step could give a negative span.
        let timing = Timing {
            processing_ms: timing
                .processing_ms
                .filter(|v| v.is_finite())
                .map(|v| v.max(0.0)),
            delay_ms: timing
                .delay_ms
                .filter(|v| v.is_finite())
                .map(|v| v.max(0.0)),
        };
        let mut outputs: [Option<Records>; 3] = [None, None, None];
        for o in &r.outputs {
            outputs[mode_index(o.mode)] = Some(o.records.clone());
        }
        if self.recent.len() == STRIP_BATCHES {
            self.recent.pop_front();
        }
        self.recent.push_back(BatchCounts {
            time_ms: r.time_ms,
            counts: outputs[0].clone().unwrap_or_default(),
        });
        if self.metrics.len() == METRIC_BATCHES {
            self.metrics.pop_front();
        }
        self.metrics.push_back(BatchMetric {
            batch: r.batch,
            time_ms: r.time_ms,
            records: r.lines,
            timing,
        });
        if let (Some(explain), Some(records)) = (&r.window_explain, &outputs[2]) {
            self.last_window = Some(LastWindow {
                batch: r.batch,
                time_ms: r.time_ms,
                time_label: r.time_label.clone(),
                records: records.clone(),
                explain: explain.clone(),
            });
        }
        self.last = Some(LastBatch {
            batch: r.batch,
            time_ms: r.time_ms,
            time_label: r.time_label.clone(),
            lines: r.lines,
            outputs,
            state_calls: r.state_calls.clone(),
        });
    }

    /// Forgets everything (a new streaming context starts).
    pub fn clear(&mut self) {
        *self = TeachMemory::default();
    }

    /// The per-batch counts of the recent batches, oldest first (at most [`STRIP_BATCHES`]).
    pub fn recent(&self) -> &VecDeque<BatchCounts> {
        &self.recent
    }

    /// The metrics of the recent batches, oldest first (at most [`METRIC_BATCHES`]).
    pub fn metrics(&self) -> &VecDeque<BatchMetric> {
        &self.metrics
    }

    /// The last batch, if any ran since the context started.
    pub fn last(&self) -> Option<&LastBatch> {
        self.last.as_ref()
    }

    /// The last window emitted, if any.
    pub fn last_window(&self) -> Option<&LastWindow> {
        self.last_window.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{NotebookConfig, NotebookLab};

    #[test]
    fn keeps_the_last_window_and_stays_bounded() {
        let config = NotebookConfig {
            batch_interval_ms: 1_000,
            window_ms: 4_000,
            slide_ms: 2_000,
            ..NotebookConfig::default()
        };
        let mut lab = NotebookLab::new(config, 0).unwrap();
        let mut mem = TeachMemory::default();
        for i in 0..(STRIP_BATCHES + 10) {
            lab.push_line(if i % 2 == 0 { "[info] a" } else { "[error] b" });
            let r = lab.run_batch();
            mem.observe(&r, Timing::default());
            let last = mem.last().unwrap();
            assert_eq!(last.batch, r.batch);
            assert_eq!(last.state_calls, r.state_calls);
            // The window slides every 2 batches (first at 2 s); the remembered one is the latest emitted.
            let Some(w) = mem.last_window() else {
                assert_eq!(r.time_ms, 1_000);
                continue;
            };
            assert_eq!(w.time_ms % 2_000, 0);
            assert!(r.time_ms - w.time_ms < 2_000);
        }
        assert_eq!(mem.recent().len(), STRIP_BATCHES);
        assert_eq!(mem.metrics().len(), STRIP_BATCHES + 10);
        mem.observe(
            &lab.run_batch(),
            Timing {
                processing_ms: Some(f64::NAN),
                delay_ms: Some(-3.0),
            },
        );
        let t = mem.metrics().back().unwrap().timing;
        assert_eq!((t.processing_ms, t.delay_ms), (None, Some(0.0)));
        mem.clear();
        assert!(mem.last().is_none() && mem.recent().is_empty());
    }
}
