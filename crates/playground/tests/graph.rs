//! The graph a program builds (`Job::describe`: each node's op, line and
//! parameters) and what each node did per batch (`BatchResult::nodes`), on
//! the programs of `tests/programs` run over their inputs, checked against
//! the programs' text and what the programs printed.

use std::collections::BTreeMap;

use dstream_playground::{BatchResult, Input, Job, JobConfig, NodeKind, StreamNode};

use crate::manifest;
use manifest::{manifest, program};

/// A program run over its manifest input: its source, the job, the batches'
/// lines and each batch's result.
struct Run {
    source: String,
    job: Job,
    batches: Vec<Vec<String>>,
    results: Vec<BatchResult>,
}

fn run(name: &str) -> Run {
    let (source, input) = program(name);
    let config = JobConfig {
        start_ms: input.start_ms,
        parallelism: input.parallelism,
        input: Input::Queue(input.batches.clone()),
    };
    let mut job = Job::from_source(config, &source, &format!("{name}.py"));
    let mut results = Vec::new();
    if job.failed().is_none() {
        for _ in 0..input.batches.len() {
            let r = job.run_batch();
            let failed = r.failure.is_some();
            results.push(r);
            if failed {
                break;
            }
        }
    }
    Run {
        source,
        job,
        batches: input.batches,
        results,
    }
}

/// The 1-based number of the first line of `source` containing `text`.
fn line_of(source: &str, text: &str) -> u32 {
    let i = source
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line contains {text}"));
    i as u32 + 1
}

/// The node made by `op` (the first one).
fn node<'a>(nodes: &'a [StreamNode], op: &str) -> &'a StreamNode {
    nodes.iter().find(|n| n.op == op).unwrap()
}

/// The records of each `pprint` block of `text`, by block.
fn printed_blocks(text: &str) -> Vec<Vec<String>> {
    text.split("-------------------------------------------\nTime: ")
        .skip(1)
        .map(|block| {
            block
                .lines()
                .skip(2)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn every_node_of_every_program_carries_the_line_of_the_call_that_made_it() {
    let mut checked = 0;
    for (name, _) in manifest() {
        let r = run(&name);
        for n in r.job.describe() {
            let line = n
                .line
                .unwrap_or_else(|| panic!("{name}: {} has no line", n.op));
            let text = r.source.lines().nth(line as usize - 1).unwrap();
            assert!(
                text.contains(&format!(".{}(", n.op)),
                "{name}: {} says line {line}, which reads {text:?}",
                n.op
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} nodes");
}

#[test]
fn the_word_count_graph_names_its_lines_parents_and_kinds() {
    let r = run("network_word_count");
    let nodes = r.job.describe();
    let ops: Vec<&str> = nodes.iter().map(|n| n.op.as_str()).collect();
    assert_eq!(
        ops,
        [
            "socketTextStream",
            "flatMap",
            "map",
            "reduceByKey",
            "pprint"
        ]
    );
    for (n, call) in nodes.iter().zip([
        "ssc.socketTextStream(",
        ".flatMap(",
        "words.map(",
        ".reduceByKey(",
        ".pprint(",
    ]) {
        assert_eq!(n.line, Some(line_of(&r.source, call)), "{}", n.op);
        assert_eq!(n.slide_ms, 10_000);
    }
    assert_eq!(nodes[0].kind, NodeKind::Input);
    assert_eq!(nodes[3].kind, NodeKind::Transform);
    assert_eq!(nodes[3].parents, vec![2]);
    assert_eq!(nodes[4].kind, NodeKind::Pprint { num: 10 });
    assert!(nodes[4].kind.is_output());
}

#[test]
fn a_call_over_several_lines_is_at_its_first_line_and_windows_keep_their_durations() {
    let r = run("notebook_window");
    let nodes = r.job.describe();
    let window = node(&nodes, "reduceByKeyAndWindow");
    assert_eq!(
        window.line,
        Some(line_of(&r.source, ".reduceByKeyAndWindow("))
    );
    assert_eq!(
        window.kind,
        NodeKind::Window {
            window_ms: 20_000,
            slide_ms: 10_000
        }
    );
    let r = run("window_and_count");
    let nodes = r.job.describe();
    assert_eq!(node(&nodes, "pprint").kind, NodeKind::Pprint { num: 2 });
    assert!(matches!(
        node(&nodes, "countByWindow").kind,
        NodeKind::Window {
            window_ms: 20_000,
            ..
        }
    ));
    let r = run("notebook_cumulative");
    assert_eq!(
        node(&r.job.describe(), "updateStateByKey").kind,
        NodeKind::State
    );
}

#[test]
fn each_batch_counts_the_lines_read_and_the_records_each_node_made() {
    let r = run("network_word_count");
    assert_eq!(r.results.len(), r.batches.len());
    for (k, (result, lines)) in r.results.iter().zip(&r.batches).enumerate() {
        let records: Vec<Option<u64>> = result.nodes.iter().map(|n| n.records).collect();
        let words: usize = lines.iter().map(|l| l.split(' ').count()).sum();
        let printed = printed_blocks(&result.text)[0].len();
        // pprint shows 10 records at most, and "..." for more.
        let keys = if printed > 10 {
            None
        } else {
            Some(printed as u64)
        };
        assert_eq!(records[0], Some(lines.len() as u64), "batch {k}: lines");
        assert_eq!(records[1], Some(words as u64), "batch {k}: flatMap");
        assert_eq!(records[2], Some(words as u64), "batch {k}: map");
        if let Some(keys) = keys {
            assert_eq!(records[3], Some(keys), "batch {k}: reduceByKey");
        }
        assert_eq!(records[4], None, "an output makes no records");
        assert!(result.time_ms.is_some());
    }
}

#[test]
fn update_calls_are_the_state_printed_before_and_after_each_batch() {
    let r = run("notebook_cumulative");
    let id = node(&r.job.describe(), "updateStateByKey").id;
    let mut state: BTreeMap<String, String> = BTreeMap::new();
    let mut calls_seen = 0;
    for result in &r.results {
        let calls = &result.nodes[id].updates;
        let printed: BTreeMap<String, String> = printed_blocks(&result.text)[0]
            .iter()
            .map(|l| {
                let (k, v) = l
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .split_once(", ")
                    .unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        let after: BTreeMap<String, String> = calls
            .iter()
            .map(|c| (c.key.clone().unwrap(), c.result.clone().unwrap()))
            .collect();
        assert_eq!(after, printed, "the calls' results are the printed state");
        for c in calls {
            let key = c.key.as_ref().unwrap();
            assert_eq!(
                c.previous.as_ref(),
                state.get(key),
                "{key}'s previous state"
            );
            let sum: i64 = c.values.iter().map(|v| v.parse::<i64>().unwrap()).sum();
            let before: i64 = c.previous.as_deref().unwrap_or("0").parse().unwrap();
            assert_eq!(
                c.result.as_deref(),
                Some((before + sum).to_string().as_str())
            );
        }
        calls_seen += calls.len();
        state = printed;
    }
    assert!(calls_seen > 5);
}

#[test]
fn a_key_the_function_drops_is_named_by_the_state_it_had() {
    let r = run("state_drop_keys");
    let id = node(&r.job.describe(), "updateStateByKey").id;
    let mut dropped = 0;
    let mut before: Vec<String> = Vec::new();
    for result in &r.results {
        let printed = printed_blocks(&result.text)[0].clone();
        for c in &result.nodes[id].updates {
            if c.result.is_none() {
                let key = c.key.as_ref().expect("a dropped key had a state");
                assert!(before.iter().any(|l| l.starts_with(&format!("({key}, "))));
                assert!(!printed.iter().any(|l| l.starts_with(&format!("({key}, "))));
                assert!(c.values.is_empty());
                dropped += 1;
            }
        }
        before = printed;
    }
    assert!(dropped > 0);
}

#[test]
fn windows_cover_their_batches_and_count_their_records() {
    let r = run("window_and_count");
    let nodes = r.job.describe();
    let window = node(&nodes, "window").id;
    let interval = 10_000;
    for (k, result) in r.results.iter().enumerate() {
        let t = result.time_ms.unwrap();
        let cover = result.nodes[window].window.as_ref().unwrap();
        assert_eq!(cover.time_ms, t);
        let expected: Vec<i64> = if k == 0 {
            vec![t]
        } else {
            vec![t - interval, t]
        };
        assert_eq!(cover.batches_ms, expected);
        let lines: usize = r.batches[k.saturating_sub(1)..=k]
            .iter()
            .map(Vec::len)
            .sum();
        assert_eq!(
            result.nodes[window].records,
            Some(lines as u64),
            "batch {k}"
        );
    }
    let r = run("notebook_window");
    let id = node(&r.job.describe(), "reduceByKeyAndWindow").id;
    for result in &r.results {
        let cover = result.nodes[id].window.as_ref().unwrap();
        let path = cover
            .path
            .as_ref()
            .expect("reduceByKeyAndWindow records its path");
        assert_eq!(path.time_ms, result.time_ms.unwrap());
    }
}

#[test]
fn reduce_by_window_and_count_by_value_and_window_show_why_each_window_was_reduced_afresh() {
    use dstream_engine::{AfreshReason, WindowHow};
    let r = run("reduce_windows");
    let nodes = r.job.describe();
    let windowed: Vec<&StreamNode> = nodes
        .iter()
        .filter(|n| matches!(n.op.as_str(), "reduceByWindow" | "countByValueAndWindow"))
        .collect();
    // In program order: reduceByWindow(max, None, 20, 10), reduceByWindow(+, -, 30, 10),
    // countByValueAndWindow(20, 10) (PySpark's add and sub on a 20 s window).
    let short = |window_ms| AfreshReason::ShortWindow {
        window_ms,
        slide_ms: 10_000,
    };
    let expected = [AfreshReason::NoInverse, short(30_000), short(20_000)];
    assert_eq!(windowed.len(), expected.len());
    for result in &r.results {
        for (n, why) in windowed.iter().zip(&expected) {
            let cover = result.nodes[n.id].window.as_ref().unwrap();
            let path = cover
                .path
                .as_ref()
                .unwrap_or_else(|| panic!("{} (line {:?}) records its path", n.op, n.line));
            assert_eq!(path.time_ms, result.time_ms.unwrap());
            assert!(
                matches!(&path.how, WindowHow::Reduced { why: w, .. } if w == why),
                "{}: {:?}",
                n.op,
                path.how
            );
        }
    }
}
