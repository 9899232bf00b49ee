//! The input a student program runs over (`replay --program`): the lines
//! `socketTextStream` yields, batch by batch. The format of
//! `crates/playground/tests/programs/inputs/*.json`; a scenario file is read
//! too, its `batch_interval_s`, `pipelines` and `checkpoint` ignored (the
//! program says those).
//!
//! A Structured Streaming program's input is a list of triggers, each a list of
//! `[ARRIVAL TIME, LINE]` pairs (`"2026-11-24 10:00:05"`: the socket source's
//! `timestamp`), the format of
//! `crates/playground/tests/programs/structured/inputs/*.json`.

use dstream_engine::time::parse_naive_time;
use serde::Deserialize;

use crate::scenario::{from_json, start_ms, ScenarioError, DEFAULT_START};

/// A program input file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputFile {
    #[serde(default)]
    start: Option<String>,
    #[serde(default = "two")]
    parallelism: usize,
    batches: Vec<Vec<String>>,
    #[serde(default)]
    extra_batches: u64,
    // A scenario's own settings: the program makes these choices itself.
    #[serde(default, rename = "batch_interval_s")]
    _batch_interval_s: Option<serde_json::Value>,
    #[serde(default, rename = "pipelines")]
    _pipelines: Option<serde_json::Value>,
    #[serde(default, rename = "checkpoint")]
    _checkpoint: Option<serde_json::Value>,
}

fn two() -> usize {
    2
}

/// What a program's `socketTextStream` yields and how the job runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramInput {
    /// Spark's zero time (naive epoch ms): batch k has time start + k * interval.
    pub start_ms: i64,
    /// `spark.default.parallelism` (default 2).
    pub parallelism: usize,
    /// The lines of each batch (one partition each; an empty batch has none).
    pub batches: Vec<Vec<String>>,
    /// Batches run after the input is drained (default 0).
    pub extra_batches: u64,
    /// For a trigger input: each trigger's lines with their arrival times
    /// (naive epoch ms); `batches` then holds the same lines without them.
    pub triggers: Option<Vec<Vec<TimedLine>>>,
}

/// A line of a Structured Streaming trigger and when it reached the source.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedLine {
    /// The arrival time (naive epoch ms): the line's `timestamp` column.
    pub arrival_ms: i64,
    /// The line.
    pub line: String,
}

impl ProgramInput {
    /// Reads an input (or scenario, or trigger input) file's JSON text.
    pub fn parse(text: &str) -> Result<ProgramInput, ScenarioError> {
        if text.trim_start().starts_with('[') {
            return ProgramInput::parse_triggers(text);
        }
        let file: InputFile = from_json(text)?;
        let start_ms = start_ms(file.start.as_deref().unwrap_or(DEFAULT_START))?;
        if file.parallelism == 0 {
            return Err(ScenarioError::Malformed(
                "field `parallelism` must be at least 1".into(),
            ));
        }
        Ok(ProgramInput {
            start_ms,
            parallelism: file.parallelism,
            batches: file.batches,
            extra_batches: file.extra_batches,
            triggers: None,
        })
    }

    /// Reads a trigger input: `[[[TIME, LINE], ...], ...]`.
    fn parse_triggers(text: &str) -> Result<ProgramInput, ScenarioError> {
        let file: Vec<Vec<(String, String)>> = from_json(text)?;
        let mut triggers = Vec::with_capacity(file.len());
        for (k, trigger) in file.into_iter().enumerate() {
            let lines = trigger
                .into_iter()
                .enumerate()
                .map(|(i, (time, line))| match parse_naive_time(&time) {
                    Some(arrival_ms) => Ok(TimedLine { arrival_ms, line }),
                    None => Err(ScenarioError::Malformed(format!(
                        "field `[{k}][{i}][0]`: {time:?} is not a time like \"2026-11-24 10:00:05\""
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            triggers.push(lines);
        }
        Ok(ProgramInput {
            start_ms: start_ms(DEFAULT_START)?,
            parallelism: two(),
            batches: triggers
                .iter()
                .map(|t| t.iter().map(|l| l.line.clone()).collect())
                .collect(),
            extra_batches: 0,
            triggers: Some(triggers),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_default_start_parallelism_and_extra_batches() {
        let input = ProgramInput::parse(r#"{"batches": [["a b"], []]}"#).unwrap();
        assert_eq!(input.start_ms, parse_naive_time(DEFAULT_START).unwrap());
        assert_eq!((input.parallelism, input.extra_batches), (2, 0));
        assert_eq!(input.batches, vec![vec!["a b".to_string()], vec![]]);
    }

    #[test]
    fn scenario_files_are_inputs_whose_own_settings_are_ignored() {
        let input = ProgramInput::parse(
            r#"{"batch_interval_s": 5, "checkpoint": false, "parallelism": 3,
                "batches": [["x"]], "extra_batches": 2, "pipelines": [{"mode": "stateless"}]}"#,
        )
        .unwrap();
        assert_eq!((input.parallelism, input.extra_batches), (3, 2));
    }

    #[test]
    fn trigger_inputs_give_each_lines_arrival_time() {
        let input = ProgramInput::parse(
            r#"[[["2026-11-24 10:00:05", "[info] a"]], [], [["2026-11-24 10:00:02", "late"]]]"#,
        )
        .unwrap();
        let at = |t: &str| parse_naive_time(t).unwrap();
        let triggers = input.triggers.unwrap();
        assert_eq!(triggers.len(), 3);
        assert_eq!(
            triggers[0],
            vec![TimedLine {
                arrival_ms: at("2026-11-24 10:00:05"),
                line: "[info] a".into()
            }]
        );
        assert!(triggers[1].is_empty());
        assert_eq!(triggers[2][0].arrival_ms, at("2026-11-24 10:00:02"));
        assert_eq!(input.batches[2], vec!["late".to_string()]);
    }

    #[test]
    fn malformed_trigger_inputs_name_the_bad_line() {
        for (text, place) in [
            (r#"[[["noon", "a"]]]"#, "[0][0][0]"),
            (r#"[[], [["2026-11-24 10:00:05"]]]"#, "[1][0]"),
            (r#"[{"batches": []}]"#, "[0]"),
        ] {
            let err = ProgramInput::parse(text).unwrap_err().to_string();
            assert!(err.contains(place), "{text}: {err}");
        }
    }

    #[test]
    fn malformed_inputs_name_the_bad_field() {
        for (text, field) in [
            (r#"{"batchs": []}"#, "batchs"),
            (r#"{"batches": [[1]]}"#, "batches[0][0]"),
            (r#"{"batches": [], "start": "noon"}"#, "start"),
            (r#"{"batches": [], "parallelism": 0}"#, "parallelism"),
        ] {
            let err = ProgramInput::parse(text).unwrap_err().to_string();
            assert!(err.contains(field), "{text}: {err}");
        }
    }
}
