//! DStream Lab's relay: a TCP line source (`send-messages`) and a TCP → WebSocket relay (`relay`).
//!
//! The protocol between the relay and the browser is specified in the crate's `README.md`; its types, limits and
//! close codes are the `dstream-protocol` crate's, shared with the page. Module by concern:
//!
//! - [`lines`]: splitting bytes into clean, capped UTF-8 lines (like Java's `readLine()`).
//! - [`source`]: connecting to the TCP source, packing lines into frames, retrying forever.
//! - [`hub`]: the clients, their bounded queues and the relay-wide counters; [`inject`]: who may put a typed line
//!   into the stream, and how often.
//! - [`front`]: the listening port: WebSocket upgrades to [`ws`], plain HTTP to [`site`] or a status page;
//!   [`handshakes`]: the cap on connections that have not sent their request yet; [`accept`]: the accept loop.
//! - [`ws`]: the WebSocket server (path, `Origin` and client-cap checks, per-client writer, stalls, closes);
//!   [`socket`]: a client socket's kernel buffer, abortive close and write-progress clock.
//! - [`http`]: peeking at a request head, writing one HTTP response; [`site`]: the app's files (`--serve`);
//!   [`urls`]: the page's URLs to give students.
//! - [`tee`]: the `--tee` plain TCP re-serve for PySpark.
//! - [`serve`]: the `send-messages` line server (also used by `relay --demo`).
//! - [`relay`]: wiring it all together; [`shutdown`]: graceful Ctrl-C; [`error`]: the error type.

pub mod accept;
pub mod error;
pub mod front;
pub mod handshakes;
pub mod http;
pub mod hub;
pub mod inject;
pub mod lines;
pub mod logging;
pub mod relay;
pub mod serve;
pub mod shutdown;
pub mod site;
pub mod socket;
pub mod source;
pub mod tee;
pub mod urls;
pub mod ws;

pub use error::Error;
pub use relay::{Relay, RelayConfig};
