//! The DStream graph: nodes that compute one RDD per valid batch time, remember
//! as many as their children will ask for again, and can be checkpointed.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::EngineError;
use crate::python::{PyHash, PyRepr};
use crate::rdd::Rdd;
use crate::window_path::PathSlot;

/// What a DStream may carry: cloneable, printable as Python prints it, and
/// serializable so that stateful streams can be checkpointed.
pub trait Record: Clone + PyRepr + Serialize + DeserializeOwned + 'static {}
impl<T: Clone + PyRepr + Serialize + DeserializeOwned + 'static> Record for T {}

/// What may be a key of a pair DStream: a record that hashes as PySpark hashes it.
pub trait Key: Record + Eq + std::hash::Hash + PyHash {}
impl<T: Record + Eq + std::hash::Hash + PyHash> Key for T {}

/// The streaming clock shared by every node of one context.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    /// Spark's `zeroTime`: one interval before the first batch; set at start.
    pub zero_ms: Cell<i64>,
    /// The batch being computed, or the last one computed.
    pub now_ms: Cell<i64>,
    /// Whether `start()` (or a restore) has happened.
    pub started: Cell<bool>,
}

/// A computed result for one time: `None` when Spark's `compute` returns None.
pub(crate) type Computed<T> = Option<Rc<Rdd<T>>>;

/// Something run once per batch time (an output operation, an input drain).
pub(crate) type BatchHook = Rc<dyn Fn(i64)>;

/// The function that computes a node's RDD for a valid time.
pub(crate) type ComputeFn<T> = Box<dyn Fn(&Node<T>, i64) -> Computed<T>>;

/// The function that feeds a node's records for a valid time to a sink, one by
/// one, without building the RDD; it returns the partition count, or `None`
/// where `compute` would return `None`.
///
/// Spark pipelines narrow transformations (`map`, `filter`, `flatMap`) through
/// iterators within a stage: `lines.map(f).map(g).reduceByKey(h)` never holds
/// the mapped records of a batch. Piping does the same here.
pub(crate) type PipeFn<T> = Box<dyn Fn(i64, &mut dyn FnMut(&T)) -> Option<usize>>;

/// One DStream of the graph.
pub(crate) struct Node<T> {
    pub id: usize,
    pub clock: Rc<Clock>,
    pub slide_ms: i64,
    /// How far back, before the time being computed, this node asks itself.
    pub self_lookback_ms: i64,
    /// How long computed results are kept (set from the children's needs).
    pub keep_ms: Cell<i64>,
    pub cache: RefCell<BTreeMap<i64, Computed<T>>>,
    pub compute: ComputeFn<T>,
    /// How to stream the records instead of computing the RDD, for narrow
    /// transformations and inputs.
    pub pipe: Option<PipeFn<T>>,
    /// How many streams and outputs read this one.
    pub consumers: Cell<usize>,
}

impl<T: Record> Node<T> {
    /// Spark's `isTimeValid`: after the zero time and on a multiple of the slide.
    pub fn is_time_valid(&self, t: i64) -> bool {
        let zero = self.clock.zero_ms.get();
        t > zero && (t - zero) % self.slide_ms == 0
    }

    /// Spark's `getOrCompute`: the remembered RDD, or a freshly computed one.
    pub fn get_or_compute(&self, t: i64) -> Computed<T> {
        if let Some(hit) = self.cache.borrow().get(&t) {
            return hit.clone();
        }
        if !self.is_time_valid(t) {
            return None;
        }
        let result = (self.compute)(self, t);
        self.cache.borrow_mut().insert(t, result.clone());
        result
    }

    /// Feeds the records for `t` to `sink` in RDD order; returns the partition
    /// count, or `None` if there is no RDD for `t`. A node that nobody else
    /// reads and that keeps nothing streams its records through its pipe
    /// (nothing is built or remembered); otherwise the RDD is computed once,
    /// remembered for the batch, and read from there.
    pub fn for_each(&self, t: i64, sink: &mut dyn FnMut(&T)) -> Option<usize> {
        let hit = self.cache.borrow().get(&t).cloned();
        let rdd = match hit {
            Some(hit) => hit,
            None => {
                if !self.is_time_valid(t) {
                    return None;
                }
                if let Some(pipe) = &self.pipe {
                    if self.keep_ms.get() == 0 && self.consumers.get() <= 1 {
                        return pipe(t, sink);
                    }
                }
                self.get_or_compute(t)
            }
        }?;
        Some(rdd.for_each(sink))
    }

    /// Spark's `slice`: the RDDs of the valid times in `[from, to]`, oldest
    /// first, each with its time.
    pub fn slice(&self, from: i64, to: i64) -> Vec<(i64, Rc<Rdd<T>>)> {
        let zero = self.clock.zero_ms.get();
        let s = self.slide_ms;
        // Spark floors both ends onto the stream's slide grid.
        let align = |t: i64| zero + (t - zero).div_euclid(s) * s;
        let (from, to) = (align(from), align(to));
        let mut out = Vec::new();
        let mut t = from;
        while t <= to {
            if t > zero {
                if let Some(rdd) = self.get_or_compute(t) {
                    out.push((t, rdd));
                }
            }
            t += s;
        }
        out
    }
}

/// A node seen without its record type: what the graph needs for memory
/// management and checkpoints.
pub(crate) trait AnyNode {
    fn id(&self) -> usize;
    /// Counts one more stream or output reading this one.
    fn add_consumer(&self);
    fn self_lookback_ms(&self) -> i64;
    fn set_keep_ms(&self, ms: i64);
    fn keep_ms(&self) -> i64;
    /// Computes the node's RDD for `t` if `t` is one of its times.
    fn touch(&self, t: i64);
    /// Forgets results older than `now - keep`.
    fn forget_before(&self, now: i64);
    /// The remembered results, serialized, for a checkpoint.
    fn snapshot(&self) -> Result<Vec<(i64, Option<serde_json::Value>)>, EngineError>;
    /// Puts remembered results back from a checkpoint.
    fn restore(&self, entries: &[(i64, Option<serde_json::Value>)]) -> Result<(), EngineError>;
    fn remembered(&self) -> usize;
}

impl<T: Record> AnyNode for Node<T> {
    fn id(&self) -> usize {
        self.id
    }
    fn add_consumer(&self) {
        self.consumers.set(self.consumers.get() + 1)
    }
    fn self_lookback_ms(&self) -> i64 {
        self.self_lookback_ms
    }
    fn set_keep_ms(&self, ms: i64) {
        self.keep_ms.set(ms)
    }
    fn keep_ms(&self) -> i64 {
        self.keep_ms.get()
    }
    fn touch(&self, t: i64) {
        self.get_or_compute(t);
    }
    fn forget_before(&self, now: i64) {
        let limit = now - self.keep_ms.get();
        let mut cache = self.cache.borrow_mut();
        let keep = cache.split_off(&limit);
        *cache = keep;
    }
    fn snapshot(&self) -> Result<Vec<(i64, Option<serde_json::Value>)>, EngineError> {
        self.cache
            .borrow()
            .iter()
            .map(|(t, rdd)| {
                let value = match rdd {
                    Some(rdd) => Some(serde_json::to_value(&**rdd).map_err(|e| {
                        EngineError::Checkpoint(format!("a record could not be saved ({e})"))
                    })?),
                    None => None,
                };
                Ok((*t, value))
            })
            .collect()
    }
    fn restore(&self, entries: &[(i64, Option<serde_json::Value>)]) -> Result<(), EngineError> {
        let mut cache = BTreeMap::new();
        for (t, value) in entries {
            let rdd = match value {
                Some(v) => Some(Rc::new(
                    serde_json::from_value::<Rdd<T>>(v.clone()).map_err(|e| {
                        EngineError::Checkpoint(format!(
                            "the saved records of stream #{} do not fit it ({e})",
                            self.id
                        ))
                    })?,
                )),
                None => None,
            };
            cache.insert(*t, rdd);
        }
        *self.cache.borrow_mut() = cache;
        Ok(())
    }
    fn remembered(&self) -> usize {
        self.cache.borrow().len()
    }
}

/// Everything known about one node, kept by the graph.
pub(crate) struct NodeEntry {
    pub node: Rc<dyn AnyNode>,
    /// What the node is, e.g. `reduceByKeyAndWindow(20000 ms, 10000 ms, inverse)`:
    /// a checkpoint only fits a graph with the same descriptions.
    pub describe: String,
    /// Parents, each with how far back before a time this node asks it.
    pub parents: Vec<(usize, i64)>,
    /// Spark's `mustCheckpoint`.
    pub must_checkpoint: bool,
    /// It is a live input or reads one, through any parent.
    pub fed_live: bool,
}

impl NodeEntry {
    /// Whether the node is computed only when something asks for one of its
    /// times, as Spark computes every stream: an output, or a stream an output
    /// reads, asks, and a window may ask for a time long after it ran. Spark
    /// can wait because it keeps each batch's input (a live input's blocks are
    /// allocated to their batch time; a queue is read when asked) and
    /// recomputes from the lineage. Here a live input's batch exists only while
    /// it runs, so a stream reading one is computed at every batch if a window
    /// will look back into it. Stateful streams (a state, a window built on the
    /// previous one) are too: computing one time asks for every earlier one, so
    /// Spark computes each of their times in order anyway. That leaves streams
    /// fed only by queues, which wait to be asked, so that a queue gives up a
    /// batch exactly when Spark's would.
    pub fn computed_when_asked(&self) -> bool {
        !self.fed_live && self.node.self_lookback_ms() == 0
    }
}

/// The graph of one streaming context.
pub(crate) struct Graph {
    pub batch_ms: i64,
    pub parallelism: Cell<usize>,
    pub clock: Rc<Clock>,
    pub checkpoint_dir: RefCell<Option<String>>,
    pub nodes: RefCell<Vec<NodeEntry>>,
    /// Output operations in registration order; each runs for every batch time.
    pub outputs: RefCell<Vec<BatchHook>>,
    /// What `pprint()` printed and nobody has taken yet.
    pub console: RefCell<String>,
    /// Per window stream (by node id), the path its latest window took.
    pub window_paths: RefCell<BTreeMap<usize, PathSlot>>,
}

impl Graph {
    /// Sets how long each node remembers: as far back as any child (or the
    /// node itself) asks it. Spark remembers every ancestor of a window for the
    /// whole window; here each node keeps its own results, so a child computed
    /// at every batch only ever computes the current time and asks its parents
    /// that far back. A child computed only when asked (see
    /// [`NodeEntry::computed_when_asked`]) may compute a time as old as it
    /// remembers, so its parents keep that much longer: otherwise a queue
    /// would be asked again for a time it already gave up.
    pub fn plan_memory(&self) {
        let nodes = self.nodes.borrow();
        let mut keep: Vec<i64> = nodes.iter().map(|n| n.node.self_lookback_ms()).collect();
        // Children come after their parents, so walking back settles each
        // child's keep before its parents read it.
        for (id, child) in nodes.iter().enumerate().rev() {
            let late = if child.computed_when_asked() {
                keep[id]
            } else {
                0
            };
            for &(parent, lookback) in &child.parents {
                keep[parent] = keep[parent].max(lookback + late);
            }
        }
        for (n, k) in nodes.iter().zip(keep) {
            n.node.set_keep_ms(k);
        }
    }
}
