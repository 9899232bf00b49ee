//! Students' jobs: programs a student writes (or opens from the examples menu or a `?job=` link) and runs beside
//! the notebook's three modes, on the same live stream and the same batch clock. Each job has its own console,
//! its own error, and stops alone: a runtime error in one never touches the others, the modes or the page.
//!
//! A job's batches are the page's batches, one for one (its batch k ends when the modes' batch ends), so it runs
//! only when its `StreamingContext(sc, n)` asks for the page's interval: with another interval what it printed
//! (batch times, windows) would not be what PySpark prints, so the page refuses it and says how to make them
//! agree. Jobs restart on reload (no checkpoint of their state); their texts survive in localStorage.

use super::consoles::Console;
use super::effect::Effect;
use super::job_batches::JobBatches;
use super::job_link::{decode_program, job_url};
use super::notices::Level;
use super::settings::BATCH_INTERVALS_S;
use super::url::BootParams;
use super::Lab;
use crate::engine::{example, PyError};
use crate::program::{traceback, ProgramJob};
use crate::timefmt::seconds_literal;
use serde::{Deserialize, Serialize};

/// Student jobs the page runs at most beside the notebook's three modes (each runs Python per record).
pub const MAX_JOBS: usize = 4;

/// The localStorage key of the student jobs' texts.
pub const JOBS_STORAGE_KEY: &str = "dstream-lab/jobs";

/// What a job is doing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum JobStatus {
    /// Not run yet.
    Idle,
    /// Run was asked: the job starts with the page's next batch (it reads no line of the batch already open).
    Waiting,
    /// Running; `batches` batches have run.
    Running {
        /// Batches run since the job started.
        batches: u64,
    },
    /// The program returned without a running `StreamingContext` (no `ssc.start()`, or `ssc.stop()`): nothing
    /// runs batch by batch.
    Ended,
    /// An error stopped the job, as it stops PySpark's context.
    Stopped {
        /// The batch it stopped at (1-based); 0 for the program's top level, a syntax error included.
        batch: u64,
        /// The error.
        error: PyError,
        /// The error as Python prints it.
        traceback: String,
    },
    /// Not run: the program's batch interval is not the page's.
    Refused {
        /// The program's `StreamingContext` interval in ms.
        program_ms: i64,
        /// The page's batch interval in ms.
        page_ms: i64,
    },
}

impl JobStatus {
    /// The status in a few words, as the panel's header shows it.
    pub fn label(&self) -> String {
        match self {
            JobStatus::Idle => "not running: press Run".to_string(),
            JobStatus::Waiting => "starts with the next batch".to_string(),
            JobStatus::Running { batches } => format!("running: {batches} batches"),
            JobStatus::Ended => "ended: the program started no StreamingContext".to_string(),
            JobStatus::Stopped { batch: 0, .. } => "stopped before its first batch".to_string(),
            JobStatus::Stopped { batch, .. } => format!("stopped at batch {batch}"),
            JobStatus::Refused { .. } => {
                "not run: its batch interval is not the page's".to_string()
            }
        }
    }
}

/// Why a job whose program asks for `program_ms` batches does not run on a page with `page_ms` batches, and how
/// to make them agree.
pub fn refusal(program_ms: i64, page_ms: i64) -> String {
    let (program, page) = (seconds_literal(program_ms), seconds_literal(page_ms));
    let offer = if BATCH_INTERVALS_S.iter().any(|s| s * 1000 == program_ms) {
        format!(", or set the page's batch interval to {program} s in the settings")
    } else {
        String::new()
    };
    format!(
        "This program's StreamingContext(sc, {program}) makes {program} s batches, but the page's batches are \
         {page} s. A job runs on the page's batches, one for one, so it runs only when the two agree: with \
         another interval its batch times and windows would not be what PySpark prints. Change the program to \
         StreamingContext(spark.sparkContext, {page}){offer}, then press Run."
    )
}

/// Where a job started now stands on the page's clock.
#[derive(Debug, Clone, Copy)]
struct JobClock {
    /// Its zero time: the end of the page's open batch.
    start_ms: i64,
    /// The page's batch interval.
    page_ms: i64,
    /// The page's parallelism.
    parallelism: usize,
    /// The page's last batch run (0 before the first): what the program's top level prints is shown from then
    /// on.
    page_batch: u64,
}

/// The last "Copy link" of a job.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JobLink {
    /// The link opening the job's program.
    pub url: String,
    /// Whether the clipboard took it: `None` while the browser answers, the browser's reason when it refused.
    pub copied: Option<Result<(), String>>,
}

/// A job as localStorage keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedJob {
    /// The example it started from.
    pub example: Option<String>,
    /// What Reset restores.
    pub origin: String,
    /// The editor's text.
    pub text: String,
    /// Whether it was running (it runs again after a reload).
    pub running: bool,
}

/// One student job: the editor's text, the run, its console and status.
pub struct StudentJob {
    /// Identity for the actions.
    pub id: u64,
    /// The example it started from (`None` for a program from a link).
    pub example: Option<String>,
    /// What Reset restores: the example's text, or the link's program.
    pub origin: String,
    /// The editor's text.
    pub text: String,
    /// The text of the last run (`None` before the first).
    pub ran: Option<String>,
    /// What it is doing.
    pub status: JobStatus,
    /// What it printed: the top level's prints, then each batch's text, as its stdout.
    pub console: Console,
    /// The last "Copy link".
    pub link: Option<JobLink>,
    /// The program's graph and what its recent batches did, node by node.
    pub batches: JobBatches,
    run: Option<ProgramJob>,
    /// Started, reading no line until the open batch ends.
    armed: bool,
}

impl StudentJob {
    /// Lines pushed to the job that no `socketTextStream` of its program read (they are counted, not lost
    /// silently).
    pub fn unread_lines(&self) -> u64 {
        self.run.as_ref().map_or(0, |r| r.job().unread_lines())
    }

    /// Whether the editor holds changes the running job does not have.
    pub fn edited_since_run(&self) -> bool {
        self.ran.as_ref().is_some_and(|r| *r != self.text)
    }

    /// The error that stopped the job, if one did.
    pub fn error(&self) -> Option<&PyError> {
        match &self.status {
            JobStatus::Stopped { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Runs the editor's text as a new job whose batch 1 is the page batch after the one open now (which ends at
    /// `start_ms`).
    fn start(&mut self, clock: JobClock) {
        let source = self.text.clone();
        self.start_text(source, clock);
    }

    fn start_text(&mut self, source: String, clock: JobClock) {
        let JobClock {
            start_ms,
            page_ms,
            parallelism,
            page_batch,
        } = clock;
        let run = ProgramJob::start(&source, start_ms, parallelism);
        self.console = Console::default();
        self.batches = JobBatches::default();
        self.run = None;
        self.armed = false;
        let top_level = run.job().output();
        match run.interval_ms() {
            Some(program_ms) if program_ms != page_ms && run.job().failed().is_none() => {
                self.status = JobStatus::Refused {
                    program_ms,
                    page_ms,
                };
            }
            _ => {
                if !top_level.is_empty() {
                    self.console.push(page_batch, top_level);
                }
                if let Some(f) = run.job().failed() {
                    self.status = JobStatus::Stopped {
                        batch: f.batch,
                        traceback: traceback(&f.error, &source),
                        error: f.error.clone(),
                    };
                } else if run.job().running() {
                    self.status = JobStatus::Waiting;
                    self.batches = JobBatches::new(run.job().describe());
                    self.armed = true;
                    self.run = Some(run);
                } else {
                    self.status = JobStatus::Ended;
                }
            }
        }
        self.ran = Some(source);
    }

    /// The page's batch `page_batch` ended: a waiting job starts reading lines, a running one runs its batch
    /// (timed with `clock`, the page's, if it has one).
    fn batch_ended(&mut self, clock: Option<fn() -> f64>, page_batch: u64) {
        let Some(run) = &mut self.run else { return };
        if self.armed {
            self.armed = false;
            self.status = JobStatus::Running { batches: 0 };
            return;
        }
        let start = clock.map(|c| c());
        let mut r = run.job_mut().run_batch();
        let processing_ms = start.zip(clock).map(|(s, c)| c() - s);
        let text = std::mem::take(&mut r.text);
        let failure = r.failure.clone();
        // A failed batch stopped part way: its counts and calls are partial (a raising update function looks
        // like one returning None), so the views keep the last batch that ran through; the error says the rest.
        if failure.is_none() {
            self.batches.record(r, processing_ms);
        }
        if !text.is_empty() {
            self.console.push(page_batch, text);
        }
        if let Some(f) = failure {
            let source = self.ran.as_deref().unwrap_or_default();
            self.status = JobStatus::Stopped {
                batch: f.batch,
                traceback: traceback(&f.error, source),
                error: f.error,
            };
            self.run = None;
        } else if !run.job().running() {
            self.status = JobStatus::Ended;
            self.run = None;
        } else {
            self.status = JobStatus::Running {
                batches: run.job().batches_run(),
            };
        }
    }

    /// Whether a new context of the page starts this job again.
    fn restarts(&self) -> bool {
        matches!(
            self.status,
            JobStatus::Waiting
                | JobStatus::Running { .. }
                | JobStatus::Ended
                | JobStatus::Refused { .. }
        )
    }

    fn saved(&self) -> SavedJob {
        SavedJob {
            example: self.example.clone(),
            origin: self.origin.clone(),
            text: self.text.clone(),
            running: matches!(self.status, JobStatus::Waiting | JobStatus::Running { .. }),
        }
    }
}

/// The student jobs, in the order they were opened.
#[derive(Default)]
pub struct Jobs {
    list: Vec<StudentJob>,
    last_id: u64,
    revision: u64,
}

impl Jobs {
    /// The jobs, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &StudentJob> {
        self.list.iter()
    }

    /// Job `id`.
    pub fn get(&self, id: u64) -> Option<&StudentJob> {
        self.list.iter().find(|j| j.id == id)
    }

    /// How many are open.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Changes with anything the job panels show (texts, statuses, consoles), so the page redraws them only
    /// then.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether none is open.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn get_mut(&mut self, id: u64) -> Option<&mut StudentJob> {
        self.revision += 1;
        self.list.iter_mut().find(|j| j.id == id)
    }

    /// Every job, to change them.
    fn all_mut(&mut self) -> impl Iterator<Item = &mut StudentJob> {
        self.revision += 1;
        self.list.iter_mut()
    }

    /// Opens a job with `text`, or says why not (the page runs at most [`MAX_JOBS`]).
    fn open(
        &mut self,
        example: Option<String>,
        origin: String,
        text: String,
    ) -> Result<u64, String> {
        if self.list.len() >= MAX_JOBS {
            return Err(format!(
                "At most {MAX_JOBS} student jobs run beside the notebook's three: remove one first."
            ));
        }
        self.last_id += 1;
        self.revision += 1;
        self.list.push(StudentJob {
            id: self.last_id,
            example,
            origin,
            text,
            ran: None,
            status: JobStatus::Idle,
            console: Console::default(),
            link: None,
            batches: JobBatches::default(),
            run: None,
            armed: false,
        });
        Ok(self.last_id)
    }

    /// Gives the lines that entered the page's open batch to every job reading the stream.
    pub(super) fn push_lines<S: AsRef<str>>(&self, lines: &[S]) {
        for j in &self.list {
            if let (Some(run), false) = (&j.run, j.armed) {
                run.job().push_lines(lines);
            }
        }
    }

    /// The page's batch `page_batch` ended: every job runs its batch (a failing one stops alone), timed with
    /// `clock`.
    pub(super) fn batch_ended(&mut self, clock: Option<fn() -> f64>, page_batch: u64) {
        for j in self.all_mut() {
            j.batch_ended(clock, page_batch);
        }
    }

    fn saved(&self) -> Vec<SavedJob> {
        self.list.iter().map(StudentJob::saved).collect()
    }
}

impl Lab {
    /// The student jobs.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The link opening job `id`'s program (its editor's text), on the page at `page` (its address without the
    /// query).
    pub fn job_link(&self, id: u64, page: &str) -> Option<String> {
        self.jobs.get(id).map(|j| job_url(page, &j.text))
    }

    pub(super) fn save_jobs(&self) -> Effect {
        Effect::SaveJobs(self.jobs.saved())
    }

    /// Starts job `id` with the page's next batch.
    fn start_job(&mut self, id: u64) {
        let clock = self.job_clock();
        if let Some(j) = self.jobs.get_mut(id) {
            j.start(clock);
        }
    }

    /// Where a job started now stands on the page's clock.
    fn job_clock(&self) -> JobClock {
        let c = self.config();
        JobClock {
            start_ms: self.next_batch_time_ms(),
            page_ms: c.batch_interval_ms,
            parallelism: c.parallelism,
            page_batch: self.log().last().map_or(0, |e| e.batch),
        }
    }

    /// "New job": a panel with the example `name`'s program.
    pub(super) fn new_job(&mut self, name: &str) -> Vec<Effect> {
        let Some(e) = example(name) else {
            self.notify(Level::Error, format!("There is no example named {name}."));
            return Vec::new();
        };
        match self.jobs.open(
            Some(e.name.to_string()),
            e.source.to_string(),
            e.source.to_string(),
        ) {
            Ok(_) => vec![self.save_jobs()],
            Err(why) => {
                self.notify(Level::Warn, why);
                Vec::new()
            }
        }
    }

    /// The student typed in job `id`'s editor.
    pub(super) fn edit_job(&mut self, id: u64, text: String) -> Vec<Effect> {
        match self.jobs.get_mut(id) {
            Some(j) if j.text != text => {
                j.text = text;
                vec![self.save_jobs()]
            }
            _ => Vec::new(),
        }
    }

    /// Run: (re)starts job `id` with its editor's text, from the page's next batch.
    pub(super) fn run_job(&mut self, id: u64) -> Vec<Effect> {
        if self.jobs.get(id).is_none() {
            return Vec::new();
        }
        self.start_job(id);
        vec![self.save_jobs()]
    }

    /// Reset: job `id`'s editor gets back the example's text (or the link's program); what runs is unchanged
    /// until Run.
    pub(super) fn reset_job(&mut self, id: u64) -> Vec<Effect> {
        let Some(j) = self.jobs.get_mut(id) else {
            return Vec::new();
        };
        j.text = j.origin.clone();
        vec![self.save_jobs()]
    }

    /// Remove: job `id` stops and its panel goes.
    pub(super) fn remove_job(&mut self, id: u64) -> Vec<Effect> {
        let before = self.jobs.len();
        self.jobs.revision += 1;
        self.jobs.list.retain(|j| j.id != id);
        if self.jobs.len() == before {
            return Vec::new();
        }
        vec![self.save_jobs()]
    }

    /// "Copy link": the link opening job `id`'s program, shown in the panel and put on the clipboard.
    pub(super) fn copy_job_link(&mut self, id: u64, page: &str) -> Vec<Effect> {
        let Some(url) = self.job_link(id, page) else {
            return Vec::new();
        };
        if let Some(j) = self.jobs.get_mut(id) {
            j.link = Some(JobLink {
                url: url.clone(),
                copied: None,
            });
        }
        vec![Effect::CopyLink { id, url }]
    }

    /// Storing the jobs' texts failed (storage full or disabled).
    pub(super) fn jobs_save_failed(&mut self, why: &str) {
        self.notify(
            Level::Error,
            format!(
                "Could not keep the student jobs' code ({why}); a reload will not bring it back."
            ),
        );
    }

    /// The clipboard answered for job `id`'s link.
    pub(super) fn job_link_copied(&mut self, id: u64, result: Result<(), String>) {
        if let Some(link) = self.jobs.get_mut(id).and_then(|j| j.link.as_mut()) {
            link.copied = Some(result);
        }
    }

    /// A new context of the page (new settings, reset, checkpoint cleared): the jobs that run (or were refused
    /// for their interval, which may agree now) start again with its first batch.
    pub(super) fn restart_jobs(&mut self) {
        let clock = self.job_clock();
        for j in self.jobs.all_mut() {
            if let (true, Some(text)) = (j.restarts(), j.ran.clone()) {
                j.start_text(text, clock);
            }
        }
    }

    /// At boot: the jobs saved before the reload (those that ran start again), then the URL's `?job=` or
    /// `?example=`, which runs. A program already open is not opened twice, so reloading a link adds nothing.
    pub(super) fn open_jobs(&mut self, saved: Option<&str>, params: &BootParams) {
        if let Some(text) = saved {
            match serde_json::from_str::<Vec<SavedJob>>(text) {
                Ok(list) => {
                    let kept = list.len().min(MAX_JOBS);
                    for s in list.into_iter().take(MAX_JOBS) {
                        if let Ok(id) = self.jobs.open(s.example, s.origin, s.text) {
                            if s.running {
                                self.start_job(id);
                            }
                        }
                    }
                    if kept > 0 {
                        self.notify(
                            Level::Info,
                            format!(
                                "Your {kept} student job{} came back from the last visit; jobs restart on \
                                 reload (their state is not checkpointed).",
                                if kept == 1 { "" } else { "s" }
                            ),
                        );
                    }
                }
                Err(e) => self.notify(
                    Level::Error,
                    format!("The saved student jobs could not be read ({e}); the page starts without them."),
                ),
            }
        }
        if let Some(value) = &params.job {
            match decode_program(value) {
                Ok(program) => self.open_linked(None, program),
                Err(why) => self.notify(
                    Level::Error,
                    format!(
                        "The link's program (?job=) could not be read: {why}. Ask for the link again, or copy \
                         the whole address (a link cut short loses the end of the program)."
                    ),
                ),
            }
        }
        if let Some(name) = &params.example {
            match example(name) {
                Some(e) => self.open_linked(Some(e.name.to_string()), e.source.to_string()),
                None => {
                    let names: Vec<&str> = crate::engine::EXAMPLES.iter().map(|e| e.name).collect();
                    self.notify(
                        Level::Error,
                        format!(
                            "There is no example named {name} (?example=); the examples are {}.",
                            names.join(", ")
                        ),
                    );
                }
            }
        }
    }

    /// Opens and runs a program a link carries, unless a job already holds it (then that one runs).
    pub(super) fn open_linked(&mut self, example: Option<String>, program: String) {
        let open = self.jobs.iter().find(|j| j.text == program).map(|j| j.id);
        let id = match open {
            Some(id) => id,
            None => {
                match self.jobs.open(example, program.clone(), program) {
                    Ok(id) => id,
                    Err(why) => {
                        self.notify(
                        Level::Warn,
                        format!("The link's program was not opened. {why} Then open the link again."),
                    );
                        return;
                    }
                }
            }
        };
        if !matches!(
            self.jobs.get(id).map(|j| &j.status),
            Some(JobStatus::Waiting | JobStatus::Running { .. })
        ) {
            self.start_job(id);
        }
    }
}

#[cfg(test)]
mod tests;
