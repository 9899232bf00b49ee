//! Python's `round(x)` and `round(x, ndigits)`.

use super::{float_to_int, floor_mod, int_result};
use crate::error::PyError;
use crate::value::Value;

/// Python's `round(v, ndigits)`: to the nearest int (ties to even) without
/// `ndigits`; with it, the int or float correctly rounded to `ndigits`
/// decimal places (ties to even on the float's exact binary value), as
/// CPython's `int.__round__` and `float.__round__` do.
pub fn round(v: &Value, ndigits: Option<i64>) -> Result<Value, PyError> {
    match (v, ndigits) {
        (Value::Bool(b), n) => round(&Value::Int(i64::from(*b)), n),
        (Value::Int(i), None) => Ok(Value::Int(*i)),
        (Value::Int(i), Some(n)) => round_int(*i, n),
        (Value::Float(f), None) => float_to_int(f.round_ties_even()).map(Value::Int),
        (Value::Float(f), Some(n)) => round_float(*f, n).map(Value::Float),
        (other, _) => Err(PyError::type_error(format!(
            "type {} doesn't define __round__ method",
            other.type_name()
        ))),
    }
}

/// `round(i, n)`: unchanged for `n >= 0`, else to a multiple of `10**-n`,
/// ties to the even multiple.
fn round_int(i: i64, ndigits: i64) -> Result<Value, PyError> {
    if ndigits >= 0 {
        return Ok(Value::Int(i));
    }
    // 10**20 / 2 is beyond every i64, so anything coarser rounds to 0.
    let Ok(k @ 1..=19) = u32::try_from(-i128::from(ndigits)) else {
        return Ok(Value::Int(0));
    };
    let unit = 10i128.pow(k);
    let x = i128::from(i);
    let r = floor_mod(x, unit);
    let mut q = (x - r) / unit;
    if 2 * r > unit || (2 * r == unit && q % 2 != 0) {
        q += 1;
    }
    int_result(q * unit)
}

/// CPython's `float.__round__` with `ndigits`: beyond the precision a double
/// can hold it returns `x` (or a signed zero); otherwise the exact decimal
/// rounding read back as the nearest float.
fn round_float(x: f64, ndigits: i64) -> Result<f64, PyError> {
    // CPython's NDIGITS_MAX and NDIGITS_MIN for IEEE doubles.
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Ok(x);
    }
    if ndigits < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    let text = if ndigits >= 0 {
        // Rust's fixed-precision formatting rounds the exact value, ties to even.
        format!("{x:.prec$}", prec = ndigits as usize)
    } else {
        round_integer_part(x, (-ndigits) as usize)
    };
    let rounded: f64 = text.parse().unwrap_or(f64::NAN);
    if rounded.is_infinite() {
        return Err(PyError::new(
            "OverflowError",
            "rounded value too large to represent",
        ));
    }
    Ok(rounded)
}

/// `x` rounded to a multiple of `10**k` (`k >= 1`), as decimal text `±DIGITSek`.
fn round_integer_part(x: f64, k: usize) -> String {
    let whole = x.abs().trunc();
    // A float's integer part prints exactly: every digit of it is significant.
    let digits = format!("{whole:.0}");
    let has_fraction = whole != x.abs();
    let padded = format!(
        "{}{digits}",
        "0".repeat((k + 1).saturating_sub(digits.len()))
    );
    let (head, tail) = padded.split_at(padded.len() - k);
    let half = format!("5{}", "0".repeat(k - 1));
    let up = match tail.cmp(half.as_str()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            has_fraction || head.bytes().last().is_some_and(|d| (d - b'0') % 2 == 1)
        }
    };
    let head = if up {
        increment(head)
    } else {
        head.to_string()
    };
    let sign = if x.is_sign_negative() { "-" } else { "" };
    format!("{sign}{head}e{k}")
}

/// A decimal digit string plus one.
fn increment(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).unwrap_or_default();
        }
    }
    format!("1{}", String::from_utf8(bytes).unwrap_or_default())
}
