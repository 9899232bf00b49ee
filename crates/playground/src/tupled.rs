//! The records of a `map` whose function makes 2-tuples of its argument and
//! constants (`lambda x: (x, 1)`, known from its quick form): the tuples'
//! items, not yet built into tuples. A keyed operation reading the stream
//! (`reduceByKey`, ...) takes the items as its key and value, so the
//! notebook's `map(lambda x: (x, 1)).reduceByKey(...)` allocates no tuple per
//! record; anything else reads the records as the tuples Python sees.

use dstream_engine::python::PyRepr;
use dstream_python::{PyError, Value};
use serde::{Deserialize, Serialize};

use crate::partitions::{checked, is_marker};
use crate::values::check_hashable;

/// One record of such a stream.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) enum Tupled {
    /// The tuple `(key, value)`.
    Pair(Value, Value),
    /// A record that is not a tuple the function made: a marker passed on
    /// (see `partitions`), or the `None` a call gives once the batch failed.
    Whole(Value),
}

impl Tupled {
    /// The record as Python sees it.
    #[inline]
    pub fn value(&self) -> Value {
        match self {
            Tupled::Pair(k, v) => Value::tuple(vec![k.clone(), v.clone()]),
            Tupled::Whole(x) => x.clone(),
        }
    }

    /// The record as a keyed operation reads it: `Err` for a failed record
    /// or an unhashable key, `None` for a partition end, as
    /// [`crate::values::key_value`] reads the tuple. (A `None` record after
    /// the batch failed reports an error nobody sees: the batch's first
    /// error stands.)
    #[inline]
    pub fn key_value(&self) -> Result<Option<(Value, Value)>, PyError> {
        match self {
            Tupled::Pair(k, v) => {
                check_hashable(k)?;
                Ok(Some((k.clone(), v.clone())))
            }
            Tupled::Whole(x) if is_marker(x) => checked(x).map(|_| None),
            Tupled::Whole(x) => crate::values::key_value(x).map(Some),
        }
    }
}

impl PyRepr for Tupled {
    fn py_repr(&self, out: &mut String) {
        self.value().py_repr(out)
    }
}
