//! The notebook's PySpark code for each mode, written out with the parameters currently running, so students
//! see exactly which program the panel reproduces.

pub use crate::engine::{master_cores, window_call, GET_MESSAGE_TYPE};
use crate::engine::{notebook_program, Master, Mode, NotebookConfig};

/// The notebook's program for `mode` (its cell, with the imports and functions it calls), with the batch
/// interval, window, slide, inverse and filter of `c`, as the notebook crate writes the programs the lab runs
/// ([`notebook_program`]).
///
/// `cores` is the master's: `local[cores]` (see [`master_cores`]); when it is not the partition count, the
/// partition count is set as `spark.default.parallelism`, which decides the printed key order.
pub fn pyspark_code(mode: Mode, c: &NotebookConfig, cores: usize) -> String {
    notebook_program(mode, c, Master::Cores(cores))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_python::{python_calls, python_output, PyCall};

    /// Settings covering batch intervals of 1, 2, 5 and 10 s (and half a second), windows and slides of
    /// several multiples, and the inverse function and zero filter in all four combinations.
    fn configs() -> Vec<NotebookConfig> {
        let c = |batch_interval_ms, window_ms, slide_ms, inverse, filter_zero, parallelism| {
            NotebookConfig {
                batch_interval_ms,
                window_ms,
                slide_ms,
                inverse,
                filter_zero,
                parallelism,
            }
        };
        let all = vec![
            NotebookConfig::default(),
            c(1_000, 4_000, 2_000, false, true, 4),
            c(2_000, 10_000, 2_000, true, true, 1),
            c(5_000, 30_000, 15_000, false, false, 3),
            c(10_000, 60_000, 20_000, true, true, 2),
            c(500, 3_000, 1_500, false, false, 4),
        ];
        for config in &all {
            config.validate().expect("a setting the page accepts");
        }
        all
    }

    /// The calls of `mode`'s program for `c`, failing with the program when Python cannot parse it.
    fn calls(mode: Mode, c: &NotebookConfig) -> Vec<PyCall> {
        let code = pyspark_code(mode, c, master_cores(c.parallelism));
        python_calls(&code).unwrap_or_else(|e| panic!("{e}\n--- {} ---\n{code}", mode.as_str()))
    }

    /// The one call named `name`.
    fn the_call<'a>(calls: &'a [PyCall], name: &str) -> &'a PyCall {
        let found: Vec<&PyCall> = calls.iter().filter(|c| c.name == name).collect();
        assert_eq!(found.len(), 1, "one {name}(...) in {calls:#?}");
        found[0]
    }

    /// A Python number of seconds (`10`, `0.5`) in milliseconds.
    fn ms(py: &str) -> i64 {
        let s: f64 = py
            .parse()
            .unwrap_or_else(|e| panic!("{py:?} is a number: {e}"));
        (s * 1000.0).round() as i64
    }

    #[test]
    fn every_mode_parses_as_python_with_the_interval_in_the_context() {
        for c in configs() {
            for mode in Mode::ALL {
                let calls = calls(mode, &c);
                let ctx = the_call(&calls, "StreamingContext");
                assert_eq!(ctx.assigned_to.as_deref(), Some("ssc"));
                assert_eq!(ctx.args.len(), 2, "{ctx:?}");
                assert_eq!(ctx.args[0], "spark.sparkContext");
                assert_eq!(ms(&ctx.args[1]), c.batch_interval_ms, "{c:?}");
                let cores = master_cores(c.parallelism);
                assert!(cores >= 2, "a receiver and the batches need two cores");
                assert_eq!(
                    the_call(&calls, "master").args,
                    [format!("'local[{cores}]'")]
                );
                if cores != c.parallelism {
                    assert_eq!(
                        the_call(&calls, "config").args,
                        [
                            "'spark.default.parallelism'".to_string(),
                            format!("'{}'", c.parallelism)
                        ]
                    );
                }
                let source = the_call(&calls, "socketTextStream");
                assert_eq!(source.receiver.as_deref(), Some("ssc"));
                assert_eq!(source.args, ["'127.0.0.1'", "9999"]);
                assert_eq!(source.assigned_to.as_deref(), Some("lines"));
            }
        }
    }

    #[test]
    fn the_window_call_gets_the_window_slide_inverse_and_filter() {
        for c in configs() {
            let calls = calls(Mode::Window, &c);
            let w = the_call(&calls, "reduceByKeyAndWindow");
            assert_eq!(w.receiver.as_deref(), Some("codes"));
            assert!(w.args.is_empty(), "keywords only: {w:?}");
            let names: Vec<&str> = w.keywords.iter().map(|(k, _)| k.as_str()).collect();
            let mut expected = vec!["func", "invFunc", "windowDuration", "slideDuration"];
            if c.filter_zero {
                expected.push("filterFunc");
            }
            assert_eq!(names, expected, "{c:?}");
            assert_eq!(w.keyword("func"), Some("lambda x, y: x + y"));
            let inverse = if c.inverse {
                "lambda x, y: x - y"
            } else {
                "None"
            };
            assert_eq!(w.keyword("invFunc"), Some(inverse), "{c:?}");
            assert_eq!(ms(w.keyword("windowDuration").unwrap()), c.window_ms);
            assert_eq!(ms(w.keyword("slideDuration").unwrap()), c.slide_ms);
            if c.filter_zero {
                assert_eq!(w.keyword("filterFunc"), Some("lambda kv: kv[1] != 0"));
            }
            // What is printed is the window's result.
            assert_eq!(
                the_call(&calls, "pprint").receiver,
                w.assigned_to,
                "{calls:#?}"
            );
        }
    }

    #[test]
    fn each_mode_prints_its_own_dstream_and_checkpoints_when_stateful() {
        for c in configs() {
            for mode in Mode::ALL {
                let calls = calls(mode, &c);
                let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
                // The notebook's pairs, `codes = lines.map(get_message_type).map(lambda x: (x, 1))`.
                let pairs = calls
                    .iter()
                    .find(|c| c.assigned_to.as_deref() == Some("codes"))
                    .expect("codes = ...");
                assert_eq!(pairs.name, "map");
                assert_eq!(pairs.args, ["lambda x: (x, 1)"]);
                assert_eq!(
                    pairs.receiver.as_deref(),
                    Some("lines.map(get_message_type)")
                );
                let printed = the_call(&calls, "pprint").receiver.clone();
                let made_by = |name: &str| the_call(&calls, name).assigned_to.clone();
                match mode {
                    Mode::Stateless => {
                        assert_eq!(
                            the_call(&calls, "reduceByKey").receiver.as_deref(),
                            Some("codes")
                        );
                        assert_eq!(printed, made_by("reduceByKey"));
                        assert!(!names.contains(&"checkpoint"), "{names:?}");
                        assert!(!names.contains(&"updateStateByKey"), "{names:?}");
                        assert!(!names.contains(&"reduceByKeyAndWindow"), "{names:?}");
                    }
                    Mode::Cumulative => {
                        let update = the_call(&calls, "updateStateByKey");
                        assert_eq!(update.receiver, made_by("reduceByKey"));
                        assert_eq!(update.args, ["updateFunction"]);
                        assert_eq!(printed, made_by("updateStateByKey"));
                        // `updateFunction` itself: the running count starts from the sum of the new values.
                        assert_eq!(the_call(&calls, "sum").args, ["newValues", "runningCount"]);
                    }
                    Mode::Window => {
                        assert_eq!(printed, made_by("reduceByKeyAndWindow"));
                        assert!(!names.contains(&"reduceByKey"), "{names:?}");
                    }
                }
                if mode != Mode::Stateless {
                    let cp = the_call(&calls, "checkpoint");
                    assert_eq!(cp.receiver.as_deref(), Some("ssc"));
                    assert_eq!(cp.args, ["'checkpoint'"]);
                }
                assert_eq!(
                    names[names.len() - 2..],
                    ["start", "awaitTermination"],
                    "the context starts last"
                );
            }
        }
    }

    /// The page shows the notebook's own spelling (`invFunc = ...`, spaces around `=`), not only its meaning.
    #[test]
    fn defaults_are_written_as_the_notebook_writes_them() {
        let c = NotebookConfig::default();
        let w = pyspark_code(Mode::Window, &c, 2);
        assert!(w.contains("StreamingContext(spark.sparkContext, 10)"));
        assert!(w.contains("invFunc = lambda x, y: x - y,"));
        assert!(w.contains("windowDuration = 20,"));
        assert!(w.contains("slideDuration = 10)"));
        assert!(w.contains("ssc.checkpoint(\"checkpoint\")"));
        let s = pyspark_code(Mode::Stateless, &c, 2);
        assert!(!s.contains("checkpoint"));
        assert!(pyspark_code(Mode::Cumulative, &c, 2).contains("updateStateByKey(updateFunction)"));
    }

    /// The `get_message_type` the panels show, run by Python, classifies as the engine does.
    #[test]
    fn shown_get_message_type_runs_in_python_as_the_engine_classifies() {
        let lines = [
            "[Sun Dec 04 04:47:44 2005] [info] workerEnv.init() ok",
            "[notice] jk2_init() Found child",
            "[error] mod_jk child workerEnv in error state 6",
            "[error] then [info] later",
            "[notice][error]",
            "[INFO] tags are case-sensitive",
            "no tag at all",
            "",
        ];
        let script = format!(
            "{GET_MESSAGE_TYPE}\nimport sys\nfor line in sys.stdin.read().split('\\n'):\n    print(get_message_type(line))\n"
        );
        let out = python_output(&script, &lines.join("\n")).unwrap_or_else(|e| panic!("{e}"));
        let python: Vec<&str> = out.lines().collect();
        let engine: Vec<&str> = lines
            .iter()
            .map(|l| crate::engine::get_message_type(l).as_str())
            .collect();
        assert_eq!(python, engine);
    }
}
