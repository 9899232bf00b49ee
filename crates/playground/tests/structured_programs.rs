//! Every Structured Streaming program of `tests/programs/structured/manifest.json`, run by
//! the lab's Python through [`Job`] trigger by trigger with the lines (and their event times)
//! real PySpark 4.0.1 read (`tests/pyspark/structured_program_oracle.py`), prints byte for
//! byte what PySpark printed and fails with the error, line and trigger PySpark reported.

use std::path::{Path, PathBuf};

use dstream_notebook::program_input::{ProgramInput, TimedLine};
use dstream_playground::{Input, Job, JobConfig, JobFailure};
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
