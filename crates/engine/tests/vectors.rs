//! Small generic cases against goldens written by real PySpark
//! (`tests/pyspark/vectors.py`): record order under 1, 2 and 3 partitions, int,
//! string and tuple keys, zero keys, empty batches, string escapes, windows
//! whose slide is not the batch interval. Records are compared in order.

use std::path::Path;

use dstream_engine::python::{int_hash, str_hash, PyHash, PyRepr};
use dstream_engine::{DStream, Duration, FilterFn, InvFn, Record, StreamingContext};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The zero time the PySpark script sets its manual clock to.
const ZERO_MS: i64 = 1_800_000_000_000;

/// A Python value of mixed type, for tuple keys like `(3, "c")`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Py {
    Int(i64),
    Str(String),
}

impl PyRepr for Py {
    fn py_repr(&self, out: &mut String) {
        match self {
            Py::Int(i) => i.py_repr(out),
            Py::Str(s) => s.py_repr(out),
        }
    }
}

impl PyHash for Py {
    fn py_hash(&self) -> i64 {
        match self {
            Py::Int(i) => int_hash(*i),
            Py::Str(s) => str_hash(s),
        }
    }
}

struct Case {
    batch_s: i64,
    parallelism: usize,
    n: u64,
    num: usize,
}

/// Runs one case: `build` makes the output stream from the context.
fn run<O: Record>(
    case: Case,
    build: impl FnOnce(&StreamingContext) -> DStream<O>,
) -> (Vec<Vec<String>>, String) {
    let ssc = StreamingContext::new(Duration::from_secs(case.batch_s)).unwrap();
    ssc.set_default_parallelism(case.parallelism).unwrap();
    ssc.checkpoint("checkpoint");
    let out = build(&ssc);
    out.pprint(case.num);
    let sink = out.collect();
    ssc.start(ZERO_MS).unwrap();
    ssc.run_batches(case.n).unwrap();
    let records = sink
        .take()
        .into_iter()
        .map(|(_, r)| r.iter().map(|x| x.str_string()).collect())
        .collect();
    (records, ssc.take_console())
}

fn c(batch_s: i64, parallelism: usize, n: u64) -> Case {
    Case {
        batch_s,
        parallelism,
        n,
        num: 10,
    }
}

fn pairs(batches: &[&[(&str, i64)]]) -> Vec<Vec<(String, i64)>> {
    batches
        .iter()
        .map(|b| b.iter().map(|(k, v)| (k.to_string(), *v)).collect())
        .collect()
}

fn strs(batches: &[&[&str]]) -> Vec<Vec<String>> {
    batches
        .iter()
        .map(|b| b.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn add(a: &i64, b: &i64) -> i64 {
    a + b
}

fn sub_box() -> Option<InvFn<i64>> {
    Some(Box::new(|a, b| a - b))
}

fn rbkaw_input() -> Vec<Vec<(String, i64)>> {
    pairs(&[&[("a", 1)], &[("b", 1)], &[], &[], &[], &[], &[], &[]])
}

fn nonzero() -> Option<FilterFn<(String, i64)>> {
    Some(Box::new(|kv| kv.1 != 0))
}

fn secs(s: i64) -> Duration {
    Duration::from_secs(s)
}

/// Our run of the named case.
fn ours(name: &str) -> (Vec<Vec<String>>, String) {
    match name {
        "count_empty_batches" => run(c(1, 2, 5), |ssc| {
            ssc.queue_stream(vec![vec![1i64, 2], vec![], vec![3]])
                .count()
        }),
        "count_by_window_empty" => run(c(1, 1, 6), |ssc| {
            let input: Vec<Vec<i64>> = vec![vec![1], vec![1], vec![1, 2], vec![0], vec![], vec![]];
            ssc.queue_stream(input)
                .count_by_window(secs(2), secs(1))
                .unwrap()
        }),
        "rbkaw_subtract_zero" => run(c(1, 1, 8), |ssc| {
            ssc.queue_stream(rbkaw_input())
                .reduce_by_key_and_window(add, sub_box(), secs(5), secs(1), None, None)
                .unwrap()
        }),
        "rbkaw_subtract_filter" => run(c(1, 1, 8), |ssc| {
            ssc.queue_stream(rbkaw_input())
                .reduce_by_key_and_window(add, sub_box(), secs(5), secs(1), None, nonzero())
                .unwrap()
        }),
        "rbkaw_naive_filter_ignored" => run(c(1, 1, 8), |ssc| {
            ssc.queue_stream(rbkaw_input())
                .reduce_by_key_and_window(add, None, secs(5), secs(1), None, nonzero())
                .unwrap()
        }),
        "order_strings_p2" | "order_strings_p3" => {
            let p = if name.ends_with("p2") { 2 } else { 3 };
            run(c(1, p, 1), |ssc| {
                let b = pairs(&[&[
                    ("info", 1),
                    ("error", 1),
                    ("notice", 1),
                    ("x", 1),
                    ("unknown", 1),
                    ("a", 1),
                    ("error", 1),
                ]]);
                ssc.queue_stream(b).reduce_by_key(add, None)
            })
        }
        "order_ints_p2" => run(c(1, 2, 1), |ssc| {
            let b: Vec<Vec<(i64, i64)>> = vec![vec![
                (5, 1),
                (2, 1),
                (3, 1),
                (4, 1),
                (1, 1),
                (2, 1),
                (-7, 1),
            ]];
            ssc.queue_stream(b).reduce_by_key(add, None)
        }),
        "order_tuples_p2" => run(c(1, 2, 1), |ssc| {
            let k = |a: Py, b: Py| ((a, b), 1i64);
            let b = vec![vec![
                k(Py::Str("a".into()), Py::Int(1)),
                k(Py::Str("b".into()), Py::Int(2)),
                k(Py::Str("a".into()), Py::Int(1)),
                k(Py::Int(3), Py::Str("c".into())),
            ]];
            ssc.queue_stream(b).reduce_by_key(add, None)
        }),
        "state_drop_none" => run(c(1, 2, 5), |ssc| {
            let b = pairs(&[&[("k", 1), ("j", 1)], &[("k", 1)], &[], &[("j", 5)]]);
            ssc.queue_stream(b).update_state_by_key(
                |vs: &[i64], st: Option<&i64>| {
                    let total = vs.iter().sum::<i64>() + st.copied().unwrap_or(0);
                    (total <= 2).then_some(total)
                },
                None,
                None,
            )
        }),
        "state_order_new_keys" => run(c(1, 2, 4), |ssc| {
            let b = pairs(&[
                &[("notice", 1)],
                &[("info", 1), ("error", 1)],
                &[("unknown", 1), ("notice", 1)],
            ]);
            ssc.queue_stream(b)
                .reduce_by_key(add, None)
                .update_state_by_key(
                    |vs: &[i64], st: Option<&i64>| {
                        Some(vs.iter().sum::<i64>() + st.copied().unwrap_or(0))
                    },
                    None,
                    None,
                )
        }),
        "pprint_strings" => run(c(1, 2, 1), |ssc| {
            ssc.queue_stream(strs(&[&[
                "plain",
                "it's",
                "say \"hi\"",
                "tab\there",
                "é日😀",
                "both ' and \"",
                "",
            ]]))
        }),
        "pprint_num3" => run(
            Case {
                num: 3,
                ..c(1, 1, 1)
            },
            |ssc| ssc.queue_stream(vec![vec![1i64, 2, 3, 4, 5]]),
        ),
        "union_order" => run(c(1, 2, 2), |ssc| {
            let a = ssc.queue_stream(vec![vec![1i64, 2], vec![3]]);
            let b = ssc.queue_stream(vec![vec![10i64], vec![20, 30]]);
            a.union(&b).unwrap()
        }),
        "window_30_20" => run(c(10, 2, 6), |ssc| {
            ssc.queue_stream(pairs(&[
                &[("a", 1)],
                &[("b", 1)],
                &[("a", 1)],
                &[("c", 1)],
                &[("a", 1)],
                &[],
            ]))
            .reduce_by_key_and_window(add, sub_box(), secs(30), secs(20), None, None)
            .unwrap()
        }),
        "window_plain_60_10_inverse_order" => run(c(10, 2, 9), |ssc| {
            let b = pairs(&[
                &[("x", 1), ("info", 1)],
                &[("error", 1)],
                &[("notice", 1), ("x", 1)],
                &[],
                &[("unknown", 1)],
                &[],
                &[("a", 1)],
                &[],
                &[],
            ]);
            ssc.queue_stream(b)
                .reduce_by_key_and_window(add, sub_box(), secs(60), secs(10), None, None)
                .unwrap()
        }),
        "count_by_value_and_window_p2" => run(c(1, 2, 8), |ssc| {
            ssc.queue_stream(strs(&[
                &["a"],
                &["b", "b"],
                &["a", "b"],
                &[],
                &[],
                &[],
                &[],
                &[],
            ]))
            .count_by_value_and_window(secs(5), secs(1), None)
            .unwrap()
        }),
        other => panic!("no Rust side for PySpark vector {other}"),
    }
}

#[test]
fn every_pyspark_vector_matches() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "only {} vectors", names.len());
    let mut failures = Vec::new();
    for path in names {
        let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = golden["name"].as_str().unwrap().to_string();
        let expected: Vec<Vec<String>> = serde_json::from_value(golden["records"].clone()).unwrap();
        let (records, console) = ours(&name);
        if records != expected {
            failures.push(format!(
                "{name}: records\n  pyspark {expected:?}\n  ours    {records:?}"
            ));
        }
        if golden["pprint"].as_str() != Some(console.as_str()) {
            failures.push(format!(
                "{name}: pprint\n--- pyspark\n{}\n--- ours\n{console}",
                golden["pprint"].as_str().unwrap_or("")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
