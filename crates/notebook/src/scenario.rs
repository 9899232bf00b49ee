//! Scenario files: the notebook's pipelines over fixed batches, written as one
//! program of the notebook's cells and run as a student's program runs, the
//! way `replay` runs them and the way `tests/pyspark/oracle.py` runs real
//! PySpark.

#[cfg(feature = "lab")]
use dstream_engine::python::PyRepr;
use dstream_engine::time::{format_batch_time, parse_naive_time};
use dstream_engine::{Duration, EngineError};
use serde::{Deserialize, Serialize};
#[cfg(feature = "lab")]
use serde_json::json;
use serde_json::Value;

use crate::config::NotebookConfig;
use crate::program_text::{
    master_cores, seconds_literal, window_call, CODES, GET_MESSAGE_TYPE, IMPORTS, UPDATE_FUNCTION,
};

/// The zero time used when a scenario names none.
pub const DEFAULT_START: &str = "2026-11-24T10:00:00";

/// A scenario file, as written (and as the page writes the batches it ran, see [`Scenario::of_lab`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The batch interval in seconds (fractions allowed, as in PySpark).
    pub batch_interval_s: f64,
    /// The zero time, `YYYY-MM-DDTHH:MM:SS`; batch k has time start + k * interval.
    #[serde(default)]
    pub start: Option<String>,
    /// Whether `ssc.checkpoint("checkpoint")` is called (default true).
    #[serde(default = "yes")]
    pub checkpoint: bool,
    /// `spark.default.parallelism` (default 2).
    #[serde(default = "two")]
    pub parallelism: usize,
    /// The lines of each batch.
    pub batches: Vec<Vec<String>>,
    /// Empty batches run after the input (default 0).
    #[serde(default)]
    pub extra_batches: u64,
    /// The pipelines, as given (echoed into the JSON output).
    pub pipelines: Vec<Value>,
}

fn yes() -> bool {
    true
}

fn two() -> usize {
    2
}

/// One pipeline of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase", deny_unknown_fields)]
pub enum PipelineSpec {
    /// `reduceByKey` per batch.
    Stateless,
    /// `updateStateByKey` running totals.
    Cumulative,
    /// `reduceByKeyAndWindow`.
    Window {
        /// Window length in seconds (default 20).
        #[serde(default = "twenty")]
        window_s: f64,
        /// Slide in seconds (default 10).
        #[serde(default = "ten")]
        slide_s: f64,
        /// Whether the inverse function is given (default true).
        #[serde(default = "yes")]
        inverse: bool,
        /// Whether zero counts are filtered out (default false).
        #[serde(default)]
        filter_zero: bool,
    },
}

fn twenty() -> f64 {
    20.0
}

fn ten() -> f64 {
    10.0
}

/// Why a scenario could not be replayed.
#[derive(Debug)]
pub enum ScenarioError {
    /// The file is not a valid scenario; the message names the bad field.
    Malformed(String),
    /// Spark would refuse the configuration; the message is Spark's.
    Spark(EngineError),
    /// The scenario's program stopped: Spark's (or Python's) message.
    Stopped(String),
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioError::Malformed(m) => write!(f, "malformed scenario: {m}"),
            ScenarioError::Spark(e) => write!(f, "{e}"),
            ScenarioError::Stopped(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl From<EngineError> for ScenarioError {
    fn from(e: EngineError) -> Self {
        ScenarioError::Spark(e)
    }
}

/// What a replay produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// Everything `pprint()` printed: batch by batch, pipeline by pipeline.
    pub pprint: String,
    /// `{"pipelines": [{"spec", "batches": [{"batch", "time", "records"}]}]}` with
    /// every record of every emitted batch, records sorted.
    pub json: Value,
}

impl Scenario {
    /// Reads a scenario from JSON text.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let s: Scenario = from_json(text)?;
        if let Some(start) = &s.start {
            start_ms(start)?;
        }
        if !s.batch_interval_s.is_finite() {
            return Err(ScenarioError::Malformed(
                "field `batch_interval_s` must be a number".into(),
            ));
        }
        s.specs()?;
        Ok(s)
    }

    /// The pipelines, parsed.
    pub fn specs(&self) -> Result<Vec<PipelineSpec>, ScenarioError> {
        self.pipelines
            .iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value::<PipelineSpec>(v.clone())
                    .map_err(|e| ScenarioError::Malformed(format!("field `pipelines[{i}]`: {e}")))
            })
            .collect()
    }

    /// The zero time in naive epoch milliseconds.
    pub fn start_ms(&self) -> i64 {
        self.start
            .as_deref()
            .and_then(parse_naive_time)
            .or_else(|| parse_naive_time(DEFAULT_START))
            .unwrap_or(0)
    }

    /// The scenario of batches a [`crate::NotebookLab`] ran with `config`: its three modes as pipelines, in
    /// [`crate::Mode::ALL`] order, over `batches` (the lines of each), the first closing one interval after
    /// `start_ms` (naive epoch ms), so that replaying it prints the lab's `Time:` lines.
    pub fn of_lab(config: &NotebookConfig, start_ms: i64, batches: Vec<Vec<String>>) -> Scenario {
        let seconds = |ms: i64| ms as f64 / 1000.0;
        let specs = [
            PipelineSpec::Stateless,
            PipelineSpec::Cumulative,
            PipelineSpec::Window {
                window_s: seconds(config.window_ms),
                slide_s: seconds(config.slide_ms),
                inverse: config.inverse,
                filter_zero: config.filter_zero,
            },
        ];
        Scenario {
            batch_interval_s: seconds(config.batch_interval_ms),
            start: Some(start_text(start_ms)),
            checkpoint: true,
            parallelism: config.parallelism,
            batches,
            extra_batches: 0,
            // A unit enum variant or a struct of numbers and booleans always becomes JSON.
            pipelines: specs
                .iter()
                .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
                .collect(),
        }
    }

    /// The lab settings that run this scenario's pipelines: its interval and parallelism, and the first window
    /// pipeline's settings (the notebook's when it has none), durations read as [`Scenario::run`] reads them.
    /// Settings Spark would refuse are refused with Spark's message.
    pub fn lab_config(&self) -> Result<NotebookConfig, ScenarioError> {
        let ms = |s: f64| Duration::from_secs_f64(s).as_millis();
        let mut config = NotebookConfig {
            batch_interval_ms: ms(self.batch_interval_s),
            parallelism: self.parallelism,
            ..NotebookConfig::default()
        };
        let window = self.specs()?.into_iter().find_map(|s| match s {
            PipelineSpec::Window {
                window_s,
                slide_s,
                inverse,
                filter_zero,
            } => Some((window_s, slide_s, inverse, filter_zero)),
            _ => None,
        });
        if let Some((window_s, slide_s, inverse, filter_zero)) = window {
            config.window_ms = ms(window_s);
            config.slide_ms = ms(slide_s);
            config.inverse = inverse;
            config.filter_zero = filter_zero;
        }
        config.validate()?;
        Ok(config)
    }

    /// The scenario's pipelines as one program of the notebook's cells, as
    /// `tests/pyspark/oracle.py` builds them in PySpark: one context, each
    /// pipeline with its `pprint()`, in the scenario's order.
    pub fn program(&self) -> Result<String, ScenarioError> {
        let ms = |s: f64| Duration::from_secs_f64(s).as_millis();
        let mut s = String::from(IMPORTS);
        s.push_str("\n\n");
        s.push_str(GET_MESSAGE_TYPE);
        s.push_str("\n\n");
        s.push_str(UPDATE_FUNCTION);
        s.push_str("\n\n");
        s.push_str(&format!(
            "spark = SparkSession.builder.appName(\"DStream Lab scenario\").master(\"local[{}]\").config(\"spark.default.parallelism\", \"{}\").getOrCreate()\n",
            master_cores(self.parallelism),
            self.parallelism
        ));
        s.push_str(&format!(
            "ssc = StreamingContext(spark.sparkContext, {})\n",
            seconds_literal(ms(self.batch_interval_s))
        ));
        if self.checkpoint {
            s.push_str("ssc.checkpoint(\"checkpoint\")\n");
        }
        s.push_str("lines = ssc.socketTextStream(\"127.0.0.1\", 9999)\n");
        s.push_str(CODES);
        for (i, spec) in self.specs()?.into_iter().enumerate() {
            let name = format!("pipeline_{}", i + 1);
            match spec {
                PipelineSpec::Stateless => {
                    s.push_str(&format!("{name} = codes.reduceByKey(lambda x, y: x + y)\n"));
                }
                PipelineSpec::Cumulative => s.push_str(&format!(
                    "{name} = codes.reduceByKey(lambda x, y: x + y).updateStateByKey(updateFunction)\n"
                )),
                PipelineSpec::Window {
                    window_s,
                    slide_s,
                    inverse,
                    filter_zero,
                } => {
                    let window = NotebookConfig {
                        window_ms: ms(window_s),
                        slide_ms: ms(slide_s),
                        inverse,
                        filter_zero,
                        ..NotebookConfig::default()
                    };
                    s.push_str(&window_call(&name, " = ", &window));
                }
            }
            s.push_str(&format!("{name}.pprint()\n"));
        }
        s.push_str("ssc.start()\nssc.awaitTermination()\n");
        Ok(s)
    }

    /// Runs the scenario's program ([`Scenario::program`]) as the oracle runs
    /// it in PySpark: `queueStream(batches, oneAtATime=True)` read at every
    /// batch. A job that stops is reported with Spark's (or Python's) message.
    #[cfg(feature = "lab")]
    pub fn run(&self) -> Result<Replay, ScenarioError> {
        use dstream_playground::{Input, Job, JobConfig, NodeKind};

        let config = JobConfig {
            start_ms: self.start_ms(),
            parallelism: self.parallelism,
            input: Input::Queue(self.batches.clone()),
        };
        let mut job = Job::from_source(config, &self.program()?, "scenario.py");
        job.keep_outputs();
        // The pipelines' `pprint` nodes, in the scenario's order.
        let printers: Vec<usize> = job
            .describe()
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Pprint { .. }))
            .map(|n| n.id)
            .collect();
        let mut emitted: Vec<Vec<Value>> = vec![Vec::new(); printers.len()];
        let zero = self.start_ms();
        for _ in 0..self.batches.len() as u64 + self.extra_batches {
            let r = job.run_batch();
            if let Some(f) = r.failure {
                return Err(ScenarioError::Stopped(f.error.message));
            }
            let (Some(t), Some(interval)) = (r.time_ms, job.batch_interval_ms()) else {
                break;
            };
            for out in &r.outputs {
                if let Some(i) = printers.iter().position(|id| *id == out.id) {
                    emitted[i].push(batch_json((t - zero) / interval, t, &out.records));
                }
            }
        }
        if let Some(f) = job.failed() {
            return Err(ScenarioError::Stopped(f.error.message.clone()));
        }
        let pipelines: Vec<Value> = self
            .pipelines
            .iter()
            .zip(emitted)
            .map(|(spec, batches)| json!({"spec": spec, "batches": batches}))
            .collect();
        Ok(Replay {
            pprint: job.output(),
            json: json!({ "pipelines": pipelines }),
        })
    }
}

#[cfg(feature = "lab")]
fn batch_json(batch: i64, t: i64, records: &[dstream_python::Value]) -> Value {
    let mut shown: Vec<String> = records.iter().map(|r| r.str_string()).collect();
    shown.sort();
    json!({"batch": batch, "time": format_batch_time(t), "records": shown})
}

/// Reads an input file's JSON text as `T`, naming the field at fault.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ScenarioError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            ScenarioError::Malformed(e.inner().to_string())
        } else {
            ScenarioError::Malformed(format!("field `{path}`: {}", e.inner()))
        }
    })
}

/// Naive epoch ms written as a `start` field: `YYYY-MM-DDTHH:MM:SS`, with `.ffffff` only when there are
/// sub-seconds (the batch time PySpark prints, with the `T` scenario files use).
pub fn start_text(ms: i64) -> String {
    format_batch_time(ms).replacen(' ', "T", 1)
}

/// A file's `start` field as naive epoch ms.
pub(crate) fn start_ms(start: &str) -> Result<i64, ScenarioError> {
    parse_naive_time(start).ok_or_else(|| {
        ScenarioError::Malformed(format!(
            "field `start`: {start:?} is not a time like \"2026-11-24T10:00:00\""
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_scenarios_name_the_bad_field() {
        let err = Scenario::parse(r#"{"batch_interval_s": 10, "pipelines": []}"#).unwrap_err();
        assert!(err.to_string().contains("batches"), "{err}");
        let err = Scenario::parse(
            r#"{"batch_interval_s": 10, "batches": [], "pipelines": [{"mode": "sliding"}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("pipelines[0]"), "{err}");
        let err = Scenario::parse(
            r#"{"batch_interval_s": 10, "batches": [], "pipelines": [], "colour": 1}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
        let err = Scenario::parse(
            r#"{"batch_interval_s": 10, "start": "noon", "batches": [], "pipelines": []}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("start"), "{err}");
    }

    #[test]
    fn a_lab_scenario_survives_json_and_gives_back_the_lab_settings() {
        let config = NotebookConfig {
            batch_interval_ms: 500,
            window_ms: 3_000,
            slide_ms: 1_500,
            inverse: false,
            filter_zero: true,
            parallelism: 3,
        };
        let start = parse_naive_time("2026-11-30T09:15:02.5").unwrap();
        let s = Scenario::of_lab(&config, start, vec![vec!["[info] a".into()], vec![]]);
        let text = serde_json::to_string(&s).unwrap();
        let back = Scenario::parse(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.start_ms(), start);
        assert_eq!(back.lab_config().unwrap(), config);
        let modes: Vec<&str> = s
            .pipelines
            .iter()
            .filter_map(|p| p["mode"].as_str())
            .collect();
        assert_eq!(modes, ["stateless", "cumulative", "window"]);
    }

    #[test]
    fn spark_config_errors_are_reported_with_sparks_message() {
        let s = Scenario::parse(
            r#"{"batch_interval_s": 10, "checkpoint": false, "batches": [["[info] a"]], "pipelines": [{"mode": "cumulative"}]}"#,
        )
        .unwrap();
        let err = s.run().expect_err("no checkpoint directory");
        assert!(matches!(err, ScenarioError::Stopped(_)), "{err:?}");
        assert_eq!(err.to_string(), EngineError::CheckpointNotSet.to_string());
        let s = Scenario::parse(
            r#"{"batch_interval_s": 10, "batches": [], "pipelines": [{"mode": "window", "window_s": 15}]}"#,
        )
        .unwrap();
        let err = s.run().expect_err("a window of 1.5 batches");
        let spark = EngineError::WindowNotMultiple {
            window_ms: 15_000,
            parent_ms: 10_000,
        };
        assert_eq!(err.to_string(), spark.to_string());
    }

    #[test]
    fn a_window_that_skips_batches_still_sees_each_batch_at_its_own_time() {
        // window 10 s / slide 20 s never asks for batches 1 and 3; the oracle's
        // marker reads the queue at every batch, so batch 2 holds `error`.
        let s = Scenario::parse(
            r#"{"batch_interval_s": 10, "batches": [["[info] a"], ["[error] b"], ["[notice] c"], ["[warn] d"]],
                "pipelines": [{"mode": "window", "window_s": 10, "slide_s": 20, "inverse": false}]}"#,
        )
        .unwrap();
        let replay = s.run().unwrap();
        let batches = &replay.json["pipelines"][0]["batches"];
        assert_eq!(batches[0]["records"], serde_json::json!(["('error', 1)"]));
        assert_eq!(batches[1]["records"], serde_json::json!(["('unknown', 1)"]));
    }
}
