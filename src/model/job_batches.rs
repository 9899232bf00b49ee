//! What a student job's batches did, node by node, for its program views: the DStream graph its program built
//! and the observations the engine run made of its recent batches (records per node, and for the last batch the
//! update calls and the windows; for a Structured Streaming job, what each trigger did to its state store).
//! Bounded: memory stays flat however long the job runs. The batches pushed out that time travel still reaches
//! are kept apart, so the views as of an earlier page batch ([`JobBatches::as_of`]) are the ones the page showed
//! then.

use super::travel::TRAVEL_BATCHES;
use crate::engine::{BatchResult, NodeBatch, StreamNode, TriggerView};
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
    /// What each node did, by node id, with the update calls and windows (the views show those of the last
    /// batch alone, as of the batch the page shows).
    pub nodes: Vec<NodeBatch>,
    /// What the trigger of the program's Structured Streaming queries did (None for a DStream batch).
    pub structured: Option<TriggerView>,
}

/// A job's graph and recent batches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobBatches {
    /// The program's DStream graph, in the order the program built it.
    pub graph: Vec<StreamNode>,
    recent: VecDeque<JobBatch>,
    /// Batches pushed out of `recent` (older than the last [`JOB_BATCHES`]).
    pub dropped: u64,
    /// The last [`TRAVEL_BATCHES`] batches pushed out of `recent`, oldest first.
    forgotten: VecDeque<JobBatch>,
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
        if self.recent.len() == JOB_BATCHES {
            if self.forgotten.len() == TRAVEL_BATCHES {
                self.forgotten.pop_front();
            }
            self.forgotten.extend(self.recent.pop_front());
            self.dropped += 1;
        }
        self.recent.push_back(JobBatch {
            batch: r.batch,
            time_ms,
            processing_ms,
            nodes: r.nodes,
            structured: r.structured,
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

    /// The batches as they were right after the job's batch at `time_ms` (the page's batch time) ran, for a
    /// batch time travel reaches ([`TRAVEL_BATCHES`]).
    pub fn as_of(&self, time_ms: i64) -> JobBatches {
        let later = self
            .forgotten
            .iter()
            .chain(&self.recent)
            .filter(|b| b.time_ms > time_ms)
            .count() as u64;
        let upto: Vec<&JobBatch> = self
            .forgotten
            .iter()
            .chain(&self.recent)
            .take_while(|b| b.time_ms <= time_ms)
            .collect();
        let shown = &upto[upto.len().saturating_sub(JOB_BATCHES)..];
        JobBatches {
            graph: self.graph.clone(),
            recent: shown.iter().map(|b| (*b).clone()).collect(),
            dropped: (self.dropped + self.recent.len() as u64)
                .saturating_sub(later + shown.len() as u64),
            forgotten: VecDeque::new(),
        }
    }
}
