//! # dstream-playground
//!
//! PySpark's streaming API for the lab's Python, on `dstream-engine`: a
//! student's DStream program runs once to build its graph (`SparkSession`,
//! `StreamingContext`, `socketTextStream`, `map`, `reduceByKey`, `pprint`,
//! ...), then the lab drives it batch by batch and shows what PySpark would
//! print. Python functions the streams call (lambdas, `def`s) are called
//! back through the interpreter's [`Runtime`](dstream_python::Runtime); the
//! interpreter itself comes from the caller, through [`Job::build`].
//!
//! It is wasm-safe: no files, no threads, no clock.

mod batch_frame;
mod errors;
pub mod examples;
mod frame;
mod graph;
mod host;
mod job;
mod object;
mod observe;
mod output_modes;
mod outputs;
mod partitions;
mod rdd;
mod restart;
mod spark;
mod sql;
mod state;
mod stream;
mod traceback;
mod trigger;
mod trigger_view;
mod tupled;
mod values;

pub use dstream_structured::plan::windows_of;
pub use dstream_structured::Progress;
pub use errors::{spark_error, unsupported};
pub use graph::{NodeBatch, NodeKind, StreamNode, UpdateCall, WindowCover, MAX_CALLS, MAX_VALUES};
pub use job::{run_batches, BatchResult, Input, Job, JobConfig, JobFailure};
pub use output_modes::{ModeBatch, ModeColumn, ModeOutcome, OutputModes, MODES, MODE_TEXT_LINES};
pub use outputs::OutputRecords;
pub use rdd::PyRdd;
pub use restart::JobCheckpoint;
pub use stream::PyDStream;
pub use traceback::traceback;
pub use trigger_view::{
    Changes, QueryTrigger, RowChange, TriggerView, ViewRow, ViewTable, VIEW_EVENT_TIMES, VIEW_ROWS,
};
pub use values::{BatchTime, ResultIterable};
