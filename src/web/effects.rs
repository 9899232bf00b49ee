//! The effects only the page can carry out, which the view model sends it: localStorage, the clipboard and
//! downloads belong to the page's window (a worker has none of them).

use super::clipboard::Clipboard;
use super::platform::download;
use super::storage::PageStorage;
use crate::model::{Action, Effect};
use yew::Callback;

/// Carries out `effect`; a failure, or the clipboard's answer, is dispatched back as an action.
pub fn carry_out(effect: Effect, dispatch: &Callback<Action>) {
    let storage = PageStorage {
        dispatch: dispatch.clone(),
    };
    let clipboard = Clipboard {
        dispatch: dispatch.clone(),
    };
    match effect {
        Effect::SaveCheckpoint(checkpoint) => storage.save_checkpoint(&checkpoint),
        Effect::ClearCheckpoint => storage.clear_checkpoint(),
        Effect::RememberRelayUrl(url) => storage.remember_relay_url(&url),
        Effect::SaveJobs(jobs) => storage.save_jobs(&jobs),
        Effect::SaveModeCode(codes) => storage.save_mode_code(&codes),
        Effect::CopyLink { id, url } => clipboard.copy(id, &url),
        Effect::CopyShareLink(url) => clipboard.copy_share_link(&url),
        Effect::DownloadFile { name, mime, text } => {
            if let Err(e) = download(&name, &mime, &text) {
                web_sys::console::error_1(&format!("Download {name}: {e}").into());
            }
        }
        // The view model's own (sockets, timers, the built-in source): `crate::host::runtime` runs them.
        other => {
            web_sys::console::error_1(&format!("Not an effect for the page: {other:?}").into())
        }
    }
}
