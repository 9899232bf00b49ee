//! The format-specification mini-language: `format(value, spec)`, which is
//! also `f"{value:spec}"` and `"{:spec}".format(value)`.

use dstream_engine::python::PyRepr;

use super::float::{float_to_string, FloatStyle};
use crate::error::PyError;
use crate::value::Value;

/// The largest width or precision the lab renders, so that one format
/// cannot take the page's memory.
pub const MAX_SIZE: usize = 1 << 20;

/// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
struct Spec {
    fill: char,
    /// `<`, `>`, `^`, `=`, or `None` for the type's default.
    align: Option<char>,
    sign: Option<char>,
    no_negative_zero: bool,
    alternate: bool,
    width: usize,
    /// `,` or `_`.
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

/// `format(value, spec)` with Python's rules for each type.
pub fn format_value(value: &Value, spec: &str) -> Result<String, PyError> {
    if spec.is_empty() {
        return Ok(value.str_string());
    }
    match value {
        Value::Int(i) => format_int(*i, spec, "int"),
        Value::Bool(b) => format_int(i64::from(*b), spec, "bool"),
        Value::Float(f) => {
            let parsed = parse(spec, value.type_name(), '>', None)?;
            format_float(*f, parsed, "float")
        }
        Value::Str(s) => format_str(s, parse(spec, "str", '<', Some('s'))?),
        other => Err(PyError::type_error(format!(
            "unsupported format string passed to {}.__format__",
            other.type_name()
        ))),
    }
}

fn value_error(message: String) -> PyError {
    PyError::value_error(message)
}

/// CPython's `unknown_presentation_type`.
fn unknown_code(kind: char, type_name: &str) -> PyError {
    value_error(format!(
        "Unknown format code {} for object of type '{type_name}'",
        quoted_code(kind)
    ))
}

/// A type letter as CPython quotes it in errors: `'d'`, or `'\x..'` when unprintable.
fn quoted_code(kind: char) -> String {
    if (' '..='\x7f').contains(&kind) && kind != ' ' && kind != '\x7f' {
        format!("'{kind}'")
    } else {
        format!("'\\x{:x}'", kind as u32)
    }
}

/// CPython's `parse_internal_render_format_spec`, with the type's default
/// alignment and presentation type (`s` for str, `d` for int, none for float).
fn parse(
    spec: &str,
    type_name: &str,
    default_align: char,
    default_kind: Option<char>,
) -> Result<Spec, PyError> {
    let chars: Vec<char> = spec.chars().collect();
    let is_align = |c: char| matches!(c, '<' | '>' | '=' | '^');
    let mut pos = 0;
    let mut out = Spec {
        fill: ' ',
        align: None,
        sign: None,
        no_negative_zero: false,
        alternate: false,
        width: 0,
        grouping: None,
        precision: None,
        kind: None,
    };
    let mut fill_given = false;
    if chars.len() >= 2 && is_align(chars[1]) {
        out.fill = chars[0];
        out.align = Some(chars[1]);
        fill_given = true;
        pos = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        out.align = Some(chars[0]);
        pos = 1;
    }
    let peek = |pos: usize| chars.get(pos).copied();
    if let Some(c @ ('+' | '-' | ' ')) = peek(pos) {
        out.sign = Some(c);
        pos += 1;
    }
    if peek(pos) == Some('z') {
        out.no_negative_zero = true;
        pos += 1;
    }
    if peek(pos) == Some('#') {
        out.alternate = true;
        pos += 1;
    }
    if !fill_given && peek(pos) == Some('0') {
        out.fill = '0';
        if out.align.is_none() && default_align == '>' {
            out.align = Some('=');
        }
        pos += 1;
    }
    let (width, used) = integer(&chars[pos..])?;
    out.width = width.unwrap_or(0);
    pos += used;
    if peek(pos) == Some(',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if peek(pos) == Some('_') {
        if out.grouping.is_some() {
            return Err(value_error("Cannot specify both ',' and '_'.".into()));
        }
        out.grouping = Some('_');
        pos += 1;
    }
    if peek(pos) == Some(',') && out.grouping == Some('_') {
        return Err(value_error("Cannot specify both ',' and '_'.".into()));
    }
    if peek(pos) == Some('.') {
        pos += 1;
        let (precision, used) = integer(&chars[pos..])?;
        if precision.is_none() {
            return Err(value_error("Format specifier missing precision".into()));
        }
        out.precision = precision;
        pos += used;
    }
    if chars.len() - pos > 1 {
        return Err(value_error(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        )));
    }
    out.kind = peek(pos).or(default_kind);
    if out.width.max(out.precision.unwrap_or(0)) > MAX_SIZE {
        // CPython would try to build it (and usually fail with MemoryError).
        return Err(PyError::new(
            "MemoryError",
            format!("not supported in the lab: a width or precision beyond {MAX_SIZE}"),
        ));
    }
    if let Some(sep) = out.grouping {
        let allowed = match out.kind {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => true,
            Some('b' | 'o' | 'x' | 'X') => sep == '_',
            Some(_) => false,
        };
        if !allowed {
            return Err(value_error(format!(
                "Cannot specify '{sep}' with {}.",
                quoted_code(out.kind.unwrap_or('s'))
            )));
        }
    }
    Ok(out)
}

/// A run of decimal digits: its value (`None` if there are none) and length.
fn integer(chars: &[char]) -> Result<(Option<usize>, usize), PyError> {
    let used = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    if used == 0 {
        return Ok((None, 0));
    }
    let text: String = chars[..used].iter().collect();
    // CPython refuses numbers beyond a C ssize_t.
    match text.parse::<i64>() {
        Ok(v) => Ok((Some(v as usize), used)),
        Err(_) => Err(value_error(
            "Too many decimal digits in format string".into(),
        )),
    }
}

fn format_str(s: &str, spec: Spec) -> Result<String, PyError> {
    if let Some(kind) = spec.kind.filter(|k| *k != 's') {
        return Err(unknown_code(kind, "str"));
    }
    let refuse = |what: &str| {
        Err(value_error(format!(
            "{what} not allowed in string format specifier"
        )))
    };
    match spec.sign {
        Some(' ') => return refuse("Space"),
        Some(_) => return refuse("Sign"),
        None => {}
    }
    if spec.no_negative_zero {
        return refuse("Negative zero coercion (z)");
    }
    if spec.alternate {
        return refuse("Alternate form (#)");
    }
    if spec.align == Some('=') {
        return refuse("'=' alignment");
    }
    let text: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Ok(pad(&text, &spec, '<'))
}

/// `text` padded to the spec's width with its fill, aligned as asked (`=` is
/// not possible here) or as `default`.
fn pad(text: &str, spec: &Spec, default: char) -> String {
    let len = text.chars().count();
    let padding = spec.width.saturating_sub(len);
    let (left, right) = match spec.align.unwrap_or(default) {
        '<' => (0, padding),
        '^' => (padding / 2, padding - padding / 2),
        _ => (padding, 0),
    };
    let fill = |n: usize| spec.fill.to_string().repeat(n);
    format!("{}{text}{}", fill(left), fill(right))
}

fn format_int(i: i64, spec_text: &str, type_name: &str) -> Result<String, PyError> {
    let spec = parse(spec_text, type_name, '>', Some('d'))?;
    let kind = spec.kind.unwrap_or('d');
    let (base, prefix) = match kind {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        'd' | 'n' | 'c' => (10, ""),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {
            return format_float(i as f64, spec, type_name);
        }
        other => return Err(unknown_code(other, type_name)),
    };
    if spec.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier".into(),
        ));
    }
    if spec.no_negative_zero {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in integer format specifier".into(),
        ));
    }
    if kind == 'c' {
        if spec.sign.is_some() {
            return Err(value_error(
                "Sign not allowed with integer format specifier 'c'".into(),
            ));
        }
        if spec.alternate {
            return Err(value_error(
                "Alternate form (#) not allowed with integer format specifier 'c'".into(),
            ));
        }
        let c = u32::try_from(i)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| PyError::new("OverflowError", "%c arg not in range(0x110000)"))?;
        return Ok(layout(
            Number {
                sign: None,
                prefix: "",
                digits: String::new(),
                rest: c.to_string(),
            },
            &spec,
            None,
        ));
    }
    let magnitude = i.unsigned_abs();
    let mut digits = match base {
        2 => format!("{magnitude:b}"),
        8 => format!("{magnitude:o}"),
        16 => format!("{magnitude:x}"),
        _ => magnitude.to_string(),
    };
    if kind == 'X' {
        digits = digits.to_ascii_uppercase();
    }
    let group = match (spec.grouping, base) {
        (Some(sep), 10) => Some((sep, 3)),
        (Some(sep), _) => Some((sep, 4)),
        (None, _) => None,
    };
    Ok(layout(
        Number {
            sign: sign_char(i < 0, spec.sign),
            prefix: if spec.alternate { prefix } else { "" },
            digits,
            rest: String::new(),
        },
        &spec,
        group,
    ))
}

/// The sign a number shows: `-` when negative, else what the spec's sign asks.
fn sign_char(negative: bool, sign: Option<char>) -> Option<char> {
    match (negative, sign) {
        (true, _) => Some('-'),
        (false, Some(c @ ('+' | ' '))) => Some(c),
        _ => None,
    }
}

fn format_float(x: f64, spec: Spec, type_name: &str) -> Result<String, PyError> {
    let mut kind = spec.kind.unwrap_or('r');
    let mut add_dot_0 = false;
    let mut precision = spec.precision.unwrap_or(6);
    match kind {
        'r' => {
            add_dot_0 = true;
            match spec.precision {
                Some(_) => kind = 'g',
                None => precision = 0,
            }
        }
        'n' => kind = 'g',
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {}
        other => return Err(unknown_code(other, type_name)),
    }
    let (value, code) = if kind == '%' {
        (x * 100.0, 'f')
    } else {
        (x, kind)
    };
    let mut text = float_to_string(
        value,
        FloatStyle {
            code,
            precision,
            alternate: spec.alternate,
            add_dot_0,
            no_negative_zero: spec.no_negative_zero,
        },
    );
    if kind == '%' {
        text.push('%');
    }
    let negative = text.starts_with('-');
    let body = text.trim_start_matches('-');
    let split = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    Ok(layout(
        Number {
            sign: sign_char(negative, spec.sign),
            prefix: "",
            digits: body[..split].to_string(),
            rest: body[split..].to_string(),
        },
        &spec,
        spec.grouping.map(|sep| (sep, 3)),
    ))
}

/// A number's parts as CPython's `fill_number` lays them out.
struct Number {
    sign: Option<char>,
    /// `0x`, `0o`, `0b` for the alternate form.
    prefix: &'static str,
    /// The leading digits, the ones grouping and zero padding apply to.
    digits: String,
    /// The decimal point, fraction, exponent, `%`, or `inf`/`nan` text.
    rest: String,
}

/// CPython's `calc_number_widths` and `fill_number`: fill, sign, prefix,
/// (grouped, zero-padded) digits, the rest, aligned in the width.
fn layout(n: Number, spec: &Spec, group: Option<(char, usize)>) -> String {
    let sign_len = usize::from(n.sign.is_some());
    let fixed = sign_len + n.prefix.len() + n.rest.chars().count();
    let zero_pad = spec.fill == '0' && spec.align == Some('=');
    let min_width = if zero_pad {
        spec.width.saturating_sub(fixed)
    } else {
        0
    };
    let digits = if n.digits.is_empty() {
        String::new()
    } else {
        group_digits(&n.digits, min_width, group)
    };
    let body_len = fixed + digits.chars().count();
    let padding = spec.width.saturating_sub(body_len);
    let (left, middle, right) = match spec.align.unwrap_or('>') {
        '<' => (0, 0, padding),
        '^' => (padding / 2, 0, padding - padding / 2),
        '=' => (0, padding, 0),
        _ => (padding, 0, 0),
    };
    let fill = |k: usize| spec.fill.to_string().repeat(k);
    let mut out = fill(left);
    out.extend(n.sign);
    out.push_str(n.prefix);
    out.push_str(&fill(middle));
    out.push_str(&digits);
    out.push_str(&n.rest);
    out.push_str(&fill(right));
    out
}

/// CPython's `_PyUnicode_InsertThousandsGrouping`: separators every `size`
/// digits from the right, with leading zeros (grouped too) until the result
/// is at least `min_width` long.
fn group_digits(digits: &str, min_width: usize, group: Option<(char, usize)>) -> String {
    let Some((sep, size)) = group else {
        let zeros = min_width.saturating_sub(digits.len());
        return format!("{}{digits}", "0".repeat(zeros));
    };
    let mut remaining = digits.len() as i64;
    let mut min_width = min_width as i64;
    let mut pieces: Vec<String> = Vec::new();
    loop {
        let len = (size as i64).min(remaining.max(min_width).max(1));
        let zeros = (len - remaining).max(0) as usize;
        let taken = remaining.min(len).max(0) as usize;
        let end = remaining.max(0) as usize;
        pieces.push(format!(
            "{}{}",
            "0".repeat(zeros),
            &digits[end - taken..end]
        ));
        remaining -= taken as i64;
        min_width -= len;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    pieces.reverse();
    pieces.join(&sep.to_string())
}
