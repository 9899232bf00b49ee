//! Operations on pairs `(K, V)` by key, per batch (`mapValues`,
//! `reduceByKey`, `countByValue`) and across batches (`updateStateByKey`).

use std::rc::Rc;

use super::{add_node, DStream, NodeSpec};
use crate::graph::{ComputeFn, Key, Record};
use crate::rdd::{Combiner, Rdd};

impl<T: Key> DStream<T> {
    /// `countByValue()`: `(value, count)` per batch, PySpark's `map((x, 1)).reduceByKey(add)`.
    pub fn count_by_value(&self) -> DStream<(T, i64)> {
        self.map(|x| (x.clone(), 1i64))
            .reduce_by_key(|a, b| a + b, None)
    }
}

impl<T: Record> DStream<T> {
    /// The number of reduce partitions: the given one or `defaultParallelism`.
    pub(super) fn partitions(&self, num_partitions: Option<usize>) -> usize {
        num_partitions
            .unwrap_or_else(|| self.graph.parallelism.get())
            .max(1)
    }

    /// [`DStream::reduce_by_key`] of the `(key, value)` pairs `pair` reads
    /// in the records: `pair(record, sink)` hands `sink` the record's pair
    /// by reference, if it has one (a record it gives none for is
    /// skipped). A host whose records hold pairs in another shape, or
    /// whose records make pairs of themselves and constants, reduces them
    /// without a stream of pairs built in between. `merge(acc, v)` puts
    /// `func(acc, v)` in `acc`: a host that can change the value it holds
    /// (an int's sum) makes no new value per record.
    pub fn reduce_by_key_of<K: Key, V: Record>(
        &self,
        pair: impl Fn(&T, &mut dyn FnMut(&K, &V)) + 'static,
        merge: impl Fn(&mut V, &V) + 'static,
        num_partitions: Option<usize>,
    ) -> DStream<(K, V)> {
        let p = self.partitions(num_partitions);
        self.gather(&format!("reduceByKey(partitions={p})"), move |parent, t| {
            let mut combiner: Combiner<K, V> = Combiner::new();
            let mut add = |k: &K, v: &V| combiner.add(k, v, |v| v.clone(), &merge);
            parent.for_each(t, &mut |record| pair(record, &mut add))?;
            Some(Rdd::new(combiner.finish(p), p))
        })
    }
}

impl<K: Key, V: Record> DStream<(K, V)> {
    /// `mapValues(f)`.
    pub fn map_values<U: Record>(&self, f: impl Fn(&V) -> U + 'static) -> DStream<(K, U)> {
        self.map(move |(k, v)| (k.clone(), f(v)))
    }

    /// `flatMapValues(f)`.
    pub fn flat_map_values<U: Record, I: IntoIterator<Item = U>>(
        &self,
        f: impl Fn(&V) -> I + 'static,
    ) -> DStream<(K, U)> {
        self.flat_map(move |(k, v)| {
            let k = k.clone();
            f(v).into_iter()
                .map(move |u| (k.clone(), u))
                .collect::<Vec<_>>()
        })
    }

    /// `reduceByKey(func, numPartitions)`: one record per key per batch, in the
    /// order PySpark's hash partitioning prints them.
    pub fn reduce_by_key(
        &self,
        func: impl Fn(&V, &V) -> V + 'static,
        num_partitions: Option<usize>,
    ) -> DStream<(K, V)> {
        self.reduce_by_key_of(
            |(k, v), sink| sink(k, v),
            move |acc, v| *acc = func(acc, v),
            num_partitions,
        )
    }

    /// `groupByKey(numPartitions)`: every key's values of the batch, in
    /// arrival order, keys in the order [`DStream::reduce_by_key`] prints them
    /// (PySpark's `combineByKey` keeps the same order for both).
    pub fn group_by_key(&self, num_partitions: Option<usize>) -> DStream<(K, Vec<V>)> {
        let p = self.partitions(num_partitions);
        self.gather(&format!("groupByKey(partitions={p})"), move |parent, t| {
            let mut combiner: Combiner<K, Vec<V>> = Combiner::new();
            parent.for_each(t, &mut |(k, v)| {
                combiner.add(k, v, |v| vec![v.clone()], |acc, v| acc.push(v.clone()))
            })?;
            Some(Rdd::new(combiner.finish(p), p))
        })
    }

    /// `updateStateByKey(updateFunc, numPartitions, initialRDD)` as PySpark runs
    /// it: every batch (empty ones too) the update is called for every key in the
    /// state or in the batch with `(new values, old state)`; `None` drops the key.
    /// Keys already in the state keep their places; new keys follow in arrival
    /// order, grouped by hash partition.
    pub fn update_state_by_key<S: Record>(
        &self,
        update: impl Fn(&[V], Option<&S>) -> Option<S> + 'static,
        initial: Option<Vec<(K, S)>>,
        num_partitions: Option<usize>,
    ) -> DStream<(K, S)> {
        let p = self.partitions(num_partitions);
        let s = self.node.slide_ms;
        let parent = self.node.clone();
        let initial = initial.map(|rows| Rc::new(Rdd::new(rows, p)));
        let compute: ComputeFn<(K, S)> = Box::new(move |me, t| {
            let last = me.get_or_compute(t - s).or_else(|| initial.clone());
            type Slot<V, S> = (Vec<V>, Option<S>);
            let mut groups: Combiner<K, Slot<V, S>> = Combiner::new();
            if let Some(state) = &last {
                for (k, st) in &state.records {
                    groups.add(k, st, |st| (Vec::new(), Some(st.clone())), |_, _| {});
                }
            }
            let batch = parent.for_each(t, &mut |(k, v)| {
                groups.add(
                    k,
                    v,
                    |v| (vec![v.clone()], None),
                    |slot, v| slot.0.push(v.clone()),
                )
            });
            if batch.is_none() {
                return last;
            }
            let rows = groups
                .finish(p)
                .into_iter()
                .filter_map(|(k, (values, old))| update(&values, old.as_ref()).map(|new| (k, new)))
                .collect();
            Some(Rc::new(Rdd::new(rows, p)))
        });
        add_node(
            &self.graph,
            NodeSpec {
                describe: format!("updateStateByKey(partitions={p})"),
                slide_ms: s,
                parents: vec![(self.node.id, 0)],
                self_lookback_ms: s,
                must_checkpoint: true,
                live_input: false,
            },
            compute,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::{Duration, StreamingContext};

    /// Records holding a pair in their own shape: `(key, value, kept)`.
    type Held = (String, i64, bool);

    #[test]
    fn pairs_read_in_place_reduce_as_a_stream_of_the_pairs_does() {
        let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
        let batch: Vec<Held> = ["info", "error", "info", "notice", "skip", "error", "info"]
            .iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), i as i64, *k != "skip"))
            .collect();
        let held = ssc.queue_stream(vec![batch]);
        let in_place = held
            .reduce_by_key_of(
                |(k, v, kept), sink| {
                    if *kept {
                        sink(k, v)
                    }
                },
                |a, b| *a += b,
                None,
            )
            .collect();
        let pairs = held
            .filter(|r| r.2)
            .map(|(k, v, _)| (k.clone(), *v))
            .reduce_by_key(|a, b| a + b, None)
            .collect();
        ssc.start(0).unwrap();
        ssc.advance().unwrap();
        let got = in_place.take();
        assert_eq!(got, pairs.take());
        assert_eq!(got[0].1.len(), 3, "{got:?}");
    }
}
