//! The methods of `str`, `list`, `dict` and `set`, with Python's Unicode
//! semantics (character indices, Python's whitespace set).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use dstream_engine::python::PyRepr;

use crate::builtins::{dict_update, is_py_space, sort_with, DictView, ViewKind};
use crate::error::PyError;
use crate::native::{Args, Caller, Native, Runtime};
use crate::ops::{self, as_int};
use crate::value::Value;

type R<T> = Result<T, PyError>;

const STR_METHODS: &[&str] = &[
    "split",
    "rsplit",
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "startswith",
    "endswith",
    "replace",
    "find",
    "rfind",
    "index",
    "count",
    "join",
    "format",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "islower",
    "isupper",
    "title",
    "capitalize",
    "splitlines",
];
const LIST_METHODS: &[&str] = &[
    "append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "copy",
    "clear",
];
const DICT_METHODS: &[&str] = &[
    "get",
    "items",
    "keys",
    "values",
    "setdefault",
    "pop",
    "update",
    "copy",
    "clear",
];
const SET_METHODS: &[&str] = &["add", "remove", "discard", "copy", "clear"];

fn methods_of(v: &Value) -> &'static [&'static str] {
    match v {
        Value::Str(_) => STR_METHODS,
        Value::List(_) => LIST_METHODS,
        Value::Dict(_) => DICT_METHODS,
        Value::Set(_) => SET_METHODS,
        _ => &[],
    }
}

/// `recv.name` for a builtin value: a bound method, if the type has it.
pub(crate) fn bound_method(recv: &Value, name: &str) -> Option<Value> {
    let name = *methods_of(recv).iter().find(|m| **m == name)?;
    Some(Value::Native(Rc::new(BoundMethod {
        recv: recv.clone(),
        name,
    })))
}

/// A method of a builtin value taken as a value (`words.append`).
struct BoundMethod {
    recv: Value,
    name: &'static str,
}

impl Native for BoundMethod {
    fn type_name(&self) -> &str {
        "builtin_function_or_method"
    }

    fn call(&self, rt: &Runtime, args: Args) -> R<Value> {
        call_method(&**rt, &self.recv, self.name, args)
    }

    fn repr(&self) -> String {
        format!(
            "<built-in method {} of {} object at {:#x}>",
            self.name,
            self.recv.type_name(),
            self as *const _ as usize
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `recv.name(*args)` for a builtin value.
pub(crate) fn call_method(rt: &dyn Caller, recv: &Value, name: &str, args: Args) -> R<Value> {
    match recv {
        Value::Str(s) => str_method(s, name, args),
        Value::List(l) => list_method(rt, l, name, args),
        Value::Dict(d) => dict_method(d, name, args),
        Value::Set(d) => set_method(d, name, args),
        _ => Err(crate::eval::no_attribute(recv, name)),
    }
    .map_err(|e| {
        if e.kind == "AttributeError" && e.message.is_empty() {
            crate::eval::no_attribute(recv, name)
        } else {
            e
        }
    })
}

/// The marker for "no such method": replaced by the proper `AttributeError` above.
fn unknown() -> PyError {
    PyError::new("AttributeError", "")
}

fn arg_count(name: &str, args: &Args, min: usize, max: usize) -> R<()> {
    if !args.keyword.is_empty() {
        return Err(PyError::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    let n = args.positional.len();
    if n < min || n > max {
        return Err(PyError::type_error(if min == max && min == 0 {
            format!("{name}() takes no arguments ({n} given)")
        } else if min == max && min == 1 {
            format!("{name}() takes exactly one argument ({n} given)")
        } else if n < min {
            format!(
                "{name}() takes at least {min} argument{} ({n} given)",
                plural(min)
            )
        } else {
            format!(
                "{name}() takes at most {max} argument{} ({n} given)",
                plural(max)
            )
        }));
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn str_arg<'a>(name: &str, v: &'a Value) -> R<&'a str> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(PyError::type_error(format!(
            "{name} arg must be None or str, not {}",
            other.type_name()
        ))),
    }
}

fn must_str(v: &Value) -> R<&str> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(PyError::type_error(format!(
            "must be str, not {}",
            other.type_name()
        ))),
    }
}

fn strs(items: Vec<&str>) -> Value {
    Value::list(items.into_iter().map(Value::str).collect())
}

/// The byte offset of character index `i` (clamped to the string).
fn byte_at(s: &str, i: usize) -> usize {
    if s.is_ascii() {
        return i.min(s.len());
    }
    s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
}

fn char_index(s: &str, byte: usize) -> i64 {
    if s.is_ascii() {
        byte as i64
    } else {
        s[..byte].chars().count() as i64
    }
}

/// The `[start:end]` window `find`/`count` search, as byte offsets.
fn window(s: &str, start: Option<&Value>, end: Option<&Value>) -> R<(usize, usize)> {
    let len = ops::char_len(s) as i64;
    let clamp = |v: Option<&Value>, default: i64| -> R<i64> {
        match v {
            None | Some(Value::None) => Ok(default),
            Some(v) => {
                let i = as_int(v).ok_or_else(|| {
                    PyError::type_error(
                        "slice indices must be integers or None or have an __index__ method",
                    )
                })?;
                Ok(if i < 0 { (i + len).max(0) } else { i.min(len) })
            }
        }
    };
    let (a, b) = (clamp(start, 0)?, clamp(end, len)?);
    Ok((byte_at(s, a as usize), byte_at(s, b.max(a) as usize)))
}

fn strip_chars<'a>(s: &'a str, chars: Option<&Value>, left: bool, right: bool) -> R<&'a str> {
    let set: Option<Vec<char>> = match chars {
        None | Some(Value::None) => None,
        Some(v) => Some(str_arg("strip", v)?.chars().collect()),
    };
    let strip = |c: char| match &set {
        None => is_py_space(c),
        Some(set) => set.contains(&c),
    };
    let mut out = s;
    if left {
        out = out.trim_start_matches(strip);
    }
    if right {
        out = out.trim_end_matches(strip);
    }
    Ok(out)
}

/// `s.split()` / `s.rsplit()` (with `maxsplit`): runs of whitespace
/// separate; `rsplit` counts `maxsplit` from the right.
fn split_whitespace<'a>(s: &'a str, maxsplit: i64, from_right: bool) -> Vec<&'a str> {
    let trim = |t: &'a str| -> &'a str {
        if from_right {
            t.trim_end_matches(is_py_space)
        } else {
            t.trim_start_matches(is_py_space)
        }
    };
    let mut out = Vec::new();
    let mut rest = trim(s);
    while !rest.is_empty() {
        let gap = if from_right {
            rest.rfind(is_py_space)
        } else {
            rest.find(is_py_space)
        };
        let Some(at) = gap.filter(|_| maxsplit < 0 || (out.len() as i64) < maxsplit) else {
            out.push(rest);
            break;
        };
        let after = at + rest[at..].chars().next().map_or(1, char::len_utf8);
        let (word, remaining) = if from_right {
            (&rest[after..], &rest[..at])
        } else {
            (&rest[..at], &rest[after..])
        };
        out.push(word);
        rest = trim(remaining);
    }
    if from_right {
        out.reverse();
    }
    out
}

fn split_args(name: &str, args: &Args) -> R<(Option<Rc<str>>, i64)> {
    let s = args.bind(name, &["sep", "maxsplit"], 0)?;
    let sep = match &s[0] {
        None | Some(Value::None) => None,
        Some(Value::Str(sep)) if sep.is_empty() => {
            return Err(PyError::value_error("empty separator"))
        }
        Some(Value::Str(sep)) => Some(sep.clone()),
        Some(other) => {
            return Err(PyError::type_error(format!(
                "must be str or None, not {}",
                other.type_name()
            )))
        }
    };
    let maxsplit = match &s[1] {
        None => -1,
        Some(v) => as_int(v).ok_or_else(|| {
            PyError::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))
        })?,
    };
    Ok((sep, maxsplit))
}

fn affix_test(name: &str, s: &str, args: &Args, test: fn(&str, &str) -> bool) -> R<Value> {
    arg_count(name, args, 1, 3)?;
    let (a, b) = window(s, args.positional.get(1), args.positional.get(2))?;
    let hay = &s[a..b];
    match &args.positional[0] {
        Value::Str(p) => Ok(Value::Bool(test(hay, p))),
        Value::Tuple(options) => {
            for o in options.iter() {
                match o {
                    Value::Str(p) if test(hay, p) => return Ok(Value::Bool(true)),
                    Value::Str(_) => {}
                    other => {
                        return Err(PyError::type_error(format!(
                            "tuple for {name} must only contain str, not {}",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(Value::Bool(false))
        }
        other => Err(PyError::type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            other.type_name()
        ))),
    }
}

fn find(s: &str, args: &Args, name: &str, reverse: bool) -> R<Option<i64>> {
    arg_count(name, args, 1, 3)?;
    let sub = must_str(&args.positional[0])?;
    let (a, b) = window(s, args.positional.get(1), args.positional.get(2))?;
    let hay = &s[a..b];
    let found = if reverse {
        hay.rfind(sub)
    } else {
        hay.find(sub)
    };
    Ok(found.map(|i| char_index(s, a + i)))
}

fn is_all(s: &str, test: fn(char) -> bool) -> Value {
    Value::Bool(!s.is_empty() && s.chars().all(test))
}

fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase()
}

fn str_method(s: &Rc<str>, name: &str, args: Args) -> R<Value> {
    let p = &args.positional;
    Ok(match name {
        "split" | "rsplit" => {
            let (sep, maxsplit) = split_args(name, &args)?;
            let parts = match (&sep, name, maxsplit) {
                (None, name, _) => split_whitespace(s, maxsplit, name == "rsplit"),
                (Some(sep), "split", m) if m < 0 => s.split(&**sep).collect(),
                (Some(sep), "split", m) => s.splitn(m as usize + 1, &**sep).collect(),
                (Some(sep), _, m) if m < 0 => s.split(&**sep).collect(),
                (Some(sep), _, m) => {
                    let mut v: Vec<&str> = s.rsplitn(m as usize + 1, &**sep).collect();
                    v.reverse();
                    v
                }
            };
            strs(parts)
        }
        "strip" | "lstrip" | "rstrip" => {
            arg_count(name, &args, 0, 1)?;
            let (l, r) = (name != "rstrip", name != "lstrip");
            Value::str(strip_chars(s, p.first(), l, r)?)
        }
        "lower" | "upper" | "title" | "capitalize" => {
            arg_count(name, &args, 0, 0)?;
            Value::str(&match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                "title" => {
                    let mut out = String::with_capacity(s.len());
                    let mut prev_cased = false;
                    for c in s.chars() {
                        if prev_cased {
                            out.extend(c.to_lowercase());
                        } else {
                            out.extend(c.to_uppercase());
                        }
                        prev_cased = is_cased(c);
                    }
                    out
                }
                _ => {
                    let mut chars = s.chars();
                    match chars.next() {
                        Some(first) => first
                            .to_uppercase()
                            .chain(chars.as_str().to_lowercase().chars())
                            .collect(),
                        None => String::new(),
                    }
                }
            })
        }
        "startswith" => affix_test(name, s, &args, |h, p| h.starts_with(p))?,
        "endswith" => affix_test(name, s, &args, |h, p| h.ends_with(p))?,
        "replace" => {
            arg_count(name, &args, 2, 3)?;
            let (old, new) = (must_str(&p[0])?, must_str(&p[1])?);
            let count = match p.get(2) {
                None => -1,
                Some(v) => as_int(v).ok_or_else(|| {
                    PyError::type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        v.type_name()
                    ))
                })?,
            };
            Value::str(&if count < 0 {
                s.replace(old, new)
            } else {
                s.replacen(old, new, count as usize)
            })
        }
        "find" => Value::Int(find(s, &args, name, false)?.unwrap_or(-1)),
        "rfind" => Value::Int(find(s, &args, name, true)?.unwrap_or(-1)),
        "index" => Value::Int(
            find(s, &args, name, false)?
                .ok_or_else(|| PyError::value_error("substring not found"))?,
        ),
        "count" => {
            arg_count(name, &args, 1, 3)?;
            let sub = must_str(&p[0])?;
            let (a, b) = window(s, p.get(1), p.get(2))?;
            let hay = &s[a..b];
            Value::Int(if sub.is_empty() {
                ops::char_len(hay) as i64 + 1
            } else {
                hay.matches(sub).count() as i64
            })
        }
        "join" => {
            arg_count(name, &args, 1, 1)?;
            let items = ops::collect(&p[0])?;
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(s);
                }
                match item {
                    Value::Str(part) => out.push_str(part),
                    other => {
                        return Err(PyError::type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            other.type_name()
                        )))
                    }
                }
            }
            Value::str(&out)
        }
        "format" => Value::str(&crate::format::str_format(s, &args)?),
        "splitlines" => {
            arg_count(name, &args, 0, 0)?;
            strs(s.lines().collect())
        }
        "isdigit" => is_all(s, char::is_numeric),
        "isalpha" => is_all(s, char::is_alphabetic),
        "isalnum" => is_all(s, char::is_alphanumeric),
        "isspace" => is_all(s, is_py_space),
        "islower" | "isupper" => {
            let lower = name == "islower";
            let cased: Vec<char> = s.chars().filter(|c| is_cased(*c)).collect();
            Value::Bool(
                !cased.is_empty()
                    && cased.iter().all(|c| {
                        if lower {
                            c.is_lowercase()
                        } else {
                            c.is_uppercase()
                        }
                    }),
            )
        }
        _ => return Err(unknown()),
    })
}

fn list_method(rt: &dyn Caller, l: &Rc<RefCell<Vec<Value>>>, name: &str, args: Args) -> R<Value> {
    let p = &args.positional;
    let list_name = format!("list.{name}");
    Ok(match name {
        "append" => {
            arg_count(&list_name, &args, 1, 1)?;
            l.borrow_mut().push(p[0].clone());
            Value::None
        }
        "extend" => {
            arg_count(&list_name, &args, 1, 1)?;
            let items = ops::collect(&p[0])?;
            l.borrow_mut().extend(items);
            Value::None
        }
        "pop" => {
            arg_count(name, &args, 0, 1)?;
            let mut l = l.borrow_mut();
            if l.is_empty() {
                return Err(PyError::new("IndexError", "pop from empty list"));
            }
            let i = match p.first() {
                None => -1,
                Some(v) => as_int(v).ok_or_else(|| {
                    PyError::type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        v.type_name()
                    ))
                })?,
            };
            let len = l.len() as i64;
            let i = if i < 0 { i + len } else { i };
            if i < 0 || i >= len {
                return Err(PyError::new("IndexError", "pop index out of range"));
            }
            l.remove(i as usize)
        }
        "insert" => {
            arg_count(name, &args, 2, 2)?;
            let mut l = l.borrow_mut();
            let len = l.len() as i64;
            let i = as_int(&p[0]).ok_or_else(|| {
                PyError::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    p[0].type_name()
                ))
            })?;
            let i = if i < 0 { (i + len).max(0) } else { i.min(len) };
            l.insert(i as usize, p[1].clone());
            Value::None
        }
        "remove" => {
            arg_count(&list_name, &args, 1, 1)?;
            let mut l = l.borrow_mut();
            let i = l
                .iter()
                .position(|v| *v == p[0])
                .ok_or_else(|| PyError::value_error("list.remove(x): x not in list"))?;
            l.remove(i);
            Value::None
        }
        "index" => {
            arg_count(name, &args, 1, 3)?;
            let l = l.borrow();
            let i = l.iter().position(|v| *v == p[0]).ok_or_else(|| {
                PyError::value_error(format!("{} is not in list", p[0].repr_string()))
            })?;
            Value::Int(i as i64)
        }
        "count" => {
            arg_count(&list_name, &args, 1, 1)?;
            Value::Int(l.borrow().iter().filter(|v| **v == p[0]).count() as i64)
        }
        "sort" => {
            let items = std::mem::take(&mut *l.borrow_mut());
            let result = sort_with(rt, items.clone(), &args, "sort");
            *l.borrow_mut() = match result {
                Ok(sorted) => sorted,
                Err(e) => {
                    *l.borrow_mut() = items;
                    return Err(e);
                }
            };
            Value::None
        }
        "reverse" => {
            arg_count(&list_name, &args, 0, 0)?;
            l.borrow_mut().reverse();
            Value::None
        }
        "copy" => {
            arg_count(&list_name, &args, 0, 0)?;
            Value::list(l.borrow().clone())
        }
        "clear" => {
            arg_count(&list_name, &args, 0, 0)?;
            l.borrow_mut().clear();
            Value::None
        }
        _ => return Err(unknown()),
    })
}

fn dict_method(d: &Rc<RefCell<crate::value::Dict>>, name: &str, args: Args) -> R<Value> {
    let p = &args.positional;
    let view = |kind| -> Value {
        Value::Native(Rc::new(DictView {
            kind,
            dict: d.clone(),
        }))
    };
    Ok(match name {
        "get" => {
            arg_count(name, &args, 1, 2)?;
            let key = ops::hashable(p[0].clone())?;
            let found = d.borrow().get(&key).cloned();
            found.unwrap_or_else(|| p.get(1).cloned().unwrap_or(Value::None))
        }
        "keys" => view(ViewKind::Keys),
        "values" => view(ViewKind::Values),
        "items" => view(ViewKind::Items),
        "setdefault" => {
            arg_count(name, &args, 1, 2)?;
            let key = ops::hashable(p[0].clone())?;
            let default = p.get(1).cloned().unwrap_or(Value::None);
            d.borrow_mut().entry(key).or_insert(default).clone()
        }
        "pop" => {
            arg_count(name, &args, 1, 2)?;
            let key = ops::hashable(p[0].clone())?;
            let removed = d.borrow_mut().shift_remove(&key);
            match (removed, p.get(1)) {
                (Some(v), _) => v,
                (None, Some(default)) => default.clone(),
                (None, None) => return Err(PyError::new("KeyError", key.repr_string())),
            }
        }
        "update" => {
            if p.len() > 1 {
                return Err(PyError::type_error(format!(
                    "update expected at most 1 argument, got {}",
                    p.len()
                )));
            }
            let mut map = d.borrow().clone();
            if let Some(x) = p.first() {
                dict_update(&mut map, x)?;
            }
            for (k, v) in &args.keyword {
                map.insert(Value::Str(k.clone()), v.clone());
            }
            *d.borrow_mut() = map;
            Value::None
        }
        "copy" => Value::Dict(Rc::new(RefCell::new(d.borrow().clone()))),
        "clear" => {
            d.borrow_mut().clear();
            Value::None
        }
        _ => return Err(unknown()),
    })
}

fn set_method(d: &Rc<RefCell<crate::value::Dict>>, name: &str, args: Args) -> R<Value> {
    let p = &args.positional;
    Ok(match name {
        "add" | "remove" | "discard" => {
            arg_count(&format!("set.{name}"), &args, 1, 1)?;
            let key = ops::hashable(p[0].clone())?;
            let mut d = d.borrow_mut();
            if name == "add" {
                d.insert(key, Value::None);
            } else if d.shift_remove(&key).is_none() && name == "remove" {
                return Err(PyError::new("KeyError", key.repr_string()));
            }
            Value::None
        }
        "copy" => Value::Set(Rc::new(RefCell::new(d.borrow().clone()))),
        "clear" => {
            d.borrow_mut().clear();
            Value::None
        }
        _ => return Err(unknown()),
    })
}
