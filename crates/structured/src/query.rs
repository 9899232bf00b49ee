//! A streaming query of the subset: the socket source's lines, the notebook's message type, an
//! optional watermark, one of the notebook's three jobs (or the plain lines), an output mode and
//! a sink; and the analysis Spark does at `start()` (which output modes a query may use).

use crate::value::{DataType, Field, Schema};

/// How a sink receives a stateful query's result (`writeStream.outputMode(...)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputMode {
    /// Only rows that will never change again: new lines, or windows the watermark closed.
    Append,
    /// The whole result table at every batch.
    Complete,
    /// The rows that changed in this batch.
    Update,
}

impl OutputMode {
    /// The mode from `outputMode("...")`'s argument (case-insensitive, as Spark reads it).
    pub fn parse(name: &str) -> Option<OutputMode> {
        match name.to_ascii_lowercase().as_str() {
            "append" => Some(OutputMode::Append),
            "complete" => Some(OutputMode::Complete),
            "update" => Some(OutputMode::Update),
            _ => None,
        }
    }

    /// The name Spark prints in its messages.
    pub fn name(self) -> &'static str {
        match self {
            OutputMode::Append => "append",
            OutputMode::Complete => "complete",
            OutputMode::Update => "update",
        }
    }
}

/// `window("timestamp", duration, slide)`, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The window's length.
    pub duration: i64,
    /// How far apart two windows start.
    pub slide: i64,
}

/// What the query computes from the typed lines (`value`, `timestamp`, `type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// `select("value", "type")`: no aggregation.
    Lines,
    /// `foreachBatch(lambda df, id: df.groupBy("type").count().show())`: counts per trigger.
    PerTriggerCounts,
    /// `groupBy("type").count()`: running totals over the whole stream.
    RunningCounts,
    /// `groupBy(window("timestamp", d, s), "type").count()`: counts per event-time window.
    WindowedCounts(Window),
}

/// Where the result goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// `format("console")` with its `numRows` (default 20) and `truncate` (default true) options.
    Console {
        /// Rows shown per batch.
        num_rows: usize,
        /// Cut cells at 20 characters.
        truncate: bool,
    },
    /// `foreachBatch` with a function that calls `show()` on the batch's result.
    ForeachBatchShow,
}

impl Sink {
    /// The console sink with Spark's defaults (20 rows, truncated cells).
    pub const CONSOLE: Sink = Sink::Console {
        num_rows: 20,
        truncate: true,
    };
}

/// A whole query: `readStream` ... `writeStream.start()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The computation.
    pub job: Job,
    /// `withWatermark("timestamp", delay)`: the delay in microseconds.
    pub watermark_delay: Option<i64>,
    /// `outputMode(...)`; Spark's default is append.
    pub mode: OutputMode,
    /// The sink.
    pub sink: Sink,
}

/// An error Spark raises while analysing the query at `start()`: its error condition and the
/// message PySpark shows (`AnalysisException.getMessage()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalysisError {
    /// Spark's error condition, e.g. `STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION`.
    pub condition: String,
    /// The message as Spark words it.
    pub message: String,
}

impl std::fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AnalysisError {}

impl Query {
    /// Spark's `UnsupportedOperationChecker` for this subset: append needs a watermark on an
    /// aggregation's event-time key, complete needs an aggregation.
    pub fn analyse(&self) -> Result<(), AnalysisError> {
        let aggregates = matches!(self.job, Job::RunningCounts | Job::WindowedCounts(_));
        // foreachBatch hands every micro-batch over as a batch DataFrame: no streaming aggregation.
        if matches!(self.job, Job::PerTriggerCounts) {
            return Ok(());
        }
        let watermarked_key = self.watermark_delay.is_some() && self.event_time_window().is_some();
        if aggregates && self.mode == OutputMode::Append && !watermarked_key {
            return Err(AnalysisError {
                condition: "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION".to_string(),
                message: append_without_watermark_message(),
            });
        }
        if !aggregates && self.mode == OutputMode::Complete {
            return Err(AnalysisError {
                condition: "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION".to_string(),
                message: complete_without_aggregation_message(),
            });
        }
        Ok(())
    }

    /// The event-time window of a windowed job.
    pub fn event_time_window(&self) -> Option<Window> {
        match self.job {
            Job::WindowedCounts(w) => Some(w),
            _ => None,
        }
    }

    /// Whether the query keeps state between batches (a streaming aggregation).
    pub fn is_stateful(&self) -> bool {
        matches!(self.job, Job::RunningCounts | Job::WindowedCounts(_))
    }

    /// The schema of the rows the sink receives.
    pub fn result_schema(&self) -> Schema {
        let count = Field::new("count", DataType::Long);
        let kind = Field::new("type", DataType::String);
        match self.job {
            Job::Lines => vec![Field::new("value", DataType::String), kind],
            Job::PerTriggerCounts | Job::RunningCounts => vec![kind, count],
            Job::WindowedCounts(_) => vec![Field::new("window", DataType::window()), kind, count],
        }
    }
}

fn append_without_watermark_message() -> String {
    "[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: append. \
     This output mode is not supported for streaming aggregations without watermark on \
     streaming DataFrames/DataSets. SQLSTATE: 42KDE"
        .to_string()
}

fn complete_without_aggregation_message() -> String {
    "[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: complete. \
     This output mode is not supported for no streaming aggregations on streaming \
     DataFrames/DataSets. SQLSTATE: 42KDE"
        .to_string()
}
