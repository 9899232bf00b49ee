//! The browser's stand-in for `ssc.checkpoint("checkpoint")`: the one versioned record saved in localStorage
//! after every batch, and how a saved text is read back, with one sentence for the student when it cannot be.
//!
//! The record nests everything as JSON values: the settings, the batch it follows, and the notebook lab's state
//! with its clock and, per mode, the student's program it runs (if the panel's code was edited and run) and its
//! job's checkpoint (the engine's, and the keys of its running totals) inside: a checkpoint restores only with the
//! programs that made it. Only this record carries a version ([`FORMAT`]); the parts nested in it
//! have none, so one number says whether a save can be read.
//!
//! A save of an older format is reported as such and not migrated: format 1 held the lab's state as a JSON string
//! with its own engine format inside, format 2 one engine checkpoint of the hard-wired pipelines, format 3 one
//! checkpoint per notebook program (format 4 adds the lab's clock and each mode's edited program), and a checkpoint only carries a class's running totals across a reload, so
//! starting fresh loses little and keeps no converter for old shapes.

use crate::engine::{EngineError, NotebookConfig, NotebookLab, NotebookState};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The localStorage key holding the checkpoint.
pub const STORAGE_KEY: &str = "dstream-lab/checkpoint";

/// The version of [`SavedCheckpoint`]'s shape, including the parts nested in it (the settings, the notebook's
/// state, its jobs' and the engine's checkpoints): bumped whenever any of them changes, so an old save is reported, not misread.
pub const FORMAT: u32 = 4;

/// One saved checkpoint: the settings the pipelines ran with and the state they reached (a restart needs both, as
/// Spark restores the graph's settings from its checkpoint directory).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SavedCheckpoint {
    /// [`FORMAT`] at save time.
    pub format: u32,
    /// The configuration the pipelines ran with.
    pub config: NotebookConfig,
    /// The number of the last batch included.
    pub batch: u64,
    /// That batch's time label, to tell the student what was restored.
    pub time_label: String,
    /// The notebook lab's state: each mode's job's checkpoint and what the explanations remember.
    pub lab: NotebookState,
}

/// Why a saved checkpoint could not be restored. Its text is the one sentence the page shows: what went wrong
/// and what happens now (the page starts fresh).
#[derive(Debug, Clone, PartialEq)]
pub enum RestoreError {
    /// Not JSON of the expected shape (the parser's words).
    Corrupt(String),
    /// Written in another format, by an older or a newer version of the page.
    Version(u64),
    /// The engine refused it: the state does not fit the pipelines its settings build, or the settings are ones
    /// Spark refuses.
    Refused(EngineError),
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Could not restore the saved checkpoint: ")?;
        match self {
            Self::Corrupt(e) => write!(f, "it is damaged ({e})")?,
            Self::Version(v) => write!(
                f,
                "a{} version of DStream Lab wrote it (format {v}; this version reads format {FORMAT})",
                if *v < u64::from(FORMAT) { "n older" } else { " newer" }
            )?,
            // The engine's reason alone, without its own advice: the page says what happens next.
            Self::Refused(EngineError::Checkpoint(reason)) => write!(f, "{reason}")?,
            Self::Refused(e) => write!(
                f,
                "its settings are ones Spark refuses ({})",
                e.to_string().trim_end_matches('.')
            )?,
        }
        write!(
            f,
            "; the page starts fresh and overwrites it after the first batch."
        )
    }
}

impl std::error::Error for RestoreError {}

impl SavedCheckpoint {
    /// Captures `lab` after batch `batch` (labelled `time_label`). An `Err` is the engine refusing to
    /// checkpoint ([`NotebookLab::checkpoint`] says why that does not happen for the notebook's lab); the caller
    /// reports it, as nothing is saved.
    pub fn capture(lab: &NotebookLab, batch: u64, time_label: &str) -> Result<Self, EngineError> {
        Ok(Self {
            format: FORMAT,
            config: lab.config().clone(),
            batch,
            time_label: time_label.to_string(),
            lab: lab.checkpoint()?,
        })
    }

    /// The JSON text saved in storage. The record is plain data (strings, numbers, lists, string-keyed objects),
    /// which serde_json always writes; its `Result` is passed on so that a failure is reported, never stored.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    /// Reads saved text, checking its version before its shape.
    pub fn parse(text: &str) -> Result<Self, RestoreError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| RestoreError::Corrupt(e.to_string()))?;
        match v.get("format").and_then(|f| f.as_u64()) {
            Some(f) if f == u64::from(FORMAT) => {}
            Some(f) => return Err(RestoreError::Version(f)),
            None => return Err(RestoreError::Corrupt("it has no format number".into())),
        }
        serde_json::from_value(v).map_err(|e| RestoreError::Corrupt(e.to_string()))
    }

    /// Rebuilds the lab from this checkpoint, with its settings.
    pub fn restore(&self) -> Result<NotebookLab, RestoreError> {
        NotebookLab::restore(self.config.clone(), &self.lab).map_err(RestoreError::Refused)
    }

    /// Reads saved text and rebuilds the lab from it.
    pub fn load(text: &str) -> Result<(Self, NotebookLab), RestoreError> {
        let saved = Self::parse(text)?;
        let lab = saved.restore()?;
        Ok((saved, lab))
    }
}

#[cfg(test)]
mod tests;
