//! One batch's data, held the way Spark holds an RDD for our purposes.

use std::hash::Hash;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::python::{partition_of, PyHash};

/// The records of one batch in the order Spark's partitions would yield them,
/// with the number of partitions (which decides, e.g., whether `count()` emits).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rdd<T> {
    /// The records, partition 0 first; `take(n)` reads them in this order.
    pub records: Vec<T>,
    /// How many partitions Spark would have (zero for an empty receiver batch).
    pub partitions: usize,
}

impl<T> Rdd<T> {
    /// An RDD with the given records and partition count.
    pub fn new(records: Vec<T>, partitions: usize) -> Self {
        Rdd {
            records,
            partitions,
        }
    }

    /// Feeds the records to `sink` in order; returns the partition count.
    pub(crate) fn for_each(&self, sink: &mut dyn FnMut(&T)) -> usize {
        self.records.iter().for_each(sink);
        self.partitions
    }
}

/// Merges values by key the way PySpark's shuffles do, keeping Spark's order.
///
/// Within one reduce partition PySpark's `ExternalMerger` keeps keys in the
/// order they first arrive, and map outputs arrive in map-partition order; a
/// key's partition is `portable_hash(key) % partitions`. So the output is the
/// keys in first-arrival order, grouped stably by partition.
pub struct Combiner<K, C> {
    entries: Vec<(K, C)>,
    index: FxHashMap<K, usize>,
}

impl<K: Eq + Hash + Clone + PyHash, C> Default for Combiner<K, C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Eq + Hash + Clone + PyHash, C> Combiner<K, C> {
    /// An empty combiner.
    pub fn new() -> Self {
        Combiner {
            entries: Vec::new(),
            index: FxHashMap::default(),
        }
    }

    /// Adds one value: `create` for a key seen first, `merge` into it otherwise.
    #[inline]
    pub fn add<V>(
        &mut self,
        key: &K,
        value: V,
        create: impl FnOnce(V) -> C,
        merge: impl FnOnce(&mut C, V),
    ) {
        match self.index.get(key) {
            Some(&i) => merge(&mut self.entries[i].1, value),
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key.clone(), create(value)));
            }
        }
    }

    /// The value held for `key`, if any.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut C> {
        match self.index.get(key) {
            Some(&i) => Some(&mut self.entries[i].1),
            None => None,
        }
    }

    /// The combined entries, in PySpark's output order for `partitions`.
    pub fn finish(self, partitions: usize) -> Vec<(K, C)> {
        partition_order(self.entries, partitions)
    }
}

/// Groups entries stably by the partition of their key.
pub(crate) fn partition_order<K: PyHash, C>(
    entries: Vec<(K, C)>,
    partitions: usize,
) -> Vec<(K, C)> {
    if partitions <= 1 || entries.len() <= 1 {
        return entries;
    }
    let mut buckets: Vec<Vec<(K, C)>> = (0..partitions).map(|_| Vec::new()).collect();
    for (k, c) in entries {
        let p = partition_of(&k, partitions);
        buckets[p].push((k, c));
    }
    buckets.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combiner_keeps_first_arrival_order_within_hash_partitions() {
        let mut c: Combiner<String, i64> = Combiner::new();
        for k in ["info", "error", "notice", "info", "unknown", "error"] {
            c.add(&k.to_string(), 1, |v| v, |a, v| *a += v);
        }
        // With two partitions "error" and "unknown" hash to 0, "info" and "notice" to 1.
        let got = c.finish(2);
        let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["error", "unknown", "info", "notice"]);
        assert_eq!(got[0].1, 2);
        assert_eq!(got[2].1, 2);
    }
}
