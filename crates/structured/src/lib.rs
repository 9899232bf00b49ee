//! Structured Streaming beside the DStreams: the notebook's three jobs as Spark 4 writes them
//! (`readStream` ... `groupBy(...).count()` ... `writeStream`), run micro-batch by micro-batch
//! with Spark's output modes, watermark and late-data rules, printed exactly as Spark's console
//! sink prints them. Every rule is checked against goldens from real PySpark 4.0.1
//! (`tests/pyspark/structured_oracle.py`).

pub mod hash;
pub mod micro_batch;
pub mod query;
pub mod show;
pub mod state_store;
pub mod time;
pub mod value;

pub use micro_batch::{console_text, Batch, Line, Progress, Run, StreamingQuery};
pub use query::{AnalysisError, Job, OutputMode, Query, Sink, Window};
pub use show::show_string;
pub use value::{DataType, Field, Row, Schema, Value};
