//! What a student job's batches did, node by node, for its program views: the DStream graph its program built
//! and the observations the engine run made of its recent batches (records per node, and for the last batch the
//! update calls and the windows). Bounded: memory stays flat however long the job runs.

use crate::engine::{BatchResult, NodeBatch, StreamNode};
use std::collections::VecDeque;

/// Batches a job keeps for its metrics; older ones are counted.
pub const JOB_BATCHES: usize = 20;

/// One batch of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobBatch {
    /// 1-based batch number.
    pub batch: u64,
    /// The batch time (naive epoch ms).
    pub time_ms: i64,
    /// How long the job took to run it, when the page has a clock.
    pub processing_ms: Option<f64>,
    /// What each node did, by node id. Only the last batch keeps its update calls and window (the views show
    /// those of the last batch alone).
    pub nodes: Vec<NodeBatch>,
}

/// A job's graph and recent batches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobBatches {
    /// The program's DStream graph, in the order the program built it.
    pub graph: Vec<StreamNode>,
    recent: VecDeque<JobBatch>,
    /// Batches pushed out of `recent` (older than the last [`JOB_BATCHES`]).
    pub dropped: u64,
}

impl JobBatches {
    /// A job whose program built `graph`, before its first batch.
    pub fn new(graph: Vec<StreamNode>) -> JobBatches {
        JobBatches {
            graph,
            ..JobBatches::default()
        }
    }

    /// Keeps what batch `r` did (nothing when no batch ran), and how long it took.
    pub(super) fn record(&mut self, r: BatchResult, processing_ms: Option<f64>) {
        let Some(time_ms) = r.time_ms else { return };
        if let Some(last) = self.recent.back_mut() {
            for n in &mut last.nodes {
                n.updates = Vec::new();
                n.window = None;
            }
        }
        if self.recent.len() == JOB_BATCHES {
            self.recent.pop_front();
            self.dropped += 1;
        }
        self.recent.push_back(JobBatch {
            batch: r.batch,
            time_ms,
            processing_ms,
            nodes: r.nodes,
        });
    }

    /// The recent batches, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &JobBatch> + ExactSizeIterator {
        self.recent.iter()
    }

    /// The last batch, once one ran.
    pub fn last(&self) -> Option<&JobBatch> {
        self.recent.back()
    }
}
