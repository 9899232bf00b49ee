//! The records of a `map` whose function makes 2-tuples of its argument and
//! constants (`lambda x: (x, 1)`, known from its quick form): the tuples'
//! items, not yet built into tuples. A keyed operation reading the stream
//! (`reduceByKey`, `reduceByKeyAndWindow`) reads the map's source and takes
//! the items where they are (the argument, the function's constants) as its
//! key and value, so the notebook's `map(lambda x: (x, 1)).reduceByKey(...)`
//! makes no record per line at all; anything else reads the map's own
//! stream, made when first asked for, whose records are the tuples Python
//! sees.

use std::cell::OnceCell;
use std::rc::{Rc, Weak};

use dstream_engine::python::PyRepr;
use dstream_engine::{DStream, Duration};
use dstream_python::{PyError, Value};
use serde::{Deserialize, Serialize};

use crate::observe::Tally;
use crate::partitions::{checked, is_marker};
use crate::state::{Func, JobState};
use crate::stream::fail;
use crate::values::check_hashable;

/// Where a keyed read hands a record's key and value.
type PairSink<'a> = dyn FnMut(&Value, &Value) + 'a;

/// A `map` whose function makes pairs (see the module's description).
#[derive(Clone)]
pub(crate) struct PairMap {
    /// The records the function is called on.
    source: DStream<Value>,
    f: Func,
    /// The map node's count, as its own stream counts it.
    emitted: Tally,
    /// The same records as counted by the keyed reads that make them
    /// themselves (the node shows the larger count: see `observe`).
    read: Tally,
    /// The map's own stream, once something has asked for it: made then,
    /// so that a keyed read alone leaves the source with one reader (piped,
    /// not kept).
    stream: Rc<OnceCell<DStream<Tupled>>>,
}

impl PairMap {
    /// The map of `f` (whose quick form makes pairs) over `source`,
    /// counting its records in `emitted` and `read`.
    pub fn new(source: DStream<Value>, f: Func, emitted: Tally, read: Tally) -> PairMap {
        PairMap {
            source,
            f,
            emitted,
            read,
            stream: Rc::default(),
        }
    }

    /// The map's own stream: the pairs as records.
    pub fn stream(&self) -> DStream<Tupled> {
        let (f, n) = (self.f.clone(), self.emitted.clone());
        self.stream
            .get_or_init(|| {
                self.source.map(move |x| {
                    if is_marker(x) {
                        return Tupled::Marker(x.clone());
                    }
                    match f.worker_pair(x) {
                        Some((k, v)) => {
                            n.add(1);
                            Tupled::Pair(k.clone(), v.clone())
                        }
                        None => Tupled::Halted,
                    }
                })
            })
            .clone()
    }

    /// The map's slide: its source's.
    pub fn slide_duration(&self) -> Duration {
        self.source.slide_duration()
    }

    /// The stream a keyed read reads: the map's source (see [`Self::keyed_pair`]).
    pub fn keyed_source(&self) -> DStream<Value> {
        self.source.clone()
    }

    /// How a keyed read reads each source record's pair: as the map's
    /// stream would give it, then as [`Tupled::pair`] reads it (a failed
    /// record or an unhashable key fails the batch).
    pub fn keyed_pair(&self, job: &Weak<JobState>) -> impl Fn(&Value, &mut PairSink) + 'static {
        let (f, n, job) = (self.f.clone(), self.read.clone(), job.clone());
        move |x: &Value, sink: &mut PairSink| {
            if is_marker(x) {
                if let Err(e) = checked(x) {
                    fail(&job, e);
                }
                return;
            }
            let Some((k, v)) = f.worker_pair(x) else {
                return;
            };
            n.add(1);
            match check_hashable(k) {
                Ok(()) => sink(k, v),
                Err(e) => fail(&job, e),
            }
        }
    }
}

/// One record of such a stream.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) enum Tupled {
    /// The tuple `(key, value)`.
    Pair(Value, Value),
    /// A marker passed on (see `partitions`).
    Marker(Value),
    /// What a call gives once the batch has failed: `None`, as elsewhere.
    Halted,
}

impl Tupled {
    /// The record as Python sees it.
    #[inline]
    pub fn value(&self) -> Value {
        match self {
            Tupled::Pair(k, v) => Value::tuple(vec![k.clone(), v.clone()]),
            Tupled::Marker(x) => x.clone(),
            Tupled::Halted => Value::None,
        }
    }

    /// The record as a keyed operation reads it, as
    /// [`crate::values::key_value`] reads the tuple: `Err` for a failed
    /// record or an unhashable key, `None` for a partition end. A `Halted`
    /// record gives none either: reading its `None` would only fail a batch
    /// that has failed already, whose first error stands.
    #[inline]
    pub fn pair(&self) -> Result<Option<(&Value, &Value)>, PyError> {
        match self {
            Tupled::Pair(k, v) => {
                check_hashable(k)?;
                Ok(Some((k, v)))
            }
            Tupled::Marker(x) => checked(x).map(|_| None),
            Tupled::Halted => Ok(None),
        }
    }
}

impl PyRepr for Tupled {
    fn py_repr(&self, out: &mut String) {
        self.value().py_repr(out)
    }
}
