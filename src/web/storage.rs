//! localStorage effects: the checkpoint after every batch (the notebook's `ssc.checkpoint("checkpoint")`),
//! the relay URL entered in the page and the student jobs' code.

use crate::checkpoint::{SavedCheckpoint, STORAGE_KEY};
use crate::model::{Action, SavedJob, SavedModeCode, JOBS_STORAGE_KEY, MODE_CODE_STORAGE_KEY};
use crate::web::app::RELAY_URL_KEY;
use crate::web::platform::{storage_remove, storage_set};
use yew::Callback;

/// The page's storage; a failure to keep the checkpoint is reported through the reducer.
#[derive(Clone)]
pub struct PageStorage {
    /// Where a failure goes.
    pub dispatch: Callback<Action>,
}

impl PageStorage {
    /// Stores the checkpoint as JSON text; a failure to write it or to store it is reported, nothing stored.
    pub fn save_checkpoint(&self, checkpoint: &SavedCheckpoint) {
        let saved = checkpoint
            .to_json()
            .map_err(|e| e.to_string())
            .and_then(|json| storage_set(STORAGE_KEY, &json));
        if let Err(e) = saved {
            self.dispatch.emit(Action::CheckpointSaveFailed(e));
        }
    }

    /// Deletes the stored checkpoint.
    pub fn clear_checkpoint(&self) {
        if let Err(e) = storage_remove(STORAGE_KEY) {
            self.dispatch.emit(Action::CheckpointSaveFailed(e));
        }
    }

    /// Keeps the student jobs' code for the next visit; a failure is reported.
    pub fn save_jobs(&self, jobs: &[SavedJob]) {
        let saved = serde_json::to_string(jobs)
            .map_err(|e| e.to_string())
            .and_then(|json| storage_set(JOBS_STORAGE_KEY, &json));
        if let Err(e) = saved {
            self.dispatch.emit(Action::JobsSaveFailed(e));
        }
    }

    /// Keeps the mode panels' code for the next visit; a failure is reported.
    pub fn save_mode_code(&self, codes: &[SavedModeCode]) {
        let saved = serde_json::to_string(codes)
            .map_err(|e| e.to_string())
            .and_then(|json| storage_set(MODE_CODE_STORAGE_KEY, &json));
        if let Err(e) = saved {
            self.dispatch.emit(Action::ModeCodeSaveFailed(e));
        }
    }

    /// Keeps a relay URL for the next visit. Losing it (storage disabled or full) only means the next visit
    /// starts from the same-origin relay again.
    pub fn remember_relay_url(&self, url: &str) {
        let _ = storage_set(RELAY_URL_KEY, url);
    }
}
