//! "Output modes side by side": a streaming aggregation that writes to the console, run in all
//! three of Spark's output modes on the very same lines. The job's query runs as the program
//! wrote it; the two other modes run as shadow queries of the same plan with only the output
//! mode swapped (Spark's analysis may refuse one: append without a watermark). Each keeps its
//! own state store, watermark and batch ids, so each prints what Spark prints in that mode.
//!
//! The shadows never call the program's Python again: a UDF may print, and Spark runs the
//! query once. The steps and the grouping do not depend on the output mode, so the job's query
//! evaluates a trigger's lines once and every mode aggregates that same evaluation into its
//! own state.

use dstream_python::PyError;
use dstream_structured::{
    AnalysisError, Batch, Call, Lines, OutputMode, Progress, Query, Row, Sink, StreamingQuery,
};

use crate::trigger_view::window_of;

/// The three modes in the order the view shows them.
pub const MODES: [OutputMode; 3] = [OutputMode::Complete, OutputMode::Update, OutputMode::Append];

/// Lines of a mode's console text a trigger keeps (a `numRows` of thousands would keep
/// thousands); the others are counted in [`ModeBatch::lines_cut`].
pub const MODE_TEXT_LINES: usize = 80;

/// What one output mode did at a trigger.
#[derive(Clone, Debug, PartialEq)]
pub enum ModeOutcome {
    /// Spark refuses the mode for this query at `start()`: its `AnalysisException`'s message.
    Refused(String),
    /// Spark ran no batch in this mode at this trigger: the console printed nothing.
    NoBatch,
    /// The batch Spark ran and what the console sink printed.
    Printed(ModeBatch),
}

/// A batch one mode ran.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeBatch {
    /// Spark's progress of the batch (its id, input rows, watermark, late rows, state rows).
    pub progress: Progress,
    /// The console sink's text: `Batch: N` between dashed lines, then `show()`'s table; its
    /// first [`MODE_TEXT_LINES`] lines.
    pub text: String,
    /// Lines of the text not kept.
    pub lines_cut: usize,
    /// The rows the sink received.
    pub rows: usize,
    /// In append mode, the end (ms) of the earliest window left in the state store after the
    /// batch: the next window the watermark will close and append will print.
    pub open_window_end_ms: Option<i64>,
}

/// One mode's column.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeColumn {
    /// `complete`, `update` or `append`.
    pub mode: &'static str,
    /// The mode the program asked for (what its console shows).
    pub own: bool,
    /// What the mode did.
    pub outcome: ModeOutcome,
}

/// The three modes at one trigger, complete, update, append.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputModes {
    /// One column per mode, in [`MODES`] order.
    pub columns: Vec<ModeColumn>,
}

/// A shadow: the same plan in another mode.
#[derive(Clone, Debug)]
enum Shadow {
    Running(Box<StreamingQuery>),
    Refused(AnalysisError),
}

/// The shadow queries of a job's query, and what the three modes did at the last trigger.
#[derive(Clone, Debug)]
pub(crate) struct Shadows {
    others: Vec<(OutputMode, Shadow)>,
    last: Option<OutputModes>,
}

impl Shadows {
    /// The shadows of a started query: None unless it is a streaming aggregation whose sink is
    /// the console (the view compares console texts).
    pub(crate) fn of(query: &StreamingQuery) -> Option<Shadows> {
        let plan = query.query();
        if !plan.is_stateful() || !matches!(plan.sink, Sink::Console { .. }) {
            return None;
        }
        let others = MODES
            .into_iter()
            .filter(|m| *m != plan.mode)
            .map(|mode| {
                let swapped = Query {
                    mode,
                    ..plan.clone()
                };
                let shadow = match StreamingQuery::start(swapped) {
                    Ok(q) => Shadow::Running(Box::new(q)),
                    Err(e) => Shadow::Refused(e),
                };
                (mode, shadow)
            })
            .collect();
        Some(Shadows { others, last: None })
    }

    /// What the three modes did at the last trigger the job's query ran.
    pub(crate) fn last(&self) -> Option<&OutputModes> {
        self.last.as_ref()
    }

    /// Forgets the last trigger (the job's query did not run this one).
    pub(crate) fn clear(&mut self) {
        self.last = None;
    }

    /// Runs one trigger of `main` (the job's query) with `call`, then of the shadows on what
    /// `main` made of the same lines; returns `main`'s outcome.
    pub(crate) fn trigger(
        &mut self,
        main: &mut StreamingQuery,
        lines: &Lines,
        call: Call<Box<PyError>>,
    ) -> Result<Option<Batch>, Box<PyError>> {
        self.last = None;
        // The steps and the grouping do not depend on the output mode, so the shadows share
        // `main`'s: the UDFs run once, as in Spark, and the lines go through the plan once.
        let evaluated = main.evaluate_trigger(lines, call)?;
        let own = main.query().mode;
        let mut columns: Vec<ModeColumn> = Vec::with_capacity(MODES.len());
        let mut outcome = None;
        for mode in MODES {
            let column = if mode == own {
                outcome = main.run_evaluated(evaluated.clone());
                printed(main, outcome.as_ref())
            } else {
                let shadow = self
                    .others
                    .iter_mut()
                    .find(|(m, _)| *m == mode)
                    .map(|(_, s)| s);
                match shadow {
                    Some(Shadow::Refused(e)) => ModeOutcome::Refused(e.message.clone()),
                    Some(Shadow::Running(q)) => {
                        let batch = q.run_evaluated(evaluated.clone());
                        printed(q, batch.as_ref())
                    }
                    None => continue,
                }
            };
            columns.push(ModeColumn {
                mode: mode.name(),
                own: mode == own,
                outcome: column,
            });
        }
        self.last = Some(OutputModes { columns });
        Ok(outcome)
    }
}

/// What `query` printed for the batch it ran (or did not run).
fn printed(query: &StreamingQuery, batch: Option<&Batch>) -> ModeOutcome {
    let Some(batch) = batch else {
        return ModeOutcome::NoBatch;
    };
    let text = query.sink_text(batch).unwrap_or_default();
    let total = text.lines().count();
    let kept: String = text.split_inclusive('\n').take(MODE_TEXT_LINES).collect();
    ModeOutcome::Printed(ModeBatch {
        progress: batch.progress.clone(),
        text: kept,
        lines_cut: total.saturating_sub(MODE_TEXT_LINES),
        rows: batch.rows.len(),
        // Only append waits for windows to close (complete's store, never evicted, can be long).
        open_window_end_ms: (query.query().mode == OutputMode::Append)
            .then(|| earliest_window_end(&query.state_rows()))
            .flatten(),
    })
}

/// The earliest end (ms) of a window among `rows`.
fn earliest_window_end(rows: &[Row]) -> Option<i64> {
    rows.iter()
        .filter_map(|r| r.iter().find_map(window_of))
        .map(|(_, end)| end)
        .min()
}
