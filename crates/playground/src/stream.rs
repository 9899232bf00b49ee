//! PySpark's `DStream` as a native: each method builds the engine's stream
//! with Python functions called back record by record.

use std::any::Any;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

use dstream_engine::pprint::pprint_block;
use dstream_engine::{DStream, Duration, FilterFn, InvFn, Line, WindowSpec};
use dstream_python::iterate::iterate;
use dstream_python::{Args, Native, PyError, Runtime, Value};

use crate::errors::{spark_error, unsupported};
use crate::graph::NodeKind;
use crate::object::method_attr;
use crate::observe::{NewNode, Tally, UpdateLog};
use crate::outputs::Keeper;
use crate::partitions::{checked, failed, is_marker, take, with_partition_ends};
use crate::rdd::PyRdd;
use crate::state::{Borrowed, Func, JobState};
use crate::tupled::{PairMap, Tupled};
use crate::values::{
    bind_method, check_hashable, given, item, key_value, partitions, seconds, BatchTime,
    ResultIterable,
};

/// A stream's records: Python values, or `(key, value)` pairs once a keyed
/// operation made them (their keys are hashable, checked on the way in), or
/// the live input's lines before they are made `str`s: a `map` whose
/// function has a quick form that reads only the text (the notebook's
/// `get_message_type`) makes none; every other reader reads them as
/// `str` values ([`PyDStream::values`]); or the 2-tuples a `map` makes
/// whose function's quick form is a pair (`lambda x: (x, 1)`), unbuilt
/// until something reads them as tuples (see `tupled`).
#[derive(Clone)]
pub(crate) enum Flow {
    Values(DStream<Value>),
    Pairs(DStream<(Value, Value)>),
    Lines(DStream<Line>),
    Tuples(PairMap),
}

/// The methods a DStream offers in the lab.
const METHODS: &[&str] = &[
    "map",
    "flatMap",
    "filter",
    "mapValues",
    "flatMapValues",
    "reduceByKey",
    "groupByKey",
    "countByValue",
    "count",
    "reduce",
    "union",
    "window",
    "reduceByWindow",
    "countByWindow",
    "countByValueAndWindow",
    "reduceByKeyAndWindow",
    "updateStateByKey",
    "transform",
    "pprint",
    "foreachRDD",
    "checkpoint",
    "cache",
    "persist",
];

/// The methods whose closures count the records they emit (see `observe`);
/// the other streams' records are counted as they leave the node.
const SELF_COUNTING: &[&str] = &["map", "flatMap", "filter", "mapValues", "flatMapValues"];

/// DStream methods PySpark has and the lab does not.
const UNSUPPORTED: &[&str] = &[
    "join",
    "leftOuterJoin",
    "rightOuterJoin",
    "fullOuterJoin",
    "cogroup",
    "combineByKey",
    "partitionBy",
    "mapPartitions",
    "mapPartitionsWithIndex",
    "glom",
    "repartition",
    "transformWith",
    "groupByKeyAndWindow",
    "saveAsTextFiles",
    "slice",
];

/// A PySpark `DStream`.
pub struct PyDStream {
    flow: Flow,
    /// The node's id in the job's graph description.
    id: usize,
    /// For pairs grouped by `portable_hash(key) % n` (a shuffle's output): n.
    hashed: Option<usize>,
    job: Weak<JobState>,
}

/// Records `error` as the running batch's (a conversion PySpark makes on
/// the executors failed).
pub(crate) fn fail(job: &Weak<JobState>, error: PyError) {
    if let Some(job) = job.upgrade() {
        job.fail(error, true);
    }
}

impl PyDStream {
    /// A stream of the job, registered in its graph description.
    pub(crate) fn value(
        job: &Rc<JobState>,
        flow: Flow,
        op: &str,
        parents: Vec<usize>,
        node: NewNode,
    ) -> Value {
        PyDStream::hashed_value(job, flow, None, op, parents, node)
    }

    /// A stream of the job whose pairs are hash-partitioned into `hashed`
    /// partitions, if given.
    fn hashed_value(
        job: &Rc<JobState>,
        flow: Flow,
        hashed: Option<usize>,
        op: &str,
        parents: Vec<usize>,
        node: NewNode,
    ) -> Value {
        let (flow, kind, watch) = node.watch(flow);
        let slide = flow_slide(&flow).as_millis();
        let id = job.add_node(op, parents, kind, slide, watch);
        Value::Native(Rc::new(PyDStream {
            flow,
            id,
            hashed,
            job: Rc::downgrade(job),
        }))
    }

    fn job(&self) -> Result<Rc<JobState>, PyError> {
        self.job
            .upgrade()
            .ok_or_else(|| PyError::new("RuntimeError", "this stream's job has ended"))
    }

    /// The records as Python values (pairs as 2-tuples).
    fn values(&self) -> DStream<Value> {
        match &self.flow {
            Flow::Values(s) => s.clone(),
            Flow::Pairs(s) => s.map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()])),
            // A line's text is copied into a small allocation freed as soon as
            // the record is (piped, when one stream reads it), rather than all
            // the batch's at once.
            Flow::Lines(s) => s.map(|line| Value::str(line)),
            Flow::Tuples(s) => s.stream().map(Tupled::value),
        }
    }

    /// The records as a narrow operation reads them: with the partitions'
    /// ends marked when they come from a shuffle into several partitions
    /// (see `partitions`), failed records included.
    fn narrow_input(&self) -> DStream<Value> {
        match (&self.flow, self.hashed) {
            (Flow::Pairs(s), Some(p)) if p > 1 => {
                s.transform(move |_, pairs| with_partition_ends(pairs, p))
            }
            _ => self.values(),
        }
    }

    /// The records as an operation that computes every partition reads
    /// them: a failed record fails the batch.
    fn checked_values(&self) -> DStream<Value> {
        match &self.flow {
            Flow::Pairs(_) | Flow::Lines(_) => self.values(),
            Flow::Values(_) | Flow::Tuples(_) => {
                let job = self.job.clone();
                self.values().flat_map(move |record| match checked(record) {
                    Ok(x) => x.cloned(),
                    Err(e) => {
                        fail(&job, e);
                        None
                    }
                })
            }
        }
    }

    /// The records as `(key, value)` pairs, unpacked as PySpark's keyed
    /// operations unpack them (`for k, v in iterator`) with hashable keys.
    fn pairs(&self) -> DStream<(Value, Value)> {
        let job = self.job.clone();
        match &self.flow {
            Flow::Pairs(s) => s.clone(),
            Flow::Tuples(s) => s.stream().flat_map(move |record| {
                let pair = tupled_pair(&job, record)?;
                Some((pair.0.clone(), pair.1.clone()))
            }),
            Flow::Values(_) | Flow::Lines(_) => {
                self.values().flat_map(move |record| {
                    match checked(record).and_then(|x| x.map(key_value).transpose()) {
                        Ok(pair) => pair,
                        Err(e) => {
                            fail(&job, e);
                            None
                        }
                    }
                })
            }
        }
    }

    /// The records, refusing unhashable ones as keys (`countByValue`).
    fn hashable_values(&self) -> DStream<Value> {
        let job = self.job.clone();
        self.checked_values()
            .filter(move |x| match check_hashable(x) {
                Ok(()) => true,
                Err(e) => {
                    fail(&job, e);
                    false
                }
            })
    }

    /// This stream's slide in milliseconds.
    fn slide(&self) -> Duration {
        flow_slide(&self.flow)
    }

    fn call(&self, method: &'static str, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        let job = self.job()?;
        job.remember_runtime(rt);
        let q = format!("DStream.{method}");
        let bind = |params: &[&str], required: usize| bind_method(&args, &q, params, required);
        let func = |slot: &Option<Value>| job.register(slot.clone().unwrap_or(Value::None), rt);
        // What the new node's registration records besides its op (see
        // `observe`): narrow operations count what their closures emit.
        let emitted = Tally::default();
        let node = RefCell::new(NewNode::default());
        // A pair map's records counted by the keyed reads that make them (see `tupled`).
        let read = Tally::default();
        let derive = |flow: Flow, parents: Vec<usize>| {
            let mut node = node.take();
            if SELF_COUNTING.contains(&method) {
                node.counted = Some(emitted.clone());
            }
            if let Flow::Tuples(_) = flow {
                node.counted_again = Some(read.clone());
            }
            PyDStream::value(&job, flow, method, parents, node)
        };
        let me = vec![self.id];
        let stream = match method {
            "map" => {
                let f = func(&bind(&["f", "preservesPartitioning"], 1)?[0]);
                let n = emitted.clone();
                if f.makes_pair() {
                    // As below, with the tuple's items kept apart (see `tupled`).
                    let pairs = PairMap::new(self.narrow_input(), f, n, read.clone());
                    return Ok(derive(Flow::Tuples(pairs), me));
                }
                if let Flow::Lines(lines) = &self.flow {
                    // As below, on `str(line)`, which a quick form reading only
                    // the text does without.
                    return Ok(derive(
                        Flow::Values(lines.map(move |line| match f.try_worker_line(line) {
                            Some(Ok(y)) => {
                                n.add(1);
                                y
                            }
                            Some(Err(e)) => failed(e),
                            None => Value::None,
                        })),
                        me,
                    ));
                }
                Flow::Values(self.narrow_input().map(move |x| {
                    if is_marker(x) {
                        return x.clone();
                    }
                    match f.try_worker(x) {
                        Some(Ok(y)) => {
                            n.add(1);
                            y
                        }
                        Some(Err(e)) => failed(e),
                        None => Value::None,
                    }
                }))
            }
            "flatMap" => {
                let f = func(&bind(&["f", "preservesPartitioning"], 1)?[0]);
                let n = emitted.clone();
                Flow::Values(self.narrow_input().flat_map(move |x| {
                    if is_marker(x) {
                        return vec![x.clone()];
                    }
                    match f.try_worker(x) {
                        Some(ys) => ys
                            .and_then(|ys| iterate(&ys))
                            .inspect(|ys| n.add(ys.len() as u64))
                            .unwrap_or_else(|e| vec![failed(e)]),
                        None => Vec::new(),
                    }
                }))
            }
            "filter" => {
                let f = func(&bind(&["f"], 1)?[0]);
                let n = emitted.clone();
                match &self.flow {
                    Flow::Values(_) | Flow::Lines(_) | Flow::Tuples(_) => {
                        Flow::Values(self.narrow_input().flat_map(move |x| {
                            if is_marker(x) {
                                return Some(x.clone());
                            }
                            match f.try_worker(x)? {
                                Ok(keep) => keep.truthy().then(|| {
                                    n.add(1);
                                    x.clone()
                                }),
                                Err(e) => Some(failed(e)),
                            }
                        }))
                    }
                    Flow::Pairs(s) => {
                        let kept = s.filter(move |(k, v)| {
                            f.worker(&Value::tuple(vec![k.clone(), v.clone()]))
                                .is_some_and(|r| r.truthy())
                        });
                        return Ok(self.keyed(&job, Flow::Pairs(kept), method));
                    }
                }
            }
            "mapValues" => {
                let f = func(&bind(&["f"], 1)?[0]);
                let n = emitted.clone();
                match &self.flow {
                    Flow::Pairs(s) => {
                        let mapped = Flow::Pairs(s.map_values(move |v| apply(&f, v)));
                        return Ok(self.keyed(&job, mapped, method));
                    }
                    Flow::Values(_) | Flow::Lines(_) | Flow::Tuples(_) => {
                        Flow::Values(self.values().map(move |kv| {
                            if is_marker(kv) {
                                return kv.clone();
                            }
                            let mapped = item(kv, 0).and_then(|k| {
                                let v = item(kv, 1)?;
                                match f.try_worker(&v) {
                                    Some(v) => Ok(Value::tuple(vec![k, v?])),
                                    None => Ok(Value::None),
                                }
                            });
                            mapped.inspect(|_| n.add(1)).unwrap_or_else(failed)
                        }))
                    }
                }
            }
            "flatMapValues" => {
                let f = func(&bind(&["f"], 1)?[0]);
                let n = emitted.clone();
                Flow::Values(self.narrow_input().flat_map(move |kv| {
                    if is_marker(kv) {
                        return vec![kv.clone()];
                    }
                    let out = item(kv, 0).and_then(|k| {
                        let Some(vs) = f.try_worker(&item(kv, 1)?) else {
                            return Ok(Vec::new());
                        };
                        Ok(iterate(&vs?)?
                            .into_iter()
                            .map(|v| Value::tuple(vec![k.clone(), v]))
                            .collect())
                    });
                    out.inspect(|kvs| n.add(kvs.len() as u64))
                        .unwrap_or_else(|e| vec![failed(e)])
                }))
            }
            "reduceByKey" => {
                let a = bind(&["func", "numPartitions"], 1)?;
                let f = func(&a[0]);
                let p = partitions(&a[1])?;
                let reduced = match &self.flow {
                    // The pairs read where they are (see `tupled`).
                    Flow::Tuples(s) => {
                        let pair = s.keyed_pair(&self.job);
                        s.keyed_source().reduce_by_key_of(pair, merger(f), p)
                    }
                    _ => self.pairs().reduce_by_key(reducer(f), p),
                };
                let reduced = Flow::Pairs(reduced);
                return Ok(self.shuffled(&job, reduced, p, method));
            }
            "groupByKey" => {
                let a = bind(&["numPartitions"], 0)?;
                let p = partitions(&a[0])?;
                let grouped = Flow::Pairs(
                    self.pairs()
                        .group_by_key(p)
                        .map(|(k, vs)| (k.clone(), ResultIterable::value(vs.clone()))),
                );
                return Ok(self.shuffled(&job, grouped, p, method));
            }
            "countByValue" => {
                bind(&[], 0)?;
                let counted = Flow::Pairs(counts(&self.hashable_values().count_by_value()));
                return Ok(self.shuffled(&job, counted, None, method));
            }
            "count" => {
                bind(&[], 0)?;
                let counted = match &self.flow {
                    Flow::Values(_) | Flow::Lines(_) | Flow::Tuples(_) => {
                        self.checked_values().count()
                    }
                    Flow::Pairs(s) => s.count(),
                };
                Flow::Values(counted.map(|n| Value::Int(*n)))
            }
            "reduce" => {
                let f = func(&bind(&["func"], 1)?[0]);
                Flow::Values(self.checked_values().reduce(reducer(f)))
            }
            "union" => {
                let a = bind(&["other"], 1)?;
                let other_value = a[0].clone().unwrap_or(Value::None);
                let other = match &other_value {
                    Value::Native(n) => n.as_any().downcast_ref::<PyDStream>(),
                    _ => None,
                };
                let Some(other) = other else {
                    return Err(PyError::new(
                        "AttributeError",
                        format!(
                            "'{}' object has no attribute '_slideDuration'",
                            other_value.type_name()
                        ),
                    ));
                };
                if self.slide() != other.slide() {
                    return Err(PyError::value_error(
                        "the two DStream should have same slide duration",
                    ));
                }
                let united = match (&self.flow, &other.flow) {
                    (Flow::Pairs(a), Flow::Pairs(b)) => a.union(b).map(Flow::Pairs),
                    _ => self.values().union(&other.values()).map(Flow::Values),
                };
                let parents = vec![self.id, other.id];
                return Ok(derive(united.map_err(|e| spark_error(&e))?, parents));
            }
            "window" => {
                let a = bind(&["windowDuration", "slideDuration"], 1)?;
                let w = seconds(a[0].as_ref().unwrap_or(&Value::None), "windowDuration")?;
                let s = optional_seconds(&a[1], "slideDuration")?.unwrap_or(self.slide());
                node.replace(NewNode::window(w, s));
                match &self.flow {
                    Flow::Values(_) | Flow::Lines(_) | Flow::Tuples(_) => {
                        Flow::Values(self.values().window(w, s).map_err(|e| spark_error(&e))?)
                    }
                    Flow::Pairs(st) => Flow::Pairs(st.window(w, s).map_err(|e| spark_error(&e))?),
                }
            }
            "reduceByWindow" => {
                let a = bind(
                    &[
                        "reduceFunc",
                        "invReduceFunc",
                        "windowDuration",
                        "slideDuration",
                    ],
                    4,
                )?;
                let f = func(&a[0]);
                let inv = inverse(&a[1], &job, rt);
                let w = seconds(a[2].as_ref().unwrap_or(&Value::None), "windowDuration")?;
                let s = seconds(a[3].as_ref().unwrap_or(&Value::None), "slideDuration")?;
                let reduced = self
                    .checked_values()
                    .reduce_by_window(reducer(f), inv, w, s)
                    .map_err(|e| spark_error(&e))?;
                node.replace(NewNode::reduced_window(w, s, &reduced));
                Flow::Values(reduced)
            }
            "countByWindow" => {
                let a = bind(&["windowDuration", "slideDuration"], 2)?;
                let w = seconds(a[0].as_ref().unwrap_or(&Value::None), "windowDuration")?;
                let s = seconds(a[1].as_ref().unwrap_or(&Value::None), "slideDuration")?;
                let counted = self
                    .checked_values()
                    .count_by_window(w, s)
                    .map_err(|e| spark_error(&e))?;
                node.replace(NewNode::reduced_window(w, s, &counted));
                Flow::Values(counted.map(|n| Value::Int(*n)))
            }
            "countByValueAndWindow" => {
                let a = bind(&["windowDuration", "slideDuration", "numPartitions"], 2)?;
                let w = seconds(a[0].as_ref().unwrap_or(&Value::None), "windowDuration")?;
                let s = seconds(a[1].as_ref().unwrap_or(&Value::None), "slideDuration")?;
                let counted = self
                    .hashable_values()
                    .count_by_value_and_window(w, s, partitions(&a[2])?)
                    .map_err(|e| spark_error(&e))?;
                node.replace(NewNode::reduced_window(w, s, &counted));
                Flow::Pairs(counts(&counted))
            }
            "reduceByKeyAndWindow" => {
                let a = bind(
                    &[
                        "func",
                        "invFunc",
                        "windowDuration",
                        "slideDuration",
                        "numPartitions",
                        "filterFunc",
                    ],
                    3,
                )?;
                let f = func(&a[0]);
                let inv = inverse(&a[1], &job, rt);
                let w = seconds(a[2].as_ref().unwrap_or(&Value::None), "windowDuration")?;
                let s = optional_seconds(&a[3], "slideDuration")?.unwrap_or(self.slide());
                let filter: Option<FilterFn<(Value, Value)>> = given(&a[5]).map(|g| {
                    let g = job.register(g.clone(), rt);
                    Box::new(move |(k, v): &(Value, Value)| {
                        g.worker(&Value::tuple(vec![k.clone(), v.clone()]))
                            .is_some_and(|r| r.truthy())
                    }) as FilterFn<(Value, Value)>
                });
                let spec = WindowSpec {
                    window: w,
                    slide: s,
                    num_partitions: partitions(&a[4])?,
                };
                let windowed = match &self.flow {
                    // The pairs read where they are (see `tupled`).
                    Flow::Tuples(st) => {
                        let pair = st.keyed_pair(&self.job);
                        st.keyed_source().reduce_by_key_and_window_of(
                            pair,
                            merger(f),
                            inv,
                            spec,
                            filter,
                        )
                    }
                    _ => self.pairs().reduce_by_key_and_window(
                        reducer(f),
                        inv,
                        w,
                        s,
                        spec.num_partitions,
                        filter,
                    ),
                };
                let windowed = windowed.map_err(|e| spark_error(&e))?;
                node.replace(NewNode::reduced_window(w, s, &windowed));
                Flow::Pairs(windowed)
            }
            "updateStateByKey" => {
                let a = bind(&["updateFunc", "numPartitions", "initialRDD"], 1)?;
                let f = func(&a[0]);
                let initial = match given(&a[2]) {
                    None => None,
                    Some(rows) => Some(initial_state(rows)?),
                };
                let p = partitions(&a[1])?;
                let log = Rc::new(UpdateLog::new(
                    initial.as_deref(),
                    p.unwrap_or(job.config.parallelism),
                ));
                node.replace(NewNode::state(&log));
                let update = move |values: &[Value], state: Option<&Value>| {
                    let none = Value::None;
                    let list = Value::list(values.to_vec());
                    let new = f.worker((&list, state.unwrap_or(&none)))?;
                    // PySpark drops the keys whose new state is None.
                    let new = (!matches!(new, Value::None)).then_some(new);
                    log.call(values, state, new.as_ref());
                    new
                };
                Flow::Pairs(self.pairs().update_state_by_key(update, initial, p))
            }
            "transform" => {
                let a = bind(&["func"], 1)?;
                let (f, with_time) = driver_function(&a[0], &job, rt)?;
                let weak = self.job.clone();
                Flow::Values(
                    self.checked_values()
                        .transform(move |t, records| transformed(&weak, &f, with_time, t, records)),
                )
            }
            "pprint" => {
                let a = bind(&["num"], 0)?;
                let num = match given(&a[0]) {
                    None => 10,
                    Some(Value::Int(n)) => (*n).max(0) as usize,
                    Some(other) => {
                        return Err(PyError::type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )))
                    }
                };
                let weak = self.job.clone();
                let id = job.add_node(
                    "pprint",
                    me,
                    NodeKind::Pprint { num },
                    self.slide().as_millis(),
                    Default::default(),
                );
                let keeper = Keeper::new(&weak, id);
                // PySpark's `takeAndPrint`: `rdd.take(num + 1)`, then print.
                let print = move |t: i64, taken: Result<Vec<Value>, PyError>| {
                    defer(&weak, move |job| {
                        job.print(&pprint_block(t, &taken?, num));
                        Ok(())
                    })
                };
                match &self.flow {
                    Flow::Values(_) | Flow::Lines(_) | Flow::Tuples(_) => {
                        self.values().foreach_rdd(move |t, records| {
                            keeper.values(t, records);
                            print(t, take(records, num + 1))
                        })
                    }
                    Flow::Pairs(s) => s.foreach_rdd(move |t, pairs| {
                        keeper.pairs(t, pairs);
                        let taken = pairs.iter().take(num + 1);
                        print(
                            t,
                            Ok(taken
                                .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
                                .collect()),
                        )
                    }),
                }
                return Ok(Value::None);
            }
            "foreachRDD" => {
                let a = bind(&["func"], 1)?;
                let (f, with_time) = driver_function(&a[0], &job, rt)?;
                let weak = self.job.clone();
                self.checked_values().foreach_rdd(move |t, records| {
                    let (f, records, rdd_job) = (f.clone(), records.to_vec(), weak.clone());
                    defer(&weak, move |_| {
                        let rdd = PyRdd::value(records, rdd_job);
                        let args = if with_time {
                            vec![BatchTime::value(t), rdd]
                        } else {
                            vec![rdd]
                        };
                        f.driver(args).map(|_| ())
                    });
                });
                job.add_node(
                    "foreachRDD",
                    me,
                    NodeKind::ForeachRdd,
                    self.slide().as_millis(),
                    Default::default(),
                );
                return Ok(Value::None);
            }
            "checkpoint" => {
                let a = bind(&["interval"], 1)?;
                seconds(a[0].as_ref().unwrap_or(&Value::None), "interval")?;
                return Ok(self.same());
            }
            "cache" => {
                bind(&[], 0)?;
                return Ok(self.same());
            }
            "persist" => {
                bind(&["storageLevel"], 1)?;
                return Ok(self.same());
            }
            other => return Err(unsupported(&format!("DStream.{other}"))),
        };
        Ok(derive(stream, me))
    }

    /// This stream again (what `checkpoint`, `cache` and `persist` return).
    fn same(&self) -> Value {
        Value::Native(Rc::new(PyDStream {
            flow: self.flow.clone(),
            id: self.id,
            hashed: self.hashed,
            job: self.job.clone(),
        }))
    }

    /// A stream of pairs that keeps this one's keys where they were, so its
    /// hash partitioning too (`mapValues`, `filter` on pairs).
    fn keyed(&self, job: &Rc<JobState>, flow: Flow, op: &str) -> Value {
        PyDStream::hashed_value(
            job,
            flow,
            self.hashed,
            op,
            vec![self.id],
            NewNode::default(),
        )
    }

    /// A shuffle's output, hash-partitioned into `p` partitions (by default
    /// the job's parallelism).
    fn shuffled(&self, job: &Rc<JobState>, flow: Flow, p: Option<usize>, op: &str) -> Value {
        let p = p.unwrap_or(job.config.parallelism);
        PyDStream::hashed_value(job, flow, Some(p), op, vec![self.id], NewNode::default())
    }
}

/// The pair a keyed operation reads in `record` (see [`Tupled::pair`]);
/// its error fails the batch.
#[inline]
fn tupled_pair<'a>(job: &Weak<JobState>, record: &'a Tupled) -> Option<(&'a Value, &'a Value)> {
    record.pair().unwrap_or_else(|e| {
        fail(job, e);
        None
    })
}

/// A stream's slide.
fn flow_slide(flow: &Flow) -> Duration {
    match flow {
        Flow::Values(s) => s.slide_duration(),
        Flow::Pairs(s) => s.slide_duration(),
        Flow::Lines(s) => s.slide_duration(),
        Flow::Tuples(s) => s.slide_duration(),
    }
}

/// `f(args)` on the executors; `None` stands in once the batch has failed.
fn apply<'a>(f: &Func, args: impl Into<Borrowed<'a>>) -> Value {
    f.worker(args).unwrap_or(Value::None)
}

/// A Python reduce function as the engine's `(a, b) -> c`.
fn reducer(f: Func) -> impl Fn(&Value, &Value) -> Value + 'static {
    move |a, b| f.worker((a, b)).unwrap_or_else(|| a.clone())
}

/// A Python reduce function as the engine's in-place merge (`acc = f(acc, v)`).
fn merger(f: Func) -> impl Fn(&mut Value, &Value) + 'static {
    move |acc, v| f.merge(acc, v)
}

/// PySpark's `if invFunc:`: the inverse function, when one is given.
fn inverse(slot: &Option<Value>, job: &Rc<JobState>, rt: &Runtime) -> Option<InvFn<Value>> {
    let f = slot.as_ref().filter(|f| f.truthy())?;
    let f = job.register(f.clone(), rt);
    Some(Box::new(reducer(f)))
}

/// An optional duration (`None`: the stream's own slide).
fn optional_seconds(slot: &Option<Value>, what: &str) -> Result<Option<Duration>, PyError> {
    given(slot).map(|v| seconds(v, what)).transpose()
}

/// `(value, count)` pairs as Python pairs.
fn counts(counted: &DStream<(Value, i64)>) -> DStream<(Value, Value)> {
    counted.map(|(k, n)| (k.clone(), Value::Int(*n)))
}

/// `updateStateByKey`'s `initialRDD`: an RDD or a list of `(key, state)` pairs.
fn initial_state(rows: &Value) -> Result<Vec<(Value, Value)>, PyError> {
    let records = match PyRdd::records_of(rows) {
        Some(records) => records?,
        None => iterate(rows)?,
    };
    records.iter().map(key_value).collect()
}

/// A `transform`/`foreachRDD` function and whether it takes the batch time:
/// PySpark reads `func.__code__.co_argcount` (1: `rdd`; 2: `time, rdd`).
fn driver_function(
    slot: &Option<Value>,
    job: &Rc<JobState>,
    rt: &Runtime,
) -> Result<(Func, bool), PyError> {
    let f = slot.clone().unwrap_or(Value::None);
    let count = match &f {
        Value::Native(n) => n.arg_count(),
        _ => None,
    };
    let with_time = match count {
        Some(1) => false,
        Some(2) => true,
        Some(_) => {
            return Err(PyError::new(
                "AssertionError",
                "func should take one or two arguments",
            ))
        }
        None => {
            return Err(PyError::new(
                "AttributeError",
                format!("'{}' object has no attribute '__code__'", f.type_name()),
            ))
        }
    };
    Ok((job.register(f, rt), with_time))
}

/// One batch of a `transform`: the function runs on the driver while the
/// batch's jobs are generated, so its errors stop the whole batch.
fn transformed(
    weak: &Weak<JobState>,
    f: &Func,
    with_time: bool,
    t: i64,
    records: &[Value],
) -> Vec<Value> {
    let Some(job) = weak.upgrade() else {
        return Vec::new();
    };
    if job.faulted() {
        return Vec::new();
    }
    let rdd = PyRdd::value(records.to_vec(), weak.clone());
    let args = if with_time {
        vec![BatchTime::value(t), rdd]
    } else {
        vec![rdd]
    };
    match f.driver(args) {
        Ok(result) => match PyRdd::records_of(&result) {
            Some(Ok(records)) => records,
            // The returned RDD's computation failed: the job reading it fails.
            Some(Err(e)) => {
                job.fail(e, true);
                Vec::new()
            }
            // PySpark's `TransformFunction` returns no RDD for a falsy result;
            // the lab gives an empty one.
            None if !result.truthy() => Vec::new(),
            None => {
                job.fail(
                    PyError::new(
                        "AttributeError",
                        format!("'{}' object has no attribute '_jrdd'", result.type_name()),
                    ),
                    false,
                );
                Vec::new()
            }
        },
        Err(e) => {
            job.fail(e, false);
            Vec::new()
        }
    }
}

/// Queues an output job of the running batch, unless the batch has failed.
fn defer(
    weak: &Weak<JobState>,
    job_fn: impl FnOnce(&Rc<JobState>) -> Result<(), PyError> + 'static,
) {
    if let Some(job) = weak.upgrade() {
        if !job.faulted() {
            job.deferred.borrow_mut().push(Box::new(job_fn));
        }
    }
}

impl Native for PyDStream {
    fn type_name(&self) -> &str {
        "DStream"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        method_attr(self, "DStream", name, METHODS, UNSUPPORTED, Self::call)
    }

    fn repr(&self) -> String {
        "<pyspark.streaming.dstream.DStream object at 0x7f0000000000>".to_string()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
