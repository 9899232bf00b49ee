//! Python values, as records of the engine's streams.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use dstream_engine::python::{int_hash, repr_str, str_hash, tuple_hash, PyHash, PyRepr};
use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::native::Native;
use crate::number::float_hash;

/// A Python dict: insertion-ordered, keyed by Python equality.
pub type Dict = IndexMap<Value, Value>;

/// A Python value.
#[derive(Clone)]
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` (the lab's ints are 64-bit: beyond, Python's `OverflowError`).
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(Rc<str>),
    /// A `tuple`.
    Tuple(Rc<[Value]>),
    /// A `list` (shared and mutable, as in Python).
    List(Rc<RefCell<Vec<Value>>>),
    /// A `dict`.
    Dict(Rc<RefCell<Dict>>),
    /// A `set`.
    Set(Rc<RefCell<Dict>>),
    /// `range(start, stop, step)`.
    Range(i64, i64, i64),
    /// Everything else: functions, modules, Spark's objects.
    Native(Rc<dyn Native>),
}

impl Value {
    /// A `str` value.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    /// A `tuple` value.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::from(items))
    }

    /// A `list` value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    /// `type(self).__name__`.
    pub fn type_name(&self) -> &str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::Range(..) => "range",
            Value::Native(n) => n.type_name(),
        }
    }

    /// Python's truth value (`bool(self)`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Dict(d) | Value::Set(d) => !d.borrow().is_empty(),
            Value::Range(start, stop, step) => {
                if *step > 0 {
                    start < stop
                } else {
                    start > stop
                }
            }
            Value::Native(_) => true,
        }
    }

    /// Whether Python can hash it (`hash(x)` raises `TypeError: unhashable type` otherwise).
    pub fn is_hashable(&self) -> bool {
        match self {
            Value::List(_) | Value::Dict(_) | Value::Set(_) => false,
            Value::Tuple(items) => items.iter().all(Value::is_hashable),
            _ => true,
        }
    }

    /// The number a numeric value stands for, if it is one (`bool` counts, as in Python).
    fn as_number(&self) -> Option<Number> {
        match self {
            Value::Bool(b) => Some(Number::Int(*b as i64)),
            Value::Int(i) => Some(Number::Int(*i)),
            Value::Float(f) => Some(Number::Float(*f)),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    fn equals(self, other: Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            (Number::Int(i), Number::Float(f)) | (Number::Float(f), Number::Int(i)) => {
                // Exact, as Python compares: no rounding of the int to a float.
                f.fract() == 0.0
                    && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
                    && f as i64 == i
            }
        }
    }
}

impl PartialEq for Value {
    /// Python's `==`.
    fn eq(&self, other: &Value) -> bool {
        // Keys are mostly strings: they skip the numbers' test.
        if let (Value::Str(a), Value::Str(b)) = (self, other) {
            return Rc::ptr_eq(a, b) || a == b;
        }
        if let (Some(a), Some(b)) = (self.as_number(), other.as_number()) {
            return a.equals(b);
        }
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || a == b,
            (Value::Tuple(a), Value::Tuple(b)) => a == b,
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b) || *a.borrow() == *b.borrow(),
            (Value::Dict(a), Value::Dict(b)) => {
                Rc::ptr_eq(a, b) || {
                    let (a, b) = (a.borrow(), b.borrow());
                    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
                }
            }
            (Value::Set(a), Value::Set(b)) => {
                Rc::ptr_eq(a, b) || {
                    let (a, b) = (a.borrow(), b.borrow());
                    a.len() == b.len() && a.keys().all(|k| b.contains_key(k))
                }
            }
            (Value::Range(a0, a1, a2), Value::Range(b0, b1, b2)) => (a0, a1, a2) == (b0, b1, b2),
            (Value::Native(a), Value::Native(b)) => std::ptr::addr_eq(Rc::as_ptr(a), Rc::as_ptr(b)),
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    /// Consistent with Python's `==`: equal numbers of any type hash alike.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::None => 0u8.hash(state),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => self.py_hash().hash(state),
            Value::Str(s) => s.hash(state),
            Value::Tuple(items) => items.iter().for_each(|v| v.hash(state)),
            Value::Range(a, b, c) => (a, b, c).hash(state),
            // Unhashable in Python: callers refuse them before they become keys.
            Value::List(l) => Rc::as_ptr(l).hash(state),
            Value::Dict(d) | Value::Set(d) => Rc::as_ptr(d).hash(state),
            Value::Native(n) => (Rc::as_ptr(n) as *const u8).hash(state),
        }
    }
}

impl PyHash for Value {
    /// PySpark's `portable_hash`: `None` is 0, tuples use PySpark's own loop,
    /// everything else Python's `hash()` (with `PYTHONHASHSEED=0`).
    fn py_hash(&self) -> i64 {
        match self {
            Value::None => 0,
            Value::Bool(b) => *b as i64,
            Value::Int(i) => int_hash(*i),
            Value::Float(f) => float_hash(*f),
            Value::Str(s) => str_hash(s),
            Value::Tuple(items) => {
                let hashes: Vec<i64> = items.iter().map(PyHash::py_hash).collect();
                tuple_hash(&hashes)
            }
            // Python raises for these; the value is never used as a key.
            _ => 0,
        }
    }

    /// A string's allocation: a constant's string is one allocation every
    /// record it made shares. (Tuples have none: a tuple holding a NaN is
    /// not equal to itself in the lab, so sharing must not make it so.)
    #[inline]
    fn shared_address(&self) -> Option<usize> {
        match self {
            Value::Str(s) => Some(s.as_ptr() as usize),
            _ => None,
        }
    }
}

impl PyRepr for Value {
    /// Python's `repr(self)`.
    fn py_repr(&self, out: &mut String) {
        match self {
            Value::None => out.push_str("None"),
            Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => f.py_repr(out),
            Value::Str(s) => repr_str(s, out),
            Value::Tuple(items) => {
                out.push('(');
                write_items(items, out);
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Value::List(items) => {
                out.push('[');
                write_items(&items.borrow(), out);
                out.push(']');
            }
            Value::Dict(d) => {
                out.push('{');
                for (i, (k, v)) in d.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.py_repr(out);
                    out.push_str(": ");
                    v.py_repr(out);
                }
                out.push('}');
            }
            Value::Set(d) => {
                let d = d.borrow();
                if d.is_empty() {
                    out.push_str("set()");
                } else {
                    out.push('{');
                    let keys: Vec<Value> = d.keys().cloned().collect();
                    write_items(&keys, out);
                    out.push('}');
                }
            }
            Value::Range(start, stop, step) => {
                if *step == 1 {
                    out.push_str(&format!("range({start}, {stop})"));
                } else {
                    out.push_str(&format!("range({start}, {stop}, {step})"));
                }
            }
            Value::Native(n) => out.push_str(&n.repr()),
        }
    }

    /// Python's `str(self)`: a string shows as itself, everything else as its `repr`.
    fn py_str(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(s),
            Value::Native(n) => out.push_str(&n.str()),
            other => other.py_repr(out),
        }
    }
}

fn write_items(items: &[Value], out: &mut String) {
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        v.py_repr(out);
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repr_string())
    }
}

/// How a value is kept in a checkpoint: the data kinds only (Python pickles
/// those; functions and Spark's objects are refused as Python refuses to pickle them).
#[derive(Serialize, Deserialize)]
enum Stored {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Tuple(Vec<Stored>),
    List(Vec<Stored>),
    Dict(Vec<(Stored, Stored)>),
    Set(Vec<Stored>),
    Range(i64, i64, i64),
}

impl Stored {
    fn from_value(v: &Value) -> Result<Stored, String> {
        let all = |items: &[Value]| {
            items
                .iter()
                .map(Stored::from_value)
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(match v {
            Value::None => Stored::None,
            Value::Bool(b) => Stored::Bool(*b),
            Value::Int(i) => Stored::Int(*i),
            Value::Float(f) => Stored::Float(*f),
            Value::Str(s) => Stored::Str(s.to_string()),
            Value::Tuple(items) => Stored::Tuple(all(items)?),
            Value::List(items) => Stored::List(all(&items.borrow())?),
            Value::Dict(d) => Stored::Dict(
                d.borrow()
                    .iter()
                    .map(|(k, v)| Ok((Stored::from_value(k)?, Stored::from_value(v)?)))
                    .collect::<Result<Vec<_>, String>>()?,
            ),
            Value::Set(d) => Stored::Set(all(&d.borrow().keys().cloned().collect::<Vec<_>>())?),
            Value::Range(a, b, c) => Stored::Range(*a, *b, *c),
            Value::Native(n) => return Err(format!("cannot pickle '{}' object", n.type_name())),
        })
    }

    fn into_value(self) -> Value {
        let all = |items: Vec<Stored>| {
            items
                .into_iter()
                .map(Stored::into_value)
                .collect::<Vec<_>>()
        };
        match self {
            Stored::None => Value::None,
            Stored::Bool(b) => Value::Bool(b),
            Stored::Int(i) => Value::Int(i),
            Stored::Float(f) => Value::Float(f),
            Stored::Str(s) => Value::Str(Rc::from(s)),
            Stored::Tuple(items) => Value::tuple(all(items)),
            Stored::List(items) => Value::list(all(items)),
            Stored::Dict(pairs) => Value::Dict(Rc::new(RefCell::new(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.into_value(), v.into_value()))
                    .collect(),
            ))),
            Stored::Set(items) => Value::Set(Rc::new(RefCell::new(
                all(items).into_iter().map(|k| (k, Value::None)).collect(),
            ))),
            Stored::Range(a, b, c) => Value::Range(a, b, c),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Stored::from_value(self)
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        Stored::deserialize(deserializer).map(Stored::into_value)
    }
}
