//! [`Job`]: one program's streaming job, built by running the program once
//! and then driven batch by batch.

use std::rc::Rc;

use dstream_engine::{LineBatch, LineInput};
use dstream_python::{Host, PyError};

use crate::graph::{NodeBatch, StreamNode};
use crate::host::JobHost;
use crate::outputs::OutputRecords;
use crate::spark::AWAIT_TERMINATION;
use crate::state::{JobState, Phase};
use crate::trigger_view::{Before, TriggerView};

/// Where `socketTextStream` reads its lines from.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The lab's live stream: the lines [`Job::push_lines`] gives before a
    /// batch are that batch (an idle batch has no partitions, as an idle
    /// receiver's).
    Live,
    /// Fixed batches, one per batch time, as the PySpark oracle feeds a
    /// program (`tests/pyspark/program_oracle.py`): a batch's lines are one
    /// partition, an empty batch has none (a receiver's batch without
    /// blocks); once drained, batches are `queueStream`'s default, an empty
    /// RDD of one partition.
    Queue(Vec<Vec<String>>),
}

/// A job's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct JobConfig {
    /// Spark's zero time (naive epoch milliseconds): batch k has time
    /// `start_ms + k * batch interval`.
    pub start_ms: i64,
    /// `spark.default.parallelism`: the partitions keyed operations use.
    pub parallelism: usize,
    /// What `socketTextStream` yields.
    pub input: Input,
}

/// An error that stopped the job.
#[derive(Clone, Debug, PartialEq)]
pub struct JobFailure {
    /// The error, in Python's (or Spark's) words.
    pub error: PyError,
    /// The batch it stopped at (1-based); 0 for the program's top level.
    pub batch: u64,
}

/// What one batch did.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchResult {
    /// The batch number (1-based), or 0 when no batch ran (the job is not
    /// running).
    pub batch: u64,
    /// What the batch printed to stdout, in PySpark's order: prints of
    /// `transform` functions (run while Spark generates the batch's jobs),
    /// then each output's `pprint` block or `foreachRDD` prints, in the order
    /// the outputs were registered.
    pub text: String,
    /// The error that stopped the job at this batch (or earlier).
    pub failure: Option<JobFailure>,
    /// The batch's time (naive epoch ms), when a batch ran.
    pub time_ms: Option<i64>,
    /// What each node of [`Job::describe`] did in the batch, by id, as the
    /// engine run observed it (empty when no batch ran).
    pub nodes: Vec<NodeBatch>,
    /// What the trigger of the program's Structured Streaming queries did (None for a
    /// DStream batch, or when no trigger ran).
    pub structured: Option<TriggerView>,
    /// Every record each `pprint` output read in the batch, in the order the
    /// outputs were registered, when the job keeps them ([`Job::keep_outputs`]);
    /// an output of a window reads only at its slides.
    pub outputs: Vec<OutputRecords>,
}

/// A program's streaming job.
pub struct Job {
    pub(crate) state: Rc<JobState>,
    pub(crate) failure: Option<JobFailure>,
}

impl Job {
    /// Runs the program's top level with the job's [`Host`] (`run` compiles
    /// and runs the source with an interpreter given that host). The top
    /// level builds the graph and starts the context; it ends at
    /// `awaitTermination()`, from where [`Job::run_batch`] drives the
    /// batches. Its prints are the start of [`Job::output`]; an error stops
    /// the job at batch 0 ([`Job::failed`]).
    pub fn build(config: JobConfig, run: impl FnOnce(Rc<dyn Host>) -> Result<(), PyError>) -> Job {
        let state = Rc::new(JobState::new(config));
        let host: Rc<dyn Host> = Rc::new(JobHost {
            job: Rc::downgrade(&state),
        });
        let failure = match run(host) {
            Ok(()) => None,
            Err(e) if e.kind == AWAIT_TERMINATION => None,
            Err(error) => Some(JobFailure { error, batch: 0 }),
        };
        Job { state, failure }
    }

    /// A job running the program `source` (named `filename` in tracebacks)
    /// with the lab's Python: a syntax error, like any top-level error, stops
    /// it at batch 0.
    pub fn from_source(config: JobConfig, source: &str, filename: &str) -> Job {
        Job::build(config, |host| {
            let program = dstream_python::compile(source, filename)?;
            dstream_python::Interpreter::new(host).run(&program)
        })
    }

    /// Adds lines to the open batch of the live stream. Lines no
    /// `socketTextStream` or `readStream` socket source reads (none was
    /// made, or it reads a queue) are counted in [`Job::unread_lines`].
    /// For Structured Streaming, the lines' arrival time is when the open
    /// trigger interval began (see [`Job::push_lines_at`]).
    pub fn push_lines<S: AsRef<str>>(&self, lines: impl IntoIterator<Item = S>) {
        if self.state.reads_socket.get() {
            let at = crate::trigger::interval_start_ms(&self.state);
            return self.push_lines_at(lines, at);
        }
        self.to_live(|live| match live {
            Some(live) => live.push_all(lines),
            None => self.count_unread(lines.into_iter().count()),
        });
    }

    /// Adds a closed batch of lines to the open batch, as [`Job::push_lines`] of its lines does; the live stream
    /// of a DStream program shares the batch's text with the other jobs fed it instead of copying it. A
    /// Structured Streaming program wants each line as it arrives ([`Job::reads_arrivals`]).
    pub fn feed_batch(&self, batch: &LineBatch) {
        if self.reads_arrivals() {
            return self.push_lines(batch.texts());
        }
        self.to_live(|live| match live {
            Some(live) => live.feed(batch),
            None => self.count_unread(batch.len()),
        });
    }

    /// Calls `f` with the live stream's input lines go to: none when no `socketTextStream` was made, or it reads
    /// a queue ([`Input::Queue`]).
    fn to_live(&self, f: impl FnOnce(Option<&LineInput>)) {
        let engine = self.state.engine.borrow();
        f(match self.state.config.input {
            Input::Live => engine.as_ref().and_then(|e| e.live.as_ref()),
            Input::Queue(_) => None,
        })
    }

    /// Counts lines that no stream of the program reads ([`Job::unread_lines`]).
    fn count_unread(&self, lines: usize) {
        let unread = &self.state.unread_lines;
        unread.set(unread.get() + lines as u64);
    }

    /// Whether the program reads lines through a Structured Streaming socket source, which stamps each line
    /// with its arrival (so it takes lines as they come, not a batch at its end).
    pub fn reads_arrivals(&self) -> bool {
        self.state.reads_socket.get()
    }

    /// Adds lines that reached the page at `arrival_ms` (naive epoch ms) to
    /// the open trigger of the program's Structured Streaming queries: their
    /// `timestamp` column with `includeTimestamp`. Without a `readStream`
    /// socket source, they are counted in [`Job::unread_lines`].
    pub fn push_lines_at<S: AsRef<str>>(
        &self,
        lines: impl IntoIterator<Item = S>,
        arrival_ms: i64,
    ) {
        if self.state.reads_socket.get() {
            crate::trigger::push(&self.state, lines, arrival_ms);
        } else {
            self.count_unread(lines.into_iter().count());
        }
    }

    /// Puts the next queued batch (with [`Input::Queue`]) into the live input.
    fn feed_queue(&self) {
        let Input::Queue(batches) = &self.state.config.input else {
            return;
        };
        let engine = self.state.engine.borrow();
        let Some(live) = engine.as_ref().and_then(|e| e.live.as_ref()) else {
            return;
        };
        let k = engine.as_ref().map_or(0, |e| e.ssc.batches_run()) as usize;
        match batches.get(k) {
            Some(lines) => lines.iter().for_each(|l| live.push(l)),
            None => live.hold_partition(),
        }
    }

    /// Makes every batch's [`BatchResult::outputs`] hold all the records each
    /// `pprint` output read, not only the printed ones.
    pub fn keep_outputs(&self) {
        self.state.keep_outputs.set(true);
    }

    /// When the open batch closes (naive epoch ms), once the program made a
    /// StreamingContext.
    pub fn next_batch_time_ms(&self) -> Option<i64> {
        self.state
            .engine
            .borrow()
            .as_ref()
            .map(|e| e.ssc.next_batch_time())
    }

    /// How many pushed lines no stream read.
    pub fn unread_lines(&self) -> u64 {
        self.state.unread_lines.get()
    }

    /// Whether batches run: started (a StreamingContext, or a Structured
    /// Streaming query not stopped), not stopped, not failed.
    pub fn running(&self) -> bool {
        self.failure.is_none()
            && !self.state.stopped.get()
            && (self
                .state
                .engine
                .borrow()
                .as_ref()
                .is_some_and(|e| e.ssc.is_started())
                || crate::trigger::active(&self.state))
    }

    /// Runs the next batch. A failed job stays failed: every later call
    /// returns its failure and runs nothing.
    pub fn run_batch(&mut self) -> BatchResult {
        if let Some(failure) = &self.failure {
            return BatchResult {
                batch: failure.batch,
                text: String::new(),
                failure: Some(failure.clone()),
                time_ms: None,
                nodes: Vec::new(),
                structured: None,
                outputs: Vec::new(),
            };
        }
        if !self.running() {
            return BatchResult {
                batch: 0,
                text: String::new(),
                failure: None,
                time_ms: None,
                nodes: Vec::new(),
                structured: None,
                outputs: Vec::new(),
            };
        }
        if self.state.engine.borrow().is_none() {
            return self.run_trigger();
        }
        let state = &self.state;
        self.feed_queue();
        state.phase.set(Phase::Generation);
        let (advanced, time_ms, interval_ms) = {
            let engine = state.engine.borrow();
            // The lines the batch reads are those waiting when it starts.
            if let Some(live) = engine.as_ref().and_then(|e| e.live.as_ref()) {
                state.input_lines.add(live.pending() as u64);
            }
            let clock = engine.as_ref().map_or((0, 0), |e| {
                (e.ssc.next_batch_time(), e.ssc.batch_interval().as_millis())
            });
            let advanced = engine
                .as_ref()
                .map(|e| (e.ssc.advance(), e.ssc.batches_run()));
            (advanced, clock.0, clock.1)
        };
        state.phase.set(Phase::Jobs);
        let (outcome, batch) = advanced.unwrap_or((Ok(0), 0));
        let deferred = std::mem::take(&mut *state.deferred.borrow_mut());
        let fault = state.take_fault();
        let mut error = match outcome {
            Err(e) => Some(crate::errors::spark_error(&e)),
            Ok(_) => None,
        };
        let jobs_run = fault.as_ref().is_none_or(|f| f.jobs_run) && error.is_none();
        if jobs_run {
            // Spark runs each output's job on its own: a failing one prints
            // nothing, the later ones still run; the first error stops the job.
            for job_fn in deferred {
                if let Err(e) = job_fn(state) {
                    error.get_or_insert(e);
                }
            }
        }
        let error = fault.map(|f| f.error).or(error);
        state.phase.set(Phase::TopLevel);
        let mut text = std::mem::take(&mut *state.generation_text.borrow_mut());
        text.push_str(&std::mem::take(&mut *state.jobs_text.borrow_mut()));
        state.stdout.borrow_mut().push_str(&text);
        self.failure = error.map(|error| JobFailure { error, batch });
        BatchResult {
            batch,
            text,
            failure: self.failure.clone(),
            time_ms: Some(time_ms),
            nodes: state.node_batches(time_ms, interval_ms),
            structured: None,
            outputs: std::mem::take(&mut *state.outputs.borrow_mut()),
        }
    }

    /// One trigger of the program's Structured Streaming queries.
    fn run_trigger(&mut self) -> BatchResult {
        let before = Before::take(&self.state);
        let (batch, time_ms, text, error) = crate::trigger::run(&self.state);
        self.failure = error.map(|error| JobFailure { error, batch });
        BatchResult {
            batch,
            text,
            failure: self.failure.clone(),
            time_ms: Some(time_ms),
            nodes: Vec::new(),
            structured: Some(before.view(&self.state)),
            outputs: Vec::new(),
        }
    }

    /// Everything the job printed to stdout so far.
    pub fn output(&self) -> String {
        self.state.stdout.borrow().clone()
    }

    /// What functions run on the executors printed (PySpark's workers write
    /// their stdout to the driver's stderr, not to its stdout).
    pub fn worker_output(&self) -> String {
        self.state.worker_text.borrow().clone()
    }

    /// The error that stopped the job, if one did.
    pub fn failed(&self) -> Option<&JobFailure> {
        self.failure.as_ref()
    }

    /// The batch interval the program's `StreamingContext(sc, n)` asked for,
    /// or its Structured Streaming query's `trigger(processingTime=...)`, in
    /// ms, once it made one: a page feeding the job must batch alike.
    pub fn batch_interval_ms(&self) -> Option<i64> {
        self.state
            .engine
            .borrow()
            .as_ref()
            .map(|e| e.ssc.batch_interval().as_millis())
            .or_else(|| crate::trigger::trigger_interval_ms(&self.state))
    }

    /// How many batches (or Structured Streaming triggers) have run.
    pub fn batches_run(&self) -> u64 {
        self.state
            .engine
            .borrow()
            .as_ref()
            .map_or(self.state.triggers_run.get(), |e| e.ssc.batches_run())
    }

    /// The program's DStream graph: inputs, transformations and outputs in
    /// the order the program made them, each with the line that made it.
    pub fn describe(&self) -> Vec<StreamNode> {
        self.state.nodes.borrow().clone()
    }
}

/// Runs a program over fixed batches as `replay --program` does: the
/// batches are `socketTextStream`'s ([`Input::Queue`]), followed by
/// `extra_batches` drained ones. Returns the stdout and the error that stopped
/// the job, if any (the program's top level is batch 0).
pub fn run_batches(
    config: JobConfig,
    run: impl FnOnce(Rc<dyn Host>) -> Result<(), PyError>,
    batches: &[Vec<String>],
    extra_batches: u64,
) -> (String, Option<JobFailure>) {
    let config = JobConfig {
        input: Input::Queue(batches.to_vec()),
        ..config
    };
    let mut job = Job::build(config, run);
    for _ in 0..batches.len() as u64 + extra_batches {
        if job.run_batch().failure.is_some() {
            break;
        }
    }
    (job.output(), job.failed().cloned())
}
