//! What one job shares between its natives, its engine closures and its
//! runner: where prints go, the first error, the functions the streams call.
//!
//! Ownership: the [`Job`](crate::Job) owns the state; the state owns the
//! Python functions the streams call and the interpreter's runtime; natives
//! and engine closures hold only weak handles. A Python function's globals
//! hold the program's streams, whose graph holds the closures: were the
//! closures to hold the functions, dropping a job would leak it.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::{Rc, Weak};

use dstream_engine::{Line, LineInput, StreamingContext};
use dstream_python::{Args, PyError, Quick, Runtime, Value};
use dstream_structured::{DataType, Lines, Value as SqlValue};

use crate::frame::RunningQuery;
use crate::graph::{NodeBatch, NodeKind, StreamNode};
use crate::job::JobConfig;
use crate::observe::{Tally, Watch};
use crate::outputs::OutputRecords;

/// Where the job is in its life, which decides where a driver-side `print` goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// The program's top level.
    TopLevel,
    /// Spark's job generation: the batch's RDDs are defined and `transform`
    /// functions run on the driver.
    Generation,
    /// The batch's output jobs run, in registration order.
    Jobs,
}

/// The first error of a batch.
pub(crate) struct Fault {
    pub error: PyError,
    /// Whether the output jobs generated before the error still run: true
    /// for an error in a function Spark runs lazily on the executors (a `map`
    /// lambda), false for one raised while generating the batch's jobs (a
    /// `transform` function), after which Spark submits no job of the batch.
    pub jobs_run: bool,
}

/// An output job of the batch, run after generation.
pub(crate) type Deferred = Box<dyn FnOnce(&Rc<JobState>) -> Result<(), PyError>>;

/// The engine context of the program's `StreamingContext`.
pub(crate) struct Engine {
    pub ssc: StreamingContext,
    /// The live input, once `socketTextStream` was called: the lines of a
    /// batch in one buffer, each made a Python `str` only when a stream
    /// reads it.
    pub live: Option<LineInput>,
    /// Whether `socketTextStream` was called (live or queued).
    pub has_input: bool,
}

/// The job's shared state.
pub(crate) struct JobState {
    pub config: JobConfig,
    /// The interpreter, kept from the first native call that saw it (set
    /// once, so a worker call reads it without a borrow or a count).
    runtime: OnceCell<Runtime>,
    /// Every Python function a stream calls; closures name them by index.
    functions: RefCell<Vec<Value>>,
    pub engine: RefCell<Option<Engine>>,
    pub phase: Cell<Phase>,
    /// How deep the calls into executor-side functions are nested.
    worker_depth: Cell<u32>,
    /// Everything the job printed to stdout, batch after batch.
    pub stdout: RefCell<String>,
    /// Driver prints of the running batch's generation phase.
    pub generation_text: RefCell<String>,
    /// Output of the running batch's jobs (pprint blocks, foreachRDD prints).
    pub jobs_text: RefCell<String>,
    /// Prints from executor-side functions (PySpark's workers write to stderr).
    pub worker_text: RefCell<String>,
    fault: RefCell<Option<Fault>>,
    /// Set while the running batch has failed, and once the job has ended:
    /// shared with every [`Func`], so that a call a quick form answers
    /// checks one flag rather than reaching the state.
    halt: Rc<Cell<bool>>,
    pub deferred: RefCell<Vec<Deferred>>,
    pub nodes: RefCell<Vec<StreamNode>>,
    /// What the job watches of each node, by id.
    watches: RefCell<Vec<Watch>>,
    /// The lines the input read in the running batch.
    pub input_lines: Tally,
    /// Lines pushed while no `socketTextStream` reads them.
    pub unread_lines: Cell<u64>,
    /// `ssc.stop()` was called.
    pub stopped: Cell<bool>,
    /// The Python UDFs the program made, by number, with their declared types.
    udfs: RefCell<Vec<(Func, DataType)>>,
    /// The Structured Streaming queries the program started, in start order.
    pub structured: RefCell<Vec<RunningQuery>>,
    /// A `readStream` socket source was loaded: pushed lines go to [`JobState::lines`].
    pub reads_socket: Cell<bool>,
    /// The lines that arrived since the last trigger, with their arrival times.
    pub lines: RefCell<Lines>,
    /// How many triggers the queries ran.
    pub triggers_run: Cell<u64>,
    /// Whether the `pprint` outputs keep every record they read ([`JobState::outputs`]).
    pub keep_outputs: Cell<bool>,
    /// What the `pprint` outputs read in the running batch, when kept.
    pub outputs: RefCell<Vec<OutputRecords>>,
}

impl Drop for JobState {
    /// A function of an ended job answers nothing, quick form or not.
    fn drop(&mut self) {
        self.halt.set(true);
    }
}

impl JobState {
    pub fn new(config: JobConfig) -> JobState {
        JobState {
            config,
            runtime: OnceCell::new(),
            functions: RefCell::new(Vec::new()),
            engine: RefCell::new(None),
            phase: Cell::new(Phase::TopLevel),
            worker_depth: Cell::new(0),
            stdout: RefCell::new(String::new()),
            generation_text: RefCell::new(String::new()),
            jobs_text: RefCell::new(String::new()),
            worker_text: RefCell::new(String::new()),
            fault: RefCell::new(None),
            halt: Rc::new(Cell::new(false)),
            deferred: RefCell::new(Vec::new()),
            nodes: RefCell::new(Vec::new()),
            watches: RefCell::new(Vec::new()),
            input_lines: Tally::default(),
            unread_lines: Cell::new(0),
            stopped: Cell::new(false),
            udfs: RefCell::new(Vec::new()),
            structured: RefCell::new(Vec::new()),
            reads_socket: Cell::new(false),
            lines: RefCell::new(Lines::new()),
            triggers_run: Cell::new(0),
            keep_outputs: Cell::new(false),
            outputs: RefCell::new(Vec::new()),
        }
    }

    /// Keeps Python function `f` as a UDF returning `data_type`; returns its number.
    pub fn add_udf(self: &Rc<Self>, f: Value, data_type: DataType) -> usize {
        let quick = dstream_python::quick(&f);
        let index = {
            let mut functions = self.functions.borrow_mut();
            functions.push(f);
            functions.len() - 1
        };
        // `call_udf` converts each row's values and calls the function itself (or its quick form).
        let func = Func {
            job: Rc::downgrade(self),
            halt: self.halt.clone(),
            index,
            quick,
        };
        let mut udfs = self.udfs.borrow_mut();
        udfs.push((func, data_type));
        udfs.len() - 1
    }

    /// Calls UDF `id` on one row's arguments as PySpark's Python workers do: its prints go
    /// to the worker log, its result becomes the declared type.
    pub fn call_udf(&self, id: usize, args: &[SqlValue]) -> Result<SqlValue, PyError> {
        let ended = || PyError::new("RuntimeError", "this program's job has ended");
        {
            let udfs = self.udfs.borrow();
            let (func, data_type) = udfs.get(id).ok_or_else(ended)?;
            if let Some(value) = func.quick_udf(args)? {
                return Ok(crate::sql::from_python(&value, data_type));
            }
        }
        let (func, data_type) = self.udfs.borrow().get(id).cloned().ok_or_else(ended)?;
        let f = self
            .functions
            .borrow()
            .get(func.index)
            .cloned()
            .ok_or_else(ended)?;
        let rt = self.runtime.get().ok_or_else(ended)?;
        let values = args
            .iter()
            .map(crate::sql::to_python)
            .collect::<Result<Vec<_>, _>>()?;
        self.worker_depth.set(self.worker_depth.get() + 1);
        let result = rt.call(&f, Args::positional(values));
        self.worker_depth.set(self.worker_depth.get() - 1);
        Ok(crate::sql::from_python(&result?, &data_type))
    }

    /// Keeps `rt` as the runtime that calls the streams' functions back.
    pub fn remember_runtime(&self, rt: &Runtime) {
        self.runtime.get_or_init(|| rt.clone());
    }

    /// `print` from Python: to stdout at the top level and in the batch's
    /// phases, to the worker log from an executor-side function.
    pub fn print(&self, text: &str) {
        if self.worker_depth.get() > 0 {
            self.worker_text.borrow_mut().push_str(text);
            return;
        }
        match self.phase.get() {
            Phase::TopLevel => self.stdout.borrow_mut().push_str(text),
            Phase::Generation => self.generation_text.borrow_mut().push_str(text),
            Phase::Jobs => self.jobs_text.borrow_mut().push_str(text),
        }
    }

    /// Whether the running batch has failed.
    #[inline]
    pub fn faulted(&self) -> bool {
        self.halt.get()
    }

    /// The running batch's error, if it failed; the next batch starts without one.
    pub fn take_fault(&self) -> Option<Fault> {
        self.halt.set(false);
        self.fault.borrow_mut().take()
    }

    /// Records `error` as the batch's error unless one came first; a later
    /// report can only stop the batch's jobs from running, never restart them.
    pub fn fail(&self, error: PyError, jobs_run: bool) {
        let mut fault = self.fault.borrow_mut();
        match &mut *fault {
            Some(first) => first.jobs_run &= jobs_run,
            None => {
                *fault = Some(Fault { error, jobs_run });
                self.halt.set(true);
            }
        }
    }

    /// Calls `f` as Spark's executors do: `None` once the batch has failed
    /// (this call's error is recorded as the batch's, and nothing more is
    /// evaluated). Its prints go to the worker log.
    #[inline]
    pub fn call_worker(&self, rt: &Runtime, f: &Value, args: impl Into<Params>) -> Option<Value> {
        if self.faulted() {
            return None;
        }
        match self.run_worker(rt, f, args) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e, true);
                None
            }
        }
    }

    /// Calls `f` as an executor-side function: its prints go to the worker log.
    #[inline]
    pub fn run_worker(
        &self,
        rt: &Runtime,
        f: &Value,
        args: impl Into<Params>,
    ) -> Result<Value, PyError> {
        self.worker_depth.set(self.worker_depth.get() + 1);
        let result = match args.into() {
            Params::One(a) => rt.call1(f, a),
            Params::Two(a, b) => rt.call2(f, a, b),
        };
        self.worker_depth.set(self.worker_depth.get() - 1);
        result
    }

    /// Makes `f` callable from the streams' closures.
    pub fn register(self: &Rc<Self>, f: Value, rt: &Runtime) -> Func {
        self.remember_runtime(rt);
        let quick = dstream_python::quick(&f);
        let mut functions = self.functions.borrow_mut();
        functions.push(f);
        Func {
            job: Rc::downgrade(self),
            halt: self.halt.clone(),
            index: functions.len() - 1,
            quick,
        }
    }

    /// Adds a node made by the program's current call to the graph
    /// description, watched by `watch`; returns its id.
    pub fn add_node(
        &self,
        op: &str,
        parents: Vec<usize>,
        kind: NodeKind,
        slide_ms: i64,
        watch: Watch,
    ) -> usize {
        let line = self.runtime.get().map(|rt| rt.current_line());
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len();
        nodes.push(StreamNode {
            id,
            op: op.to_string(),
            parents,
            line: line.filter(|l| *l > 0),
            kind,
            slide_ms,
        });
        self.watches.borrow_mut().push(watch);
        id
    }

    /// The keys of every `updateStateByKey` node's state (as `repr`s, by
    /// node id), which name the update calls' keys of the next batch.
    pub fn state_keys(&self) -> Vec<(usize, Vec<String>)> {
        let watches = self.watches.borrow();
        watches
            .iter()
            .enumerate()
            .filter_map(|(id, w)| Some((id, w.updates.as_ref()?.keys_before())))
            .collect()
    }

    /// Gives the `updateStateByKey` nodes back the keys [`Self::state_keys`]
    /// read; refuses a node that is not one.
    pub fn restore_state_keys(&self, keys: &[(usize, Vec<String>)]) -> Result<(), String> {
        let watches = self.watches.borrow();
        for (id, keys) in keys {
            let log = watches.get(*id).and_then(|w| w.updates.as_ref());
            let log = log.ok_or_else(|| format!("it names no updateStateByKey at node #{id}"))?;
            log.set_keys_before(keys.clone());
        }
        Ok(())
    }

    /// What every node did in the batch at `time_ms` (see
    /// [`Watch::batch`]); the counts start over for the next batch.
    pub fn node_batches(&self, time_ms: i64, interval_ms: i64) -> Vec<NodeBatch> {
        let nodes = self.nodes.borrow();
        let watches = self.watches.borrow();
        nodes
            .iter()
            .zip(watches.iter())
            .map(|(n, w)| w.batch(n.id, &n.kind, time_ms, self.config.start_ms, interval_ms))
            .collect()
    }
}

/// The arguments of an executor-side call: every function PySpark calls on
/// the executors takes one (`map`, `filter`, ...) or two (`reduceByKey`,
/// `updateStateByKey`), and the interpreter takes each count on a quick path
/// with no argument list.
pub(crate) enum Params {
    One(Value),
    Two(Value, Value),
}

impl From<Value> for Params {
    fn from(a: Value) -> Params {
        Params::One(a)
    }
}

impl From<(Value, Value)> for Params {
    fn from((a, b): (Value, Value)) -> Params {
        Params::Two(a, b)
    }
}

/// The arguments of a call a stream makes, borrowed from its records: a
/// function with a [`Quick`] form reads them in place, and only a real call
/// takes copies.
pub(crate) enum Borrowed<'a> {
    One(&'a Value),
    Two(&'a Value, &'a Value),
}

impl<'a> From<&'a Value> for Borrowed<'a> {
    fn from(a: &'a Value) -> Borrowed<'a> {
        Borrowed::One(a)
    }
}

impl<'a> From<(&'a Value, &'a Value)> for Borrowed<'a> {
    fn from((a, b): (&'a Value, &'a Value)) -> Borrowed<'a> {
        Borrowed::Two(a, b)
    }
}

impl Borrowed<'_> {
    /// What `quick` gives for these arguments, if it gives anything.
    #[inline]
    fn quick(&self, quick: &Quick) -> Option<Value> {
        match *self {
            Borrowed::One(a) => quick.call1(a),
            Borrowed::Two(a, b) => quick.call2(a, b),
        }
    }

    /// The arguments of a real call.
    fn owned(&self) -> Params {
        match *self {
            Borrowed::One(a) => Params::One(a.clone()),
            Borrowed::Two(a, b) => Params::Two(a.clone(), b.clone()),
        }
    }
}

/// A Python function a stream calls, named by its place in the job's list.
#[derive(Clone)]
pub(crate) struct Func {
    job: Weak<JobState>,
    /// The job's [`JobState::halt`].
    halt: Rc<Cell<bool>>,
    index: usize,
    /// The function's body as data, when it has a shape that needs no call
    /// (`lambda x, y: x + y`, `lambda x: (x, 1)`, ...): such a record is
    /// computed in place, and any other goes through the interpreter.
    quick: Option<Quick>,
}

impl Func {
    /// The job and the function, if the job is alive.
    #[inline]
    fn parts(&self) -> Option<(Rc<JobState>, Value)> {
        let job = self.job.upgrade()?;
        let f = job.functions.borrow().get(self.index)?.clone();
        Some((job, f))
    }

    /// What the function's quick form gives for `args`, if it has one that
    /// gives something (else a real call is needed).
    #[inline(always)]
    fn quick_value(&self, args: &Borrowed) -> Option<Value> {
        args.quick(self.quick.as_ref()?)
    }

    /// What the function's quick form gives for a UDF's arguments (one or two), if it has one
    /// that gives something: no call, so nothing printed and no worker run (else a real call
    /// is needed).
    fn quick_udf(&self, args: &[SqlValue]) -> Result<Option<Value>, PyError> {
        let Some(quick) = &self.quick else {
            return Ok(None);
        };
        let to_python = crate::sql::to_python;
        Ok(match args {
            [a] => Borrowed::One(&to_python(a)?).quick(quick),
            [a, b] => Borrowed::Two(&to_python(a)?, &to_python(b)?).quick(quick),
            _ => None,
        })
    }

    /// Calls the function as Spark's executors do, record by record: `None`
    /// once the batch has failed (this call's error is recorded as the
    /// batch's, and nothing more is evaluated).
    #[inline(always)]
    pub fn worker<'a>(&self, args: impl Into<Borrowed<'a>>) -> Option<Value> {
        let args = args.into();
        if self.halt.get() {
            return None;
        }
        self.quick_value(&args).or_else(|| self.called(&args))
    }

    /// Puts `f(acc, v)` in `acc`, as a reduce merges a key's values (see
    /// [`Self::worker`]; `acc` is left as it was once the batch has failed):
    /// an int's sum is made in place.
    #[inline(always)]
    pub fn merge(&self, acc: &mut Value, v: &Value) {
        if self.halt.get() {
            return;
        }
        if !self.quick.as_ref().is_some_and(|q| q.call2_into(acc, v)) {
            self.merge_called(acc, v);
        }
    }

    /// [`Self::merge`] by the quick form's value or a real call (apart, so
    /// that the in-place path stays small).
    #[inline(never)]
    fn merge_called(&self, acc: &mut Value, v: &Value) {
        let args = Borrowed::Two(acc, v);
        if let Some(r) = self.quick_value(&args).or_else(|| self.called(&args)) {
            *acc = r;
        }
    }

    /// [`Self::worker`]'s real call (apart, so that the quick path stays small).
    #[inline(never)]
    fn called(&self, args: &Borrowed) -> Option<Value> {
        let (job, f) = self.parts()?;
        job.call_worker(job.runtime.get()?, &f, args.owned())
    }

    /// Calls the function as Spark's executors do, keeping its error as a
    /// value (for a record that becomes a failed one): `None` once the batch
    /// has failed or the job has ended.
    #[inline]
    pub fn try_worker<'a>(&self, args: impl Into<Borrowed<'a>>) -> Option<Result<Value, PyError>> {
        let args = args.into();
        if self.halt.get() {
            return None;
        }
        match self.quick_value(&args) {
            Some(v) => Some(Ok(v)),
            None => self.try_called(&args),
        }
    }

    /// [`Self::try_worker`]'s real call.
    #[inline(never)]
    fn try_called(&self, args: &Borrowed) -> Option<Result<Value, PyError>> {
        let (job, f) = self.parts()?;
        Some(job.run_worker(job.runtime.get()?, &f, args.owned()))
    }

    /// Whether the function's quick form makes a 2-tuple of its one
    /// argument and constants, so that [`Self::worker_pair`] answers every
    /// call of a running batch.
    pub fn makes_pair(&self) -> bool {
        self.quick.as_ref().is_some_and(Quick::makes_pair)
    }

    /// The items of the 2-tuple a call on `x` returns, where they are: `x`
    /// or the function's constants (see [`Self::makes_pair`]); `None` once
    /// the batch has failed.
    #[inline]
    pub fn worker_pair<'a>(&'a self, x: &'a Value) -> Option<(&'a Value, &'a Value)> {
        if self.halt.get() {
            return None;
        }
        self.quick.as_ref()?.call1_pair_ref(x)
    }

    /// [`Self::try_worker`] on `str(line)`, a line of the live input: a
    /// quick form that reads only the text needs no `str` value.
    #[inline]
    pub fn try_worker_line(&self, line: &Line) -> Option<Result<Value, PyError>> {
        if self.halt.get() {
            return None;
        }
        if let Some(v) = self.quick.as_ref().and_then(|q| q.call1_line(line)) {
            return Some(Ok(v));
        }
        self.try_worker(&Value::str(line))
    }

    /// Calls the function on the driver (`transform`, `foreachRDD`).
    pub fn driver(&self, args: Vec<Value>) -> Result<Value, PyError> {
        let ended = || PyError::new("RuntimeError", "the job this function belongs to has ended");
        let (job, f) = self.parts().ok_or_else(ended)?;
        let rt = job.runtime.get().ok_or_else(ended)?;
        rt.call(&f, Args::positional(args))
    }
}
