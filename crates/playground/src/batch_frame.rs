//! The DataFrame `foreachBatch` hands its function each trigger: the batch's rows, on which
//! the function runs batch operations (`groupBy(...).count()`, `show()`, `count()`,
//! `withColumn`, `select`, `where`), computed at once as Spark's batch jobs would.

use std::any::Any;
use std::rc::{Rc, Weak};

use dstream_python::{Args, Native, NativeFn, PyError, Runtime, Value};
use dstream_structured::batch::group_aggregate;
use dstream_structured::{show_string, Aggregation, GroupKey, Request, Schema, SinkRows, Step};

use crate::errors::unsupported;
use crate::frame::{check_keys, sql_type_name};
use crate::spark::{alive, method};
use crate::sql::{aggregates, analysis_error, group_keys, numeric_aggregation, step};
use crate::state::JobState;
use crate::values::bind_method;

/// A batch DataFrame: a schema and its rows (a lean batch's made when first read, see
/// [`SinkRows`]).
pub(crate) struct BatchFrame {
    job: Weak<JobState>,
    schema: Schema,
    rows: Rc<SinkRows>,
}

impl BatchFrame {
    /// The DataFrame of `rows` (of `schema`).
    pub fn value(job: &Weak<JobState>, schema: Schema, rows: impl Into<SinkRows>) -> Value {
        Value::Native(Rc::new(BatchFrame {
            job: job.clone(),
            schema,
            rows: Rc::new(rows.into()),
        }))
    }

    /// `withColumn`, `select`, `where`: the step over every row (UDFs called now).
    fn apply(&self, parsed: Step) -> Result<Value, PyError> {
        let schema = parsed
            .schema_after(&self.schema)
            .map_err(|e| analysis_error(&e))?;
        let state = alive(&self.job)?;
        let mut call = |request: Request| crate::sql::answer(&state, request);
        let mut rows = Vec::with_capacity(self.rows.len());
        for row in self.rows.iter() {
            parsed.apply(&self.schema, row.clone(), &mut call, &mut rows)?;
        }
        Ok(BatchFrame::value(&self.job, schema, rows))
    }

    /// `show(n=20, truncate=True, vertical=False)`: prints `showString` and a newline.
    fn show(&self, rt: &Runtime, args: &Args) -> Result<Value, PyError> {
        let a = bind_method(args, "DataFrame.show", &["n", "truncate", "vertical"], 0)?;
        let n = match &a[0] {
            None => 20,
            Some(Value::Int(n)) => (*n).max(0) as usize,
            Some(other) => {
                return Err(PyError::new(
                    "PySparkTypeError",
                    format!(
                        "[NOT_INT] Argument `n` should be an int, got {}.",
                        other.type_name()
                    ),
                ))
            }
        };
        let truncate = match &a[1] {
            None | Some(Value::Bool(true)) => 20,
            Some(Value::Bool(false)) => 0,
            Some(Value::Int(t)) => (*t).max(0) as usize,
            Some(other) => {
                return Err(PyError::new(
                    "PySparkTypeError",
                    format!(
                        "[NOT_BOOL] Argument `truncate` should be a bool, got {}.",
                        other.type_name()
                    ),
                ))
            }
        };
        if a[2].as_ref().is_some_and(Value::truthy) {
            return Err(unsupported("DataFrame.show(vertical=True)"));
        }
        let state = alive(&self.job)?;
        state.remember_runtime(rt);
        state.print(&(show_string(&self.schema, &self.rows, n, truncate) + "\n"));
        Ok(Value::None)
    }

    fn call(&self, name: &str, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        if let Some(parsed) = step(name, &args) {
            let parsed = parsed?;
            if matches!(parsed, Step::Watermark(..)) {
                // A batch DataFrame has no event-time state: Spark ignores the watermark.
                return Ok(BatchFrame::value(
                    &self.job,
                    self.schema.clone(),
                    self.rows.to_vec(),
                ));
            }
            return self.apply(parsed);
        }
        match name {
            "groupBy" | "groupby" => {
                let keys = group_keys(&args)?;
                check_keys(&keys, &self.schema)?;
                Ok(Value::Native(Rc::new(BatchGrouped {
                    frame: BatchFrame {
                        job: self.job.clone(),
                        schema: self.schema.clone(),
                        rows: self.rows.clone(),
                    },
                    keys,
                })))
            }
            "show" => self.show(rt, &args),
            "count" => {
                bind_method(&args, "DataFrame.count", &[], 0)?;
                Ok(Value::Int(self.rows.len() as i64))
            }
            "isEmpty" => {
                bind_method(&args, "DataFrame.isEmpty", &[], 0)?;
                Ok(Value::Bool(self.rows.is_empty()))
            }
            _ => Err(unsupported(&format!("DataFrame.{name}"))),
        }
    }
}

/// Batch DataFrame methods PySpark has that the lab does not offer.
const BATCH_ELSEWHERE: &[&str] = &[
    "collect",
    "take",
    "head",
    "first",
    "toPandas",
    "join",
    "union",
    "orderBy",
    "sort",
    "limit",
    "distinct",
    "agg",
    "drop",
    "withColumnRenamed",
    "printSchema",
    "write",
    "persist",
    "cache",
    "unpersist",
];

impl Native for BatchFrame {
    fn type_name(&self) -> &str {
        "DataFrame"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        match name {
            "isStreaming" => return Some(Value::Bool(false)),
            "columns" => {
                return Some(Value::list(
                    self.schema.iter().map(|f| Value::str(&f.name)).collect(),
                ))
            }
            // `df.value`: the column of that name.
            _ if self.schema.iter().any(|f| f.name == name) => {
                return Some(crate::sql::named_column(name))
            }
            _ => {}
        }
        let known = crate::sql::STEPS
            .iter()
            .copied()
            .chain(["groupBy", "groupby", "show", "count", "isEmpty"]);
        let method: &'static str = known
            .chain(BATCH_ELSEWHERE.iter().copied())
            .find(|m| *m == name)?;
        Some(NativeFn::value(method, move |rt, args| {
            self.call(method, rt, args)
        }))
    }

    fn repr(&self) -> String {
        let fields: Vec<String> = self
            .schema
            .iter()
            .map(|f| format!("{}: {}", f.name, sql_type_name(&f.data_type)))
            .collect();
        format!("DataFrame[{}]", fields.join(", "))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `batch_df.groupBy(...)`.
struct BatchGrouped {
    frame: BatchFrame,
    keys: Vec<GroupKey>,
}

impl BatchGrouped {
    /// The batch's groups, aggregated at once (UDFs called now).
    fn aggregate(&self, aggregation: Aggregation) -> Result<Value, PyError> {
        let f = &self.frame;
        let state = alive(&f.job)?;
        let mut call = |request: Request| crate::sql::answer(&state, request);
        let (schema, rows) = group_aggregate(&f.schema, &f.rows, &aggregation, &mut call)
            .map_err(|e| analysis_error(&e))??;
        Ok(BatchFrame::value(&f.job, schema, rows))
    }
}

impl Native for BatchGrouped {
    fn type_name(&self) -> &str {
        "GroupedData"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        match name {
            "count" => Some(method("GroupedData.count", &[], 0, move |_, _| {
                self.aggregate(Aggregation::count(self.keys.clone()))
            })),
            "agg" => Some(NativeFn::value("agg", move |_, args: Args| {
                self.aggregate(Aggregation {
                    keys: self.keys.clone(),
                    aggregates: aggregates(&args)?,
                })
            })),
            "sum" | "avg" | "mean" | "min" | "max" => {
                let name: &'static str = ["sum", "avg", "mean", "min", "max"]
                    .into_iter()
                    .find(|n| *n == name)?;
                Some(NativeFn::value(name, move |_, args: Args| {
                    let keys = self.keys.clone();
                    self.aggregate(numeric_aggregation(name, keys, &args, &self.frame.schema)?)
                }))
            }
            "pivot" => Some(crate::object::not_offered("GroupedData.pivot")),
            _ => None,
        }
    }

    fn repr(&self) -> String {
        "GroupedData[...]".to_string()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
