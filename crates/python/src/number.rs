//! Python's numeric rules that are not Rust's.

use dstream_engine::python::int_hash;

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
}

/// `a op b` when both are numbers (`bool`, `int`, `float`), with Python's
/// rules; `None` when either is not a number (the caller handles sequences or
/// raises `TypeError: unsupported operand type(s)`).
pub fn arith(
    op: ArithOp,
    a: &crate::Value,
    b: &crate::Value,
) -> Option<Result<crate::Value, crate::PyError>> {
    use crate::Value::{Bool, Float, Int};
    let (x, y) = match (a, b) {
        (Int(_) | Bool(_) | Float(_), Int(_) | Bool(_) | Float(_)) => (a, b),
        _ => return None,
    };
    let _ = (op, x, y);
    Some(Err(crate::PyError::new(
        "NotImplementedError",
        "not supported in the lab yet: arithmetic",
    )))
}
