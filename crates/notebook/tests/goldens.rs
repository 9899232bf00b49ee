//! Every scenario in `tests/scenarios` against the goldens real PySpark wrote
//! (`tests/pyspark/oracle.py`): the `replay` binary's JSON and pprint output
//! must equal PySpark's, record for record and in PySpark's order.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.ends_with(".json") && !name.ends_with(".golden.json")
        })
        .collect();
    found.sort();
    found
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
    path.with_file_name(format!("{stem}{suffix}"))
}

fn replay(path: &Path, format: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_replay"))
        .arg(path)
        .args(["--format", format])
        .output()
        .expect("replay runs")
}

#[test]
fn there_are_enough_goldens() {
    let all = scenarios();
    assert!(all.len() >= 8, "only {} scenarios", all.len());
    for s in &all {
        assert!(
            with_suffix(s, ".golden.json").exists(),
            "{} has no golden",
            s.display()
        );
    }
}

#[test]
fn replay_json_equals_pyspark_for_every_scenario() {
    let mut failures = Vec::new();
    for scenario in scenarios() {
        let golden: Value = serde_json::from_str(
            &std::fs::read_to_string(with_suffix(&scenario, ".golden.json"))
                .expect("golden readable"),
        )
        .expect("golden is JSON");
        let out = replay(&scenario, "json");
        if let Some(error) = golden.get("error").and_then(Value::as_str) {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(1) || !stderr.contains(error.trim()) {
                failures.push(format!(
                    "{}: PySpark failed with {error:?}; replay exited {:?} saying {stderr:?}",
                    scenario.display(),
                    out.status.code()
                ));
            }
            continue;
        }
        assert!(
            out.status.success(),
            "{}: {}",
            scenario.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let ours: Value = serde_json::from_slice(&out.stdout).expect("replay prints JSON");
        if ours != golden {
            failures.push(format!(
                "{}: JSON differs\n--- pyspark\n{}\n--- replay\n{}",
                scenario.display(),
                serde_json::to_string_pretty(&golden).unwrap(),
                serde_json::to_string_pretty(&ours).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn replay_pprint_equals_pyspark_console_for_every_scenario() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for scenario in scenarios() {
        let expected_path = with_suffix(&scenario, ".pprint.txt");
        let Ok(expected) = std::fs::read_to_string(&expected_path) else {
            continue;
        };
        compared += 1;
        let out = replay(&scenario, "pprint");
        let ours = String::from_utf8_lossy(&out.stdout);
        if ours != expected {
            let first = ours
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(ours.lines().count().min(expected.lines().count()));
            failures.push(format!(
                "{}: console differs from line {} on\n--- pyspark\n{}\n--- replay\n{}",
                scenario.display(),
                first + 1,
                expected
                    .lines()
                    .skip(first.saturating_sub(3))
                    .take(8)
                    .collect::<Vec<_>>()
                    .join("\n"),
                ours.lines()
                    .skip(first.saturating_sub(3))
                    .take(8)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ));
        }
    }
    assert!(compared >= 8, "only {compared} pprint goldens");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn malformed_scenario_exits_2_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("dstream-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"batch_interval_s": "ten", "batches": [], "pipelines": []}"#,
    )
    .unwrap();
    let out = replay(&bad, "pprint");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("batch_interval_s"));
    std::fs::write(&bad, "not json at all").unwrap();
    assert_eq!(replay(&bad, "json").status.code(), Some(2));
    let missing = dir.join("missing.json");
    assert_eq!(replay(&missing, "json").status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_lab_on_the_live_stream_prints_what_pyspark_printed_for_the_notebooks_three_cells() {
    use dstream_notebook::scenario::Scenario;
    use dstream_notebook::NotebookLab;

    let mut compared = 0;
    for path in scenarios() {
        let scenario = Scenario::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let modes: Vec<&str> = scenario
            .pipelines
            .iter()
            .filter_map(|p| p["mode"].as_str())
            .collect();
        let Ok(expected) = std::fs::read_to_string(with_suffix(&path, ".pprint.txt")) else {
            continue;
        };
        // The lab runs the three cells, one window: only such scenarios print what it prints.
        if modes != ["stateless", "cumulative", "window"] || !scenario.checkpoint {
            continue;
        }
        let config = scenario.lab_config().unwrap();
        let mut lab = NotebookLab::new(config, scenario.start_ms()).unwrap();
        let mut console = String::new();
        let no_lines = Vec::new();
        let idle = std::iter::repeat_n(&no_lines, scenario.extra_batches as usize);
        for lines in scenario.batches.iter().chain(idle) {
            for line in lines {
                lab.push_line(line);
            }
            let report = lab.run_batch();
            assert!(report.problems.is_empty(), "{:?}", report.problems);
            console.extend(report.outputs.iter().map(|o| o.pprint.as_str()));
        }
        assert_eq!(console, expected, "{}", path.display());
        compared += 1;
    }
    assert!(
        compared >= 2,
        "only {compared} scenarios of the lab's shape"
    );
}
