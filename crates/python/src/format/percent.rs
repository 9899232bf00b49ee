//! `template % args`: CPython's `PyUnicode_Format`.

use dstream_engine::python::PyRepr;

use super::ascii;
use super::float::{float_to_string, FloatStyle};
use super::spec::MAX_SIZE;
use crate::error::PyError;
use crate::number::float_to_int;
use crate::value::Value;

/// One conversion's flags, width and precision.
#[derive(Default)]
struct Conversion {
    left: bool,
    plus: bool,
    blank: bool,
    alternate: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

/// Where the next argument comes from: CPython's `argidx`/`arglen` pair,
/// where a single (non-tuple) argument has `arglen == -1`.
struct Arguments<'a> {
    args: Value,
    items: &'a [Value],
    index: i64,
    len: i64,
}

impl Arguments<'_> {
    fn next(&mut self) -> Result<Value, PyError> {
        if self.index < self.len {
            self.index += 1;
            if self.len < 0 {
                return Ok(self.args.clone());
            }
            return Ok(self.items[(self.index - 1) as usize].clone());
        }
        Err(PyError::type_error(
            "not enough arguments for format string",
        ))
    }
}

/// `template % args` for a `str` template.
pub fn percent_format(template: &str, args: &Value) -> Result<String, PyError> {
    let empty: [Value; 0] = [];
    let mut arguments = match args {
        Value::Tuple(items) => Arguments {
            args: args.clone(),
            items,
            index: 0,
            len: items.len() as i64,
        },
        _ => Arguments {
            args: args.clone(),
            items: &empty,
            index: -2,
            len: -1,
        },
    };
    // Python treats any mapping (not a tuple or str) as the source of `%(key)s`.
    let mapping = matches!(args, Value::Dict(_) | Value::List(_) | Value::Range(..));
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    while pos < chars.len() {
        if chars[pos] != '%' {
            out.push(chars[pos]);
            pos += 1;
            continue;
        }
        pos += 1;
        if chars.get(pos) == Some(&'%') {
            out.push('%');
            pos += 1;
            continue;
        }
        let incomplete = || PyError::value_error("incomplete format");
        if chars.get(pos) == Some(&'(') {
            let value = mapping_value(&chars, &mut pos, args, mapping)?;
            arguments = Arguments {
                args: value,
                items: &empty,
                index: -2,
                len: -1,
            };
        }
        let mut conv = Conversion::default();
        while let Some(c) = chars.get(pos) {
            match c {
                '-' => conv.left = true,
                '+' => conv.plus = true,
                ' ' => conv.blank = true,
                '#' => conv.alternate = true,
                '0' => conv.zero = true,
                _ => break,
            }
            pos += 1;
        }
        if chars.get(pos) == Some(&'*') {
            pos += 1;
            let w = star(arguments.next()?)?;
            if w < 0 {
                conv.left = true;
            }
            conv.width = w.unsigned_abs() as usize;
        } else {
            conv.width = number(&chars, &mut pos, "width")?;
        }
        if chars.get(pos) == Some(&'.') {
            pos += 1;
            if chars.get(pos) == Some(&'*') {
                pos += 1;
                conv.precision = Some(star(arguments.next()?)?.max(0) as usize);
            } else {
                conv.precision = Some(number(&chars, &mut pos, "precision")?);
            }
        }
        // C's length modifiers are accepted and mean nothing.
        if matches!(chars.get(pos), Some('h' | 'l' | 'L')) {
            pos += 1;
        }
        let Some(&kind) = chars.get(pos) else {
            return Err(incomplete());
        };
        pos += 1;
        let value = arguments.next()?;
        out.push_str(&convert(kind, &value, &conv, pos - 1)?);
    }
    if arguments.index < arguments.len && !mapping {
        return Err(PyError::type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

/// `%(key)`: the key up to the matching `)`, looked up in the mapping.
fn mapping_value(
    chars: &[char],
    pos: &mut usize,
    args: &Value,
    mapping: bool,
) -> Result<Value, PyError> {
    let start = *pos + 1;
    let mut depth = 1;
    let mut end = start;
    while end < chars.len() {
        match chars[end] {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            break;
        }
        end += 1;
    }
    if depth > 0 {
        return Err(PyError::value_error("incomplete format key"));
    }
    *pos = end + 1;
    if !mapping {
        return Err(PyError::type_error("format requires a mapping"));
    }
    let key: String = chars[start..end].iter().collect();
    match args {
        Value::Dict(d) => d
            .borrow()
            .get(&Value::str(&key))
            .cloned()
            .ok_or_else(|| PyError::new("KeyError", Value::str(&key).repr_string())),
        other => Err(PyError::type_error(format!(
            "{} indices must be integers or slices, not str",
            other.type_name()
        ))),
    }
}

/// A `*` width or precision: an int that fits a C int.
fn star(v: Value) -> Result<i64, PyError> {
    let i = match v {
        Value::Int(i) => i,
        Value::Bool(b) => i64::from(b),
        _ => return Err(PyError::type_error("* wants int")),
    };
    i32::try_from(i)
        .map(i64::from)
        .map_err(|_| PyError::new("OverflowError", "Python int too large to convert to C int"))
}

fn number(chars: &[char], pos: &mut usize, what: &str) -> Result<usize, PyError> {
    let mut n: usize = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .filter(|n| *n <= MAX_SIZE)
            .ok_or_else(|| PyError::value_error(format!("{what} too big")))?;
        *pos += 1;
    }
    Ok(n)
}

/// One `%x` conversion of `value`, padded.
fn convert(kind: char, value: &Value, conv: &Conversion, at: usize) -> Result<String, PyError> {
    let text = match kind {
        's' | 'r' | 'a' => {
            let text = match kind {
                's' => value.str_string(),
                'r' => value.repr_string(),
                _ => ascii(&value.repr_string()),
            };
            let text: String = match conv.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            };
            return Ok(pad_text(&text, conv));
        }
        'c' => return Ok(pad_text(&char_of(value)?.to_string(), conv)),
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' => int_text(kind, value, conv)?,
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let x = match value {
                Value::Float(f) => *f,
                Value::Int(i) => *i as f64,
                Value::Bool(b) => f64::from(u8::from(*b)),
                other => {
                    return Err(PyError::type_error(format!(
                        "must be real number, not {}",
                        other.type_name()
                    )))
                }
            };
            float_to_string(
                x,
                FloatStyle {
                    code: kind,
                    precision: conv.precision.unwrap_or(6),
                    alternate: conv.alternate,
                    add_dot_0: false,
                    no_negative_zero: false,
                },
            )
        }
        other => {
            let shown = if (' '..='~').contains(&other) {
                other
            } else {
                '?'
            };
            return Err(PyError::value_error(format!(
                "unsupported format character '{shown}' (0x{:x}) at index {at}",
                other as u32
            )));
        }
    };
    Ok(pad_number(&text, kind, conv))
}

/// `%c`: a one-character string or a code point.
fn char_of(value: &Value) -> Result<char, PyError> {
    let wrong = || PyError::type_error("%c requires int or char");
    match value {
        Value::Str(s) => {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(wrong()),
            }
        }
        Value::Int(_) | Value::Bool(_) => {
            let i = match value {
                Value::Int(i) => *i,
                _ => i64::from(value.truthy()),
            };
            u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| PyError::new("OverflowError", "%c arg not in range(0x110000)"))
        }
        _ => Err(wrong()),
    }
}

/// The digits of an integer conversion, with its sign, `0x`-style prefix
/// for `#` and the precision's leading zeros.
fn int_text(kind: char, value: &Value, conv: &Conversion) -> Result<String, PyError> {
    let (negative, decimal) = match (value, kind) {
        (Value::Int(i), _) => (*i < 0, i.unsigned_abs()),
        (Value::Bool(b), _) => (false, u64::from(*b)),
        (Value::Float(f), 'd' | 'i' | 'u') => {
            // `int(f)` can be far beyond 64 bits; its decimal digits are exact
            // in the float's own formatting, so no int is needed.
            float_to_int(*f).or_else(|e| if f.is_finite() { Ok(0) } else { Err(e) })?;
            let digits = format!("{:.0}", f.trunc().abs());
            return Ok(with_precision(f.trunc() < 0.0, "", digits, conv));
        }
        (other, 'x' | 'X' | 'o') => {
            return Err(PyError::type_error(format!(
                "%{kind} format: an integer is required, not {}",
                other.type_name()
            )))
        }
        (other, _) => {
            return Err(PyError::type_error(format!(
                "%{kind} format: a real number is required, not {}",
                other.type_name()
            )))
        }
    };
    let m = decimal;
    let (digits, prefix) = match kind {
        'x' => (format!("{m:x}"), "0x"),
        'X' => (format!("{m:X}"), "0X"),
        'o' => (format!("{m:o}"), "0o"),
        _ => (m.to_string(), ""),
    };
    let prefix = if conv.alternate { prefix } else { "" };
    Ok(with_precision(negative, prefix, digits, conv))
}

/// Sign, prefix and digits, zero-padded to the precision's digit count.
fn with_precision(negative: bool, prefix: &str, mut digits: String, conv: &Conversion) -> String {
    if let Some(p) = conv.precision {
        if digits.len() < p {
            digits = format!("{}{digits}", "0".repeat(p - digits.len()));
        }
    }
    let sign = if negative { "-" } else { "" };
    format!("{sign}{prefix}{digits}")
}

/// A text conversion (`s r a c`) in its width: spaces, left or right.
fn pad_text(text: &str, conv: &Conversion) -> String {
    let padding = " ".repeat(conv.width.saturating_sub(text.chars().count()));
    if conv.left {
        format!("{text}{padding}")
    } else {
        format!("{padding}{text}")
    }
}

/// CPython's `unicode_format_arg_output` for a number: the sign (`+`, ` `
/// flags), the prefix, then zeros or spaces to the width.
fn pad_number(text: &str, kind: char, conv: &Conversion) -> String {
    let (mut sign, mut rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    if sign.is_empty() {
        if conv.plus {
            sign = "+";
        } else if conv.blank {
            sign = " ";
        }
    }
    let mut prefix = "";
    if conv.alternate && matches!(kind, 'x' | 'X' | 'o') {
        prefix = &rest[..2];
        rest = &rest[2..];
    }
    let len = sign.len() + prefix.len() + rest.chars().count();
    let padding = conv.width.saturating_sub(len);
    if conv.left {
        format!("{sign}{prefix}{rest}{}", " ".repeat(padding))
    } else if conv.zero {
        format!("{sign}{prefix}{}{rest}", "0".repeat(padding))
    } else {
        format!("{}{sign}{prefix}{rest}", " ".repeat(padding))
    }
}
