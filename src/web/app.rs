//! The root component: holds the one reducer, and hands the effects each action returns to the hooks that
//! carry them out (`super::hooks`).

use super::compare::{CompareProps, CompareView};
use super::controls::{Controls, ControlsProps, Notices, SourceBar, SourceBarProps, ThemeToggle};
use super::hooks::use_redraw::use_redraw;
use super::hooks::{use_effects, EffectQueue};
use super::inject::{InjectBox, InjectBoxProps};
use super::jobs::{JobPanel, JobPanelProps, JobsBar};
use super::mistakes::{MistakesPanel, MistakesProps};
use super::panel::{ModeCodeProps, ModePanel, ModePanelProps};
use super::platform::{now_local_ms, perf_now_ms, query_string, same_origin_ws_url, storage_get};
use super::predict::{PredictPanel, PredictProps};
use super::share::{ShareBox, ShareBoxProps};
use super::travel::TravelBar;
use crate::checkpoint::STORAGE_KEY;
use crate::engine::Mode;
use crate::model::compare::PageView;
use crate::model::{Action, BootParams, Lab, JOBS_STORAGE_KEY, MODE_CODE_STORAGE_KEY};
use crate::teach::export::history_csv;
use crate::teach::view::{ModeExtras, TeachFooter};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// The reducer's state: the view model behind a `RefCell` (the engine is not `Clone`, and copying an hour of
/// history per action would be wasteful), the effects waiting to be carried out, a revision that tells
/// yew something changed, and whether the lab took lines the page has not rendered yet.
pub struct State {
    lab: Rc<RefCell<Lab>>,
    effects: EffectQueue,
    rev: u64,
    unshown: Rc<Cell<bool>>,
}

impl State {
    /// Wraps a booted view model (timing its batches with `performance.now()`) and starts it: its first
    /// effects run after the first render.
    pub fn new(mut lab: Lab) -> Self {
        lab.perf_clock = Some(perf_now_ms);
        let effects = lab.start();
        State {
            lab: Rc::new(RefCell::new(lab)),
            effects: Rc::new(RefCell::new(effects.into())),
            rev: 0,
            unshown: Rc::default(),
        }
    }
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.rev == other.rev && Rc::ptr_eq(&self.lab, &other.lab)
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let carries_lines = action.carries_lines();
        let effects = self.lab.borrow_mut().apply(action);
        // Lines render with the next redraw (`use_redraw`); effects run only after a render, so a frame of lines
        // that asks for one renders at once.
        if carries_lines && effects.is_empty() {
            self.unshown.set(true);
            return self;
        }
        self.effects.borrow_mut().extend(effects);
        Rc::new(State {
            lab: self.lab.clone(),
            effects: self.effects.clone(),
            rev: self.rev + 1,
            unshown: self.unshown.clone(),
        })
    }
}

/// The localStorage key of the relay URL last entered in the page.
pub const RELAY_URL_KEY: &str = "dstream-lab/relay-url";

/// Boots the view model from the URL, the saved checkpoint, the student jobs saved last time and the relay URL
/// entered last time (a `?relay=` in the page URL wins over it).
pub fn boot_lab() -> Lab {
    let saved = storage_get(STORAGE_KEY);
    let saved_jobs = storage_get(JOBS_STORAGE_KEY);
    let params = BootParams::from_query(&query_string());
    let relay_url = storage_get(RELAY_URL_KEY).unwrap_or_else(same_origin_ws_url);
    let mut lab = Lab::boot_with_jobs(
        saved.as_deref(),
        saved_jobs.as_deref(),
        now_local_ms(),
        &params,
        &relay_url,
    );
    lab.open_mode_code(storage_get(MODE_CODE_STORAGE_KEY).as_deref());
    lab
}

/// Props of [`App`].
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// When set, the batch clock, sockets and timers are not started (component tests drive the reducer).
    #[prop_or_default]
    pub inert: bool,
}

/// The whole page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    // `_eq`: a state returned unchanged (lines taken without a render) does not render the page.
    let state = use_reducer_eq(|| State::new(boot_lab()));
    let dispatcher = state.dispatcher();
    let dispatch: Callback<Action> = use_callback((), move |a: Action, _| dispatcher.dispatch(a));
    use_effects(state.effects.clone(), dispatch.clone(), props.inert);
    use_redraw(state.unshown.clone());
    // This render shows every line taken so far.
    state.unshown.set(false);
    let lab = state.lab.borrow();

    let source_props = SourceBarProps {
        headline: lab.source.headline(),
        feeding: lab.source.feeding(),
        link: lab.source.link.clone(),
        choice: lab.source.choice,
        relay_url: lab.source.relay_url.clone(),
        sim_rate: lab.source.sim_rate,
        relay_lines: lab.source.relay_lines,
        sim_lines: lab.source.sim_lines,
        dispatch: dispatch.clone(),
    };
    let controls_props = ControlsProps {
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
        edited: lab
            .edited_modes()
            .into_iter()
            .map(|m| super::panel::describe(m, lab.config()).0)
            .collect(),
        dispatch: dispatch.clone(),
    };
    let inject_props = InjectBoxProps {
        injected: lab.source.injected_lines,
        unavailable: lab.inject_unavailable().map(AttrValue::from),
        dispatch: dispatch.clone(),
    };
    let share_props = ShareBoxProps {
        summary: lab.share_summary(),
        link: lab.share_link().cloned(),
        dispatch: dispatch.clone(),
    };
    let travel = html! { <TravelBar span={lab.travel_span()} dispatch={dispatch.clone()} /> };
    // Time travel: every view below shows this batch (the last one run unless the teacher went back).
    let viewed = lab.viewed_batch();
    // Predict, then reveal; Spark's classic mistakes.
    let predict_props = PredictProps {
        prediction: lab.prediction().cloned(),
        lines: lab.sample.open().to_vec(),
        pending: lab.pending_lines(),
        config: lab.config().clone(),
        dispatch: dispatch.clone(),
    };
    let mistakes_props = MistakesProps {
        tried: lab.mistake(),
        message: lab.mistake_message(),
        queued: lab.stats.behind,
        dispatch: dispatch.clone(),
    };
    let notices: Vec<_> = lab.notices().cloned().collect();
    // The teaching views and the CSV change only when a batch runs, the context is replaced or a mode's program
    // changes (its lineage is its graph).
    let batch_key = (
        lab.context,
        lab.stats.batches_run,
        lab.config().clone(),
        viewed,
        lab.mode_codes().revision(),
    );
    let teach = use_memo(batch_key.clone(), |(_, _, c, _, _)| {
        crate::teach::views(&lab.viewed_log(), c, &lab.mode_graphs())
    });
    let csv = use_memo(batch_key, |_| {
        Rc::<str>::from(history_csv(lab.log().entries()))
    });
    // The panels change only when a batch completes (or the context is replaced), not with every frame of
    // lines: at a high rate the relay sends hundreds of frames a second, and rebuilding three charts and
    // consoles for each would waste the page's time.
    let panels = use_memo(
        (
            lab.context,
            lab.stats.batches_run,
            lab.config().clone(),
            viewed,
            lab.mode_codes().revision(),
        ),
        |_| {
            let log = lab.viewed_log();
            let past = lab.travel_span().filter(|s| s.past).map(|s| s.viewed);
            Mode::ALL
                .into_iter()
                .map(|mode| {
                    let console = lab.viewed_console(mode);
                    ModePanelProps {
                        mode,
                        points: Rc::new(log.points(mode)),
                        console: Rc::from(console.text),
                        console_dropped: console.dropped,
                        as_of: past,
                        code: ModeCodeProps::of(&lab, mode, dispatch.clone()),
                        extra: html! { <ModeExtras {mode} views={teach.clone()} config={lab.config().clone()} /> },
                        config: lab.config().clone(),
                    }
                })
                .collect::<Vec<_>>()
        },
    );
    // The job panels change with a batch, an edit or a button, not with every frame of lines.
    let jobs = use_memo(
        (
            lab.context,
            lab.stats.batches_run,
            lab.jobs().revision(),
            viewed,
        ),
        |_| {
            lab.jobs()
                .iter()
                .enumerate()
                .map(|(i, j)| JobPanelProps::of(j, i + 1, &lab, dispatch.clone()))
                .collect::<Vec<_>>()
        },
    );
    let running = lab.config().clone();
    let view = lab.view;
    let compare = (view == PageView::Compare).then(|| CompareProps {
        view: lab.compare_view(),
        config: running.clone(),
        paused: lab.paused,
        dispatch: dispatch.clone(),
    });
    drop(lab);
    let on_view = {
        let d = dispatch.clone();
        let next = match view {
            PageView::Full => PageView::Compare,
            PageView::Compare => PageView::Full,
        };
        Callback::from(move |_| d.emit(Action::SetView(next)))
    };

    html! {
        <>
            // The compare view keeps the header to one line: the projector's height is for the consoles.
            <header class={classes!("top", compare.is_some().then_some("compact"))}>
                <div class="brand">
                    <h1>{"DStream Lab"}</h1>
                    if compare.is_none() {
                        <p class="tagline">{"Spark Streaming's DStreams, live: the notebook's three jobs on one stream"}</p>
                    }
                    <ThemeToggle />
                    <button class="view-toggle" data-testid="view-toggle" onclick={on_view}
                        aria-pressed={(view == PageView::Compare).to_string()}>{"Compare view"}</button>
                    // Time travel: in the compare view's one-line header, so the consoles keep the height.
                    if compare.is_some() { { travel.clone() } }
                </div>
                if compare.is_none() {
                    <SourceBar ..source_props />
                }
            </header>
            <Notices notices={notices} dispatch={dispatch.clone()} />
            if let Some(compare) = compare {
                <main class="compare-main"><CompareView ..compare /></main>
            } else {
            <main>
                <Controls ..controls_props />
                { travel }
                <InjectBox ..inject_props />
                <ShareBox ..share_props />
                <PredictPanel ..predict_props />
                <MistakesPanel ..mistakes_props />
                <div class="panels">
                    { for panels.iter().cloned().map(|p| { let key = p.mode.as_str(); html! { <ModePanel {key} ..p /> } }) }
                </div>
                <section class="jobs" aria-label="Your jobs" data-testid="jobs">
                    <JobsBar open={jobs.len()} dispatch={dispatch.clone()} />
                    <div class="panels">
                        { for jobs.iter().cloned().map(|p| { let key = p.id; html! { <JobPanel {key} ..p /> } }) }
                    </div>
                </section>
                <TeachFooter views={teach.clone()} config={running} csv={(*csv).clone()} />
            </main>
            }
            if view == PageView::Full {
            <footer class="foot">
                <p>{"Batch times follow the wall clock in multiples of the batch interval, as Spark's RecurringTimer does. \
                    Consoles show exactly what PySpark's pprint() prints."}</p>
            </footer>
            }
        </>
    }
}
