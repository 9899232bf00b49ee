//! Where the view model runs (wasm32 only, no yew): [`runtime::Runtime`] holds the [`crate::model::Lab`] and
//! carries out the effects it returns (the relay socket, the batch clock, the retry back-off, the built-in source),
//! and sends the page what to show. [`worker`] runs it in a Web Worker, so the lines, the decoding and the batches
//! never hold up the page's thread; the component tests run it on the page's thread.

pub mod clock;
pub mod relay;
pub mod runtime;
pub mod sim;
pub mod socket;
pub mod worker;

use crate::model::Action;
use std::rc::Rc;

/// Where the sockets and timers send the actions they make.
pub type Dispatch = Rc<dyn Fn(Action)>;

/// What the page says when its code or its worker's panics: a bug must never leave students looking at a blank
/// page.
pub fn crash_message(info: &std::panic::PanicHookInfo) -> String {
    format!(
        "DStream Lab stopped on an internal error: {info}\nReload the page to start again \
         (the running totals come back from the checkpoint)."
    )
}
