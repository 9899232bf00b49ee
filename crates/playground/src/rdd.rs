//! The RDD a `transform` or `foreachRDD` function receives: one batch's
//! records, with the RDD methods the lab offers.
//!
//! Its transformations run at once rather than lazily, but an error in their
//! functions is kept in the RDD they return rather than raised where the
//! method was called: Spark's transformations are lazy, so the error happens
//! only if something computes the RDD. Actions (`take`, `collect`, `count`,
//! `isEmpty`) raise it, and so does the stream of a `transform` that returns
//! it (as the batch's failing job).

use std::any::Any;
use std::rc::{Rc, Weak};

use dstream_engine::rdd::Combiner;
use dstream_python::compare::sort_by_keys;
use dstream_python::iterate::iterate;
use dstream_python::{Args, Native, PyError, Runtime, Value};

use crate::errors::unsupported;
use crate::object::method_attr;
use crate::state::JobState;
use crate::values::{bind_method, given, item, key_value, partitions};

/// The methods an RDD offers in the lab.
const METHODS: &[&str] = &[
    "map",
    "filter",
    "flatMap",
    "mapValues",
    "reduceByKey",
    "sortBy",
    "sortByKey",
    "take",
    "first",
    "collect",
    "count",
    "isEmpty",
];

/// RDD methods PySpark has and the lab does not.
const UNSUPPORTED: &[&str] = &[
    "join",
    "groupByKey",
    "distinct",
    "union",
    "top",
    "takeOrdered",
    "foreach",
    "reduce",
    "countByKey",
    "countByValue",
    "keys",
    "values",
    "mapPartitions",
    "glom",
    "repartition",
    "coalesce",
    "cache",
    "persist",
    "saveAsTextFile",
];

/// One batch's records as a PySpark `RDD`.
pub struct PyRdd {
    records: Vec<Value>,
    /// The error computing the records raised, if any (then they are partial).
    error: Option<PyError>,
    job: Weak<JobState>,
}

impl PyRdd {
    /// An RDD of `records` belonging to `job`.
    pub(crate) fn value(records: Vec<Value>, job: Weak<JobState>) -> Value {
        Value::Native(Rc::new(PyRdd {
            records,
            error: None,
            job,
        }))
    }

    /// The records of `value` if it is an RDD: `Err` with the error
    /// computing them raised.
    pub(crate) fn records_of(value: &Value) -> Option<Result<Vec<Value>, PyError>> {
        let Value::Native(n) = value else {
            return None;
        };
        let rdd = n.as_any().downcast_ref::<PyRdd>()?;
        Some(match &rdd.error {
            Some(e) => Err(e.clone()),
            None => Ok(rdd.records.clone()),
        })
    }

    fn job(&self) -> Result<Rc<JobState>, PyError> {
        self.job
            .upgrade()
            .ok_or_else(|| PyError::new("RuntimeError", "this RDD's job has ended"))
    }

    /// A new RDD computed from this one, failed with `error` if its
    /// computation (or this RDD's) raised.
    fn derived(&self, records: Vec<Value>, error: Option<PyError>) -> Value {
        Value::Native(Rc::new(PyRdd {
            records,
            error: self.error.clone().or(error),
            job: self.job.clone(),
        }))
    }

    /// An action's records, or the error computing them raised.
    fn computed(&self) -> Result<&[Value], PyError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(&self.records),
        }
    }

    fn call(&self, method: &'static str, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        let job = self.job()?;
        let q = format!("RDD.{method}");
        let function = |slot: &Option<Value>| slot.clone().unwrap_or(Value::None);
        // Calls `f` on each record until one raises; `out` gets (record, result).
        let each = |f: &Value, out: &mut dyn FnMut(&Value, Value) -> Result<(), PyError>| {
            if self.error.is_some() {
                return None;
            }
            for x in &self.records {
                let step = job.run_worker(rt, f, x.clone()).and_then(|y| out(x, y));
                if let Err(e) = step {
                    return Some(e);
                }
            }
            None
        };
        match method {
            "map" => {
                let a = bind_method(&args, &q, &["f", "preservesPartitioning"], 1)?;
                let mut out = Vec::with_capacity(self.records.len());
                let error = each(&function(&a[0]), &mut |_, y| {
                    out.push(y);
                    Ok(())
                });
                Ok(self.derived(out, error))
            }
            "filter" => {
                let a = bind_method(&args, &q, &["f"], 1)?;
                let mut out = Vec::new();
                let error = each(&function(&a[0]), &mut |x, keep| {
                    if keep.truthy() {
                        out.push(x.clone())
                    }
                    Ok(())
                });
                Ok(self.derived(out, error))
            }
            "flatMap" => {
                let a = bind_method(&args, &q, &["f", "preservesPartitioning"], 1)?;
                let mut out = Vec::new();
                let error = each(&function(&a[0]), &mut |_, ys| {
                    out.extend(iterate(&ys)?);
                    Ok(())
                });
                Ok(self.derived(out, error))
            }
            "mapValues" => {
                let a = bind_method(&args, &q, &["f"], 1)?;
                let f = function(&a[0]);
                let mut out = Vec::with_capacity(self.records.len());
                let error = self.records.iter().find_map(|kv| {
                    let step = item(kv, 0).and_then(|k| {
                        let v = job.run_worker(rt, &f, item(kv, 1)?)?;
                        out.push(Value::tuple(vec![k, v]));
                        Ok(())
                    });
                    step.err()
                });
                Ok(self.derived(out, error))
            }
            "reduceByKey" => {
                let a = bind_method(&args, &q, &["func", "numPartitions", "partitionFunc"], 1)?;
                if given(&a[2]).is_some() {
                    return Err(unsupported("RDD.reduceByKey(partitionFunc=...)"));
                }
                let f = function(&a[0]);
                let p = partitions(&a[1])?.unwrap_or(job.config.parallelism);
                let mut combiner: Combiner<Value, Value> = Combiner::new();
                let mut error = None;
                for record in &self.records {
                    let (k, v) = match key_value(record) {
                        Ok(pair) => pair,
                        Err(e) => {
                            error = Some(e);
                            break;
                        }
                    };
                    combiner.add(
                        &k,
                        v,
                        |v| v,
                        |acc, v| {
                            if error.is_none() {
                                match job.run_worker(rt, &f, (acc.clone(), v)) {
                                    Ok(r) => *acc = r,
                                    Err(e) => error = Some(e),
                                }
                            }
                        },
                    );
                }
                let out = combiner
                    .finish(p)
                    .into_iter()
                    .map(|(k, v)| Value::tuple(vec![k, v]))
                    .collect();
                Ok(self.derived(out, error))
            }
            "sortBy" => {
                let a = bind_method(&args, &q, &["keyfunc", "ascending", "numPartitions"], 1)?;
                let p = partitions(&a[2])?.unwrap_or(job.config.parallelism);
                let ascending = a[1].as_ref().is_none_or(Value::truthy);
                let mut keyed = Vec::with_capacity(self.records.len());
                let error = each(&function(&a[0]), &mut |x, k| {
                    keyed.push((k, x.clone()));
                    Ok(())
                });
                self.sorted(keyed, error, ascending, p)
            }
            "sortByKey" => {
                let a = bind_method(&args, &q, &["ascending", "numPartitions", "keyfunc"], 0)?;
                let p = partitions(&a[1])?.unwrap_or(job.config.parallelism);
                let ascending = a[0].as_ref().is_none_or(Value::truthy);
                let keyfunc = given(&a[2]).cloned();
                let mut keyed = Vec::with_capacity(self.records.len());
                let error = self.records.iter().find_map(|kv| {
                    let step = key_value(kv).and_then(|(k, _)| {
                        let k = match &keyfunc {
                            Some(f) => job.run_worker(rt, f, k)?,
                            None => k,
                        };
                        keyed.push((k, kv.clone()));
                        Ok(())
                    });
                    step.err()
                });
                self.sorted(keyed, error, ascending, p)
            }
            "take" => {
                let a = bind_method(&args, &q, &["num"], 1)?;
                let n = match &a[0] {
                    Some(Value::Int(n)) => (*n).max(0) as usize,
                    Some(other) => {
                        return Err(PyError::type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )))
                    }
                    None => 0,
                };
                Ok(Value::list(
                    self.computed()?.iter().take(n).cloned().collect(),
                ))
            }
            "first" => {
                bind_method(&args, &q, &[], 0)?;
                match self.computed()?.first() {
                    Some(x) => Ok(x.clone()),
                    None => Err(PyError::value_error("RDD is empty")),
                }
            }
            "collect" => {
                bind_method(&args, &q, &[], 0)?;
                Ok(Value::list(self.computed()?.to_vec()))
            }
            "count" => {
                bind_method(&args, &q, &[], 0)?;
                Ok(Value::Int(self.computed()?.len() as i64))
            }
            "isEmpty" => {
                bind_method(&args, &q, &[], 0)?;
                Ok(Value::Bool(self.computed()?.is_empty()))
            }
            other => Err(unsupported(&format!("RDD.{other}"))),
        }
    }

    /// PySpark's `sortByKey` into `partitions`: records range-partitioned by
    /// key, each partition sorted with Python's stable `sorted`, so the whole
    /// is a stable sort by key (descending keeps equal keys in their order
    /// too). Into more than one partition PySpark first counts and samples
    /// the RDD (a job, run where `sortBy` is called), so an error computing
    /// the keys raises there; into one partition the sort stays lazy.
    fn sorted(
        &self,
        keyed: Vec<(Value, Value)>,
        error: Option<PyError>,
        ascending: bool,
        partitions: usize,
    ) -> Result<Value, PyError> {
        let error = self.error.clone().or(error);
        if let Some(e) = error {
            if partitions > 1 {
                return Err(e);
            }
            return Ok(self.derived(Vec::new(), Some(e)));
        }
        match sort_by_keys(keyed, !ascending) {
            Ok(records) => Ok(self.derived(records, None)),
            // The comparisons run in the sort itself, which is lazy.
            Err(e) => Ok(self.derived(Vec::new(), Some(e))),
        }
    }
}

impl Native for PyRdd {
    fn type_name(&self) -> &str {
        "RDD"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        method_attr(self, "RDD", name, METHODS, UNSUPPORTED, Self::call)
    }

    fn repr(&self) -> String {
        "PythonRDD[0] at RDD at PythonRDD.scala:0".to_string()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
