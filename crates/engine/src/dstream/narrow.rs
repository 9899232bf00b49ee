//! Operations on each batch alone: record by record (`map`, `flatMap`,
//! `filter`), on the whole batch (`transform`, `reduce`, `count`), and
//! `union`.

use std::rc::Rc;

use super::{add_node, DStream, NodeSpec};
use crate::error::EngineError;
use crate::graph::Record;
use crate::rdd::Rdd;

/// Concatenates RDDs as `sc.union` does: records in order, partitions added.
pub(super) fn union_all<'a, T: Clone + 'a>(
    rdds: impl Iterator<Item = &'a Rdd<T>> + Clone,
) -> Rdd<T> {
    let len = rdds.clone().map(|r| r.records.len()).sum();
    let mut records = Vec::with_capacity(len);
    for r in rdds.clone() {
        records.extend_from_slice(&r.records);
    }
    Rdd::new(records, rdds.map(|r| r.partitions).sum())
}

impl<T: Record> DStream<T> {
    /// `map(f)`: each record to one new record.
    pub fn map<U: Record>(&self, f: impl Fn(&T) -> U + 'static) -> DStream<U> {
        let f = Rc::new(f);
        let g = f.clone();
        self.narrow_with(
            "map",
            move |x, records| records.push(f(x)),
            move |x, sink| sink(&g(x)),
        )
    }

    /// `flatMap(f)`: each record to any number of records.
    pub fn flat_map<U: Record, I: IntoIterator<Item = U>>(
        &self,
        f: impl Fn(&T) -> I + 'static,
    ) -> DStream<U> {
        self.narrow("flatMap", move |x, emit| f(x).into_iter().for_each(emit))
    }

    /// `filter(f)`: keeps the records for which `f` is true.
    pub fn filter(&self, f: impl Fn(&T) -> bool + 'static) -> DStream<T> {
        let f = Rc::new(f);
        let g = f.clone();
        self.narrow_with(
            "filter",
            move |x, records| {
                if f(x) {
                    records.push(x.clone())
                }
            },
            move |x, sink| {
                if g(x) {
                    sink(x)
                }
            },
        )
    }

    /// `transform(func)`: any function of the batch time (ms) and its records.
    pub fn transform<U: Record>(&self, f: impl Fn(i64, &[T]) -> Vec<U> + 'static) -> DStream<U> {
        let parent = self.node.clone();
        add_node(
            &self.graph,
            self.child_spec("transform"),
            Box::new(move |_, t| {
                parent
                    .get_or_compute(t)
                    .map(|r| Rc::new(Rdd::new(f(t, &r.records), r.partitions)))
            }),
            None,
        )
    }

    /// `reduce(f)`: one record per batch, the reduction of all (none if empty).
    /// PySpark does `map(lambda x: (None, x)).reduceByKey(f, 1).map(lambda x: x[1])`.
    pub fn reduce(&self, f: impl Fn(&T, &T) -> T + 'static) -> DStream<T> {
        self.gather("reduce", move |parent, t| {
            let mut acc: Option<T> = None;
            parent.for_each(t, &mut |x| {
                acc = Some(match acc.take() {
                    Some(a) => f(&a, x),
                    None => x.clone(),
                })
            })?;
            Some(Rdd::new(acc.into_iter().collect(), 1))
        })
    }

    /// `count()`: the number of records per batch. PySpark counts per partition
    /// and then reduces, so a batch with no partitions at all (an idle receiver)
    /// prints no record, while an empty queued batch prints 0.
    pub fn count(&self) -> DStream<i64> {
        self.gather("count", |parent, t| {
            let mut n = 0i64;
            let partitions = parent.for_each(t, &mut |_| n += 1)?;
            let records = if partitions == 0 { vec![] } else { vec![n] };
            Some(Rdd::new(records, 1))
        })
    }

    /// `union(other)`: both streams' records per batch. Both must slide alike.
    pub fn union(&self, other: &DStream<T>) -> Result<DStream<T>, EngineError> {
        if !Rc::ptr_eq(&self.graph, &other.graph) {
            return Err(EngineError::ForeignStream);
        }
        if self.node.slide_ms != other.node.slide_ms {
            return Err(EngineError::DifferentSlideDurations);
        }
        let (a, b) = (self.node.clone(), other.node.clone());
        Ok(add_node(
            &self.graph,
            NodeSpec {
                describe: "union".to_string(),
                slide_ms: self.node.slide_ms,
                parents: vec![(a.id, 0), (b.id, 0)],
                self_lookback_ms: 0,
                must_checkpoint: false,
                live_input: false,
            },
            Box::new(move |_, t| {
                let parts: Vec<_> = [a.get_or_compute(t), b.get_or_compute(t)]
                    .into_iter()
                    .flatten()
                    .collect();
                (!parts.is_empty()).then(|| Rc::new(union_all(parts.iter().map(|r| &**r))))
            }),
            None,
        ))
    }
}
