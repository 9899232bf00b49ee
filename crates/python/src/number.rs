//! Python's numeric rules that are not Rust's: arithmetic on `bool`, `int`
//! and `float`, `hash(float)`, `int(float)`, and (in the submodules) `round`
//! and `int(str)` / `float(str)`.

mod parse;
mod round;

use dstream_engine::python::int_hash;

use crate::error::PyError;
use crate::value::Value;

pub use parse::{float_from_str, int_from_str};
pub use round::round;

/// The message of the `OverflowError` raised where Python's unbounded ints
/// would leave the lab's 64 bits.
pub const INT_OVERFLOW: &str =
    "integer overflow: the lab's ints stop at 64 bits (Python's are unbounded)";

/// The message of the `ValueError` for a result Python would give as a
/// complex number (a negative number to a fractional power): the lab has no
/// complex numbers.
pub const COMPLEX_UNSUPPORTED: &str =
    "not supported in the lab: complex numbers (a negative number raised to a fractional power)";

/// The `OverflowError` for an int result beyond 64 bits.
pub fn int_overflow() -> PyError {
    PyError::new("OverflowError", INT_OVERFLOW)
}

/// An `i128` result as the lab's int, or its `OverflowError`.
pub(crate) fn int_result(v: i128) -> Result<Value, PyError> {
    i64::try_from(v).map(Value::Int).map_err(|_| int_overflow())
}

/// Python's `hash(float)` (CPython's `_Py_HashDouble`): an integral float
/// hashes as the int it equals; others by their binary expansion modulo
/// 2**61 - 1. `nan` hashes by identity in Python; the lab uses 0.
pub fn float_hash(v: f64) -> i64 {
    const BITS: u32 = 61;
    const MODULUS: u64 = (1 << BITS) - 1;
    if v.is_nan() {
        return 0;
    }
    if v.is_infinite() {
        return if v > 0.0 { 314_159 } else { -314_159 };
    }
    if v.fract() == 0.0 && v.abs() < 9.2e18 {
        return int_hash(v as i64);
    }
    let (mut m, mut e) = frexp(v.abs());
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        (e as u32) % BITS
    } else {
        BITS - 1 - (((-1 - e) as u32) % BITS)
    };
    x = ((x << e) & MODULUS) | (x >> (BITS - e));
    let h = if v < 0.0 { -(x as i64) } else { x as i64 };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// C's `frexp` for a finite positive value: `v = m * 2**e` with `0.5 <= m < 1`.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (0.0, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// `int(f)` for a float: truncation toward zero, Python's errors for `inf`
/// and `nan`, the lab's `OverflowError` beyond 64 bits.
pub fn float_to_int(f: f64) -> Result<i64, PyError> {
    if f.is_nan() {
        return Err(PyError::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(PyError::new(
            "OverflowError",
            "cannot convert float infinity to integer",
        ));
    }
    let t = f.trunc();
    // -2**63 is exact as a float; 2**63 is the first float beyond i64.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&t) {
        Ok(t as i64)
    } else {
        Err(int_overflow())
    }
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    TrueDiv,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
}

impl ArithOp {
    /// Whether the operator is one of `&`, `|`, `^`, `<<`, `>>`: defined on
    /// ints and bools only, never on floats.
    pub fn is_bitwise(self) -> bool {
        matches!(
            self,
            ArithOp::BitAnd | ArithOp::BitOr | ArithOp::BitXor | ArithOp::LShift | ArithOp::RShift
        )
    }
}

/// `a op b` when both are numbers (`bool`, `int`, `float`), with Python's
/// rules; `None` when either is not a number (the caller handles sequences or
/// raises `TypeError: unsupported operand type(s)`).
pub fn arith(op: ArithOp, a: &Value, b: &Value) -> Option<Result<Value, PyError>> {
    let int_of = |v: &Value| match v {
        Value::Bool(b) => Some(*b as i64),
        Value::Int(i) => Some(*i),
        _ => None,
    };
    let float_of = |v: &Value| match v {
        Value::Float(f) => Some(*f),
        other => int_of(other).map(|i| i as f64),
    };
    if op.is_bitwise() {
        // `bool & bool` (and `|`, `^`) stays a bool, as in Python.
        if let (Value::Bool(x), Value::Bool(y), false) =
            (a, b, matches!(op, ArithOp::LShift | ArithOp::RShift))
        {
            return Some(int_arith(op, *x as i64, *y as i64).map(|v| Value::Bool(v.truthy())));
        }
        return Some(int_arith(op, int_of(a)?, int_of(b)?));
    }
    Some(match (int_of(a), int_of(b)) {
        (Some(x), Some(y)) => int_arith(op, x, y),
        _ => float_arith(op, float_of(a)?, float_of(b)?).map(Value::Float),
    })
}

fn zero_division(message: &str) -> PyError {
    PyError::new("ZeroDivisionError", message)
}

fn int_arith(op: ArithOp, x: i64, y: i64) -> Result<Value, PyError> {
    let (wx, wy) = (i128::from(x), i128::from(y));
    match op {
        ArithOp::Add => int_result(wx + wy),
        ArithOp::Sub => int_result(wx - wy),
        ArithOp::Mul => int_result(wx * wy),
        ArithOp::TrueDiv => {
            if y == 0 {
                return Err(zero_division("division by zero"));
            }
            Ok(Value::Float(int_true_div(x, y)))
        }
        ArithOp::FloorDiv => {
            if y == 0 {
                return Err(zero_division("integer division or modulo by zero"));
            }
            let q = wx / wy;
            int_result(q - i128::from(wx % wy != 0 && (wx < 0) != (wy < 0)))
        }
        ArithOp::Mod => {
            if y == 0 {
                return Err(zero_division("integer modulo by zero"));
            }
            Ok(Value::Int(floor_mod(wx, wy) as i64))
        }
        ArithOp::Pow => {
            if y < 0 {
                // CPython hands a negative exponent to float's `**`.
                return float_pow(x as f64, y as f64).map(Value::Float);
            }
            int_pow(x, y)
        }
        ArithOp::BitAnd => Ok(Value::Int(x & y)),
        ArithOp::BitOr => Ok(Value::Int(x | y)),
        ArithOp::BitXor => Ok(Value::Int(x ^ y)),
        ArithOp::LShift | ArithOp::RShift if y < 0 => {
            Err(PyError::new("ValueError", "negative shift count"))
        }
        ArithOp::LShift if x == 0 => Ok(Value::Int(0)),
        // Past 63 bits every nonzero int leaves the lab's 64-bit range.
        ArithOp::LShift if y >= 64 => Err(int_overflow()),
        ArithOp::LShift => int_result(wx << y),
        ArithOp::RShift => Ok(Value::Int(x >> y.min(63))),
    }
}

/// `x % y` with the sign of `y` (floor semantics); `y` is not 0.
pub(crate) fn floor_mod(x: i128, y: i128) -> i128 {
    let r = x % y;
    if r != 0 && (r < 0) != (y < 0) {
        r + y
    } else {
        r
    }
}

fn int_pow(base: i64, exp: i64) -> Result<Value, PyError> {
    match base {
        0 => Ok(Value::Int(i64::from(exp == 0))),
        1 => Ok(Value::Int(1)),
        -1 => Ok(Value::Int(if exp % 2 == 0 { 1 } else { -1 })),
        _ => u32::try_from(exp)
            .ok()
            .and_then(|e| base.checked_pow(e))
            .map(Value::Int)
            .ok_or_else(int_overflow),
    }
}

/// `x / y` for ints, correctly rounded as CPython's `long_true_divide` is,
/// also when the operands are beyond 2**53 and not exact as floats.
fn int_true_div(x: i64, y: i64) -> f64 {
    const EXACT: u64 = 1 << 53;
    let (ax, ay) = (x.unsigned_abs(), y.unsigned_abs());
    let negative = (x < 0) != (y < 0);
    if ax <= EXACT && ay <= EXACT {
        return x as f64 / y as f64;
    }
    if ax == 0 {
        return if negative { -0.0 } else { 0.0 };
    }
    // Scale the dividend up so that the integer quotient carries at least 63
    // significant bits, keep a sticky bit for a non-zero remainder, and let the
    // (correctly rounding) int-to-float conversion round once.
    let shift = ax.leading_zeros() + 64 - 1;
    let n = u128::from(ax) << shift;
    let d = u128::from(ay);
    let q = (n / d) | u128::from(n % d != 0);
    let magnitude = q as f64 * 2f64.powi(-(shift as i32));
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

fn float_arith(op: ArithOp, x: f64, y: f64) -> Result<f64, PyError> {
    match op {
        ArithOp::Add => Ok(x + y),
        ArithOp::Sub => Ok(x - y),
        ArithOp::Mul => Ok(x * y),
        ArithOp::TrueDiv => {
            if y == 0.0 {
                return Err(zero_division("float division by zero"));
            }
            Ok(x / y)
        }
        ArithOp::FloorDiv => {
            if y == 0.0 {
                return Err(zero_division("float floor division by zero"));
            }
            Ok(float_div_mod(x, y).0)
        }
        ArithOp::Mod => {
            if y == 0.0 {
                return Err(zero_division("float modulo"));
            }
            Ok(float_div_mod(x, y).1)
        }
        ArithOp::Pow => float_pow(x, y),
        // `arith` answers these itself (floats have none of them); kept as Python's error.
        ArithOp::BitAnd | ArithOp::BitOr | ArithOp::BitXor | ArithOp::LShift | ArithOp::RShift => {
            Err(PyError::type_error("bitwise operators need ints"))
        }
    }
}

/// CPython's `_float_div_mod`: `(x // y, x % y)` for floats, `y` not 0.
fn float_div_mod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0f64.copysign(x / y)
    };
    (floordiv, m)
}

fn is_odd_integer(v: f64) -> bool {
    v.is_finite() && v.fract() == 0.0 && (v % 2.0).abs() == 1.0
}

/// CPython's `float_pow`: IEEE special cases sorted out first, then the
/// platform's `pow`, whose range errors become `OverflowError`.
fn float_pow(x: f64, y: f64) -> Result<f64, PyError> {
    if y == 0.0 {
        return Ok(1.0);
    }
    if x.is_nan() {
        return Ok(x);
    }
    if y.is_nan() {
        return Ok(if x == 1.0 { 1.0 } else { y });
    }
    if y.is_infinite() {
        let ax = x.abs();
        return Ok(if ax == 1.0 {
            1.0
        } else if (y > 0.0) == (ax > 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    if x.is_infinite() {
        let odd = is_odd_integer(y);
        return Ok(if y > 0.0 {
            if odd {
                x
            } else {
                x.abs()
            }
        } else if odd {
            0f64.copysign(x)
        } else {
            0.0
        });
    }
    if x == 0.0 {
        if y < 0.0 {
            return Err(zero_division("0.0 cannot be raised to a negative power"));
        }
        return Ok(if is_odd_integer(y) { x } else { 0.0 });
    }
    let mut base = x;
    let mut negate = false;
    if x < 0.0 {
        if y != y.floor() {
            return Err(PyError::value_error(COMPLEX_UNSUPPORTED));
        }
        base = -x;
        negate = is_odd_integer(y);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let r = base.powf(y);
    if r.is_infinite() {
        return Err(PyError::new(
            "OverflowError",
            "(34, 'Numerical result out of range')",
        ));
    }
    Ok(if negate { -r } else { r })
}
