//! Teaching views: make the invisible parts of the notebook (and of students' programs) visible and take the same
//! job to a real Spark.
//!
//! Each notebook view reads the page's one [`BatchLog`] (the batches' numbers, kept once for all views; see
//! [`crate::model::batch_log`]):
//!
//! - [`window`] lays out the window timeline (subtracting path or recompute, per-key arithmetic, zero keys);
//! - [`state`] lists the update function's calls of the last batch as the notebook writes them;
//! - [`lineage`] draws each mode's DStream chain with the records per step;
//! - [`metrics`] computes Spark Streaming tab's input rate, processing time and scheduling delay;
//! - [`export`] writes the runnable PySpark script and the CSV of the charted history;
//! - [`program`] renders the same kinds of views for any student job, from the DStream graph its program built
//!   and what the engine observed of its batches (it reads the job's [`crate::model::JobBatches`], not the
//!   log); the job's export is its program's text;
//! - [`trigger`] renders "What the trigger did" for a Structured Streaming job (its state store before and after,
//!   the watermark and windows on the event-time axis, late rows dropped, the output mode), from the same
//!   [`crate::model::JobBatches`];
//! - [`output_modes`] renders "Output modes side by side" for a Structured Streaming job's streaming aggregation:
//!   what complete, update and append print at the trigger, from the same [`crate::model::JobBatches`];
//! - `view`, `program_view` and `trigger_view` (wasm32 only) hold the yew components that draw all of the above.
//!
//! Everything but `view`, `program_view` and `trigger_view` is plain Rust, tested natively against the engine's own numbers.

pub mod export;
pub mod lineage;
pub mod metrics;
pub mod output_modes;
pub mod program;
pub mod state;
pub mod trigger;
pub mod window;
pub mod window_svg;

#[cfg(target_arch = "wasm32")]
pub mod program_view;
#[cfg(target_arch = "wasm32")]
pub mod trigger_view;
#[cfg(target_arch = "wasm32")]
pub mod view;

use crate::engine::{Mode, NotebookConfig, StreamNode};
use crate::model::BatchLog;
use std::rc::Rc;

/// Every teaching view model of the page at one moment, computed once per render from the batch log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TeachViews {
    /// The window timeline, once the window has emitted.
    pub timeline: Option<Rc<window::Timeline>>,
    /// The last batch's update calls, once a batch ran.
    pub state: Option<Rc<state::StateView>>,
    /// Each mode's lineage, in [`Mode::ALL`] order.
    pub lineage: [Rc<lineage::Lineage>; 3],
    /// The streaming statistics.
    pub metrics: Rc<metrics::MetricsView>,
}

impl TeachViews {
    /// The lineage of `mode`.
    pub fn lineage_of(&self, mode: Mode) -> Rc<lineage::Lineage> {
        self.lineage[mode.index()].clone()
    }
}

/// The teaching views of the batches in `log`, for a context running with settings `c`, whose modes' programs
/// built `graphs` (in [`Mode::ALL`] order).
pub fn views(log: &BatchLog, c: &NotebookConfig, graphs: &[Vec<StreamNode>; 3]) -> TeachViews {
    TeachViews {
        timeline: window::timeline(c, log).map(Rc::new),
        state: log.last().map(|l| Rc::new(state::state_view(l))),
        lineage: Mode::ALL.map(|m| Rc::new(lineage::lineage(m, &graphs[m.index()], log.last()))),
        metrics: Rc::new(metrics::metrics_view(log.entries(), c.batch_interval_ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::NotebookLab;
    use crate::model::batch_log::Timing;

    /// A fake `performance.now()`: every call is 2 ms after the previous one.
    fn fake_clock() -> f64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NOW: AtomicU64 = AtomicU64::new(0);
        NOW.fetch_add(2, Ordering::Relaxed) as f64
    }

    #[test]
    fn the_view_model_feeds_the_teaching_views() {
        use crate::model::{Action, BootParams, Lab};
        const T0: i64 = 1_795_000_000_000;
        let mut lab = Lab::boot(
            None,
            T0,
            &BootParams::from_query("source=sim&interval=1&window=5&slide=1"),
            "ws://x/ws",
        );
        lab.perf_clock = Some(fake_clock);
        for k in 1..=7 {
            lab.apply(Action::SimLines(vec![
                "[info] a".into(),
                "[error] b".into(),
            ]));
            lab.apply(Action::Tick {
                now_ms: T0 + k * 1_000 + 40,
            });
        }
        let v = views(lab.log(), lab.config(), &lab.mode_graphs());
        let tl = v.timeline.as_ref().unwrap();
        assert_eq!(tl.time_ms, T0 + 7_000);
        assert!(matches!(tl.path, window::PathView::Subtract { .. }));
        let newest = &v.metrics.rows[0];
        assert_eq!(newest.batch, 7);
        assert_eq!(newest.records, 2);
        // Each batch is timed between two clock readings (2 ms apart); it waited 40 ms for the timer plus the
        // 2 ms between the tick's first clock reading and its own start.
        assert_eq!(newest.processing, "2 ms");
        assert_eq!(newest.delay, "42 ms");
        assert_eq!(v.state.as_ref().unwrap().rows.len(), 2);
        // A new context (new settings) starts the views over.
        lab.apply(Action::Reset { now_ms: T0 + 7_500 });
        let v = views(lab.log(), lab.config(), &lab.mode_graphs());
        assert!(v.timeline.is_none() && v.metrics.rows.is_empty());
    }

    #[test]
    fn views_follow_the_log() {
        let c = NotebookConfig::default();
        let mut log = BatchLog::default();
        let mut lab = NotebookLab::new(c.clone(), 0).unwrap();
        let graphs = Mode::ALL.map(|m| lab.graph(m));
        let v = views(&log, &c, &graphs);
        assert!(v.timeline.is_none() && v.state.is_none());
        assert_eq!(v.lineage_of(Mode::Window).batch, None);
        lab.push_line("[info] a");
        log.record(&lab.run_batch(), Timing::default());
        let v = views(&log, &c, &graphs);
        assert_eq!(v.timeline.as_ref().unwrap().time_ms, 10_000);
        assert_eq!(v.state.as_ref().unwrap().rows.len(), 1);
        assert_eq!(
            v.lineage_of(Mode::Cumulative).chain,
            "socketTextStream -> map -> map -> reduceByKey -> updateStateByKey"
        );
        assert_eq!(v.metrics.rows.len(), 1);
    }
}
