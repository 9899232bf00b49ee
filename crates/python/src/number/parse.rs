//! `int(str)` and `float(str)`: Python's number literals in text, with its
//! whitespace, underscores and non-ASCII decimal digits.

use dstream_engine::python::PyRepr;
use unicode_general_category::{get_general_category, GeneralCategory};

use super::int_overflow;
use crate::error::PyError;

/// Python's `int(s)` (base 10): surrounding whitespace, a sign, decimal
/// digits (any script's) with single underscores between them.
pub fn int_from_str(s: &str) -> Result<i64, PyError> {
    let invalid = || {
        // CPython prints the string's repr cut to 200 characters (`%.200R`).
        let repr: String = s.to_string().repr_string().chars().take(200).collect();
        PyError::value_error(format!("invalid literal for int() with base 10: {repr}"))
    };
    let text = to_ascii(s);
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    if !underscores_between_digits(body) || !body.bytes().any(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let mut value: i128 = 0;
    for b in body.bytes().filter(|b| *b != b'_') {
        if !b.is_ascii_digit() {
            return Err(invalid());
        }
        // Once beyond i64 the answer is an overflow, but later bad characters
        // still make it a ValueError, so keep scanning without growing.
        value = (value * 10 + i128::from(b - b'0')).min(i128::from(u64::MAX));
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).map_err(|_| int_overflow())
}

/// Python's `float(s)`: surrounding whitespace, a sign, decimal digits (any
/// script's) with single underscores between them, a fraction, an exponent,
/// or `inf`, `infinity`, `nan` in any case.
pub fn float_from_str(s: &str) -> Result<f64, PyError> {
    let invalid = || {
        PyError::value_error(format!(
            "could not convert string to float: {}",
            s.to_string().repr_string()
        ))
    };
    let text = to_ascii(s);
    if !underscores_between_digits(&text) {
        return Err(invalid());
    }
    // Rust's float grammar is Python's once the underscores are gone.
    text.replace('_', "").parse().map_err(|_| invalid())
}

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII` and the strip that
/// follows: non-ASCII decimal digits become ASCII ones, non-ASCII spaces
/// become ' ', then ASCII whitespace is trimmed from both ends.
fn to_ascii(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c
            } else if c.is_whitespace() {
                ' '
            } else {
                decimal_value(c).map_or(c, |d| char::from(b'0' + d))
            }
        })
        .collect();
    mapped
        .trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r'))
        .to_string()
}

/// The value of a decimal digit of any script. Unicode places each script's
/// digits 0 to 9 in consecutive code points, so the value is the distance
/// from the start of its run, modulo 10 for adjacent runs.
fn decimal_value(c: char) -> Option<u8> {
    let is_digit = |c: u32| {
        char::from_u32(c).is_some_and(|c| get_general_category(c) == GeneralCategory::DecimalNumber)
    };
    let code = c as u32;
    if !is_digit(code) {
        return None;
    }
    let mut start = code;
    while start > 0 && is_digit(start - 1) {
        start -= 1;
    }
    Some(((code - start) % 10) as u8)
}

/// PEP 515: every `_` sits between two digits.
fn underscores_between_digits(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().all(|(i, c)| {
        *c != b'_'
            || (i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
}
