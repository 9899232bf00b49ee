//! # dstream-engine
//!
//! A Spark Streaming (DStream) engine whose output equals real PySpark's, batch
//! for batch and record for record, including the order `pprint()` prints in.
//! It is pure Rust with no web dependency, so it runs natively (the tests, the
//! notebook crate's `replay` tool) and in the browser as WebAssembly.
//!
//! It knows nothing of any particular job: the course notebook's pipelines are
//! built on it in the `dstream-notebook` crate.
//!
//! ```
//! use dstream_engine::{Duration, StreamingContext};
//!
//! let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
//! let lines = ssc.queue_stream(vec![vec!["[info] a".to_string(), "[error] b".to_string()]]);
//! let counts = lines
//!     .map(|l| (l.split(' ').next().unwrap_or("").to_string(), 1i64))
//!     .reduce_by_key(|a, b| a + b, None);
//! counts.pprint(10);
//! ssc.start(0).unwrap();
//! ssc.advance().unwrap();
//! assert!(ssc.take_console().contains("('[error]', 1)"));
//! ```

pub mod byte_scan;
pub mod checkpoint;
pub mod context;
pub mod dstream;
pub mod duration;
pub mod error;
pub mod first_literal;
mod graph;
pub mod line;
pub mod pprint;
pub mod python;
pub mod rdd;
pub mod time;
pub mod window_path;

pub use checkpoint::Checkpoint;
pub use context::{LineInput, LiveInput, QueueOptions, StreamingContext};
pub use dstream::{Collected, DStream, FilterFn, InvFn, WindowSpec};
pub use duration::Duration;
pub use error::EngineError;
pub use graph::{Key, Record};
pub use line::{Line, LineBatch, LineCollector, LineScan};
pub use window_path::{AfreshReason, WindowHow, WindowPath};
