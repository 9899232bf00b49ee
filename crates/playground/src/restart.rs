//! A job's checkpoint ([`JobCheckpoint`]) and its restart from one: the lab
//! saves a page of running jobs and continues them later, as Spark restarts
//! a context from its checkpoint directory.

use dstream_engine::{Checkpoint, EngineError};
use serde::{Deserialize, Serialize};

use crate::job::Job;

/// What a restart of a [`Job`] needs besides its program: the engine's
/// clock and remembered results, and the keys of each `updateStateByKey`
/// state (they name the next batch's update calls). A plain serde value,
/// without a version: whoever stores it versions the record it nests it in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobCheckpoint {
    /// The engine's state (taken also when the program set no checkpoint
    /// directory: a stateless job's is its clock).
    pub engine: Checkpoint,
    /// Per `updateStateByKey` node (by id), its state's first keys (`repr`s).
    pub state_keys: Vec<(usize, Vec<String>)>,
}

impl JobCheckpoint {
    /// The start time the job was built with ([`JobConfig::start_ms`](crate::JobConfig::start_ms)):
    /// a job restored from the checkpoint is built with it too.
    pub fn start_ms(&self) -> i64 {
        self.engine.zero_ms
    }
}

/// Refuses, with `reason` in the engine's words for a checkpoint that cannot be used.
fn refused(reason: impl Into<String>) -> EngineError {
    EngineError::Checkpoint(reason.into())
}

impl Job {
    /// The state a restart of the job needs. Refused for a job that failed,
    /// made no StreamingContext, or whose state holds a value that cannot
    /// be saved (the engine's message says which).
    pub fn checkpoint(&self) -> Result<JobCheckpoint, EngineError> {
        if let Some(f) = &self.failure {
            return Err(refused(format!("the job stopped with {}", f.error)));
        }
        let engine = self.state.engine.borrow();
        let engine = engine
            .as_ref()
            .ok_or_else(|| refused("the program made no StreamingContext"))?;
        Ok(JobCheckpoint {
            engine: engine.ssc.snapshot()?,
            state_keys: self.state.state_keys(),
        })
    }

    /// Continues from `checkpoint` a job just built from the same program
    /// with the checkpoint's start time (running the program again built the
    /// same graph; [`JobCheckpoint::start_ms`] says the time): its next batch
    /// follows the checkpoint's last one. A checkpoint that does not fit the
    /// graph (another program, other settings) is refused with the engine's
    /// reason, and so is a job that already ran a batch or stopped.
    pub fn restore(&mut self, checkpoint: &JobCheckpoint) -> Result<(), EngineError> {
        if let Some(f) = &self.failure {
            return Err(refused(format!("the program stopped with {}", f.error)));
        }
        let engine = self.state.engine.borrow();
        let engine = engine
            .as_ref()
            .ok_or_else(|| refused("the program made no StreamingContext"))?;
        if checkpoint.engine.zero_ms != self.state.config.start_ms {
            return Err(refused(format!(
                "its batches count from {} ms, and this job's from {} ms",
                checkpoint.engine.zero_ms, self.state.config.start_ms
            )));
        }
        if engine.ssc.batches_run() > 0 {
            return Err(refused("the job has already run batches of its own"));
        }
        engine.ssc.restore(&checkpoint.engine)?;
        self.state
            .restore_state_keys(&checkpoint.state_keys)
            .map_err(refused)
    }
}
