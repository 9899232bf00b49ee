//! Running the pipelines: lines into the open batch, batches on the wall clock (or one step at a time while
//! paused), a checkpoint after every batch, and a new context when the settings change or on reset.

use super::batch_log::Timing;
use super::effect::Effect;
use super::notices::Level;
use super::settings::Draft;
use super::source::SourceKind;
use super::{BatchLog, Consoles, Lab};
use crate::checkpoint::SavedCheckpoint;
use crate::engine::{NotebookConfig, NotebookLab};

/// Lines the open batch may hold; further lines are counted as dropped. It is reached when the rate times the batch
/// interval passes it (200 000 lines/s at a 10 s interval), or when lines keep coming during a long pause. Twice
/// what 1 s holds at 1 000 000 lines/s, so that a batch run late at that rate loses nothing; the three modes share
/// one copy of the open batch's lines (about 105 bytes a line in the wasm, text and end: some 210 MB when full, where
/// the three copies at the earlier cap of 1 000 000 took some 315 MB).
pub const MAX_PENDING_LINES: usize = 2_000_000;
/// Batches run per timer tick when catching up (after a pause or a restore), so the page stays responsive.
pub const MAX_BATCHES_PER_TICK: usize = 250;

fn aligned_zero(now_ms: i64, interval_ms: i64) -> i64 {
    // Spark's RecurringTimer starts at the next multiple of the interval; the graph's zero time is one
    // interval before it, so batch 1 closes at the first interval boundary after start.
    now_ms.div_euclid(interval_ms) * interval_ms
}

/// A new engine with `config`, its batches aligned to the wall clock from `now_ms`.
pub(super) fn fresh_engine(config: &NotebookConfig, now_ms: i64) -> NotebookLab {
    let zero = aligned_zero(now_ms, config.batch_interval_ms);
    match NotebookLab::new(config.clone(), zero) {
        Ok(l) => l,
        // `config` was validated by every caller; the defaults are the notebook's and always valid.
        Err(_) => NotebookLab::new(NotebookConfig::default(), aligned_zero(now_ms, 10_000))
            .expect("the notebook's default settings are valid"),
    }
}

impl Lab {
    /// Starts a new context with `config`: the open batch's lines, the batch log, the consoles and the saved
    /// checkpoint belong to the old one.
    pub(super) fn restart(&mut self, config: NotebookConfig, now_ms: i64) -> Vec<Effect> {
        self.restart_with(fresh_engine(&config, now_ms))
    }

    /// [`Lab::restart`] with this engine (a new context, not run yet), whatever its clock.
    pub(super) fn restart_with(&mut self, engine: NotebookLab) -> Vec<Effect> {
        self.stats.lines_discarded_restart += self.engine.pending_lines() as u64;
        let programs = crate::engine::Mode::ALL.map(|m| self.engine.program(m).map(str::to_string));
        self.engine = engine;
        self.draft = Draft::from_config(self.engine.config());
        self.log = BatchLog::default();
        self.consoles = Consoles::default();
        self.share.input = Default::default();
        self.travel_restart();
        self.context += 1;
        self.stats.behind = 0;
        self.stats.batches_run = 0;
        self.restart_jobs();
        self.restart_modes(programs);
        // A reload before the new context's first batch must start fresh, not resurrect the old state.
        let mut effects = vec![Effect::ClearCheckpoint];
        effects.extend(self.batch_timer());
        effects
    }

    /// Starts the pipelines over with the running settings.
    pub(super) fn reset(&mut self, now_ms: i64) -> Vec<Effect> {
        let effects = self.restart(self.config().clone(), now_ms);
        self.notify(Level::Info, "Reset: the pipelines start over.".to_string());
        effects
    }

    /// The saved checkpoint was deleted: start over, as after `rm -r checkpoint`.
    pub(super) fn checkpoint_cleared(&mut self, now_ms: i64) -> Vec<Effect> {
        let effects = self.restart(self.config().clone(), now_ms);
        self.notify(
            Level::Info,
            "Checkpoint cleared: running totals and window state start over.".to_string(),
        );
        effects
    }

    /// The batch timer for the open batch, unless paused.
    pub(super) fn batch_timer(&self) -> Option<Effect> {
        (!self.paused).then(|| Effect::ArmBatchTimer {
            at_ms: self.engine.next_batch_time_ms(),
        })
    }

    /// Puts lines into the open batch when `from` feeds the engine; counts them as ignored otherwise, and as
    /// dropped beyond [`MAX_PENDING_LINES`].
    pub(super) fn ingest<S: AsRef<str>>(&mut self, from: SourceKind, lines: &[S]) {
        if self.source.feeding() != Some(from) {
            self.source.ignored_lines += lines.len() as u64;
            return;
        }
        if self.predict_hold(lines) {
            return;
        }
        self.take_lines(lines);
    }

    /// Puts lines into the open batch, whatever their source; beyond [`MAX_PENDING_LINES`] they are counted as
    /// dropped.
    pub(super) fn take_lines<S: AsRef<str>>(&mut self, lines: &[S]) {
        let room = MAX_PENDING_LINES.saturating_sub(self.engine.pending_lines());
        let take = lines.len().min(room);
        self.engine.push_lines(&lines[..take]);
        self.jobs.push_lines(&lines[..take]);
        self.sample.push(&lines[..take]);
        self.share.input.push(&lines[..take]);
        self.stats.lines_in += take as u64;
        self.stats.lines_dropped_full += (lines.len() - take) as u64;
    }

    /// The batch timer fired: runs every batch due by `now_ms` (at most [`MAX_BATCHES_PER_TICK`]), saves a
    /// checkpoint if any ran, and arms the timer for the next one.
    pub(super) fn tick(&mut self, now_ms: i64) -> Vec<Effect> {
        if self.paused {
            return Vec::new();
        }
        if self.no_batch_runs().is_some() {
            return self.starve(now_ms);
        }
        let mut ran = 0;
        let tick_start = self.perf_clock.map(|c| c());
        while self.engine.next_batch_time_ms() <= now_ms && ran < MAX_BATCHES_PER_TICK {
            let start = self.perf_clock.map(|c| c());
            let r = self.engine.run_batch();
            // Spark's scheduling delay: from the batch time to the start of its processing (the timer fires
            // late, and a batch waits for the ones before it in this tick).
            let waited = start.zip(tick_start).map_or(0.0, |(s, t)| s - t);
            let timing = Timing {
                processing_ms: self.elapsed_since(start),
                delay_ms: Some((now_ms - r.time_ms) as f64 + waited),
            };
            self.record(r, timing);
            ran += 1;
        }
        self.stats.behind = self.behind_at(now_ms);
        let mut effects: Vec<Effect> = self.batch_timer().into_iter().collect();
        if ran > 0 {
            effects.extend(self.checkpoint());
        }
        effects
    }

    /// Batches due by `now_ms` that have not run.
    pub(super) fn behind_at(&self, now_ms: i64) -> u64 {
        let next = self.engine.next_batch_time_ms();
        let interval = self.engine.config().batch_interval_ms;
        if next <= now_ms {
            ((now_ms - next) / interval + 1) as u64
        } else {
            0
        }
    }

    /// While paused: closes the open batch now, and checkpoints it.
    pub(super) fn step(&mut self) -> Vec<Effect> {
        if !self.paused || self.no_batch_runs().is_some() {
            return Vec::new();
        }
        let start = self.perf_clock.map(|c| c());
        let r = self.engine.run_batch();
        let timing = Timing {
            processing_ms: self.elapsed_since(start),
            delay_ms: None,
        };
        self.record(r, timing);
        self.checkpoint().into_iter().collect()
    }

    /// Stops the batch clock (lines keep collecting in the open batch).
    pub(super) fn pause(&mut self) -> Vec<Effect> {
        if self.paused {
            return Vec::new();
        }
        self.paused = true;
        vec![Effect::CancelBatchTimer]
    }

    /// Restarts the batch clock; the batches missed meanwhile run at its first tick.
    pub(super) fn resume(&mut self) -> Vec<Effect> {
        if !self.paused {
            return Vec::new();
        }
        self.paused = false;
        self.batch_timer().into_iter().collect()
    }

    /// The checkpoint after the last batch recorded (the notebook's `ssc.checkpoint("checkpoint")`). Should the
    /// engine refuse to checkpoint, the page says so and deletes the stored one, which is a batch behind.
    pub(super) fn checkpoint(&mut self) -> Option<Effect> {
        let last = self.log.last()?;
        match SavedCheckpoint::capture(&self.engine, last.batch, &last.time_label) {
            Ok(cp) => Some(Effect::SaveCheckpoint(Box::new(cp))),
            Err(e) => {
                self.save_failed(e);
                Some(Effect::ClearCheckpoint)
            }
        }
    }

    /// Says that the checkpoint could not be saved, and why.
    pub(super) fn save_failed(&mut self, why: impl std::fmt::Display) {
        self.notify(
            Level::Error,
            format!("Could not save the checkpoint ({why}); a reload will start fresh."),
        );
    }

    fn elapsed_since(&self, start: Option<f64>) -> Option<f64> {
        start.zip(self.perf_clock).map(|(s, clock)| clock() - s)
    }

    pub(super) fn record(&mut self, r: crate::engine::BatchReport, timing: Timing) {
        // The notebook's programs report nothing here unless something is broken; then the student is told. A
        // student's program's records that are not the notebook's are counted for its panel.
        self.mode_codes.batch_ended(&r);
        for problem in &r.problems {
            self.notify(Level::Error, format!("Batch {}: {problem}.", r.batch));
        }
        self.log.record(&r, timing);
        self.share.input.close(r.batch, r.time_ms);
        self.stats.batches_run = r.batch;
        self.stats.last_batch_lines = r.lines;
        let batch = r.batch;
        self.consoles.record(r);
        self.jobs.batch_ended(self.perf_clock, batch);
        self.sample.close(batch);
        self.travel_after_batch();
    }
}
