//! The lab's string formatting against CPython: `%`-formatting,
//! `format(value, spec)` and `str.format`.

use crate::cpython;

use std::cell::RefCell;
use std::rc::Rc;

use cpython::{assert_matches_cpython, floats, ints, py_literal, Case, Rng};
use dstream_python::format::{format_value, percent_format, str_format};
use dstream_python::{Args, Dict, PyError, Value};

fn as_str(r: Result<String, PyError>) -> Result<Value, PyError> {
    r.map(|s| Value::str(&s))
}

/// Values of every kind a format meets.
fn values(rng: &mut Rng) -> Vec<Value> {
    let mut out: Vec<Value> = ints(rng, 10).into_iter().map(Value::Int).collect();
    out.extend(floats(rng, 14).into_iter().map(Value::Float));
    out.extend(
        ["", "abc", "héllo wörld", "a'b", "x", "日本"]
            .iter()
            .map(|s| Value::str(s)),
    );
    out.extend([Value::Bool(true), Value::Bool(false), Value::None]);
    out.push(Value::tuple(vec![Value::Int(1), Value::str("a")]));
    out.push(Value::list(vec![Value::Float(0.5)]));
    out
}

fn dict_literal(pairs: &[(&str, Value)]) -> (Value, String) {
    let mut dict = Dict::new();
    let mut text = Vec::new();
    for (k, v) in pairs {
        dict.insert(Value::str(k), v.clone());
        text.push(format!("'{k}': {}", py_literal(v)));
    }
    (
        Value::Dict(Rc::new(RefCell::new(dict))),
        format!("{{{}}}", text.join(", ")),
    )
}

/// One random `%` conversion: flags, width, precision (sometimes `*`), letter.
fn percent_spec(rng: &mut Rng, stars: &mut Vec<Value>) -> String {
    let mut spec = String::from("%");
    for flag in ['-', '+', ' ', '0', '#'] {
        if rng.one_in(4) {
            spec.push(flag);
        }
    }
    match rng.below(4) {
        0 => {}
        1 if rng.one_in(4) => {
            spec.push('*');
            stars.push(Value::Int(rng.range(-8, 12)));
        }
        _ => spec.push_str(&rng.range(0, 14).to_string()),
    }
    if rng.one_in(2) {
        spec.push('.');
        if rng.one_in(5) {
            spec.push('*');
            stars.push(Value::Int(rng.range(-2, 8)));
        } else {
            spec.push_str(&rng.range(0, 12).to_string());
        }
    }
    let letters = "sdifFeEgGxXocrau%%sdfgeyz";
    spec.push(letters.as_bytes()[rng.below(letters.len())] as char);
    spec
}

#[test]
fn percent_formatting_equals_cpython() {
    let mut rng = Rng::new(21);
    let pool = values(&mut rng);
    let mut cases = Vec::new();
    for _ in 0..1500 {
        let mut args = Vec::new();
        let mut template = String::new();
        for _ in 0..rng.range(1, 2) {
            let mut stars = Vec::new();
            template.push_str(&percent_spec(&mut rng, &mut stars));
            let tail = *rng.pick(&["", " ", "|", "%%", "ab"]);
            template.push_str(tail);
            args.extend(stars);
            if !template.ends_with("%%") || rng.one_in(2) {
                args.push(rng.pick(&pool).clone());
            }
        }
        // Sometimes one argument too many or too few.
        if rng.one_in(12) {
            args.push(Value::Int(1));
        } else if rng.one_in(12) {
            args.pop();
        }
        let single = args.len() == 1 && !matches!(args[0], Value::Tuple(_)) && rng.one_in(2);
        let arg = if single {
            args[0].clone()
        } else {
            Value::tuple(args)
        };
        let expr = format!(
            "{} % {}",
            py_literal(&Value::str(&template)),
            py_literal(&arg)
        );
        cases.push(Case::new(expr, &as_str(percent_format(&template, &arg))));
    }
    let (dict, dict_text) = dict_literal(&[
        ("a", Value::Int(42)),
        ("b", Value::Float(2.5)),
        ("name", Value::str("x")),
    ]);
    for template in [
        "%(a)d %(b).2f %(name)r",
        "%(a)s %s",
        "%(missing)s",
        "%(a",
        "%s",
        "no fields",
        "%(a)-6d|%(b)+08.3e",
        "%(na(m)e)s",
    ] {
        let expr = format!("{} % {dict_text}", py_literal(&Value::str(template)));
        cases.push(Case::new(expr, &as_str(percent_format(template, &dict))));
    }
    for (template, arg) in [
        ("hello", Value::Int(5)),
        ("hello", Value::list(vec![Value::Int(1)])),
        ("%s %s", Value::Int(5)),
        ("%", Value::tuple(vec![])),
        ("%5", Value::Int(1)),
        ("%(a)s", Value::Int(1)),
        (
            "%ld %hi %Lf",
            Value::tuple(vec![Value::Int(1), Value::Int(2), Value::Float(0.5)]),
        ),
        (
            "%c%c",
            Value::tuple(vec![Value::Int(0x1f600), Value::str("ab")]),
        ),
        ("%c", Value::Int(0x110000)),
        ("%*d", Value::tuple(vec![Value::str("x"), Value::Int(1)])),
        ("%d", Value::Float(f64::NAN)),
        ("%x", Value::Float(1.0)),
        ("%é", Value::Int(1)),
    ] {
        let expr = format!(
            "{} % {}",
            py_literal(&Value::str(template)),
            py_literal(&arg)
        );
        cases.push(Case::new(expr, &as_str(percent_format(template, &arg))));
    }
    assert_matches_cpython("%-formatting", &cases);
}

/// One random format spec: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
fn format_spec(rng: &mut Rng) -> String {
    let mut spec = String::new();
    if rng.one_in(3) {
        if rng.one_in(2) {
            spec.push(*rng.pick(&['*', '0', 'x', ' ', '{']));
        }
        spec.push(*rng.pick(&['<', '>', '^', '=']));
    }
    if rng.one_in(3) {
        spec.push(*rng.pick(&['+', '-', ' ']));
    }
    if rng.one_in(10) {
        spec.push('z');
    }
    if rng.one_in(4) {
        spec.push('#');
    }
    if rng.one_in(4) {
        spec.push('0');
    }
    if rng.one_in(2) {
        spec.push_str(&rng.range(0, 16).to_string());
    }
    if rng.one_in(4) {
        spec.push(*rng.pick(&[',', '_']));
    }
    if rng.one_in(2) {
        spec.push('.');
        if !rng.one_in(20) {
            spec.push_str(&rng.range(0, 20).to_string());
        }
    }
    if !rng.one_in(4) {
        spec.push(*rng.pick(&[
            'b', 'c', 'd', 'e', 'E', 'f', 'F', 'g', 'G', 'n', 'o', 's', 'x', 'X', '%', 'q',
        ]));
    }
    spec
}

#[test]
fn format_specifications_equal_cpython_for_every_value_kind() {
    let mut rng = Rng::new(22);
    let pool = values(&mut rng);
    let mut cases = Vec::new();
    for _ in 0..2500 {
        let value = rng.pick(&pool).clone();
        let spec = format_spec(&mut rng);
        let expr = format!(
            "format({}, {})",
            py_literal(&value),
            py_literal(&Value::str(&spec))
        );
        cases.push(Case::new(expr, &as_str(format_value(&value, &spec))));
    }
    for (value, spec) in [
        (Value::Int(1234567), "010,"),
        (Value::Int(1234), "09,"),
        (Value::Int(-1234), "0=12_"),
        (Value::Int(255), "#010_b"),
        (Value::Float(1234.5), ",%"),
        (Value::Float(-0.0), "z.1f"),
        (Value::Float(f64::INFINITY), "05"),
        (Value::Float(1e16), "#"),
        (Value::Float(100.0), ".3"),
        (Value::Int(5), "abc"),
        (Value::Int(5), ",,"),
        (Value::Int(5), "_,"),
        (Value::Int(65), "^5c"),
        (Value::str("ab"), "05"),
        (Value::str("ab"), ","),
        (Value::Bool(true), ">5"),
    ] {
        let expr = format!(
            "format({}, {})",
            py_literal(&value),
            py_literal(&Value::str(spec))
        );
        cases.push(Case::new(expr, &as_str(format_value(&value, spec))));
    }
    assert_matches_cpython("format()", &cases);
}

#[test]
fn str_format_equals_cpython() {
    let mut rng = Rng::new(23);
    let pool = values(&mut rng);
    let templates = [
        "{}",
        "{} and {}",
        "{0}{1}{0}",
        "{1!r}",
        "{0!s:>12}",
        "{!a}",
        "{name}",
        "{name!r:^9}",
        "{0[0]}",
        "{0[1]}",
        "{0[x]}",
        "{:{}}",
        "{0:{1}}",
        "{:>{}.{}}",
        "{{}} {}",
        "}}{{",
        "{",
        "}",
        "{0!x}",
        "{0!}",
        "{!r:}",
        "{} {0}",
        "{0} {}",
        "{2}",
        "{missing}",
        "{0.real}",
        "{0[}",
        "{0]}",
        "{:{:{}}}",
        "a{}b{name}c",
        "{0[0]x}",
        "{:=^+12,.3f}",
        "{0:}",
    ];
    let mut cases = Vec::new();
    for _ in 0..900 {
        let template = *rng.pick(&templates);
        let positional: Vec<Value> = (0..rng.range(0, 3))
            .map(|_| match rng.pick(&pool) {
                // Ints may become widths in nested specs: keep them small.
                Value::Int(_) => Value::Int(rng.range(0, 12)),
                other => other.clone(),
            })
            .collect();
        let name = rng.pick(&pool).clone();
        let args = Args {
            positional: positional.clone(),
            keyword: vec![(Rc::from("name"), name.clone())],
        };
        let expr = format!(
            "{}.format(*{}, name={})",
            py_literal(&Value::str(template)),
            py_literal(&Value::tuple(positional)),
            py_literal(&name)
        );
        cases.push(Case::new(expr, &as_str(str_format(template, &args))));
    }
    assert_matches_cpython("str.format", &cases);
}
