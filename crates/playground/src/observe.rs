//! What the job watches while the engine runs a batch, for the teaching
//! views: the records each node makes, an `updateStateByKey` function's
//! calls, the batches a window covers. Each node registers its [`Watch`]
//! with its description; the job reads the watches once per batch
//! ([`Watch::batch`]).
//!
//! The cost per record is one counter increment: a narrow operation counts
//! the records its closure emits; other nodes (keyed, windowed, stateful:
//! few records, or whole batches) are counted as their records leave them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dstream_engine::python::{partition_of, PyRepr};
use dstream_engine::{DStream, Duration, Record, WindowPath};
use dstream_python::Value;

use crate::graph::{NodeBatch, NodeKind, UpdateCall, WindowCover, MAX_CALLS, MAX_VALUES};
use crate::partitions::is_marker;
use crate::stream::Flow;
use crate::tupled::Tupled;

/// A node's record count in the running batch, shared by the closures that
/// count and the job that reads it.
#[derive(Clone, Default)]
pub(crate) struct Tally(Rc<Cell<u64>>);

impl Tally {
    /// Counts `n` more records.
    #[inline]
    pub fn add(&self, n: u64) {
        self.0.set(self.0.get() + n);
    }

    /// The count so far, starting the next from 0.
    fn take(&self) -> u64 {
        self.0.replace(0)
    }
}

/// One update call as the engine made it.
struct RawCall {
    values: Vec<String>,
    values_not_shown: usize,
    previous: Option<String>,
    result: Option<String>,
}

/// An `updateStateByKey` node's calls, and the keys of its state: the
/// engine hands the function no key, so a call's key is read back from the
/// state. The calls with a previous state come in the order of the state
/// before the batch (keys keep their places), and those with a result in
/// the order of the state after it.
#[derive(Default)]
pub(crate) struct UpdateLog {
    calls: RefCell<Vec<RawCall>>,
    /// Calls beyond [`MAX_CALLS`] in the running batch.
    not_shown: Cell<u64>,
    /// The first keys of the state before the batch, in order.
    before: RefCell<Vec<String>>,
    /// The first keys of the state the batch made, in order.
    after: RefCell<Vec<String>>,
    /// Whether the state was computed in the running batch (a call was made or a key came out).
    computed: Cell<bool>,
}

impl UpdateLog {
    /// A log whose state starts as `initial` (`initialRDD`), in the order the
    /// engine visits it: grouped stably by hash partition.
    pub fn new(initial: Option<&[(Value, Value)]>, partitions: usize) -> UpdateLog {
        let mut keys: Vec<&Value> = initial.unwrap_or_default().iter().map(|(k, _)| k).collect();
        if partitions > 1 {
            keys.sort_by_key(|k| partition_of(*k, partitions));
        }
        let log = UpdateLog::default();
        *log.before.borrow_mut() = keys
            .into_iter()
            .take(MAX_CALLS)
            .map(PyRepr::repr_string)
            .collect();
        log
    }

    /// Records a call `f(values, previous) -> result`.
    pub fn call(&self, values: &[Value], previous: Option<&Value>, result: Option<&Value>) {
        // Every key of the state gets a call: a batch that dropped them all made a state too.
        self.computed.set(true);
        let mut calls = self.calls.borrow_mut();
        if calls.len() >= MAX_CALLS {
            self.not_shown.set(self.not_shown.get() + 1);
            return;
        }
        calls.push(RawCall {
            values: values
                .iter()
                .take(MAX_VALUES)
                .map(PyRepr::repr_string)
                .collect(),
            values_not_shown: values.len().saturating_sub(MAX_VALUES),
            previous: previous.map(PyRepr::repr_string),
            result: result.map(PyRepr::repr_string),
        });
    }

    /// The first keys of the state the last batch made, in order (what a
    /// checkpoint keeps to name the next batch's calls).
    pub fn keys_before(&self) -> Vec<String> {
        self.before.borrow().clone()
    }

    /// Starts from a state whose first keys are `keys` (a restored checkpoint's).
    pub fn set_keys_before(&self, keys: Vec<String>) {
        *self.before.borrow_mut() = keys;
    }

    /// Records a key of the state the batch made (in order).
    fn key_out(&self, key: &Value) {
        self.computed.set(true);
        let mut after = self.after.borrow_mut();
        if after.len() < MAX_CALLS {
            after.push(key.repr_string());
        }
    }

    /// The batch's calls with their keys; the state made becomes the state
    /// before the next batch.
    fn take_calls(&self) -> (Vec<UpdateCall>, u64) {
        let raw = std::mem::take(&mut *self.calls.borrow_mut());
        let (mut had_state, mut kept) = (0, 0);
        let calls = {
            let (before, after) = (self.before.borrow(), self.after.borrow());
            raw.into_iter()
                .map(|c| {
                    let key = if c.previous.is_some() {
                        had_state += 1;
                        before.get(had_state - 1).cloned()
                    } else {
                        None
                    };
                    let key = if c.result.is_some() {
                        kept += 1;
                        key.or_else(|| after.get(kept - 1).cloned())
                    } else {
                        key
                    };
                    UpdateCall {
                        key,
                        values: c.values,
                        values_not_shown: c.values_not_shown,
                        previous: c.previous,
                        result: c.result,
                    }
                })
                .collect()
        };
        if self.computed.replace(false) {
            *self.before.borrow_mut() = std::mem::take(&mut *self.after.borrow_mut());
        }
        (calls, self.not_shown.replace(0))
    }
}

/// Reads the path a window reduced by `reduceByKeyAndWindow` (or an operation
/// PySpark builds on it) took at its latest window.
pub(crate) type PathReader = Box<dyn Fn() -> Option<WindowPath>>;

/// What the job watches of one node.
#[derive(Default)]
pub(crate) struct Watch {
    /// Its records in the running batch (none for an output).
    pub records: Option<Tally>,
    /// The same records counted again where a reader makes them itself (a
    /// pair map's, see `tupled`): whoever made them, they are the same
    /// records, so the node shows the larger count.
    pub records_again: Option<Tally>,
    /// Its update calls (an `updateStateByKey` node).
    pub updates: Option<Rc<UpdateLog>>,
    /// The path its windows took (a `reduceByKeyAndWindow`, `reduceByWindow`,
    /// `countByWindow` or `countByValueAndWindow` node).
    pub path: Option<PathReader>,
}

impl Watch {
    /// What node `id` of kind `kind` did in the batch at `time_ms` of a job
    /// whose batches are `interval_ms` apart from `zero_ms`; starts the
    /// next batch's counts.
    pub fn batch(
        &self,
        id: usize,
        kind: &NodeKind,
        time_ms: i64,
        zero_ms: i64,
        interval_ms: i64,
    ) -> NodeBatch {
        let (updates, updates_not_shown) = match &self.updates {
            Some(log) => log.take_calls(),
            None => (Vec::new(), 0),
        };
        let window = match *kind {
            NodeKind::Window {
                window_ms,
                slide_ms,
            } if (time_ms - zero_ms) % slide_ms == 0 => {
                let path = self
                    .path
                    .as_ref()
                    .and_then(|read| read())
                    .filter(|p| p.time_ms == time_ms);
                let first = (time_ms - window_ms + interval_ms).max(zero_ms + interval_ms);
                Some(WindowCover {
                    time_ms,
                    batches_ms: (first..=time_ms)
                        .step_by(interval_ms.max(1) as usize)
                        .collect(),
                    path,
                })
            }
            _ => None,
        };
        NodeBatch {
            id,
            records: self.records.as_ref().map(|n| {
                n.take()
                    .max(self.records_again.as_ref().map_or(0, Tally::take))
            }),
            updates,
            updates_not_shown,
            window,
        }
    }
}

/// `flow` with its records counted into `tally` as they leave the node
/// (the partition-end and failed-record markers are not records), and the
/// keys of a state logged into `log`.
pub(crate) fn counted(flow: Flow, tally: &Tally, log: Option<&Rc<UpdateLog>>) -> Flow {
    let tally = tally.clone();
    match flow {
        Flow::Values(s) => Flow::Values(s.map(move |x| {
            if !is_marker(x) {
                tally.add(1);
            }
            x.clone()
        })),
        Flow::Lines(s) => Flow::Lines(s.map(move |line| {
            tally.add(1);
            line.clone()
        })),
        // Only a `map` keeps pairs apart, and it counts its own records:
        // counted here, they are read as the tuples they are.
        Flow::Tuples(s) => counted(Flow::Values(s.stream().map(Tupled::value)), &tally, log),
        Flow::Pairs(s) => {
            let log = log.cloned();
            Flow::Pairs(s.map(move |(k, v)| {
                tally.add(1);
                if let Some(log) = &log {
                    log.key_out(k);
                }
                (k.clone(), v.clone())
            }))
        }
    }
}

/// What a new stream's registration records besides its op and parents.
pub(crate) struct NewNode {
    /// Its kind.
    pub kind: NodeKind,
    /// Its record count, when its own closures (or the job, for the input)
    /// count it; `None`: counted as its records leave it.
    pub counted: Option<Tally>,
    /// Its records counted again by the readers that make them (see [`Watch::records_again`]).
    pub counted_again: Option<Tally>,
    /// Its update calls (`updateStateByKey`).
    pub updates: Option<Rc<UpdateLog>>,
    /// The path its windows take (`reduceByKeyAndWindow` and the operations
    /// PySpark builds on it).
    pub path: Option<PathReader>,
}

impl Default for NewNode {
    fn default() -> Self {
        NewNode {
            kind: NodeKind::Transform,
            counted: None,
            counted_again: None,
            updates: None,
            path: None,
        }
    }
}

impl NewNode {
    /// The job's input, whose lines the job counts.
    pub fn input(lines: &Tally) -> NewNode {
        NewNode {
            kind: NodeKind::Input,
            counted: Some(lines.clone()),
            ..NewNode::default()
        }
    }

    /// A window of `window` every `slide`.
    pub fn window(window: Duration, slide: Duration) -> NewNode {
        NewNode {
            kind: NodeKind::Window {
                window_ms: window.as_millis(),
                slide_ms: slide.as_millis(),
            },
            ..NewNode::default()
        }
    }

    /// A window of `window` every `slide` reduced by `reduceByKeyAndWindow`
    /// (or an operation PySpark builds on it): `reduced`'s windows record their
    /// paths.
    pub fn reduced_window<T: Record>(
        window: Duration,
        slide: Duration,
        reduced: &DStream<T>,
    ) -> NewNode {
        let reduced = reduced.clone();
        NewNode {
            path: Some(Box::new(move || reduced.window_path())),
            ..NewNode::window(window, slide)
        }
    }

    /// An `updateStateByKey` whose calls go to `log`.
    pub fn state(log: &Rc<UpdateLog>) -> NewNode {
        NewNode {
            kind: NodeKind::State,
            updates: Some(log.clone()),
            ..NewNode::default()
        }
    }

    /// The stream to register for `flow` (counted as its records leave it,
    /// unless something else counts them), its kind and its watch.
    pub fn watch(self, flow: Flow) -> (Flow, NodeKind, Watch) {
        let (flow, records) = match self.counted {
            Some(tally) => (flow, tally),
            None => {
                let tally = Tally::default();
                (counted(flow, &tally, self.updates.as_ref()), tally)
            }
        };
        let watch = Watch {
            records: Some(records),
            records_again: self.counted_again,
            updates: self.updates,
            path: self.path,
        };
        (flow, self.kind, watch)
    }
}
