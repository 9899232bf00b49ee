//! [`NotebookLab`]: the notebook's three cells, run as three programs of the
//! lab's Python (the same path as a student's code) on one live stream of
//! lines, batch by batch for the browser, with what the teaching views
//! explain, read from what the programs did.

use dstream_engine::python::PyRepr;
use dstream_engine::time::format_batch_time;
use dstream_engine::EngineError;
use dstream_playground::{BatchResult, Input, Job, JobCheckpoint, JobConfig, StreamNode};
use dstream_python::Value;
use serde::{Deserialize, Serialize};

use crate::config::NotebookConfig;
use crate::explain::{BatchCounts, ExplainMemory, UpdateCall, WindowExplain};
use crate::message_type::MessageType;
use crate::mode::Mode;
use crate::program_text::{master_cores, notebook_program, Master};

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
    /// Per mode (in [`Mode::ALL`] order), the records each node of its program's graph
    /// ([`NotebookLab::graph`], by node id) made in this batch, as the run observed them (`None` for an
    /// output).
    pub node_records: [Vec<Option<u64>>; 3],
    /// What went wrong in a mode's program at this batch, in words (its job
    /// stopped, or it made something the lab cannot read as a (type, count)
    /// pair): the notebook's programs make no such thing, so it stays empty
    /// unless something is broken, and then says what.
    pub problems: Vec<String>,
}

/// What a restart of a [`NotebookLab`] needs besides its settings: each
/// mode's job's checkpoint and what the explanations remember. A plain serde
/// value, nested as is (not as a string) in whatever record stores it; it
/// carries no version, so that record versions it (the page's saved
/// checkpoint does, with the settings beside it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotebookState {
    /// Each mode's job (its clock, running totals, windows), in [`Mode::ALL`] order.
    pub jobs: Vec<JobCheckpoint>,
    /// What the teaching views' explanations remember between batches.
    pub explain: ExplainMemory,
}

/// The three modes on one live stream of lines: what the page runs.
pub struct NotebookLab {
    config: NotebookConfig,
    /// Each mode's program's job, in [`Mode::ALL`] order.
    jobs: Vec<(Mode, Job)>,
    /// Lines pushed since the last batch.
    pending: usize,
    memory: ExplainMemory,
}

impl NotebookLab {
    /// Runs the three programs for `config` up to `ssc.start()`, their batch
    /// k closing at `zero_time_ms + k * interval`.
    fn build(config: NotebookConfig, zero_time_ms: i64) -> Result<NotebookLab, EngineError> {
        // Spark's refusals, in Spark's words, before any program runs.
        config.validate()?;
        let master = Master::Cores(master_cores(config.parallelism));
        let mut jobs = Vec::new();
        for mode in Mode::ALL {
            let job_config = JobConfig {
                start_ms: zero_time_ms,
                parallelism: config.parallelism,
                input: Input::Live,
            };
            let source = notebook_program(mode, &config, master);
            let job = Job::from_source(job_config, &source, &format!("{}.py", mode.as_str()));
            if let Some(f) = job.failed() {
                return Err(EngineError::IllegalState(format!(
                    "the notebook's {} program stopped: {}",
                    mode.as_str(),
                    f.error
                )));
            }
            job.keep_outputs();
            jobs.push((mode, job));
        }
        Ok(NotebookLab {
            config,
            jobs,
            pending: 0,
            memory: ExplainMemory::default(),
        })
    }

    /// A lab whose batch k closes at `zero_time_ms + k * interval`.
    /// `zero_time_ms` is a naive local time (UTC milliseconds plus the local
    /// offset) so that batch times print as local time, as PySpark prints them.
    pub fn new(config: NotebookConfig, zero_time_ms: i64) -> Result<NotebookLab, EngineError> {
        NotebookLab::build(config, zero_time_ms)
    }

    /// Adds a line to the open batch (of each mode's job).
    pub fn push_line(&mut self, line: &str) {
        // A stopped job runs no batch, so it would only pile the lines up.
        for (_, job) in self.jobs.iter().filter(|(_, job)| job.failed().is_none()) {
            job.push_lines([line]);
        }
        self.pending += 1;
    }

    /// How many lines the open batch holds.
    pub fn pending_lines(&self) -> usize {
        self.pending
    }

    /// When the open batch closes.
    pub fn next_batch_time_ms(&self) -> i64 {
        // Every job was built started (`build` refuses one that did not get
        // to `ssc.start()`), and they share one clock.
        self.jobs
            .first()
            .and_then(|(_, job)| job.next_batch_time_ms())
            .unwrap_or_default()
    }

    /// The settings.
    pub fn config(&self) -> &NotebookConfig {
        &self.config
    }

    /// Closes the open batch and runs the three programs on it.
    pub fn run_batch(&mut self) -> BatchReport {
        let lines = std::mem::take(&mut self.pending);
        let results: Vec<(Mode, BatchResult)> = self
            .jobs
            .iter_mut()
            .map(|(mode, job)| (*mode, job.run_batch()))
            .collect();
        // The jobs share one clock; a job that stopped earlier runs no batch and has no time.
        let (batch, time_ms) = results
            .iter()
            .find_map(|(_, r)| Some((r.batch, r.time_ms?)))
            .unwrap_or((0, self.next_batch_time_ms()));
        let mut problems = Vec::new();
        let mut outputs = Vec::new();
        for (mode, r) in &results {
            // Told at the batch it stopped at; later batches run nothing of that job.
            if let (Some(f), Some(_)) = (&r.failure, r.time_ms) {
                problems.push(format!(
                    "the {} program stopped: {}",
                    mode.as_str(),
                    f.error
                ));
            }
            for out in &r.outputs {
                outputs.push(ModeOutput {
                    mode: *mode,
                    records: pairs(*mode, &out.records, &mut problems),
                    pprint: r.text.clone(),
                });
            }
        }
        let state_calls = results
            .iter()
            .filter(|(mode, _)| *mode == Mode::Cumulative)
            .flat_map(|(_, r)| &r.nodes)
            .flat_map(|n| &n.updates)
            .filter_map(|call| read_call(call, &mut problems))
            .collect();
        let path = results
            .iter()
            .filter(|(mode, _)| *mode == Mode::Window)
            .flat_map(|(_, r)| &r.nodes)
            .find_map(|n| n.window.as_ref()?.path.clone());
        let window_explain = self.explain(time_ms, &outputs, path);
        let mut node_records: [Vec<Option<u64>>; 3] = Default::default();
        for (mode, r) in &results {
            node_records[mode.index()] = r.nodes.iter().map(|n| n.records).collect();
        }
        BatchReport {
            batch,
            time_ms,
            time_label: format_batch_time(time_ms),
            lines,
            outputs,
            state_calls,
            window_explain,
            node_records,
            problems,
        }
    }

    /// The DStream graph `mode`'s program built, for the views that draw it.
    pub fn graph(&self, mode: Mode) -> Vec<StreamNode> {
        self.jobs
            .iter()
            .find(|(m, _)| *m == mode)
            .map(|(_, job)| job.describe())
            .unwrap_or_default()
    }

    /// Remembers this batch's counts and works out how its window (if one
    /// was emitted, along `path`) was formed.
    fn explain(
        &mut self,
        t: i64,
        outputs: &[ModeOutput],
        path: Option<dstream_engine::WindowPath>,
    ) -> Option<WindowExplain> {
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
        self.memory.remember(&self.config, batch);
        let window = records(Mode::Window)?;
        let explain = path
            .filter(|p| p.time_ms == t)
            .map(|p| self.memory.window_explain(&p, &self.config));
        self.memory.window = window;
        explain
    }

    /// The state a restart needs (running totals, window state, clock).
    ///
    /// A job refuses only when it stopped or a record cannot become JSON;
    /// the notebook's programs do not stop and their records are (message
    /// type, count) pairs, so neither happens here; the `Result` is the
    /// jobs' contract, passed on so that a caller reports a refusal instead
    /// of saving nothing.
    pub fn checkpoint(&self) -> Result<NotebookState, EngineError> {
        Ok(NotebookState {
            jobs: self
                .jobs
                .iter()
                .map(|(_, job)| job.checkpoint())
                .collect::<Result<_, _>>()?,
            explain: self.memory.clone(),
        })
    }

    /// A lab built with `config` and continuing from `state`, which must have
    /// been taken with the same settings: a state that does not fit the
    /// programs `config` writes is refused ([`EngineError::Checkpoint`]), and
    /// settings Spark would refuse are refused with Spark's message.
    pub fn restore(
        config: NotebookConfig,
        state: &NotebookState,
    ) -> Result<NotebookLab, EngineError> {
        let zero = state.jobs.first().map_or(0, JobCheckpoint::start_ms);
        let mut lab = NotebookLab::build(config, zero)?;
        if state.jobs.len() != lab.jobs.len() {
            return Err(EngineError::Checkpoint(format!(
                "it holds {} jobs, not the notebook's {}",
                state.jobs.len(),
                lab.jobs.len()
            )));
        }
        for ((_, job), saved) in lab.jobs.iter_mut().zip(&state.jobs) {
            job.restore(saved)?;
        }
        lab.memory = state.explain.clone();
        Ok(lab)
    }
}

/// A mode's records as (type, count) pairs; one that is not is told in `problems`.
fn pairs(mode: Mode, records: &[Value], problems: &mut Vec<String>) -> Vec<(MessageType, i64)> {
    let pair = |v: &Value| {
        let Value::Tuple(kv) = v else { return None };
        match (kv.first()?, kv.get(1)?) {
            (Value::Str(k), Value::Int(n)) if kv.len() == 2 => Some((MessageType::named(k)?, *n)),
            _ => None,
        }
    };
    records
        .iter()
        .filter_map(|v| {
            let read = pair(v);
            if read.is_none() {
                problems.push(format!(
                    "the {} program output {}, not a (message type, count) pair",
                    mode.as_str(),
                    v.repr_string()
                ));
            }
            read
        })
        .collect()
}

/// A call of the cumulative program's `updateFunction`, read from the `repr`s
/// the job recorded; one that is not about a message type and counts is told
/// in `problems`.
fn read_call(
    call: &dstream_playground::UpdateCall,
    problems: &mut Vec<String>,
) -> Option<UpdateCall> {
    let count = |text: &str| text.parse::<i64>().ok();
    let read = || {
        let key = call.key.as_deref()?;
        let key = MessageType::named(key.strip_prefix('\'')?.strip_suffix('\'')?)?;
        let new_values = call
            .values
            .iter()
            .map(|v| count(v))
            .collect::<Option<Vec<i64>>>()?;
        let running_count = match &call.previous {
            Some(p) => Some(count(p)?),
            None => None,
        };
        let result = match &call.result {
            Some(r) => Some(count(r)?),
            None => None,
        };
        (call.values_not_shown == 0).then_some(UpdateCall {
            key,
            new_values,
            running_count,
            result,
        })
    };
    let read = read();
    if read.is_none() {
        problems.push(format!(
            "an updateFunction call the lab cannot read: key {:?}, newValues {:?}, runningCount {:?}",
            call.key, call.values, call.previous
        ));
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_lab_cannot_read_is_told_not_dropped() {
        let mut problems = Vec::new();
        let records = [
            Value::tuple(vec![Value::str("error"), Value::Int(2)]),
            Value::Int(3),
            Value::tuple(vec![Value::str("warn"), Value::Int(1)]),
        ];
        let read = pairs(Mode::Stateless, &records, &mut problems);
        assert_eq!(read, [(MessageType::Error, 2)]);
        assert_eq!(
            problems,
            [
                "the stateless program output 3, not a (message type, count) pair",
                "the stateless program output ('warn', 1), not a (message type, count) pair"
            ]
        );
        let call = |key: Option<&str>, previous: Option<&str>| dstream_playground::UpdateCall {
            key: key.map(String::from),
            values: vec!["3".to_string()],
            values_not_shown: 0,
            previous: previous.map(String::from),
            result: Some("8".to_string()),
        };
        let mut problems = Vec::new();
        let read = read_call(&call(Some("'info'"), Some("5")), &mut problems);
        assert_eq!(
            read.map(|c| c.notebook_text()),
            Some("updateFunction(newValues=[3], runningCount=5) -> 8".to_string())
        );
        assert!(read_call(&call(None, None), &mut problems).is_none());
        assert!(read_call(&call(Some("'info'"), Some("5.0")), &mut problems).is_none());
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

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
