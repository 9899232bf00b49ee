//! Starting the page: the URL's settings, the checkpoint restored when it is usable (`getOrCreate`), and
//! the first effects (connect to the relay, start the batch clock, the built-in source if it feeds).

use super::compare::BatchSample;
use super::effect::Effect;
use super::notices::{Level, Notices};
use super::pipeline::fresh_engine;
use super::settings::Draft;
use super::source::{SourceChoice, SourceState, DEFAULT_SIM_RATE};
use super::stats::Stats;
use super::travel::Travel;
use super::url::BootParams;
use super::{BatchLog, Consoles, Jobs, Lab};
use crate::checkpoint::SavedCheckpoint;
use crate::engine::{NotebookConfig, NotebookLab};

impl Lab {
    /// The page as loaded: restores `saved` (the checkpoint text in storage) when it is usable, and says what
    /// happened either way; otherwise starts fresh with the URL's settings (or the notebook's defaults).
    /// Nothing outside runs until [`Lab::start`].
    pub fn boot(
        saved: Option<&str>,
        now_ms: i64,
        params: &BootParams,
        default_relay_url: &str,
    ) -> Self {
        Self::boot_with_jobs(saved, None, now_ms, params, default_relay_url)
    }

    /// [`Lab::boot`], with the student jobs saved before the reload (`saved_jobs`, the text stored under
    /// [`super::JOBS_STORAGE_KEY`]) and the URL's `?job=` / `?example=` opened: the jobs that ran, and the
    /// link's, start with the first batch.
    pub fn boot_with_jobs(
        saved: Option<&str>,
        saved_jobs: Option<&str>,
        now_ms: i64,
        params: &BootParams,
        default_relay_url: &str,
    ) -> Self {
        let mut notices = Notices::default();
        for e in &params.errors {
            notices.push(Level::Warn, format!("Ignored URL parameter: {e}"));
        }
        let config = url_config(params, &mut notices);
        // A shared scenario starts a context of its own: the checkpoint of the last visit is not restored for it.
        let saved = saved.filter(|_| params.scenario.is_none());
        let engine = restore(saved, &config, params, now_ms, &mut notices);
        let mut lab = Lab {
            draft: Draft::from_config(engine.config()),
            engine,
            draft_error: None,
            paused: false,
            context: 0,
            log: BatchLog::default(),
            consoles: Consoles::default(),
            jobs: Jobs::default(),
            mode_codes: Default::default(),
            notices,
            source: SourceState::new(
                params.source.unwrap_or(SourceChoice::Auto),
                params
                    .relay_url
                    .clone()
                    .unwrap_or_else(|| default_relay_url.to_string()),
                params.sim_rate.unwrap_or(DEFAULT_SIM_RATE),
            ),
            stats: Stats::default(),
            view: params.view.unwrap_or_default(),
            sample: BatchSample::default(),
            share: super::share::Share {
                pending: params.scenario.clone(),
                ..Default::default()
            },
            perf_clock: None,
            travel: Travel::default(),
            predict: None,
            mistake: None,
            export: Default::default(),
        };
        lab.open_jobs(saved_jobs, params);
        lab
    }

    /// Starts what the booted page runs: the first relay attempt (unless only the built-in source is
    /// wanted), the `?scenario=` link's replay, the batch timer, and the built-in source when it feeds the engine. Call it once, after
    /// [`Lab::boot`].
    pub fn start(&mut self) -> Vec<Effect> {
        let mut effects = if self.source.relay_wanted() {
            self.source.connect(1)
        } else {
            Vec::new()
        };
        // A shared scenario's link replays it now, and pauses at its end.
        effects.extend(self.open_pending_scenario());
        effects.extend(self.batch_timer());
        // Nothing ran before: the built-in source starts if it feeds the engine now.
        effects.extend(self.sim_effect(None));
        // A link's job is kept for the next visit as soon as it opens.
        if !self.jobs().is_empty() {
            effects.push(self.save_jobs());
        }
        effects
    }
}

/// The URL's settings over the notebook's defaults; all of the defaults, with a notice, if Spark would
/// refuse the result.
fn url_config(params: &BootParams, notices: &mut Notices) -> NotebookConfig {
    let mut config = NotebookConfig::default();
    if let Some(i) = params.interval_ms {
        config.batch_interval_ms = i;
    }
    if let Some(w) = params.window_ms {
        config.window_ms = w;
    }
    if let Some(s) = params.slide_ms {
        config.slide_ms = s;
    }
    if let Err(e) = config.validate() {
        notices.push(
            Level::Error,
            format!("The URL's settings were refused ({e}); using the notebook's defaults."),
        );
        config = NotebookConfig::default();
    }
    config
}

/// The engine restored from `saved` when it is usable (its settings win, as with
/// `StreamingContext.getOrCreate`), else a fresh one with `config`; a notice says which and why.
fn restore(
    saved: Option<&str>,
    config: &NotebookConfig,
    params: &BootParams,
    now_ms: i64,
    notices: &mut Notices,
) -> NotebookLab {
    match saved.map(SavedCheckpoint::load) {
        Some(Ok((cp, lab))) => {
            notices.push(
                Level::Info,
                format!(
                    "Restored from the checkpoint: running totals and window state as of batch {} ({}). \
                     Batches missed while the page was closed run as empty batches, as Spark does on recovery.{}",
                    cp.batch,
                    cp.time_label,
                    if &cp.config != config && params != &BootParams::default() {
                        " The checkpoint's settings win over the URL's, as with StreamingContext.getOrCreate."
                    } else {
                        ""
                    }
                ),
            );
            lab
        }
        Some(Err(e)) => {
            notices.push(Level::Error, e.to_string());
            fresh_engine(config, now_ms)
        }
        None => fresh_engine(config, now_ms),
    }
}
