//! Time travel: the page shown as of one of the last [`TRAVEL_BATCHES`] batches. Every console, chart, window
//! timeline and `updateFunction` view then shows what the page showed right after that batch ran, read from what
//! was recorded then (the batch log, the tagged console blocks, the batches' input samples): nothing is
//! recomputed, so it cannot differ from what was shown.
//!
//! New batches keep running while the page looks at the past; the view stays on its batch until "Jump to now"
//! (or until that batch is older than time travel reaches: then it shows the oldest one still kept). A new
//! context (apply, reset, checkpoint cleared) returns to live.

use super::batch_log::BatchLog;
use super::consoles::ConsoleText;
use super::{JobBatches, Lab, StudentJob};
use crate::engine::Mode;
use std::borrow::Cow;

/// Batches time travel reaches back, the last one run included.
pub const TRAVEL_BATCHES: usize = 120;

/// A move of the time travel controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TravelMove {
    /// Show batch `k` (clamped to the batches kept; the last one run means live).
    To(u64),
    /// One batch back.
    Back,
    /// One batch forward (past the last one run: live).
    Forward,
    /// Back to live: the page follows each new batch.
    Now,
}

/// Which batch the page shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Travel {
    /// The batch viewed; `None` when live (the last batch run, whichever it is).
    at: Option<u64>,
}

impl Travel {
    /// The batch viewed in the past, `None` when live.
    pub fn at(&self) -> Option<u64> {
        self.at
    }
}

/// The batches time travel reaches and the batch viewed, as the controls show them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TravelSpan {
    /// The oldest batch it reaches.
    pub first: u64,
    /// The last batch run.
    pub last: u64,
    /// The batch shown.
    pub viewed: u64,
    /// Its time, `YYYY-MM-DD HH:MM:SS` as the consoles' `Time:` line.
    pub time_label: String,
    /// Whether the page shows the past (not following new batches).
    pub past: bool,
}

impl Lab {
    /// The oldest and newest batches time travel reaches: the last [`TRAVEL_BATCHES`] batches run in this
    /// context and still in the log; `None` before the first batch (or right after a restore).
    pub fn travel_range(&self) -> Option<(u64, u64)> {
        let last = self.log.last()?.batch;
        let first = self.log.entries().front().map_or(last, |e| e.batch);
        Some((
            first.max((last + 1).saturating_sub(TRAVEL_BATCHES as u64)),
            last,
        ))
    }

    /// The batch every view shows: the one time travel chose, or the last one run; `None` before the first.
    pub fn viewed_batch(&self) -> Option<u64> {
        self.travel.at.or_else(|| self.log.last().map(|e| e.batch))
    }

    /// What the time travel controls show; `None` before the first batch.
    pub fn travel_span(&self) -> Option<TravelSpan> {
        let (first, last) = self.travel_range()?;
        let viewed = self.viewed_batch().unwrap_or(last);
        let entry = self.log.entries().iter().rfind(|e| e.batch == viewed)?;
        Some(TravelSpan {
            first,
            last,
            viewed,
            time_label: entry.time_label.clone(),
            past: self.travel.at.is_some(),
        })
    }

    /// The batch log as of the batch viewed: the whole log when live.
    pub fn viewed_log(&self) -> Cow<'_, BatchLog> {
        match self.travel.at {
            Some(k) => Cow::Owned(self.log.as_of(k)),
            None => Cow::Borrowed(&self.log),
        }
    }

    /// The console of `mode` as of the batch viewed.
    pub fn viewed_console(&self, mode: Mode) -> ConsoleText {
        self.consoles.console(mode).as_of(self.travel.at)
    }

    /// Student job `job`'s console as of the batch viewed.
    pub fn viewed_job_console(&self, job: &StudentJob) -> ConsoleText {
        job.console.as_of(self.travel.at)
    }

    /// What student job `job`'s batches did, as of the batch viewed (its program views read them).
    pub fn viewed_job_batches<'a>(&self, job: &'a StudentJob) -> Cow<'a, JobBatches> {
        let time = self
            .travel
            .at
            .and_then(|k| self.log.entries().iter().rfind(|e| e.batch == k))
            .map(|e| e.time_ms);
        match time {
            Some(t) => Cow::Owned(job.batches.as_of(t)),
            None => Cow::Borrowed(&job.batches),
        }
    }

    /// Moves the time travel cursor.
    pub(super) fn travel(&mut self, to: TravelMove) {
        let Some((first, last)) = self.travel_range() else {
            self.travel.at = None;
            return;
        };
        let viewed = self.viewed_batch().unwrap_or(last);
        let target = match to {
            TravelMove::To(k) => k,
            TravelMove::Back => viewed.saturating_sub(1),
            TravelMove::Forward => viewed + 1,
            TravelMove::Now => last,
        };
        // Reaching the last batch run means following the next ones too.
        self.travel.at = (target < last).then_some(target.max(first));
    }

    /// A batch was recorded: a view of the past stays on its batch while time travel still reaches it.
    pub(super) fn travel_after_batch(&mut self) {
        if let (Some(k), Some((first, _))) = (self.travel.at, self.travel_range()) {
            self.travel.at = Some(k.max(first));
        }
    }

    /// A new context starts: the page is live again.
    pub(super) fn travel_restart(&mut self) {
        self.travel = Travel::default();
    }
}

#[cfg(test)]
mod tests;
