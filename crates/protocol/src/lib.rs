//! The protocol between DStream Lab's relay and its browser page, written once for both sides.
//!
//! The relay (`crates/relay`, native) encodes with these types and the page (the root package, wasm32) decodes
//! with them, so the two cannot drift apart. The contract itself, field by field, is the "Protocol" section of
//! `crates/relay/README.md`; the tests here check that its examples read with these types.
//!
//! - [`status`]: the JSON status messages of the text frames.
//! - [`lines`]: how lines are framed and capped (the one rule for over-long lines).
//! - [`frames`]: how data frames travel (plain, or LZ4-compressed for a client that asks).
//! - [`close`]: why the relay closes a connection: close codes and their reason texts.
//! - [`client`]: what a page may send the relay (a line to inject).
//!
//! serde, serde_json and lz4_flex only: no I/O, no async runtime, builds for `wasm32-unknown-unknown`.

pub mod client;
pub mod close;
pub mod frames;
pub mod lines;
pub mod status;

pub use client::{inject_problem, ClientMessage, MAX_INJECTED_LINES_PER_SECOND};
pub use close::CloseReason;
pub use frames::{FrameEncoding, FrameError, LZ4_SUBPROTOCOL};
pub use lines::{PartialLine, DEFAULT_MAX_LINE_BYTES};
pub use status::{DecodeError, SourceState, Status, StatusEvent, TextMessage};

/// The only path the relay serves WebSocket on (`ws://HOST:PORT/ws`); any other path gets HTTP 404.
pub const WS_PATH: &str = "/ws";

/// The largest message a client may send to the relay (a [`ClientMessage`]); a larger one closes the connection
/// with [`CloseReason::MessageTooBig`].
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 64 * 1024;
