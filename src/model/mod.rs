//! The view model: everything the page shows, changed only through [`Lab::apply`] (the app's one reducer).
//!
//! It owns the engine, the bounded batch log every view of the past reads, the bounded consoles, the source's
//! state and the counters of anything dropped. It knows no web API: time comes in as numbers, frames as bytes, and every
//! side effect (sockets, timers, the built-in source, storage) goes out as an [`Effect`] returned by
//! [`Lab::apply`], which the runtime carries out (`crate::host`, in a Web Worker); so all of it tests natively.
//!
//! One file per concern: [`action`] and [`effect`] (what goes in and out), [`source`] and [`link`] (the
//! source side and the relay connection's state machine), [`url`] (start-up settings from the page URL),
//! [`settings`] (the settings form), [`batch_log`], [`consoles`] and [`stats`] (what the panels, the teaching
//! views and the counters show),
//! [`notices`], [`pipeline`] (lines in, batches on the clock, checkpoints) and [`boot`] (start and restore);
//! [`jobs`] (students' programs run beside the modes), [`job_batches`] (what their batches did, node by node) and
//! [`job_link`] (`?job=` links); [`mode_code`] (the mode panels' editable programs); [`share`] ("Share a scenario": [`input_log`] records the last batches' lines,
//! [`packed`] packs a link's text); [`travel`]: time travel, every view as of an earlier batch.
//! [`windowed_compare`]: the compare view's row of the DStream window beside Structured Streaming's windowed count.
//! [`page`]: what the page shows, as data; [`wire`]: the messages between the page and the view model (a Web Worker).

pub mod action;
pub mod batch_log;
pub mod boot;
pub mod compare;
pub mod consoles;
pub mod effect;
mod inject;
pub mod input_log;
pub mod job_batches;
pub mod job_link;
pub mod jobs;
pub mod link;
pub mod mistakes;
pub mod mode_code;
pub mod notices;
pub mod packed;
pub mod page;
pub mod pipeline;
pub mod predict;
pub mod settings;
pub mod share;
pub mod source;
pub mod stats;
pub mod travel;
pub mod url;
pub mod windowed_compare;
pub mod wire;

#[cfg(test)]
mod tests;

pub use action::Action;
pub use batch_log::{BatchEntry, BatchLog, LOG_BATCHES};
pub use consoles::ConsoleText;
pub use consoles::{Console, Consoles, CONSOLE_BLOCKS};
pub use effect::Effect;
pub use job_batches::{JobBatch, JobBatches, JOB_BATCHES};
pub use jobs::{JobLink, JobStatus, Jobs, SavedJob, StudentJob, JOBS_STORAGE_KEY, MAX_JOBS};
pub use link::{backoff_ms, RelayLink};
pub use mode_code::{ModeCode, ModeCodes, ModeStatus, SavedModeCode, MODE_CODE_STORAGE_KEY};
pub use notices::{Level, Notice, MAX_NOTICES};
pub use pipeline::{MAX_BATCHES_PER_TICK, MAX_PENDING_LINES};
pub use settings::{Draft, DraftField, BATCH_INTERVALS_S};
pub use source::{SourceChoice, SourceKind, SourceState, DEFAULT_SIM_RATE, MAX_SIM_RATE};
pub use stats::Stats;
pub use travel::{TravelMove, TravelSpan, TRAVEL_BATCHES};
pub use url::BootParams;

use crate::chart::ChartPoint;
use crate::code::pyspark_code;
use crate::engine::{Mode, NotebookConfig, NotebookLab, StreamNode};
use crate::timefmt::clock_label;
use compare::{BatchSample, PageView};
use notices::Notices;

/// The page's whole state. See the module docs.
pub struct Lab {
    engine: NotebookLab,
    /// The settings form.
    pub draft: Draft,
    /// Why the form cannot be applied, in Spark's words where Spark has them.
    pub draft_error: Option<String>,
    /// Whether the batch clock is stopped.
    pub paused: bool,
    /// Which StreamingContext runs: 0 for the one booted, one more for each apply, reset or clear. A new
    /// context starts its batch numbers over, so the page's cached views are keyed on it.
    pub context: u64,
    log: BatchLog,
    consoles: Consoles,
    jobs: Jobs,
    /// The mode panels' code.
    mode_codes: mode_code::ModeCodes,
    notices: Notices,
    /// The source side.
    pub source: SourceState,
    /// Counters.
    pub stats: Stats,
    /// How the page is laid out (`?view=compare` for a projector).
    pub view: PageView,
    /// The first input lines of the open batch and of the last one.
    pub sample: BatchSample,
    /// "Share a scenario": the last batches' input, the last link made.
    share: share::Share,
    /// The page's high-resolution clock in ms (`performance.now()`), to time each batch for the streaming
    /// statistics; `None` natively (no processing time is shown then).
    pub perf_clock: Option<fn() -> f64>,
    /// Time travel: which batch the page shows.
    travel: travel::Travel,
    /// "Predict, then reveal": the prediction open or last revealed.
    predict: Option<predict::Prediction>,
    /// The classic mistake being tried, if one is.
    mistake: Option<mistakes::Tried>,
    /// "Take it to real Spark"'s form.
    pub export: crate::teach::export::ExportForm,
}

impl Lab {
    /// The reducer: applies one action and returns the side effects it calls for, in order.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        let sim_before = self.source.sim_running();
        let mut effects = match action {
            Action::Tick { now_ms } => self.tick(now_ms),
            Action::SimLines(lines) => {
                self.source.sim_lines += lines.len() as u64;
                self.ingest(SourceKind::Simulated, &lines);
                Vec::new()
            }
            Action::RelayOpened { seq, encoding } => {
                self.source.opened(seq, encoding);
                Vec::new()
            }
            Action::RelayBinary { seq, data } => {
                if let Some(plain) = self.source.data_frame(seq, &data) {
                    let lines = self.source.frame_lines(&plain);
                    self.ingest(SourceKind::Relay, &lines);
                }
                Vec::new()
            }
            Action::RelayText { seq, text } => {
                if let Some(why) = self.source.status_frame(seq, &text) {
                    self.notify(
                        Level::Warn,
                        format!("The relay did not inject your line: {why}."),
                    );
                }
                Vec::new()
            }
            Action::RelayClosed { seq, code, reason } => self.relay_closed(seq, code, &reason),
            Action::RelayRetryNow { seq } => self.source.retry_now(seq),
            Action::RelayRetrySecond { seq } => {
                self.source.retry_second(seq);
                Vec::new()
            }
            Action::Reconnect => self.source.reconnect(),
            Action::SetSource(choice) => self.source.choose(choice),
            Action::SetRelayUrl(url) => self.source.use_url(&url).unwrap_or_else(|e| {
                self.notify(Level::Error, e);
                Vec::new()
            }),
            Action::SetSimRate(rate) => {
                self.source.set_sim_rate(rate);
                Vec::new()
            }
            Action::Edit(field) => {
                self.edit_settings(field);
                Vec::new()
            }
            Action::Apply { now_ms } => self.apply_settings(now_ms),
            Action::Pause => self.pause(),
            Action::Resume => self.resume(),
            Action::Step => self.step(),
            Action::Reset { now_ms } => self.reset(now_ms),
            Action::CheckpointCleared { now_ms } => self.checkpoint_cleared(now_ms),
            Action::CheckpointSaveFailed(e) => {
                self.save_failed(e);
                Vec::new()
            }
            Action::Dismiss(id) => {
                self.notices.dismiss(id);
                Vec::new()
            }
            Action::InjectLine(line) => self.inject_line(line),
            Action::SetView(view) => {
                self.set_view(view);
                Vec::new()
            }
            Action::JobNew { example } => self.new_job(&example),
            Action::JobEdit { id, text } => self.edit_job(id, text),
            Action::JobRun { id } => self.run_job(id),
            Action::JobReset { id } => self.reset_job(id),
            Action::JobRemove { id } => self.remove_job(id),
            Action::ModeEdit { mode, text } => self.edit_mode(mode, text),
            Action::ModeRun { mode } => self.run_mode(mode),
            Action::ModeReset { mode } => self.reset_mode(mode),
            Action::ModeCodeSaveFailed(why) => {
                self.mode_code_save_failed(&why);
                Vec::new()
            }
            Action::JobCopyLink { id, page } => self.copy_job_link(id, &page),
            Action::JobsSaveFailed(why) => {
                self.jobs_save_failed(&why);
                Vec::new()
            }
            Action::JobLinkCopied { id, result } => {
                self.job_link_copied(id, result);
                Vec::new()
            }
            // Share a scenario.
            Action::ShareCopyLink { page } => self.copy_share_link(&page),
            Action::ShareLinkCopied(result) => {
                self.share_link_copied(result);
                Vec::new()
            }
            Action::ShareDownload => self.download_scenario(),
            Action::ShareLoad { file, text } => self.load_scenario(&file, text),
            Action::Travel(to) => {
                self.travel(to);
                Vec::new()
            }
            // Predict, then reveal.
            Action::PredictStart => self.predict_start(),
            Action::PredictType { mode, text } => {
                self.predict_type(mode, text);
                Vec::new()
            }
            Action::PredictReveal => self.predict_reveal(),
            Action::PredictClose => {
                self.predict_close();
                Vec::new()
            }
            // Spark's classic mistakes.
            Action::MistakeTry { mistake, now_ms } => self.try_mistake(mistake, now_ms),
            Action::MistakeUndo { now_ms } => self.undo_mistake(now_ms),
            // DStream vs Structured Streaming (#12).
            Action::WindowedCompareOpen => self.open_windowed_compare(),
            Action::Export(form) => {
                self.export = form.tidied();
                Vec::new()
            }
        };
        self.predict_follow();
        self.mistake_follow();
        effects.extend(self.sim_effect(sim_before));
        effects
    }

    /// The built-in source runs exactly while it feeds the engine, at the rate asked: whatever the action,
    /// start, restart or stop it when that changed.
    fn sim_effect(&self, before: Option<u64>) -> Option<Effect> {
        let now = self.source.sim_running();
        (now != before).then(|| match now {
            Some(bits) => Effect::StartSim {
                rate: f64::from_bits(bits),
            },
            None => Effect::StopSim,
        })
    }

    fn relay_closed(&mut self, seq: u64, code: u16, reason: &str) -> Vec<Effect> {
        let (effects, lost) = self.source.closed(seq, code, reason);
        // Failed attempts are not outages: only losing an open link gets a notice.
        if let Some(why) = lost {
            self.notify(
                Level::Warn,
                format!("Lost the relay ({why}); reconnecting with back-off."),
            );
        }
        effects
    }

    fn notify(&mut self, level: Level, text: String) {
        self.notices.push(level, text);
    }

    /// The running configuration.
    pub fn config(&self) -> &NotebookConfig {
        self.engine.config()
    }

    /// The DStream graph each mode's program built, in [`Mode::ALL`] order.
    pub fn mode_graphs(&self) -> [Vec<StreamNode>; 3] {
        Mode::ALL.map(|m| self.engine.graph(m))
    }

    /// Lines in the open batch.
    pub fn pending_lines(&self) -> usize {
        self.engine.pending_lines()
    }

    /// When the open batch closes (local naive ms).
    pub fn next_batch_time_ms(&self) -> i64 {
        self.engine.next_batch_time_ms()
    }

    /// `HH:MM:SS` of [`Lab::next_batch_time_ms`].
    pub fn next_batch_label(&self) -> String {
        clock_label(self.engine.next_batch_time_ms())
    }

    /// The batches of this context, as the charts, the export and the teaching views read them (at most
    /// [`LOG_BATCHES`], oldest forgotten first).
    pub fn log(&self) -> &BatchLog {
        &self.log
    }

    /// The console of `mode`.
    pub fn console(&self, mode: Mode) -> &Console {
        self.consoles.console(mode)
    }

    /// Current notices, oldest first.
    pub fn notices(&self) -> impl Iterator<Item = &Notice> {
        self.notices.iter()
    }

    /// The chart points of `mode`: one per batch at which it emitted.
    pub fn points(&self, mode: Mode) -> Vec<ChartPoint> {
        self.log.points(mode)
    }

    /// The notebook's program for `mode` with the running settings, as its panel's editor shows it.
    pub fn code(&self, mode: Mode) -> String {
        let c = self.engine.config();
        // Trying `local[1]` (a classic mistake) shows the master that runs no batch.
        let cores = if self.mistake() == Some(mistakes::Mistake::Local1) {
            1
        } else {
            crate::code::master_cores(c.parallelism)
        };
        pyspark_code(mode, c, cores)
    }

    /// Everything lost or set aside so far, in words (empty when nothing was).
    pub fn losses(&self) -> Vec<String> {
        stats::losses(&self.stats, &self.source)
    }
}
