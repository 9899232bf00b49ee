//! # dstream-engine
//!
//! A Spark Streaming (DStream) engine whose output equals real PySpark's, batch
//! for batch and record for record, including the order `pprint()` prints in.
//! It is pure Rust with no web dependency, so it runs natively (the `replay`
//! tool, the tests) and in the browser as WebAssembly.
//!
//! ```
//! use dstream_engine::{Duration, StreamingContext};
//!
//! let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
//! let lines = ssc.queue_stream(vec![vec!["[info] a".to_string(), "[error] b".to_string()]]);
//! let counts = lines
//!     .map(|l| (dstream_engine::seed::get_message_type(l).as_str().to_string(), 1i64))
//!     .reduce_by_key(|a, b| a + b, None);
//! counts.pprint(10);
//! ssc.start(0).unwrap();
//! ssc.advance().unwrap();
//! assert!(ssc.take_console().contains("('error', 1)"));
//! ```

pub mod checkpoint;
mod classify;
pub mod context;
pub mod dstream;
pub mod duration;
pub mod error;
pub mod explain;
pub mod generator;
mod graph;
pub mod line;
pub mod pprint;
pub mod python;
pub mod rdd;
pub mod scenario;
pub mod seed;
pub mod time;

pub use checkpoint::Checkpoint;
pub use context::{LineInput, LiveInput, StreamingContext};
pub use dstream::{Collected, DStream, FilterFn, InvFn};
pub use duration::Duration;
pub use error::EngineError;
pub use graph::{Key, Record};
pub use line::Line;
