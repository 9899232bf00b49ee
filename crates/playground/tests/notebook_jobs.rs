//! The notebook's jobs built through the natives (not from program text)
//! print what real PySpark printed for every scenario (the notebook crate's
//! goldens; the notebook crate runs the same scenarios as program text).

use crate::support;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use dstream_notebook::get_message_type;
use dstream_notebook::scenario::{PipelineSpec, Scenario};
use dstream_playground::{run_batches, Input, JobConfig};
use dstream_python::{Host, NativeFn, PyError, Value};
use support::*;

/// The notebook's `get_message_type(line)`, standing in for its `def`.
fn get_message_type_fn() -> Value {
    NativeFn::value("get_message_type", |_, args| {
        let Value::Str(line) = &args.positional[0] else {
            return Err(PyError::type_error("a str is expected"));
        };
        Ok(Value::str(get_message_type(line).as_str()))
    })
}

/// The notebook's `updateFunction(newValues, runningCount)`:
/// `sum(newValues, runningCount or 0)`.
fn update_function() -> Value {
    lambda(2, |a| {
        let Value::List(values) = &a[0] else {
            return Err(PyError::type_error("newValues is a list"));
        };
        let start = match &a[1] {
            Value::None => 0,
            v => as_int(v),
        };
        Ok(int(start + values.borrow().iter().map(as_int).sum::<i64>()))
    })
}

/// Seconds as the program writes them: an int when whole.
fn secs(s: f64) -> Value {
    if s.fract() == 0.0 {
        int(s as i64)
    } else {
        Value::Float(s)
    }
}

/// The scenario's pipelines as one program, each cell's pipeline with its
/// `pprint()`, in the scenario's order (as `tests/pyspark/oracle.py` runs them).
fn program(scenario: &Scenario, host: Rc<dyn Host>) -> Result<(), PyError> {
    let ssc = streaming_context(&host, secs(scenario.batch_interval_s))?;
    if scenario.checkpoint {
        call(&ssc, "checkpoint", vec![s("checkpoint")])?;
    }
    let lines = call(&ssc, "socketTextStream", vec![s("127.0.0.1"), int(9999)])?;
    let types = call(&lines, "map", vec![get_message_type_fn()])?;
    let codes = call(&types, "map", vec![pair_with_one()])?;
    for spec in scenario.specs().expect("valid specs") {
        let out = match spec {
            PipelineSpec::Stateless => call(&codes, "reduceByKey", vec![add()])?,
            PipelineSpec::Cumulative => {
                let counts = call(&codes, "reduceByKey", vec![add()])?;
                call(&counts, "updateStateByKey", vec![update_function()])?
            }
            PipelineSpec::Window {
                window_s,
                slide_s,
                inverse,
                filter_zero,
            } => {
                let mut keyword = vec![
                    ("func", add()),
                    ("invFunc", if inverse { sub() } else { Value::None }),
                    ("windowDuration", secs(window_s)),
                    ("slideDuration", secs(slide_s)),
                ];
                if filter_zero {
                    let nonzero = lambda(1, |a| {
                        let Value::Tuple(kv) = &a[0] else {
                            return Err(PyError::type_error("kv is a tuple"));
                        };
                        Ok(Value::Bool(as_int(&kv[1]) != 0))
                    });
                    keyword.push(("filterFunc", nonzero));
                }
                call_kw(&attr(&codes, "reduceByKeyAndWindow")?, vec![], &keyword)?
            }
        };
        call(&out, "pprint", vec![])?;
    }
    start_and_wait(&ssc)
}

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebook/tests/scenarios");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the notebook's scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.ends_with(".json") && !name.ends_with(".golden.json")
        })
        .collect();
    found.sort();
    found
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
    path.with_file_name(format!("{stem}{suffix}"))
}

fn config(scenario: &Scenario) -> JobConfig {
    JobConfig {
        start_ms: scenario.start_ms(),
        parallelism: scenario.parallelism,
        input: Input::Live,
    }
}

#[test]
fn every_scenario_prints_what_pyspark_printed() {
    let mut compared = 0;
    for path in scenarios() {
        let scenario = Scenario::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (stdout, failure) = run_batches(
            config(&scenario),
            |host| program(&scenario, host),
            &scenario.batches,
            scenario.extra_batches,
        );
        let golden: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(sibling(&path, ".golden.json")).unwrap())
                .unwrap();
        if let Some(error) = golden.get("error").and_then(|e| e.as_str()) {
            let failure = failure.unwrap_or_else(|| panic!("{}: no error", path.display()));
            assert_eq!(failure.batch, 0, "{}", path.display());
            assert_eq!(failure.error.kind, "IllegalArgumentException");
            assert_eq!(failure.error.message, error.trim(), "{}", path.display());
            compared += 1;
            continue;
        }
        assert!(failure.is_none(), "{}: {failure:?}", path.display());
        let expected = std::fs::read_to_string(sibling(&path, ".pprint.txt")).unwrap();
        assert_eq!(stdout, expected, "{}", path.display());
        compared += 1;
    }
    assert!(compared >= 14, "only {compared} scenarios compared");
}
