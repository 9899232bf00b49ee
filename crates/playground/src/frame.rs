//! Structured Streaming's objects for the lab's Python: `spark.readStream` (the socket
//! source), the streaming `DataFrame` a program builds its query on, `groupBy(...)`,
//! `writeStream` and the started `StreamingQuery`. A DataFrame holds a
//! `dstream_structured::Query` under construction; `start()` analyses it as Spark does and
//! hands it to the job, which runs it trigger by trigger ([`crate::Job::run_batch`]).

use std::any::Any;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

use dstream_python::{Args, Native, NativeFn, PyError, Runtime, Value};
use dstream_structured::time::parse_duration;
use dstream_structured::{
    Aggregation, GroupKey, OutputMode, Query, Schema, Sink, Source, StreamingQuery,
};

use crate::errors::unsupported;
use crate::object::Object;
use crate::output_modes::Shadows;
use crate::spark::{alive, method, AWAIT_TERMINATION};
use crate::sql::{aggregates, analysis_error, group_keys, numeric_aggregation, remember, step};
use crate::state::{Func, JobState};
use crate::values::{bind_method, given};

/// A started query the job runs at each trigger.
pub(crate) struct RunningQuery {
    pub query: StreamingQuery,
    /// `foreachBatch`'s function.
    pub foreach: Option<Func>,
    /// `trigger(processingTime=...)` in ms; None for the default trigger.
    pub trigger_ms: Option<i64>,
    /// `query.stop()` was called.
    pub stopped: bool,
    /// The same plan in the other output modes, for "Output modes side by side".
    pub shadows: Option<Shadows>,
}

/// `spark.readStream`: `format("socket")`, options, `load()`.
struct Reader {
    job: Weak<JobState>,
    format: RefCell<Option<String>>,
    include_timestamp: RefCell<bool>,
}

/// PySpark's `option(key, value)` passes the value to Java as text (`True` is `"true"`).
fn option_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => s.to_string(),
        other => {
            use dstream_engine::python::PyRepr;
            other.str_string()
        }
    }
}

/// `spark.readStream` for the job.
pub(crate) fn read_stream(job: &Weak<JobState>) -> Value {
    Value::Native(Rc::new(Reader {
        job: job.clone(),
        format: RefCell::new(None),
        include_timestamp: RefCell::new(false),
    }))
}

/// A stream builder whose `option(key, value)` and `options(**kw)` record a setting and return the builder
/// (`DataStreamReader`, `DataStreamWriter`).
trait Options: Native + 'static {
    /// Records option `key`.
    fn option(&self, key: &str, value: &Value);
}

/// `builder.option` (named `qualname` in errors) or `builder.options`, as `name` asks.
fn option_method<T: Options>(builder: Rc<T>, name: &str, qualname: &'static str) -> Option<Value> {
    let me = Value::Native(builder.clone());
    Some(match name {
        "option" => method(qualname, &["key", "value"], 2, move |_, a| {
            let key = option_key(&a[0])?;
            builder.option(&key, a[1].as_ref().unwrap_or(&Value::None));
            Ok(me.clone())
        }),
        _ => NativeFn::value("options", move |_, args: Args| {
            for (key, value) in &args.keyword {
                builder.option(key, value);
            }
            Ok(me.clone())
        }),
    })
}

impl Options for Reader {
    fn option(&self, key: &str, value: &Value) {
        if key.eq_ignore_ascii_case("includeTimestamp") {
            *self.include_timestamp.borrow_mut() = option_text(value).eq_ignore_ascii_case("true");
        }
    }
}

impl Reader {
    fn load(&self, rt: &Runtime, a: &[Option<Value>]) -> Result<Value, PyError> {
        if let Some(Value::Str(f)) = given(&a[1]) {
            *self.format.borrow_mut() = Some(f.to_string());
        }
        if given(&a[0]).is_some() || given(&a[2]).is_some() {
            return Err(unsupported("DataStreamReader.load(path, schema)"));
        }
        let format = self.format.borrow().clone();
        if format.as_deref() != Some("socket") {
            return Err(unsupported(&format!(
                "readStream.format({}): the lab's stream is the socket source",
                format.map_or("None".to_string(), |f| format!("'{f}'"))
            )));
        }
        let state = remember(&self.job, rt)?;
        state.reads_socket.set(true);
        let source = Source {
            include_timestamp: *self.include_timestamp.borrow(),
        };
        Ok(Frame::value(
            &self.job,
            Query {
                source,
                steps: Vec::new(),
                group_by: None,
                mode: OutputMode::Append,
                sink: Sink::CONSOLE,
            },
        ))
    }
}

impl Native for Reader {
    fn type_name(&self) -> &str {
        "DataStreamReader"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        let me = Value::Native(self.clone());
        Some(match name {
            "format" => method("DataStreamReader.format", &["source"], 1, move |_, a| {
                match a[0].as_ref() {
                    Some(Value::Str(s)) => *self.format.borrow_mut() = Some(s.to_string()),
                    other => return Err(not_str("source", other)),
                }
                Ok(me.clone())
            }),
            "option" | "options" => return option_method(self, name, "DataStreamReader.option"),
            "load" => NativeFn::value("load", move |rt, args: Args| {
                let mut plain = args.clone();
                // `load(format="socket", host=..., port=...)`: the options as keywords.
                plain.keyword.retain(|(k, v)| {
                    let named = matches!(&**k, "path" | "format" | "schema");
                    if !named {
                        self.option(k, v);
                    }
                    named
                });
                let a = bind_method(
                    &plain,
                    "DataStreamReader.load",
                    &["path", "format", "schema"],
                    0,
                )?;
                self.load(rt, &a)
            }),
            "schema" | "text" | "csv" | "json" | "parquet" | "orc" | "table" => {
                crate::object::not_offered(&format!("DataStreamReader.{name}"))
            }
            _ => return None,
        })
    }

    fn repr(&self) -> String {
        "<pyspark.sql.streaming.readwriter.DataStreamReader object at 0x7f0000000000>".to_string()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn option_key(slot: &Option<Value>) -> Result<String, PyError> {
    match slot {
        Some(Value::Str(s)) => Ok(s.to_string()),
        other => Err(not_str("key", other.as_ref())),
    }
}

fn not_str(what: &str, got: Option<&Value>) -> PyError {
    let got = got.map_or("NoneType", |v| v.type_name());
    PyError::new(
        "PySparkTypeError",
        format!("[NOT_STR] Argument `{what}` should be a str, got {got}."),
    )
}

/// A streaming DataFrame: the query so far.
pub(crate) struct Frame {
    job: Weak<JobState>,
    query: Query,
}

/// DataFrame methods PySpark has that the lab does not offer on a streaming DataFrame.
const FRAME_ELSEWHERE: &[&str] = &[
    "show",
    "collect",
    "count",
    "take",
    "head",
    "first",
    "toPandas",
    "join",
    "union",
    "unionByName",
    "orderBy",
    "sort",
    "limit",
    "distinct",
    "dropDuplicates",
    "agg",
    "drop",
    "withColumnRenamed",
    "withColumns",
    "printSchema",
    "explain",
    "cache",
    "writeTo",
    "write",
];

impl Frame {
    fn value(job: &Weak<JobState>, query: Query) -> Value {
        Value::Native(Rc::new(Frame {
            job: job.clone(),
            query,
        }))
    }

    /// The frame's columns, as Spark's analysis finds them.
    fn schema(&self) -> Result<Schema, PyError> {
        self.query.result_schema().map_err(|e| analysis_error(&e))
    }

    fn call(&self, name: &str, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        if let Some(parsed) = step(name, &args) {
            if self.query.group_by.is_some() {
                return Err(unsupported(&format!(
                    "DataFrame.{name} after groupBy(...).count()"
                )));
            }
            let mut query = self.query.clone();
            query.steps.push(parsed?);
            // Spark analyses each DataFrame as it is made: a missing column fails here.
            query.result_schema().map_err(|e| analysis_error(&e))?;
            return Ok(Frame::value(&self.job, query));
        }
        match name {
            "groupBy" | "groupby" => {
                if self.query.group_by.is_some() {
                    return Err(unsupported("a second groupBy on a streaming DataFrame"));
                }
                let keys = group_keys(&args)?;
                check_keys(&keys, &self.schema()?)?;
                Ok(Value::Native(Rc::new(Grouped {
                    job: self.job.clone(),
                    query: self.query.clone(),
                    keys,
                })))
            }
            _ => {
                let _ = rt;
                Err(unsupported(&format!("DataFrame.{name}")))
            }
        }
    }
}

impl Native for Frame {
    fn type_name(&self) -> &str {
        "DataFrame"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        match name {
            "writeStream" => {
                return Some(Value::Native(Rc::new(Writer {
                    frame: self,
                    settings: RefCell::new(WriterSettings::default()),
                })))
            }
            "isStreaming" => return Some(Value::Bool(true)),
            "columns" => {
                let names = self.schema().ok()?;
                return Some(Value::list(
                    names.iter().map(|f| Value::str(&f.name)).collect(),
                ));
            }
            // `df.value`: the column of that name.
            _ if self.schema().ok()?.iter().any(|f| f.name == name) => {
                return Some(crate::sql::named_column(name))
            }
            _ => {}
        }
        let known = crate::sql::STEPS
            .iter()
            .copied()
            .chain(["groupBy", "groupby"]);
        let method: &'static str = known
            .chain(FRAME_ELSEWHERE.iter().copied())
            .find(|m| *m == name)?;
        Some(NativeFn::value(method, move |rt, args| {
            self.call(method, rt, args)
        }))
    }

    fn repr(&self) -> String {
        match self.schema() {
            Ok(schema) => {
                let fields: Vec<String> = schema
                    .iter()
                    .map(|f| format!("{}: {}", f.name, sql_type_name(&f.data_type)))
                    .collect();
                format!("DataFrame[{}]", fields.join(", "))
            }
            Err(_) => "DataFrame[]".to_string(),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Spark's error for a key column the frame lacks; the lab's refusal of an array key (its
/// place in the state store is not modelled).
pub(crate) fn check_keys(keys: &[GroupKey], schema: &Schema) -> Result<(), PyError> {
    for k in keys {
        let field = k.field(schema).map_err(|e| analysis_error(&e))?;
        if matches!(field.data_type, dstream_structured::DataType::Array(_)) {
            return Err(unsupported("groupBy over an array column"));
        }
    }
    Ok(())
}

/// A type as `DataFrame`'s repr names it.
pub(crate) fn sql_type_name(t: &dstream_structured::DataType) -> String {
    use dstream_structured::DataType;
    match t {
        DataType::Long => "bigint".to_string(),
        DataType::Int => "int".to_string(),
        DataType::Double => "double".to_string(),
        DataType::String => "string".to_string(),
        DataType::Boolean => "boolean".to_string(),
        DataType::Timestamp => "timestamp".to_string(),
        DataType::Struct(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.name, sql_type_name(&f.data_type)))
                .collect();
            format!("struct<{}>", inner.join(", "))
        }
        DataType::Array(element) => format!("array<{}>", sql_type_name(element)),
    }
}

/// `df.groupBy(...)`: waits for its aggregation.
struct Grouped {
    job: Weak<JobState>,
    query: Query,
    keys: Vec<GroupKey>,
}

impl Native for Grouped {
    fn type_name(&self) -> &str {
        "GroupedData"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        match name {
            "count" => Some(method("GroupedData.count", &[], 0, move |_, _| {
                let mut query = self.query.clone();
                query.group_by = Some(Aggregation::count(self.keys.clone()));
                Ok(Frame::value(&self.job, query))
            })),
            "agg" => Some(NativeFn::value("agg", move |_, args: Args| {
                let mut query = self.query.clone();
                query.group_by = Some(Aggregation {
                    keys: self.keys.clone(),
                    aggregates: aggregates(&args)?,
                });
                query.result_schema().map_err(|e| analysis_error(&e))?;
                Ok(Frame::value(&self.job, query))
            })),
            "sum" | "avg" | "mean" | "min" | "max" => {
                let name: &'static str = ["sum", "avg", "mean", "min", "max"]
                    .into_iter()
                    .find(|n| *n == name)?;
                Some(NativeFn::value(name, move |_, args: Args| {
                    let input = self.query.schemas().map_err(|e| analysis_error(&e))?;
                    let input = input.last().expect("the source's schema");
                    let mut query = self.query.clone();
                    query.group_by =
                        Some(numeric_aggregation(name, self.keys.clone(), &args, input)?);
                    query.result_schema().map_err(|e| analysis_error(&e))?;
                    Ok(Frame::value(&self.job, query))
                }))
            }
            "pivot" | "applyInPandas" => {
                Some(crate::object::not_offered(&format!("GroupedData.{name}")))
            }
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

/// What `writeStream`'s methods set.
#[derive(Default)]
struct WriterSettings {
    mode: Option<OutputMode>,
    format: Option<String>,
    num_rows: Option<String>,
    truncate: Option<String>,
    trigger_ms: Option<i64>,
    foreach: Option<Value>,
}

/// `df.writeStream`.
struct Writer {
    frame: Rc<Frame>,
    settings: RefCell<WriterSettings>,
}

impl Options for Writer {
    fn option(&self, key: &str, value: &Value) {
        let text = option_text(value);
        let mut s = self.settings.borrow_mut();
        match key {
            "numRows" => s.num_rows = Some(text),
            "truncate" => s.truncate = Some(text),
            // checkpointLocation, queryName...: nothing the lab's console shows.
            _ => {}
        }
    }
}

impl Writer {
    fn sink(&self) -> Result<Sink, PyError> {
        let s = self.settings.borrow();
        if s.foreach.is_some() {
            return Ok(Sink::ForeachBatch);
        }
        match s.format.as_deref() {
            Some("console") => {}
            Some(other) => {
                return Err(unsupported(&format!(
                    "writeStream.format('{other}'): the lab's sinks are console and foreachBatch"
                )))
            }
            None => {
                return Err(unsupported(
                    "writeStream without format('console') or foreachBatch",
                ))
            }
        }
        let num_rows = match &s.num_rows {
            None => 20,
            Some(n) => n.trim().parse::<usize>().map_err(|_| {
                PyError::new(
                    "NumberFormatException",
                    format!("For input string: \"{n}\""),
                )
            })?,
        };
        let truncate = match s.truncate.as_deref().map(str::to_ascii_lowercase) {
            None => true,
            Some(t) if t == "true" => true,
            Some(t) if t == "false" => false,
            Some(t) => {
                return Err(PyError::new(
                    "IllegalArgumentException",
                    format!("For input string: \"{t}\""),
                ))
            }
        };
        Ok(Sink::Console { num_rows, truncate })
    }

    fn start(&self, rt: &Runtime) -> Result<Value, PyError> {
        let state = remember(&self.frame.job, rt)?;
        if state.engine.borrow().is_some() {
            return Err(unsupported(
                "a StreamingContext and a Structured Streaming query in one program",
            ));
        }
        let mut query = self.frame.query.clone();
        query.sink = self.sink()?;
        query.mode = self.settings.borrow().mode.unwrap_or(OutputMode::Append);
        let started = StreamingQuery::start(query).map_err(|e| analysis_error(&e))?;
        let settings = self.settings.borrow();
        let foreach = settings.foreach.clone().map(|f| state.register(f, rt));
        let mut queries = state.structured.borrow_mut();
        let index = queries.len();
        queries.push(RunningQuery {
            shadows: Shadows::of(&started),
            query: started,
            foreach,
            trigger_ms: settings.trigger_ms,
            stopped: false,
        });
        Ok(query_value(&self.frame.job, index))
    }
}

impl Native for Writer {
    fn type_name(&self) -> &str {
        "DataStreamWriter"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        let me = Value::Native(self.clone());
        Some(match name {
            "outputMode" => method(
                "DataStreamWriter.outputMode",
                &["outputMode"],
                1,
                move |_, a| {
                    let Some(Value::Str(m)) = &a[0] else {
                        return Err(not_str("outputMode", a[0].as_ref()));
                    };
                    let mode = OutputMode::parse(m).ok_or_else(|| {
                        PyError::new(
                            "IllegalArgumentException",
                            format!(
                                "Unknown output mode {m}. Accepted output modes are 'append', \
                                 'complete', 'update'"
                            ),
                        )
                    })?;
                    self.settings.borrow_mut().mode = Some(mode);
                    Ok(me.clone())
                },
            ),
            "format" => method("DataStreamWriter.format", &["source"], 1, move |_, a| {
                let Some(Value::Str(f)) = &a[0] else {
                    return Err(not_str("source", a[0].as_ref()));
                };
                self.settings.borrow_mut().format = Some(f.to_string());
                Ok(me.clone())
            }),
            "option" | "options" => return option_method(self, name, "DataStreamWriter.option"),
            "queryName" => method(
                "DataStreamWriter.queryName",
                &["queryName"],
                1,
                move |_, _| Ok(me.clone()),
            ),
            "trigger" => NativeFn::value("trigger", move |_, args: Args| {
                if !args.positional.is_empty() {
                    return Err(PyError::type_error(format!(
                        "DataStreamWriter.trigger() takes 1 positional argument but {} were given",
                        args.positional.len() + 1
                    )));
                }
                for (key, value) in &args.keyword {
                    match (&**key, value) {
                        ("processingTime", Value::Str(t)) => {
                            let micros = parse_duration(t)
                                .map_err(|e| PyError::new("IllegalArgumentException", e))?;
                            self.settings.borrow_mut().trigger_ms = Some(micros / 1000);
                        }
                        ("processingTime", other) => {
                            return Err(not_str("processingTime", Some(other)))
                        }
                        (other, _) => return Err(unsupported(&format!("trigger({other}=...)"))),
                    }
                }
                Ok(me.clone())
            }),
            "foreachBatch" => method(
                "DataStreamWriter.foreachBatch",
                &["func"],
                1,
                move |_, a| {
                    self.settings.borrow_mut().foreach = a[0].clone();
                    Ok(me.clone())
                },
            ),
            "start" => NativeFn::value("start", move |rt, args: Args| {
                let a = bind_method(
                    &args,
                    "DataStreamWriter.start",
                    &["path", "format", "outputMode", "partitionBy", "queryName"],
                    0,
                )?;
                if given(&a[0]).is_some() || given(&a[3]).is_some() {
                    return Err(unsupported("DataStreamWriter.start(path, partitionBy)"));
                }
                if let Some(Value::Str(f)) = given(&a[1]) {
                    self.settings.borrow_mut().format = Some(f.to_string());
                }
                if let Some(Value::Str(m)) = given(&a[2]) {
                    self.settings.borrow_mut().mode = OutputMode::parse(m);
                }
                self.start(rt)
            }),
            "foreach" | "toTable" | "partitionBy" => {
                crate::object::not_offered(&format!("DataStreamWriter.{name}"))
            }
            _ => return None,
        })
    }

    fn repr(&self) -> String {
        "<pyspark.sql.streaming.readwriter.DataStreamWriter object at 0x7f0000000000>".to_string()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The `StreamingQuery` `start()` returns (the job's query number `index`).
fn query_value(job: &Weak<JobState>, index: usize) -> Value {
    let job = job.clone();
    Object::value(
        "StreamingQuery",
        "<pyspark.sql.streaming.query.StreamingQuery object at 0x7f0000000000>",
        move |name| {
            let job = job.clone();
            Some(match name {
                "awaitTermination" => method(
                    "StreamingQuery.awaitTermination",
                    &["timeout"],
                    0,
                    |_, _| Err(PyError::new(AWAIT_TERMINATION, "")),
                ),
                "stop" => method("StreamingQuery.stop", &[], 0, move |_, _| {
                    if let Some(q) = alive(&job)?.structured.borrow_mut().get_mut(index) {
                        q.stopped = true;
                    }
                    Ok(Value::None)
                }),
                "isActive" => Value::Bool(
                    job.upgrade()?
                        .structured
                        .borrow()
                        .get(index)
                        .is_some_and(|q| !q.stopped),
                ),
                "processAllAvailable"
                | "lastProgress"
                | "recentProgress"
                | "status"
                | "explain"
                | "exception" => crate::object::not_offered(&format!("StreamingQuery.{name}")),
                _ => return None,
            })
        },
    )
}

/// `spark.streams`: `awaitAnyTermination()` hands the job to the lab as
/// `awaitTermination()` does.
pub(crate) fn streams() -> Value {
    Object::value(
        "StreamingQueryManager",
        "<pyspark.sql.streaming.query.StreamingQueryManager object at 0x7f0000000000>",
        |name| match name {
            "awaitAnyTermination" => Some(method(
                "StreamingQueryManager.awaitAnyTermination",
                &["timeout"],
                0,
                |_, _| Err(PyError::new(AWAIT_TERMINATION, "")),
            )),
            _ => None,
        },
    )
}
