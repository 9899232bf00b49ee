//! The Python values PySpark hands to programs (`ResultIterable`, a batch's
//! `datetime`) and the conversions PySpark makes on records and arguments.

use std::any::Any;

use dstream_engine::time::format_batch_time;
use dstream_engine::Duration;
use dstream_python::iterate::iterate;
use dstream_python::{Args, Native, PyError, Value};

/// Binds a method's arguments as Python does for `def name(self, p0, ...)`:
/// the error messages count `self` where Python counts it. `qualname` is
/// e.g. `DStream.window`; returns one slot per parameter after `self`.
pub fn bind_method(
    args: &Args,
    qualname: &str,
    params: &[&str],
    required: usize,
) -> Result<Vec<Option<Value>>, PyError> {
    let mut with_self = args.clone();
    with_self.positional.insert(0, Value::None);
    let mut names = vec!["self"];
    names.extend_from_slice(params);
    let mut slots = with_self.bind(qualname, &names, required + 1)?;
    slots.remove(0);
    Ok(slots)
}

/// A duration given in seconds as PySpark takes it (`int(seconds * 1000)` ms).
pub fn seconds(value: &Value, what: &str) -> Result<Duration, PyError> {
    match value {
        Value::Int(s) => s
            .checked_mul(1000)
            .map(Duration::from_millis)
            .ok_or_else(|| PyError::new("OverflowError", format!("{what} is too large"))),
        Value::Bool(b) => Ok(Duration::from_secs(i64::from(*b))),
        Value::Float(s) if s.is_finite() => Ok(Duration::from_secs_f64(*s)),
        Value::Float(_) => Err(PyError::value_error(format!(
            "{what} must be a finite number of seconds"
        ))),
        other => Err(PyError::type_error(format!(
            "{what} must be a number of seconds (int or float), not '{}'",
            other.type_name()
        ))),
    }
}

/// An optional argument: absent or `None` alike, as PySpark's defaults are `None`.
pub fn given(slot: &Option<Value>) -> Option<&Value> {
    match slot {
        None | Some(Value::None) => None,
        Some(v) => Some(v),
    }
}

/// `numPartitions` as PySpark takes it: `None` for the default parallelism.
pub fn partitions(slot: &Option<Value>) -> Result<Option<usize>, PyError> {
    match given(slot) {
        None => Ok(None),
        Some(Value::Int(n)) if *n >= 1 => Ok(Some(*n as usize)),
        Some(Value::Int(n)) => Err(PyError::new(
            "IllegalArgumentException",
            format!("requirement failed: Number of partitions ({n}) must be positive."),
        )),
        Some(other) => Err(PyError::type_error(format!(
            "numPartitions must be an int, not '{}'",
            other.type_name()
        ))),
    }
}

/// `k, v = record`: Python's unpacking of a record into a key and a value.
#[inline]
pub fn unpack_pair(record: &Value) -> Result<(Value, Value), PyError> {
    let items = match record {
        Value::Tuple(items) if items.len() == 2 => return Ok((items[0].clone(), items[1].clone())),
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            return Err(PyError::type_error(format!(
                "cannot unpack non-iterable {} object",
                record.type_name()
            )))
        }
        other => iterate(other).map_err(|_| {
            PyError::type_error(format!(
                "cannot unpack non-iterable {} object",
                other.type_name()
            ))
        })?,
    };
    match items.len() {
        2 => Ok((items[0].clone(), items[1].clone())),
        n if n > 2 => Err(PyError::value_error(
            "too many values to unpack (expected 2)",
        )),
        n => Err(PyError::value_error(format!(
            "not enough values to unpack (expected 2, got {n})"
        ))),
    }
}

/// Python's `hash(key)` refusal: `TypeError: unhashable type: 'list'`.
#[inline(always)]
pub fn check_hashable(key: &Value) -> Result<(), PyError> {
    match key {
        // Only these hold unhashable parts or are one (a key is mostly a str or an int).
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Tuple(_) => check_parts(key),
        _ => Ok(()),
    }
}

/// [`check_hashable`] of a container.
#[inline(never)]
fn check_parts(key: &Value) -> Result<(), PyError> {
    match unhashable_part(key) {
        Some(kind) => Err(PyError::type_error(format!("unhashable type: '{kind}'"))),
        None => Ok(()),
    }
}

/// The type name Python's `hash` complains about: the first unhashable part.
#[inline]
fn unhashable_part(v: &Value) -> Option<&str> {
    match v {
        Value::List(_) | Value::Dict(_) | Value::Set(_) => Some(v.type_name()),
        Value::Tuple(items) => items.iter().find_map(unhashable_part),
        _ => None,
    }
}

/// A `(key, value)` pair of a keyed operation: unpacked, with a hashable key.
#[inline]
pub fn key_value(record: &Value) -> Result<(Value, Value), PyError> {
    let (k, v) = unpack_pair(record)?;
    check_hashable(&k)?;
    Ok((k, v))
}

/// `kv[i]`, as PySpark's `mapValues` reads a record (indexing, not unpacking).
pub fn item(record: &Value, i: usize) -> Result<Value, PyError> {
    let out_of_range =
        |kind: &str| PyError::new("IndexError", format!("{kind} index out of range"));
    match record {
        Value::Tuple(items) => items.get(i).cloned().ok_or_else(|| out_of_range("tuple")),
        Value::List(items) => items
            .borrow()
            .get(i)
            .cloned()
            .ok_or_else(|| out_of_range("list")),
        Value::Str(s) => s
            .chars()
            .nth(i)
            .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
            .ok_or_else(|| out_of_range("string")),
        other => Err(PyError::type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

/// PySpark's `ResultIterable`: a key's values after `groupByKey`.
pub struct ResultIterable {
    values: Vec<Value>,
}

impl ResultIterable {
    /// The values as a Python value.
    pub fn value(values: Vec<Value>) -> Value {
        Value::Native(std::rc::Rc::new(ResultIterable { values }))
    }
}

impl Native for ResultIterable {
    fn type_name(&self) -> &str {
        "ResultIterable"
    }

    /// CPython shows the object's address, which differs run to run; the lab
    /// shows a fixed one so that outputs can be compared.
    fn repr(&self) -> String {
        "<pyspark.resultiterable.ResultIterable object at 0x7f0000000000>".to_string()
    }

    fn iter_values(&self) -> Option<Vec<Value>> {
        Some(self.values.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The batch time PySpark passes to `transform` and `foreachRDD` functions:
/// a naive `datetime.datetime`.
pub struct BatchTime {
    ms: i64,
}

impl BatchTime {
    /// The time of a batch (naive epoch milliseconds) as a Python value.
    pub fn value(ms: i64) -> Value {
        Value::Native(std::rc::Rc::new(BatchTime { ms }))
    }
}

impl Native for BatchTime {
    fn type_name(&self) -> &str {
        "datetime"
    }

    /// `datetime.datetime(2026, 11, 24, 10, 0, 10)`: seconds and microseconds
    /// only when not zero, as CPython shows them.
    fn repr(&self) -> String {
        let text = format_batch_time(self.ms);
        let numbers: Vec<i64> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        let micros = numbers.get(6).copied().unwrap_or(0);
        let seconds = numbers.get(5).copied().unwrap_or(0);
        let shown = if micros != 0 {
            7
        } else if seconds != 0 {
            6
        } else {
            5
        };
        let fields: Vec<String> = numbers.iter().take(shown).map(i64::to_string).collect();
        format!("datetime.datetime({})", fields.join(", "))
    }

    /// `2026-11-24 10:00:10`, what `print(time)` and `pprint` show.
    fn str(&self) -> String {
        format_batch_time(self.ms)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dstream_engine::python::PyRepr;

    #[test]
    fn records_unpack_into_pairs_as_python_unpacks() {
        let pair = unpack_pair(&Value::str("ab")).unwrap();
        assert_eq!(
            (pair.0.repr_string(), pair.1.repr_string()),
            ("'a'".into(), "'b'".into())
        );
        assert_eq!(
            unpack_pair(&Value::Int(5)).unwrap_err().to_string(),
            "TypeError: cannot unpack non-iterable int object"
        );
        let three = Value::tuple(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(
            unpack_pair(&three).unwrap_err().to_string(),
            "ValueError: too many values to unpack (expected 2)"
        );
        assert_eq!(
            unpack_pair(&Value::str("x")).unwrap_err().to_string(),
            "ValueError: not enough values to unpack (expected 2, got 1)"
        );
    }

    #[test]
    fn list_keys_are_unhashable() {
        let key = Value::tuple(vec![Value::Int(1), Value::list(vec![])]);
        let record = Value::tuple(vec![key, Value::Int(1)]);
        assert_eq!(
            key_value(&record).unwrap_err().to_string(),
            "TypeError: unhashable type: 'list'"
        );
    }

    #[test]
    fn batch_times_print_as_python_datetimes() {
        let t = BatchTime::value(10_000);
        assert_eq!(t.str_string(), "1970-01-01 00:00:10");
        assert_eq!(t.repr_string(), "datetime.datetime(1970, 1, 1, 0, 0, 10)");
        assert_eq!(
            BatchTime::value(60_000).repr_string(),
            "datetime.datetime(1970, 1, 1, 0, 1)"
        );
        assert_eq!(
            BatchTime::value(500).repr_string(),
            "datetime.datetime(1970, 1, 1, 0, 0, 0, 500000)"
        );
    }

    #[test]
    fn method_arguments_bind_with_pythons_messages() {
        let none = Args::default();
        assert_eq!(
            bind_method(
                &none,
                "DStream.window",
                &["windowDuration", "slideDuration"],
                1
            )
            .unwrap_err()
            .to_string(),
            "TypeError: DStream.window() missing 1 required positional argument: 'windowDuration'"
        );
        let three = Args::positional(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(
            bind_method(
                &three,
                "DStream.window",
                &["windowDuration", "slideDuration"],
                1
            )
            .unwrap_err()
            .to_string(),
            "TypeError: DStream.window() takes from 2 to 3 positional arguments but 4 were given"
        );
    }
}
