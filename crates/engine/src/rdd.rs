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
    /// The [`PyHash::shared_address`]es of the first keys held that have
    /// one, with their entries: a job's keys are often a few constants
    /// (`"info"`, `"error"`, ...) found again here without a hash. The
    /// entries hold those keys, so no other allocation can take an address
    /// while it is listed.
    shared: Vec<(usize, usize)>,
}

/// How many shared addresses a [`Combiner`] lists (each record whose key
/// has an address not listed looks at all of them).
const SHARED: usize = 8;

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
            shared: Vec::new(),
        }
    }

    /// The entry of `key`, if it has one.
    #[inline]
    fn find(&self, key: &K) -> Option<usize> {
        if let Some(address) = key.shared_address() {
            if let Some(&(_, i)) = self.shared.iter().find(|(a, _)| *a == address) {
                return Some(i);
            }
        }
        self.index.get(key).copied()
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
        match self.find(key) {
            Some(i) => merge(&mut self.entries[i].1, value),
            None => {
                let i = self.entries.len();
                if let Some(address) = key.shared_address() {
                    if self.shared.len() < SHARED {
                        self.shared.push((address, i));
                    }
                }
                self.index.insert(key.clone(), i);
                self.entries.push((key.clone(), create(value)));
            }
        }
    }

    /// The value held for `key`, if any.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut C> {
        match self.find(key) {
            Some(i) => Some(&mut self.entries[i].1),
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

    /// A string key that tells its allocation, as the lab's Python strings do.
    #[derive(Clone, PartialEq, Eq, Hash)]
    struct Shared(std::rc::Rc<str>);

    impl PyHash for Shared {
        fn py_hash(&self) -> i64 {
            self.0.py_hash()
        }
        fn shared_address(&self) -> Option<usize> {
            Some(self.0.as_ptr() as usize)
        }
    }

    #[test]
    fn keys_found_by_address_combine_as_keys_found_by_hash() {
        // Twelve distinct keys (more than the addresses listed), each arriving
        // as one shared allocation and as fresh equal copies, in turn.
        let names: Vec<String> = (0..12).map(|i| format!("k{i}")).collect();
        let shared: Vec<Shared> = names.iter().map(|n| Shared(n.as_str().into())).collect();
        let mut by_address: Combiner<Shared, i64> = Combiner::new();
        let mut by_hash: Combiner<String, i64> = Combiner::new();
        for round in 0..5i64 {
            for (i, (name, key)) in names.iter().zip(&shared).enumerate().rev() {
                let copy = Shared(name.as_str().into());
                let key = if (i as i64 + round) % 2 == 0 {
                    key
                } else {
                    &copy
                };
                by_address.add(key, round, |v| v, |a, v| *a = *a * 10 + v);
                by_hash.add(name, round, |v| v, |a, v| *a = *a * 10 + v);
            }
        }
        assert!(by_address.get_mut(&shared[3]).is_some());
        let got: Vec<(String, i64)> = by_address
            .finish(3)
            .into_iter()
            .map(|(k, v)| (k.0.to_string(), v))
            .collect();
        assert_eq!(got, by_hash.finish(3));
        assert_eq!(got.len(), 12);
        assert!(got.iter().all(|(_, v)| *v == 1234), "{got:?}");
    }
}
