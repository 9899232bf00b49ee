//! [`NotebookLab`]: the notebook's three cells, run as three programs of the
//! lab's Python (the same path as a student's code) on one live stream of
//! lines, batch by batch for the browser, with what the teaching views
//! explain, read from what the programs did.

use dstream_engine::python::PyRepr;
use dstream_engine::time::format_batch_time;
use dstream_engine::{EngineError, LineCollector};
use dstream_playground::{
    BatchResult, Input, Job, JobCheckpoint, JobConfig, JobFailure, StreamNode,
};
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
    /// Exactly what the program printed at this batch (its `pprint()` blocks
    /// and `print` lines).
    pub pprint: String,
    /// Records of a student's program that are not (message type, count)
    /// pairs (a word count's, say): printed in `pprint`, left out of
    /// `records`, counted here.
    pub other_records: usize,
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
    /// How the window was formed, when the window emitted at this batch and
    /// both the stateless and the window mode ran the notebook's programs
    /// (the arithmetic is the notebook's window over the stateless counts).
    pub window_explain: Option<WindowExplain>,
    /// Per mode (in [`Mode::ALL`] order), the records each node of its program's graph
    /// ([`NotebookLab::graph`], by node id) made in this batch, as the run observed them (`None` for an
    /// output).
    pub node_records: [Vec<Option<u64>>; 3],
    /// What went wrong in a notebook's program at this batch, in words (its
    /// job stopped, or it made something the lab cannot read as a (type,
    /// count) pair): the notebook's programs make no such thing, so it stays
    /// empty unless something is broken, and then says what. A student's
    /// program is not the notebook's: its records that are not pairs are
    /// counted ([`ModeOutput::other_records`], [`BatchReport::other_calls`])
    /// and its stop is [`NotebookLab::failure`].
    pub problems: Vec<String>,
    /// Calls of a student's cumulative program's `updateFunction` that are
    /// not about message types and counts, left out of `state_calls`.
    pub other_calls: usize,
}

/// What a restart of a [`NotebookLab`] needs besides its settings: the
/// lab's clock, each mode's program and job checkpoint, and what the
/// explanations remember. A plain serde value, nested as is (not as a
/// string) in whatever record stores it; it carries no version, so that
/// record versions it (the page's saved checkpoint does, with the settings
/// beside it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotebookState {
    /// The lab's zero time: its batch k closes at `zero_ms + k * interval`.
    pub zero_ms: i64,
    /// Batches run.
    pub batches: u64,
    /// Each mode's program and job, in [`Mode::ALL`] order.
    pub modes: Vec<ModeState>,
    /// What the teaching views' explanations remember between batches.
    pub explain: ExplainMemory,
}

/// One mode in a [`NotebookState`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeState {
    /// The student's program the mode runs (`None`: the notebook's, written
    /// from the settings): a checkpoint restores only with the program that
    /// made it.
    pub program: Option<String>,
    /// Its job's clock, running totals and windows; `None` when the job had
    /// stopped or ended (a restore starts its program again from the next
    /// batch, as a student's job restarts on reload).
    pub job: Option<JobCheckpoint>,
}

/// What became of a program given to a mode ([`NotebookLab::run_program`]).
#[derive(Clone, Debug, PartialEq)]
pub enum ProgramStart {
    /// It runs from the batch after the open one (the open batch ends with
    /// the mode's previous program), or from the open batch when it holds no
    /// line yet. `printed` is what its top level printed.
    Started {
        /// The top level's prints.
        printed: String,
    },
    /// Its top level raised (a syntax error included): the mode stopped now.
    Stopped {
        /// The top level's prints before the error.
        printed: String,
        /// The error.
        failure: JobFailure,
    },
    /// Its `StreamingContext` asks for batches of `program_ms`, not the
    /// lab's: not run, the mode's previous program runs on.
    Refused {
        /// The program's batch interval in ms.
        program_ms: i64,
    },
}

/// One mode's job and the program it runs.
struct ModeRun {
    mode: Mode,
    job: Job,
    /// The student's program (`None`: the notebook's).
    program: Option<String>,
    /// A student's program waiting for the open batch to end.
    next: Option<(Job, Option<String>)>,
}

/// The three modes on one live stream of lines: what the page runs.
pub struct NotebookLab {
    config: NotebookConfig,
    /// Each mode's job, in [`Mode::ALL`] order.
    modes: Vec<ModeRun>,
    /// Batch k closes at `zero_ms + k * interval`.
    zero_ms: i64,
    /// Batches run.
    batches: u64,
    /// The open batch's lines, held once for the three jobs: each DStream job is handed the closed batch, which
    /// they share (at a million lines a second, a copy per job was three times the memory and a tenth of the
    /// page's work).
    collected: LineCollector,
    memory: ExplainMemory,
}

impl NotebookLab {
    /// Runs the three programs for `config` up to `ssc.start()`, their batch
    /// k closing at `zero_time_ms + k * interval`.
    fn build(config: NotebookConfig, zero_time_ms: i64) -> Result<NotebookLab, EngineError> {
        // Spark's refusals, in Spark's words, before any program runs.
        config.validate()?;
        let mut modes = Vec::new();
        for mode in Mode::ALL {
            let job = start_job(&config, zero_time_ms, &notebook_source(mode, &config), mode);
            if let Some(f) = job.failed() {
                return Err(EngineError::IllegalState(format!(
                    "the notebook's {} program stopped: {}",
                    mode.as_str(),
                    f.error
                )));
            }
            modes.push(ModeRun {
                mode,
                job,
                program: None,
                next: None,
            });
        }
        Ok(NotebookLab {
            config,
            modes,
            zero_ms: zero_time_ms,
            batches: 0,
            collected: LineCollector::default(),
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
        self.push_lines(&[line]);
    }

    /// Adds lines to the open batch, as many [`NotebookLab::push_line`]s do. A job reading them as they arrive
    /// (Structured Streaming) takes them now; the others are handed the whole batch when it closes.
    pub fn push_lines<S: AsRef<str>>(&mut self, lines: &[S]) {
        for job in self.jobs_taking_lines(true) {
            job.push_lines(lines);
        }
        self.collected.push_all(lines);
    }

    /// The jobs that take the lines as they arrive (`arrivals`, Structured Streaming) or else whole when the batch
    /// closes. A stopped job runs no batch, so it would only pile the lines up.
    fn jobs_taking_lines(&self, arrivals: bool) -> impl Iterator<Item = &Job> {
        self.modes
            .iter()
            .map(|m| &m.job)
            .filter(move |job| job.failed().is_none() && job.reads_arrivals() == arrivals)
    }

    /// How many lines the open batch holds.
    pub fn pending_lines(&self) -> usize {
        self.collected.len()
    }

    /// When the open batch closes.
    pub fn next_batch_time_ms(&self) -> i64 {
        self.batch_end(self.batches + 1)
    }

    /// When batch `k` closes (batch 0: when the lab started).
    fn batch_end(&self, k: u64) -> i64 {
        self.zero_ms + k as i64 * self.config.batch_interval_ms
    }

    /// The settings.
    pub fn config(&self) -> &NotebookConfig {
        &self.config
    }

    fn run(&self, mode: Mode) -> &ModeRun {
        &self.modes[mode.index()]
    }

    /// The student's program `mode` runs (`None`: the notebook's), or will
    /// run from the next batch.
    pub fn program(&self, mode: Mode) -> Option<&str> {
        let run = self.run(mode);
        match &run.next {
            Some((_, program)) => program.as_deref(),
            None => run.program.as_deref(),
        }
    }

    /// The text `mode`'s job runs (or will run from the next batch): the
    /// student's program, or the notebook's for the settings.
    pub fn source(&self, mode: Mode) -> String {
        self.program(mode)
            .map_or_else(|| notebook_source(mode, &self.config), str::to_string)
    }

    /// `mode`'s job, or the one that takes over from the next batch.
    fn current_job(&self, mode: Mode) -> &Job {
        let run = self.run(mode);
        run.next.as_ref().map_or(&run.job, |(job, _)| job)
    }

    /// The error that stopped `mode`'s job, if one did (a program given
    /// since, waiting for the next batch, has none).
    pub fn failure(&self, mode: Mode) -> Option<&JobFailure> {
        self.current_job(mode).failed()
    }

    /// Whether `mode`'s job runs batches (not stopped, and its program started
    /// a StreamingContext), or the one waiting for the next batch will.
    pub fn running(&self, mode: Mode) -> bool {
        self.current_job(mode).running()
    }

    /// Lines that reached `mode`'s job and no `socketTextStream` of its
    /// program read.
    pub fn unread_lines(&self, mode: Mode) -> u64 {
        self.run(mode).job.unread_lines()
    }

    /// Runs `program` as `mode`'s job (`None`: the notebook's, for the
    /// settings), the other modes untouched. As a student's job restarts: it
    /// reads the stream from the batch after the open one (the open batch
    /// ends with the mode's previous program), or from the open batch when
    /// that holds no line yet; a program asking for another batch interval
    /// is refused.
    pub fn run_program(&mut self, mode: Mode, program: Option<String>) -> ProgramStart {
        let source = program
            .clone()
            .unwrap_or_else(|| notebook_source(mode, &self.config));
        let now = self.collected.is_empty();
        let start = if now {
            self.batch_end(self.batches)
        } else {
            self.next_batch_time_ms()
        };
        let job = start_job(&self.config, start, &source, mode);
        let printed = job.output();
        if let Some(f) = job.failed() {
            let failure = f.clone();
            let run = &mut self.modes[mode.index()];
            (run.job, run.program, run.next) = (job, program, None);
            return ProgramStart::Stopped { printed, failure };
        }
        match job.batch_interval_ms() {
            Some(program_ms) if program_ms != self.config.batch_interval_ms => {
                return ProgramStart::Refused { program_ms }
            }
            _ => {}
        }
        let run = &mut self.modes[mode.index()];
        if now {
            (run.job, run.program, run.next) = (job, program, None);
        } else {
            run.next = Some((job, program));
        }
        ProgramStart::Started { printed }
    }

    /// Closes the open batch and runs the three programs on it.
    pub fn run_batch(&mut self) -> BatchReport {
        let closed = self.collected.take();
        let lines = closed.len();
        for job in self.jobs_taking_lines(false) {
            job.feed_batch(&closed);
        }
        self.batches += 1;
        let (batch, time_ms) = (self.batches, self.batch_end(self.batches));
        let results: Vec<(Mode, bool, BatchResult)> = self
            .modes
            .iter_mut()
            .map(|m| (m.mode, m.program.is_some(), m.job.run_batch()))
            .collect();
        let mut problems = Vec::new();
        let mut outputs = Vec::new();
        let mut other_calls = 0;
        for (mode, student, r) in &results {
            // A notebook's program that stops is told at the batch it stopped at;
            // later batches run nothing of that job. A student's says it in its panel.
            if let (Some(f), Some(_), false) = (&r.failure, r.time_ms, student) {
                problems.push(format!(
                    "the {} program stopped: {}",
                    mode.as_str(),
                    f.error
                ));
            }
            if r.outputs.is_empty() && r.text.is_empty() {
                continue;
            }
            let mut read = Reading::new(*student);
            let records = r
                .outputs
                .iter()
                .flat_map(|out| pairs(*mode, &out.records, &mut read))
                .collect();
            problems.extend(read.problems);
            outputs.push(ModeOutput {
                mode: *mode,
                records,
                pprint: r.text.clone(),
                other_records: read.other,
            });
        }
        let state_calls = results
            .iter()
            .filter(|(mode, ..)| *mode == Mode::Cumulative)
            .flat_map(|(_, student, r)| {
                let mut read = Reading::new(*student);
                let calls: Vec<UpdateCall> = r
                    .nodes
                    .iter()
                    .flat_map(|n| &n.updates)
                    .filter_map(|call| read_call(call, &mut read))
                    .collect();
                problems.extend(read.problems);
                other_calls += read.other;
                calls
            })
            .collect();
        // The window's arithmetic is the notebook's: its window over the stateless mode's counts, so a student's
        // program in either mode (another window, other records) has none.
        let notebook = |m: Mode| {
            results
                .iter()
                .any(|(mode, student, _)| *mode == m && !student)
        };
        let path = results
            .iter()
            .filter(|(mode, ..)| *mode == Mode::Window)
            .filter(|_| notebook(Mode::Stateless) && notebook(Mode::Window))
            .flat_map(|(.., r)| &r.nodes)
            .find_map(|n| n.window.as_ref()?.path.clone());
        let window_explain = self.explain(time_ms, &outputs, path);
        let mut node_records: [Vec<Option<u64>>; 3] = Default::default();
        for (mode, _, r) in &results {
            node_records[mode.index()] = r.nodes.iter().map(|n| n.records).collect();
        }
        // Programs given while this batch was open take over from the next one.
        for run in &mut self.modes {
            if let Some((job, program)) = run.next.take() {
                (run.job, run.program) = (job, program);
            }
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
            other_calls,
        }
    }

    /// The DStream graph `mode`'s running program built, for the views that draw it.
    pub fn graph(&self, mode: Mode) -> Vec<StreamNode> {
        self.run(mode).job.describe()
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

    /// The state a restart needs (each mode's program, running totals,
    /// window state, clock).
    ///
    /// A running job refuses only when a record cannot become JSON; the
    /// notebook's records are (message type, count) pairs, so that happens
    /// only with a student's program; the `Result` is the jobs' contract,
    /// passed on so that a caller reports a refusal instead of saving
    /// nothing. A stopped or ended job saves its program alone.
    pub fn checkpoint(&self) -> Result<NotebookState, EngineError> {
        let modes = self
            .modes
            .iter()
            .map(|m| {
                let (job, program) = match &m.next {
                    // Not started yet: a restore starts it afresh.
                    Some((_, program)) => (None, program),
                    None if m.job.running() => (Some(m.job.checkpoint()?), &m.program),
                    None => (None, &m.program),
                };
                Ok(ModeState {
                    program: program.clone(),
                    job,
                })
            })
            .collect::<Result<_, EngineError>>()?;
        Ok(NotebookState {
            zero_ms: self.zero_ms,
            batches: self.batches,
            modes,
            explain: self.memory.clone(),
        })
    }

    /// A lab built with `config` and continuing from `state`, which must have
    /// been taken with the same settings: a state that does not fit the
    /// programs it names (the notebook's that `config` writes, or the
    /// student's it holds) is refused ([`EngineError::Checkpoint`]), and
    /// settings Spark would refuse are refused with Spark's message.
    pub fn restore(
        config: NotebookConfig,
        state: &NotebookState,
    ) -> Result<NotebookLab, EngineError> {
        let mut lab = NotebookLab::build(config, state.zero_ms)?;
        if state.modes.len() != lab.modes.len() {
            return Err(EngineError::Checkpoint(format!(
                "it holds {} jobs, not the notebook's {}",
                state.modes.len(),
                lab.modes.len()
            )));
        }
        lab.batches = state.batches;
        let open = lab.batch_end(lab.batches);
        for (run, saved) in lab.modes.iter_mut().zip(&state.modes) {
            let source = saved
                .program
                .clone()
                .unwrap_or_else(|| notebook_source(run.mode, &lab.config));
            let start = saved.job.as_ref().map_or(open, JobCheckpoint::start_ms);
            let mut job = start_job(&lab.config, start, &source, run.mode);
            if let Some(cp) = &saved.job {
                job.restore(cp)?;
            }
            (run.job, run.program) = (job, saved.program.clone());
        }
        lab.memory = state.explain.clone();
        Ok(lab)
    }
}

/// The notebook's program for `mode`, as the lab runs it.
fn notebook_source(mode: Mode, config: &NotebookConfig) -> String {
    notebook_program(
        mode,
        config,
        Master::Cores(master_cores(config.parallelism)),
    )
}

/// `source`'s job on the live stream, its batch 1 closing one interval after
/// `start_ms`, run up to `ssc.start()`.
fn start_job(config: &NotebookConfig, start_ms: i64, source: &str, mode: Mode) -> Job {
    let job_config = JobConfig {
        start_ms,
        parallelism: config.parallelism,
        input: Input::Live,
    };
    let job = Job::from_source(job_config, source, &format!("{}.py", mode.as_str()));
    job.keep_outputs();
    job
}

/// What reading one program's records or calls set aside: a notebook's
/// program's are problems told in words, a student's are counted.
struct Reading {
    student: bool,
    problems: Vec<String>,
    other: usize,
}

impl Reading {
    fn new(student: bool) -> Reading {
        Reading {
            student,
            problems: Vec::new(),
            other: 0,
        }
    }

    fn set_aside(&mut self, problem: impl FnOnce() -> String) {
        if self.student {
            self.other += 1;
        } else {
            self.problems.push(problem());
        }
    }
}

/// A mode's records as (type, count) pairs; one that is not is set aside in `read`.
fn pairs(mode: Mode, records: &[Value], read: &mut Reading) -> Vec<(MessageType, i64)> {
    let pair = |v: &Value| {
        let Value::Tuple(kv) = v else { return None };
        match (kv.first()?, kv.get(1)?) {
            (Value::Str(k), Value::Int(n)) if kv.len() == 2 => Some((MessageType::named(k)?, *n)),
            _ => None,
        }
    };
    let set_aside = read;
    records
        .iter()
        .filter_map(|v| {
            let read = pair(v);
            if read.is_none() {
                set_aside.set_aside(|| {
                    format!(
                        "the {} program output {}, not a (message type, count) pair",
                        mode.as_str(),
                        v.repr_string()
                    )
                });
            }
            read
        })
        .collect()
}

/// A call of the cumulative program's `updateFunction`, read from the `repr`s
/// the job recorded; one that is not about a message type and counts is set
/// aside in `reading`.
fn read_call(call: &dstream_playground::UpdateCall, reading: &mut Reading) -> Option<UpdateCall> {
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
        reading.set_aside(|| {
            format!(
                "an updateFunction call the lab cannot read: key {:?}, newValues {:?}, runningCount {:?}",
                call.key, call.values, call.previous
            )
        });
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_lab_cannot_read_is_told_not_dropped() {
        let mut read = Reading::new(false);
        let records = [
            Value::tuple(vec![Value::str("error"), Value::Int(2)]),
            Value::Int(3),
            Value::tuple(vec![Value::str("warn"), Value::Int(1)]),
        ];
        let pairs_read = pairs(Mode::Stateless, &records, &mut read);
        assert_eq!(pairs_read, [(MessageType::Error, 2)]);
        assert_eq!(
            read.problems,
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
        let mut reading = Reading::new(false);
        let read = read_call(&call(Some("'info'"), Some("5")), &mut reading);
        assert_eq!(
            read.map(|c| c.notebook_text()),
            Some("updateFunction(newValues=[3], runningCount=5) -> 8".to_string())
        );
        assert!(read_call(&call(None, None), &mut reading).is_none());
        assert!(read_call(&call(Some("'info'"), Some("5.0")), &mut reading).is_none());
        assert_eq!(reading.problems.len(), 2, "{:?}", reading.problems);
        // A student's program is not the notebook's: what it makes is counted, not a problem.
        let mut student = Reading::new(true);
        assert!(read_call(&call(None, None), &mut student).is_none());
        assert_eq!(pairs(Mode::Stateless, &records, &mut student).len(), 1);
        assert_eq!((student.other, student.problems.len()), (3, 0));
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
    fn a_program_given_to_a_mode_takes_over_from_the_next_batch_and_touches_no_other_mode() {
        let mut a = lab_with(NotebookConfig::default());
        let mut b = lab_with(NotebookConfig::default());
        a.push_line("[error] x");
        b.push_line("[error] x");
        let words = a.source(Mode::Stateless).replace(
            "lines.map(get_message_type)",
            "lines.flatMap(lambda l: l.split())",
        );
        assert_eq!(
            a.run_program(Mode::Stateless, Some(words.clone())),
            ProgramStart::Started {
                printed: String::new()
            }
        );
        assert_eq!(a.program(Mode::Stateless), Some(words.as_str()));
        // The open batch ends with the notebook's program.
        assert_eq!(a.run_batch(), b.run_batch());
        for lab in [&mut a, &mut b] {
            lab.push_line("[info] y z");
        }
        let (ra, rb) = (a.run_batch(), b.run_batch());
        assert!(ra.problems.is_empty(), "{:?}", ra.problems);
        assert_eq!(ra.outputs[0].records, []);
        assert_eq!(ra.outputs[0].other_records, 3);
        assert!(ra.outputs[0].pprint.contains("('[info]', 1)"));
        assert_eq!(ra.outputs[1..], rb.outputs[1..]);
        assert_eq!((ra.batch, ra.time_ms), (rb.batch, rb.time_ms));
        // Another interval is refused, and the program that ran goes on.
        let five = words.replace("spark.sparkContext, 10)", "spark.sparkContext, 5)");
        assert_eq!(
            a.run_program(Mode::Stateless, Some(five)),
            ProgramStart::Refused { program_ms: 5_000 }
        );
        assert_eq!(a.program(Mode::Stateless), Some(words.as_str()));
        // A syntax error stops the mode at once, and only it.
        let ProgramStart::Stopped { failure, .. } =
            a.run_program(Mode::Window, Some("x = (\n".to_string()))
        else {
            panic!("a syntax error runs nothing");
        };
        assert_eq!(failure.batch, 0);
        assert_eq!(a.failure(Mode::Window), Some(&failure));
        a.push_line("[info] w");
        let r = a.run_batch();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(
            r.outputs.iter().map(|o| o.mode).collect::<Vec<_>>(),
            [Mode::Stateless, Mode::Cumulative]
        );
        assert!(
            a.checkpoint().expect("the running modes checkpoint").modes[2]
                .job
                .is_none()
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
