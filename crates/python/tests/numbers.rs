//! The lab's numbers against CPython: arithmetic, `round`, `int()`/`float()`
//! of strings, `repr(float)` and `hash(float)`.

use crate::cpython;

use cpython::{assert_matches_cpython, floats, ints, py_float, py_literal, Case, Rng};
use dstream_python::number::{
    arith, float_from_str, float_hash, float_to_int, int_from_str, round, ArithOp,
};
use dstream_python::Value;

const OPS: [(ArithOp, &str); 7] = [
    (ArithOp::Add, "+"),
    (ArithOp::Sub, "-"),
    (ArithOp::Mul, "*"),
    (ArithOp::TrueDiv, "/"),
    (ArithOp::FloorDiv, "//"),
    (ArithOp::Mod, "%"),
    (ArithOp::Pow, "**"),
];

fn operands(rng: &mut Rng) -> Vec<Value> {
    let mut values: Vec<Value> = ints(rng, 14).into_iter().map(Value::Int).collect();
    values.extend(floats(rng, 10).into_iter().map(Value::Float));
    values.extend([Value::Bool(true), Value::Bool(false)]);
    values
}

#[test]
fn arithmetic_on_ints_floats_and_bools_equals_cpython_or_overflows_beyond_64_bits() {
    let mut rng = Rng::new(11);
    let values = operands(&mut rng);
    let mut cases = Vec::new();
    for a in &values {
        for b in &values {
            for (op, symbol) in OPS {
                let b = match (op, b) {
                    // Python's exact powers of big ints are huge: keep int exponents small.
                    (ArithOp::Pow, Value::Int(e)) if !(-80..=80).contains(e) => Value::Int(e % 80),
                    _ => b.clone(),
                };
                let lab = arith(op, a, &b).expect("numbers are arithmetic operands");
                let expr = format!(
                    "real(lambda: i64({} {symbol} {}))",
                    py_literal(a),
                    py_literal(&b)
                );
                cases.push(Case::new(expr, &lab));
            }
        }
    }
    assert_matches_cpython("arithmetic", &cases);
}

#[test]
fn arith_leaves_non_numbers_to_the_caller() {
    assert!(arith(ArithOp::Add, &Value::str("a"), &Value::Int(1)).is_none());
    assert!(arith(ArithOp::Mul, &Value::Int(2), &Value::None).is_none());
}

#[test]
fn round_with_and_without_ndigits_equals_cpython() {
    let mut rng = Rng::new(12);
    let mut values: Vec<Value> = ints(&mut rng, 20).into_iter().map(Value::Int).collect();
    values.extend(floats(&mut rng, 60).into_iter().map(Value::Float));
    // Exact ties in binary: halves, quarters, eighths at every scale.
    for _ in 0..60 {
        let k = rng.range(-4000, 4000) as f64 / 8.0;
        values.push(Value::Float(k * 10f64.powi(rng.range(-3, 3) as i32)));
    }
    values.push(Value::Bool(true));
    let mut cases = Vec::new();
    for v in &values {
        let mut digits: Vec<Option<i64>> =
            vec![None, Some(0), Some(1), Some(2), Some(-1), Some(-2)];
        digits.extend([
            Some(-19),
            Some(-20),
            Some(323),
            Some(324),
            Some(-308),
            Some(-309),
        ]);
        digits.push(Some(rng.range(-25, 25)));
        for n in digits {
            let lab = round(v, n);
            let arg = n.map_or(String::new(), |n| format!(", {n}"));
            cases.push(Case::new(
                format!("i64(round({}{arg}))", py_literal(v)),
                &lab,
            ));
        }
    }
    assert_matches_cpython("round", &cases);
}

fn random_text(rng: &mut Rng, alphabet: &[&str]) -> String {
    (0..rng.range(0, 8)).map(|_| *rng.pick(alphabet)).collect()
}

#[test]
fn int_and_float_of_strings_equal_cpython() {
    let mut rng = Rng::new(13);
    let mut texts: Vec<String> = [
        "  -12 ",
        "+7",
        "1_000",
        "1__0",
        "_1",
        "1_",
        "",
        " ",
        "0x10",
        "1e5",
        " 1e5 ",
        "inf",
        "-Infinity",
        "nan",
        "-nan",
        "NaN",
        "1.5",
        ".5",
        "5.",
        ".",
        "1_0.5_5",
        "1e1_0",
        "1_e5",
        "in_f",
        "١٢",
        "١.٥",
        "\u{a0}42\u{2003}",
        "\x0c3\x0b",
        "\x1c3",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999x",
        "1e500",
        "-1e-500",
        "007",
        "0_0",
        "+-1",
        "- 1",
        "1.e5",
        "e5",
        "1e",
        "infinityy",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let alphabet = [
        "0", "1", "5", "9", "_", "-", "+", " ", ".", "e", "E", "i", "n", "f", "a", "\t", "٣",
        "\u{a0}", "x",
    ];
    texts.extend((0..400).map(|_| random_text(&mut rng, &alphabet)));
    texts.extend((0..100).map(|_| format!("{}", rng.next_u64() as i64 >> rng.range(0, 63))));
    texts.extend((0..100).map(|_| cpython::floats(&mut rng, 1)[0].to_string()));
    let mut cases = Vec::new();
    for t in &texts {
        let literal = py_literal(&Value::str(t));
        cases.push(Case::new(
            format!("i64(int({literal}))"),
            &int_from_str(t).map(Value::Int),
        ));
        cases.push(Case::new(
            format!("float({literal})"),
            &float_from_str(t).map(Value::Float),
        ));
    }
    for x in floats(&mut rng, 100) {
        cases.push(Case::new(
            format!("i64(int({}))", py_float(x)),
            &float_to_int(x).map(Value::Int),
        ));
    }
    assert_matches_cpython("int() and float()", &cases);
}

/// Floats on both sides of every point where `repr` changes notation.
fn repr_edges() -> Vec<f64> {
    let mut out = Vec::new();
    for x in [
        1e16f64,
        1e-4,
        1e15,
        1e17,
        1e-5,
        1e-3,
        1.0,
        1e22,
        1e23,
        5e-324,
        1.7976931348623157e308,
    ] {
        let up = f64::from_bits(x.to_bits() + 1);
        let down = f64::from_bits(x.to_bits() - 1);
        out.extend([x, up, down, -x, -up, -down]);
    }
    out.extend([2.2250738585072014e-308, 2.225073858507201e-308, 4.94e-322]);
    out.extend([
        9999999999999998.0,
        0.30000000000000004,
        100.0,
        123456789012345680.0,
    ]);
    out
}

#[test]
fn float_repr_is_cpython_shortest_round_trip_with_its_notation_switches() {
    let mut rng = Rng::new(14);
    let mut values = floats(&mut rng, 1500);
    values.extend(repr_edges());
    // Near 2**51 the spacing is 1/4: two shortest candidates can tie exactly.
    values.extend((0..500).map(|_| (rng.next_u64() >> 11) as f64 / 4.0));
    let cases: Vec<Case> = values
        .iter()
        .map(|x| Case::new(py_float(*x), &Ok(Value::Float(*x))))
        .collect();
    assert_matches_cpython("repr(float)", &cases);
}

#[test]
fn float_hash_equals_cpython_hash() {
    let mut rng = Rng::new(15);
    let mut values = floats(&mut rng, 1000);
    values.extend(repr_edges());
    values.extend([
        9.2e18,
        9.3e18,
        -9.3e18,
        2f64.powi(63),
        2f64.powi(100),
        1e300,
        0.5f64.powi(70),
    ]);
    let cases: Vec<Case> = values
        .iter()
        .filter(|x| !x.is_nan())
        .map(|x| {
            Case::new(
                format!("hash({})", py_float(*x)),
                &Ok(Value::Int(float_hash(*x))),
            )
        })
        .collect();
    assert_matches_cpython("hash(float)", &cases);
}
