//! DStream Lab: Spark Streaming's DStreams live in the browser.
//!
//! Layers, from the wire to the screen:
//! - [`protocol`] decodes the relay's WebSocket frames (plain Rust);
//! - the engine ([`engine`], re-exports of the `dstream-notebook` crate, the notebook's job on `dstream-engine`) turns
//!   lines into batches exactly as PySpark;
//! - [`model`] is the view model and the app's one reducer: the batch log, consoles, source status, checkpoints;
//!   each action returns the side effects (sockets, timers, storage) it calls for, as values;
//! - [`chart`] and [`code`] compute what the panels draw (plain Rust, so all of the above tests natively);
//! - `host` (wasm32 only) runs the view model in a Web Worker and carries out its effects (sockets, timers, the
//!   built-in source); `web` (wasm32 only) holds the yew components, which render what the worker sends
//!   ([`model::page`]) and carry out the page's own effects (storage, clipboard, downloads).
#![warn(missing_docs)]

pub mod chart;
pub mod checkpoint;
pub mod code;
pub mod editing;
pub mod engine;
pub mod model;
pub mod program;
pub mod protocol;
pub mod teach;
#[cfg(test)]
mod test_python;
pub mod timefmt;

#[cfg(target_arch = "wasm32")]
pub mod host;
#[cfg(target_arch = "wasm32")]
pub mod web;
