//! Python's builtin functions and types, and the runtime's own objects:
//! iterators (`zip`, `enumerate`, generators...) and dict views.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use dstream_engine::python::PyRepr;

use crate::error::PyError;
use crate::native::{Args, Host, Native, NativeFn, Runtime};
use crate::number::{self, ArithOp};
use crate::ops::{self, as_int, PyIter};
use crate::value::{Dict, Value};

type R<T> = Result<T, PyError>;

/// The builtin types, callable as their constructors.
const TYPES: &[&str] = &[
    "int", "float", "str", "bool", "list", "tuple", "dict", "set", "range",
];

/// The builtin functions (after the types in the builtins table).
const FUNCTIONS: &[&str] = &[
    "len",
    "sum",
    "min",
    "max",
    "abs",
    "sorted",
    "reversed",
    "enumerate",
    "zip",
    "round",
    "print",
    "repr",
    "isinstance",
    "type",
    "any",
    "all",
    "map",
    "filter",
    "ord",
    "chr",
];

/// The index of builtin `name` in the builtins table.
pub(crate) fn builtin_index(name: &str) -> Option<u16> {
    TYPES
        .iter()
        .chain(FUNCTIONS)
        .position(|n| *n == name)
        .map(|i| i as u16)
}

/// A builtin type: `int`, `str`... (`<class 'int'>`), callable to convert.
pub(crate) struct TypeObj {
    name: &'static str,
}

thread_local! {
    /// The type objects, one of each, so `type(x) == int` compares identities.
    static TYPE_OBJECTS: Vec<Rc<TypeObj>> =
        TYPES.iter().map(|name| Rc::new(TypeObj { name })).collect();
}

fn type_value(name: &str) -> Option<Value> {
    TYPE_OBJECTS.with(|t| {
        t.iter()
            .find(|o| o.name == name)
            .map(|o| Value::Native(o.clone() as Rc<dyn Native>))
    })
}

impl Native for TypeObj {
    fn type_name(&self) -> &str {
        "type"
    }

    fn call(&self, rt: &Runtime, args: Args) -> R<Value> {
        construct(self.name, rt, args)
    }

    /// `str.lower`: the method, called with its receiver first.
    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        let sample = match self.name {
            "str" => Value::str(""),
            "list" => Value::list(Vec::new()),
            "dict" => Value::Dict(Rc::default()),
            "set" => Value::Set(Rc::default()),
            _ => return None,
        };
        crate::methods::bound_method(&sample, name)?;
        let (owner, method) = (self.name, name.to_string());
        Some(NativeFn::value(name, move |rt, mut args| {
            if args.positional.is_empty() || args.positional[0].type_name() != owner {
                return Err(PyError::type_error(format!(
                    "unbound method {owner}.{method}() needs an argument"
                )));
            }
            let recv = args.positional.remove(0);
            crate::methods::call_method(&**rt, &recv, &method, args)
        }))
    }

    fn repr(&self) -> String {
        format!("<class '{}'>", self.name)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The builtins table, in `builtin_index` order; `print` writes to `host`.
pub(crate) fn make_builtins(host: Rc<dyn Host>) -> Vec<Value> {
    let mut out: Vec<Value> = TYPES.iter().filter_map(|t| type_value(t)).collect();
    for name in FUNCTIONS {
        let host = host.clone();
        let f = *name;
        out.push(NativeFn::value(name, move |rt, args| {
            call_builtin(f, rt, args, &*host)
        }));
    }
    out
}

fn one(name: &str, args: &Args, params: &[&str], required: usize) -> R<Vec<Option<Value>>> {
    args.bind(name, params, required)
}

fn no_keywords(name: &str, args: &Args) -> R<()> {
    if args.keyword.is_empty() {
        Ok(())
    } else {
        Err(PyError::type_error(format!(
            "{name}() takes no keyword arguments"
        )))
    }
}

fn call_builtin(name: &str, rt: &Runtime, args: Args, host: &dyn Host) -> R<Value> {
    match name {
        "len" => {
            let [x] = fixed(name, &args)?;
            len(&x).map(Value::Int)
        }
        "sum" => {
            let s = one(name, &args, &["iterable", "start"], 1)?;
            let iterable = s[0].clone().unwrap_or(Value::None);
            let mut acc = s[1].clone().unwrap_or(Value::Int(0));
            if let Value::Str(_) = acc {
                return Err(PyError::type_error(
                    "sum() can't sum strings [use ''.join(seq) instead]",
                ));
            }
            let mut it = ops::iterate(&iterable)?;
            while let Some(item) = it.next_item() {
                acc = ops::binary(ArithOp::Add, &acc, &item)?;
            }
            Ok(acc)
        }
        "min" | "max" => min_max(name, rt, args),
        "abs" => {
            let [x] = fixed(name, &args)?;
            match x {
                Value::Int(i) => i
                    .checked_abs()
                    .map(Value::Int)
                    .ok_or_else(number::int_overflow),
                Value::Bool(b) => Ok(Value::Int(b as i64)),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                other => Err(PyError::type_error(format!(
                    "bad operand type for abs(): '{}'",
                    other.type_name()
                ))),
            }
        }
        "sorted" => {
            if args.positional.len() != 1 {
                return Err(PyError::type_error(format!(
                    "sorted expected 1 argument, got {}",
                    args.positional.len()
                )));
            }
            let items = ops::collect(&args.positional[0])?;
            let rest = Args {
                positional: Vec::new(),
                keyword: args.keyword.clone(),
            };
            Ok(Value::list(sort_with(&**rt, items, &rest, "sort")?))
        }
        "reversed" => {
            let [x] = fixed(name, &args)?;
            let (kind, mut items) = match &x {
                Value::List(_) => ("list_reverseiterator", ops::collect(&x)?),
                Value::Tuple(_) | Value::Str(_) => ("reversed", ops::collect(&x)?),
                Value::Range(..) => ("range_iterator", ops::collect(&x)?),
                Value::Dict(_) => ("dict_reversekeyiterator", ops::collect(&x)?),
                other => {
                    return Err(PyError::type_error(format!(
                        "'{}' object is not reversible",
                        other.type_name()
                    )))
                }
            };
            items.reverse();
            Ok(iterator_value(kind, items))
        }
        "enumerate" => {
            let s = one(name, &args, &["iterable", "start"], 1)?;
            let iterable = s[0].clone().unwrap_or(Value::None);
            let start = match &s[1] {
                None => 0,
                Some(v) => as_int(v).ok_or_else(|| not_integer(v))?,
            };
            let items = ops::collect(&iterable)?;
            let pairs = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| Value::tuple(vec![Value::Int(start + i as i64), v]))
                .collect();
            Ok(iterator_value("enumerate", pairs))
        }
        "zip" => {
            no_keywords(name, &args)?;
            let columns = args
                .positional
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    ops::collect(v).map_err(|_| {
                        PyError::type_error(format!(
                            "zip argument #{} must support iteration",
                            i + 1
                        ))
                    })
                })
                .collect::<R<Vec<_>>>()?;
            let n = columns.iter().map(Vec::len).min().unwrap_or(0);
            let rows = (0..n)
                .map(|i| Value::tuple(columns.iter().map(|c| c[i].clone()).collect()))
                .collect();
            Ok(iterator_value("zip", rows))
        }
        "round" => {
            let s = one(name, &args, &["number", "ndigits"], 1)?;
            let ndigits = match s[1].as_ref().filter(|v| !matches!(v, Value::None)) {
                None => None,
                Some(v) => Some(as_int(v).ok_or_else(|| not_integer(v))?),
            };
            crate::number::round(&s[0].clone().unwrap_or(Value::None), ndigits)
        }
        "print" => {
            let mut sep = " ".to_string();
            let mut end = "\n".to_string();
            for (k, v) in &args.keyword {
                let slot = match &**k {
                    "sep" => &mut sep,
                    "end" => &mut end,
                    "file" | "flush" => continue,
                    other => {
                        return Err(PyError::type_error(format!(
                            "'{other}' is an invalid keyword argument for print()"
                        )))
                    }
                };
                match v {
                    Value::None => {}
                    Value::Str(s) => *slot = s.to_string(),
                    other => {
                        return Err(PyError::type_error(format!(
                            "{k} must be None or a string, not {}",
                            other.type_name()
                        )))
                    }
                }
            }
            let mut text = String::new();
            for (i, v) in args.positional.iter().enumerate() {
                if i > 0 {
                    text.push_str(&sep);
                }
                v.py_str(&mut text);
            }
            text.push_str(&end);
            host.print(&text);
            Ok(Value::None)
        }
        "repr" => {
            let [x] = fixed(name, &args)?;
            Ok(Value::str(&x.repr_string()))
        }
        "isinstance" => {
            let [x, types] = fixed(name, &args)?;
            isinstance(&x, &types).map(Value::Bool)
        }
        "type" => {
            let [x] = fixed(name, &args)?;
            Ok(type_value(x.type_name()).unwrap_or_else(|| {
                Value::Native(Rc::new(TypeObj {
                    name: match x {
                        Value::None => "NoneType",
                        _ => "object",
                    },
                }))
            }))
        }
        "any" | "all" => {
            let [x] = fixed(name, &args)?;
            let mut it = ops::iterate(&x)?;
            let want = name == "any";
            while let Some(item) = it.next_item() {
                if ops::truth(&item)? == want {
                    return Ok(Value::Bool(want));
                }
            }
            Ok(Value::Bool(!want))
        }
        "map" => {
            no_keywords(name, &args)?;
            if args.positional.len() < 2 {
                return Err(PyError::type_error(
                    "map() must have at least two arguments.",
                ));
            }
            let f = &args.positional[0];
            let columns = args.positional[1..]
                .iter()
                .map(ops::collect)
                .collect::<R<Vec<_>>>()?;
            let n = columns.iter().map(Vec::len).min().unwrap_or(0);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let call_args = columns.iter().map(|c| c[i].clone()).collect();
                out.push(rt.call(f, Args::positional(call_args))?);
            }
            Ok(iterator_value("map", out))
        }
        "filter" => {
            let [f, iterable] = fixed(name, &args)?;
            let mut out = Vec::new();
            for item in ops::collect(&iterable)? {
                let keep = match f {
                    Value::None => ops::truth(&item)?,
                    _ => ops::truth(&rt.call(&f, Args::positional(vec![item.clone()]))?)?,
                };
                if keep {
                    out.push(item);
                }
            }
            Ok(iterator_value("filter", out))
        }
        "ord" => {
            let [x] = fixed(name, &args)?;
            match &x {
                Value::Str(s) if s.chars().count() == 1 => {
                    Ok(Value::Int(s.chars().next().map_or(0, |c| c as i64)))
                }
                Value::Str(s) => Err(PyError::type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.chars().count()
                ))),
                other => Err(PyError::type_error(format!(
                    "ord() expected string of length 1, but {} found",
                    other.type_name()
                ))),
            }
        }
        "chr" => {
            let [x] = fixed(name, &args)?;
            let i = as_int(&x).ok_or_else(|| not_integer(&x))?;
            u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                .ok_or_else(|| PyError::value_error("chr() arg not in range(0x110000)"))
        }
        _ => Err(PyError::new(
            "NameError",
            format!("name '{name}' is not defined"),
        )),
    }
}

/// Exactly `N` positional arguments, as CPython's builtins check them.
fn fixed<const N: usize>(name: &str, args: &Args) -> R<[Value; N]> {
    no_keywords(name, args)?;
    if args.positional.len() != N {
        return Err(PyError::type_error(if N == 1 {
            format!(
                "{name}() takes exactly one argument ({} given)",
                args.positional.len()
            )
        } else {
            format!(
                "{name} expected {N} arguments, got {}",
                args.positional.len()
            )
        }));
    }
    let v: Vec<Value> = args.positional.clone();
    v.try_into()
        .map_err(|_| PyError::type_error(format!("{name}() takes {N} arguments")))
}

fn not_integer(v: &Value) -> PyError {
    PyError::type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        v.type_name()
    ))
}

/// `len(x)`.
pub(crate) fn len(x: &Value) -> R<i64> {
    Ok(match x {
        Value::Str(s) => ops::char_len(s) as i64,
        Value::List(l) => l.borrow().len() as i64,
        Value::Tuple(t) => t.len() as i64,
        Value::Dict(d) | Value::Set(d) => d.borrow().len() as i64,
        Value::Range(a, b, c) => ops::range_len(*a, *b, *c),
        Value::Native(n) => match n.as_any().downcast_ref::<DictView>() {
            Some(view) => view.dict.borrow().len() as i64,
            // A sized iterable of the host's (PySpark's `ResultIterable`).
            None => match n.iter_values() {
                Some(items) => items.len() as i64,
                None => return Err(no_len(x)),
            },
        },
        other => return Err(no_len(other)),
    })
}

fn no_len(x: &Value) -> PyError {
    PyError::type_error(format!("object of type '{}' has no len()", x.type_name()))
}

fn min_max(name: &str, rt: &Runtime, args: Args) -> R<Value> {
    let mut key = None;
    let mut default = None;
    for (k, v) in &args.keyword {
        match &**k {
            "key" => key = Some(v.clone()).filter(|v| !matches!(v, Value::None)),
            "default" => default = Some(v.clone()),
            other => {
                return Err(PyError::type_error(format!(
                    "'{other}' is an invalid keyword argument for {name}()"
                )))
            }
        }
    }
    let items = match args.positional.len() {
        0 => {
            return Err(PyError::type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )))
        }
        1 => ops::collect(&args.positional[0])?,
        _ => {
            if default.is_some() {
                return Err(PyError::type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            args.positional.clone()
        }
    };
    let op = if name == "max" {
        crate::ast::CmpOp::Gt
    } else {
        crate::ast::CmpOp::Lt
    };
    let mut best: Option<(Value, Value)> = None;
    for item in items {
        let k = match &key {
            Some(f) => rt.call(f, Args::positional(vec![item.clone()]))?,
            None => item.clone(),
        };
        let better = match &best {
            None => true,
            Some((best_key, _)) => ops::order(op, &k, best_key)?,
        };
        if better {
            best = Some((k, item));
        }
    }
    match best {
        Some((_, v)) => Ok(v),
        None => default
            .ok_or_else(|| PyError::value_error(format!("{name}() arg is an empty sequence"))),
    }
}

/// Sorts `items` as `list.sort(key=..., reverse=...)` does (stable, `<` only).
pub(crate) fn sort_with(
    rt: &dyn crate::native::Caller,
    items: Vec<Value>,
    args: &Args,
    name: &str,
) -> R<Vec<Value>> {
    if !args.positional.is_empty() {
        return Err(PyError::type_error(format!(
            "{name}() takes no positional arguments"
        )));
    }
    let s = args.bind(name, &["key", "reverse"], 0)?;
    let key = s[0].clone().filter(|v| !matches!(v, Value::None));
    let reverse = s[1].as_ref().is_some_and(Value::truthy);
    let mut pairs: Vec<(Value, Value)> = Vec::with_capacity(items.len());
    for item in items {
        let k = match &key {
            Some(f) => rt.call(f, Args::positional(vec![item.clone()]))?,
            None => item.clone(),
        };
        pairs.push((k, item));
    }
    sort_by_keys(pairs, reverse)
}

/// The values of `(key, value)` pairs sorted by key with Python's `<` only,
/// stably in both directions; the first failing comparison is the one CPython
/// makes.
pub(crate) fn sort_by_keys(mut pairs: Vec<(Value, Value)>, reverse: bool) -> R<Vec<Value>> {
    // CPython sorts a reversed list and reverses the result, so equal keys keep their order.
    if reverse {
        pairs.reverse();
    }
    let mut sorted = merge_sort(pairs)?;
    if reverse {
        sorted.reverse();
    }
    Ok(sorted.into_iter().map(|(_, v)| v).collect())
}

fn less(a: &(Value, Value), b: &(Value, Value)) -> R<bool> {
    ops::order(crate::ast::CmpOp::Lt, &a.0, &b.0)
}

/// Below this length CPython's sort is one run made by binary insertion; the
/// lab follows it comparison for comparison, so a failing `<` fails on the
/// same pair as in Python.
const MIN_MERGE: usize = 64;

/// A stable sort on keys that only uses Python's `<` (which may fail).
fn merge_sort(mut items: Vec<(Value, Value)>) -> R<Vec<(Value, Value)>> {
    if items.len() < MIN_MERGE {
        binary_insertion_sort(&mut items)?;
        return Ok(items);
    }
    let right = items.split_off(items.len() / 2);
    let left = merge_sort(items)?;
    let right = merge_sort(right)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        if less(r, l)? {
            out.extend(right.next());
        } else {
            out.extend(left.next());
        }
    }
    out.extend(left);
    out.extend(right);
    Ok(out)
}

/// CPython's `count_run` then `binarysort` (Objects/listobject.c).
fn binary_insertion_sort(items: &mut [(Value, Value)]) -> R<()> {
    let n = items.len();
    if n < 2 {
        return Ok(());
    }
    let mut run = 2;
    if less(&items[1], &items[0])? {
        while run < n && less(&items[run], &items[run - 1])? {
            run += 1;
        }
        items[..run].reverse();
    } else {
        while run < n && !less(&items[run], &items[run - 1])? {
            run += 1;
        }
    }
    for start in run..n {
        let (mut l, mut r) = (0, start);
        while l < r {
            let p = l + ((r - l) >> 1);
            if less(&items[start], &items[p])? {
                r = p;
            } else {
                l = p + 1;
            }
        }
        items[l..=start].rotate_right(1);
    }
    Ok(())
}

fn isinstance(x: &Value, types: &Value) -> R<bool> {
    match types {
        Value::Tuple(items) => {
            for t in items.iter() {
                if isinstance(x, t)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Native(n) => match n.as_any().downcast_ref::<TypeObj>() {
            Some(t) => {
                Ok(x.type_name() == t.name || (t.name == "int" && matches!(x, Value::Bool(_))))
            }
            None => Err(isinstance_error()),
        },
        _ => Err(isinstance_error()),
    }
}

fn isinstance_error() -> PyError {
    PyError::type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")
}

/// `int(...)`, `str(...)`...: a builtin type called.
fn construct(name: &str, rt: &Runtime, args: Args) -> R<Value> {
    let _ = rt;
    if name == "int" {
        let s = args.bind("int", &["x", "base"], 0)?;
        return match (&s[0], &s[1]) {
            (None, _) => Ok(Value::Int(0)),
            (Some(x), None) => to_int(x, 10),
            (Some(Value::Str(text)), Some(base)) => {
                let base = as_int(base).ok_or_else(|| not_integer(base))?;
                if !(base == 0 || (2..=36).contains(&base)) {
                    return Err(PyError::value_error(
                        "int() base must be >= 2 and <= 36, or 0",
                    ));
                }
                parse_int(text, base as u32)
            }
            (Some(_), Some(_)) => Err(PyError::type_error(
                "int() can't convert non-string with explicit base",
            )),
        };
    }
    if name == "dict" && args.positional.len() <= 1 {
        let mut d = Dict::new();
        if let Some(x) = args.positional.first() {
            dict_update(&mut d, x)?;
        }
        for (k, v) in &args.keyword {
            d.insert(Value::Str(k.clone()), v.clone());
        }
        return Ok(Value::Dict(Rc::new(RefCell::new(d))));
    }
    no_keywords(name, &args)?;
    if args.positional.len() > 1 && name != "range" {
        return Err(PyError::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            args.positional.len()
        )));
    }
    let arg = args.positional.first();
    match name {
        "float" => match arg {
            None => Ok(Value::Float(0.0)),
            Some(x) => to_float(x).map(Value::Float),
        },
        "str" => Ok(Value::str(&arg.map(ops::to_str).unwrap_or_default())),
        "bool" => Ok(Value::Bool(match arg {
            Some(a) => crate::ops::truth(a)?,
            None => false,
        })),
        "list" => Ok(Value::list(match arg {
            None => Vec::new(),
            Some(x) => ops::collect(x)?,
        })),
        "tuple" => Ok(match arg {
            None => Value::tuple(Vec::new()),
            Some(t @ Value::Tuple(_)) => t.clone(),
            Some(x) => Value::tuple(ops::collect(x)?),
        }),
        "set" => {
            let mut set = Dict::new();
            if let Some(x) = arg {
                for item in ops::collect(x)? {
                    set.insert(ops::hashable(item)?, Value::None);
                }
            }
            Ok(Value::Set(Rc::new(RefCell::new(set))))
        }
        "range" => {
            let ints = args
                .positional
                .iter()
                .map(|v| as_int(v).ok_or_else(|| not_integer(v)))
                .collect::<R<Vec<_>>>()?;
            match ints[..] {
                [stop] => Ok(Value::Range(0, stop, 1)),
                [start, stop] => Ok(Value::Range(start, stop, 1)),
                [_, _, 0] => Err(PyError::value_error("range() arg 3 must not be zero")),
                [start, stop, step] => Ok(Value::Range(start, stop, step)),
                _ => Err(PyError::type_error(format!(
                    "range expected at most 3 arguments, got {}",
                    ints.len()
                ))),
            }
        }
        _ => Err(PyError::type_error(format!(
            "cannot create '{name}' instances"
        ))),
    }
}

/// `d.update(x)` / `dict(x)`: from a mapping or an iterable of pairs.
pub(crate) fn dict_update(d: &mut Dict, x: &Value) -> R<()> {
    if let Value::Dict(other) = x {
        for (k, v) in other.borrow().iter() {
            d.insert(k.clone(), v.clone());
        }
        return Ok(());
    }
    for (i, item) in ops::collect(x)?.into_iter().enumerate() {
        let pair = ops::collect(&item).map_err(|_| {
            PyError::type_error(format!(
                "cannot convert dictionary update sequence element #{i} to a sequence"
            ))
        })?;
        if pair.len() != 2 {
            return Err(PyError::value_error(format!(
                "dictionary update sequence element #{i} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut pair = pair.into_iter();
        if let (Some(k), Some(v)) = (pair.next(), pair.next()) {
            d.insert(ops::hashable(k)?, v);
        }
    }
    Ok(())
}

fn to_int(x: &Value, base: u32) -> R<Value> {
    match x {
        Value::Int(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => number::float_to_int(*f).map(Value::Int),
        Value::Str(s) => parse_int(s, base),
        other => Err(PyError::type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

/// Python's whitespace (`str.isspace`): Unicode's, plus the ASCII separators U+001C..U+001F.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Digits with single underscores between them, as Python's literals allow.
fn without_underscores(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '_' {
            let ok = |j: Option<&char>| j.is_some_and(|c| c.is_ascii_alphanumeric());
            if !ok(i.checked_sub(1).and_then(|j| chars.get(j))) || !ok(chars.get(i + 1)) {
                return None;
            }
        }
    }
    Some(s.replace('_', ""))
}

/// `int(text, base)`: base 10 is Python's decimal literal (any script's
/// digits); other bases take ASCII digits and letters, and base 0 a prefix.
fn parse_int(text: &str, base: u32) -> R<Value> {
    if base == 10 {
        return number::int_from_str(text).map(Value::Int);
    }
    let invalid = || {
        PyError::value_error(format!(
            "invalid literal for int() with base {base}: {}",
            Value::str(text).repr_string()
        ))
    };
    let t = text.trim_matches(is_py_space);
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = digits.to_ascii_lowercase();
    let (base, digits) = match (base, lower.get(..2)) {
        (0 | 16, Some("0x")) => (16, &digits[2..]),
        (0 | 8, Some("0o")) => (8, &digits[2..]),
        (0 | 2, Some("0b")) => (2, &digits[2..]),
        (0, _) => (10, digits),
        _ => (base, digits),
    };
    let digits = digits.strip_prefix('_').unwrap_or(digits);
    let clean = without_underscores(digits).ok_or_else(invalid)?;
    if clean.is_empty() || !clean.chars().all(|c| c.is_digit(base)) {
        return Err(invalid());
    }
    let magnitude = i128::from_str_radix(&clean, base).map_err(|_| number::int_overflow())?;
    let v = if negative { -magnitude } else { magnitude };
    i64::try_from(v)
        .map(Value::Int)
        .map_err(|_| number::int_overflow())
}

/// `float(x)`.
pub(crate) fn to_float(x: &Value) -> R<f64> {
    match x {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Str(s) => number::float_from_str(s),
        other => Err(PyError::type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

/// One of the runtime's iterators: `zip`, `enumerate`, `map`, `filter`,
/// `reversed`, a generator expression. Its items are computed when it is made.
pub(crate) struct IterObj {
    kind: &'static str,
    items: RefCell<std::vec::IntoIter<Value>>,
}

/// An iterator value named `kind` over `items`.
pub(crate) fn iterator_value(kind: &'static str, items: Vec<Value>) -> Value {
    Value::Native(Rc::new(IterObj {
        kind,
        items: RefCell::new(items.into_iter()),
    }))
}

impl Native for IterObj {
    fn type_name(&self) -> &str {
        self.kind
    }

    fn repr(&self) -> String {
        let at = self as *const _ as usize;
        if self.kind == "generator" {
            format!("<generator object <genexpr> at {at:#x}>")
        } else {
            format!("<{} object at {at:#x}>", self.kind)
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The next item of a runtime iterator (`None` at the end or for other natives).
pub(crate) fn iterator_next(n: &Rc<dyn Native>) -> Option<Value> {
    n.as_any()
        .downcast_ref::<IterObj>()
        .and_then(|it| it.items.borrow_mut().next())
}

/// Iteration over natives: the runtime's iterators and dict views, the host's iterables.
pub(crate) fn native_iter(n: &Rc<dyn Native>) -> Option<PyIter> {
    if n.as_any().is::<IterObj>() {
        return Some(PyIter::Shared(n.clone()));
    }
    if let Some(view) = n.as_any().downcast_ref::<DictView>() {
        return Some(PyIter::Items(view.items().into_iter()));
    }
    // The host's iterables (PySpark's `ResultIterable`).
    n.iter_values()
        .map(|items| PyIter::Items(items.into_iter()))
}

/// `item in view` for dict views (`None`: not a view, the caller iterates).
pub(crate) fn native_contains(n: &Rc<dyn Native>, item: &Value) -> Option<R<bool>> {
    let view = n.as_any().downcast_ref::<DictView>()?;
    let d = view.dict.borrow();
    Some(match view.kind {
        ViewKind::Keys => ops::hashable(item.clone()).map(|k| d.contains_key(&k)),
        ViewKind::Values => Ok(d.values().any(|v| v == item)),
        ViewKind::Items => Ok(match item {
            Value::Tuple(t) if t.len() == 2 => {
                t[0].is_hashable() && d.get(&t[0]).is_some_and(|v| *v == t[1])
            }
            _ => false,
        }),
    })
}

/// Which view of a dict.
#[derive(Clone, Copy)]
pub(crate) enum ViewKind {
    /// `d.keys()`
    Keys,
    /// `d.values()`
    Values,
    /// `d.items()`
    Items,
}

/// `d.keys()`, `d.values()`, `d.items()`: live views of a dict.
pub(crate) struct DictView {
    /// Which view.
    pub kind: ViewKind,
    /// The dict seen.
    pub dict: Rc<RefCell<Dict>>,
}

impl DictView {
    fn items(&self) -> Vec<Value> {
        let d = self.dict.borrow();
        match self.kind {
            ViewKind::Keys => d.keys().cloned().collect(),
            ViewKind::Values => d.values().cloned().collect(),
            ViewKind::Items => d
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
                .collect(),
        }
    }
}

impl Native for DictView {
    fn type_name(&self) -> &str {
        match self.kind {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }

    fn repr(&self) -> String {
        format!(
            "{}({})",
            self.type_name(),
            Value::list(self.items()).repr_string()
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
