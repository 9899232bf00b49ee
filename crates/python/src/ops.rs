//! Python's operators on values: arithmetic dispatch (numbers go to
//! `number::arith`), sequence operators, comparisons, `in`, subscription,
//! slicing, iteration and unpacking, with CPython's error messages.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

use dstream_engine::python::PyRepr;

use crate::ast::CmpOp;
use crate::error::PyError;
use crate::number::{arith, ArithOp};
use crate::value::{Dict, Value};

type R<T> = Result<T, PyError>;

/// Sequences longer than this are refused (`MemoryError`) instead of exhausting memory.
const MAX_LEN: i64 = 100_000_000;

fn symbol(op: ArithOp) -> &'static str {
    match op {
        ArithOp::Add => "+",
        ArithOp::Sub => "-",
        ArithOp::Mul => "*",
        ArithOp::TrueDiv => "/",
        ArithOp::FloorDiv => "//",
        ArithOp::Mod => "%",
        ArithOp::Pow => "** or pow()",
        ArithOp::BitAnd => "&",
        ArithOp::BitOr => "|",
        ArithOp::BitXor => "^",
        ArithOp::LShift => "<<",
        ArithOp::RShift => ">>",
    }
}

/// `str(v)`.
pub(crate) fn to_str(v: &Value) -> String {
    let mut s = String::new();
    v.py_str(&mut s);
    s
}

/// The int a value stands for when used as an index or a count (`bool` counts).
pub(crate) fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// `a op b`.
pub(crate) fn binary(op: ArithOp, a: &Value, b: &Value) -> R<Value> {
    if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
        // Ints (and bools) inline; everything else (and overflow) goes to `number`.
        let fast = match op {
            ArithOp::Add => x.checked_add(y),
            ArithOp::Sub => x.checked_sub(y),
            ArithOp::Mul => x.checked_mul(y),
            _ => None,
        };
        if let Some(r) = fast {
            return Ok(Value::Int(r));
        }
    }
    if let Some(r) = arith(op, a, b) {
        return r;
    }
    match (op, a, b) {
        (ArithOp::Add, Value::Str(x), Value::Str(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::str(&s))
        }
        (ArithOp::Add, Value::List(x), Value::List(y)) => {
            let mut v = x.borrow().clone();
            v.extend(y.borrow().iter().cloned());
            Ok(Value::list(v))
        }
        (ArithOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
            Ok(Value::tuple(x.iter().chain(y.iter()).cloned().collect()))
        }
        (ArithOp::Add, Value::Str(_) | Value::List(_) | Value::Tuple(_), other) => {
            Err(PyError::type_error(format!(
                "can only concatenate {} (not \"{}\") to {}",
                a.type_name(),
                other.type_name(),
                a.type_name()
            )))
        }
        (ArithOp::Mul, seq @ (Value::Str(_) | Value::List(_) | Value::Tuple(_)), n)
        | (ArithOp::Mul, n, seq @ (Value::Str(_) | Value::List(_) | Value::Tuple(_))) => {
            match as_int(n) {
                Some(n) => repeat(seq, n),
                None => Err(PyError::type_error(format!(
                    "can't multiply sequence by non-int of type '{}'",
                    n.type_name()
                ))),
            }
        }
        (ArithOp::Mod, Value::Str(template), args) => {
            Ok(Value::str(&crate::format::percent_format(template, args)?))
        }
        _ => Err(PyError::type_error(format!(
            "unsupported operand type(s) for {}: '{}' and '{}'",
            symbol(op),
            a.type_name(),
            b.type_name()
        ))),
    }
}

fn repeat(seq: &Value, n: i64) -> R<Value> {
    let n = n.max(0);
    let len = match seq {
        Value::Str(s) => s.len(),
        Value::List(l) => l.borrow().len(),
        Value::Tuple(t) => t.len(),
        _ => 0,
    } as i64;
    if len.saturating_mul(n) > MAX_LEN {
        return Err(PyError::new("MemoryError", ""));
    }
    let n = n as usize;
    Ok(match seq {
        Value::Str(s) => Value::str(&s.repeat(n)),
        Value::List(l) => Value::list(repeat_items(&l.borrow(), n)),
        Value::Tuple(t) => Value::tuple(repeat_items(t, n)),
        _ => seq.clone(),
    })
}

fn repeat_items(items: &[Value], n: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    out
}

/// `a op= b`: a list extended in place by `+=`, otherwise `a op b`.
pub(crate) fn inplace(op: ArithOp, a: Value, b: &Value) -> R<Value> {
    if let (ArithOp::Add, Value::List(l)) = (op, &a) {
        let items = collect(b)?;
        l.borrow_mut().extend(items);
        return Ok(a);
    }
    binary(op, &a, b).map_err(|mut e| {
        // Python names the augmented operator: `unsupported operand type(s) for +=: ...`.
        let plain = format!("unsupported operand type(s) for {}:", symbol(op));
        if let Some(rest) = e.message.strip_prefix(&plain) {
            let augmented = match op {
                ArithOp::Pow => "**",
                other => symbol(other),
            };
            e.message = format!("unsupported operand type(s) for {augmented}=:{rest}");
        }
        e
    })
}

/// `-a`.
pub(crate) fn negate(a: &Value) -> R<Value> {
    match a {
        Value::Int(i) if *i != i64::MIN => Ok(Value::Int(-i)),
        Value::Bool(b) => Ok(Value::Int(-(*b as i64))),
        Value::Float(f) => Ok(Value::Float(-f)),
        Value::Int(_) => binary(ArithOp::Sub, &Value::Int(0), a),
        _ => Err(PyError::type_error(format!(
            "bad operand type for unary -: '{}'",
            a.type_name()
        ))),
    }
}

/// `~a`.
pub(crate) fn invert(a: &Value) -> R<Value> {
    match as_int(a) {
        Some(i) => Ok(Value::Int(!i)),
        None => Err(PyError::type_error(format!(
            "bad operand type for unary ~: '{}'",
            a.type_name()
        ))),
    }
}

/// `bool(v)`: a native object decides its own truth (and may refuse to have one).
pub(crate) fn truth(v: &Value) -> R<bool> {
    match v {
        Value::Native(n) => n.truth(),
        other => Ok(other.truthy()),
    }
}

/// `+a`.
pub(crate) fn positive(a: &Value) -> R<Value> {
    match a {
        Value::Int(_) | Value::Float(_) => Ok(a.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        _ => Err(PyError::type_error(format!(
            "bad operand type for unary +: '{}'",
            a.type_name()
        ))),
    }
}

/// Two numbers compared exactly (an int is not rounded to a float): `None`
/// when either is not a number, `Some(None)` when NaN makes them unordered.
fn number_order(a: &Value, b: &Value) -> Option<Option<Ordering>> {
    Some(match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Float(x), other) => {
            let i = as_int(other)?;
            (!x.is_nan()).then(|| int_float(i, *x).reverse())
        }
        (other, Value::Float(y)) => {
            let i = as_int(other)?;
            (!y.is_nan()).then(|| int_float(i, *y))
        }
        _ => Some(as_int(a)?.cmp(&as_int(b)?)),
    })
}

/// `i` compared with `f` (for NaN the caller answers false).
fn int_float(i: i64, f: f64) -> Ordering {
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f >= 9.3e18 {
        return Ordering::Less;
    }
    if f <= -9.3e18 {
        return Ordering::Greater;
    }
    let floor = f.floor();
    match (i as i128).cmp(&(floor as i128)) {
        Ordering::Equal if f > floor => Ordering::Less,
        other => other,
    }
}

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        _ => "==",
    }
}

/// `a op b` for a comparison operator.
pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> R<bool> {
    match op {
        CmpOp::Eq => Ok(a == b),
        CmpOp::Ne => Ok(a != b),
        CmpOp::In => contains(b, a),
        CmpOp::NotIn => contains(b, a).map(|c| !c),
        CmpOp::Is => Ok(is(a, b)),
        CmpOp::IsNot => Ok(!is(a, b)),
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => order(op, a, b),
    }
}

/// `a is b`: identity for shared objects; equal immutable scalars count as identical.
fn is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => Rc::ptr_eq(x, y) || (x.len() <= 1 && x == y),
        (Value::Tuple(x), Value::Tuple(y)) => Rc::ptr_eq(x, y) || (x.is_empty() && y.is_empty()),
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) | (Value::Set(x), Value::Set(y)) => Rc::ptr_eq(x, y),
        (Value::Native(x), Value::Native(y)) => std::ptr::addr_eq(Rc::as_ptr(x), Rc::as_ptr(y)),
        _ => false,
    }
}

fn from_ordering(op: CmpOp, o: Option<Ordering>) -> bool {
    match o {
        None => false,
        Some(o) => match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        },
    }
}

/// `a < b` and friends.
pub(crate) fn order(op: CmpOp, a: &Value, b: &Value) -> R<bool> {
    if let Some(o) = number_order(a, b) {
        return Ok(from_ordering(op, o));
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(from_ordering(op, Some(x.cmp(y)))),
        (Value::Tuple(x), Value::Tuple(y)) => sequence_order(op, x, y),
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.borrow().clone(), y.borrow().clone());
            sequence_order(op, &x, &y)
        }
        (Value::Set(x), Value::Set(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            let subset = |p: &Dict, q: &Dict| p.keys().all(|k| q.contains_key(k));
            Ok(match op {
                CmpOp::Lt => x.len() < y.len() && subset(&x, &y),
                CmpOp::Le => subset(&x, &y),
                CmpOp::Gt => x.len() > y.len() && subset(&y, &x),
                _ => subset(&y, &x),
            })
        }
        _ => Err(PyError::type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            cmp_symbol(op),
            a.type_name(),
            b.type_name()
        ))),
    }
}

fn sequence_order(op: CmpOp, x: &[Value], y: &[Value]) -> R<bool> {
    for (p, q) in x.iter().zip(y) {
        if p != q {
            return order(op, p, q);
        }
    }
    Ok(from_ordering(op, Some(x.len().cmp(&y.len()))))
}

/// `item in container`.
pub(crate) fn contains(container: &Value, item: &Value) -> R<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(&**sub)),
            other => Err(PyError::type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                other.type_name()
            ))),
        },
        Value::List(l) => Ok(l.borrow().iter().any(|v| v == item)),
        Value::Tuple(t) => Ok(t.iter().any(|v| v == item)),
        Value::Dict(d) | Value::Set(d) => {
            let key = hashable(item.clone())?;
            Ok(d.borrow().contains_key(&key))
        }
        Value::Range(start, stop, step) => match (item, as_int(item)) {
            (Value::Int(_) | Value::Bool(_), Some(i)) => Ok(range_len(*start, *stop, *step) > 0
                && (if *step > 0 {
                    i >= *start && i < *stop
                } else {
                    i <= *start && i > *stop
                })
                && (i - start) % step == 0),
            _ => Ok(collect(container)?.iter().any(|v| v == item)),
        },
        Value::Native(n) => match crate::builtins::native_contains(n, item) {
            Some(r) => r,
            None => Ok(collect(container)?.iter().any(|v| v == item)),
        },
        other => Err(PyError::type_error(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        ))),
    }
}

/// The value itself if Python can hash it, else `TypeError: unhashable type`.
pub(crate) fn hashable(v: Value) -> R<Value> {
    if v.is_hashable() {
        Ok(v)
    } else {
        let name = match &v {
            Value::Tuple(items) => items
                .iter()
                .find(|i| !i.is_hashable())
                .map_or("tuple", |i| i.type_name()),
            other => other.type_name(),
        };
        Err(PyError::type_error(format!("unhashable type: '{name}'")))
    }
}

/// Python's `len(range(start, stop, step))`.
pub(crate) fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    let (lo, hi, step) = if step > 0 {
        (start as i128, stop as i128, step as i128)
    } else {
        (stop as i128, start as i128, -(step as i128))
    };
    if lo >= hi {
        0
    } else {
        ((hi - lo - 1) / step + 1) as i64
    }
}

fn index_of(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    (0 <= i && (i as usize) < len).then_some(i as usize)
}

fn index_error(what: &str) -> PyError {
    PyError::new("IndexError", format!("{what} index out of range"))
}

fn bad_index(container: &str, index: &Value) -> PyError {
    PyError::type_error(format!(
        "{container} indices must be integers or slices, not {}",
        index.type_name()
    ))
}

/// The `i`-th character of `s` (`i` already non-negative).
fn char_at(s: &str, i: usize) -> Option<char> {
    if s.is_ascii() {
        s.as_bytes().get(i).map(|b| *b as char)
    } else {
        s.chars().nth(i)
    }
}

/// `len(s)` in characters.
pub(crate) fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// `obj[index]`.
pub(crate) fn getitem(obj: &Value, index: &Value) -> R<Value> {
    match obj {
        Value::List(l) => {
            let l = l.borrow();
            let i = as_int(index).ok_or_else(|| bad_index("list", index))?;
            index_of(l.len(), i)
                .map(|i| l[i].clone())
                .ok_or_else(|| index_error("list"))
        }
        Value::Tuple(t) => {
            let i = as_int(index).ok_or_else(|| bad_index("tuple", index))?;
            index_of(t.len(), i)
                .map(|i| t[i].clone())
                .ok_or_else(|| index_error("tuple"))
        }
        Value::Str(s) => {
            let i = as_int(index).ok_or_else(|| {
                PyError::type_error(format!(
                    "string indices must be integers, not '{}'",
                    index.type_name()
                ))
            })?;
            index_of(char_len(s), i)
                .and_then(|i| char_at(s, i))
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                .ok_or_else(|| index_error("string"))
        }
        Value::Dict(d) => {
            let key = hashable(index.clone())?;
            d.borrow()
                .get(&key)
                .cloned()
                .ok_or_else(|| PyError::new("KeyError", key.repr_string()))
        }
        Value::Range(start, stop, step) => {
            let i = as_int(index).ok_or_else(|| bad_index("range", index))?;
            let len = range_len(*start, *stop, *step);
            let i = if i < 0 { i + len } else { i };
            if i < 0 || i >= len {
                return Err(PyError::new(
                    "IndexError",
                    "range object index out of range",
                ));
            }
            Ok(Value::Int(start + i * step))
        }
        other => Err(PyError::type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

/// `obj[index] = v`.
pub(crate) fn setitem(obj: &Value, index: Value, v: Value) -> R<()> {
    match obj {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            let i = as_int(&index).ok_or_else(|| bad_index("list", &index))?;
            let len = l.len();
            let i = index_of(len, i)
                .ok_or_else(|| PyError::new("IndexError", "list assignment index out of range"))?;
            l[i] = v;
            Ok(())
        }
        Value::Dict(d) => {
            let key = hashable(index)?;
            d.borrow_mut().insert(key, v);
            Ok(())
        }
        other => Err(PyError::type_error(format!(
            "'{}' object does not support item assignment",
            other.type_name()
        ))),
    }
}

/// Python's slice index adjustment: the positions a slice visits.
fn slice_indices(len: i64, lower: &Value, upper: &Value, step: &Value) -> R<(i64, i64, i64)> {
    let bound = |v: &Value| -> R<Option<i64>> {
        match v {
            Value::None => Ok(None),
            other => as_int(other).map(Some).ok_or_else(|| {
                PyError::type_error(
                    "slice indices must be integers or None or have an __index__ method",
                )
            }),
        }
    };
    let step = bound(step)?.unwrap_or(1);
    if step == 0 {
        return Err(PyError::value_error("slice step cannot be zero"));
    }
    let adjust = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(i) if i < 0 => {
                let i = i.saturating_add(len);
                if i < 0 {
                    if step < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    i
                }
            }
            Some(i) if i >= len => {
                if step < 0 {
                    len - 1
                } else {
                    len
                }
            }
            Some(i) => i,
        }
    };
    let (start, stop) = if step > 0 {
        (adjust(bound(lower)?, 0), adjust(bound(upper)?, len))
    } else {
        (adjust(bound(lower)?, len - 1), adjust(bound(upper)?, -1))
    };
    Ok((start, stop, step))
}

fn slice_positions(start: i64, stop: i64, step: i64) -> impl Iterator<Item = usize> {
    let count = if step > 0 {
        if stop > start {
            (stop - start - 1) / step + 1
        } else {
            0
        }
    } else if start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    (0..count).map(move |k| (start + k * step) as usize)
}

/// `obj[lower:upper:step]`.
pub(crate) fn slice(obj: &Value, lower: &Value, upper: &Value, step: &Value) -> R<Value> {
    match obj {
        Value::List(l) => {
            let l = l.borrow();
            let (a, b, s) = slice_indices(l.len() as i64, lower, upper, step)?;
            Ok(Value::list(
                slice_positions(a, b, s).map(|i| l[i].clone()).collect(),
            ))
        }
        Value::Tuple(t) => {
            let (a, b, s) = slice_indices(t.len() as i64, lower, upper, step)?;
            Ok(Value::tuple(
                slice_positions(a, b, s).map(|i| t[i].clone()).collect(),
            ))
        }
        Value::Str(text) => {
            if text.is_ascii() {
                let bytes = text.as_bytes();
                let (a, b, s) = slice_indices(bytes.len() as i64, lower, upper, step)?;
                if s == 1 {
                    return Ok(Value::str(&text[a as usize..(b.max(a)) as usize]));
                }
                let out: String = slice_positions(a, b, s).map(|i| bytes[i] as char).collect();
                return Ok(Value::str(&out));
            }
            let chars: Vec<char> = text.chars().collect();
            let (a, b, s) = slice_indices(chars.len() as i64, lower, upper, step)?;
            let out: String = slice_positions(a, b, s).map(|i| chars[i]).collect();
            Ok(Value::str(&out))
        }
        Value::Range(start, _, rstep) => {
            let len = range_len_of(obj);
            let (a, b, s) = slice_indices(len, lower, upper, step)?;
            Ok(Value::Range(
                start + a * rstep,
                start + b * rstep,
                rstep * s,
            ))
        }
        other => Err(PyError::type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

fn range_len_of(v: &Value) -> i64 {
    match v {
        Value::Range(a, b, c) => range_len(*a, *b, *c),
        _ => 0,
    }
}

/// An iteration in progress.
pub(crate) enum PyIter {
    /// Over a list (by index, so items appended during the loop are seen, as in Python).
    List(Rc<RefCell<Vec<Value>>>, usize),
    /// Over a tuple.
    Tuple(Rc<[Value]>, usize),
    /// Over a string's characters (byte position).
    Str(Rc<str>, usize),
    /// Over a range: next value, values left, step.
    Range(i64, i64, i64),
    /// Over a snapshot (dict keys, set members, an iterator's items).
    Items(std::vec::IntoIter<Value>),
    /// Over one of the runtime's iterator objects (shared: consuming it is seen everywhere).
    Shared(Rc<dyn crate::native::Native>),
}

impl PyIter {
    /// The next item, if any.
    pub(crate) fn next_item(&mut self) -> Option<Value> {
        match self {
            PyIter::List(l, i) => {
                let v = l.borrow().get(*i).cloned();
                *i += 1;
                v
            }
            PyIter::Tuple(t, i) => {
                let v = t.get(*i).cloned();
                *i += 1;
                v
            }
            PyIter::Str(s, pos) => {
                let c = s[*pos..].chars().next()?;
                let start = *pos;
                *pos += c.len_utf8();
                Some(Value::str(&s[start..*pos]))
            }
            PyIter::Range(next, left, step) => {
                if *left <= 0 {
                    return None;
                }
                let v = *next;
                *left -= 1;
                *next = next.wrapping_add(*step);
                Some(Value::Int(v))
            }
            PyIter::Items(items) => items.next(),
            PyIter::Shared(n) => crate::builtins::iterator_next(n),
        }
    }
}

/// `iter(v)`.
pub(crate) fn iterate(v: &Value) -> R<PyIter> {
    Ok(match v {
        Value::List(l) => PyIter::List(l.clone(), 0),
        Value::Tuple(t) => PyIter::Tuple(t.clone(), 0),
        Value::Str(s) => PyIter::Str(s.clone(), 0),
        Value::Range(a, b, c) => PyIter::Range(*a, range_len(*a, *b, *c), *c),
        Value::Dict(d) | Value::Set(d) => {
            PyIter::Items(d.borrow().keys().cloned().collect::<Vec<_>>().into_iter())
        }
        Value::Native(n) => match crate::builtins::native_iter(n) {
            Some(it) => it,
            None => return Err(not_iterable(v)),
        },
        _ => return Err(not_iterable(v)),
    })
}

fn not_iterable(v: &Value) -> PyError {
    PyError::type_error(format!("'{}' object is not iterable", v.type_name()))
}

/// `list(v)`'s items.
pub(crate) fn collect(v: &Value) -> R<Vec<Value>> {
    match v {
        Value::List(l) => Ok(l.borrow().clone()),
        Value::Tuple(t) => Ok(t.to_vec()),
        _ => {
            let mut it = iterate(v)?;
            let mut out = Vec::new();
            while let Some(item) = it.next_item() {
                out.push(item);
            }
            Ok(out)
        }
    }
}

/// `a, b = v` with `n` targets.
pub(crate) fn unpack(v: &Value, n: usize) -> R<Vec<Value>> {
    if let Value::Tuple(t) = v {
        if t.len() == n {
            return Ok(t.to_vec());
        }
    }
    let mut it = iterate(v).map_err(|_| {
        PyError::type_error(format!(
            "cannot unpack non-iterable {} object",
            v.type_name()
        ))
    })?;
    let mut out = Vec::with_capacity(n);
    while let Some(item) = it.next_item() {
        if out.len() == n {
            return Err(PyError::value_error(format!(
                "too many values to unpack (expected {n})"
            )));
        }
        out.push(item);
    }
    if out.len() < n {
        return Err(PyError::value_error(format!(
            "not enough values to unpack (expected {n}, got {})",
            out.len()
        )));
    }
    Ok(out)
}
