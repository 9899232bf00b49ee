//! What the interpreter will do, done by hand: import modules from the job's
//! host, read attributes, call natives with `Args`, with `NativeFn`s and
//! [`Lambda`]s standing in for Python functions.

#![allow(dead_code)]

use std::any::Any;
use std::rc::Rc;

use dstream_python::{Args, Caller, Host, Native, PyError, Runtime, Value};

/// A caller that calls natives directly (the interpreter calls its own
/// functions too; the tests have only natives).
pub struct DirectCaller;

impl Caller for DirectCaller {
    fn call(&self, f: &Value, args: Args) -> Result<Value, PyError> {
        match f {
            Value::Native(n) => n.call(&runtime(), args),
            other => Err(PyError::type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        }
    }

    /// These tests run no Python program: no line is being run.
    fn current_line(&self) -> u32 {
        0
    }
}

/// The test runtime.
pub fn runtime() -> Runtime {
    Rc::new(DirectCaller)
}

/// What a [`Lambda`] does with its arguments.
type Body = dyn Fn(&[Value]) -> Result<Value, PyError>;

/// A Python function with a known parameter count (`__code__.co_argcount`).
pub struct Lambda {
    arity: usize,
    body: Box<Body>,
}

impl Native for Lambda {
    fn type_name(&self) -> &str {
        "function"
    }
    fn call(&self, _: &Runtime, args: Args) -> Result<Value, PyError> {
        if args.positional.len() != self.arity {
            return Err(PyError::type_error(
                "<lambda>() got the wrong argument count",
            ));
        }
        (self.body)(&args.positional)
    }
    fn arg_count(&self) -> Option<usize> {
        Some(self.arity)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `lambda a, ...: body(a, ...)`.
pub fn lambda(arity: usize, body: impl Fn(&[Value]) -> Result<Value, PyError> + 'static) -> Value {
    Value::Native(Rc::new(Lambda {
        arity,
        body: Box::new(body),
    }))
}

/// `obj.name`, or Python's AttributeError.
pub fn attr(obj: &Value, name: &str) -> Result<Value, PyError> {
    match obj {
        Value::Native(n) => n.clone().get_attr(name),
        _ => None,
    }
    .ok_or_else(|| {
        PyError::new(
            "AttributeError",
            format!("'{}' object has no attribute '{name}'", obj.type_name()),
        )
    })
}

/// `f(*positional, **keyword)`.
pub fn call_kw(
    f: &Value,
    positional: Vec<Value>,
    keyword: &[(&str, Value)],
) -> Result<Value, PyError> {
    runtime().call(
        f,
        Args {
            positional,
            keyword: keyword
                .iter()
                .map(|(k, v)| (Rc::from(*k), v.clone()))
                .collect(),
        },
    )
}

/// `obj.name(*positional)`.
pub fn call(obj: &Value, name: &str, positional: Vec<Value>) -> Result<Value, PyError> {
    call_kw(&attr(obj, name)?, positional, &[])
}

/// `from module import name`.
pub fn import(host: &Rc<dyn Host>, module: &str, name: &str) -> Result<Value, PyError> {
    attr(&host.import(module)?, name)
}

pub fn int(i: i64) -> Value {
    Value::Int(i)
}

pub fn s(text: &str) -> Value {
    Value::str(text)
}

pub fn as_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        other => panic!("not an int: {other:?}"),
    }
}

/// `lambda x, y: x + y` on ints.
pub fn add() -> Value {
    lambda(2, |a| Ok(int(as_int(&a[0]) + as_int(&a[1]))))
}

/// `lambda x, y: x - y` on ints.
pub fn sub() -> Value {
    lambda(2, |a| Ok(int(as_int(&a[0]) - as_int(&a[1]))))
}

/// `lambda x: (x, 1)`.
pub fn pair_with_one() -> Value {
    lambda(1, |a| Ok(Value::tuple(vec![a[0].clone(), int(1)])))
}

/// The notebook's header: `spark = SparkSession.builder...getOrCreate()`,
/// `ssc = StreamingContext(spark.sparkContext, interval)`; returns `ssc`.
pub fn streaming_context(host: &Rc<dyn Host>, interval: Value) -> Result<Value, PyError> {
    let session = import(host, "pyspark.sql", "SparkSession")?;
    let builder = attr(&session, "builder")?;
    let builder = call(&builder, "appName", vec![s("Spark Streaming - Stateless")])?;
    let builder = call(&builder, "master", vec![s("local[*]")])?;
    let spark = call(&builder, "getOrCreate", vec![])?;
    let sc = attr(&spark, "sparkContext")?;
    call(&sc, "setLogLevel", vec![s("ERROR")])?;
    let ssc_class = import(host, "pyspark.streaming", "StreamingContext")?;
    call_kw(&ssc_class, vec![sc, interval], &[])
}

/// `ssc.start(); ssc.awaitTermination()` as the program's last lines.
pub fn start_and_wait(ssc: &Value) -> Result<(), PyError> {
    call(ssc, "start", vec![])?;
    call(ssc, "awaitTermination", vec![])?;
    Ok(())
}
