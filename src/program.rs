//! A student's program run as a job on the page's live stream: [`ProgramJob`] holds the playground's `Job` and
//! the batch interval the program asked for in `StreamingContext(sc, n)`, and [`traceback`] words an error as
//! Python prints it.

use crate::engine::{Input, Job, JobConfig, PyError};

/// The file name tracebacks show for a student's program.
pub const FILENAME: &str = "job.py";

/// A program's job, built by running the program's top level once.
pub struct ProgramJob {
    job: Job,
    interval_ms: Option<i64>,
}

impl ProgramJob {
    /// Runs `source`'s top level for a job on the live stream whose batch 1 ends at `start_ms` + its interval,
    /// with `parallelism` partitions for keyed operations. Errors stop the job at batch 0 ([`Job::failed`]).
    pub fn start(source: &str, start_ms: i64, parallelism: usize) -> ProgramJob {
        let config = JobConfig {
            start_ms,
            parallelism,
            input: Input::Live,
        };
        let job = Job::from_source(config, source, FILENAME);
        ProgramJob {
            interval_ms: job.batch_interval_ms(),
            job,
        }
    }

    /// The batch interval of the program's `StreamingContext(sc, n)` in ms, when it made one with a number.
    pub fn interval_ms(&self) -> Option<i64> {
        self.interval_ms
    }

    /// The job.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// The job, to run its batches.
    pub fn job_mut(&mut self) -> &mut Job {
        &mut self.job
    }
}

/// `error` as Python prints it: `Traceback (most recent call last):`, one `File "job.py", line N, in f` per
/// frame with the program's line under it, then `Kind: message`; a `SyntaxError` as CPython shows it, its line
/// with a caret under the column. An error with no frame (Spark's own) is its last line alone.
pub fn traceback(error: &PyError, source: &str) -> String {
    let text = crate::engine::traceback(error, FILENAME, source);
    text.trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests;
