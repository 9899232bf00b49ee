//! How fast the host calls Python functions: the notebook's stateless job
//! (`lines.map(get_message_type).map(lambda x: (x, 1)).reduceByKey(lambda x, y: x + y)`)
//! calls each function once per record through `Caller::call1` and `call2`. Ignored by
//! default (a measurement, not a check):
//! `cargo test --profile bench -p dstream-python --test suite call_rate:: -- --ignored --nocapture`.
//! Time is the thread's CPU time, so the figures hold on a shared machine
//! where other processes take the cores.

use std::rc::Rc;
use std::time::Duration;

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

/// The notebook's function, as the course writes it, and the job's lambdas.
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

/// Calls per measurement: `CALL_RATE_CALLS`, or 2 M (fewer suit a run under
/// `valgrind --tool=callgrind`, which counts instructions instead of time).
fn calls() -> usize {
    std::env::var("CALL_RATE_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000_000)
}

/// CPU time spent by this thread so far.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Millions of `body` runs per CPU second.
fn rate(calls: usize, mut body: impl FnMut(usize)) -> f64 {
    let start = thread_cpu_time();
    for i in 0..calls {
        body(i);
    }
    calls as f64 / (thread_cpu_time() - start).as_secs_f64() / 1e6
}

#[test]
#[ignore = "a measurement: run in the bench profile with --ignored --nocapture"]
fn stateless_job_call_rates() {
    let calls = calls();
    let interpreter = Interpreter::new(Rc::new(Silent));
    interpreter
        .run(&compile(JOB, "job.py").expect("compiles"))
        .expect("runs");
    let rt = interpreter.runtime();
    let get_message_type = interpreter.global("get_message_type").expect("defined");
    let pair = interpreter.global("pair").expect("defined");
    let add = interpreter.global("add").expect("defined");
    // One line of each kind the notebook's generator sends: every branch runs.
    let lines: Vec<Value> = [
        "[Sun Mar 7 16:02:00 2004] [notice] Apache/1.3.29 (Unix) configured",
        "[Sun Mar 7 16:45:56 2004] [info] [client 64.242.88.10] (104)Connection reset",
        "[Sun Mar 7 17:13:50 2004] [error] [client 10.0.0.1] File does not exist",
        "64.242.88.10 - - [07/Mar/2004:16:05:49 -0800] \"GET /twiki/bin/edit HTTP/1.1\" 401",
    ]
    .iter()
    .map(|s| Value::str(s))
    .collect();
    let line = |i: usize| lines[i % lines.len()].clone();

    let mut types = 0;
    let typed = rate(calls, |i| {
        let t = rt.call1(&get_message_type, line(i)).expect("call");
        types += matches!(t, Value::Str(_)) as usize;
    });
    assert_eq!(types, calls);

    let word = Value::str("info");
    let mut pairs = 0;
    let paired = rate(calls, |_| {
        let p = rt.call1(&pair, word.clone()).expect("call");
        pairs += matches!(&p, Value::Tuple(t) if t.len() == 2) as usize;
    });
    assert_eq!(pairs, calls);

    let mut total = Value::Int(0);
    let added = rate(calls, |_| {
        let sum = rt.call2(&add, total.clone(), Value::Int(1)).expect("call");
        total = sum;
    });
    assert_eq!(total, Value::Int(calls as i64));

    let mut count = Value::Int(0);
    let job = rate(calls, |i| {
        let t = rt.call1(&get_message_type, line(i)).expect("call");
        let p = rt.call1(&pair, t).expect("call");
        if let Value::Tuple(items) = p {
            count = rt
                .call2(&add, count.clone(), items[1].clone())
                .expect("call");
        }
    });
    assert_eq!(count, Value::Int(calls as i64));

    // The same through `Caller::call` and its `Args` vector, as hosts called before `call1`.
    let mut count = Value::Int(0);
    let job_args = rate(calls, |i| {
        let t = rt
            .call(&get_message_type, Args::positional(vec![line(i)]))
            .expect("call");
        let p = rt.call(&pair, Args::positional(vec![t])).expect("call");
        if let Value::Tuple(items) = p {
            count = rt
                .call(
                    &add,
                    Args::positional(vec![count.clone(), items[1].clone()]),
                )
                .expect("call");
        }
    });
    assert_eq!(count, Value::Int(calls as i64));

    println!("calls per CPU second, {calls} calls each:");
    println!("  get_message_type(line)   {typed:6.1} M/s");
    println!("  lambda x: (x, 1)         {paired:6.1} M/s");
    println!("  lambda x, y: x + y       {added:6.1} M/s");
    println!("  all three per line       {job:6.1} M lines/s");
    println!("  the same through call()  {job_args:6.1} M lines/s");
}
