//! The window operations (`window`, `reduceByWindow`, `countByWindow`,
//! `countByValueAndWindow`, `reduceByKeyAndWindow`) and the record of the path
//! each window took (`window_path`).

use std::rc::Rc;

use super::narrow::union_all;
use super::{add_node, DStream, NodeSpec};
use crate::duration::Duration;
use crate::error::{positive, EngineError};
use crate::graph::{ComputeFn, Key, Record};
use crate::rdd::{Combiner, Rdd};
use crate::window_path::{AfreshReason, PathSlot, WindowHow, WindowPath};

/// A shared reduce function `(a, b) -> c` on values.
type ReduceFn<V> = Rc<dyn Fn(&V, &V) -> V>;

/// An inverse reduce function `(window, leaving) -> rest` (PySpark's `invFunc`).
pub type InvFn<V> = Box<dyn Fn(&V, &V) -> V>;

/// A record filter (PySpark's `filterFunc`).
pub type FilterFn<T> = Box<dyn Fn(&T) -> bool>;

/// The RDDs of a slice, without their times.
fn rdds_of<T>(slice: &[(i64, Rc<Rdd<T>>)]) -> impl Iterator<Item = &Rdd<T>> + Clone {
    slice.iter().map(|(_, r)| &**r)
}

/// The times of a slice, oldest first.
fn times_of<T>(slice: &[(i64, Rc<Rdd<T>>)]) -> Vec<i64> {
    slice.iter().map(|(t, _)| *t).collect()
}

/// PySpark's `reduceByKey(func, partitions)` over the given RDDs in order.
fn reduce_pairs<'a, K: Key, V: Record>(
    rdds: impl IntoIterator<Item = &'a [(K, V)]>,
    func: &dyn Fn(&V, &V) -> V,
    partitions: usize,
) -> Vec<(K, V)> {
    let mut combiner: Combiner<K, V> = Combiner::new();
    for records in rdds {
        for (k, v) in records {
            combiner.add(k, v, |v| v.clone(), |acc, v| *acc = func(acc, v));
        }
    }
    combiner.finish(partitions)
}

impl<T: Record> DStream<T> {
    /// Checks a window and slide as PySpark's `_validate_window_param` does.
    fn validate_window(
        &self,
        window: Duration,
        slide: Duration,
    ) -> Result<(i64, i64), EngineError> {
        let parent = self.node.slide_ms;
        let w = positive("window duration", window.as_millis())?;
        let s = positive("slide duration", slide.as_millis())?;
        if w % parent != 0 {
            return Err(EngineError::WindowNotMultiple {
                window_ms: w,
                parent_ms: parent,
            });
        }
        if s % parent != 0 {
            return Err(EngineError::SlideNotMultiple {
                slide_ms: s,
                parent_ms: parent,
            });
        }
        Ok((w, s))
    }

    /// `window(windowDuration, slideDuration)`: every slide, the records of the
    /// batches in `(t - window, t]`.
    pub fn window(&self, window: Duration, slide: Duration) -> Result<DStream<T>, EngineError> {
        self.window_recording(window, slide, None)
    }

    /// [`DStream::window`], writing each window's batches into `slot` as a
    /// window reduced afresh without an inverse function: the path of a
    /// `reduceByKeyAndWindow` without `invFunc`, which PySpark builds on `window`.
    fn window_recording(
        &self,
        window: Duration,
        slide: Duration,
        slot: Option<PathSlot>,
    ) -> Result<DStream<T>, EngineError> {
        let (w, s) = self.validate_window(window, slide)?;
        let ps = self.node.slide_ms;
        let parent = self.node.clone();
        Ok(add_node(
            &self.graph,
            NodeSpec {
                describe: format!("window({window}, {slide})"),
                slide_ms: s,
                parents: vec![(self.node.id, w - ps)],
                self_lookback_ms: 0,
                must_checkpoint: false,
                live_input: false,
            },
            Box::new(move |_, t| {
                let batches = parent.slice(t - w + ps, t);
                if let Some(slot) = &slot {
                    *slot.borrow_mut() = Some(WindowPath {
                        time_ms: t,
                        how: WindowHow::Reduced {
                            why: AfreshReason::NoInverse,
                            batches_ms: times_of(&batches),
                        },
                    });
                }
                Some(Rc::new(union_all(rdds_of(&batches))))
            }),
            None,
        ))
    }

    /// `reduceByWindow(f, invF, window, slide)`, as PySpark builds it: keyed by
    /// 1, `reduceByKeyAndWindow` on one partition, then the values.
    pub fn reduce_by_window(
        &self,
        func: impl Fn(&T, &T) -> T + 'static,
        inv_func: Option<InvFn<T>>,
        window: Duration,
        slide: Duration,
    ) -> Result<DStream<T>, EngineError> {
        let keyed = self.map(|x| (1i64, x.clone()));
        let reduced =
            keyed.reduce_by_key_and_window(func, inv_func, window, slide, Some(1), None)?;
        Ok(reduced.map(|kv| kv.1.clone()).with_paths_of(&reduced))
    }

    /// `countByWindow(window, slide)`: PySpark's `map(1).reduceByWindow(add, sub)`.
    pub fn count_by_window(
        &self,
        window: Duration,
        slide: Duration,
    ) -> Result<DStream<i64>, EngineError> {
        self.map(|_| 1i64).reduce_by_window(
            |a, b| a + b,
            Some(Box::new(|a: &i64, b: &i64| a - b)),
            window,
            slide,
        )
    }

    /// The path this stream's latest window took, if this stream was made by
    /// [`DStream::reduce_by_key_and_window`] and has computed a window: whether
    /// the previous window was subtracted from or the window reduced afresh
    /// (and why), and the times of the batches that left, arrived or were
    /// reduced. Read it after the batch that emitted the window.
    pub fn window_path(&self) -> Option<WindowPath> {
        self.graph
            .window_paths
            .borrow()
            .get(&self.node.id)?
            .borrow()
            .clone()
    }

    /// This stream, reporting the window paths of `reduced`, the
    /// `reduceByKeyAndWindow` PySpark builds it on with a map or a filter
    /// (`reduceByWindow`, `countByWindow`, `countByValueAndWindow`): its
    /// windows are the ones `reduced` formed.
    fn with_paths_of<U: Record>(self, reduced: &DStream<U>) -> DStream<T> {
        let slot = reduced
            .graph
            .window_paths
            .borrow()
            .get(&reduced.node.id)
            .cloned();
        if let Some(slot) = slot {
            self.record_paths_in(slot);
        }
        self
    }

    /// Makes `slot` the record of this stream's window paths.
    fn record_paths_in(&self, slot: PathSlot) {
        self.graph
            .window_paths
            .borrow_mut()
            .insert(self.node.id, slot);
    }
}

impl<T: Key> DStream<T> {
    /// `countByValueAndWindow(window, slide)`: counts over the window, keeping
    /// only positive counts (PySpark filters `kv[1] > 0`).
    pub fn count_by_value_and_window(
        &self,
        window: Duration,
        slide: Duration,
        num_partitions: Option<usize>,
    ) -> Result<DStream<(T, i64)>, EngineError> {
        let counted = self.map(|x| (x.clone(), 1i64)).reduce_by_key_and_window(
            |a, b| a + b,
            Some(Box::new(|a: &i64, b: &i64| a - b)),
            window,
            slide,
            num_partitions,
            None,
        )?;
        Ok(counted.filter(|kv| kv.1 > 0).with_paths_of(&counted))
    }
}

impl<K: Key, V: Record> DStream<(K, V)> {
    /// `reduceByKeyAndWindow(func, invFunc, window, slide, numPartitions, filterFunc)`
    /// with PySpark's semantics:
    /// - without `inv_func` it is `reduceByKey(func).window(w, s).reduceByKey(func)`,
    ///   and PySpark ignores `filter_func`;
    /// - with `inv_func` it subtracts the batches leaving the window only when
    ///   `window >= 5 * slide` and the previous window's result exists; otherwise
    ///   it reduces the whole window afresh. On the subtracting path keys whose
    ///   value falls to zero stay unless `filter_func` removes them.
    ///
    /// Which of these paths each window took is recorded: see
    /// [`DStream::window_path`].
    pub fn reduce_by_key_and_window(
        &self,
        func: impl Fn(&V, &V) -> V + 'static,
        inv_func: Option<InvFn<V>>,
        window: Duration,
        slide: Duration,
        num_partitions: Option<usize>,
        filter_func: Option<FilterFn<(K, V)>>,
    ) -> Result<DStream<(K, V)>, EngineError> {
        let window = WindowSpec {
            window,
            slide,
            num_partitions,
        };
        self.reduce_by_key_and_window_of(
            |(k, v), sink| sink(k, v),
            move |acc, v| *acc = func(acc, v),
            inv_func,
            window,
            filter_func,
        )
    }
}

/// The window of a [`DStream::reduce_by_key_and_window_of`]: its length and
/// slide, and the partitions of its reduce.
pub struct WindowSpec {
    /// `windowDuration`.
    pub window: Duration,
    /// `slideDuration`.
    pub slide: Duration,
    /// `numPartitions` (`None`: the default parallelism).
    pub num_partitions: Option<usize>,
}

impl<T: Record> DStream<T> {
    /// [`DStream::reduce_by_key_and_window`] of the `(key, value)` pairs
    /// `pair` reads in the records, in place, with `merge` for `func` (see
    /// [`DStream::reduce_by_key_of`]).
    pub fn reduce_by_key_and_window_of<K: Key, V: Record>(
        &self,
        pair: impl Fn(&T, &mut dyn FnMut(&K, &V)) + 'static,
        merge: impl Fn(&mut V, &V) + 'static,
        inv_func: Option<InvFn<V>>,
        WindowSpec {
            window,
            slide,
            num_partitions,
        }: WindowSpec,
        filter_func: Option<FilterFn<(K, V)>>,
    ) -> Result<DStream<(K, V)>, EngineError> {
        let (w, s) = self.validate_window(window, slide)?;
        let p = self.partitions(num_partitions);
        let merge = Rc::new(merge);
        let m = merge.clone();
        let func: ReduceFn<V> = Rc::new(move |a, b| {
            let mut acc = a.clone();
            m(&mut acc, b);
            acc
        });
        let reduced = self.reduce_by_key_of(pair, move |acc, v| merge(acc, v), Some(p));
        let slot = PathSlot::default();
        let Some(inv) = inv_func else {
            let f = func.clone();
            let windowed = reduced
                .window_recording(window, slide, Some(slot.clone()))?
                .reduce_by_key(move |a, b| f(a, b), Some(p));
            windowed.record_paths_in(slot);
            return Ok(windowed);
        };
        let ps = self.node.slide_ms;
        let parent = reduced.node.clone();
        let describe = format!("reduceByKeyAndWindow({window}, {slide}, partitions={p}, inverse)");
        let recorded = slot.clone();
        let compute: ComputeFn<(K, V)> = Box::new(move |me, t| {
            let finish = |rows: Vec<(K, V)>| {
                let rows = match &filter_func {
                    Some(keep) => rows.into_iter().filter(|kv| keep(kv)).collect(),
                    None => rows,
                };
                Some(Rc::new(Rdd::new(rows, p)))
            };
            let previous = me.get_or_compute(t - s);
            let (result, how) = match previous {
                Some(prev) if w >= 5 * s => {
                    // Subtract the batches that left: (t - s - w, t - w].
                    let old = parent.slice(t - s - w + ps, t - w);
                    let subtracted: Rc<Rdd<(K, V)>> = if old.is_empty() {
                        prev
                    } else {
                        let leaving =
                            reduce_pairs(rdds_of(&old).map(|r| r.records.as_slice()), &*func, p);
                        let mut leaving_by_key: Combiner<K, V> = Combiner::new();
                        for (k, v) in leaving {
                            leaving_by_key.add(&k, v, |v| v, |_, _| {});
                        }
                        let rows = prev
                            .records
                            .iter()
                            .map(|(k, v)| match leaving_by_key.get_mut(k) {
                                Some(gone) => (k.clone(), inv(v, gone)),
                                None => (k.clone(), v.clone()),
                            })
                            .collect();
                        Rc::new(Rdd::new(rows, p))
                    };
                    // Add the batches that came: (t - s, t].
                    let new = parent.slice(t - s + ps, t);
                    let result = if new.is_empty() {
                        Some(subtracted)
                    } else {
                        // PySpark reduces the new batches first, then merges them into the
                        // subtracted window: func(old, func(new1, new2)).
                        let arriving =
                            reduce_pairs(rdds_of(&new).map(|r| r.records.as_slice()), &*func, p);
                        finish(reduce_pairs(
                            [subtracted.records.as_slice(), arriving.as_slice()],
                            &*func,
                            p,
                        ))
                    };
                    let how = WindowHow::Subtracted {
                        previous_ms: t - s,
                        leaving_ms: times_of(&old),
                        arriving_ms: times_of(&new),
                    };
                    (result, how)
                }
                _ => {
                    let current = parent.slice(t - w + ps, t);
                    if current.is_empty() {
                        return None;
                    }
                    let why = if w < 5 * s {
                        AfreshReason::ShortWindow {
                            window_ms: w,
                            slide_ms: s,
                        }
                    } else {
                        AfreshReason::NoPreviousWindow
                    };
                    let result = finish(reduce_pairs(
                        rdds_of(&current).map(|r| r.records.as_slice()),
                        &*func,
                        p,
                    ));
                    let how = WindowHow::Reduced {
                        why,
                        batches_ms: times_of(&current),
                    };
                    (result, how)
                }
            };
            *recorded.borrow_mut() = Some(WindowPath { time_ms: t, how });
            result
        });
        let windowed = add_node(
            &self.graph,
            NodeSpec {
                describe,
                slide_ms: s,
                parents: vec![(reduced.node.id, w + s - ps)],
                self_lookback_ms: s,
                must_checkpoint: true,
                live_input: false,
            },
            compute,
            None,
        );
        windowed.record_paths_in(slot);
        Ok(windowed)
    }
}
