//! Every query golden in `tests/queries/` (real PySpark 4.0.1 Structured Streaming, written by
//! tests/pyspark/structured_oracle.py): the model prints the same console text byte for byte,
//! reports the same batches (ids, input rows, watermark, rows dropped by watermark, state
//! rows), and refuses the same queries with Spark's message.

mod common;

use dstream_structured::time::parse_duration;
use dstream_structured::{Job, Line, OutputMode, Query, Sink, StreamingQuery, Window};
use serde_json::Value as Json;

fn duration(json: &Json) -> i64 {
    parse_duration(json.as_str().expect("a duration")).expect("a valid duration")
}

/// The oracle's query spec as a [`Query`].
fn query(spec: &Json) -> Query {
    let job = match spec["job"].as_str().expect("a job") {
        "per_trigger" => Job::PerTriggerCounts,
        "running" => Job::RunningCounts,
        "lines" => Job::Lines,
        "windowed" => Job::WindowedCounts(Window {
            duration: duration(&spec["window"][0]),
            slide: duration(&spec["window"][1]),
        }),
        other => panic!("unknown job {other}"),
    };
    let sink = if job == Job::PerTriggerCounts {
        Sink::ForeachBatchShow
    } else {
        let options = &spec["options"];
        Sink::Console {
            num_rows: options["numRows"]
                .as_str()
                .map_or(20, |n| n.parse().expect("numRows")),
            truncate: options["truncate"].as_str() != Some("false"),
        }
    };
    Query {
        job,
        watermark_delay: spec.get("watermark").filter(|w| !w.is_null()).map(duration),
        mode: OutputMode::parse(spec["mode"].as_str().unwrap_or("append")).expect("a mode"),
        sink,
    }
}

fn triggers(golden: &Json) -> Vec<Vec<Line>> {
    golden["input"]
        .as_array()
        .expect("input triggers")
        .iter()
        .map(|trigger| {
            trigger
                .as_array()
                .expect("a trigger")
                .iter()
                .map(|line| Line {
                    timestamp: common::timestamp(&line[0]),
                    value: line[1].as_str().expect("a line").to_string(),
                })
                .collect()
        })
        .collect()
}

/// Spark's progress JSON prints the watermark as an ISO instant.
fn iso_watermark(ms: i64) -> String {
    let time = chrono::DateTime::from_timestamp_millis(ms).expect("a watermark in range");
    time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Runs one golden; returns what differs.
fn check(golden: &Json) -> Vec<String> {
    let name = golden["name"].as_str().expect("a name");
    let mut problems = Vec::new();
    let run = StreamingQuery::run(query(&golden["query"]), &triggers(golden));
    if let Some(error) = golden.get("error") {
        match run {
            Ok(_) => problems.push(format!("{name}: Spark refused the query, we started it")),
            Err(e) => {
                if e.condition != error["condition"].as_str().unwrap_or_default() {
                    problems.push(format!(
                        "{name}: condition {} != Spark's {}",
                        e.condition, error["condition"]
                    ));
                }
                if e.message != error["message"].as_str().unwrap_or_default() {
                    problems.push(format!(
                        "{name}: message\n{}\n!= Spark's\n{}",
                        e.message, error["message"]
                    ));
                }
            }
        }
        return problems;
    }
    let (text, progress) = match run {
        Ok(run) => (run.text, run.progress),
        Err(e) => return vec![format!("{name}: we refused the query: {e}")],
    };
    let spark_text = golden["output"].as_str().expect("output");
    if text != spark_text {
        problems.push(format!(
            "{name}: console text differs\n--- Spark\n{spark_text}--- ours\n{text}"
        ));
    }
    let spark_progress = golden["progress"].as_array().expect("progress");
    if spark_progress.len() != progress.len() {
        problems.push(format!(
            "{name}: Spark ran {} batches, we ran {}",
            spark_progress.len(),
            progress.len()
        ));
    }
    for (ours, spark) in progress.iter().zip(spark_progress) {
        let watermark = ours.watermark_ms.map(iso_watermark);
        let same = spark["batch"].as_u64() == Some(ours.batch_id)
            && spark["input_rows"].as_u64() == Some(ours.input_rows as u64)
            && spark["watermark"].as_str() == watermark.as_deref()
            && spark["rows_dropped_by_watermark"].as_u64() == Some(ours.rows_dropped_by_watermark)
            && spark["state_rows"].as_u64() == ours.state_rows.map(|n| n as u64);
        if !same {
            problems.push(format!(
                "{name}: batch progress {ours:?} != Spark's {spark}"
            ));
        }
    }
    problems
}

#[test]
fn every_query_golden_matches_spark_byte_for_byte() {
    let dir = common::golden_dir("queries");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let problems: Vec<String> = paths
        .iter()
        .flat_map(|p| check(&common::read_json(p)))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    assert!(paths.len() >= 15, "only {} query goldens", paths.len());
}
