//! "Windowed counts: DStream vs Structured Streaming", a row of the compare view (issue #12): the window mode's
//! block for the batch viewed beside the console output of a Structured Streaming job counting windows on event
//! time (the menu's `structured_windowed_update`), for the trigger that read exactly that batch's lines, and the
//! differences explained from that batch's numbers: batch time against event time, the inverse function against
//! the state store, the keys at 0, the watermark.
//!
//! The Structured Streaming side is a student job like any other ([`super::jobs`]): it is fed the page's lines
//! and runs one trigger at the end of each page batch, so with a `processingTime` equal to the page's interval its
//! trigger time is the page's batch time, and every line of that batch carries the time its trigger interval
//! began as its event time. The row pairs a batch with the trigger of the same time and checks that the trigger
//! read as many lines as the batch had, rather than assuming it.

use super::batch_log::BatchEntry;
use super::job_batches::JobBatch;
use super::jobs::{JobStatus, StudentJob};
use super::Lab;
use crate::engine::{example, Mode, NotebookConfig};

mod explain;
pub use explain::windows_of;
use explain::{plural, Facts};

/// An event-time window: its start and end (excluded), naive ms.
type Window = (i64, i64);

/// The examples menu's windowed Structured Streaming count, which the row runs.
pub const EXAMPLE: &str = "structured_windowed_update";

/// The example's window, as its text writes it (rewritten to the page's window).
const WINDOW_CALL: &str = "window(\"timestamp\", \"20 seconds\", \"10 seconds\")";
/// The example's trigger, as its text writes it (rewritten to the page's batch interval).
const TRIGGER_CALL: &str = "processingTime=\"10 seconds\"";

/// A duration as Structured Streaming's `window` and `trigger` take it: `"20 seconds"`, `"1 second"`.
fn duration_text(ms: i64) -> String {
    match (ms % 1000, ms / 1000) {
        (0, 1) => "1 second".to_string(),
        (0, s) => format!("{s} seconds"),
        _ => format!("{ms} milliseconds"),
    }
}

/// The example's program with the page's window, slide and batch interval written in, so that its windows are
/// the DStream window's and its triggers are the page's batches (with the notebook's settings, the example's
/// text unchanged); `None` if the menu has no such example.
pub fn program_for(config: &NotebookConfig) -> Option<String> {
    let source = example(EXAMPLE)?.source;
    let window = format!(
        "window(\"timestamp\", \"{}\", \"{}\")",
        duration_text(config.window_ms),
        duration_text(config.slide_ms)
    );
    let trigger = format!(
        "processingTime=\"{}\"",
        duration_text(config.batch_interval_ms)
    );
    Some(
        source
            .replacen(WINDOW_CALL, &window, 1)
            .replacen(TRIGGER_CALL, &trigger, 1),
    )
}

/// The Structured Streaming side: the trigger paired with the batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TriggerSide {
    /// The job's trigger number (1-based).
    pub trigger: u64,
    /// The lines it read (the batch's).
    pub lines: usize,
    /// What its console sink printed at that trigger, exactly; `None` when it printed nothing.
    pub text: Option<String>,
}

/// Which difference an explanation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Topic {
    /// Batch time against event time, and the windows of the trigger.
    EventTime,
    /// The inverse function against the state store.
    Inverse,
    /// The keys the DStream window prints at 0.
    ZeroKeys,
    /// Which windows the watermark still lets Structured Streaming update, and which it dropped.
    Watermark,
}

impl Topic {
    /// The topic as the row titles it.
    pub fn title(self) -> &'static str {
        match self {
            Topic::EventTime => "Batch time vs event time.",
            Topic::Inverse => "Subtracting vs a state store.",
            Topic::ZeroKeys => "Keys at 0.",
            Topic::Watermark => "The watermark.",
        }
    }

    /// A name for the page's test hooks (`data-topic`).
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::EventTime => "event-time",
            Topic::Inverse => "inverse",
            Topic::ZeroKeys => "zero-keys",
            Topic::Watermark => "watermark",
        }
    }
}

/// One difference, worded from the batch's and the trigger's numbers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Explanation {
    /// What it is about.
    pub topic: Topic,
    /// The sentences.
    pub text: String,
}

/// The row for the batch viewed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WindowedCompare {
    /// The Structured Streaming job.
    pub job_id: u64,
    /// Its place on the page (1-based): "Job N".
    pub job_number: usize,
    /// The window mode's block printed at this batch, exactly; `None` when it printed nothing (it prints only
    /// when it slides).
    pub dstream: Option<String>,
    /// The trigger that read this batch's lines, or why there is none to show.
    pub structured: Result<TriggerSide, String>,
    /// Why the two sides do not count the same windows, when they do not.
    pub mismatch: Option<String>,
    /// The differences, once both sides have output at this batch.
    pub explanations: Vec<Explanation>,
}

/// The trigger of `job` that read batch `entry`'s lines, found in `batches` (the job's, or those as of that batch), or
/// why none does.
fn paired<'a>(
    job: &StudentJob,
    number: usize,
    entry: &BatchEntry,
    batches: &'a super::JobBatches,
) -> Result<&'a JobBatch, String> {
    let at = batches.recent().rfind(|b| b.time_ms == entry.time_ms);
    match at {
        Some(b) => {
            let read = b.structured.as_ref().map_or(0, |v| v.input_lines);
            if read == entry.lines {
                Ok(b)
            } else {
                Err(format!(
                    "Job {number}'s trigger {} read {read} line{} but batch {} had {}, so they do not count the same \
                     lines.",
                    b.batch,
                    plural(read),
                    entry.batch,
                    entry.lines
                ))
            }
        }
        // No trigger ran by this batch but later ones did: the job started (or restarted) after it.
        None if batches.recent().len() == 0
            && job
                .batches
                .last()
                .is_some_and(|b| b.time_ms > entry.time_ms) =>
        {
            Err(format!(
                "Job {number} started after batch {}: its first trigger read a later batch.",
                entry.batch
            ))
        }
        None => match &job.status {
            JobStatus::Waiting | JobStatus::Running { .. } if batches.recent().len() == 0 => {
                Err("Waiting for the first trigger…".to_string())
            }
            status => Err(format!(
                "No trigger of Job {number} read batch {}'s lines (the job is {}).",
                entry.batch,
                status.label()
            )),
        },
    }
}

impl Lab {
    /// The job the row compares with: the first job of the example that is running (or waiting for its first
    /// batch), else the first job of the example; with its place on the page (1-based).
    pub fn windowed_compare_job(&self) -> Option<(usize, &StudentJob)> {
        let of_example = || {
            self.jobs
                .iter()
                .enumerate()
                .filter(|(_, j)| j.example.as_deref() == Some(EXAMPLE))
        };
        of_example()
            .find(|(_, j)| matches!(j.status, JobStatus::Waiting | JobStatus::Running { .. }))
            .or_else(|| of_example().next())
            .map(|(i, j)| (i + 1, j))
    }

    /// The row for `entry` (the batch viewed), once a job of the example is open.
    pub(super) fn windowed_compare(&self, entry: &BatchEntry) -> Option<WindowedCompare> {
        let (number, job) = self.windowed_compare_job()?;
        // The job's recent batches hold the trigger unless it is older than they reach (time travel): only then
        // are the batches as of that time copied.
        let as_of;
        let batches = if job.batches.recent().any(|b| b.time_ms <= entry.time_ms) {
            &job.batches
        } else {
            as_of = job.batches.as_of(entry.time_ms);
            &as_of
        };
        let log = self.viewed_log();
        let window = log.last_window().filter(|w| w.batch == entry.batch);
        let trigger = paired(job, number, entry, batches);
        let query = trigger.as_ref().ok().and_then(|b| {
            b.structured
                .as_ref()?
                .queries
                .iter()
                .find(|q| q.window_ms.is_some() && !q.foreach_batch)
        });
        let c = self.config();
        let mismatch = query.and_then(|q| {
            let (duration, slide) = q.window_ms?;
            ((duration, slide) != (c.window_ms, c.slide_ms)).then(|| {
                format!(
                    "Job {number}'s windows are {} s sliding every {} s, the DStream window's {} s sliding every {} s: \
                     press \"Compare with Structured Streaming\" to open the example with the page's window.",
                    duration / 1000,
                    slide / 1000,
                    c.window_ms / 1000,
                    c.slide_ms / 1000
                )
            })
        });
        let explanations = match (&trigger, query) {
            (Ok(b), Some(q)) => Facts {
                entry,
                window,
                config: c,
                trigger: b,
                query: q,
            }
            .all(),
            _ => Vec::new(),
        };
        Some(WindowedCompare {
            job_id: job.id,
            job_number: number,
            dstream: self
                .console(Mode::Window)
                .printed_at(entry.batch)
                .map(str::to_string),
            structured: trigger.map(|b| TriggerSide {
                trigger: b.batch,
                lines: entry.lines,
                text: job.console.printed_at(entry.batch).map(str::to_string),
            }),
            mismatch,
            explanations,
        })
    }

    /// "Compare with Structured Streaming": runs the example with the page's window and batch interval as a
    /// student job (the one already open with that program, if there is one).
    pub(super) fn open_windowed_compare(&mut self) -> Vec<super::Effect> {
        let Some(program) = program_for(self.config()) else {
            return Vec::new();
        };
        self.open_linked(Some(EXAMPLE.to_string()), program);
        vec![self.save_jobs()]
    }
}

#[cfg(test)]
mod tests;
