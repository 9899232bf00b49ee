//! "Share a scenario": the settings and the recorded input of the last batches ([`super::input_log`]) as a
//! scenario of the notebook's `replay` (`dstream_notebook::scenario`, one format for the page and the command
//! line), copied as a `?scenario=` link ([`super::packed`]) or downloaded as its JSON file; and a scenario opened
//! from a link or a file, replayed batch by batch with its `Time:` lines, then paused at its end.

use dstream_engine::time::format_batch_time;
use dstream_notebook::scenario::Scenario;

use super::batch_log::Timing;
use super::effect::Effect;
use super::input_log::InputLog;
use super::jobs::JobLink;
use super::notices::Level;
use super::packed::{pack, unpack};
use super::Lab;
use crate::engine::NotebookLab;
use crate::timefmt::seconds_literal;

/// The longest scenario a link or a file may hold, as JSON text: the page's own (at most
/// [`super::input_log::SHARE_BYTES`] of lines, 6 bytes each at worst once escaped) fit, and a crafted link
/// cannot make the page inflate more.
pub const MAX_SCENARIO_BYTES: usize = 2 * 1024 * 1024;

/// The most batches a scenario may make the page run at once (its batches and `extra_batches`): hours of a
/// lesson, and few enough that opening a crafted file does not freeze the page.
pub const MAX_SCENARIO_BATCHES: u64 = 10_000;

/// The downloaded scenario's file name.
pub const SCENARIO_FILE: &str = "dstream-lab-scenario.json";

/// The share state: what is recorded for a scenario, the last link made, and a link's scenario waiting for
/// the page to start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Share {
    /// The last batches' input.
    pub(super) input: InputLog,
    /// The last link made, and what the clipboard said.
    pub link: Option<JobLink>,
    /// The `?scenario=` value the page was opened with, replayed by [`Lab::start`].
    pub(super) pending: Option<String>,
}

/// What a link or a download would hold right now, for the share box's sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShareSummary {
    /// Batches it holds.
    pub batches: usize,
    /// The first and last of them (batch numbers of this context).
    pub range: Option<(u64, u64)>,
    /// Batches of this context that ran before them and that it does not hold.
    pub not_kept: u64,
}

impl ShareSummary {
    /// The share box's sentence.
    pub fn sentence(&self) -> String {
        let Some((first, last)) = self.range else {
            return "No batch has run yet in this context: nothing to share.".to_string();
        };
        let mut text = match self.batches {
            1 => format!("The link holds the last batch (batch {first})"),
            n => format!("The link holds the last {n} batches (batches {first} to {last})"),
        };
        if first > 1 {
            text.push_str(&format!(
                "; {} earlier batch{} {} not in it (too many lines, or before a reload), so its replay starts \
                 from empty running totals and windows",
                first - 1,
                if first == 2 { "" } else { "es" },
                if first == 2 { "is" } else { "are" },
            ));
        }
        text.push('.');
        text
    }
}

/// Why a file of `size` bytes is not read as a scenario, if it is too large.
pub fn scenario_file_too_large(size: f64) -> Option<String> {
    (size > MAX_SCENARIO_BYTES as f64).then(|| {
        format!(
            "the file is larger than {} MiB, more than any scenario",
            MAX_SCENARIO_BYTES / (1024 * 1024)
        )
    })
}

impl Lab {
    /// What a link or a download would hold right now.
    pub fn share_summary(&self) -> ShareSummary {
        let batches = self.share.input.batches();
        ShareSummary {
            batches: batches.len(),
            range: batches
                .front()
                .zip(batches.back())
                .map(|(a, b)| (a.batch, b.batch)),
            not_kept: self.share.input.not_kept,
        }
    }

    /// The last link made ("Copy link"), and what the clipboard said.
    pub fn share_link(&self) -> Option<&JobLink> {
        self.share.link.as_ref()
    }

    /// The scenario of the batches kept: the running settings, and their lines from the first kept batch on,
    /// timed so that `replay` prints their `Time:` lines. `None` before the first batch.
    pub fn scenario(&self) -> Option<Scenario> {
        let batches = self.share.input.batches();
        let first = batches.front()?;
        let start = first.time_ms - self.config().batch_interval_ms;
        let lines = batches.iter().map(|b| b.lines.clone()).collect();
        Some(Scenario::of_lab(self.config(), start, lines))
    }

    /// "Copy link": the `?scenario=` link of [`Lab::scenario`] on `page` (the page's address without its
    /// query), shown in the share box and put on the clipboard.
    pub(super) fn copy_share_link(&mut self, page: &str) -> Vec<Effect> {
        let Some(json) = self.scenario().and_then(|s| serde_json::to_string(&s).ok()) else {
            self.notify(
                Level::Warn,
                "No batch has run yet: there is nothing to share.".to_string(),
            );
            return Vec::new();
        };
        let url = format!("{page}?scenario={}", pack(&json));
        self.share.link = Some(JobLink {
            url: url.clone(),
            copied: None,
        });
        vec![Effect::CopyShareLink(url)]
    }

    /// The clipboard answered for the share link.
    pub(super) fn share_link_copied(&mut self, result: Result<(), String>) {
        if let Some(link) = self.share.link.as_mut() {
            link.copied = Some(result);
        }
    }

    /// "Download scenario": [`Lab::scenario`] as `replay`'s JSON file.
    pub(super) fn download_scenario(&mut self) -> Vec<Effect> {
        match self
            .scenario()
            .and_then(|s| serde_json::to_string_pretty(&s).ok())
        {
            Some(text) => vec![Effect::DownloadFile {
                name: SCENARIO_FILE.to_string(),
                mime: "application/json".to_string(),
                text,
            }],
            None => {
                self.notify(
                    Level::Warn,
                    "No batch has run yet: there is nothing to download.".to_string(),
                );
                Vec::new()
            }
        }
    }

    /// "Load scenario": the text of file `file` (or why the browser could not read it), replayed.
    pub(super) fn load_scenario(
        &mut self,
        file: &str,
        text: Result<String, String>,
    ) -> Vec<Effect> {
        let from = format!("from {file}");
        match text.and_then(|t| self.replay_scenario(&t, &from)) {
            Ok(effects) => effects,
            Err(why) => {
                self.notify(
                    Level::Error,
                    format!("Could not load the scenario {file}: {why}."),
                );
                Vec::new()
            }
        }
    }

    /// At start: the scenario of the `?scenario=` link the page was opened with, replayed.
    pub(super) fn open_pending_scenario(&mut self) -> Vec<Effect> {
        let Some(value) = self.share.pending.take() else {
            return Vec::new();
        };
        let replayed = unpack(&value, MAX_SCENARIO_BYTES, "the scenario")
            .and_then(|text| self.replay_scenario(&text, "of the link"));
        replayed.unwrap_or_else(|why| {
            self.notify(
                Level::Error,
                format!("Could not open the shared scenario: {why}. The page runs live instead."),
            );
            Vec::new()
        })
    }

    /// Replays scenario `text` in a new context with its settings and times: its batches (and its empty extra
    /// batches) run at once, as `replay` runs them, then the page pauses. `from` says where it came from.
    fn replay_scenario(&mut self, text: &str, from: &str) -> Result<Vec<Effect>, String> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(format!(
                "it is longer than {} MiB, more than any scenario",
                MAX_SCENARIO_BYTES / (1024 * 1024)
            ));
        }
        let scenario = Scenario::parse(text).map_err(|e| e.to_string())?;
        let config = scenario.lab_config().map_err(|e| e.to_string())?;
        let runs = scenario.batches.len() as u64 + scenario.extra_batches;
        if runs > MAX_SCENARIO_BATCHES {
            return Err(format!(
                "it has {runs} batches, more than the {MAX_SCENARIO_BATCHES} the page replays"
            ));
        }
        let engine = NotebookLab::new(config, scenario.start_ms()).map_err(|e| e.to_string())?;
        let mut effects = self.pause();
        effects.extend(self.restart_with(engine));
        let empty = Vec::new();
        let extra = (0..scenario.extra_batches).map(|_| &empty);
        for lines in scenario.batches.iter().chain(extra) {
            self.take_lines(lines);
            let r = self.engine.run_batch();
            self.record(r, Timing::default());
        }
        effects.extend(self.checkpoint());
        let c = self.config();
        let settings = format!(
            "{} s batches, a {} s window sliding every {} s, {} partition{}",
            seconds_literal(c.batch_interval_ms),
            seconds_literal(c.window_ms),
            seconds_literal(c.slide_ms),
            c.parallelism,
            if c.parallelism == 1 { "" } else { "s" }
        );
        let at = |k: u64| format_batch_time(scenario.start_ms() + k as i64 * c.batch_interval_ms);
        let span = match runs {
            0 => String::new(),
            _ => format!(", {} to {}", at(1), at(runs)),
        };
        self.notify(
            Level::Info,
            format!(
                "Replayed the scenario {from}: {runs} batch{}{span}, with its settings ({settings}). Paused at \
                 its end: Step or Resume go on from there, Reset starts live from now.",
                if runs == 1 { "" } else { "es" }
            ),
        );
        Ok(effects)
    }
}
