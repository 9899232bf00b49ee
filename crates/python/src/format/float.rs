//! CPython's `PyOS_double_to_string`: a float as text for the `e f g r`
//! presentation types, shared by `%`-formatting and format specifications.

use dstream_engine::python::shortest_digits;

/// How a float is presented: the type letter of a format and its options.
#[derive(Debug, Clone, Copy)]
pub struct FloatStyle {
    /// `e`, `f`, `g` (`E`, `F`, `G` for capitals) or `r` (`repr`'s shortest digits).
    pub code: char,
    /// Digits after the point (`e`, `f`) or significant digits (`g`); unused for `r`.
    pub precision: usize,
    /// `#`: keep the point and, for `g`, the trailing zeros.
    pub alternate: bool,
    /// Fixed notation always shows a fractional digit (`1.0`): `repr` and
    /// format specifications without a type.
    pub add_dot_0: bool,
    /// `z`: a negative zero shows without its sign.
    pub no_negative_zero: bool,
}

/// `x` as `PyOS_double_to_string` writes it, a leading `-` included when negative.
pub fn float_to_string(x: f64, style: FloatStyle) -> String {
    let upper = style.code.is_ascii_uppercase();
    let code = style.code.to_ascii_lowercase();
    let text = if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x < 0.0 { "-inf" } else { "inf" }.to_string()
    } else {
        finite(x, code, style)
    };
    if upper {
        text.to_ascii_uppercase()
    } else {
        text
    }
}

/// The decimal digits of `|x|` as dtoa gives them (no trailing zeros) and the
/// position of the decimal point relative to them.
fn digits(ax: f64, code: char, precision: usize) -> (Vec<u8>, i64) {
    // Rust's exact-precision formatting rounds the exact binary value, ties to
    // even, as dtoa's modes 2 and 3 do; the engine's shortest digits are dtoa's mode 0.
    let (mut digits, mut decpt) = match code {
        'f' => {
            let s = format!("{ax:.precision$}");
            let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
            (format!("{int}{frac}").into_bytes(), int.len() as i64)
        }
        'r' => {
            let (digits, exp) = shortest_digits(ax);
            (digits.into_bytes(), i64::from(exp) + 1)
        }
        _ => {
            let s = format!("{ax:.prec$e}", prec = precision.max(1) - 1);
            let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
            let exp: i64 = exp.parse().unwrap_or(0);
            (mantissa.replace('.', "").into_bytes(), exp + 1)
        }
    };
    let leading = digits.iter().take_while(|d| **d == b'0').count();
    digits.drain(..leading);
    decpt -= leading as i64;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() && ax == 0.0 {
        // dtoa writes zero as the digit 0 before the point.
        return (vec![b'0'], 1);
    }
    if digits.is_empty() {
        // dtoa's mode 3 when everything rounds away: no digits, point after the precision.
        return (digits, -(precision as i64));
    }
    (digits, decpt)
}

/// CPython's `format_float_short` for a finite `x`.
fn finite(x: f64, code: char, style: FloatStyle) -> String {
    let mut precision = style.precision;
    match code {
        'e' => precision += 1,
        'g' if precision == 0 => precision = 1,
        _ => {}
    }
    let (digits, mut decpt) = digits(x.abs(), code, precision);
    let n = digits.len() as i64;
    let p = precision as i64;
    let mut negative = x.is_sign_negative();
    if style.no_negative_zero && negative && (n == 0 || digits == b"0") {
        negative = false;
    }
    let mut vdigits_end = n;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = p;
        }
        'f' => vdigits_end = decpt + p,
        'g' => {
            use_exp = decpt <= -4 || decpt > if style.add_dot_0 { p - 1 } else { p };
            if style.alternate {
                vdigits_end = p;
            }
        }
        _ => use_exp = decpt <= -4 || decpt > 16,
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    let min_end = if !use_exp && style.add_dot_0 {
        decpt + 1
    } else {
        decpt
    };
    vdigits_end = vdigits_end.max(min_end);
    // The digit at virtual position i: zeros pad the digits on both sides.
    let digit = |i: i64| {
        if (0..n).contains(&i) {
            char::from(digits[i as usize])
        } else {
            '0'
        }
    };
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    for i in vdigits_start..vdigits_end {
        if i == decpt {
            out.push('.');
        }
        out.push(digit(i));
    }
    if decpt == vdigits_end {
        out.push('.');
    }
    if out.ends_with('.') && !style.alternate {
        out.pop();
    }
    if use_exp {
        let sign = if exp < 0 { '-' } else { '+' };
        out.push_str(&format!("e{sign}{:02}", exp.abs()));
    }
    out
}
