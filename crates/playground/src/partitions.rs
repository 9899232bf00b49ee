//! Where a batch's records fail and where its partitions end, carried in the
//! records themselves between narrow operations, so that `pprint` can read a
//! batch partition by partition as Spark's `take` does.
//!
//! Spark computes a narrow chain (`map`, `filter`, `flatMap`, ...) lazily,
//! partition by partition: an error in a record of a partition nothing reads
//! never happens. The engine computes whole batches, so a record whose
//! function raised becomes a [`Failed`] record, and a narrow chain over a
//! hash-partitioned stream carries [`PartitionEnd`] markers. Operations that
//! compute every partition (shuffles, `count`, `transform`, ...) read the
//! records through [`checked`], which fails the batch on the first
//! [`Failed`] and drops the markers.

use std::any::Any;
use std::rc::Rc;

use dstream_engine::python::partition_of;
use dstream_python::{Native, PyError, Value};

/// A record whose computation raised `error`.
pub(crate) struct Failed {
    error: PyError,
}

/// The end of one partition of a batch (the next record is in a later one).
pub(crate) struct PartitionEnd;

impl Native for Failed {
    fn type_name(&self) -> &str {
        "<lab: failed record>"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Native for PartitionEnd {
    fn type_name(&self) -> &str {
        "<lab: partition end>"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A record standing for `error`.
pub(crate) fn failed(error: PyError) -> Value {
    Value::Native(Rc::new(Failed { error }))
}

/// The error a [`Failed`] record stands for.
pub(crate) fn failure(record: &Value) -> Option<&PyError> {
    match record {
        Value::Native(n) => n.as_any().downcast_ref::<Failed>().map(|f| &f.error),
        _ => None,
    }
}

/// Whether `record` is a [`Failed`] record or a [`PartitionEnd`]: narrow
/// operations pass these on untouched.
pub(crate) fn is_marker(record: &Value) -> bool {
    match record {
        Value::Native(n) => n.as_any().is::<Failed>() || n.as_any().is::<PartitionEnd>(),
        _ => false,
    }
}

fn is_end(record: &Value) -> bool {
    matches!(record, Value::Native(n) if n.as_any().is::<PartitionEnd>())
}

/// A hash-partitioned batch's pairs as `(k, v)` tuples with a
/// [`PartitionEnd`] after each of its `partitions` partitions but the last
/// (the pairs come grouped by `portable_hash(k) % partitions`).
pub(crate) fn with_partition_ends(pairs: &[(Value, Value)], partitions: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(pairs.len() + partitions);
    let mut current = 0;
    for (k, v) in pairs {
        let p = partition_of(k, partitions);
        while current < p {
            out.push(Value::Native(Rc::new(PartitionEnd)));
            current += 1;
        }
        out.push(Value::tuple(vec![k.clone(), v.clone()]));
    }
    out
}

/// The record as an operation that computes every partition reads it:
/// `Err` for a [`Failed`] record, `Ok(None)` for a marker.
pub(crate) fn checked(record: &Value) -> Result<Option<&Value>, PyError> {
    if let Some(e) = failure(record) {
        return Err(e.clone());
    }
    Ok((!is_end(record)).then_some(record))
}

/// PySpark's `RDD.take(num)`: partition 0 first, then more partitions per
/// round only while too few records were found (1, then up to 4 times as
/// many as scanned, as `take` estimates). Every record of a partition it
/// reads is computed, so a [`Failed`] record there fails the take; one in a
/// partition it never reads does not.
pub(crate) fn take(records: &[Value], num: usize) -> Result<Vec<Value>, PyError> {
    let parts: Vec<&[Value]> = records.split(is_end).collect();
    let mut items: Vec<Value> = Vec::new();
    let mut scanned = 0;
    while items.len() < num && scanned < parts.len() {
        let mut to_try = 1;
        if scanned > 0 {
            to_try = if items.is_empty() {
                scanned * 4
            } else {
                let estimate = (1.5 * num as f64 * scanned as f64 / items.len() as f64) as usize;
                estimate.saturating_sub(scanned).clamp(1, scanned * 4)
            };
        }
        let left = num - items.len();
        let round = &parts[scanned..(scanned + to_try).min(parts.len())];
        for part in round {
            if let Some(e) = part.iter().find_map(failure) {
                return Err(e.clone());
            }
        }
        for part in round {
            items.extend(part.iter().take(left).cloned());
        }
        scanned += to_try;
    }
    items.truncate(num);
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end() -> Value {
        Value::Native(Rc::new(PartitionEnd))
    }

    #[test]
    fn take_reads_later_partitions_only_when_it_needs_them() {
        let boom = failed(PyError::new("ZeroDivisionError", "division by zero"));
        let records = vec![Value::Int(1), Value::Int(2), end(), boom.clone()];
        assert_eq!(
            take(&records, 2).unwrap(),
            vec![Value::Int(1), Value::Int(2)]
        );
        assert_eq!(
            take(&records, 3).unwrap_err().to_string(),
            "ZeroDivisionError: division by zero"
        );
        // Within a partition it reads, every record is computed.
        let records = vec![Value::Int(1), boom, Value::Int(2)];
        assert!(take(&records, 1).is_err());
    }

    #[test]
    fn partition_ends_follow_the_keys_hash_partitions() {
        // With two partitions 'error' hashes to 0 and 'info' to 1.
        let pairs = vec![
            (Value::str("error"), Value::Int(1)),
            (Value::str("info"), Value::Int(2)),
        ];
        let marked = with_partition_ends(&pairs, 2);
        assert_eq!(marked.len(), 3);
        assert!(is_end(&marked[1]));
        let only_info = with_partition_ends(&pairs[1..], 2);
        assert!(is_end(&only_info[0]));
    }
}
