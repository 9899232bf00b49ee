//! The messages between the page (main thread) and the view model (a Web Worker), sent as JSON text: the page
//! sends what it read at load and then every action of the student; the view model sends what to show and the
//! effects only the page can carry out (storage, clipboard, downloads).

use super::page::PageUpdate;
use super::{Action, Effect, Lab};
use serde::{Deserialize, Serialize};

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
    /// An effect for the page to carry out (storage, clipboard, a download).
    Effect(Effect),
    /// The view model stopped on an internal error (its message).
    Crashed(String),
}
