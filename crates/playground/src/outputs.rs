//! The records each `pprint` output read in a batch, in full, for a reader
//! that takes them as data (the notebook's modes) rather than as the printed
//! block, which shows the first `num` only. Opt-in ([`Job::keep_outputs`](crate::Job::keep_outputs)):
//! a student's job copies nothing.

use std::rc::{Rc, Weak};

use dstream_python::Value;

use crate::partitions::checked;
use crate::state::JobState;

/// The records one `pprint` output read in one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputRecords {
    /// The output's node id ([`StreamNode::id`](crate::StreamNode::id)).
    pub id: usize,
    /// The batch time (naive epoch ms).
    pub time_ms: i64,
    /// Every record of the batch, in the order `pprint` prints them.
    pub records: Vec<Value>,
    /// Records whose computation raised (Spark computes a record only when
    /// something reads it): counted here, not in `records`.
    pub failed: usize,
}

/// Keeps what the output `id` of a job reads, when the job asked for it.
pub(crate) struct Keeper {
    job: Weak<JobState>,
    id: usize,
}

impl Keeper {
    /// The keeper of output `id`.
    pub fn new(job: &Weak<JobState>, id: usize) -> Keeper {
        Keeper {
            job: job.clone(),
            id,
        }
    }

    /// The job, when it keeps its outputs.
    fn wanted(&self) -> Option<Rc<JobState>> {
        self.job.upgrade().filter(|j| j.keep_outputs.get())
    }

    /// Keeps a batch of values (the partitions' end markers are not records).
    pub fn values(&self, time_ms: i64, records: &[Value]) {
        let Some(job) = self.wanted() else { return };
        let mut failed = 0;
        let records = records
            .iter()
            .filter_map(|r| match checked(r) {
                Ok(kept) => kept.cloned(),
                Err(_) => {
                    failed += 1;
                    None
                }
            })
            .collect();
        self.keep(&job, time_ms, records, failed);
    }

    /// Keeps a batch of pairs, as the `(k, v)` tuples `pprint` prints.
    pub fn pairs(&self, time_ms: i64, pairs: &[(Value, Value)]) {
        let Some(job) = self.wanted() else { return };
        let records = pairs
            .iter()
            .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
            .collect();
        self.keep(&job, time_ms, records, 0);
    }

    fn keep(&self, job: &JobState, time_ms: i64, records: Vec<Value>, failed: usize) {
        job.outputs.borrow_mut().push(OutputRecords {
            id: self.id,
            time_ms,
            records,
            failed,
        });
    }
}
