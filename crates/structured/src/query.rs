//! A streaming query of the subset: the socket source's columns, the steps of its plan
//! ([`Step`]), an optional `groupBy(...).count()`, an output mode and a sink; and the analysis
//! Spark does (columns that exist, which output modes a query may use).

use crate::aggregate::Aggregation;
use crate::plan::{GroupKey, Step, Window};
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
    /// `foreachBatch(f)`: the caller runs `f` on each batch's rows.
    ForeachBatch,
}

impl Sink {
    /// The console sink with Spark's defaults (20 rows, truncated cells).
    pub const CONSOLE: Sink = Sink::Console {
        num_rows: 20,
        truncate: true,
    };
}

/// `spark.readStream.format("socket")...load()`: the columns `value` (the line) and, with
/// `includeTimestamp`, `timestamp` (when the line arrived).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    /// `option("includeTimestamp", True)`.
    pub include_timestamp: bool,
}

impl Source {
    /// The source's schema.
    pub fn schema(self) -> Schema {
        let mut schema = vec![Field::new("value", DataType::String)];
        if self.include_timestamp {
            schema.push(Field::new("timestamp", DataType::Timestamp));
        }
        schema
    }
}

/// A whole query: `readStream` ... `writeStream.start()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The socket source.
    pub source: Source,
    /// What happens to each row before the aggregation, in order.
    pub steps: Vec<Step>,
    /// `groupBy(keys).count()` / `.agg(...)`, when the query aggregates.
    pub group_by: Option<Aggregation>,
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
    /// The schema after each step: `schemas[0]` is the source's, `schemas[i + 1]` the one
    /// after `steps[i]`; or Spark's error for a column a step does not find.
    pub fn schemas(&self) -> Result<Vec<Schema>, AnalysisError> {
        let mut schemas = vec![self.source.schema()];
        for step in &self.steps {
            let next = step.schema_after(schemas.last().expect("the source's schema"))?;
            schemas.push(next);
        }
        Ok(schemas)
    }

    /// Spark's analysis: every column resolves, then the `UnsupportedOperationChecker` for
    /// this subset: append needs a watermark on an aggregation's event-time key, complete
    /// needs an aggregation.
    pub fn analyse(&self) -> Result<(), AnalysisError> {
        self.result_schema()?;
        let aggregates = self.group_by.is_some();
        let watermarked_key = self.event_time_window().is_some();
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

    /// `withWatermark(column, delay)`: the column and the delay in microseconds.
    pub fn watermark(&self) -> Option<(&str, i64)> {
        self.steps.iter().rev().find_map(|s| match s {
            Step::Watermark(column, delay) => Some((column.as_str(), *delay)),
            _ => None,
        })
    }

    /// The window of a grouping key over the watermarked column: the key whose windows the
    /// watermark closes (late rows, eviction, append's output).
    pub fn event_time_window(&self) -> Option<Window> {
        let (column, _) = self.watermark()?;
        self.group_by.as_ref()?.keys.iter().find_map(|k| match k {
            GroupKey::Window(c, w) if c == column => Some(*w),
            _ => None,
        })
    }

    /// Whether the query keeps state between batches (a streaming aggregation).
    pub fn is_stateful(&self) -> bool {
        self.group_by.is_some()
    }

    /// The schema of the rows the sink receives.
    pub fn result_schema(&self) -> Result<Schema, AnalysisError> {
        let schemas = self.schemas()?;
        let input = schemas.last().expect("the source's schema");
        match &self.group_by {
            None => Ok(input.clone()),
            Some(aggregation) => aggregation.schema(input),
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
