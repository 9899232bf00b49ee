//! Small generic cases against goldens written by real PySpark
//! (`tests/pyspark/vectors.py`): record order under 1, 2 and 3 partitions, int,
//! string and tuple keys, zero keys, empty batches, string escapes, windows
//! whose slide is not the batch interval. Records are compared in order.

use std::path::Path;

use dstream_engine::python::{int_hash, str_hash, PyHash, PyRepr};
use dstream_engine::{DStream, Duration, FilterFn, InvFn, QueueOptions, Record, StreamingContext};
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

/// Registers the PySpark script's marker: a `foreachRDD` on the input,
/// registered after every other output.
type Marker = Box<dyn FnOnce()>;

/// A case's output stream and the marker for its (first) input.
type Built<O> = (DStream<O>, Marker);

/// `output` built on `input`, with the marker for `input`.
fn on<T: Record, O: Record>(
    input: DStream<T>,
    output: impl FnOnce(&DStream<T>) -> DStream<O>,
) -> Built<O> {
    let out = output(&input);
    (out, Box::new(move || input.read_every_batch()))
}

/// Runs one case: `build` makes the output stream from the context. As in the
/// script, the marker reads the input at every batch unless the golden says
/// it did not (`read_input_every_batch: false`; then it was on a queue of its
/// own, which changes nothing here).
fn run<O: Record>(
    case: Case,
    read_input: bool,
    build: impl FnOnce(&StreamingContext) -> Built<O>,
) -> (Vec<Vec<String>>, String) {
    let ssc = StreamingContext::new(Duration::from_secs(case.batch_s)).unwrap();
    ssc.set_default_parallelism(case.parallelism).unwrap();
    ssc.checkpoint("checkpoint");
    let (out, marker) = build(&ssc);
    out.pprint(case.num);
    let sink = out.collect();
    if read_input {
        marker();
    }
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

fn six() -> Vec<Vec<i64>> {
    (0..6).map(|i| vec![i]).collect()
}

fn queue_options(one_at_a_time: bool, default: Option<Vec<i64>>) -> QueueOptions<i64> {
    QueueOptions {
        one_at_a_time,
        default,
    }
}

/// Our run of the named case; `r`: whether the script's marker read the input.
fn ours(name: &str, r: bool) -> (Vec<Vec<String>>, String) {
    match name {
        "count_empty_batches" => run(c(1, 2, 5), r, |ssc| {
            on(
                ssc.queue_stream(vec![vec![1i64, 2], vec![], vec![3]]),
                |s| s.count(),
            )
        }),
        "count_by_window_empty" => run(c(1, 1, 6), r, |ssc| {
            let input: Vec<Vec<i64>> = vec![vec![1], vec![1], vec![1, 2], vec![0], vec![], vec![]];
            on(ssc.queue_stream(input), |s| {
                s.count_by_window(secs(2), secs(1)).unwrap()
            })
        }),
        "rbkaw_subtract_zero" => run(c(1, 1, 8), r, |ssc| {
            on(ssc.queue_stream(rbkaw_input()), |s| {
                s.reduce_by_key_and_window(add, sub_box(), secs(5), secs(1), None, None)
                    .unwrap()
            })
        }),
        "rbkaw_subtract_filter" => run(c(1, 1, 8), r, |ssc| {
            on(ssc.queue_stream(rbkaw_input()), |s| {
                s.reduce_by_key_and_window(add, sub_box(), secs(5), secs(1), None, nonzero())
                    .unwrap()
            })
        }),
        "rbkaw_naive_filter_ignored" => run(c(1, 1, 8), r, |ssc| {
            on(ssc.queue_stream(rbkaw_input()), |s| {
                s.reduce_by_key_and_window(add, None, secs(5), secs(1), None, nonzero())
                    .unwrap()
            })
        }),
        "order_strings_p2" | "order_strings_p3" => {
            let p = if name.ends_with("p2") { 2 } else { 3 };
            run(c(1, p, 1), r, |ssc| {
                let b = pairs(&[&[
                    ("info", 1),
                    ("error", 1),
                    ("notice", 1),
                    ("x", 1),
                    ("unknown", 1),
                    ("a", 1),
                    ("error", 1),
                ]]);
                on(ssc.queue_stream(b), |s| s.reduce_by_key(add, None))
            })
        }
        "order_ints_p2" => run(c(1, 2, 1), r, |ssc| {
            let b: Vec<Vec<(i64, i64)>> = vec![vec![
                (5, 1),
                (2, 1),
                (3, 1),
                (4, 1),
                (1, 1),
                (2, 1),
                (-7, 1),
            ]];
            on(ssc.queue_stream(b), |s| s.reduce_by_key(add, None))
        }),
        "order_tuples_p2" => run(c(1, 2, 1), r, |ssc| {
            let k = |a: Py, b: Py| ((a, b), 1i64);
            let b = vec![vec![
                k(Py::Str("a".into()), Py::Int(1)),
                k(Py::Str("b".into()), Py::Int(2)),
                k(Py::Str("a".into()), Py::Int(1)),
                k(Py::Int(3), Py::Str("c".into())),
            ]];
            on(ssc.queue_stream(b), |s| s.reduce_by_key(add, None))
        }),
        "state_drop_none" => run(c(1, 2, 5), r, |ssc| {
            let b = pairs(&[&[("k", 1), ("j", 1)], &[("k", 1)], &[], &[("j", 5)]]);
            on(ssc.queue_stream(b), |s| {
                s.update_state_by_key(
                    |vs: &[i64], st: Option<&i64>| {
                        let total = vs.iter().sum::<i64>() + st.copied().unwrap_or(0);
                        (total <= 2).then_some(total)
                    },
                    None,
                    None,
                )
            })
        }),
        "state_order_new_keys" => run(c(1, 2, 4), r, |ssc| {
            let b = pairs(&[
                &[("notice", 1)],
                &[("info", 1), ("error", 1)],
                &[("unknown", 1), ("notice", 1)],
            ]);
            on(ssc.queue_stream(b), |s| {
                s.reduce_by_key(add, None)
                    .update_state_by_key(sum_state, None, None)
            })
        }),
        "pprint_strings" => run(c(1, 2, 1), r, |ssc| {
            let b = strs(&[&[
                "plain",
                "it's",
                "say \"hi\"",
                "tab\there",
                "é日😀",
                "both ' and \"",
                "",
            ]]);
            on(ssc.queue_stream(b), |s| s.clone())
        }),
        "pprint_num3" => run(
            Case {
                num: 3,
                ..c(1, 1, 1)
            },
            r,
            |ssc| {
                on(ssc.queue_stream(vec![vec![1i64, 2, 3, 4, 5]]), |s| {
                    s.clone()
                })
            },
        ),
        "union_order" => run(c(1, 2, 2), r, |ssc| {
            let a = ssc.queue_stream(vec![vec![1i64, 2], vec![3]]);
            let b = ssc.queue_stream(vec![vec![10i64], vec![20, 30]]);
            on(a, |a| a.union(&b).unwrap())
        }),
        "window_30_20" => run(c(10, 2, 6), r, |ssc| {
            let b = pairs(&[
                &[("a", 1)],
                &[("b", 1)],
                &[("a", 1)],
                &[("c", 1)],
                &[("a", 1)],
                &[],
            ]);
            on(ssc.queue_stream(b), |s| {
                s.reduce_by_key_and_window(add, sub_box(), secs(30), secs(20), None, None)
                    .unwrap()
            })
        }),
        "window_plain_60_10_inverse_order" => run(c(10, 2, 9), r, |ssc| {
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
            on(ssc.queue_stream(b), |s| {
                s.reduce_by_key_and_window(add, sub_box(), secs(60), secs(10), None, None)
                    .unwrap()
            })
        }),
        "count_by_value_and_window_p2" => run(c(1, 2, 8), r, |ssc| {
            let b = strs(&[&["a"], &["b", "b"], &["a", "b"], &[], &[], &[], &[], &[]]);
            on(ssc.queue_stream(b), |s| {
                s.count_by_value_and_window(secs(5), secs(1), None).unwrap()
            })
        }),
        "window_2_3_read_every_batch" | "window_2_3_lazy" => run(c(1, 1, 9), r, |ssc| {
            on(ssc.queue_stream(six()), |s| {
                s.window(secs(2), secs(3)).unwrap()
            })
        }),
        "window_1_2_then_2_3_lazy" => run(c(1, 1, 6), r, |ssc| {
            let input: Vec<Vec<i64>> = (0..8).map(|i| vec![i]).collect();
            on(ssc.queue_stream(input), |s| {
                s.window(secs(1), secs(2)).unwrap().pprint(10);
                s.window(secs(2), secs(3)).unwrap()
            })
        }),
        "rbkaw_inverse_1_2_lazy" => run(c(1, 1, 6), r, |ssc| {
            let b = pairs(&[
                &[("a", 1)],
                &[("b", 1)],
                &[("a", 1)],
                &[("c", 1)],
                &[("d", 1)],
            ]);
            on(ssc.queue_stream(b), |s| {
                s.reduce_by_key_and_window(add, sub_box(), secs(1), secs(2), None, None)
                    .unwrap()
            })
        }),
        "state_window_1_3_lazy" => run(c(1, 1, 6), r, |ssc| {
            let b = pairs(&[&[("k", 1)], &[("k", 2)], &[("k", 3)], &[("k", 4)]]);
            on(ssc.queue_stream(b), |s| {
                s.update_state_by_key(sum_state, None, None)
                    .window(secs(1), secs(3))
                    .unwrap()
            })
        }),
        "queue_all_at_once" => run(c(1, 2, 3), r, |ssc| {
            let input = vec![vec![1i64, 2], vec![3]];
            on(
                ssc.queue_stream_with(input, queue_options(false, None)),
                |s| s.clone(),
            )
        }),
        "queue_all_at_once_default" => run(c(1, 2, 3), r, |ssc| {
            let input = vec![vec![1i64, 2], vec![3]];
            let options = queue_options(false, Some(vec![9]));
            on(ssc.queue_stream_with(input, options), |s| s.clone())
        }),
        "queue_default" => run(c(1, 2, 4), r, |ssc| {
            let options = queue_options(true, Some(vec![9, 8]));
            on(
                ssc.queue_stream_with(vec![vec![1], vec![2]], options),
                |s| s.clone(),
            )
        }),
        "queue_default_no_batches" => run(c(1, 2, 3), r, |ssc| {
            let options = queue_options(true, Some(vec![9]));
            on(ssc.queue_stream_with(vec![], options), |s| s.clone())
        }),
        other => panic!("no Rust side for PySpark vector {other}"),
    }
}

/// The script's `sum(vs, st or 0)` state update.
fn sum_state(vs: &[i64], st: Option<&i64>) -> Option<i64> {
    Some(vs.iter().sum::<i64>() + st.copied().unwrap_or(0))
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
        let read_input = golden["read_input_every_batch"].as_bool().unwrap_or(true);
        let (records, console) = ours(&name, read_input);
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
