//! The door between Python and its host: objects the interpreter does not
//! define itself ([`Native`]), how natives call Python functions back
//! ([`Caller`]), how arguments arrive ([`Args`]) and what the host provides
//! ([`Host`]: modules to import, where `print` goes).

use std::any::Any;
use std::fmt;
use std::rc::Rc;

use crate::error::PyError;
use crate::value::Value;

/// Calls a Python callable (a `def`, a `lambda`, a builtin, a native) with
/// arguments. Natives keep the [`Runtime`] they were called with to call
/// Python back later, e.g. a `map` function once per record of every batch.
pub trait Caller {
    /// `f(*args.positional, **args.keyword)`.
    fn call(&self, f: &Value, args: Args) -> Result<Value, PyError>;

    /// `f(a)`: what a `map` or `filter` calls once per record. The interpreter
    /// fills a Python function's frame straight from `a`, with no [`Args`].
    fn call1(&self, f: &Value, a: Value) -> Result<Value, PyError> {
        self.call(f, Args::positional(vec![a]))
    }

    /// `f(a, b)`: what a `reduceByKey` calls once per pair of values.
    fn call2(&self, f: &Value, a: Value, b: Value) -> Result<Value, PyError> {
        self.call(f, Args::positional(vec![a, b]))
    }

    /// The program line being run: the line of the call expression most recently started (0 before any).
    fn current_line(&self) -> u32;
}

/// A shared handle to the interpreter, for natives that call Python later.
pub type Runtime = Rc<dyn Caller>;

/// An object provided by the host or the interpreter's runtime: a module, a
/// builtin function, a bound method, a user function, a `StreamingContext`,
/// a `DStream`.
pub trait Native: Any {
    /// The type's name as `type(x).__name__` shows it, used in error messages
    /// (`'DStream' object has no attribute 'foo'`).
    fn type_name(&self) -> &str;

    /// `self.name`, or `None` when there is no such attribute (the caller raises
    /// Python's `AttributeError`).
    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        let _ = name;
        None
    }

    /// `self(*args)`. By default the object is not callable.
    fn call(&self, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        let _ = (rt, args);
        Err(PyError::type_error(format!(
            "'{}' object is not callable",
            self.type_name()
        )))
    }

    /// `repr(self)`.
    fn repr(&self) -> String {
        format!("<{} object>", self.type_name())
    }

    /// `str(self)` (what `print(self)` shows): the `repr` unless the type
    /// defines its own, as `datetime` does.
    fn str(&self) -> String {
        self.repr()
    }

    /// A Python function's `__code__.co_argcount` (its positional parameters),
    /// or `None` for objects without `__code__` (builtins, natives). PySpark's
    /// `transform` and `foreachRDD` read it to pass `(time, rdd)` or `(rdd)`.
    fn arg_count(&self) -> Option<usize> {
        None
    }

    /// The items `for x in self` yields, when the object is a sized iterable
    /// (PySpark's `ResultIterable`): `None` for objects that are not iterable.
    /// `len(self)` is their count.
    fn iter_values(&self) -> Option<Vec<Value>> {
        None
    }

    /// `bool(self)`, which `if`, `while`, `and`, `or` and `not` ask: true
    /// unless the type decides otherwise (PySpark's `Column` raises, so that
    /// `col("a") and col("b")` is an error rather than a wrong condition).
    fn truth(&self) -> Result<bool, PyError> {
        Ok(true)
    }

    /// For downcasting to the concrete type (e.g. `union(other)` needs the other `DStream`).
    fn as_any(&self) -> &dyn Any;
}

/// The arguments of a call: positional, then keyword in the order written.
#[derive(Clone, Default)]
pub struct Args {
    /// Positional arguments.
    pub positional: Vec<Value>,
    /// Keyword arguments, in the order written.
    pub keyword: Vec<(Rc<str>, Value)>,
}

impl Args {
    /// Positional arguments only.
    pub fn positional(values: Vec<Value>) -> Self {
        Args {
            positional: values,
            keyword: Vec::new(),
        }
    }

    /// Binds the arguments to the parameters of `function` as Python does for
    /// `def function(p0, p1, ..., pN=default, ...)`, where the first `required`
    /// parameters have no default. Returns one slot per parameter (`None`: not
    /// given), or Python's `TypeError` for a missing, repeated, unknown or
    /// surplus argument.
    pub fn bind(
        &self,
        function: &str,
        params: &[&str],
        required: usize,
    ) -> Result<Vec<Option<Value>>, PyError> {
        if self.positional.len() > params.len() {
            let takes = if required == params.len() {
                format!("{}", params.len())
            } else {
                format!("from {} to {}", required, params.len())
            };
            return Err(PyError::type_error(format!(
                "{function}() takes {takes} positional argument{} but {} {} given",
                if params.len() == 1 && required == 1 {
                    ""
                } else {
                    "s"
                },
                self.positional.len(),
                if self.positional.len() == 1 {
                    "was"
                } else {
                    "were"
                },
            )));
        }
        let mut slots: Vec<Option<Value>> = vec![None; params.len()];
        for (slot, value) in slots.iter_mut().zip(&self.positional) {
            *slot = Some(value.clone());
        }
        for (name, value) in &self.keyword {
            let Some(i) = params.iter().position(|p| **p == **name) else {
                return Err(PyError::type_error(format!(
                    "{function}() got an unexpected keyword argument '{name}'"
                )));
            };
            if slots[i].is_some() {
                return Err(PyError::type_error(format!(
                    "{function}() got multiple values for argument '{name}'"
                )));
            }
            slots[i] = Some(value.clone());
        }
        let missing: Vec<&str> = params[..required]
            .iter()
            .zip(&slots)
            .filter(|(_, s)| s.is_none())
            .map(|(p, _)| *p)
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
            let list = match names.len() {
                1 => names[0].clone(),
                2 => format!("{} and {}", names[0], names[1]),
                _ => format!(
                    "{}, and {}",
                    names[..names.len() - 1].join(", "),
                    names[names.len() - 1]
                ),
            };
            return Err(PyError::type_error(format!(
                "{function}() missing {} required positional argument{}: {list}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
            )));
        }
        Ok(slots)
    }
}

/// The body of a [`NativeFn`].
pub type NativeBody = dyn Fn(&Runtime, Args) -> Result<Value, PyError>;

/// A callable native made from a Rust closure: builtins and bound methods.
pub struct NativeFn {
    /// The name Python shows (`len`, `map`).
    pub name: String,
    /// What it does.
    pub body: Box<NativeBody>,
}

impl NativeFn {
    /// A callable value named `name`.
    pub fn value(
        name: &str,
        body: impl Fn(&Runtime, Args) -> Result<Value, PyError> + 'static,
    ) -> Value {
        Value::Native(Rc::new(NativeFn {
            name: name.to_string(),
            body: Box::new(body),
        }))
    }
}

impl Native for NativeFn {
    fn type_name(&self) -> &str {
        "builtin_function_or_method"
    }

    fn call(&self, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        (self.body)(rt, args)
    }

    fn repr(&self) -> String {
        format!("<built-in function {}>", self.name)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl fmt::Debug for dyn Native {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr())
    }
}

/// What the program's surroundings provide.
pub trait Host {
    /// The module `name` (`pyspark.streaming`) as a value whose attributes are
    /// its names, or Python's `ModuleNotFoundError`.
    fn import(&self, name: &str) -> Result<Value, PyError>;

    /// Text `print` writes (separators and the line end included).
    fn print(&self, text: &str);
}
