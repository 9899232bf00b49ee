//! `DStream<T>`: Spark's discretized stream and its operations, with PySpark's
//! semantics (including where PySpark differs from the Scala API).

use std::cell::RefCell;
use std::rc::Rc;

use crate::duration::Duration;
use crate::error::{positive, EngineError};
use crate::graph::{AnyNode, ComputeFn, Graph, Key, Node, NodeEntry, PipeFn, Record};
use crate::pprint::pprint_block;
use crate::rdd::{Combiner, Rdd};
use crate::window_path::{AfreshReason, PathSlot, WindowHow, WindowPath};

/// A shared reduce function `(a, b) -> c` on values.
type ReduceFn<V> = Rc<dyn Fn(&V, &V) -> V>;

/// An inverse reduce function `(window, leaving) -> rest` (PySpark's `invFunc`).
pub type InvFn<V> = Box<dyn Fn(&V, &V) -> V>;

/// A record filter (PySpark's `filterFunc`).
pub type FilterFn<T> = Box<dyn Fn(&T) -> bool>;

/// Emitted batches with their times, shared with a sink.
type Batches<T> = Rc<RefCell<Vec<(i64, Vec<T>)>>>;

/// A discretized stream: one RDD of `T` per batch (per slide for windows).
pub struct DStream<T> {
    pub(crate) graph: Rc<Graph>,
    pub(crate) node: Rc<Node<T>>,
}

impl<T> Clone for DStream<T> {
    fn clone(&self) -> Self {
        DStream {
            graph: self.graph.clone(),
            node: self.node.clone(),
        }
    }
}

/// The records an output saw, batch by batch: filled by [`DStream::collect`].
pub struct Collected<T> {
    batches: Batches<T>,
}

impl<T> Collected<T> {
    /// Takes what was collected so far: `(batch time in ms, records)` per emitted batch.
    pub fn take(&self) -> Vec<(i64, Vec<T>)> {
        std::mem::take(&mut *self.batches.borrow_mut())
    }
}

/// What a new node is, apart from how it computes.
pub(crate) struct NodeSpec {
    /// What the node is, e.g. `map` (a checkpoint only fits the same graph).
    pub describe: String,
    /// How often it produces an RDD.
    pub slide_ms: i64,
    /// Parents, each with how far back before a time this node asks it.
    pub parents: Vec<(usize, i64)>,
    /// How far back, before the time being computed, it asks itself.
    pub self_lookback_ms: i64,
    /// Spark's `mustCheckpoint`: it carries state from batch to batch.
    pub must_checkpoint: bool,
}

/// Adds a node to the graph and returns its stream.
pub(crate) fn add_node<T: Record>(
    graph: &Rc<Graph>,
    spec: NodeSpec,
    compute: ComputeFn<T>,
    pipe: Option<PipeFn<T>>,
) -> DStream<T> {
    let NodeSpec {
        describe,
        slide_ms,
        parents,
        self_lookback_ms,
        must_checkpoint,
    } = spec;
    let mut nodes = graph.nodes.borrow_mut();
    for &(parent, _) in &parents {
        nodes[parent].node.add_consumer();
    }
    let node = Rc::new(Node {
        id: nodes.len(),
        clock: graph.clock.clone(),
        slide_ms,
        self_lookback_ms,
        keep_ms: std::cell::Cell::new(0),
        cache: RefCell::new(Default::default()),
        compute,
        pipe,
        consumers: std::cell::Cell::new(0),
    });
    nodes.push(NodeEntry {
        node: node.clone(),
        describe,
        parents,
        must_checkpoint,
    });
    DStream {
        graph: graph.clone(),
        node,
    }
}

/// Concatenates RDDs as `sc.union` does: records in order, partitions added.
fn union_all<'a, T: Clone + 'a>(rdds: impl Iterator<Item = &'a Rdd<T>> + Clone) -> Rdd<T> {
    let len = rdds.clone().map(|r| r.records.len()).sum();
    let mut records = Vec::with_capacity(len);
    for r in rdds.clone() {
        records.extend_from_slice(&r.records);
    }
    Rdd::new(records, rdds.map(|r| r.partitions).sum())
}

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
    /// How often this stream produces an RDD (Spark's `slideDuration`).
    pub fn slide_duration(&self) -> Duration {
        Duration::from_millis(self.node.slide_ms)
    }

    /// A stateless stream computed from this one at the same times.
    fn child_spec(&self, describe: &str) -> NodeSpec {
        NodeSpec {
            describe: describe.to_string(),
            slide_ms: self.node.slide_ms,
            parents: vec![(self.node.id, 0)],
            self_lookback_ms: 0,
            must_checkpoint: false,
        }
    }

    /// A stream derived record by record (Spark's narrow dependency):
    /// `each(x, emit)` emits any number of records for `x`, keeping the
    /// partitions. It can be piped into its reader (see `Node::for_each`).
    fn narrow<U: Record>(
        &self,
        describe: &str,
        each: impl Fn(&T, &mut dyn FnMut(U)) + 'static,
    ) -> DStream<U> {
        let each = Rc::new(each);
        let (parent, piped) = (self.node.clone(), self.node.clone());
        let each_piped = each.clone();
        add_node(
            &self.graph,
            self.child_spec(describe),
            Box::new(move |_, t| {
                let mut records = Vec::new();
                let partitions = parent.for_each(t, &mut |x| each(x, &mut |u| records.push(u)))?;
                Some(Rc::new(Rdd::new(records, partitions)))
            }),
            Some(Box::new(move |t, sink| {
                piped.for_each(t, &mut |x| each_piped(x, &mut |u| sink(&u)))
            })),
        )
    }

    /// A stream computed at each time from this one's records at that time,
    /// read with `Node::for_each` (so a narrow parent is piped, not built).
    fn gather<U: Record>(
        &self,
        describe: &str,
        f: impl Fn(&Node<T>, i64) -> Option<Rdd<U>> + 'static,
    ) -> DStream<U> {
        let parent = self.node.clone();
        add_node(
            &self.graph,
            self.child_spec(describe),
            Box::new(move |_, t| f(&parent, t).map(Rc::new)),
            None,
        )
    }

    /// `map(f)`: each record to one new record.
    pub fn map<U: Record>(&self, f: impl Fn(&T) -> U + 'static) -> DStream<U> {
        self.narrow("map", move |x, emit| emit(f(x)))
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
        self.narrow("filter", move |x, emit| {
            if f(x) {
                emit(x.clone())
            }
        })
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
        Ok(reduced.map(|kv| kv.1.clone()))
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

    /// `foreachRDD(func)`: calls `f(batch time in ms, records)` for every RDD
    /// this stream produces, in batch order.
    pub fn foreach_rdd(&self, f: impl FnMut(i64, &[T]) + 'static) {
        // An output reads the stream too, so it is no longer piped to one reader.
        self.node.add_consumer();
        let node = self.node.clone();
        let f = RefCell::new(f);
        self.graph.outputs.borrow_mut().push(Rc::new(move |t| {
            if let Some(rdd) = node.get_or_compute(t) {
                (f.borrow_mut())(t, &rdd.records);
            }
        }));
    }

    /// `pprint(num)`: prints each RDD's first `num` records as PySpark does, into
    /// the context's console (see `StreamingContext::take_console`).
    pub fn pprint(&self, num: usize) {
        let graph = Rc::downgrade(&self.graph);
        self.foreach_rdd(move |t, records| {
            if let Some(g) = graph.upgrade() {
                g.console
                    .borrow_mut()
                    .push_str(&pprint_block(t, records, num));
            }
        });
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

    /// Makes `slot` the record of this stream's window paths.
    fn record_paths_in(&self, slot: PathSlot) {
        self.graph
            .window_paths
            .borrow_mut()
            .insert(self.node.id, slot);
    }

    /// A collecting sink, for tests: every emitted RDD's records with its time.
    pub fn collect(&self) -> Collected<T> {
        let batches = Rc::new(RefCell::new(Vec::new()));
        let sink = batches.clone();
        self.foreach_rdd(move |t, records| sink.borrow_mut().push((t, records.to_vec())));
        Collected { batches }
    }
}

impl<T: Key> DStream<T> {
    /// `countByValue()`: `(value, count)` per batch, PySpark's `map((x, 1)).reduceByKey(add)`.
    pub fn count_by_value(&self) -> DStream<(T, i64)> {
        self.map(|x| (x.clone(), 1i64))
            .reduce_by_key(|a, b| a + b, None)
    }

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
        Ok(counted.filter(|kv| kv.1 > 0))
    }
}

impl<K: Key, V: Record> DStream<(K, V)> {
    /// The number of reduce partitions: the given one or `defaultParallelism`.
    fn partitions(&self, num_partitions: Option<usize>) -> usize {
        num_partitions
            .unwrap_or_else(|| self.graph.parallelism.get())
            .max(1)
    }

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
        let p = self.partitions(num_partitions);
        self.gather(&format!("reduceByKey(partitions={p})"), move |parent, t| {
            let mut combiner: Combiner<K, V> = Combiner::new();
            parent.for_each(t, &mut |(k, v)| {
                combiner.add(k, v, |v| v.clone(), |acc, v| *acc = func(acc, v))
            })?;
            Some(Rdd::new(combiner.finish(p), p))
        })
    }

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
        let (w, s) = self.validate_window(window, slide)?;
        let p = self.partitions(num_partitions);
        let func: ReduceFn<V> = Rc::new(func);
        let f = func.clone();
        let reduced = self.reduce_by_key(move |a, b| f(a, b), Some(p));
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
            },
            compute,
            None,
        );
        windowed.record_paths_in(slot);
        Ok(windowed)
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
            },
            compute,
            None,
        )
    }
}
