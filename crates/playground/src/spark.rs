//! PySpark's entry points: `SparkSession.builder...getOrCreate()`,
//! `SparkContext`, and `StreamingContext`, whose engine context the job runs.

use std::rc::{Rc, Weak};

use dstream_engine::StreamingContext;
use dstream_python::{NativeFn, PyError, Runtime, Value};

use crate::errors::{spark_error, unsupported};
use crate::object::{not_offered, Object};
use crate::observe::NewNode;
use crate::state::{Engine, JobState};
use crate::stream::{Flow, PyDStream};
use crate::values::{bind_method, seconds};

/// The error kind that ends the program's top level at `awaitTermination()`:
/// from there on the lab drives the batches, and no code after it runs, as
/// no code after a blocking `awaitTermination()` runs in PySpark.
pub(crate) const AWAIT_TERMINATION: &str = "<lab: awaitTermination>";

/// The job, or the error a native of a dropped job raises.
pub(crate) fn alive(job: &Weak<JobState>) -> Result<Rc<JobState>, PyError> {
    job.upgrade()
        .ok_or_else(|| PyError::new("RuntimeError", "this program's job has ended"))
}

/// A method of an [`Object`], bound with Python's argument rules.
pub(crate) fn method(
    qualname: &'static str,
    params: &'static [&'static str],
    required: usize,
    body: impl Fn(&Runtime, Vec<Option<Value>>) -> Result<Value, PyError> + 'static,
) -> Value {
    let name = qualname.rsplit('.').next().unwrap_or(qualname);
    NativeFn::value(name, move |rt, args| {
        body(rt, bind_method(&args, qualname, params, required)?)
    })
}

/// The job's `SparkContext` (there is one per job, as per application).
pub(crate) fn spark_context(job: &Weak<JobState>) -> Value {
    let job = job.clone();
    Object::value(
        "SparkContext",
        "<SparkContext master=local[*] appName=lab>",
        move |name| match name {
            "setLogLevel" => Some(method(
                "SparkContext.setLogLevel",
                &["logLevel"],
                1,
                |_, _| Ok(Value::None),
            )),
            "defaultParallelism" => Some(Value::Int(job.upgrade()?.config.parallelism as i64)),
            "stop" => Some(method("SparkContext.stop", &[], 0, |_, _| Ok(Value::None))),
            "parallelize" | "textFile" | "broadcast" | "accumulator" => {
                Some(not_offered(&format!("SparkContext.{name}")))
            }
            _ => None,
        },
    )
}

/// `pyspark.SparkContext`: constructing it or `getOrCreate()` gives the job's.
pub(crate) fn spark_context_class(job: &Weak<JobState>) -> Value {
    let (for_attrs, for_call) = (job.clone(), job.clone());
    Object::class(
        "pyspark.core.context.SparkContext",
        move |name| {
            let job = for_attrs.clone();
            (name == "getOrCreate").then(|| {
                method("SparkContext.getOrCreate", &["conf"], 0, move |_, _| {
                    Ok(spark_context(&job))
                })
            })
        },
        move |_, args| {
            bind_method(
                &args,
                "SparkContext.__init__",
                &[
                    "master",
                    "appName",
                    "sparkHome",
                    "pyFiles",
                    "environment",
                    "batchSize",
                    "serializer",
                    "conf",
                    "gateway",
                    "jsc",
                    "profiler_cls",
                    "udf_profiler_cls",
                    "memory_profiler_cls",
                ],
                0,
            )?;
            Ok(spark_context(&for_call))
        },
    )
}

/// `pyspark.sql.SparkSession`, whose `builder` makes the job's session.
pub(crate) fn spark_session_class(job: &Weak<JobState>) -> Value {
    let job = job.clone();
    Object::class(
        "pyspark.sql.session.SparkSession",
        move |name| (name == "builder").then(|| builder(&job)),
        |_, _| Err(unsupported("SparkSession(...): use SparkSession.builder")),
    )
}

/// `SparkSession.builder`: settings are accepted (the lab has one cluster).
fn builder(job: &Weak<JobState>) -> Value {
    let job = job.clone();
    Object::value(
        "Builder",
        "<pyspark.sql.session.SparkSession.Builder object at 0x7f0000000000>",
        move |name| {
            let again = job.clone();
            let chain = move |_: &Runtime, _: Vec<Option<Value>>| Ok(builder(&again));
            match name {
                "appName" => Some(method("Builder.appName", &["name"], 1, chain)),
                "master" => Some(method("Builder.master", &["master"], 1, chain)),
                "config" => Some(method(
                    "Builder.config",
                    &["key", "value", "conf", "map"],
                    0,
                    chain,
                )),
                "enableHiveSupport" => Some(method("Builder.enableHiveSupport", &[], 0, chain)),
                "getOrCreate" => {
                    let job = job.clone();
                    Some(method("Builder.getOrCreate", &[], 0, move |_, _| {
                        Ok(session(&job))
                    }))
                }
                _ => None,
            }
        },
    )
}

/// The job's `SparkSession`.
fn session(job: &Weak<JobState>) -> Value {
    let job = job.clone();
    Object::value(
        "SparkSession",
        "<pyspark.sql.session.SparkSession object at 0x7f0000000000>",
        move |name| match name {
            "sparkContext" => Some(spark_context(&job)),
            "stop" => Some(method("SparkSession.stop", &[], 0, |_, _| Ok(Value::None))),
            "readStream" => Some(crate::frame::read_stream(&job)),
            "streams" => Some(crate::frame::streams()),
            "read" | "createDataFrame" | "sql" => {
                Some(not_offered(&format!("SparkSession.{name} (DataFrames)")))
            }
            _ => None,
        },
    )
}

/// Whether `value` is the job's `SparkContext`.
fn is_spark_context(value: &Value) -> bool {
    matches!(value, Value::Native(n) if n.type_name() == "SparkContext")
}

/// `pyspark.streaming.StreamingContext(sparkContext, batchDuration)`: makes
/// the job's engine context, with the job's parallelism.
pub(crate) fn streaming_context_class(job: &Weak<JobState>) -> Value {
    let job = job.clone();
    Object::class(
        "pyspark.streaming.context.StreamingContext",
        |name| {
            matches!(name, "getOrCreate" | "getActive" | "getActiveOrCreate")
                .then(|| not_offered(&format!("StreamingContext.{name}")))
        },
        move |_, args| {
            let a = bind_method(
                &args,
                "StreamingContext.__init__",
                &["sparkContext", "batchDuration", "jssc"],
                1,
            )?;
            let sc = a[0].clone().unwrap_or(Value::None);
            if !is_spark_context(&sc) {
                return Err(PyError::new(
                    "AttributeError",
                    format!("'{}' object has no attribute '_jvm'", sc.type_name()),
                ));
            }
            let Some(duration) = a[1].as_ref().filter(|d| !matches!(d, Value::None)) else {
                return Err(PyError::new("AssertionError", ""));
            };
            let batch = seconds(duration, "batchDuration")?;
            let state = alive(&job)?;
            let mut engine = state.engine.try_borrow_mut().map_err(|_| busy())?;
            if engine.is_some() {
                return Err(unsupported("a second StreamingContext in one program"));
            }
            let ssc = StreamingContext::new(batch).map_err(|e| spark_error(&e))?;
            ssc.set_default_parallelism(state.config.parallelism)
                .map_err(|e| spark_error(&e))?;
            *engine = Some(Engine {
                ssc,
                live: None,
                has_input: false,
            });
            Ok(streaming_context(&job, sc))
        },
    )
}

fn busy() -> PyError {
    unsupported("changing the StreamingContext while a batch runs")
}

/// The program's `StreamingContext` object.
fn streaming_context(job: &Weak<JobState>, sc: Value) -> Value {
    let job = job.clone();
    Object::value(
        "StreamingContext",
        "<pyspark.streaming.context.StreamingContext object at 0x7f0000000000>",
        move |name| {
            let job = job.clone();
            Some(match name {
                "sparkContext" => sc.clone(),
                "checkpoint" => method(
                    "StreamingContext.checkpoint",
                    &["directory"],
                    1,
                    move |_, a| {
                        let state = alive(&job)?;
                        let engine = state.engine.borrow();
                        let dir = a[0].clone().unwrap_or(Value::None);
                        if let Some(e) = &*engine {
                            e.ssc.checkpoint(dir_text(&dir));
                        }
                        Ok(Value::None)
                    },
                ),
                "socketTextStream" => method(
                    "StreamingContext.socketTextStream",
                    &["hostname", "port", "storageLevel"],
                    2,
                    move |rt, _| socket_text_stream(&job, rt),
                ),
                "start" => method("StreamingContext.start", &[], 0, move |_, _| {
                    let state = alive(&job)?;
                    let engine = state.engine.borrow();
                    if let Some(e) = &*engine {
                        e.ssc
                            .start(state.config.start_ms)
                            .map_err(|e| spark_error(&e))?;
                    }
                    Ok(Value::None)
                }),
                "awaitTermination" => method(
                    "StreamingContext.awaitTermination",
                    &["timeout"],
                    0,
                    |_, _| Err(PyError::new(AWAIT_TERMINATION, "")),
                ),
                "awaitTerminationOrTimeout" => method(
                    "StreamingContext.awaitTerminationOrTimeout",
                    &["timeout"],
                    1,
                    |_, _| Err(PyError::new(AWAIT_TERMINATION, "")),
                ),
                "stop" => method(
                    "StreamingContext.stop",
                    &["stopSparkContext", "stopGraceFully"],
                    0,
                    move |_, _| {
                        alive(&job)?.stopped.set(true);
                        Ok(Value::None)
                    },
                ),
                "remember" => method("StreamingContext.remember", &["duration"], 1, |_, a| {
                    seconds(a[0].as_ref().unwrap_or(&Value::None), "duration")?;
                    Ok(Value::None)
                }),
                "queueStream"
                | "textFileStream"
                | "binaryRecordsStream"
                | "union"
                | "transform"
                | "addStreamingListener" => not_offered(&format!("StreamingContext.{name}")),
                _ => return None,
            })
        },
    )
}

/// A checkpoint directory as text (PySpark passes it to Java as a string).
fn dir_text(dir: &Value) -> String {
    match dir {
        Value::Str(s) => s.to_string(),
        other => {
            use dstream_engine::python::PyRepr;
            other.str_string()
        }
    }
}

/// `ssc.socketTextStream(host, port)`: the job's one input, live or queued.
fn socket_text_stream(job: &Weak<JobState>, rt: &Runtime) -> Result<Value, PyError> {
    let state = alive(job)?;
    // The runtime tells the graph which line made the stream.
    state.remember_runtime(rt);
    let mut slot = state.engine.try_borrow_mut().map_err(|_| busy())?;
    let Some(engine) = slot.as_mut() else {
        return Err(PyError::new("RuntimeError", "no StreamingContext"));
    };
    if engine.has_input {
        return Err(unsupported(
            "a second socketTextStream (the lab has one live stream per job)",
        ));
    }
    engine.has_input = true;
    // Queued batches go through the live input too: the job feeds each at its
    // batch time (`Job::run_batch`), whatever the program's outputs read.
    let (lines, input) = engine.ssc.live_lines();
    engine.live = Some(input);
    drop(slot);
    Ok(PyDStream::value(
        &state,
        Flow::Lines(lines),
        "socketTextStream",
        Vec::new(),
        NewNode::input(&state.input_lines),
    ))
}
