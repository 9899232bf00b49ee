//! `template.format(*args, **kwargs)`: CPython's `MarkupIterator` and field
//! lookup (`{}`, `{0}`, `{name}`, `{0[1]}`, `{x.attr}`, `!r`, `:spec`).

use dstream_engine::python::PyRepr;

use super::{ascii, format_value};
use crate::error::PyError;
use crate::native::Args;
use crate::value::Value;

/// Automatic (`{}`) or manual (`{0}`) numbering, which a template may not mix.
#[derive(PartialEq)]
enum Numbering {
    Unknown,
    Automatic(usize),
    Manual,
}

/// `template.format(*args, **kwargs)`.
pub fn str_format(template: &str, args: &Args) -> Result<String, PyError> {
    let mut numbering = Numbering::Unknown;
    render(template, args, &mut numbering, 2)
}

fn value_error(message: &str) -> PyError {
    PyError::value_error(message)
}

/// Renders a template; `depth` bounds the nesting of fields in format specs.
fn render(
    template: &str,
    args: &Args,
    numbering: &mut Numbering,
    depth: u32,
) -> Result<String, PyError> {
    if depth == 0 {
        return Err(value_error("Max string recursion exceeded"));
    }
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        pos += 1;
        let next = chars.get(pos).copied();
        match c {
            '{' | '}' if next == Some(c) => {
                out.push(c);
                pos += 1;
            }
            '}' => return Err(value_error("Single '}' encountered in format string")),
            '{' if next.is_none() => {
                return Err(value_error("Single '{' encountered in format string"))
            }
            '{' => {
                let (field, next) = parse_field(&chars, pos)?;
                pos = next;
                out.push_str(&replace(field, args, numbering, depth)?);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// A replacement field's parts: name, `!` conversion, `:` spec.
struct Field {
    name: String,
    conversion: Option<char>,
    spec: String,
}

/// CPython 3.11's `MarkupIterator_next` after a `{`: the field starting at
/// `pos`, and the position after its closing `}`.
fn parse_field(chars: &[char], mut pos: usize) -> Result<(Field, usize), PyError> {
    let start = pos;
    let end_of_string = || value_error("expected '}' before end of string");
    loop {
        match chars.get(pos) {
            None => return Err(end_of_string()),
            Some('}' | '!' | ':') => break,
            Some('{') => return Err(value_error("unexpected '{' in field name")),
            Some('[') => {
                while chars.get(pos).is_some_and(|c| *c != ']') {
                    pos += 1;
                }
                if pos < chars.len() {
                    pos += 1;
                }
            }
            Some(_) => pos += 1,
        }
    }
    let name: String = chars[start..pos].iter().collect();
    let mut delimiter = chars[pos];
    pos += 1;
    let mut conversion = None;
    if delimiter == '!' {
        let Some(&c) = chars.get(pos) else {
            return Err(value_error(
                "end of string while looking for conversion specifier",
            ));
        };
        conversion = Some(c);
        let Some(&d) = chars.get(pos + 1) else {
            return Err(value_error("unmatched '{' in format spec"));
        };
        delimiter = d;
        pos += 2;
        if delimiter != ':' && delimiter != '}' {
            return Err(value_error("expected ':' after conversion specifier"));
        }
    }
    let spec_start = pos;
    if delimiter == ':' {
        let mut nesting = 1;
        loop {
            let Some(&c) = chars.get(pos) else {
                return Err(value_error("unmatched '{' in format spec"));
            };
            pos += 1;
            match c {
                '{' => nesting += 1,
                '}' if nesting == 1 => break,
                '}' => nesting -= 1,
                _ => {}
            }
        }
    }
    // Without a spec the field ended at `spec_start`, right after its `}`.
    let spec_end = if delimiter == ':' {
        pos - 1
    } else {
        spec_start
    };
    let spec = chars[spec_start..spec_end].iter().collect();
    Ok((
        Field {
            name,
            conversion,
            spec,
        },
        pos,
    ))
}

/// One replacement field, rendered.
fn replace(
    field: Field,
    args: &Args,
    numbering: &mut Numbering,
    depth: u32,
) -> Result<String, PyError> {
    let Field {
        name,
        conversion,
        spec,
    } = field;
    let value = lookup(&name, args, numbering)?;
    let value = match conversion {
        None => value,
        Some('r') => Value::str(&value.repr_string()),
        Some('s') => Value::str(&value.str_string()),
        Some('a') => Value::str(&ascii(&value.repr_string())),
        Some(c) => {
            let shown = if c.is_ascii() && !c.is_ascii_control() {
                c.to_string()
            } else {
                format!("\\x{:x}", c as u32)
            };
            return Err(PyError::value_error(format!(
                "Unknown conversion specifier {shown}"
            )));
        }
    };
    let spec = if spec.contains('{') {
        render(&spec, args, numbering, depth - 1)?
    } else {
        spec
    };
    format_value(&value, &spec)
}

/// The value a field name designates: an argument, then `.attr` and `[key]` steps.
fn lookup(name: &str, args: &Args, numbering: &mut Numbering) -> Result<Value, PyError> {
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let (first, mut rest) = name.split_at(first_end);
    let mut value = if first.is_empty() {
        let index =
            match numbering {
                Numbering::Manual => return Err(value_error(
                    "cannot switch from manual field specification to automatic field numbering",
                )),
                Numbering::Unknown => 0,
                Numbering::Automatic(n) => *n,
            };
        *numbering = Numbering::Automatic(index + 1);
        positional(args, index)?
    } else if first.bytes().all(|b| b.is_ascii_digit()) {
        if matches!(numbering, Numbering::Automatic(_)) {
            return Err(value_error(
                "cannot switch from automatic field numbering to manual field specification",
            ));
        }
        *numbering = Numbering::Manual;
        let index = first
            .parse()
            .map_err(|_| value_error("Too many decimal digits in format string"))?;
        positional(args, index)?
    } else {
        args.keyword
            .iter()
            .find(|(k, _)| **k == *first)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| PyError::new("KeyError", Value::str(first).repr_string()))?
    };
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let attr = &after[..end];
            if attr.is_empty() {
                return Err(value_error("Empty attribute in format string"));
            }
            value = attribute(&value, attr)?;
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some(end) = after.find(']') else {
                return Err(value_error("Missing ']' in format string"));
            };
            let key = &after[..end];
            if key.is_empty() {
                return Err(value_error("Empty attribute in format string"));
            }
            value = item(&value, key)?;
            rest = &after[end + 1..];
            if !rest.is_empty() && !rest.starts_with(['.', '[']) {
                return Err(value_error(
                    "Only '.' or '[' may follow ']' in format field specifier",
                ));
            }
        } else {
            return Err(value_error(
                "Only '.' or '[' may follow ']' in format field specifier",
            ));
        }
    }
    Ok(value)
}

fn positional(args: &Args, index: usize) -> Result<Value, PyError> {
    args.positional.get(index).cloned().ok_or_else(|| {
        PyError::new(
            "IndexError",
            format!("Replacement index {index} out of range for positional args tuple"),
        )
    })
}

/// `value.attr` for a field: natives answer for themselves, numbers have
/// `real` and `imag`; the data types' other attributes are methods, which
/// a format field would only show as objects.
fn attribute(value: &Value, attr: &str) -> Result<Value, PyError> {
    let found = match (value, attr) {
        (Value::Native(n), _) => n.clone().get_attr(attr),
        (Value::Int(_) | Value::Bool(_) | Value::Float(_), "real") => match value {
            Value::Bool(b) => Some(Value::Int(i64::from(*b))),
            other => Some(other.clone()),
        },
        (Value::Int(_) | Value::Bool(_), "imag") => Some(Value::Int(0)),
        (Value::Float(_), "imag") => Some(Value::Float(0.0)),
        _ => None,
    };
    found.ok_or_else(|| {
        PyError::new(
            "AttributeError",
            format!("'{}' object has no attribute '{attr}'", value.type_name()),
        )
    })
}

/// `value[key]` for a field: `key` is an int when all digits, else a string.
fn item(value: &Value, key: &str) -> Result<Value, PyError> {
    let index: Option<usize> = if key.bytes().all(|b| b.is_ascii_digit()) {
        key.parse().ok()
    } else {
        None
    };
    let out_of_range =
        |what: &str| PyError::new("IndexError", format!("{what} index out of range"));
    let not_int = |what: &str| {
        PyError::type_error(format!(
            "{what} indices must be integers or slices, not str"
        ))
    };
    match value {
        Value::Tuple(items) => match index {
            Some(i) => items.get(i).cloned().ok_or_else(|| out_of_range("tuple")),
            None => Err(not_int("tuple")),
        },
        Value::List(items) => match index {
            Some(i) => items
                .borrow()
                .get(i)
                .cloned()
                .ok_or_else(|| out_of_range("list")),
            None => Err(not_int("list")),
        },
        Value::Str(s) => match index {
            Some(i) => s
                .chars()
                .nth(i)
                .map(|c| Value::str(&c.to_string()))
                .ok_or_else(|| out_of_range("string")),
            None => Err(PyError::type_error(
                "string indices must be integers, not 'str'",
            )),
        },
        Value::Dict(d) => {
            let k = match index {
                Some(i) => i64::try_from(i).map(Value::Int).unwrap_or(Value::None),
                None => Value::str(key),
            };
            d.borrow()
                .get(&k)
                .cloned()
                .ok_or_else(|| PyError::new("KeyError", k.repr_string()))
        }
        other => Err(PyError::type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}
