//! A native made of closures: the modules, classes and small objects of
//! PySpark's API (`SparkSession.builder`, `SparkContext`), which are no more
//! than a few attributes and methods each.

use std::any::Any;
use std::rc::Rc;

use dstream_python::{Args, Native, NativeFn, PyError, Runtime, Value};

use crate::errors::unsupported;

/// The body of a callable object.
type CallFn = dyn Fn(&Runtime, Args) -> Result<Value, PyError>;

/// An object's attributes: the value of a name, `None` when it has none.
type AttrFn = dyn Fn(&str) -> Option<Value>;

/// An object whose attributes and call are closures.
pub(crate) struct Object {
    type_name: &'static str,
    repr: String,
    attrs: Box<AttrFn>,
    call: Option<Box<CallFn>>,
}

impl Object {
    /// An object of type `type_name` shown as `repr`, with attributes `attrs`.
    pub fn value(
        type_name: &'static str,
        repr: impl Into<String>,
        attrs: impl Fn(&str) -> Option<Value> + 'static,
    ) -> Value {
        Value::Native(Rc::new(Object {
            type_name,
            repr: repr.into(),
            attrs: Box::new(attrs),
            call: None,
        }))
    }

    /// A class (`<class 'pyspark.sql.session.SparkSession'>`): callable with
    /// `construct`, with class attributes `attrs`.
    pub fn class(
        path: &str,
        attrs: impl Fn(&str) -> Option<Value> + 'static,
        construct: impl Fn(&Runtime, Args) -> Result<Value, PyError> + 'static,
    ) -> Value {
        Value::Native(Rc::new(Object {
            type_name: "type",
            repr: format!("<class '{path}'>"),
            attrs: Box::new(attrs),
            call: Some(Box::new(construct)),
        }))
    }
}

impl Native for Object {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        (self.attrs)(name)
    }

    fn call(&self, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        match &self.call {
            Some(call) => call(rt, args),
            None => Err(PyError::type_error(format!(
                "'{}' object is not callable",
                self.type_name
            ))),
        }
    }

    fn repr(&self) -> String {
        self.repr.clone()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A name PySpark has and the lab does not offer: calling it says so.
pub(crate) fn not_offered(what: &str) -> Value {
    let what = what.to_string();
    NativeFn::value(&what.clone(), move |_, _| Err(unsupported(&what)))
}

/// `obj.name` for a Spark object of type `type_name` (`RDD`, `DStream`)
/// whose `methods` are dispatched by `call`: a bound method, or for a
/// PySpark method in `unsupported` one that says the lab lacks it.
pub(crate) fn method_attr<T: 'static>(
    obj: Rc<T>,
    type_name: &str,
    name: &str,
    methods: &[&'static str],
    unsupported_methods: &[&str],
    call: fn(&T, &'static str, &Runtime, Args) -> Result<Value, PyError>,
) -> Option<Value> {
    if let Some(&method) = methods.iter().find(|m| **m == name) {
        return Some(NativeFn::value(method, move |rt, args| {
            call(&obj, method, rt, args)
        }));
    }
    if unsupported_methods.contains(&name) {
        let what = format!("{type_name}.{name}");
        return Some(NativeFn::value(name, move |_, _| Err(unsupported(&what))));
    }
    None
}
