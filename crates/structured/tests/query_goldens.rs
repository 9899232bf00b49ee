//! Every query golden in `tests/queries/` (real PySpark 4.0.1 Structured Streaming, written by
//! tests/pyspark/structured_oracle.py): the model prints the same console text byte for byte,
//! reports the same batches (ids, input rows, watermark, rows dropped by watermark, state
//! rows), and refuses the same queries with Spark's message.

use crate::common;

use dstream_structured::batch::group_aggregate;
use dstream_structured::operators::RuntimeError;
use dstream_structured::time::parse_duration;
use dstream_structured::{
    show_string, Aggregation, DataType, Expr, GroupKey, Line, Lines, OutputMode, Query, Request,
    Sink, Source, Step, StreamingQuery, UdfChain, Value, Window,
};
use serde_json::Value as Json;

fn duration(json: &Json) -> i64 {
    parse_duration(json.as_str().expect("a duration")).expect("a valid duration")
}

/// The notebook's `get_message_type`, which the oracle's UDF runs.
fn get_message_type(line: &str) -> &'static str {
    if line.contains("[info]") {
        "info"
    } else if line.contains("[notice]") {
        "notice"
    } else if line.contains("[error]") {
        "error"
    } else {
        "unknown"
    }
}

/// The oracle's message type column: the notebook's function as UDF 0 (its chain known to the
/// query when `known_chain`, as the playground knows it from the function's quick form), or
/// the same rule as `when(col("value").contains("[info]"), "info")...otherwise("unknown")`.
fn message_type(kind: &str, known_chain: bool) -> Expr {
    let value = || Box::new(Expr::Column("value".to_string()));
    let text = |s: &str| Expr::Literal(Value::String(s.into()));
    match kind {
        "udf" => Expr::Udf {
            id: 0,
            name: "get_message_type".to_string(),
            args: vec![Expr::Column("value".to_string())],
            return_type: DataType::String,
            chain: known_chain.then(|| {
                let text = |s: &str| Some(Value::String(s.into()));
                std::rc::Rc::new(UdfChain {
                    texts: vec!["[info]".into(), "[notice]".into(), "[error]".into()],
                    results: vec![text("info"), text("notice"), text("error")],
                    otherwise: text("unknown"),
                })
            }),
        },
        "when" => Expr::When {
            branches: ["info", "notice", "error"]
                .iter()
                .map(|k| {
                    let tag = format!("[{k}]");
                    (Expr::Contains(value(), Box::new(text(&tag))), text(k))
                })
                .collect(),
            otherwise: Some(Box::new(text("unknown"))),
        },
        other => panic!("unknown type {other}"),
    }
}

/// UDF 0 of the goldens' queries.
fn call_udf(request: Request) -> Result<Value, RuntimeError> {
    let (id, args) = match request {
        Request::Udf(id, args) => (id, args),
        Request::Fail(e) => return Err(e),
    };
    assert_eq!(id, 0, "the goldens' queries have one UDF");
    Ok(match args {
        [Value::String(line)] => Value::String(get_message_type(line).into()),
        _ => Value::Null,
    })
}

/// The oracle's query spec as a [`Query`], as `build_query` writes it in PySpark (a UDF's chain
/// known when `known_chain`).
fn query(spec: &Json, known_chain: bool) -> Query {
    let job = spec["job"].as_str().expect("a job");
    let mut steps = vec![Step::WithColumn(
        "type".to_string(),
        message_type(spec["type"].as_str().expect("a type"), known_chain),
    )];
    if let Some(w) = spec.get("watermark").filter(|w| !w.is_null()) {
        steps.push(Step::Watermark("timestamp".to_string(), duration(w)));
    }
    let column = |n: &str| GroupKey::Column(n.to_string());
    let group_by = match job {
        "per_trigger" | "lines" => None,
        "running" => Some(vec![column("type")]),
        "windowed" => Some(vec![
            GroupKey::Window(
                "timestamp".to_string(),
                Window {
                    duration: duration(&spec["window"][0]),
                    slide: duration(&spec["window"][1]),
                },
            ),
            column("type"),
        ]),
        other => panic!("unknown job {other}"),
    };
    if job == "lines" {
        let names = ["value", "type"].map(|n| Expr::Column(n.to_string()));
        steps.push(Step::Select(names.to_vec()));
    }
    let sink = if job == "per_trigger" {
        Sink::ForeachBatch
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
        source: Source {
            include_timestamp: true,
        },
        steps,
        group_by: group_by.map(Aggregation::count),
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
                    value: line[1].as_str().expect("a line").into(),
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

/// Starts `query` and feeds it `triggers`: the sink's text (for foreachBatch, the oracle's
/// function: `df.groupBy("type").count().show()`) and the batches' progress.
fn run(
    query: Query,
    triggers: &[Vec<Line>],
) -> Result<(String, Vec<dstream_structured::Progress>), dstream_structured::AnalysisError> {
    let mut running = StreamingQuery::start(query)?;
    let mut text = String::new();
    let mut progress = Vec::new();
    for lines in triggers {
        let batch = running
            .trigger(&Lines::from(lines.as_slice()), &mut call_udf)
            .expect("no run-time error");
        let Some(batch) = batch else { continue };
        match running.sink_text(&batch) {
            Some(printed) => text.push_str(&printed),
            None => {
                let counts = Aggregation::count(vec![GroupKey::Column("type".to_string())]);
                let (schema, rows) =
                    group_aggregate(running.schema(), &batch.rows, &counts, &mut call_udf)?
                        .expect("no run-time error");
                text.push_str(&(show_string(&schema, &rows, 20, 20) + "\n"));
            }
        }
        progress.push(batch.progress);
    }
    Ok((text, progress))
}

/// Runs one golden (a UDF's chain known when `known_chain`); returns what differs.
fn check(golden: &Json, known_chain: bool) -> Vec<String> {
    let name = golden["name"].as_str().expect("a name");
    let name = &format!("{name}{}", if known_chain { " (chain known)" } else { "" });
    let mut problems = Vec::new();
    let run = run(query(&golden["query"], known_chain), &triggers(golden));
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
        Ok(run) => run,
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
        .flat_map(|p| {
            let golden = common::read_json(p);
            [false, true].map(|known| check(&golden, known)).concat()
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    assert!(paths.len() >= 15, "only {} query goldens", paths.len());
}
