//! Differential testing against CPython (`python3`, the lab's oracle).
//!
//! A test builds [`Case`]s: a Python expression and the line the lab gives
//! for it. [`assert_matches_cpython`] runs ONE `python3` process over a
//! script that prints, per case, `repr(result)` or `Type: message` of the
//! exception raised, and compares line by line with the lab.
//!
//! The script's prelude defines helpers cases may use: `i64(r)` raises the
//! lab's `OverflowError` where an int result leaves 64 bits, and `real(f)`
//! the lab's refusal of complex results of `f()`.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

use dstream_engine::python::PyRepr;
use dstream_python::number::{COMPLEX_UNSUPPORTED, INT_OVERFLOW};
use dstream_python::{PyError, Value};

/// One expression, evaluated by CPython and by the lab.
pub struct Case {
    /// A Python expression (the prelude's helpers are in scope).
    pub python: String,
    /// The lab's line: `repr` of its result, or `Type: message`.
    pub lab: String,
}

impl Case {
    /// A case from the lab's own result.
    pub fn new(python: impl Into<String>, lab: &Result<Value, PyError>) -> Case {
        Case {
            python: python.into(),
            lab: line(lab),
        }
    }
}

/// The line the script prints for a result: `repr`, or `Type: message`.
pub fn line(result: &Result<Value, PyError>) -> String {
    match result {
        Ok(v) => v.repr_string(),
        Err(e) => e.to_string(),
    }
}

fn prelude() -> String {
    format!(
        r#"
import sys
LAB_OVERFLOW = {overflow}
LAB_COMPLEX = {complex}
def i64(r):
    if type(r) is int and not -2**63 <= r < 2**63:
        raise OverflowError(LAB_OVERFLOW)
    return r
def real(f):
    # CPython answers a negative number to a fractional power with a complex
    # result, or with this OverflowError when that result is too big.
    try:
        r = f()
    except OverflowError as e:
        if str(e) == "complex exponentiation":
            raise ValueError(LAB_COMPLEX)
        raise
    if isinstance(r, complex):
        raise ValueError(LAB_COMPLEX)
    return r
def show(f):
    try:
        r = repr(f())
    except Exception as e:
        m = str(e)
        r = type(e).__name__ + (": " + m if m else "")
    print(r.replace("\n", "\\n"))
"#,
        overflow = Value::str(INT_OVERFLOW).repr_string(),
        complex = Value::str(COMPLEX_UNSUPPORTED).repr_string(),
    )
}

/// Runs `python3 args...` with `stdin` and returns its stdout. Panics (the
/// test fails) when `python3` is missing or fails: the oracle is part of the
/// test, CI machines have it.
fn python3(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new("python3")
        .args(args)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (CPython 3.11) must be installed: it is these tests' oracle");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("python3 reads its input");
    let output = child.wait_with_output().expect("python3 finishes");
    assert!(
        output.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("python3 prints UTF-8")
}

/// Runs a (small) `script` reading `input` on stdin; returns its stdout.
pub fn run_python(script: &str, input: &str) -> String {
    python3(&["-c", script], input)
}

/// Runs a (large) `script` given on stdin; returns its stdout's lines.
pub fn run_script_lines(script: &str) -> Vec<String> {
    python3(&["-"], script)
        .lines()
        .map(str::to_string)
        .collect()
}

/// One line per case: backslashes and newlines escaped (the Python side does the same).
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

/// The Python helper that escapes like [`escape`].
pub const PY_ESCAPE: &str =
    "def esc(s):\n    return s.replace('\\\\', '\\\\\\\\').replace('\\n', '\\\\n')\n";

/// Evaluates every case in one `python3` and fails listing the first
/// mismatches (expression, CPython's line, the lab's line).
pub fn assert_matches_cpython(what: &str, cases: &[Case]) {
    let mut script = prelude();
    for case in cases {
        script.push_str(&format!("show(lambda: {})\n", case.python));
    }
    let python = run_script_lines(&script);
    assert_eq!(
        python.len(),
        cases.len(),
        "{what}: python3 printed one line per case"
    );
    let mismatches: Vec<String> = cases
        .iter()
        .zip(&python)
        .filter(|(case, py)| case.lab.replace('\n', "\\n") != **py)
        .map(|(case, py)| {
            format!(
                "  {}\n    CPython: {py}\n    lab:     {}",
                case.python, case.lab
            )
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{what}: {} of {} cases differ from CPython; the first ones:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches[..mismatches.len().min(25)].join("\n")
    );
}

/// A small deterministic generator (SplitMix64): the same cases every run.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// An int in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// A Python expression for exactly this float (hex for finite values, so no
/// decimal conversion, the lab's own repr included, stands between).
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "float('nan')".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "float('inf')"
        } else {
            "float('-inf')"
        }
        .into();
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mantissa = bits & ((1 << 52) - 1);
    let (lead, e) = if exp == 0 {
        (0, -1022)
    } else {
        (1, exp - 1023)
    };
    format!("float.fromhex('{sign}0x{lead}.{mantissa:013x}p{e}')")
}

/// A Python expression for a value (numbers, strings, None and tuples or
/// lists of them).
pub fn py_literal(v: &Value) -> String {
    match v {
        Value::Float(f) => py_float(*f),
        Value::Tuple(items) => {
            let inner: Vec<String> = items.iter().map(py_literal).collect();
            if inner.is_empty() {
                "()".to_string()
            } else {
                format!("({},)", inner.join(", "))
            }
        }
        Value::List(items) => {
            let inner: Vec<String> = items.borrow().iter().map(py_literal).collect();
            format!("[{}]", inner.join(", "))
        }
        // ints, bools, None and strings: their repr is a literal.
        other => format!("({})", other.repr_string()),
    }
}

/// A mix of interesting floats: signed zeros, infinities, nan, extremes,
/// subnormals, round decimals, and random bit patterns.
pub fn floats(rng: &mut Rng, random: usize) -> Vec<f64> {
    let mut out = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -1.5,
        2.5,
        0.1,
        2.75,
        -2.675,
        1e16,
        1e-4,
        1e300,
        -1e308,
        1.7976931348623157e308,
        5e-324,
        2.2250738585072014e-308,
        1e-310,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        9007199254740993.0,
        123456.789,
        -0.000123,
    ];
    for _ in 0..random {
        out.push(match rng.below(3) {
            0 => f64::from_bits(rng.next_u64()),
            1 => rng.range(-1_000_000, 1_000_000) as f64 / 10f64.powi(rng.range(0, 6) as i32),
            _ => {
                (rng.next_u64() as f64 / u64::MAX as f64 - 0.5)
                    * 10f64.powi(rng.range(-30, 30) as i32)
            }
        });
    }
    out
}

/// A mix of interesting ints: small, signed, powers of two and the i64 edges.
pub fn ints(rng: &mut Rng, random: usize) -> Vec<i64> {
    let mut out = vec![
        0,
        1,
        -1,
        2,
        -2,
        3,
        -7,
        10,
        100,
        -100,
        1 << 31,
        1 << 53,
        (1 << 53) + 1,
        -(1 << 53) - 1,
        1 << 62,
        3_037_000_499,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
    ];
    for _ in 0..random {
        out.push(match rng.below(3) {
            0 => rng.next_u64() as i64,
            1 => rng.range(-1000, 1000),
            _ => (rng.next_u64() >> rng.range(1, 62)) as i64 * if rng.one_in(2) { -1 } else { 1 },
        });
    }
    out
}
