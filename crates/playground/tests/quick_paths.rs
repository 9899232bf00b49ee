//! The fast paths a program's streams take when its functions have quick
//! forms (`lambda x: (x, 1)` kept as two items into `reduceByKey`,
//! `get_message_type`'s one-pass chain, int reducers) give exactly what the
//! general path gives: each program runs twice, once as written and once
//! with its functions rewritten into shapes the quick forms do not accept
//! (`(x, 1) if True else None`, a statement before the chain), on the same
//! generated lines; the batches' text, failures and per-node counts of the
//! teaching views must be equal.

use dstream_notebook::generator::LogGenerator;
use dstream_playground::{BatchResult, Input, Job, JobConfig};

/// Lines for three batches: the notebook's generated log with lines that
/// test the searches at their edges.
fn batches() -> Vec<Vec<String>> {
    let mut g = LogGenerator::new(42);
    let tricky = [
        "[notice] x [info]",
        "[[info]",
        "[error][notice]",
        "[inf",
        "",
        "日本 [error]",
        "[noticed] [error]",
    ];
    (0..3)
        .map(|b| {
            let mut lines: Vec<String> = (0..500).map(|_| g.next_line()).collect();
            if b != 1 {
                lines.extend(tricky.iter().map(|l| l.to_string()));
            }
            lines
        })
        .collect()
}

/// Every batch's result of `source` on [`batches`], as the page runs it.
fn run(source: &str) -> Vec<BatchResult> {
    let config = JobConfig {
        start_ms: 0,
        parallelism: 2,
        input: Input::Live,
    };
    let mut job = Job::from_source(config, source, "job.py");
    assert!(job.failed().is_none(), "{:?}", job.failed());
    batches()
        .iter()
        .map(|lines| {
            job.push_lines(lines);
            job.run_batch()
        })
        .collect()
}

/// `source` with its functions in shapes no quick form takes: the same
/// lines (the tracebacks' line numbers stay), the same values.
fn general(source: &str) -> String {
    let out = source
        .replace("lambda x: (x, 1)", "lambda x: (x, 1) if True else None")
        .replace("lambda l: ([l], 1)", "lambda l: ([l], 1) if True else None")
        .replace("lambda x, y: x + y", "lambda x, y: x + y if True else None")
        .replace(
            "    if \"[info]\" in line:",
            "    line = line; z = 0\n    if \"[info]\" in line:",
        );
    assert_ne!(out, source, "the rewrite changed nothing");
    out
}

/// `source` and its [`general`] twin give the same batches.
fn assert_same_as_general(source: &str) {
    let (fast, slow) = (run(source), run(&general(source)));
    assert!(fast.iter().any(|b| !b.text.is_empty()), "printed nothing");
    for (i, (f, s)) in fast.iter().zip(&slow).enumerate() {
        assert_eq!(f.text, s.text, "batch {}", i + 1);
        assert_eq!(f.failure, s.failure, "batch {}", i + 1);
        assert_eq!(f.nodes, s.nodes, "batch {}", i + 1);
    }
}

fn notebook(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs")
        .join(format!("{name}.py"));
    std::fs::read_to_string(path).expect("the notebook program")
}

#[test]
fn the_notebook_programs_give_the_same_batches_and_counts_as_the_general_calls() {
    for name in [
        "notebook_stateless",
        "notebook_cumulative",
        "notebook_window",
    ] {
        assert_same_as_general(&notebook(name));
    }
}

/// A program with `body` after the usual header.
fn program(body: &str) -> String {
    format!(
        "from pyspark.streaming import StreamingContext\n\
         ssc = StreamingContext(spark.sparkContext, 10)\n\
         lines = ssc.socketTextStream(\"127.0.0.1\", 9999)\n\
         {body}\n\
         ssc.start()\n\
         ssc.awaitTermination()\n"
    )
    .replace(
        "from pyspark.streaming",
        "from pyspark.sql import SparkSession\n\
         spark = SparkSession.builder.getOrCreate()\n\
         from pyspark.streaming",
    )
}

#[test]
fn a_pair_stream_read_twice_prints_tuples_and_counts_once() {
    let source = program(
        "pairs = lines.map(lambda x: (x, 1))\n\
         pairs.pprint(3)\n\
         pairs.reduceByKey(lambda x, y: x + y).pprint()\n\
         pairs.count().pprint()",
    );
    assert_same_as_general(&source);
    let first = &run(&source)[0];
    assert!(first.text.contains("\n('"), "{}", first.text);
}

#[test]
fn an_unhashable_key_fails_at_the_shuffle_as_the_general_path_fails() {
    let source = program(
        "pairs = lines.map(lambda l: ([l], 1))\n\
         pairs.pprint(2)\n\
         pairs.reduceByKey(lambda x, y: x + y).pprint()",
    );
    assert_same_as_general(&source);
    let first = &run(&source)[0];
    let failure = first.failure.as_ref().expect("the shuffle fails");
    assert_eq!(
        failure.error.to_string(),
        "TypeError: unhashable type: 'list'"
    );
    // The map's own output printed before the shuffle failed.
    assert!(first.text.contains("(['"), "{}", first.text);
}

#[test]
fn a_batch_that_fails_mid_stream_counts_as_the_general_path_counts() {
    // The reducer raises on the second value of a key: later records of
    // the pair map are not computed, and not counted.
    let source = program(
        "pairs = lines.map(lambda x: (x, 1))\n\
         pairs.reduceByKey(lambda x, y: x // 0).pprint()",
    );
    let general_source = source.replace("lambda x: (x, 1)", "lambda x: (x, 1) if True else None");
    let (fast, slow) = (run(&source), run(&general_source));
    assert!(fast[0].failure.is_some());
    for (f, s) in fast.iter().zip(&slow) {
        assert_eq!(
            (&f.text, &f.failure, &f.nodes),
            (&s.text, &s.failure, &s.nodes)
        );
    }
}

#[test]
fn a_keyed_read_making_the_pairs_itself_counts_and_fails_as_the_general_path() {
    for body in [
        // The map's own stream asked for after the keyed read, before it, or
        // by a reader nothing prints (made, never computed).
        "pairs = lines.map(lambda x: (x, 1))\n\
         pairs.reduceByKey(lambda x, y: x + y).pprint()\n\
         pairs.pprint(3)",
        "pairs = lines.map(lambda x: (x, 1))\n\
         unused = pairs.map(lambda kv: kv[0])\n\
         pairs.reduceByKey(lambda x, y: x + y).pprint()",
        // Windows: the map read by the window's reduce and by a count.
        "ssc.checkpoint(\"checkpoint\")\n\
         pairs = lines.map(lambda x: (x, 1))\n\
         pairs.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 20, 10).pprint()\n\
         pairs.countByWindow(20, 10).pprint()",
        // A pair map over a shuffle's partitions (their ends carried through).
        "keys = lines.map(lambda x: (x, 1)).reduceByKey(lambda x, y: x + y).map(lambda kv: kv[0][:3])\n\
         keys.map(lambda x: (x, 1)).reduceByKey(lambda x, y: x + y).pprint()",
        // A failed record of the source fails the keyed read.
        "lines.count().pprint()\n\
         bad = lines.map(lambda l: 1 // 0 if \"[crit]\" in l else l)\n\
         bad.map(lambda x: (x, 1)).reduceByKey(lambda x, y: x + y).pprint()",
    ] {
        let source = program(body);
        assert_same_as_general(&source);
        if body.contains("1 // 0") {
            let failure = run(&source)[0].failure.clone().expect("a [crit] line fails");
            assert!(failure.error.to_string().starts_with("ZeroDivisionError"));
        }
    }
}
