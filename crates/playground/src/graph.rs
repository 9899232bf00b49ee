//! The program's DStream graph as views read it ([`StreamNode`]), and what
//! each node did in one batch ([`NodeBatch`]), as the engine run observed it.

use dstream_engine::WindowPath;

/// The update calls of one node and batch a [`NodeBatch`] keeps, at most;
/// the others are counted.
pub const MAX_CALLS: usize = 100;

/// The new values of one [`UpdateCall`] it keeps, at most; the others are
/// counted.
pub const MAX_VALUES: usize = 20;

/// One node of the program's DStream graph, for lineage views.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamNode {
    /// Its place in [`Job::describe`](crate::Job::describe).
    pub id: usize,
    /// The PySpark method that made it (`map`, `reduceByKeyAndWindow`,
    /// `pprint`, ...).
    pub op: String,
    /// The nodes it reads.
    pub parents: Vec<usize>,
    /// The program line of the call that made it (`None` when no line was
    /// known, e.g. a graph built without the interpreter).
    pub line: Option<u32>,
    /// What kind of node it is, with the parameters a view needs.
    pub kind: NodeKind,
    /// How often it makes an RDD, in ms: the batch interval, or a window's
    /// slide (for an output, the slide of the stream it reads).
    pub slide_ms: i64,
}

/// What a node of the graph is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// `socketTextStream`: the job's input.
    Input,
    /// A transformation of each batch on its own (`map`, `reduceByKey`,
    /// `transform`, `union`, ...).
    Transform,
    /// A windowed stream (`window`, `reduceByKeyAndWindow`, `countByWindow`,
    /// ...): every `slide_ms`, the batches of the last `window_ms`.
    Window {
        /// The window's length in ms.
        window_ms: i64,
        /// How often it emits, in ms.
        slide_ms: i64,
    },
    /// `updateStateByKey`: a state carried from batch to batch.
    State,
    /// `pprint(num)`: prints the first `num` records of every batch.
    Pprint {
        /// How many records it prints.
        num: usize,
    },
    /// `foreachRDD(func)`: calls the program's function on every batch.
    ForeachRdd,
}

impl NodeKind {
    /// Whether the node is an output operation (it makes no stream).
    pub fn is_output(&self) -> bool {
        matches!(self, NodeKind::Pprint { .. } | NodeKind::ForeachRdd)
    }
}

/// What one node of the graph did in one batch, observed while the engine
/// ran it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeBatch {
    /// The node's id ([`StreamNode::id`]).
    pub id: usize,
    /// Records the node made in this batch: the lines read for the input;
    /// `None` for an output. A node nothing reads is not computed (Spark
    /// computes only what an output needs), so it counts 0, and so does a
    /// window between two slides.
    pub records: Option<u64>,
    /// For an `updateStateByKey` node, the update function's calls of this
    /// batch, in the order PySpark makes them (empty for other nodes).
    pub updates: Vec<UpdateCall>,
    /// Update calls of the batch beyond the first
    /// [`MAX_CALLS`] kept in `updates`.
    pub updates_not_shown: u64,
    /// For a windowed node that emitted a window at this batch, the batches
    /// the window covers.
    pub window: Option<WindowCover>,
}

/// One call of an `updateStateByKey` function, in Python's words (each
/// value as `repr` shows it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateCall {
    /// The key (`repr`), `None` for a key that was neither in the state
    /// before nor after the call (new in this batch, and dropped at once by
    /// a `None` result): the engine does not hand keys to the function, and
    /// such a key shows in no state to be read back from.
    pub key: Option<String>,
    /// The new values of the batch for the key (the function's first
    /// argument), each a `repr`.
    pub values: Vec<String>,
    /// New values beyond the first [`MAX_VALUES`]
    /// kept in `values`.
    pub values_not_shown: usize,
    /// The state before (its second argument), `None` for a new key.
    pub previous: Option<String>,
    /// What the function returned, `None` when it returned `None` (PySpark
    /// then drops the key from the state).
    pub result: Option<String>,
}

/// The batches one window covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowCover {
    /// The window's time: the batch it was emitted at.
    pub time_ms: i64,
    /// The times of the batches in it, oldest first.
    pub batches_ms: Vec<i64>,
    /// How PySpark computed it (previous window minus the batches that left
    /// plus the ones that arrived, or afresh), as the engine recorded it:
    /// only `reduceByKeyAndWindow` records it.
    pub path: Option<WindowPath>,
}
