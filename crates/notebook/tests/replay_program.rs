//! `replay --program` as a real process: a student's program over its input
//! prints PySpark's stdout byte for byte; a failing one also prints Python's
//! error text on stderr and exits 1; a malformed input exits 2. Structured
//! Streaming programs over their trigger inputs print their goldens too.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../playground/tests/programs")
}

fn replay(program: &str, input: &str, format: &str) -> Output {
    let dir = programs();
    Command::new(env!("CARGO_BIN_EXE_replay"))
        .arg("--program")
        .arg(dir.join(program))
        .arg(dir.join(input))
        .args(["--format", format])
        .output()
        .expect("replay runs")
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(programs().join(name)).unwrap()
}

#[test]
fn a_program_prints_what_pyspark_printed_and_exits_0() {
    let out = replay("notebook_window.py", "inputs/logs.json", "pprint");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        golden("notebook_window.stdout.txt")
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn a_failing_program_prints_its_stdout_then_pythons_error_and_exits_1() {
    let out = replay("error_zero_division.py", "inputs/logs.json", "pprint");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        golden("error_zero_division.stdout.txt")
    );
    let expected: serde_json::Value =
        serde_json::from_str(&golden("error_zero_division.error.json")).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("Traceback (most recent call last):\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "  File \"error_zero_division.py\", line {}, in <lambda>\n",
            expected["line"]
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(&format!(
            "\n{}: {}\n",
            expected["type"].as_str().unwrap(),
            expected["message"].as_str().unwrap()
        )),
        "{stderr}"
    );
}

#[test]
fn json_gives_each_batchs_text_and_the_error() {
    let out = replay("error_zero_division.py", "inputs/logs.json", "json");
    assert_eq!(out.status.code(), Some(1));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&golden("error_zero_division.error.json")).unwrap();
    for field in ["type", "message", "line", "batch"] {
        assert_eq!(got["error"][field], expected[field], "{field}");
    }
    let text: String = got["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, golden("error_zero_division.stdout.txt"));
}

#[test]
fn a_malformed_input_exits_2() {
    let dir = std::env::temp_dir().join(format!("replay-program-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("bad.json");
    std::fs::write(&input, r#"{"batches": "not a list"}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_replay"))
        .arg("--program")
        .arg(programs().join("network_word_count.py"))
        .arg(&input)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("batches"));
}

/// `tests/programs/structured/manifest.json`: each program and its input's name.
fn structured_manifest() -> Vec<(String, String)> {
    let manifest: serde_json::Value =
        serde_json::from_str(&golden("structured/manifest.json")).unwrap();
    manifest
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["program"].as_str().unwrap().to_string(),
                e["input"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_structured_program_prints_its_golden_and_exits_as_pyspark_failed() {
    let structured = structured_manifest();
    let mut problems = Vec::new();
    for (program, input) in &structured {
        let name = program.trim_end_matches(".py");
        let out = replay(
            &format!("structured/{program}"),
            &format!("structured/inputs/{input}.json"),
            "pprint",
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        if stdout != golden(&format!("structured/{name}.stdout.txt")) {
            problems.push(format!("{name}: stdout differs from its golden:\n{stdout}"));
        }
        let error = programs()
            .join(format!("structured/{name}.error.json"))
            .exists()
            .then(|| golden(&format!("structured/{name}.error.json")));
        match error {
            None if out.status.code() != Some(0) || !stderr.is_empty() => problems.push(format!(
                "{name}: exit {:?}, stderr {stderr}",
                out.status.code()
            )),
            Some(error) => {
                let error: serde_json::Value = serde_json::from_str(&error).unwrap();
                let last = format!(
                    "\n{}: {}\n",
                    error["type"].as_str().unwrap(),
                    error["message"].as_str().unwrap()
                );
                if out.status.code() != Some(1) || !stderr.ends_with(&last) {
                    problems.push(format!(
                        "{name}: exit {:?}, stderr {stderr}, expected {last}",
                        out.status.code()
                    ));
                }
            }
            None => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(structured.len() >= 15, "only {} programs", structured.len());
}

#[test]
fn structured_json_gives_each_triggers_text_and_the_error() {
    let out = replay(
        "structured/error_udf.py",
        "structured/inputs/notebook.json",
        "json",
    );
    assert_eq!(out.status.code(), Some(1));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&golden("structured/error_udf.error.json")).unwrap();
    for field in ["type", "message", "line", "batch"] {
        assert_eq!(got["error"][field], expected[field], "{field}");
    }
    let text: String = got["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, golden("structured/error_udf.stdout.txt"));
}
