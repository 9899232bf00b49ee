//! The records of a `map` whose function makes 2-tuples of its argument and
//! constants (`lambda x: (x, 1)`, known from its quick form): the tuples'
//! items, not yet built into tuples. A keyed operation reading the stream
//! (`reduceByKey`, ...) takes the items as its key and value, so the
//! notebook's `map(lambda x: (x, 1)).reduceByKey(...)` allocates no tuple per
//! record; anything else reads the records as the tuples Python sees.

use dstream_engine::python::PyRepr;
use dstream_python::{PyError, Value};
use serde::{Deserialize, Serialize};

use crate::partitions::checked;
use crate::values::check_hashable;

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

    /// Whether the record counts as one (a marker does not).
    pub fn is_record(&self) -> bool {
        !matches!(self, Tupled::Marker(_))
    }
}

impl PyRepr for Tupled {
    fn py_repr(&self, out: &mut String) {
        self.value().py_repr(out)
    }
}
