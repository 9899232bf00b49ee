//! Every Structured Streaming program of `tests/programs/structured/manifest.json`, run by
//! the lab's Python through [`Job`] trigger by trigger with the lines (and their event times)
//! real PySpark 4.0.1 read (`tests/pyspark/structured_program_oracle.py`), prints byte for
//! byte what PySpark printed and fails with the error, line and trigger PySpark reported.

use std::path::{Path, PathBuf};

use dstream_notebook::program_input::{ProgramInput, TimedLine};
use dstream_playground::{Input, Job, JobConfig, JobFailure, ModeOutcome, RowChange, TriggerView};
use dstream_structured::time::parse_timestamp;
use serde_json::Value as Json;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/structured")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The manifest's programs (without `.py`) and their inputs' names.
fn manifest() -> Vec<(String, String)> {
    let entries: Vec<Json> = serde_json::from_str(&read(&dir().join("manifest.json"))).unwrap();
    entries
        .iter()
        .map(|e| {
            let program = e["program"].as_str().unwrap().trim_end_matches(".py");
            (
                program.to_string(),
                e["input"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Input `name`: per trigger, the lines and their arrival times (ms), as `replay --program`
/// reads them.
fn triggers(name: &str) -> Vec<Vec<TimedLine>> {
    let path = dir().join("inputs").join(format!("{name}.json"));
    ProgramInput::parse(&read(&path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .triggers
        .expect("a trigger input")
}

/// Runs program `name` over `input`, one `run_batch` per trigger, each trigger's lines pushed
/// with their event times as arrival times.
fn run(name: &str, input: &str) -> (String, Option<JobFailure>) {
    let source = read(&dir().join(format!("{name}.py")));
    let config = JobConfig {
        start_ms: 0,
        parallelism: 2,
        input: Input::Live,
    };
    let mut job = Job::from_source(config, &source, &format!("{name}.py"));
    if job.failed().is_none() {
        assert!(job.running(), "{name}: the program started no query");
    }
    for trigger in triggers(input) {
        for line in trigger {
            job.push_lines_at([line.line], line.arrival_ms);
        }
        if job.run_batch().failure.is_some() {
            break;
        }
    }
    assert_eq!(job.unread_lines(), 0, "{name}: lines no source read");
    (job.output(), job.failed().cloned())
}

/// Asserts `name` printed its golden stdout and failed (or not) as PySpark did.
fn check(name: &str, input: &str) -> Vec<String> {
    let (stdout, failure) = run(name, input);
    let mut problems = Vec::new();
    let golden = read(&dir().join(format!("{name}.stdout.txt")));
    if stdout != golden {
        problems.push(format!(
            "{name}: stdout differs\n--- PySpark\n{golden}--- lab\n{stdout}"
        ));
    }
    let error_path = dir().join(format!("{name}.error.json"));
    let expected: Option<Json> = error_path
        .exists()
        .then(|| serde_json::from_str(&read(&error_path)).unwrap());
    let ours = failure.map(|f| {
        serde_json::json!({
            "type": f.error.kind,
            "message": f.error.message,
            "line": f.error.line(),
            "batch": f.batch,
        })
    });
    if ours != expected {
        problems.push(format!(
            "{name}: error {} != PySpark's {}",
            ours.map_or("none".to_string(), |o| o.to_string()),
            expected.map_or("none".to_string(), |e| e.to_string())
        ));
    }
    problems
}

#[test]
fn every_structured_program_prints_what_pyspark_printed() {
    let programs = manifest();
    let problems: Vec<String> = programs
        .iter()
        .flat_map(|(name, input)| check(name, input))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    assert!(programs.len() >= 8, "only {} programs", programs.len());
}

#[test]
fn every_structured_example_of_the_menu_is_a_golden_program() {
    let golden: Vec<String> = manifest().into_iter().map(|(p, _)| p).collect();
    let structured: Vec<&str> = dstream_playground::examples::EXAMPLES
        .iter()
        .filter_map(|e| e.name.strip_prefix("structured_"))
        .collect();
    assert_eq!(structured.len(), 3, "the notebook's three jobs");
    for name in structured {
        assert!(
            golden.iter().any(|g| g == name),
            "{name} is not in manifest.json"
        );
        let example = dstream_playground::examples::example(&format!("structured_{name}"))
            .expect("the example");
        assert_eq!(example.source, read(&dir().join(format!("{name}.py"))));
    }
}

/// Runs program `name` over `input` as [`run`] does and returns each trigger's view.
fn trigger_views(name: &str, input: &str) -> Vec<TriggerView> {
    trigger_views_of(name, triggers(input))
}

/// Runs program `name` over the lines (and event times) of each trigger; returns each trigger's view.
fn trigger_views_of(name: &str, triggers: Vec<Vec<TimedLine>>) -> Vec<TriggerView> {
    let source = read(&dir().join(format!("{name}.py")));
    trigger_views_of_source(name, &source, triggers)
}

/// [`trigger_views_of`] for program `name`'s text `source`.
fn trigger_views_of_source(
    name: &str,
    source: &str,
    triggers: Vec<Vec<TimedLine>>,
) -> Vec<TriggerView> {
    let config = JobConfig {
        start_ms: 0,
        parallelism: 2,
        input: Input::Live,
    };
    let mut job = Job::from_source(config, source, &format!("{name}.py"));
    let mut views = Vec::new();
    for trigger in triggers {
        for line in trigger {
            job.push_lines_at([line.line], line.arrival_ms);
        }
        let result = job.run_batch();
        assert!(result.failure.is_none(), "{name}: {:?}", result.failure);
        views.push(result.structured.expect("a Structured Streaming trigger"));
    }
    views
}

/// A golden's per-batch progress as the view gives it: batch id, input rows, watermark (ms),
/// rows dropped by the watermark, state rows.
fn golden_progress(query: &str) -> Vec<(u64, usize, i64, u64, usize)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../structured/tests/queries")
        .join(format!("{query}.json"));
    let json: Json = serde_json::from_str(&read(&path)).unwrap();
    json["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let iso = p["watermark"].as_str().unwrap();
            let text = iso.replace('T', " ");
            let micros = parse_timestamp(text.trim_end_matches('Z')).expect(iso);
            (
                p["batch"].as_u64().unwrap(),
                p["input_rows"].as_u64().unwrap() as usize,
                micros / 1000,
                p["rows_dropped_by_watermark"].as_u64().unwrap(),
                p["state_rows"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

#[test]
fn trigger_views_of_late_rows_give_sparks_watermark_and_dropped_rows() {
    for (program, query) in [
        ("windowed_update_late", "windowed_update_late"),
        ("windowed_append", "windowed_append_late"),
    ] {
        let views = trigger_views(program, "late");
        let ours: Vec<(u64, usize, i64, u64, usize)> = views
            .iter()
            .filter_map(|v| v.queries[0].progress.as_ref())
            .map(|p| {
                (
                    p.batch_id,
                    p.input_rows,
                    p.watermark_ms.expect("a watermark"),
                    p.rows_dropped_by_watermark,
                    p.state_rows.expect("a stateful query"),
                )
            })
            .collect();
        assert_eq!(ours, golden_progress(query), "{program}");
        let dropped: u64 = ours.iter().map(|p| p.3).sum();
        assert!(dropped > 0, "{program}: the late input drops rows");
        for v in &views {
            let q = &v.queries[0];
            // The view's watermark before a batch is the one the batch used, and the store
            // after it holds as many rows as Spark's numRowsTotal.
            if let Some(p) = &q.progress {
                assert_eq!(q.watermark_before_ms, p.watermark_ms, "{program}");
                assert_eq!(Some(q.state_after.total()), p.state_rows, "{program}");
            }
            assert!(q.watermark_after_ms >= q.watermark_before_ms, "{program}");
        }
    }
}

#[test]
fn the_state_after_a_trigger_is_the_state_before_the_next() {
    for (program, input) in [
        ("windowed_update_late", "late"),
        ("windowed_append", "late"),
        ("running_complete", "notebook"),
        ("running_update", "notebook"),
    ] {
        let views = trigger_views(program, input);
        for pair in views.windows(2) {
            let (after, before) = (&pair[0].queries[0], &pair[1].queries[0]);
            let cells = |t: &dstream_playground::ViewTable| -> Vec<Vec<String>> {
                t.rows.iter().map(|r| r.cells.clone()).collect()
            };
            assert_eq!(
                cells(&after.state_after),
                cells(&before.state_before),
                "{program}"
            );
            assert_eq!(
                after.watermark_after_ms, before.watermark_before_ms,
                "{program}"
            );
        }
        assert!(
            views.iter().any(|v| v.queries[0].state_after.total() > 0),
            "{program}: the store held rows"
        );
    }
}

#[test]
fn trigger_views_mark_added_updated_and_evicted_rows() {
    let views = trigger_views("windowed_update_late", "late");
    for v in &views {
        let q = &v.queries[0];
        let marked = |t: &dstream_playground::ViewTable, c: RowChange| {
            t.rows.iter().filter(|r| r.change == c).count()
        };
        assert_eq!(marked(&q.state_after, RowChange::Added), q.changes.added);
        assert_eq!(
            marked(&q.state_after, RowChange::Updated),
            q.changes.updated
        );
        assert_eq!(
            marked(&q.state_before, RowChange::Evicted),
            q.changes.evicted
        );
        assert_eq!(
            q.state_before.total() + q.changes.added - q.changes.evicted,
            q.state_after.total()
        );
        // Update mode's sink gets the keys the batch changed: those added or updated (a key
        // changed and evicted in the same batch is printed, then gone).
        if q.progress.is_some() {
            assert!(q.sink.total() >= q.changes.added + q.changes.updated);
        }
        // Every evicted row is a window the new watermark closed.
        for r in q
            .state_before
            .rows
            .iter()
            .filter(|r| r.change == RowChange::Evicted)
        {
            let (_, end) = r.window_ms.expect("a window key");
            assert!(end <= q.watermark_after_ms.expect("a watermark"));
        }
    }
    let evicted: usize = views.iter().map(|v| v.queries[0].changes.evicted).sum();
    assert!(evicted > 0, "the watermark evicted windows");
}

#[test]
fn trigger_views_keep_their_first_rows_and_count_the_others() {
    // Two triggers of 60 distinct words each, 30 of the second's already seen: a store of 90 words.
    let words = |from: usize| -> Vec<TimedLine> {
        (from..from + 60)
            .map(|i| TimedLine {
                arrival_ms: 0,
                line: format!("w{i}"),
            })
            .collect()
    };
    let views = trigger_views_of("word_count_complete", vec![words(0), words(30)]);
    let q = &views[1].queries[0];
    let progress = q.progress.as_ref().expect("a batch ran");
    assert_eq!(progress.state_rows, Some(90));
    assert_eq!(q.state_after.total(), 90);
    assert_eq!(q.state_after.rows.len(), dstream_playground::VIEW_ROWS);
    assert_eq!(q.state_before.total(), 60);
    assert_eq!(
        (q.changes.added, q.changes.updated, q.changes.evicted),
        (30, 30, 0)
    );
    // Complete mode prints the whole table; the view keeps its first rows and counts the rest.
    assert_eq!(q.sink.total(), 90);
    assert_eq!(q.sink.rows.len(), dstream_playground::VIEW_ROWS);
    assert_eq!(views[1].input_lines, 60);
}

/// What output mode `mode` printed over all the triggers of `views` (query 0): its console
/// texts in order; or Spark's refusal of the mode.
fn mode_output(views: &[TriggerView], mode: &str) -> Result<String, String> {
    let mut text = String::new();
    for v in views {
        let modes = v.queries[0]
            .output_modes
            .as_ref()
            .expect("a console aggregation has the three modes");
        let names: Vec<&str> = modes.columns.iter().map(|c| c.mode).collect();
        assert_eq!(names, ["complete", "update", "append"]);
        let column = modes.columns.iter().find(|c| c.mode == mode).unwrap();
        match &column.outcome {
            ModeOutcome::Refused(message) => return Err(message.clone()),
            ModeOutcome::NoBatch => {}
            ModeOutcome::Printed(b) => {
                assert_eq!(b.lines_cut, 0, "{mode}: a short text is kept whole");
                text.push_str(&b.text);
            }
        }
    }
    Ok(text)
}

/// Asserts that the three columns of `program` over `input` are, mode by mode, what PySpark
/// printed (or the error it raised) for the golden program `goldens[i]`.
fn assert_modes_are_goldens(program: &str, input: &str, goldens: [(&str, &str); 3]) {
    let views = trigger_views(program, input);
    for (mode, golden) in goldens {
        let error_path = dir().join(format!("{golden}.error.json"));
        match mode_output(&views, mode) {
            Ok(text) => {
                assert!(!error_path.exists(), "{program} as {mode}: PySpark failed");
                let expected = read(&dir().join(format!("{golden}.stdout.txt")));
                assert_eq!(text, expected, "{program} as {mode} vs {golden}");
            }
            Err(message) => {
                let error: Json = serde_json::from_str(&read(&error_path)).unwrap();
                assert_eq!(error["type"], "AnalysisException", "{golden}");
                assert_eq!(
                    error["message"].as_str(),
                    Some(message.as_str()),
                    "{golden}"
                );
                assert_eq!(error["batch"], 0, "{golden}: refused at start()");
            }
        }
    }
}

#[test]
fn output_modes_of_the_windowed_example_are_pysparks_with_only_the_mode_changed() {
    assert_modes_are_goldens(
        "windowed_update",
        "notebook",
        [
            ("complete", "windowed_update_as_complete"),
            ("update", "windowed_update"),
            ("append", "windowed_update_as_append"),
        ],
    );
}

#[test]
fn output_modes_of_the_running_example_are_pysparks_and_append_is_refused() {
    assert_modes_are_goldens(
        "running_complete",
        "notebook",
        [
            ("complete", "running_complete"),
            ("update", "running_complete_as_update"),
            ("append", "running_complete_as_append"),
        ],
    );
    // The refusal is the one the golden of a student's own append program shows.
    let views = trigger_views("running_complete", "notebook");
    let golden: Json =
        serde_json::from_str(&read(&dir().join("error_append_no_watermark.error.json"))).unwrap();
    assert_eq!(
        mode_output(&views, "append").err().as_deref(),
        golden["message"].as_str()
    );
}

#[test]
fn output_modes_of_a_udf_query_replay_its_udf_and_match_the_when_programs() {
    // running_update.py types lines with a udf, running_complete.py with when(): on the same
    // lines PySpark printed the same counts, so the udf query's complete column (its UDF
    // answers replayed, not called again) is running_complete's golden.
    assert_modes_are_goldens(
        "running_update",
        "notebook",
        [
            ("complete", "running_complete"),
            ("update", "running_update"),
            ("append", "running_complete_as_append"),
        ],
    );
    // windowed_append.py (udf, append) on late lines: its update column is
    // windowed_update_late.py's (when, update) golden.
    let views = trigger_views("windowed_append", "late");
    let expected = read(&dir().join("windowed_update_late.stdout.txt"));
    assert_eq!(mode_output(&views, "update"), Ok(expected));
}

#[test]
fn each_as_mode_program_is_its_example_with_only_the_output_mode_changed() {
    let body = |name: &str| -> String {
        let text = read(&dir().join(format!("{name}.py")));
        let lines: Vec<&str> = text.lines().skip_while(|l| l.starts_with('#')).collect();
        lines.join("\n")
    };
    for (example, mode, variant) in [
        ("windowed_update", "complete", "windowed_update_as_complete"),
        ("windowed_update", "append", "windowed_update_as_append"),
        ("running_complete", "update", "running_complete_as_update"),
        ("running_complete", "append", "running_complete_as_append"),
    ] {
        let original = body(example);
        let own = ["update", "complete"]
            .into_iter()
            .find(|m| original.contains(&format!("outputMode(\"{m}\")")))
            .expect("the example's mode");
        let swapped = original.replace(
            &format!("outputMode(\"{own}\")"),
            &format!("outputMode(\"{mode}\")"),
        );
        assert_ne!(swapped, original, "{example}");
        assert_eq!(body(variant), swapped, "{variant}");
    }
}

#[test]
fn output_modes_are_offered_only_for_a_console_aggregation() {
    for (program, input) in [("lines_append", "many"), ("per_trigger_counts", "notebook")] {
        for v in trigger_views(program, input) {
            assert!(v.queries[0].output_modes.is_none(), "{program}");
        }
    }
}

#[test]
fn a_long_console_text_keeps_its_first_lines_and_counts_the_others() {
    // 100 distinct words shown with numRows 500: complete's table has 100 rows, more than a column keeps.
    let source = read(&dir().join("word_count_complete.py")).replace(
        ".format(\"console\")",
        ".format(\"console\").option(\"numRows\", 500)",
    );
    let line = (0..100)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let trigger = vec![TimedLine {
        arrival_ms: 0,
        line,
    }];
    let views = trigger_views_of_source("word_count_complete", &source, vec![trigger]);
    let modes = views[0].queries[0]
        .output_modes
        .as_ref()
        .expect("three modes");
    let complete = modes.columns.iter().find(|c| c.mode == "complete").unwrap();
    let ModeOutcome::Printed(b) = &complete.outcome else {
        panic!("complete printed nothing: {:?}", complete.outcome);
    };
    // Dashes, `Batch: 0`, dashes, 3 border and header lines, 100 rows, the bottom border, a blank line.
    let lines = 3 + 3 + 100 + 1 + 1;
    assert_eq!(b.rows, 100);
    assert_eq!(b.text.lines().count(), dstream_playground::MODE_TEXT_LINES);
    assert_eq!(b.lines_cut, lines - dstream_playground::MODE_TEXT_LINES);
    assert!(b
        .text
        .starts_with("-------------------------------------------\nBatch: 0\n"));
}

#[test]
fn the_other_modes_never_call_the_programs_udf_again() {
    // running_update.py's udf, printing each line it types: Spark runs it once per row, and so does the lab,
    // though the row also goes to the complete and append modes' queries.
    let source = read(&dir().join("running_update.py")).replace(
        "def message_type(line):\n",
        "def message_type(line):\n    print(\"typed\", line)\n",
    );
    let config = JobConfig {
        start_ms: 0,
        parallelism: 2,
        input: Input::Live,
    };
    let mut job = Job::from_source(config, &source, "running_update.py");
    let mut fed = 0;
    let mut complete_rows = 0;
    for trigger in triggers("notebook") {
        for line in trigger {
            job.push_lines_at([line.line], line.arrival_ms);
            fed += 1;
        }
        let view = job.run_batch().structured.expect("a trigger");
        let modes = view.queries[0].output_modes.as_ref().expect("three modes");
        if let ModeOutcome::Printed(b) = &modes.columns[0].outcome {
            complete_rows = b.rows;
        }
    }
    assert!(job.failed().is_none(), "{:?}", job.failed());
    assert_eq!(job.worker_output().matches("typed ").count(), fed);
    assert_eq!(complete_rows, 4, "complete counted every type");
}
