//! [`NotebookLab`]: the notebook's three modes on one live stream of lines, run
//! batch by batch for the browser, with what the teaching views explain.

use dstream_engine::pprint::pprint_block;
use dstream_engine::time::format_batch_time;
use dstream_engine::{
    Checkpoint, Collected, DStream, Duration, EngineError, LineInput, StreamingContext,
};
use serde::{Deserialize, Serialize};

use crate::config::NotebookConfig;
use crate::explain::{BatchCounts, ExplainMemory, UpdateCall, WindowExplain};
use crate::message_type::MessageType;
use crate::pipelines::{codes, cumulative, stateless, windowed, Mode};

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

/// What a restart of a [`NotebookLab`] needs besides its settings: the
/// engine's checkpoint and what the explanations remember. A plain serde
/// value, nested as is (not as a string) in whatever record stores it; it
/// carries no version, so that record versions it (the page's saved
/// checkpoint does, with the settings beside it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotebookState {
    /// The engine's clock and remembered results (running totals, windows).
    pub engine: Checkpoint,
    /// What the teaching views' explanations remember between batches.
    pub explain: ExplainMemory,
}

/// The three modes on one live stream of lines: what the page runs.
pub struct NotebookLab {
    config: NotebookConfig,
    ssc: StreamingContext,
    input: LineInput,
    sinks: Vec<(Mode, Collected<(MessageType, i64)>)>,
    /// The window stream, read for the path each window took.
    window: DStream<(MessageType, i64)>,
    memory: ExplainMemory,
}

impl NotebookLab {
    /// Builds the graph for `config` without starting it.
    fn build(config: NotebookConfig) -> Result<NotebookLab, EngineError> {
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
        Ok(NotebookLab {
            config,
            ssc,
            input,
            sinks,
            window,
            memory: ExplainMemory::default(),
        })
    }

    /// A lab whose batch k closes at `zero_time_ms + k * interval`.
    /// `zero_time_ms` is a naive local time (UTC milliseconds plus the local
    /// offset) so that batch times print as local time, as PySpark prints them.
    pub fn new(config: NotebookConfig, zero_time_ms: i64) -> Result<NotebookLab, EngineError> {
        let lab = NotebookLab::build(config)?;
        lab.ssc.start(zero_time_ms)?;
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
    pub fn config(&self) -> &NotebookConfig {
        &self.config
    }

    /// Closes the open batch and runs the three modes on it.
    pub fn run_batch(&mut self) -> BatchReport {
        let lines = self.input.pending();
        let time_ms = match self.ssc.advance() {
            Ok(t) => t,
            // A NotebookLab is always started, so this cannot happen; report an
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
        // The path the engine recorded for the window it emitted at `t`.
        let explain = window.as_ref().and_then(|_| {
            let path = self.window.window_path().filter(|p| p.time_ms == t)?;
            Some(self.memory.window_explain(&path, &self.config))
        });
        if let Some(totals) = records(Mode::Cumulative) {
            self.memory.totals = totals;
        }
        if let Some(window) = window {
            self.memory.window = window;
        }
        (calls, explain)
    }

    /// The state a restart needs (running totals, window state, clock).
    ///
    /// The engine refuses only when no checkpoint directory is set or a record
    /// cannot become JSON. A `NotebookLab` sets its directory when it is built
    /// and its records are (message type, count) pairs, so neither happens
    /// here; the `Result` is the engine's contract, passed on so that a caller
    /// reports a refusal instead of saving nothing.
    pub fn checkpoint(&self) -> Result<NotebookState, EngineError> {
        Ok(NotebookState {
            engine: self.ssc.checkpoint_state()?,
            explain: self.memory.clone(),
        })
    }

    /// A lab built with `config` and continuing from `state`, which must have
    /// been taken with the same settings: the engine refuses a state that does
    /// not fit the graph `config` builds ([`EngineError::Checkpoint`]), and
    /// settings Spark would refuse are refused with Spark's message.
    pub fn restore(
        config: NotebookConfig,
        state: &NotebookState,
    ) -> Result<NotebookLab, EngineError> {
        let mut lab = NotebookLab::build(config)?;
        lab.ssc.restore(&state.engine)?;
        lab.memory = state.explain.clone();
        Ok(lab)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lab_with_settings_spark_refuses_is_not_built() {
        let bad = NotebookConfig {
            batch_interval_ms: 0,
            ..NotebookConfig::default()
        };
        assert!(matches!(
            NotebookLab::new(bad, 0),
            Err(EngineError::NonPositiveDuration { .. })
        ));
    }

    fn lab_with(config: NotebookConfig) -> NotebookLab {
        NotebookLab::new(config, 0).expect("valid config")
    }

    #[test]
    fn lab_runs_all_three_modes_on_one_stream() {
        let mut lab = lab_with(NotebookConfig::default());
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
        let config = NotebookConfig {
            window_ms: 50_000,
            ..NotebookConfig::default()
        };
        let mut a = lab_with(config.clone());
        let mut reports_a = Vec::new();
        for i in 0..4 {
            a.push_line(if i % 2 == 0 { "[error] x" } else { "[info] y" });
            reports_a.push(a.run_batch());
        }
        // Through JSON, as the page stores it.
        let json = serde_json::to_string(&a.checkpoint().expect("the lab checkpoints")).unwrap();
        let saved: NotebookState = serde_json::from_str(&json).unwrap();
        let mut b = NotebookLab::restore(config.clone(), &saved).expect("restores");
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
        // A state taken with a 50 s window does not fit the default 20 s one.
        assert!(matches!(
            NotebookLab::restore(NotebookConfig::default(), &saved),
            Err(EngineError::Checkpoint(_))
        ));
    }
}
