//! How a program's job behaves beyond the notebook: errors in callbacks,
//! Spark's refusals, argument errors, driver-side functions, imports.

use crate::support;

use std::rc::Rc;

use dstream_playground::{run_batches, Input, Job, JobConfig};
use dstream_python::{Host, PyError, Value};
use support::*;

fn config() -> JobConfig {
    JobConfig {
        start_ms: 0,
        parallelism: 2,
        input: Input::Live,
    }
}

/// The header every program shares: `ssc` and `lines`, with a checkpoint.
fn lines(host: &Rc<dyn Host>) -> Result<(Value, Value), PyError> {
    let ssc = streaming_context(host, int(10))?;
    call(&ssc, "checkpoint", vec![s("checkpoint")])?;
    let lines = call(&ssc, "socketTextStream", vec![s("localhost"), int(9999)])?;
    Ok((ssc, lines))
}

/// `lambda l: 1 // (l != "boom")`: ZeroDivisionError on the line "boom".
fn fails_on_boom() -> Value {
    lambda(1, |a| match &a[0] {
        Value::Str(l) if &**l == "boom" => Err(PyError::new(
            "ZeroDivisionError",
            "integer division or modulo by zero",
        )),
        other => Ok(other.clone()),
    })
}

#[test]
fn an_error_in_a_lambda_stops_the_job_at_its_batch_and_keeps_earlier_output() {
    let mut job = Job::build(config(), |host| {
        let (ssc, lines) = lines(&host)?;
        call(&lines, "pprint", vec![])?;
        let checked = call(&lines, "map", vec![fails_on_boom()])?;
        call(&checked, "pprint", vec![])?;
        start_and_wait(&ssc)
    });
    job.push_lines(["a"]);
    let first = job.run_batch();
    assert!(first.failure.is_none());
    assert_eq!(first.text.matches("Time: 1970-01-01 00:00:10").count(), 2);
    job.push_lines(["b", "boom"]);
    let second = job.run_batch();
    let failure = second.failure.expect("batch 2 fails");
    assert_eq!(failure.batch, 2);
    assert_eq!(
        failure.error.to_string(),
        "ZeroDivisionError: integer division or modulo by zero"
    );
    // The first output ran before the failing one; the failing pprint printed nothing.
    assert_eq!(
        second.text,
        "-------------------------------------------\nTime: 1970-01-01 00:00:20\n\
         -------------------------------------------\nb\nboom\n\n"
    );
    job.push_lines(["c"]);
    let third = job.run_batch();
    assert_eq!(
        (third.text.as_str(), third.failure.map(|f| f.batch)),
        ("", Some(2))
    );
    assert!(!job.running());
    assert_eq!(job.output(), format!("{}{}", first.text, second.text));
}

#[test]
fn an_error_in_a_transform_function_stops_every_output_of_its_batch() {
    let mut job = Job::build(config(), |host| {
        let (ssc, lines) = lines(&host)?;
        call(&lines, "pprint", vec![])?;
        let host_for_print = host.clone();
        let f = lambda(1, move |a| {
            host_for_print.print("transform ran\n");
            let taken = call(&a[0], "take", vec![int(5)])?;
            let Value::List(items) = &taken else {
                unreachable!()
            };
            if items
                .borrow()
                .iter()
                .any(|x| matches!(x, Value::Str(l) if &**l == "boom"))
            {
                return Err(PyError::new("KeyError", "'boom'"));
            }
            Ok(a[0].clone())
        });
        let t = call(&lines, "transform", vec![f])?;
        call(&t, "pprint", vec![])?;
        start_and_wait(&ssc)
    });
    job.push_lines(["a"]);
    let first = job.run_batch();
    // The transform runs while Spark generates the batch's jobs: its print comes first.
    assert!(
        first.text.starts_with("transform ran\n---"),
        "{}",
        first.text
    );
    assert_eq!(first.text.matches("\na\n").count(), 2);
    job.push_lines(["boom"]);
    let second = job.run_batch();
    assert_eq!(second.text, "transform ran\n");
    assert_eq!(
        second.failure.unwrap().error.to_string(),
        "KeyError: 'boom'"
    );
}

#[test]
fn stateful_streams_without_a_checkpoint_fail_at_start_with_sparks_error() {
    for inverse in [false, true] {
        let job = Job::build(config(), |host| {
            let ssc = streaming_context(&host, int(10))?;
            let lines = call(&ssc, "socketTextStream", vec![s("localhost"), int(9999)])?;
            let pairs = call(&lines, "map", vec![pair_with_one()])?;
            let state = if inverse {
                call(
                    &pairs,
                    "reduceByKeyAndWindow",
                    vec![add(), sub(), int(60), int(10)],
                )?
            } else {
                call(
                    &pairs,
                    "updateStateByKey",
                    vec![lambda(2, |a| Ok(a[1].clone()))],
                )?
            };
            call(&state, "pprint", vec![])?;
            start_and_wait(&ssc)
        });
        let failure = job.failed().expect("start() refuses");
        assert_eq!(failure.batch, 0);
        assert_eq!(
            failure.error.to_string(),
            "IllegalArgumentException: requirement failed: The checkpoint directory has not \
             been set. Please set it by StreamingContext.checkpoint()."
        );
    }
}

#[test]
fn windows_must_be_multiples_of_the_batch_interval() {
    let (_, failure) = run_batches(
        config(),
        |host| {
            let (ssc, lines) = lines(&host)?;
            let w = call(&lines, "window", vec![Value::Float(15.0)])?;
            call(&w, "pprint", vec![])?;
            start_and_wait(&ssc)
        },
        &[],
        0,
    );
    assert_eq!(
        failure.unwrap().error.to_string(),
        "ValueError: windowDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
    );
}

#[test]
fn missing_arguments_raise_pythons_type_error() {
    let (_, failure) = run_batches(
        config(),
        |host| {
            let (_, lines) = lines(&host)?;
            let pairs = call(&lines, "map", vec![pair_with_one()])?;
            call_kw(
                &attr(&pairs, "reduceByKeyAndWindow")?,
                vec![add()],
                &[("invFunc", sub())],
            )?;
            Ok(())
        },
        &[],
        0,
    );
    assert_eq!(
        failure.unwrap().error.to_string(),
        "TypeError: DStream.reduceByKeyAndWindow() missing 1 required positional argument: 'windowDuration'"
    );
}

#[test]
fn list_keys_fail_the_batch_as_unhashable() {
    let (stdout, failure) = run_batches(
        config(),
        |host| {
            let (ssc, lines) = lines(&host)?;
            let keyed = call(
                &lines,
                "map",
                vec![lambda(1, |a| {
                    Ok(Value::tuple(vec![Value::list(vec![a[0].clone()]), int(1)]))
                })],
            )?;
            call(&call(&keyed, "reduceByKey", vec![add()])?, "pprint", vec![])?;
            start_and_wait(&ssc)
        },
        &[vec!["x".to_string()]],
        0,
    );
    assert_eq!(stdout, "");
    let failure = failure.unwrap();
    assert_eq!(
        (failure.batch, failure.error.to_string().as_str()),
        (1, "TypeError: unhashable type: 'list'")
    );
}

#[test]
fn sort_by_in_transform_is_a_stable_sort_and_foreach_rdd_sees_the_batch_time() {
    let batch: Vec<String> = ["b 2", "a 1", "c 2", "d 1", "e 3"]
        .map(String::from)
        .to_vec();
    let (stdout, failure) = run_batches(
        config(),
        |host| {
            let (ssc, lines) = lines(&host)?;
            // Key: the number after the space; descending, equal keys in arrival order.
            let by_count = lambda(1, |a| {
                let Value::Str(l) = &a[0] else { unreachable!() };
                Ok(int(l[2..].parse().unwrap()))
            });
            let sort = lambda(1, move |a| {
                call_kw(
                    &attr(&a[0], "sortBy")?,
                    vec![by_count.clone()],
                    &[("ascending", Value::Bool(false))],
                )
            });
            let top = call(&lines, "transform", vec![sort])?;
            call(&top, "pprint", vec![int(3)])?;
            let printer = host.clone();
            let show = lambda(2, move |a| {
                let first = call(&a[1], "take", vec![int(1)])?;
                printer.print(&format!(
                    "{} {first:?}\n",
                    dstream_engine::python::PyRepr::str_string(&a[0])
                ));
                Ok(Value::None)
            });
            call(&lines, "foreachRDD", vec![show])?;
            start_and_wait(&ssc)
        },
        &[batch],
        0,
    );
    assert!(failure.is_none(), "{failure:?}");
    assert_eq!(
        stdout,
        "-------------------------------------------\nTime: 1970-01-01 00:00:10\n\
         -------------------------------------------\ne 3\nb 2\nc 2\n...\n\n\
         1970-01-01 00:00:10 ['b 2']\n"
    );
}

#[test]
fn group_by_key_prints_result_iterables_and_their_values() {
    let (stdout, failure) = run_batches(
        config(),
        |host| {
            let (ssc, lines) = lines(&host)?;
            let pairs = call(&lines, "map", vec![pair_with_one()])?;
            let grouped = call(&pairs, "groupByKey", vec![])?;
            call(&grouped, "pprint", vec![])?;
            // `mapValues(list)`: the interpreter's `list` iterates the ResultIterable.
            let list = lambda(1, |a| {
                Ok(Value::list(dstream_python::iterate::iterate(&a[0])?))
            });
            call(&call(&grouped, "mapValues", vec![list])?, "pprint", vec![])?;
            start_and_wait(&ssc)
        },
        &[["info", "error", "info"].map(String::from).to_vec()],
        0,
    );
    assert!(failure.is_none(), "{failure:?}");
    // With two partitions 'error' hashes to 0 and 'info' to 1.
    assert!(stdout
        .contains("('error', <pyspark.resultiterable.ResultIterable object at 0x7f0000000000>)\n"));
    assert!(
        stdout.ends_with("('error', [1])\n('info', [1, 1])\n\n"),
        "{stdout}"
    );
}

#[test]
fn count_prints_nothing_for_an_idle_live_batch_and_zero_for_a_drained_queue() {
    let program = |host: Rc<dyn Host>| {
        let (ssc, lines) = lines(&host)?;
        call(&call(&lines, "count", vec![])?, "pprint", vec![])?;
        start_and_wait(&ssc)
    };
    let mut live = Job::build(config(), program);
    // The block is only its header and the closing blank line.
    assert_eq!(live.run_batch().text.lines().nth(3), Some(""));
    let (queued, _) = run_batches(config(), program, &[], 1);
    assert_eq!(queued.lines().nth(3), Some("0"));
}

#[test]
fn imports_outside_pyspark_fail_as_python_says() {
    let job = Job::build(config(), |host| {
        host.import("numpy")?;
        Ok(())
    });
    assert_eq!(
        job.failed().unwrap().error.to_string(),
        "ModuleNotFoundError: No module named 'numpy'"
    );
    let job = Job::build(config(), |host| {
        host.import("pyspark.sql.window")?;
        Ok(())
    });
    assert_eq!(
        job.failed().unwrap().error.to_string(),
        "NotImplementedError: not supported in the lab: module 'pyspark.sql.window'"
    );
}

#[test]
fn top_level_prints_come_first_and_code_after_await_termination_never_runs() {
    let mut job = Job::build(config(), |host| {
        host.print("building\n");
        let (ssc, lines) = lines(&host)?;
        call(&lines, "pprint", vec![])?;
        start_and_wait(&ssc)?;
        host.print("never\n");
        Ok(())
    });
    job.push_lines(["x"]);
    job.run_batch();
    assert!(job.output().starts_with("building\n---"));
    assert!(!job.output().contains("never"));
}

#[test]
fn prints_in_executor_functions_go_to_the_worker_log() {
    let mut job = Job::build(config(), |host| {
        let (ssc, lines) = lines(&host)?;
        let printer = host.clone();
        let noisy = lambda(1, move |a| {
            printer.print("seen\n");
            Ok(a[0].clone())
        });
        call(&call(&lines, "map", vec![noisy])?, "pprint", vec![])?;
        start_and_wait(&ssc)
    });
    job.push_lines(["x", "y"]);
    let result = job.run_batch();
    assert!(!result.text.contains("seen"));
    assert_eq!(job.worker_output(), "seen\nseen\n");
}

#[test]
fn describe_lists_the_graph_the_program_built() {
    let job = Job::build(config(), |host| {
        let (ssc, lines) = lines(&host)?;
        let pairs = call(&lines, "map", vec![pair_with_one()])?;
        let counts = call(&pairs, "reduceByKey", vec![add()])?;
        let both = call(&counts, "union", vec![pairs])?;
        call(&both, "pprint", vec![])?;
        start_and_wait(&ssc)
    });
    let nodes: Vec<(String, Vec<usize>)> = job
        .describe()
        .into_iter()
        .map(|n| (n.op, n.parents))
        .collect();
    let expected: Vec<(String, Vec<usize>)> = vec![
        ("socketTextStream".into(), vec![]),
        ("map".into(), vec![0]),
        ("reduceByKey".into(), vec![1]),
        ("union".into(), vec![2, 1]),
        ("pprint".into(), vec![3]),
    ];
    assert_eq!(nodes, expected);
}

#[test]
fn queued_batches_stay_at_their_batch_when_a_window_skips_times() {
    // window(10, 20) over 10 s batches never asks for the odd batches. The
    // program oracle's marker reads the queue at every batch, so the window
    // at 00:00:20 holds batch 2's lines and at 00:00:40 batch 4's.
    let batches: Vec<Vec<String>> = ["one", "two", "three", "four"]
        .map(|l| vec![l.to_string()])
        .to_vec();
    let (stdout, failure) = run_batches(
        config(),
        |host| {
            let (ssc, lines) = lines(&host)?;
            let window = call(&lines, "window", vec![int(10), int(20)])?;
            call(&window, "pprint", vec![])?;
            start_and_wait(&ssc)
        },
        &batches,
        0,
    );
    assert!(failure.is_none(), "{failure:?}");
    let shown: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('-') && !l.starts_with("Time"))
        .collect();
    assert_eq!(shown, ["two", "four"], "{stdout}");
}
