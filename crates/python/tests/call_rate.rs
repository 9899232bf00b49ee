//! How fast the host calls a Python function: the notebook's
//! `get_message_type` through `Caller::call`, as the engine calls a `map`
//! function once per record. Ignored by default (a measurement, not a check):
//! `cargo test --release -p dstream-python --test call_rate -- --ignored --nocapture`.

use std::rc::Rc;
use std::time::Instant;

use dstream_python::{compile, Args, Host, Interpreter, PyError, Value};

struct Silent;

impl Host for Silent {
    fn import(&self, name: &str) -> Result<Value, PyError> {
        Err(PyError::new(
            "ModuleNotFoundError",
            format!("No module named '{name}'"),
        ))
    }

    fn print(&self, _text: &str) {}
}

const JOB: &str = r#"
def get_message_type(line):
    if "[info]" in line:
        message_type = "info"
    elif "[notice]" in line:
        message_type = "notice"
    elif "[error]" in line:
        message_type = "error"
    else:
        message_type = "unknown"
    return message_type

pair = lambda x: (x, 1)
add = lambda x, y: x + y
"#;

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn get_message_type_call_rate() {
    let interpreter = Interpreter::new(Rc::new(Silent));
    interpreter
        .run(&compile(JOB, "job.py").expect("compiles"))
        .expect("runs");
    let rt = interpreter.runtime();
    let f = interpreter.global("get_message_type").expect("defined");
    let pair = interpreter.global("pair").expect("defined");
    let add = interpreter.global("add").expect("defined");
    let lines: Vec<Value> = [
        "[Sun Mar 7 16:02:00 2004] [notice] Apache/1.3.29 (Unix) configured",
        "[Sun Mar 7 16:45:56 2004] [info] [client 64.242.88.10] (104)Connection reset",
        "[Sun Mar 7 17:13:50 2004] [error] [client 10.0.0.1] File does not exist",
        "64.242.88.10 - - [07/Mar/2004:16:05:49 -0800] \"GET /twiki/bin/edit HTTP/1.1\" 401",
    ]
    .iter()
    .map(|s| Value::str(s))
    .collect();
    let n = 2_000_000;
    let start = Instant::now();
    let mut count = Value::Int(0);
    for i in 0..n {
        let t = rt
            .call(&f, Args::positional(vec![lines[i % lines.len()].clone()]))
            .expect("call");
        let p = rt.call(&pair, Args::positional(vec![t])).expect("call");
        if let Value::Tuple(items) = p {
            count = rt
                .call(&add, Args::positional(vec![count, items[1].clone()]))
                .expect("call");
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(count, Value::Int(n as i64));
    println!(
        "{n} lines through get_message_type, (x, 1) and x + y: {:.1} M lines/s",
        n as f64 / secs / 1e6
    );
}
