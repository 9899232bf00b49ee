//! Every student program of `tests/programs/manifest.json`, run by the lab's
//! Python over its input as the PySpark oracle ran it
//! (`tests/pyspark/program_oracle.py`), prints byte for byte what real
//! PySpark 4.0.1 printed and fails with the error, line and batch PySpark
//! reported.

use dstream_playground::{run_batches, Input, JobConfig, JobFailure};
use serde_json::Value as Json;

use crate::manifest;
use manifest::{manifest, program, programs_dir};

/// Runs `name` (without `.py`) over its manifest input.
fn run(name: &str) -> (String, Option<JobFailure>) {
    let (source, input) = program(name);
    let file = format!("{name}.py");
    // `run_batches` feeds the batches itself (`Input::Queue`).
    let config = JobConfig {
        start_ms: input.start_ms,
        parallelism: input.parallelism,
        input: Input::Live,
    };
    run_batches(
        config,
        |host| {
            let program = dstream_python::compile(&source, &file)?;
            dstream_python::Interpreter::new(host).run(&program)
        },
        &input.batches,
        input.extra_batches,
    )
}

/// Asserts `name` printed its golden stdout and failed (or not) as PySpark did.
fn check(name: &str) {
    let dir = programs_dir();
    let (stdout, failure) = run(name);
    let golden = std::fs::read_to_string(dir.join(format!("{name}.stdout.txt"))).unwrap();
    let error_path = dir.join(format!("{name}.error.json"));
    let expected: Option<Json> = error_path
        .exists()
        .then(|| serde_json::from_str(&std::fs::read_to_string(&error_path).unwrap()).unwrap());
    match (expected, failure) {
        (None, None) => {}
        (None, Some(f)) => panic!(
            "{name}: PySpark ran it, the lab failed at batch {} with {} (line {:?})\nstdout so far:\n{stdout}",
            f.batch,
            f.error,
            f.error.line()
        ),
        (Some(e), None) => panic!("{name}: PySpark failed with {e}, the lab did not\n{stdout}"),
        (Some(e), Some(f)) => {
            let ours = serde_json::json!({
                "type": f.error.kind,
                "message": f.error.message,
                "line": f.error.line(),
                "batch": f.batch,
            });
            let theirs = serde_json::json!({
                "type": e["type"],
                "message": e["message"],
                "line": e["line"],
                "batch": e["batch"],
            });
            assert_eq!(ours, theirs, "{name}: the error");
            if e["type"] == "SyntaxError" {
                let (offset, text) = f.error.syntax.clone().expect("a caret for a SyntaxError");
                assert_eq!(Some(u64::from(offset)), e["offset"].as_u64(), "{name}: caret");
                assert_eq!(text, e["text"].as_str().unwrap(), "{name}: line text");
            }
        }
    }
    assert_eq!(stdout, golden, "{name}: stdout");
}

/// One test per program, named after it, and the list the aggregate test
/// compares with the manifest.
macro_rules! programs {
    ($($name:ident),* $(,)?) => {
        const TESTED: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

programs!(
    builtins_sorted,
    comprehensions,
    count_by_value,
    defaults_and_branches,
    driver_prints,
    error_attribute,
    error_count,
    error_in_transform,
    error_index,
    error_key,
    error_no_checkpoint,
    error_str_concat,
    error_syntax_colon,
    error_syntax_invalid,
    error_take_whole_partition,
    error_window_not_multiple,
    error_window_slide,
    error_zero_division,
    floats,
    key_types,
    key_types_p3,
    loops,
    network_word_count,
    notebook_cumulative,
    notebook_stateless,
    notebook_window,
    pair_ops,
    pprint_small,
    reduce_windows,
    sort_by_key,
    state_drop_keys,
    strings,
    take_skips_partition,
    top3_words,
    union_streams,
    unpack_fstrings,
    window_and_count,
    window_filter_func,
);

#[test]
fn every_manifest_program_has_a_test_and_a_golden() {
    let listed: Vec<String> = manifest().into_iter().map(|(p, _)| p).collect();
    let mut tested: Vec<String> = TESTED.iter().map(|s| s.to_string()).collect();
    tested.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(
        tested, sorted,
        "programs.rs's list and manifest.json differ"
    );
    for name in &listed {
        assert!(
            programs_dir().join(format!("{name}.stdout.txt")).exists(),
            "{name}: no golden stdout"
        );
    }
    assert!(listed.len() >= 38, "only {} programs", listed.len());
}
