//! The messages between the page (main thread) and the view model (a Web Worker), sent as bytes (postcard's
//! compact form: [`encode`], [`decode`]): the page sends what it read at load and then every action of the
//! student; the view model sends what to show and the effects only the page can carry out (storage, clipboard,
//! downloads) as [`PageEffect`]s, their data already written as the text stored, so the page decodes no
//! checkpoint.

use super::page::PageUpdate;
use super::{Action, Effect, Lab, JOBS_STORAGE_KEY, MODE_CODE_STORAGE_KEY};
use crate::checkpoint::STORAGE_KEY;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The localStorage key of the relay URL last entered in the page.
pub const RELAY_URL_KEY: &str = "dstream-lab/relay-url";

/// What the page reads at load for the view model, which cannot read it where it runs (a worker has no
/// localStorage and no `location` of the page).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageInputs {
    /// The stored checkpoint's text.
    pub checkpoint: Option<String>,
    /// The stored student jobs' text.
    pub jobs: Option<String>,
    /// The stored mode panels' code.
    pub mode_code: Option<String>,
    /// The page URL's query string (`?source=relay&interval=1`).
    pub query: String,
    /// The relay URL entered last time, or the page's own origin's.
    pub relay_url: String,
    /// Local naive epoch ms at load.
    pub now_ms: i64,
    /// No socket, timer or source is started (component tests drive the page).
    pub inert: bool,
    /// The relay socket's worker script (`www/relay-socket.js` as served), when the page names one: the socket is
    /// then read in a worker of its own (`crate::host::socket`), not beside the view model.
    pub relay_socket: Option<String>,
}

impl Lab {
    /// The page as loaded from `inputs`: the URL, the saved checkpoint, the student jobs and mode code saved
    /// last time, the relay URL (a `?relay=` in the page URL wins over it).
    pub fn boot_page(inputs: &PageInputs) -> Lab {
        let params = super::BootParams::from_query(&inputs.query);
        let mut lab = Lab::boot_with_jobs(
            inputs.checkpoint.as_deref(),
            inputs.jobs.as_deref(),
            inputs.now_ms,
            &params,
            &inputs.relay_url,
        );
        lab.open_mode_code(inputs.mode_code.as_deref());
        lab
    }
}

/// From the page to the view model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToModel {
    /// Start: the first message.
    Boot(PageInputs),
    /// The page's `seq`th action (1, 2, …).
    Act {
        /// Its number.
        seq: u64,
        /// The action.
        action: Action,
    },
}

/// From the view model to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToPage {
    /// The worker listens: the page may send [`ToModel::Boot`].
    Ready,
    /// What to show now.
    Update(Box<PageUpdate>),
    /// An effect for the page to carry out.
    Effect(PageEffect),
    /// The view model stopped on an internal error (its message).
    Crashed(String),
}

/// What the page does for the view model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PageEffect {
    /// Store `text` under `key` in localStorage, replacing what was there.
    Store {
        /// The key.
        key: String,
        /// The text.
        text: String,
        /// What to tell the view model if storing fails (`None`: nothing, the loss is harmless).
        failed: Option<Saved>,
    },
    /// Delete what is stored under `key`.
    Remove {
        /// The key.
        key: String,
        /// What to tell the view model if deleting fails.
        failed: Option<Saved>,
    },
    /// Put `text` on the clipboard, then tell the view model the browser's answer.
    Copy {
        /// The text.
        text: String,
        /// What it is.
        what: Copied,
    },
    /// Save `text` as a file named `name` (a download).
    Download {
        /// The file name offered.
        name: String,
        /// Its MIME type.
        mime: String,
        /// Its content.
        text: String,
    },
}

/// What was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Saved {
    /// The checkpoint.
    Checkpoint,
    /// The student jobs' code.
    Jobs,
    /// The mode panels' code.
    ModeCode,
}

impl Saved {
    /// The action that tells the view model storing it failed, and why.
    pub fn failed(self, why: String) -> Action {
        match self {
            Saved::Checkpoint => Action::CheckpointSaveFailed(why),
            Saved::Jobs => Action::JobsSaveFailed(why),
            Saved::ModeCode => Action::ModeCodeSaveFailed(why),
        }
    }
}

/// What was put on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Copied {
    /// Job `id`'s link.
    JobLink(u64),
    /// The share link.
    ShareLink,
}

impl Copied {
    /// The action that tells the view model the clipboard's answer.
    pub fn answer(self, result: Result<(), String>) -> Action {
        match self {
            Copied::JobLink(id) => Action::JobLinkCopied { id, result },
            Copied::ShareLink => Action::ShareLinkCopied(result),
        }
    }
}

/// Where an effect is carried out.
#[derive(Debug, Clone, PartialEq)]
pub enum Carried {
    /// By the page.
    Page(PageEffect),
    /// Beside the view model (sockets, timers, the built-in source).
    Model(Effect),
    /// Nowhere: it could not be written down; the action says so.
    Failed(Action),
}

/// Where `effect` is carried out, and a page's effect written as the page carries it out.
pub fn carried(effect: Effect) -> Carried {
    let store = |key: &str, text: Result<String, serde_json::Error>, saved: Saved| match text {
        Ok(text) => Carried::Page(PageEffect::Store {
            key: key.to_string(),
            text,
            failed: Some(saved),
        }),
        Err(e) => Carried::Failed(saved.failed(e.to_string())),
    };
    match effect {
        Effect::SaveCheckpoint(checkpoint) => {
            store(STORAGE_KEY, checkpoint.to_json(), Saved::Checkpoint)
        }
        Effect::SaveJobs(jobs) => {
            store(JOBS_STORAGE_KEY, serde_json::to_string(&jobs), Saved::Jobs)
        }
        Effect::SaveModeCode(codes) => store(
            MODE_CODE_STORAGE_KEY,
            serde_json::to_string(&codes),
            Saved::ModeCode,
        ),
        Effect::ClearCheckpoint => Carried::Page(PageEffect::Remove {
            key: STORAGE_KEY.to_string(),
            failed: Some(Saved::Checkpoint),
        }),
        // Losing it (storage disabled or full) only means the next visit starts from the same-origin relay again.
        Effect::RememberRelayUrl(url) => Carried::Page(PageEffect::Store {
            key: RELAY_URL_KEY.to_string(),
            text: url,
            failed: None,
        }),
        Effect::CopyLink { id, url } => Carried::Page(PageEffect::Copy {
            text: url,
            what: Copied::JobLink(id),
        }),
        Effect::CopyShareLink(url) => Carried::Page(PageEffect::Copy {
            text: url,
            what: Copied::ShareLink,
        }),
        Effect::DownloadFile { name, mime, text } => {
            Carried::Page(PageEffect::Download { name, mime, text })
        }
        model => Carried::Model(model),
    }
}

/// A message as sent between the page and the worker.
pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, &'static str> {
    // postcard's own words would add their text to the page's wasm, for a failure only a bug can cause.
    postcard::to_allocvec(message).map_err(|_| "a message that cannot be written")
}

/// A message as received.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, &'static str> {
    postcard::from_bytes(bytes).map_err(|_| "a message that cannot be read")
}

#[cfg(test)]
mod tests;
