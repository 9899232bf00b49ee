//! The notebook's job (chapter 10, "Spark Streaming"): classify log lines, count
//! them per batch, keep running totals, and count over a sliding window, and
//! [`SeedLab`], which runs all three on one live stream for the browser.

use serde::{Deserialize, Serialize};

use crate::context::{LineInput, StreamingContext};
use crate::dstream::{Collected, DStream, FilterFn, InvFn};
use crate::duration::Duration;
use crate::error::{positive, EngineError};
use crate::explain::{BatchCounts, ExplainMemory, UpdateCall, WindowExplain};
use crate::graph::Record;
use crate::pprint::pprint_block;
use crate::python::{repr_str, str_hash, PyHash, PyRepr};
use crate::time::format_batch_time;

pub use crate::classify::get_message_type;

/// The notebook's message types: the keys of every pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageType {
    /// The line holds `[info]`.
    Info,
    /// The line holds `[notice]` (and no `[info]`).
    Notice,
    /// The line holds `[error]` (and neither of the above).
    Error,
    /// None of the three tags.
    Unknown,
}

impl MessageType {
    /// All types, in the order the notebook checks them.
    pub const ALL: [MessageType; 4] = [
        MessageType::Info,
        MessageType::Notice,
        MessageType::Error,
        MessageType::Unknown,
    ];

    /// The string `get_message_type` returns in Python.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Info => "info",
            MessageType::Notice => "notice",
            MessageType::Error => "error",
            MessageType::Unknown => "unknown",
        }
    }
}

impl PyRepr for MessageType {
    fn py_repr(&self, out: &mut String) {
        repr_str(self.as_str(), out)
    }
    fn py_str(&self, out: &mut String) {
        out.push_str(self.as_str())
    }
}

impl PyHash for MessageType {
    /// The hash of the Python string, so keys land in PySpark's partitions.
    fn py_hash(&self) -> i64 {
        str_hash(self.as_str())
    }
}

/// The notebook's `updateFunction(newValues, runningCount)`:
/// `sum(newValues, runningCount or 0)`.
pub fn update_function(new_values: &[i64], running_count: Option<&i64>) -> Option<i64> {
    Some(running_count.copied().unwrap_or(0) + new_values.iter().sum::<i64>())
}

/// `lines.map(get_message_type).map(lambda x: (x, 1))`.
pub fn codes<L: Record + AsRef<str>>(lines: &DStream<L>) -> DStream<(MessageType, i64)> {
    lines
        .map(|l| get_message_type(l.as_ref()))
        .map(|t| (*t, 1i64))
}

/// Mode 1: `codes.reduceByKey(lambda x, y: x + y)`.
pub fn stateless(codes: &DStream<(MessageType, i64)>) -> DStream<(MessageType, i64)> {
    codes.reduce_by_key(|a, b| a + b, None)
}

/// Mode 2: `codes_count.updateStateByKey(updateFunction)`.
pub fn cumulative(codes_count: &DStream<(MessageType, i64)>) -> DStream<(MessageType, i64)> {
    codes_count.update_state_by_key(update_function, None, None)
}

/// The windowed mode's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpec {
    /// `windowDuration` in milliseconds.
    pub window_ms: i64,
    /// `slideDuration` in milliseconds.
    pub slide_ms: i64,
    /// Whether `invFunc = lambda x, y: x - y` is given.
    pub inverse: bool,
    /// Whether `filterFunc = lambda kv: kv[1] != 0` is given (only used with the inverse).
    pub filter_zero: bool,
}

/// Mode 3: `codes.reduceByKeyAndWindow(func=+, invFunc=-, windowDuration, slideDuration)`.
pub fn windowed(
    codes: &DStream<(MessageType, i64)>,
    spec: WindowSpec,
) -> Result<DStream<(MessageType, i64)>, EngineError> {
    let inv: Option<InvFn<i64>> = if spec.inverse {
        Some(Box::new(|a, b| a - b))
    } else {
        None
    };
    let filter: Option<FilterFn<(MessageType, i64)>> = if spec.filter_zero {
        Some(Box::new(|kv| kv.1 != 0))
    } else {
        None
    };
    codes.reduce_by_key_and_window(
        |a, b| a + b,
        inv,
        Duration::from_millis(spec.window_ms),
        Duration::from_millis(spec.slide_ms),
        None,
        filter,
    )
}

/// The lab's settings, the notebook's by default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedConfig {
    /// `StreamingContext(sc, 10)`: the batch interval in milliseconds.
    pub batch_interval_ms: i64,
    /// `windowDuration` in milliseconds.
    pub window_ms: i64,
    /// `slideDuration` in milliseconds.
    pub slide_ms: i64,
    /// Whether the window takes the inverse function.
    pub inverse: bool,
    /// Whether the window filters out zero counts.
    pub filter_zero: bool,
    /// `defaultParallelism` (cores of `local[*]`): decides the printed key order.
    pub parallelism: usize,
}

impl Default for SeedConfig {
    fn default() -> Self {
        SeedConfig {
            batch_interval_ms: 10_000,
            window_ms: 20_000,
            slide_ms: 10_000,
            inverse: true,
            filter_zero: false,
            parallelism: 2,
        }
    }
}

impl SeedConfig {
    /// The window parameters.
    pub fn window_spec(&self) -> WindowSpec {
        WindowSpec {
            window_ms: self.window_ms,
            slide_ms: self.slide_ms,
            inverse: self.inverse,
            filter_zero: self.filter_zero,
        }
    }

    /// Checks the settings as Spark would, with Spark's messages.
    pub fn validate(&self) -> Result<(), EngineError> {
        let batch = positive("batch interval", self.batch_interval_ms)?;
        let window = positive("window duration", self.window_ms)?;
        let slide = positive("slide duration", self.slide_ms)?;
        if window % batch != 0 {
            return Err(EngineError::WindowNotMultiple {
                window_ms: window,
                parent_ms: batch,
            });
        }
        if slide % batch != 0 {
            return Err(EngineError::SlideNotMultiple {
                slide_ms: slide,
                parent_ms: batch,
            });
        }
        if self.parallelism == 0 {
            return Err(EngineError::InvalidArgument(
                "The parallelism must be at least 1 partition.".to_string(),
            ));
        }
        Ok(())
    }
}

/// The three modes of the notebook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `reduceByKey` per batch.
    Stateless,
    /// `updateStateByKey` running totals.
    Cumulative,
    /// `reduceByKeyAndWindow`.
    Window,
}

impl Mode {
    /// All modes, in the notebook's order.
    pub const ALL: [Mode; 3] = [Mode::Stateless, Mode::Cumulative, Mode::Window];

    /// The mode's name: `stateless`, `cumulative`, `window`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Stateless => "stateless",
            Mode::Cumulative => "cumulative",
            Mode::Window => "window",
        }
    }
}

/// What one mode emitted at one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeOutput {
    /// Which mode.
    pub mode: Mode,
    /// The records, in the order PySpark prints them.
    pub records: Vec<(MessageType, i64)>,
    /// The exact block PySpark's `pprint()` prints for them.
    pub pprint: String,
}

/// The outcome of one batch of the lab.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchReport {
    /// The batch number, 1-based.
    pub batch: u64,
    /// The batch time (naive local epoch milliseconds).
    pub time_ms: i64,
    /// The time as `pprint()` shows it.
    pub time_label: String,
    /// How many lines the batch held.
    pub lines: usize,
    /// The modes that emitted at this batch, in [`Mode::ALL`] order (the window
    /// emits only every slide).
    pub outputs: Vec<ModeOutput>,
    /// The calls of `updateFunction` that made this batch's running totals.
    pub state_calls: Vec<UpdateCall>,
    /// How the window was formed, when the window emitted at this batch.
    pub window_explain: Option<WindowExplain>,
}

/// What `SeedLab::checkpoint_json` saves.
#[derive(Serialize, Deserialize)]
struct SeedCheckpoint {
    config: SeedConfig,
    engine: crate::checkpoint::Checkpoint,
    #[serde(default)]
    explain: ExplainMemory,
}

/// The three modes on one live stream of lines: what the page runs.
pub struct SeedLab {
    config: SeedConfig,
    ssc: StreamingContext,
    input: LineInput,
    sinks: Vec<(Mode, Collected<(MessageType, i64)>)>,
    zero_ms: i64,
    memory: ExplainMemory,
}

impl SeedLab {
    /// Builds the graph for `config` without starting it.
    fn build(config: SeedConfig) -> Result<SeedLab, EngineError> {
        config.validate()?;
        let ssc = StreamingContext::new(Duration::from_millis(config.batch_interval_ms))?;
        ssc.set_default_parallelism(config.parallelism)?;
        ssc.checkpoint("checkpoint");
        let (lines, input) = ssc.live_lines();
        let codes = codes(&lines);
        let counts = stateless(&codes);
        let totals = cumulative(&counts);
        let window = windowed(&codes, config.window_spec())?;
        let sinks = vec![
            (Mode::Stateless, counts.collect()),
            (Mode::Cumulative, totals.collect()),
            (Mode::Window, window.collect()),
        ];
        Ok(SeedLab {
            config,
            ssc,
            input,
            sinks,
            zero_ms: 0,
            memory: ExplainMemory::default(),
        })
    }

    /// A lab whose batch k closes at `zero_time_ms + k * interval`.
    /// `zero_time_ms` is a naive local time (UTC milliseconds plus the local
    /// offset) so that batch times print as local time, as PySpark prints them.
    pub fn new(config: SeedConfig, zero_time_ms: i64) -> Result<SeedLab, EngineError> {
        let mut lab = SeedLab::build(config)?;
        lab.ssc.start(zero_time_ms)?;
        lab.zero_ms = zero_time_ms;
        Ok(lab)
    }

    /// Adds a line to the open batch.
    pub fn push_line(&mut self, line: &str) {
        self.input.push(line);
    }

    /// How many lines the open batch holds.
    pub fn pending_lines(&self) -> usize {
        self.input.pending()
    }

    /// When the open batch closes.
    pub fn next_batch_time_ms(&self) -> i64 {
        self.ssc.next_batch_time()
    }

    /// The settings.
    pub fn config(&self) -> &SeedConfig {
        &self.config
    }

    /// Closes the open batch and runs the three modes on it.
    pub fn run_batch(&mut self) -> BatchReport {
        let lines = self.input.pending();
        let time_ms = match self.ssc.advance() {
            Ok(t) => t,
            // A SeedLab is always started, so this cannot happen; report an
            // empty batch rather than stop the page.
            Err(_) => self.ssc.next_batch_time(),
        };
        let outputs: Vec<ModeOutput> = self
            .sinks
            .iter()
            .flat_map(|(mode, sink)| {
                sink.take().into_iter().map(move |(t, records)| ModeOutput {
                    mode: *mode,
                    pprint: pprint_block(t, &records, 10),
                    records,
                })
            })
            .collect();
        let (state_calls, window_explain) = self.explain(time_ms, &outputs);
        BatchReport {
            batch: self.ssc.batches_run(),
            time_ms,
            time_label: format_batch_time(time_ms),
            lines,
            outputs,
            state_calls,
            window_explain,
        }
    }

    /// Works out the teaching views' explanations from this batch's outputs.
    fn explain(
        &mut self,
        t: i64,
        outputs: &[ModeOutput],
    ) -> (Vec<UpdateCall>, Option<WindowExplain>) {
        let records = |mode: Mode| {
            outputs
                .iter()
                .find(|o| o.mode == mode)
                .map(|o| o.records.clone())
        };
        let batch = BatchCounts {
            time_ms: t,
            counts: records(Mode::Stateless).unwrap_or_default(),
        };
        let calls = self.memory.state_calls(&batch, self.config.parallelism);
        self.memory.remember(&self.config, batch);
        let window = records(Mode::Window);
        let explain = window
            .as_ref()
            .map(|_| self.memory.window_explain(&self.config, self.zero_ms, t));
        if let Some(totals) = records(Mode::Cumulative) {
            self.memory.totals = totals;
        }
        if let Some(window) = window {
            self.memory.window = window;
        }
        (calls, explain)
    }

    /// The state a restart needs (running totals, window state, clock), as JSON.
    pub fn checkpoint_json(&self) -> String {
        match self.ssc.checkpoint_state() {
            Ok(engine) => serde_json::to_string(&SeedCheckpoint {
                config: self.config.clone(),
                engine,
                explain: self.memory.clone(),
            })
            .unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The settings a saved checkpoint was taken with, if it can be read.
    pub fn checkpoint_config(json: &str) -> Result<SeedConfig, EngineError> {
        serde_json::from_str::<SeedCheckpoint>(json)
            .map(|c| c.config)
            .map_err(|e| {
                EngineError::Checkpoint(format!("it is not a DStream Lab checkpoint ({e})"))
            })
    }

    /// A lab continuing from a checkpoint taken with the same settings.
    pub fn restore(config: SeedConfig, json: &str) -> Result<SeedLab, EngineError> {
        let saved: SeedCheckpoint = serde_json::from_str(json).map_err(|e| {
            EngineError::Checkpoint(format!("it is not a DStream Lab checkpoint ({e})"))
        })?;
        if saved.config != config {
            return Err(EngineError::Checkpoint(
                "it was saved with other settings (batch interval, window, slide, inverse, filter or parallelism)"
                    .to_string(),
            ));
        }
        let mut lab = SeedLab::build(config)?;
        lab.ssc.restore(&saved.engine)?;
        lab.zero_ms = saved.engine.zero_ms;
        lab.memory = saved.explain;
        Ok(lab)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_function_sums_from_zero_or_the_running_count() {
        assert_eq!(update_function(&[1, 2], None), Some(3));
        assert_eq!(update_function(&[], Some(&5)), Some(5));
        assert_eq!(update_function(&[4], Some(&5)), Some(9));
    }

    #[test]
    fn config_errors_are_sparks() {
        let bad = SeedConfig {
            window_ms: 15_000,
            ..SeedConfig::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "windowDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
        );
        let bad = SeedConfig {
            slide_ms: 5_000,
            ..SeedConfig::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(EngineError::SlideNotMultiple { .. })
        ));
        let bad = SeedConfig {
            batch_interval_ms: 0,
            ..SeedConfig::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(EngineError::NonPositiveDuration { .. })
        ));
        assert!(SeedLab::new(bad, 0).is_err());
    }

    fn lab_with(config: SeedConfig) -> SeedLab {
        SeedLab::new(config, 0).expect("valid config")
    }

    #[test]
    fn lab_runs_all_three_modes_on_one_stream() {
        let mut lab = lab_with(SeedConfig::default());
        for line in ["[info] a", "[error] b", "[error] c", "plain"] {
            lab.push_line(line);
        }
        assert_eq!(lab.pending_lines(), 4);
        let r = lab.run_batch();
        assert_eq!((r.batch, r.time_ms, r.lines), (1, 10_000, 4));
        let modes: Vec<Mode> = r.outputs.iter().map(|o| o.mode).collect();
        assert_eq!(modes, Mode::ALL);
        // Two partitions: error and unknown hash to 0, info to 1.
        assert_eq!(
            r.outputs[0].records,
            vec![
                (MessageType::Error, 2),
                (MessageType::Unknown, 1),
                (MessageType::Info, 1)
            ]
        );
        assert!(r.outputs[0].pprint.contains("Time: 1970-01-01 00:00:10\n"));
        lab.push_line("[info] d");
        let r2 = lab.run_batch();
        let totals = &r2
            .outputs
            .iter()
            .find(|o| o.mode == Mode::Cumulative)
            .unwrap()
            .records;
        assert_eq!(
            totals,
            &vec![
                (MessageType::Error, 2),
                (MessageType::Unknown, 1),
                (MessageType::Info, 2)
            ]
        );
    }

    #[test]
    fn checkpoint_restores_running_totals_and_window() {
        let config = SeedConfig {
            window_ms: 50_000,
            ..SeedConfig::default()
        };
        let mut a = lab_with(config.clone());
        let mut reports_a = Vec::new();
        for i in 0..4 {
            a.push_line(if i % 2 == 0 { "[error] x" } else { "[info] y" });
            reports_a.push(a.run_batch());
        }
        let saved = a.checkpoint_json();
        let mut b = SeedLab::restore(config.clone(), &saved).expect("restores");
        assert_eq!(b.next_batch_time_ms(), a.next_batch_time_ms());
        for i in 0..8 {
            let line = if i % 3 == 0 {
                "[notice] z"
            } else {
                "[error] w"
            };
            a.push_line(line);
            b.push_line(line);
            assert_eq!(a.run_batch(), b.run_batch());
        }
        assert!(matches!(
            SeedLab::restore(SeedConfig::default(), &saved),
            Err(EngineError::Checkpoint(_))
        ));
        assert!(matches!(
            SeedLab::restore(config, "{not json"),
            Err(EngineError::Checkpoint(_))
        ));
    }
}
