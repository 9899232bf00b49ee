//! The batch log: the page's one record of past batches. Every view of the past reads it — the charts, the
//! CSV export, the streaming statistics, the window strip, the lineage and the update calls — so each batch's
//! numbers are kept once, for at most [`LOG_BATCHES`] batches, and memory stays flat however long the page
//! runs. Time travel reads the log as it was after an earlier batch ([`BatchLog::as_of`]), so the log also keeps
//! the [`TRAVEL_BATCHES`] batches it forgot last, and the windows emitted as far back as time travel reaches.
//!
//! The notebook's engine keeps its own working memory for the explanations it computes (the counts as far
//! back as the window and a slide reach, saved with its checkpoint); what it explains arrives in each
//! [`BatchReport`] and is recorded here as that batch's result.

use super::travel::TRAVEL_BATCHES;
use crate::chart::ChartPoint;
use crate::engine::{BatchReport, MessageType, Mode, UpdateCall, WindowExplain};
use std::collections::VecDeque;

/// Batches the log keeps, the most any reader needs (the charts and the statistics): an hour at 10 s, six
/// minutes at 1 s. Older batches are forgotten, oldest first.
pub const LOG_BATCHES: usize = 360;

/// One mode's output at one batch: the records in PySpark's printed order.
pub type Records = Vec<(MessageType, i64)>;

/// How one batch was scheduled and processed, measured by the page around `NotebookLab::run_batch`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    /// Milliseconds `run_batch` took (all three modes), when measured.
    pub processing_ms: Option<f64>,
    /// Milliseconds between the batch time and the start of its processing (Spark's scheduling delay), when
    /// known (a batch stepped by hand while paused has none).
    pub delay_ms: Option<f64>,
}

impl Timing {
    /// Only what can be a measured span: a non-finite reading is no measurement, and a clock stepping back
    /// between two readings counts as no time rather than negative time.
    fn measured(self) -> Timing {
        let span = |v: Option<f64>| v.filter(|v| v.is_finite()).map(|v| v.max(0.0));
        Timing {
            processing_ms: span(self.processing_ms),
            delay_ms: span(self.delay_ms),
        }
    }
}

/// One batch: what came in, what each mode emitted, how long it took and what the update function did.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchEntry {
    /// 1-based batch number.
    pub batch: u64,
    /// Batch time, local naive ms.
    pub time_ms: i64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub time_label: String,
    /// Lines received (Spark's input records).
    pub lines: usize,
    /// Per mode (in [`Mode::ALL`] order) the records it emitted, `None` when it did not emit at this batch.
    pub outputs: [Option<Records>; 3],
    /// How it was scheduled and processed.
    pub timing: Timing,
    /// The update function's calls that made the running totals.
    pub state_calls: Vec<UpdateCall>,
    /// Per mode (in [`Mode::ALL`] order), the records each node of its program made, by node id (`None` for
    /// an output): what the lineage counts.
    pub node_records: [Vec<Option<u64>>; 3],
}

impl BatchEntry {
    /// The records `mode` emitted, `None` when it did not emit at this batch.
    pub fn records(&self, mode: Mode) -> Option<&Records> {
        self.outputs[mode.index()].as_ref()
    }

    /// The counts `mode` emitted per message type (in [`MessageType::ALL`] order, 0 for a type absent from
    /// the output), `None` when it did not emit at this batch.
    pub fn counts(&self, mode: Mode) -> Option<[i64; 4]> {
        self.records(mode).map(|records| {
            let mut counts = [0i64; 4];
            for (t, c) in records {
                counts[t.index()] += c;
            }
            counts
        })
    }
}

/// A window the windowed mode emitted, and how PySpark formed it. Kept apart from the entries: the window
/// stays explained while it waits a slide longer than the log reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct LastWindow {
    /// 1-based batch number of the batch at which it was emitted.
    pub batch: u64,
    /// Batch time (the window's end), local naive ms.
    pub time_ms: i64,
    /// The window's records, in PySpark's printed order.
    pub records: Records,
    /// How it was formed.
    pub explain: WindowExplain,
}

/// The bounded log of the running context's batches. Start a new one whenever the context is replaced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchLog {
    entries: VecDeque<BatchEntry>,
    /// The last [`TRAVEL_BATCHES`] batches forgotten, oldest first: the log as of a batch time travel reaches
    /// held them.
    forgotten: VecDeque<BatchEntry>,
    /// The windows emitted, oldest first: the last one emitted as of each batch time travel reaches
    /// ([`TRAVEL_BATCHES`]).
    windows: VecDeque<LastWindow>,
}

impl BatchLog {
    /// Records one batch with how long it took, forgetting the oldest beyond [`LOG_BATCHES`].
    pub fn record(&mut self, r: &BatchReport, timing: Timing) {
        let mut outputs: [Option<Records>; 3] = [None, None, None];
        for o in &r.outputs {
            outputs[o.mode.index()] = Some(o.records.clone());
        }
        if let (Some(explain), Some(records)) = (&r.window_explain, &outputs[Mode::Window.index()])
        {
            self.windows.push_back(LastWindow {
                batch: r.batch,
                time_ms: r.time_ms,
                records: records.clone(),
                explain: explain.clone(),
            });
        }
        // The window before the second kept one is no batch's last window that time travel reaches.
        let oldest = (r.batch + 1).saturating_sub(TRAVEL_BATCHES as u64);
        while self.windows.get(1).is_some_and(|w| w.batch <= oldest) {
            self.windows.pop_front();
        }
        if self.entries.len() == LOG_BATCHES {
            if self.forgotten.len() == TRAVEL_BATCHES {
                self.forgotten.pop_front();
            }
            self.forgotten.extend(self.entries.pop_front());
        }
        self.entries.push_back(BatchEntry {
            batch: r.batch,
            time_ms: r.time_ms,
            time_label: r.time_label.clone(),
            lines: r.lines,
            outputs,
            timing: timing.measured(),
            state_calls: r.state_calls.clone(),
            node_records: r.node_records.clone(),
        });
    }

    /// The batches remembered, oldest first (at most [`LOG_BATCHES`]).
    pub fn entries(&self) -> &VecDeque<BatchEntry> {
        &self.entries
    }

    /// The last `n` batches remembered, oldest first.
    pub fn recent(&self, n: usize) -> impl Iterator<Item = &BatchEntry> {
        self.entries.range(self.entries.len().saturating_sub(n)..)
    }

    /// The last batch, if any ran since the context started.
    pub fn last(&self) -> Option<&BatchEntry> {
        self.entries.back()
    }

    /// The last window emitted, if any.
    pub fn last_window(&self) -> Option<&LastWindow> {
        self.windows.back()
    }

    /// The log as it was right after batch `batch` ran, for a batch time travel reaches ([`TRAVEL_BATCHES`]):
    /// the last [`LOG_BATCHES`] batches up to it, and the last window emitted by then.
    pub fn as_of(&self, batch: u64) -> BatchLog {
        let upto: Vec<&BatchEntry> = self
            .forgotten
            .iter()
            .chain(&self.entries)
            .take_while(|e| e.batch <= batch)
            .collect();
        BatchLog {
            entries: upto[upto.len().saturating_sub(LOG_BATCHES)..]
                .iter()
                .map(|e| (*e).clone())
                .collect(),
            forgotten: VecDeque::new(),
            windows: self
                .windows
                .iter()
                .take_while(|w| w.batch <= batch)
                .cloned()
                .collect(),
        }
    }

    /// The chart points of `mode`: one per batch at which it emitted.
    pub fn points(&self, mode: Mode) -> Vec<ChartPoint> {
        self.entries
            .iter()
            .filter_map(|b| {
                b.counts(mode).map(|counts| ChartPoint {
                    time_ms: b.time_ms,
                    counts,
                })
            })
            .collect()
    }
}

/// Runs `batches` (the lines of each batch) through a fresh notebook lab with `config` and records every
/// report in a log, as the page does: the set-up the teaching views' tests share.
#[cfg(test)]
pub(crate) fn record_batches(
    config: crate::engine::NotebookConfig,
    batches: &[&[&str]],
) -> (BatchLog, Vec<BatchReport>) {
    let mut lab = crate::engine::NotebookLab::new(config, 0).unwrap();
    let mut log = BatchLog::default();
    let mut reports = Vec::new();
    for lines in batches {
        for l in *lines {
            lab.push_line(l);
        }
        let r = lab.run_batch();
        log.record(&r, Timing::default());
        reports.push(r);
    }
    (log, reports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{NotebookConfig, NotebookLab};

    #[test]
    fn the_log_is_bounded_and_forgets_the_oldest_first() {
        let config = NotebookConfig {
            batch_interval_ms: 1_000,
            window_ms: 4_000,
            slide_ms: 2_000,
            ..NotebookConfig::default()
        };
        let mut lab = NotebookLab::new(config, 0).unwrap();
        let mut log = BatchLog::default();
        let extra = 25;
        for i in 0..(LOG_BATCHES + extra) {
            lab.push_line(if i % 2 == 0 { "[info] a" } else { "[error] b" });
            let r = lab.run_batch();
            log.record(&r, Timing::default());
            let last = log.last().unwrap();
            assert_eq!((last.batch, last.lines), (r.batch, r.lines));
            assert_eq!(last.state_calls, r.state_calls);
            assert!(log.entries().len() <= LOG_BATCHES);
            // The window slides every 2 batches (first at 2 s); the remembered one is the latest emitted.
            let Some(w) = log.last_window() else {
                assert_eq!(r.time_ms, 1_000);
                continue;
            };
            assert_eq!(w.time_ms % 2_000, 0);
            assert!(r.time_ms - w.time_ms < 2_000);
        }
        let batches: Vec<u64> = log.entries().iter().map(|e| e.batch).collect();
        let first = extra as u64 + 1;
        assert_eq!(
            batches,
            (first..first + LOG_BATCHES as u64).collect::<Vec<_>>()
        );
        let recent: Vec<u64> = log.recent(3).map(|e| e.batch).collect();
        assert_eq!(recent, batches[LOG_BATCHES - 3..]);
        assert_eq!(log.recent(LOG_BATCHES + 1).count(), LOG_BATCHES);
    }

    #[test]
    fn counts_and_points_follow_the_engine_records() {
        let config = NotebookConfig {
            slide_ms: 20_000,
            ..NotebookConfig::default()
        };
        let (log, reports) = record_batches(
            config,
            &[
                &["[info] a", "[error] b", "[error] c", "x"],
                &["[notice] n"],
            ],
        );
        for (entry, r) in log.entries().iter().zip(&reports) {
            for mode in Mode::ALL {
                let emitted = r.outputs.iter().find(|o| o.mode == mode);
                assert_eq!(entry.records(mode), emitted.map(|o| &o.records));
                let total: Option<i64> = emitted.map(|o| o.records.iter().map(|(_, c)| c).sum());
                assert_eq!(entry.counts(mode).map(|c| c.iter().sum()), total);
            }
        }
        assert_eq!(log.entries()[0].counts(Mode::Stateless), Some([1, 0, 2, 1]));
        // The 20 s slide emits the window at the second batch only.
        assert_eq!(log.points(Mode::Window).len(), 1);
        assert_eq!(
            log.points(Mode::Cumulative)[1],
            ChartPoint {
                time_ms: 20_000,
                counts: [1, 1, 2, 1]
            }
        );
    }

    #[test]
    fn only_measured_spans_are_kept() {
        let mut lab = NotebookLab::new(NotebookConfig::default(), 0).unwrap();
        let mut log = BatchLog::default();
        log.record(
            &lab.run_batch(),
            Timing {
                processing_ms: Some(f64::NAN),
                delay_ms: Some(-3.0),
            },
        );
        log.record(
            &lab.run_batch(),
            Timing {
                processing_ms: Some(1.5),
                delay_ms: Some(f64::INFINITY),
            },
        );
        let t: Vec<Timing> = log.entries().iter().map(|e| e.timing).collect();
        assert_eq!((t[0].processing_ms, t[0].delay_ms), (None, Some(0.0)));
        assert_eq!((t[1].processing_ms, t[1].delay_ms), (Some(1.5), None));
    }
}
