//! `Quick`: a function whose body has one of its shapes gives, without a
//! call, exactly what calling it returns, and gives nothing where the call
//! would do anything else (raise, overflow, read an unbound local, take
//! another type's path).

use std::rc::Rc;

use dstream_engine::python::PyRepr;
use dstream_engine::LineCollector;
use dstream_python::{compile, quick, Host, Interpreter, PyError, Value};

/// A host with no modules; `print` is not used by these programs.
struct Bare;

impl Host for Bare {
    fn import(&self, name: &str) -> Result<Value, PyError> {
        Err(PyError::new(
            "ModuleNotFoundError",
            format!("No module named '{name}'"),
        ))
    }

    fn print(&self, _text: &str) {}
}

/// The program's interpreter, after running it.
fn run(src: &str) -> Interpreter {
    let interpreter = Interpreter::new(Rc::new(Bare));
    interpreter
        .run(&compile(src, "job.py").expect("compiles"))
        .expect("runs");
    interpreter
}

/// The values each shape is tried on: every kind a record can be, ints at
/// the edges of 64 bits, strings with and without the chain's words.
fn samples() -> Vec<Value> {
    let mut values = vec![
        Value::None,
        Value::Bool(true),
        Value::Int(0),
        Value::Int(7),
        Value::Int(-3),
        Value::Int(i64::MAX),
        Value::Int(i64::MIN),
        Value::Float(1.5),
        Value::tuple(vec![Value::Int(1), Value::str("a")]),
        Value::list(vec![Value::str("[info]")]),
    ];
    for s in [
        "",
        "[info] started",
        "x [notice] y",
        "[error] [info] both",
        "plain",
        "é [error]",
        "[notice] [info] started",
        "[[info]",
        "[noticed] [error]",
        "[error][notice]",
        "x[notic[notice]",
        "[info",
        "[",
        "[[[",
        "日本 [notice] ends [info]",
        "abcd",
        "bcd",
        "cd",
        "d",
        "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok [client 1.2.3.4] x [info]",
        "[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] [notice] then [",
        "[x][y][z][w][v][u][t][s][r][q][p][o] [error] [notice",
    ] {
        values.push(Value::str(s));
    }
    values
}

/// `repr(v)` with its type, or the error's last line.
fn shown(result: Result<Value, PyError>) -> String {
    match result {
        Ok(v) => format!("{}: {}", v.type_name(), v.repr_string()),
        Err(e) => e.to_string(),
    }
}

const PROGRAM: &str = r#"
def get_message_type(line):
    """The notebook's function."""
    if "[info]" in line:
        message_type = "info"
    elif "[notice]" in line:
        message_type = "notice"
    elif "[error]" in line:
        message_type = "error"
    else:
        message_type = "unknown"
    return message_type

def shouted(line):
    """The notebook's literals, other results: it reads what get_message_type's scan found."""
    if "[info]" in line:
        kind = "INFO"
    elif "[notice]" in line:
        kind = "NOTICE"
    elif "[error]" in line:
        kind = "ERROR"
    else:
        kind = "UNKNOWN"
    return kind

def reordered(line):
    if "[error]" in line:
        kind = "error"
    elif "[info]" in line:
        kind = "info"
    elif "[notice]" in line:
        kind = "notice"
    else:
        kind = "unknown"
    return kind

def no_else(line):
    if "[info]" in line:
        t = "info"
    elif "[error]" not in line:
        t = "no error"
    return t

def other_target(line):
    if "[info]" in line:
        u = "info"
    else:
        t = "other"
    return line

def brackets(line):
    if "[info]" in line:
        kind = "info"
    elif "[" in line:
        kind = "bracket"
    elif "[notice]" in line:
        kind = "never"
    else:
        kind = "none"
    return kind

def letters(word):
    if "a" in word:
        kind = "a"
    elif "b" not in word:
        kind = "no b"
    elif "c" in word:
        kind = "c"
    elif "d" in word:
        kind = "d"
    else:
        kind = "other"
    return kind

def first_not_in(line):
    if "[info]" not in line:
        kind = "not info"
    elif "[info] s" in line:
        kind = "info s"
    else:
        kind = "info"
    return kind

add = lambda x, y: x + y
sub = lambda x, y: x - y
mul = lambda x, y: x * y
swapped = lambda x, y: y - x
minus_one = lambda n: n - 1
pair = lambda x: (x, 1)
triple = lambda x: (x, "k", x)
same = lambda x: x
one = lambda x: 1
"#;

const ONE_ARG: &[&str] = &[
    "get_message_type",
    "shouted",
    "reordered",
    "brackets",
    "letters",
    "first_not_in",
    "no_else",
    "other_target",
    "minus_one",
    "pair",
    "triple",
    "same",
    "one",
];
const TWO_ARGS: &[&str] = &["add", "sub", "mul", "swapped"];

#[test]
fn every_shape_gives_what_the_call_returns_or_nothing() {
    let interpreter = run(PROGRAM);
    let rt = interpreter.runtime();
    let values = samples();
    let mut given = 0;
    for name in ONE_ARG {
        let f = interpreter.global(name).expect("defined");
        let q = quick(&f).unwrap_or_else(|| panic!("{name} has a quick form"));
        assert!(q.call2(&Value::Int(1), &Value::Int(2)).is_none(), "{name}");
        for x in &values {
            if let Some(v) = q.call1(x) {
                given += 1;
                assert_eq!(
                    shown(Ok(v)),
                    shown(rt.call1(&f, x.clone())),
                    "{name}({x:?})"
                );
            }
        }
    }
    for name in TWO_ARGS {
        let f = interpreter.global(name).expect("defined");
        let q = quick(&f).unwrap_or_else(|| panic!("{name} has a quick form"));
        assert!(q.call1(&Value::Int(1)).is_none(), "{name}");
        for a in &values {
            for b in &values {
                let mut acc = a.clone();
                let into = q.call2_into(&mut acc, b);
                if let Some(v) = q.call2(a, b) {
                    given += 1;
                    let called = rt.call2(&f, a.clone(), b.clone());
                    assert_eq!(shown(Ok(v)), shown(called), "{name}({a:?}, {b:?})");
                }
                // In place: what the call gives, or nothing and `a` untouched.
                let want = if into { q.call2(a, b) } else { Some(a.clone()) };
                assert_eq!(
                    shown(Ok(acc)),
                    shown(want.ok_or(PyError::value_error("none"))),
                    "{name}({a:?}, {b:?}) in place"
                );
            }
        }
    }
    // Most calls on these samples take a quick path.
    assert!(given > 150, "{given}");
}

#[test]
fn a_line_of_a_batch_gives_what_its_str_value_gives() {
    let interpreter = run(PROGRAM);
    let texts: Vec<String> = samples()
        .into_iter()
        .filter_map(|x| match x {
            Value::Str(text) => Some(text.to_string()),
            _ => None,
        })
        .collect();
    let mut collector = LineCollector::default();
    collector.push_all(&texts);
    let batch = collector.take();
    let mut given = 0;
    for name in ONE_ARG {
        let q = quick(&interpreter.global(name).unwrap()).unwrap();
        // Twice over the batch: the second time the batch holds what the chain's scan found.
        for (text, line) in texts
            .iter()
            .zip(batch.clone().into_lines())
            .chain(texts.iter().zip(batch.clone().into_lines()))
        {
            let x = Value::str(text);
            if let Some(v) = q.call1_line(&line) {
                given += 1;
                assert_eq!(
                    shown(Ok(v)),
                    shown(q.call1(&x).ok_or(PyError::value_error("none"))),
                    "{name}({x:?})"
                );
            }
        }
    }
    assert!(given > 50, "{given}");
}

#[test]
fn a_pair_shape_gives_the_items_of_the_tuple_the_call_returns() {
    let interpreter = run(PROGRAM);
    let rt = interpreter.runtime();
    for name in ONE_ARG {
        let f = interpreter.global(name).unwrap();
        let q = quick(&f).unwrap();
        assert_eq!(q.makes_pair(), *name == "pair", "{name}");
        for x in samples() {
            match q.call1_pair(&x) {
                Some((k, v)) => {
                    let tuple = Value::tuple(vec![k, v]);
                    assert_eq!(
                        shown(Ok(tuple)),
                        shown(rt.call1(&f, x.clone())),
                        "{name}({x:?})"
                    );
                }
                None => assert!(!q.makes_pair(), "{name}({x:?})"),
            }
        }
    }
}

#[test]
fn what_a_shape_leaves_to_the_call_is_what_can_raise_or_differ() {
    let interpreter = run(PROGRAM);
    let q = |name: &str| quick(&interpreter.global(name).unwrap()).unwrap();
    // Overflow raises in the call.
    assert!(q("add")
        .call2(&Value::Int(i64::MAX), &Value::Int(1))
        .is_none());
    // Floats, bools and strings go through Python's own `+`.
    assert!(q("add").call2(&Value::Float(1.0), &Value::Int(1)).is_none());
    assert!(q("add").call2(&Value::Bool(true), &Value::Int(1)).is_none());
    assert!(q("add").call2(&Value::str("a"), &Value::str("b")).is_none());
    // `in` over a list is Python's membership, not a substring search.
    let listed = Value::list(vec![Value::str("[info]")]);
    assert!(q("get_message_type").call1(&listed).is_none());
    // No arm taken and no `else`: `return t` raises UnboundLocalError.
    assert!(q("no_else").call1(&Value::str("[error]")).is_none());
    let called = interpreter.runtime().call1(
        &interpreter.global("no_else").unwrap(),
        Value::str("[error]"),
    );
    assert!(shown(called).starts_with("UnboundLocalError"));
}

#[test]
fn functions_of_other_shapes_have_no_quick_form() {
    let interpreter = run(r#"
def printing(x):
    print(x)
    return x
def called(x):
    return len(x)
def two_steps(x):
    y = x + 1
    return y
scale = lambda x, k=2: x * k
indexed = lambda kv: kv[1]
"#);
    for name in ["printing", "called", "two_steps", "indexed"] {
        assert!(
            quick(&interpreter.global(name).unwrap()).is_none(),
            "{name}"
        );
    }
    // `x * k` on two parameters is a shape; a call with one argument binds
    // the default and goes the general way.
    let scale = quick(&interpreter.global("scale").unwrap()).expect("a shape");
    assert!(scale.call1(&Value::Int(3)).is_none());
    assert!(quick(&Value::Int(1)).is_none());
}

#[test]
fn a_text_chain_as_data_gives_what_the_quick_call_gives() {
    let interpreter = run(PROGRAM);
    let mut chains = Vec::new();
    let mut given = 0;
    for name in ONE_ARG {
        let q = quick(&interpreter.global(name).unwrap()).unwrap();
        let Some(chain) = q.text_chain() else {
            continue;
        };
        chains.push(*name);
        for x in samples() {
            let Value::Str(text) = &x else { continue };
            // The first literal the text holds decides, as the data says.
            let arm = chain.literals.iter().position(|l| text.contains(&**l));
            let by_data = match arm {
                Some(i) => chain.results[i].clone(),
                None => chain.otherwise.clone(),
            };
            if let Some(v) = by_data {
                given += 1;
                assert_eq!(
                    shown(Ok(v)),
                    shown(q.call1(&x).ok_or(PyError::value_error("none"))),
                    "{name}({x:?})"
                );
            }
        }
    }
    // A `not in` arm leaves its chain to the call.
    assert_eq!(
        chains,
        [
            "get_message_type",
            "shouted",
            "reordered",
            "brackets",
            "other_target"
        ]
    );
    assert!(given > 20, "{given}");
}
