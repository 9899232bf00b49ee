//! Structured Streaming beside the DStreams: the notebook's three jobs and close variants as
//! Spark 4 writes them (`readStream` ... `withColumn` ... `groupBy(...).count()` ...
//! `writeStream`), run micro-batch by micro-batch with Spark's output modes, watermark and
//! late-data rules, printed exactly as Spark's console sink prints them. Every rule is checked
//! against goldens from real PySpark 4.0.1 (`tests/pyspark/structured_oracle.py`).

pub mod aggregate;
pub mod batch;
mod bound;
mod grouping;
pub mod hash;
mod lean;
pub mod lines;
pub mod micro_batch;
pub mod operators;
pub mod plan;
pub mod query;
pub mod show;
pub mod sink_rows;
pub mod sql_text;
pub mod state_store;
pub mod time;
pub mod value;

pub use aggregate::{AggFn, Aggregate, Aggregation};
pub use lines::{Line, Lines};
pub use micro_batch::{console_text, Batch, Evaluated, LastBatch, Progress, StreamingQuery};
pub use plan::{Call, Expr, GroupKey, Request, Step, UdfChain, Window};
pub use query::{AnalysisError, OutputMode, Query, Sink, Source};
pub use show::show_string;
pub use sink_rows::SinkRows;
pub use value::{DataType, Field, Row, Schema, Value};
