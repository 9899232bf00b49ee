//! One trigger of a program's Structured Streaming queries: the lines that arrived since the
//! last one go to every started query (as a socket source's connection gets every line); a
//! query that runs a micro-batch prints its console text, or calls its `foreachBatch`
//! function with the batch's DataFrame.
//!
//! The lines' event time (`includeTimestamp`'s `timestamp` column): the time the line reached
//! the page, as the socket source stamps a line with the time it read it. A page that knows
//! it pushes lines with [`crate::Job::push_lines_at`]; lines pushed without a time
//! ([`crate::Job::push_lines`]) get the time the trigger interval they arrived in began.

use std::rc::Rc;

use dstream_python::{PyError, Value};
use dstream_structured::Request;

use crate::batch_frame::BatchFrame;
use crate::state::{JobState, Phase};

/// The lab's trigger interval for a query with the default trigger (Spark starts its next
/// micro-batch as soon as the last one ended; the lab runs one at each of the page's batches,
/// 1 s by default).
pub(crate) const DEFAULT_TRIGGER_MS: i64 = 1_000;

/// The interval of the job's triggers: the first query's `processingTime`, if it set one.
pub(crate) fn trigger_interval_ms(state: &JobState) -> Option<i64> {
    state.structured.borrow().iter().find_map(|q| q.trigger_ms)
}

/// When the open trigger interval began (ms).
pub(crate) fn interval_start_ms(state: &JobState) -> i64 {
    let interval = trigger_interval_ms(state).unwrap_or(DEFAULT_TRIGGER_MS);
    state.config.start_ms + state.triggers_run.get() as i64 * interval
}

/// Adds lines that arrived at `arrival_ms` to the open trigger.
pub(crate) fn push<S: AsRef<str>>(
    state: &JobState,
    lines: impl IntoIterator<Item = S>,
    arrival_ms: i64,
) {
    let mut pending = state.lines.borrow_mut();
    for line in lines {
        pending.push(line.as_ref(), arrival_ms * 1000);
    }
}

/// Whether a started query has not been stopped.
pub(crate) fn active(state: &JobState) -> bool {
    state.structured.borrow().iter().any(|q| !q.stopped)
}

/// Runs trigger `k` (1-based); returns what it printed and the error that stopped the job.
pub(crate) fn run(state: &Rc<JobState>) -> (u64, i64, String, Option<PyError>) {
    let time_ms = {
        let k = state.triggers_run.get() + 1;
        state.triggers_run.set(k);
        interval_start_ms(state)
    };
    let mut lines = std::mem::take(&mut *state.lines.borrow_mut());
    state.phase.set(Phase::Jobs);
    let mut error = None;
    let count = state.structured.borrow().len();
    for i in 0..count {
        // The error boxed: every value of the evaluation comes back in a Result of this
        // error's size, one pointer instead of the whole error.
        let mut call = |request: Request| crate::sql::answer(state, request).map_err(Box::new);
        // The query is borrowed while it runs (UDFs never reach it); foreachBatch's function
        // runs after, free to stop it.
        let outcome = {
            let mut queries = state.structured.borrow_mut();
            let q = &mut queries[i];
            if let Some(shadows) = &mut q.shadows {
                shadows.clear();
            }
            if q.stopped {
                continue;
            }
            // Each query reads every line.
            let ran = match &mut q.shadows {
                Some(shadows) => shadows.trigger(&mut q.query, &lines, &mut call),
                None => q.query.trigger(&lines, &mut call),
            };
            ran.map(|batch| {
                batch.map(|b| {
                    let text = q.query.sink_text(&b);
                    let schema = q.query.schema().clone();
                    (b, text, schema, q.foreach.clone())
                })
            })
        };
        match outcome {
            Err(e) => {
                error = Some(*e);
                break;
            }
            Ok(None) => {}
            Ok(Some((_, Some(text), _, _))) => state.print(&text),
            Ok(Some((batch, None, schema, foreach))) => {
                let Some(f) = foreach else { continue };
                let df = BatchFrame::value(&Rc::downgrade(state), schema, batch.rows);
                let id = Value::Int(batch.progress.batch_id as i64);
                if let Err(e) = f.driver(vec![df, id]) {
                    error = Some(e);
                    break;
                }
            }
        }
    }
    // The lines' room serves the next trigger's (a trigger's lines come in one buffer that
    // would otherwise grow again from nothing).
    lines.clear();
    let mut pending = state.lines.borrow_mut();
    if pending.is_empty() {
        *pending = lines;
    }
    drop(pending);
    state.phase.set(Phase::TopLevel);
    let text = std::mem::take(&mut *state.jobs_text.borrow_mut());
    state.stdout.borrow_mut().push_str(&text);
    (state.triggers_run.get(), time_ms, text, error)
}
