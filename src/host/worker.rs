//! The view model in a Web Worker: the page posts [`ToModel`] messages, the worker answers with [`ToPage`]
//! ones, both as bytes ([`crate::model::wire::encode`]). The worker says [`ToPage::Ready`] once it listens, so the page's first message is
//! never posted into a worker still loading its wasm.

use super::runtime::{Post, Runtime};
use crate::model::wire::{decode, encode, ToModel, ToPage};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Listens for the page's messages, for as long as the worker lives.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post: Post = {
        let scope = scope.clone();
        Rc::new(move |message: ToPage| send(&scope, &message))
    };
    {
        let scope = scope.clone();
        std::panic::set_hook(Box::new(move |info| {
            let message = super::crash_message(info);
            web_sys::console::error_1(&message.clone().into());
            send(&scope, &ToPage::Crashed(message));
        }));
    }
    let runtime: RefCell<Option<Runtime>> = RefCell::new(None);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        match decode::<ToModel>(&bytes_of(&e.data())) {
            Ok(ToModel::Boot(inputs)) => {
                // A second boot (the page reloaded its half) starts over.
                drop(runtime.take());
                let started = Runtime::start(&inputs, post.clone());
                *runtime.borrow_mut() = Some(started);
            }
            Ok(ToModel::Act { seq, action }) => {
                // Cloned out first: an action may make the page answer, and the answer comes through here.
                let held = runtime.borrow().clone();
                if let Some(runtime) = held {
                    runtime.act(seq, action);
                }
            }
            Err(e) => web_sys::console::error_1(&format!("The worker got {e}").into()),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its listener.
    on_message.forget();
    send(&scope, &ToPage::Ready);
}

fn send(scope: &DedicatedWorkerGlobalScope, message: &ToPage) {
    post_bytes(message, |m, t| scope.post_message_with_transfer(m, t));
}

/// Posts `message` as bytes through `post` (the worker's or the page's `postMessage`), its buffer transferred
/// (moved, not copied).
pub fn post_bytes<T: Serialize>(
    message: &T,
    post: impl FnOnce(&JsValue, &JsValue) -> Result<(), JsValue>,
) {
    match encode(message) {
        Ok(bytes) => {
            let array = js_sys::Uint8Array::from(&bytes[..]);
            let transfer = js_sys::Array::of1(&array.buffer());
            if let Err(e) = post(&array, &transfer) {
                web_sys::console::error_1(&e);
            }
        }
        Err(e) => web_sys::console::error_1(&e.into()),
    }
}

/// The bytes of a posted message.
pub fn bytes_of(data: &JsValue) -> Vec<u8> {
    js_sys::Uint8Array::new(data).to_vec()
}
