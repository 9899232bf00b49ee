//! What the page shows, as plain data: the view model runs where the lines arrive (a Web Worker), the page renders
//! on the main thread, and between them only these values travel (as JSON).
//!
//! [`PageViews`] builds a [`PageUpdate`] from the [`Lab`]: the [`LiveView`] (counters, forms, notices: small) every
//! time, and the parts that change only with a batch, an edit or a button (panels, jobs, teaching views, the CSV)
//! only when they changed. [`Page`] is the page's copy, updated by merging each [`PageUpdate`] into it.

use super::compare::{CompareView, PageView};
use super::link::RelayLink;
use super::mistakes::Mistake;
use super::predict::Prediction;
use super::settings::Draft;
use super::share::ShareSummary;
use super::source::{SourceChoice, SourceKind, SourceState, DEFAULT_SIM_RATE};
use super::travel::TravelSpan;
use super::wire::PageInputs;
use super::{JobLink, JobStatus, Lab, ModeStatus, Notice, StudentJob};
use crate::chart::ChartPoint;
use crate::engine::{example, Mode, NotebookConfig};
use crate::teach::export::{history_csv, ExportForm, ExportView};
use crate::teach::output_modes::{modes_story, ModesStory};
use crate::teach::program::{program_views, ProgramViews};
use crate::teach::trigger::{trigger_story, TriggerStory};
use crate::teach::TeachViews;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// The source bar: which source feeds the engine and how much it sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    /// The header's one line about the source.
    pub headline: String,
    /// Which source feeds the engine now, if any.
    pub feeding: Option<SourceKind>,
    /// The relay connection's state.
    pub link: RelayLink,
    /// The source chosen.
    pub choice: SourceChoice,
    /// The relay URL.
    pub relay_url: String,
    /// The built-in source's rate, lines per second.
    pub sim_rate: f64,
    /// Lines the relay sent.
    pub relay_lines: u64,
    /// Lines the built-in source made.
    pub sim_lines: u64,
}

/// The settings form and the run counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlsView {
    /// The settings form.
    pub draft: Draft,
    /// Why the form cannot be applied.
    pub draft_error: Option<String>,
    /// The running settings.
    pub running: NotebookConfig,
    /// Whether the batch clock is stopped.
    pub paused: bool,
    /// Batches run.
    pub batches: u64,
    /// Lines in the open batch.
    pub pending: usize,
    /// Lines in the last batch.
    pub last_batch_lines: usize,
    /// Lines put into the engine.
    pub lines_in: u64,
    /// `HH:MM:SS` of the next batch.
    pub next_batch: String,
    /// Batches behind the wall clock.
    pub behind: u64,
    /// What was lost, in words.
    pub losses: Vec<String>,
    /// The modes whose panels hold an edited program.
    pub edited: Vec<Mode>,
}

impl SourceView {
    /// What `source` shows.
    pub fn of(source: &SourceState) -> SourceView {
        SourceView {
            headline: source.headline(),
            feeding: source.feeding(),
            link: source.link.clone(),
            choice: source.choice,
            relay_url: source.relay_url.clone(),
            sim_rate: source.sim_rate,
            relay_lines: source.relay_lines,
            sim_lines: source.sim_lines,
        }
    }

    /// The source bar as the view model starts it from `inputs` (the page shows it while its worker loads).
    pub fn at_load(inputs: &PageInputs) -> SourceView {
        let params = super::BootParams::from_query(&inputs.query);
        let mut source = SourceState::new(
            params.source.unwrap_or(SourceChoice::Auto),
            params.relay_url.unwrap_or_else(|| inputs.relay_url.clone()),
            params.sim_rate.unwrap_or(DEFAULT_SIM_RATE),
        );
        if source.relay_wanted() {
            // Its effect (the socket) is the worker's to carry out.
            drop(source.connect(1));
        }
        SourceView::of(&source)
    }
}

/// Everything on the page that may change with any line or action: small, sent with every update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveView {
    /// The full page or the compare view.
    pub view: PageView,
    /// The source bar.
    pub source: SourceView,
    /// The settings and counters.
    pub controls: ControlsView,
    /// Lines typed into "Inject a line".
    pub injected: u64,
    /// Why a line cannot be injected now, if it cannot.
    pub inject_unavailable: Option<String>,
    /// What "Share a scenario" would share.
    pub share_summary: ShareSummary,
    /// The last share link made.
    pub share_link: Option<JobLink>,
    /// The batches time travel reaches.
    pub travel: Option<TravelSpan>,
    /// The open prediction, if any.
    pub prediction: Option<Prediction>,
    /// The first lines of the open batch.
    pub open_lines: Vec<String>,
    /// The classic mistake tried, if any.
    pub mistake: Option<Mistake>,
    /// What that mistake does, in words.
    pub mistake_message: Option<String>,
    /// The notices shown.
    pub notices: Vec<Notice>,
    /// The compare view's batch (only while the compare view is shown; `None` before the first batch).
    pub compare: Option<CompareView>,
}

/// The code part of a mode panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeCodeView {
    /// The editor's text: the notebook's program with the running settings, or the student's.
    pub text: Rc<str>,
    /// Whether the editor shows the notebook's program (Apply rewrites its numbers).
    pub notebook: bool,
    /// What the mode's job does.
    pub status: ModeStatus,
    /// The editor holds a text the job does not run.
    pub edited: bool,
    /// Why the last Run was refused (its batch interval is not the page's).
    pub refusal: Option<Rc<str>>,
    /// Records of the student's program that are not (message type, count) pairs, since it started.
    pub other_records: u64,
}

impl ModeCodeView {
    /// `mode`'s code part on `lab`'s page.
    pub fn of(lab: &Lab, mode: Mode) -> Self {
        ModeCodeView {
            text: Rc::from(lab.mode_text(mode)),
            notebook: lab.mode_codes().get(mode).text.is_none(),
            status: lab.mode_status(mode),
            edited: lab.mode_edited_since_run(mode),
            refusal: lab.mode_refusal(mode).map(Rc::from),
            other_records: lab.mode_codes().get(mode).other_records,
        }
    }
}

/// One mode's panel: chart, console and code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModePanelView {
    /// Which mode.
    pub mode: Mode,
    /// The chart's points.
    pub points: Rc<Vec<ChartPoint>>,
    /// The console's last blocks, exactly as pprint printed them, oldest first.
    pub console: Rc<Vec<String>>,
    /// Blocks that scrolled out of the console (the number of its first block shown).
    pub console_dropped: u64,
    /// The earlier batch time travel shows; `None` when live.
    pub as_of: Option<u64>,
    /// The mode's editor.
    pub code: ModeCodeView,
}

/// One student job's panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPanelView {
    /// The job's id.
    pub id: u64,
    /// Its place on the page (1-based), for its title.
    pub number: usize,
    /// The example it started from (its title), or where it came from.
    pub origin: String,
    /// The editor's text.
    pub text: Rc<str>,
    /// What it is doing.
    pub status: JobStatus,
    /// Its stdout's last blocks (one per batch that printed), oldest first.
    pub console: Rc<Vec<String>>,
    /// Console blocks scrolled out (the number of its first block shown).
    pub console_dropped: u64,
    /// Lines no stream of the program read.
    pub unread_lines: u64,
    /// The editor holds changes the running job does not have.
    pub edited: bool,
    /// The last "Copy link".
    pub link: Option<JobLink>,
    /// The teaching views of the program that ran.
    pub views: Rc<ProgramViews>,
    /// What the Structured Streaming job's trigger did (None for a DStream job, or before its first trigger).
    pub trigger: Option<Rc<TriggerStory>>,
    /// "Output modes side by side" of its streaming aggregation (None when it has none, or before a trigger).
    pub modes: Option<Rc<ModesStory>>,
}

impl JobPanelView {
    /// `job`'s panel, the `number`th on `lab`'s page, as of the batch the page shows (time travel).
    pub fn of(job: &StudentJob, number: usize, lab: &Lab) -> Self {
        let console = lab.viewed_job_console(job);
        let batches = lab.viewed_job_batches(job);
        let origin = match job.example.as_deref().and_then(example) {
            Some(e) => e.title.to_string(),
            None => "a program from a link".to_string(),
        };
        JobPanelView {
            id: job.id,
            number,
            origin,
            text: Rc::from(job.text.as_str()),
            status: job.status.clone(),
            console: console.blocks,
            console_dropped: console.dropped,
            unread_lines: job.unread_lines(),
            edited: job.edited_since_run(),
            link: job.link.clone(),
            views: Rc::new(program_views(&batches)),
            trigger: trigger_story(&batches).map(Rc::new),
            modes: modes_story(&batches).map(Rc::new),
        }
    }
}

/// What changed since the last update: the live part always, each other part only when it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageUpdate {
    /// The page's actions the view model had taken when it made this update (see [`Page::acked`]).
    pub acked: u64,
    /// The live part.
    pub live: LiveView,
    /// The three mode panels, in [`Mode::ALL`] order.
    pub panels: Option<Vec<ModePanelView>>,
    /// The student jobs' panels, in page order.
    pub jobs: Option<Vec<JobPanelView>>,
    /// The teaching views.
    pub teach: Option<Rc<TeachViews>>,
    /// The charted history as CSV.
    pub csv: Option<Rc<str>>,
    /// "Take it to real Spark": the form and its script.
    pub export: Option<ExportView>,
}

/// The page's copy of what to show: every [`PageUpdate`] merged into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// See [`PageUpdate::acked`].
    pub acked: u64,
    /// The live part.
    pub live: LiveView,
    /// The three mode panels.
    pub panels: Rc<Vec<ModePanelView>>,
    /// The student jobs' panels.
    pub jobs: Rc<Vec<JobPanelView>>,
    /// The teaching views.
    pub teach: Rc<TeachViews>,
    /// The charted history as CSV.
    pub csv: Rc<str>,
    /// "Take it to real Spark": the form and its script.
    pub export: ExportView,
}

impl Page {
    /// The page of a first update, which carries every part; `None` when a part is missing.
    pub fn first(update: PageUpdate) -> Option<Page> {
        Some(Page {
            acked: update.acked,
            live: update.live,
            panels: Rc::new(update.panels?),
            jobs: Rc::new(update.jobs?),
            teach: update.teach?,
            csv: update.csv?,
            export: update.export?,
        })
    }

    /// Takes in what changed.
    pub fn merge(&mut self, update: PageUpdate) {
        self.acked = update.acked;
        self.live = update.live;
        if let Some(panels) = update.panels {
            self.panels = Rc::new(panels);
        }
        if let Some(jobs) = update.jobs {
            self.jobs = Rc::new(jobs);
        }
        if let Some(teach) = update.teach {
            self.teach = teach;
        }
        if let Some(csv) = update.csv {
            self.csv = csv;
        }
        if let Some(export) = update.export {
            self.export = export;
        }
    }
}

/// What the mode panels, the teaching views and the CSV depend on: they are rebuilt only when it changes (a
/// batch, a new context, new settings, time travel, a mode's program).
type BatchKey = (u64, u64, NotebookConfig, Option<u64>, u64);
/// What the job panels depend on.
type JobsKey = (u64, u64, u64, Option<u64>);
/// What the exported script depends on.
type ExportKey = (NotebookConfig, ExportForm);

/// Makes [`PageUpdate`]s, remembering what the page was last sent so that an unchanged part is not sent again.
#[derive(Debug, Default)]
pub struct PageViews {
    batch: Option<BatchKey>,
    jobs: Option<JobsKey>,
    export: Option<ExportKey>,
}

impl PageViews {
    /// What changed on `lab`'s page since the last update (everything, the first time), with `acked` actions
    /// of the page taken.
    pub fn update(&mut self, lab: &Lab, acked: u64) -> PageUpdate {
        let viewed = lab.viewed_batch();
        let batch_key = (
            lab.context,
            lab.stats.batches_run,
            lab.config().clone(),
            viewed,
            lab.mode_codes().revision(),
        );
        let jobs_key = (
            lab.context,
            lab.stats.batches_run,
            lab.jobs().revision(),
            viewed,
        );
        let export_key = (lab.config().clone(), lab.export.clone());
        let batch_changed = self.batch.as_ref() != Some(&batch_key);
        let jobs_changed = self.jobs.as_ref() != Some(&jobs_key);
        let export_changed = self.export.as_ref() != Some(&export_key);
        self.batch = Some(batch_key);
        self.jobs = Some(jobs_key);
        self.export = Some(export_key);
        PageUpdate {
            acked,
            live: live_view(lab),
            panels: batch_changed.then(|| mode_panels(lab)),
            jobs: jobs_changed.then(|| {
                lab.jobs()
                    .iter()
                    .enumerate()
                    .map(|(i, j)| JobPanelView::of(j, i + 1, lab))
                    .collect()
            }),
            teach: batch_changed.then(|| {
                Rc::new(crate::teach::views(
                    &lab.viewed_log(),
                    lab.config(),
                    &lab.mode_graphs(),
                ))
            }),
            csv: batch_changed.then(|| Rc::from(history_csv(lab.log().entries()))),
            export: export_changed.then(|| ExportView::of(&lab.export, lab.config())),
        }
    }

    /// Forgets what was sent: the next update carries every part (a page that starts over).
    pub fn resend_all(&mut self) {
        *self = PageViews::default();
    }
}

/// The live part of `lab`'s page.
pub fn live_view(lab: &Lab) -> LiveView {
    let view = lab.view;
    LiveView {
        view,
        source: SourceView::of(&lab.source),
        controls: ControlsView {
            draft: lab.draft.clone(),
            draft_error: lab.draft_error.clone(),
            running: lab.config().clone(),
            paused: lab.paused,
            batches: lab.stats.batches_run,
            pending: lab.pending_lines(),
            last_batch_lines: lab.stats.last_batch_lines,
            lines_in: lab.stats.lines_in,
            next_batch: lab.next_batch_label(),
            behind: lab.stats.behind,
            losses: lab.losses(),
            edited: lab.edited_modes(),
        },
        injected: lab.source.injected_lines,
        inject_unavailable: lab.inject_unavailable(),
        share_summary: lab.share_summary(),
        share_link: lab.share_link().cloned(),
        travel: lab.travel_span(),
        prediction: lab.prediction().cloned(),
        open_lines: lab.sample.open().to_vec(),
        mistake: lab.mistake(),
        mistake_message: lab.mistake_message(),
        notices: lab.notices().cloned().collect(),
        compare: if view == PageView::Compare {
            lab.compare_view()
        } else {
            None
        },
    }
}

/// The three mode panels, as of the batch the page shows.
fn mode_panels(lab: &Lab) -> Vec<ModePanelView> {
    let log = lab.viewed_log();
    let past = lab.travel_span().filter(|s| s.past).map(|s| s.viewed);
    Mode::ALL
        .into_iter()
        .map(|mode| {
            let console = lab.viewed_console(mode);
            ModePanelView {
                mode,
                points: Rc::new(log.points(mode)),
                console: console.blocks,
                console_dropped: console.dropped,
                as_of: past,
                code: ModeCodeView::of(lab, mode),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
