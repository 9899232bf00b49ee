//! Custom hooks that carry out the reducer's [`Effect`]s, one per thing the page holds (the relay socket,
//! the retry timer, the batch timer, the built-in source) plus localStorage; [`use_effects`] hands each
//! effect to its hook after every render. [`use_redraw::use_redraw`] shows lines taken without a render.

pub mod slot;
pub mod use_batch_timer;
pub mod use_clipboard;
pub mod use_redraw;
pub mod use_relay;
pub mod use_retry_timer;
pub mod use_sim_source;
pub mod use_storage;

use crate::model::{Action, Effect};
use crate::web::platform::download;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use use_batch_timer::use_batch_timer;
use use_clipboard::use_clipboard;
use use_relay::use_relay;
use use_retry_timer::use_retry_timer;
use use_sim_source::use_sim_source;
use use_storage::use_storage;
use yew::prelude::*;

/// The effects the reducer returned, waiting to be carried out after the next render.
pub type EffectQueue = Rc<RefCell<VecDeque<Effect>>>;

/// Carries out the effects in `queue`, in order, after every render. When `inert` (component tests), only
/// the storage and clipboard effects run: no socket, timer or source is started.
#[hook]
pub fn use_effects(queue: EffectQueue, dispatch: Callback<Action>, inert: bool) {
    let relay = use_relay(dispatch.clone());
    let retry = use_retry_timer(dispatch.clone());
    let batch_timer = use_batch_timer(dispatch.clone());
    let sim = use_sim_source(dispatch.clone());
    let clipboard = use_clipboard(dispatch.clone());
    let storage = use_storage(dispatch);
    use_effect(move || {
        while let Some(effect) = next(&queue) {
            match effect {
                Effect::SaveCheckpoint(checkpoint) => storage.save_checkpoint(&checkpoint),
                Effect::ClearCheckpoint => storage.clear_checkpoint(),
                Effect::RememberRelayUrl(url) => storage.remember_relay_url(&url),
                Effect::SaveJobs(jobs) => storage.save_jobs(&jobs),
                Effect::SaveModeCode(codes) => storage.save_mode_code(&codes),
                Effect::CopyLink { id, url } => clipboard.copy(id, &url),
                // Share a scenario.
                Effect::CopyShareLink(url) => clipboard.copy_share_link(&url),
                Effect::DownloadFile { name, mime, text } => {
                    if let Err(e) = download(&name, &mime, &text) {
                        web_sys::console::error_1(&format!("Download {name}: {e}").into());
                    }
                }
                _ if inert => {}
                Effect::OpenRelay { seq, url } => relay.open(seq, &url),
                Effect::CloseRelay => relay.close(),
                Effect::SendToRelay(text) => relay.send(&text),
                Effect::ArmRetry { seq, delay_ms } => retry.arm(seq, delay_ms),
                Effect::CancelRetry => retry.cancel(),
                Effect::ArmBatchTimer { at_ms } => batch_timer.arm(at_ms),
                Effect::CancelBatchTimer => batch_timer.cancel(),
                Effect::StartSim { rate } => sim.start(rate),
                Effect::StopSim => sim.stop(),
            }
        }
    });
}

/// The next effect, the queue released before it runs: an effect may dispatch (a refused URL, a failed
/// save), and the reducer then queues the effects of that action behind it.
fn next(queue: &EffectQueue) -> Option<Effect> {
    queue.borrow_mut().pop_front()
}
