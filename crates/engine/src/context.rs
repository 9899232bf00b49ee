//! `StreamingContext`: the clock, the inputs, and running batches.

use std::cell::RefCell;
use std::rc::Rc;

use crate::checkpoint::{Checkpoint, StreamState};
use crate::dstream::{add_node, DStream, NodeSpec};
use crate::duration::Duration;
use crate::error::{positive, EngineError};
use crate::graph::{Clock, Graph, Record};
use crate::line::{Line, LineBatch, LineBuffer};
use crate::rdd::Rdd;

mod queue;

pub use queue::QueueOptions;

/// The entry point, like PySpark's `StreamingContext(sc, batchDuration)`, with a
/// manual clock: nothing happens until the caller runs a batch.
pub struct StreamingContext {
    graph: Rc<Graph>,
    /// Live inputs, closed at the start of every batch even when no output
    /// reads them (queues are read when asked: see `queue_stream`).
    inputs: RefCell<Vec<Rc<InputHooks>>>,
}

/// What the context does with a live input around each batch.
struct InputHooks {
    /// Closes the open batch as the batch of time `t`.
    close: Box<dyn Fn(i64)>,
    /// Drops a closed batch that no stream built into an RDD (it was piped, or
    /// nobody read it): the batch is over, so nobody will.
    release: Box<dyn Fn()>,
}

/// A batch a live input has closed, waiting to be read at its time.
trait ClosedBatch<T> {
    /// Feeds the records to `sink` in order; returns the partition count.
    fn for_each(&self, sink: &mut dyn FnMut(&T)) -> usize;
    /// The records as an RDD.
    fn into_rdd(self) -> Rdd<T>;
}

impl<T> ClosedBatch<T> for Rdd<T> {
    fn for_each(&self, sink: &mut dyn FnMut(&T)) -> usize {
        Rdd::for_each(self, sink)
    }
    fn into_rdd(self) -> Rdd<T> {
        self
    }
}

impl ClosedBatch<Line> for LineBatch {
    fn for_each(&self, sink: &mut dyn FnMut(&Line)) -> usize {
        LineBatch::for_each(self, sink);
        self.partitions()
    }
    fn into_rdd(self) -> Rdd<Line> {
        let partitions = self.partitions();
        Rdd::new(self.into_lines(), partitions)
    }
}

/// The handle a live source pushes records into (our `socketTextStream`):
/// everything pushed before a batch closes belongs to that batch.
pub struct LiveInput<T> {
    buffer: Rc<RefCell<Vec<T>>>,
    /// Whether the open batch has a partition even if nothing is pushed.
    hold: Rc<std::cell::Cell<bool>>,
}

impl<T> Clone for LiveInput<T> {
    fn clone(&self) -> Self {
        LiveInput {
            buffer: self.buffer.clone(),
            hold: self.hold.clone(),
        }
    }
}

impl<T> LiveInput<T> {
    /// Adds one record to the open batch.
    pub fn push(&self, record: T) {
        self.buffer.borrow_mut().push(record);
    }

    /// Adds many records to the open batch.
    pub fn extend(&self, records: impl IntoIterator<Item = T>) {
        self.buffer.borrow_mut().extend(records);
    }

    /// Adds a whole vector to the open batch, without copying when it is empty.
    pub fn extend_vec(&self, mut records: Vec<T>) {
        let mut buffer = self.buffer.borrow_mut();
        if buffer.is_empty() {
            std::mem::swap(&mut *buffer, &mut records);
        } else {
            buffer.append(&mut records);
        }
    }

    /// How many records wait in the open batch.
    pub fn pending(&self) -> usize {
        self.buffer.borrow().len()
    }

    /// Gives the open batch one partition even if nothing is pushed into it,
    /// as a drained `queueStream`'s default RDD (`sc.makeRDD(Seq.empty, 1)`)
    /// has, where an idle receiver's batch has none (`count()` prints `0`
    /// rather than nothing).
    pub fn hold_partition(&self) {
        self.hold.set(true);
    }
}

/// The handle a live source pushes text lines into (see
/// [`StreamingContext::live_lines`]).
#[derive(Clone)]
pub struct LineInput {
    buffer: Rc<RefCell<LineBuffer>>,
}

impl LineInput {
    /// Adds one line to the open batch.
    #[inline]
    pub fn push(&self, line: &str) {
        self.buffer.borrow_mut().push(line);
    }

    /// Adds the lines of `batch` to the open batch, after those pushed; into an empty open batch the batch is
    /// shared rather than copied (see [`crate::LineCollector`]).
    pub fn feed(&self, batch: &LineBatch) {
        self.buffer.borrow_mut().feed(batch);
    }

    /// Adds lines to the open batch, in order (one borrow of the buffer for all of them).
    pub fn push_all<S: AsRef<str>>(&self, lines: impl IntoIterator<Item = S>) {
        let mut buffer = self.buffer.borrow_mut();
        for line in lines {
            buffer.push(line.as_ref());
        }
    }

    /// How many lines wait in the open batch.
    pub fn pending(&self) -> usize {
        self.buffer.borrow().len()
    }

    /// Gives the open batch one partition even if no line is pushed into
    /// it, as [`LiveInput::hold_partition`] does.
    pub fn hold_partition(&self) {
        self.buffer.borrow_mut().hold_partition();
    }
}

impl StreamingContext {
    /// A context whose batches are `batch_interval` apart, with PySpark's
    /// `defaultParallelism` of 2 (a two-core `local[*]`).
    pub fn new(batch_interval: Duration) -> Result<Self, EngineError> {
        let batch_ms = positive("batch interval", batch_interval.as_millis())?;
        Ok(StreamingContext {
            graph: Rc::new(Graph {
                batch_ms,
                parallelism: std::cell::Cell::new(2),
                clock: Rc::new(Clock::default()),
                checkpoint_dir: RefCell::new(None),
                nodes: RefCell::new(Vec::new()),
                outputs: RefCell::new(Vec::new()),
                console: RefCell::new(String::new()),
                window_paths: RefCell::new(Default::default()),
            }),
            inputs: RefCell::new(Vec::new()),
        })
    }

    /// Sets `spark.default.parallelism`: the number of partitions keyed
    /// operations shuffle into, which decides the order `pprint()` shows keys in.
    pub fn set_default_parallelism(&self, partitions: usize) -> Result<(), EngineError> {
        if partitions == 0 {
            return Err(EngineError::InvalidArgument(
                "The default parallelism must be at least 1 partition.".to_string(),
            ));
        }
        self.graph.parallelism.set(partitions);
        Ok(())
    }

    /// `sc.defaultParallelism`.
    pub fn default_parallelism(&self) -> usize {
        self.graph.parallelism.get()
    }

    /// The batch interval.
    pub fn batch_interval(&self) -> Duration {
        Duration::from_millis(self.graph.batch_ms)
    }

    /// `ssc.checkpoint(directory)`: allows stateful streams. The state itself is
    /// taken with [`StreamingContext::checkpoint_state`].
    pub fn checkpoint(&self, directory: impl Into<String>) {
        *self.graph.checkpoint_dir.borrow_mut() = Some(directory.into());
    }

    /// A live input, like `socketTextStream`: records pushed through the returned
    /// [`LiveInput`] form the next batch. An idle batch has no partitions.
    pub fn live_stream<T: Record>(&self) -> (DStream<T>, LiveInput<T>) {
        let buffer: Rc<RefCell<Vec<T>>> = Rc::new(RefCell::new(Vec::new()));
        let hold = Rc::new(std::cell::Cell::new(false));
        let input = LiveInput {
            buffer: buffer.clone(),
            hold: hold.clone(),
        };
        let stream = self.add_input("socketTextStream", move || {
            let records = std::mem::take(&mut *buffer.borrow_mut());
            let held = hold.take();
            let partitions = usize::from(!records.is_empty() || held);
            Rdd::new(records, partitions)
        });
        (stream, input)
    }

    /// A live input of text lines (our `socketTextStream`):
    /// lines pushed through the returned [`LineInput`] form the next batch,
    /// all in one shared buffer. An idle batch has no partitions.
    pub fn live_lines(&self) -> (DStream<Line>, LineInput) {
        let buffer = Rc::new(RefCell::new(LineBuffer::default()));
        let input = LineInput {
            buffer: buffer.clone(),
        };
        let stream = self.add_input("socketTextStream", move || buffer.borrow_mut().take());
        (stream, input)
    }

    /// A live input stream whose batch of time `t` is what `close` returns
    /// when batch `t` starts; it is closed every batch, even when nobody reads it.
    fn add_input<T: Record, C: ClosedBatch<T> + 'static>(
        &self,
        name: &str,
        close: impl Fn() -> C + 'static,
    ) -> DStream<T> {
        // The closed batch and its time. Reading it by reference (the pipe)
        // leaves it there; building the RDD moves it out, into the node's cache,
        // which is where every later read then finds it.
        let slot: Rc<RefCell<Option<(i64, C)>>> = Rc::new(RefCell::new(None));
        let (built, piped) = (slot.clone(), slot.clone());
        let stream = add_node(
            &self.graph,
            NodeSpec {
                describe: name.to_string(),
                slide_ms: self.graph.batch_ms,
                parents: vec![],
                self_lookback_ms: 0,
                must_checkpoint: false,
                live_input: true,
            },
            // Inputs only exist for the batch being formed: older times are gone.
            Box::new(move |_, t| {
                let mut slot = built.borrow_mut();
                match slot.take() {
                    Some((at, batch)) if at == t => Some(Rc::new(batch.into_rdd())),
                    other => {
                        *slot = other;
                        None
                    }
                }
            }),
            Some(Box::new(move |t, sink| match &*piped.borrow() {
                Some((at, batch)) if *at == t => Some(batch.for_each(sink)),
                _ => None,
            })),
        );
        let released = slot.clone();
        self.inputs.borrow_mut().push(Rc::new(InputHooks {
            close: Box::new(move |t| *slot.borrow_mut() = Some((t, close()))),
            release: Box::new(move || *released.borrow_mut() = None),
        }));
        stream
    }

    /// Spark's `DStreamGraph.validate`, run by `start()`.
    fn validate(&self) -> Result<(), EngineError> {
        if self.graph.outputs.borrow().is_empty() {
            return Err(EngineError::NoOutputOperations);
        }
        let needs_checkpoint = self.graph.nodes.borrow().iter().any(|n| n.must_checkpoint);
        if needs_checkpoint && self.graph.checkpoint_dir.borrow().is_none() {
            return Err(EngineError::CheckpointNotSet);
        }
        Ok(())
    }

    /// `ssc.start()`, with the zero time given: batch k will have time
    /// `zero_time_ms + k * batch interval` (Spark takes the next multiple of the
    /// interval on the wall clock as batch 1, so zero is one interval before).
    pub fn start(&self, zero_time_ms: i64) -> Result<(), EngineError> {
        if self.graph.clock.started.get() {
            return Err(EngineError::IllegalState(
                "The StreamingContext has already been started; build a new one to start again."
                    .to_string(),
            ));
        }
        self.validate()?;
        self.graph.clock.zero_ms.set(zero_time_ms);
        self.graph.clock.now_ms.set(zero_time_ms);
        self.graph.clock.started.set(true);
        self.graph.plan_memory();
        Ok(())
    }

    /// Whether the context has been started (or restored).
    pub fn is_started(&self) -> bool {
        self.graph.clock.started.get()
    }

    /// The time of batch `k` (1-based).
    pub fn batch_time(&self, k: u64) -> i64 {
        self.graph.clock.zero_ms.get() + k as i64 * self.graph.batch_ms
    }

    /// The time of the next batch to run.
    pub fn next_batch_time(&self) -> i64 {
        self.graph.clock.now_ms.get() + self.graph.batch_ms
    }

    /// How many batches have run since the zero time.
    pub fn batches_run(&self) -> u64 {
        ((self.graph.clock.now_ms.get() - self.graph.clock.zero_ms.get()) / self.graph.batch_ms)
            as u64
    }

    /// Runs the next batch: closes the inputs' open batch, runs every output
    /// operation in registration order, and forgets what no stream needs any
    /// more. Returns the batch's time.
    pub fn advance(&self) -> Result<i64, EngineError> {
        if !self.graph.clock.started.get() {
            return Err(EngineError::IllegalState(
                "The StreamingContext has not been started yet; call start() first.".to_string(),
            ));
        }
        // Streams may have been added since the last batch.
        self.graph.plan_memory();
        let t = self.next_batch_time();
        self.graph.clock.now_ms.set(t);
        // Everything pushed before this call belongs to batch t.
        let inputs: Vec<Rc<InputHooks>> = self.inputs.borrow().clone();
        for input in &inputs {
            (input.close)(t);
        }
        let outputs: Vec<_> = self.graph.outputs.borrow().clone();
        for output in outputs {
            output(t);
        }
        // A stream that a window will look back into must exist for every one of
        // its times, even when no output asked for it now: Spark keeps the
        // lineage of those batches; we keep their results. Except where Spark's
        // lineage would read a queue (see `NodeEntry::computed_when_asked`).
        let looked_back: Vec<_> = self
            .graph
            .nodes
            .borrow()
            .iter()
            .filter(|n| n.node.keep_ms() > 0 && !n.computed_when_asked())
            .map(|n| n.node.clone())
            .collect();
        for node in looked_back {
            node.touch(t);
        }
        for input in &inputs {
            (input.release)();
        }
        for n in self.graph.nodes.borrow().iter() {
            n.node.forget_before(t);
        }
        Ok(t)
    }

    /// Runs `n` batches.
    pub fn run_batches(&self, n: u64) -> Result<(), EngineError> {
        for _ in 0..n {
            self.advance()?;
        }
        Ok(())
    }

    /// Takes what `pprint()` printed since the last call.
    pub fn take_console(&self) -> String {
        std::mem::take(&mut *self.graph.console.borrow_mut())
    }

    /// How many results all streams remember right now (for memory tests).
    pub fn remembered_rdds(&self) -> usize {
        self.graph
            .nodes
            .borrow()
            .iter()
            .map(|n| n.node.remembered())
            .sum()
    }

    fn describe_graph(&self) -> Vec<String> {
        self.graph
            .nodes
            .borrow()
            .iter()
            .map(|n| n.describe.clone())
            .collect()
    }

    /// The state a restart needs: the clock and every remembered result a
    /// later batch will ask for (only streams that keep results past a batch).
    pub fn checkpoint_state(&self) -> Result<Checkpoint, EngineError> {
        if self.graph.checkpoint_dir.borrow().is_none() {
            return Err(EngineError::CheckpointNotSet);
        }
        self.snapshot()
    }

    /// What [`Self::checkpoint_state`] saves, also for a context that set no
    /// checkpoint directory (its `checkpoint_dir` is then empty): the lab
    /// saves a whole page of jobs, stateless ones included, where Spark would
    /// save none. [`Self::restore`] takes it as it takes a checkpoint.
    pub fn snapshot(&self) -> Result<Checkpoint, EngineError> {
        let dir = self
            .graph
            .checkpoint_dir
            .borrow()
            .clone()
            .unwrap_or_default();
        let mut streams = Vec::new();
        for n in self.graph.nodes.borrow().iter() {
            if n.node.keep_ms() > 0 {
                streams.push(StreamState {
                    id: n.node.id(),
                    entries: n.node.snapshot()?,
                });
            }
        }
        Ok(Checkpoint {
            checkpoint_dir: dir,
            batch_interval_ms: self.graph.batch_ms,
            zero_ms: self.graph.clock.zero_ms.get(),
            last_batch_ms: self.graph.clock.now_ms.get(),
            graph: self.describe_graph(),
            streams,
        })
    }

    /// Starts from a checkpoint instead of `start()`: the same graph must have
    /// been built first. The next batch follows the checkpoint's last one.
    pub fn restore(&self, checkpoint: &Checkpoint) -> Result<(), EngineError> {
        if checkpoint.batch_interval_ms != self.graph.batch_ms {
            return Err(EngineError::Checkpoint(format!(
                "it was taken with a batch interval of {} ms, not {} ms",
                checkpoint.batch_interval_ms, self.graph.batch_ms
            )));
        }
        if checkpoint.graph != self.describe_graph() {
            return Err(EngineError::Checkpoint(
                "it was taken from a different pipeline (other operations or window settings)"
                    .to_string(),
            ));
        }
        let steps = checkpoint.last_batch_ms - checkpoint.zero_ms;
        if steps < 0 || steps % self.graph.batch_ms != 0 {
            return Err(EngineError::Checkpoint(
                "its clock is not on a batch boundary".to_string(),
            ));
        }
        self.validate()?;
        let nodes = self.graph.nodes.borrow();
        for stream in &checkpoint.streams {
            let Some(entry) = nodes.get(stream.id) else {
                return Err(EngineError::Checkpoint(format!(
                    "it names an unknown stream #{}",
                    stream.id
                )));
            };
            entry.node.restore(&stream.entries)?;
        }
        drop(nodes);
        self.graph.clock.zero_ms.set(checkpoint.zero_ms);
        self.graph.clock.now_ms.set(checkpoint.last_batch_ms);
        self.graph.clock.started.set(true);
        self.graph.plan_memory();
        Ok(())
    }
}
