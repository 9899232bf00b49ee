//! The effects only the page can carry out, which the view model sends it ([`PageEffect`]): localStorage, the
//! clipboard and downloads belong to the page's window (a worker has none of them). A failure, and the
//! clipboard's answer, go back to the view model as actions.

use super::clipboard::copy;
use super::platform::{download, storage_remove, storage_set};
use crate::model::wire::PageEffect;
use crate::model::Action;
use yew::Callback;

/// Carries out `effect`.
pub fn carry_out(effect: PageEffect, dispatch: &Callback<Action>) {
    match effect {
        PageEffect::Store { key, text, failed } => {
            if let (Err(why), Some(saved)) = (storage_set(&key, &text), failed) {
                dispatch.emit(saved.failed(why));
            }
        }
        PageEffect::Remove { key, failed } => {
            if let (Err(why), Some(saved)) = (storage_remove(&key), failed) {
                dispatch.emit(saved.failed(why));
            }
        }
        PageEffect::Copy { text, what } => {
            let dispatch = dispatch.clone();
            copy(&text, move |result| dispatch.emit(what.answer(result)));
        }
        PageEffect::Download { name, mime, text } => {
            if let Err(e) = download(&name, &mime, &text) {
                web_sys::console::error_1(&format!("Download {name}: {e}").into());
            }
        }
    }
}
