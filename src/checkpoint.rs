//! The browser's stand-in for `ssc.checkpoint("checkpoint")`: what is saved in localStorage after every batch,
//! and how a saved value is read back, with a clear error for anything corrupt or from another version.

use crate::engine::{EngineError, NotebookConfig, NotebookLab};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The localStorage key holding the checkpoint.
pub const STORAGE_KEY: &str = "dstream-lab/checkpoint";

/// Bumped whenever the saved shape changes, so an old save is reported as incompatible, not misread.
pub const FORMAT: u32 = 1;

/// One saved checkpoint: the engine's own state plus the configuration it was running with (a restart needs
/// both, as Spark restores the graph's settings from its checkpoint directory).
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
    /// `NotebookLab::checkpoint_json`.
    pub engine: String,
}

/// Why a saved checkpoint could not be used; the page says this and starts fresh.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckpointError {
    /// Not JSON of the expected shape.
    Corrupt(String),
    /// Saved by a different format version.
    Incompatible(u32),
    /// The engine refused its state.
    Engine(String),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Corrupt(e) => write!(f, "the saved checkpoint is corrupt ({e})"),
            Self::Incompatible(v) => write!(
                f,
                "the saved checkpoint has format {v}, this page reads format {FORMAT}"
            ),
            Self::Engine(e) => write!(f, "the engine could not restore the saved checkpoint: {e}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

impl SavedCheckpoint {
    /// Captures `lab` after batch `batch` (labelled `time_label`).
    pub fn capture(lab: &NotebookLab, batch: u64, time_label: &str) -> Self {
        Self {
            format: FORMAT,
            config: lab.config().clone(),
            batch,
            time_label: time_label.to_string(),
            engine: lab.checkpoint_json(),
        }
    }

    /// The JSON text saved in storage.
    pub fn to_json(&self) -> String {
        // Serializing plain strings and numbers cannot fail; an empty string would read back as corrupt.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads saved text, checking its shape and version.
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| CheckpointError::Corrupt(e.to_string()))?;
        match v.get("format").and_then(|f| f.as_u64()) {
            Some(f) if f == u64::from(FORMAT) => {}
            Some(f) => return Err(CheckpointError::Incompatible(f as u32)),
            None => return Err(CheckpointError::Corrupt("no format field".into())),
        }
        serde_json::from_value(v).map_err(|e| CheckpointError::Corrupt(e.to_string()))
    }

    /// Rebuilds the engine from this checkpoint.
    pub fn restore(&self) -> Result<NotebookLab, CheckpointError> {
        NotebookLab::restore(self.config.clone(), &self.engine)
            .map_err(|e: EngineError| CheckpointError::Engine(e.to_string()))
    }
}
