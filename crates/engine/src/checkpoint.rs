//! What a restart needs, as a serde value: what Spark saves under `ssc.checkpoint(dir)`.

use serde::{Deserialize, Serialize};

/// The state of a running context: its clock and every result that a later
/// batch will ask for again (running state, previous windows, window batches).
///
/// It carries no version of its own: whoever stores it nests it in their own
/// versioned record (the page's saved checkpoint does) and bumps that version
/// when this layout changes, so one number says whether a save can be read.
/// [`crate::StreamingContext::restore`] still refuses a checkpoint that does
/// not fit the graph it is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The directory named in `checkpoint(dir)`.
    pub checkpoint_dir: String,
    /// The batch interval in milliseconds.
    pub batch_interval_ms: i64,
    /// Spark's zero time, in (naive) epoch milliseconds.
    pub zero_ms: i64,
    /// The time of the last batch computed.
    pub last_batch_ms: i64,
    /// Each stream of the graph, described; a checkpoint fits only the same graph.
    pub graph: Vec<String>,
    /// The remembered results of the streams that keep any.
    pub streams: Vec<StreamState>,
}

/// The remembered results of one stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamState {
    /// The stream's position in the graph.
    pub id: usize,
    /// `(time in ms, RDD)` pairs; `None` where Spark's compute gave nothing.
    pub entries: Vec<(i64, Option<serde_json::Value>)>,
}
