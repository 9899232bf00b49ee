//! The root component: renders what the view model sends ([`Page`]), sends it the student's actions, and
//! carries out the effects only the page can (`super::effects`). The view model runs where `B` says
//! (`super::backend`): in a Web Worker on the served page.

use super::backend::{Backend, InThread};
use super::compare::{CompareProps, CompareView};
use super::controls::{Controls, ControlsProps, Notices, SourceBar, SourceBarProps, ThemeToggle};
use super::effects::carry_out;
use super::inject::{InjectBox, InjectBoxProps};
use super::jobs::{JobPanel, JobPanelProps, JobsBar};
use super::mistakes::{MistakesPanel, MistakesProps};
use super::panel::{describe, ModePanel, ModePanelProps, OWN_VIEW_PART, PANEL_PARTS};
use super::platform::{in_next_task, meta_content, query_string, same_origin_ws_url, storage_get};
use super::predict::{PredictPanel, PredictProps};
use super::share::{ShareBox, ShareBoxProps};
use super::travel::TravelBar;
use crate::checkpoint::STORAGE_KEY;
use crate::host::clock::now_local_ms;
use crate::model::compare::PageView;
use crate::model::page::{Page, PageUpdate, SourceView};
use crate::model::wire::{PageInputs, ToPage, RELAY_URL_KEY};
use crate::model::{Action, BootParams, JOBS_STORAGE_KEY, MODE_CODE_STORAGE_KEY};
use crate::teach::view::{mode_extras, teach_footer, ModeExtrasProps, TeachFooterProps};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// The `<meta>` naming the relay socket's worker script (`www/relay-socket.js` as served).
pub const RELAY_SOCKET_META: &str = "dstream-lab-relay-socket";

/// What the page reads at load for the view model: the URL, the saved checkpoint, the student jobs and mode code
/// saved last time, and the relay URL entered last time (a `?relay=` in the page URL wins over it).
pub fn page_inputs(inert: bool) -> PageInputs {
    PageInputs {
        checkpoint: storage_get(STORAGE_KEY),
        jobs: storage_get(JOBS_STORAGE_KEY),
        mode_code: storage_get(MODE_CODE_STORAGE_KEY),
        query: query_string(),
        relay_url: storage_get(RELAY_URL_KEY).unwrap_or_else(same_origin_ws_url),
        now_ms: now_local_ms(),
        inert,
        relay_socket: meta_content(RELAY_SOCKET_META),
    }
}

/// The reducer's state: the page's copy of what to show (none before the view model's first update), a
/// revision that tells yew it changed, and how many actions the page sent.
pub struct Shown {
    page: Rc<RefCell<Option<Page>>>,
    rev: u64,
    sent: Rc<Cell<u64>>,
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        self.rev == other.rev && Rc::ptr_eq(&self.page, &other.page)
    }
}

impl Reducible for Shown {
    type Action = Box<PageUpdate>;

    fn reduce(self: Rc<Self>, update: Box<PageUpdate>) -> Rc<Self> {
        let acked = update.acked;
        merge(&mut self.page.borrow_mut(), *update);
        // An update made before the view model took the student's last action shows an editor or a form as it was
        // before their last keystrokes: rendering it would undo them. The update that follows that action renders.
        if acked < self.sent.get() {
            return self;
        }
        Rc::new(Shown {
            page: self.page.clone(),
            rev: self.rev + 1,
            sent: self.sent.clone(),
        })
    }
}

fn merge(page: &mut Option<Page>, update: PageUpdate) {
    match page {
        Some(page) => page.merge(update),
        None => {
            *page = Page::first(update);
            if page.is_none() {
                web_sys::console::error_1(&"The view model's first update missed a part".into());
            }
        }
    }
}

/// The view model's messages: kept until the page is wired to take them (after its first render), then delivered
/// in a task after the one that decoded them. On a first load, decoding the page's first update and drawing it
/// each take long (the wasm compiles what they call, on a slow phone tens of ms), and one task holding both
/// blocked input for their sum.
#[derive(Default)]
struct Mailbox {
    early: RefCell<Vec<ToPage>>,
    wired: RefCell<Option<(UseReducerDispatcher<Shown>, Callback<Action>)>>,
    /// Messages taken since the last delivery, in order.
    queued: RefCell<Vec<ToPage>>,
}

impl Mailbox {
    fn take(self: &Rc<Self>, message: ToPage) {
        if self.wired.borrow().is_none() {
            self.early.borrow_mut().push(message);
            return;
        }
        let mut queued = self.queued.borrow_mut();
        queued.push(message);
        if queued.len() == 1 {
            let mailbox = self.clone();
            in_next_task(move || mailbox.deliver_queued());
        }
    }

    fn deliver_queued(&self) {
        let queued = std::mem::take(&mut *self.queued.borrow_mut());
        let wired = self.wired.borrow().clone();
        match wired {
            Some((shown, dispatch)) => {
                for message in queued {
                    deliver(message, &shown, &dispatch);
                }
            }
            // Unwired meanwhile: kept, as `take` keeps what comes before the page is wired.
            None => self.early.borrow_mut().extend(queued),
        }
    }

    /// The updates that came before the first render, merged: the page's first state.
    fn first_page(&self) -> Option<Page> {
        let mut page = None;
        let mut early = self.early.borrow_mut();
        for message in std::mem::take(&mut *early) {
            match message {
                ToPage::Update(update) => merge(&mut page, *update),
                other => early.push(other),
            }
        }
        page
    }

    fn wire(&self, shown: UseReducerDispatcher<Shown>, dispatch: Callback<Action>) {
        *self.wired.borrow_mut() = Some((shown.clone(), dispatch.clone()));
        let early = std::mem::take(&mut *self.early.borrow_mut());
        for message in early {
            deliver(message, &shown, &dispatch);
        }
    }

    fn unwire(&self) {
        drop(self.wired.take());
    }
}

fn deliver(message: ToPage, shown: &UseReducerDispatcher<Shown>, dispatch: &Callback<Action>) {
    match message {
        ToPage::Update(update) => shown.dispatch(update),
        ToPage::Effect(effect) => carry_out(effect, dispatch),
        ToPage::Crashed(message) => super::show_crash(&message),
        ToPage::Ready => {}
    }
}

/// Props of [`PageApp`].
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// When set, the batch clock, sockets and timers are not started (component tests drive the page).
    #[prop_or_default]
    pub inert: bool,
}

/// The page with its view model on the page's own thread (the component tests' page).
pub type App = PageApp<InThread>;

/// The whole page, its view model running in `B`.
#[function_component(PageApp)]
pub fn page_app<B: Backend>(props: &AppProps) -> Html {
    let mailbox = use_memo((), |_| Mailbox::default());
    // How many actions the page sent; the reducer reads it too.
    let sent = use_memo((), |_| Cell::new(0_u64));
    let inputs = use_memo(props.inert, |inert| page_inputs(*inert));
    let backend = {
        let (mailbox, inputs) = (mailbox.clone(), inputs.clone());
        use_memo((), move |_| {
            B::start((*inputs).clone(), Rc::new(move |m| mailbox.take(m)))
        })
    };
    let shown = {
        let (mailbox, sent) = (mailbox.clone(), sent.clone());
        use_reducer_eq(move || Shown {
            page: Rc::new(RefCell::new(mailbox.first_page())),
            rev: 0,
            sent,
        })
    };
    let dispatch: Callback<Action> = {
        let sent = sent.clone();
        use_callback((), move |action: Action, _| {
            let seq = sent.get() + 1;
            sent.set(seq);
            backend.act(seq, action);
        })
    };
    {
        let (mailbox, shown, dispatch) = (mailbox.clone(), shown.dispatcher(), dispatch.clone());
        use_effect_with((), move |_| {
            mailbox.wire(shown, dispatch);
            move || mailbox.unwire()
        });
    }
    let page = shown.page.borrow();
    let stage = use_stages(page.is_some());
    let Some(page) = page.as_ref() else {
        return shell(&inputs, dispatch, stage > 0);
    };
    page_view(page, stage.saturating_sub(1), &dispatch)
}

/// The page once the view model has sent it, drawn up to `stage` (see [`STAGES`]). Each part's props are made
/// only when the part is drawn, in a function of its own (never inlined): on a first load the browser compiles
/// each wasm function, whole, the first time it runs, so a stage compiles only what it draws.
#[inline(never)]
fn page_view(page: &Page, stage: usize, dispatch: &Callback<Action>) -> Html {
    let live = &page.live;
    let view = live.view;
    let source = SourceBarProps {
        source: live.source.clone(),
        dispatch: dispatch.clone(),
    };
    let on_view = {
        let d = dispatch.clone();
        let next = match view {
            PageView::Full => PageView::Compare,
            PageView::Compare => PageView::Full,
        };
        Callback::from(move |_| d.emit(Action::SetView(next)))
    };
    let compare = view == PageView::Compare;
    html! {
        <>
            { header(compare, Some(source), html! {
                <>
                    <button class="view-toggle" data-testid="view-toggle" onclick={on_view}
                        aria-pressed={compare.to_string()}>{"Compare view"}</button>
                    // Time travel: in the compare view's one-line header, so the consoles keep the height.
                    if compare { { travel_bar(page, dispatch) } }
                </>
            }) }
            <Notices notices={live.notices.clone()} dispatch={dispatch.clone()} />
            if compare {
                { compare_main(page, dispatch) }
            } else {
                { full_main(page, stage, dispatch) }
                // Last: a footer drawn before the stages above it would move down the screen with each (layout
                // shift).
                if stage >= STAGES {
                <footer class="foot">
                    <p>{"Batch times follow the wall clock in multiples of the batch interval, as Spark's RecurringTimer does. \
                        Consoles show exactly what PySpark's pprint() prints."}</p>
                </footer>
                }
            }
        </>
    }
}

/// The compare view's `<main>`: the consoles side by side, for a projector.
#[inline(never)]
fn compare_main(page: &Page, dispatch: &Callback<Action>) -> Html {
    let live = &page.live;
    let props = CompareProps {
        view: live.compare.clone(),
        config: live.controls.running.clone(),
        paused: live.controls.paused,
        dispatch: dispatch.clone(),
    };
    html! { <main class="compare-main"><CompareView ..props /></main> }
}

/// The time travel bar.
#[inline(never)]
fn travel_bar(page: &Page, dispatch: &Callback<Action>) -> Html {
    html! { <TravelBar span={page.live.travel.clone()} dispatch={dispatch.clone()} /> }
}

/// The full page's `<main>`, up to `stage`.
#[inline(never)]
fn full_main(page: &Page, stage: usize, dispatch: &Callback<Action>) -> Html {
    html! {
        <main>
            if stage == 0 { { starting() } }
            if stage >= 1 { { controls(page, dispatch) } }
            if stage >= 2 { { boxes(page, dispatch) } }
            if stage >= TOP_STAGES { { predict_and_mistakes(page, dispatch) } }
            <div class="panels">{ mode_panels(page, stage, dispatch) }</div>
            if stage >= JOBS_STAGE { { jobs(page, dispatch) } }
            if stage >= STAGES { { teaching_footer(page, dispatch) } }
        </main>
    }
}

/// The settings form and the run counters.
#[inline(never)]
fn controls(page: &Page, dispatch: &Callback<Action>) -> Html {
    let controls = &page.live.controls;
    let props = ControlsProps {
        controls: controls.clone(),
        edited: controls
            .edited
            .iter()
            .map(|m| describe(*m, &controls.running).0)
            .collect(),
        dispatch: dispatch.clone(),
    };
    html! { <Controls ..props /> }
}

/// Time travel, inject a line, share a scenario.
#[inline(never)]
fn boxes(page: &Page, dispatch: &Callback<Action>) -> Html {
    let live = &page.live;
    let inject = InjectBoxProps {
        injected: live.injected,
        unavailable: live.inject_unavailable.clone().map(AttrValue::from),
        dispatch: dispatch.clone(),
    };
    let share = ShareBoxProps {
        summary: live.share_summary,
        link: live.share_link.clone(),
        dispatch: dispatch.clone(),
    };
    html! {
        <>
            { travel_bar(page, dispatch) }
            <InjectBox ..inject />
            <ShareBox ..share />
        </>
    }
}

/// Predict, then reveal; Spark's classic mistakes.
#[inline(never)]
fn predict_and_mistakes(page: &Page, dispatch: &Callback<Action>) -> Html {
    let live = &page.live;
    let predict = PredictProps {
        prediction: live.prediction.clone(),
        lines: live.open_lines.clone(),
        pending: live.controls.pending,
        config: live.controls.running.clone(),
        dispatch: dispatch.clone(),
    };
    let mistakes = MistakesProps {
        tried: live.mistake,
        message: live.mistake_message.clone(),
        queued: live.controls.behind,
        dispatch: dispatch.clone(),
    };
    html! {
        <>
            <PredictPanel ..predict />
            <MistakesPanel ..mistakes />
        </>
    }
}

/// The three mode panels, as far as `stage` has drawn them (each in [`PANEL_PARTS`] parts).
#[inline(never)]
fn mode_panels(page: &Page, stage: usize, dispatch: &Callback<Action>) -> Html {
    let running = &page.live.controls.running;
    page.panels
        .iter()
        .enumerate()
        .map_while(|(i, panel)| {
            let parts = stage
                .saturating_sub(TOP_STAGES + i * PANEL_PARTS)
                .min(PANEL_PARTS);
            (parts > 0).then(|| {
                let props = ModePanelProps {
                    panel: panel.clone(),
                    config: running.clone(),
                    extra: mode_extras(&ModeExtrasProps {
                        mode: panel.mode,
                        views: page.teach.clone(),
                        config: running.clone(),
                        whole: parts >= OWN_VIEW_PART,
                    }),
                    parts,
                    dispatch: dispatch.clone(),
                };
                let key = panel.mode.as_str();
                html! { <ModePanel {key} ..props /> }
            })
        })
        .collect()
}

/// The student jobs' section.
#[inline(never)]
fn jobs(page: &Page, dispatch: &Callback<Action>) -> Html {
    html! {
        <section class="jobs" aria-label="Your jobs" data-testid="jobs">
            <JobsBar open={page.jobs.len()} dispatch={dispatch.clone()} />
            <div class="panels">
                { for page.jobs.iter().map(|job| {
                    let props = JobPanelProps { job: job.clone(), dispatch: dispatch.clone() };
                    html! { <JobPanel key={job.id} ..props /> }
                }) }
            </div>
        </section>
    }
}

/// The teaching views under the panels and "Take it to real Spark".
#[inline(never)]
fn teaching_footer(page: &Page, dispatch: &Callback<Action>) -> Html {
    teach_footer(&TeachFooterProps {
        views: page.teach.clone(),
        export: page.export.clone(),
        csv: page.csv.clone(),
        dispatch: dispatch.clone(),
    })
}

/// The page's first whole render builds a large DOM: as one task it held the main thread for ~450 ms on
/// Lighthouse's throttled mobile CPU (README, "Budget, measured"). It comes in stages instead, one task each: the
/// header (with the view model's first update), the controls, the travel, inject and share boxes, the predict and
/// mistakes panels, then each mode panel in four parts (chart and console, lineage, the mode's own teaching view,
/// code), then the jobs, then the teaching footer. On a first load most of a stage's time is the browser compiling
/// the wasm functions it calls for the first time, so smaller stages keep each task short.
const STAGES: usize = JOBS_STAGE + 1;
/// The stages of the controls and boxes above the mode panels.
const TOP_STAGES: usize = 3;
/// The stage that adds the jobs' section (after the three mode panels).
const JOBS_STAGE: usize = TOP_STAGES + 3 * PANEL_PARTS + 1;

/// How much of the page to render, one more stage per task: 0 the shell's header alone (the page's first render,
/// the longest task of a first load: yew's start and its first elements, each function compiled as it first
/// runs), 1 the whole shell; from the view model's first update on, the page's stages ([`STAGES`]), one less.
#[hook]
fn use_stages(ready: bool) -> usize {
    let stage = use_state(|| 0_usize);
    {
        let stage = stage.clone();
        use_effect_with((ready, *stage), move |&(ready, now)| {
            let next = ((ready || now == 0) && now <= STAGES)
                .then(|| gloo_timers::callback::Timeout::new(0, move || stage.set(now + 1)));
            move || drop(next)
        });
    }
    *stage
}

/// What the page shows while its worker loads: the header, with the source bar as the view model will start it
/// (the same elements the running page then updates) once `whole`.
#[inline(never)]
fn shell(inputs: &PageInputs, dispatch: Callback<Action>, whole: bool) -> Html {
    let compare = BootParams::from_query(&inputs.query).view == Some(PageView::Compare);
    let source = whole.then(|| SourceBarProps {
        source: SourceView::at_load(inputs),
        dispatch,
    });
    html! {
        <>
            { header(compare, source, Html::default()) }
            if whole { <main>{ starting() }</main> }
        </>
    }
}

/// What `<main>` says until its first stage is drawn.
fn starting() -> Html {
    html! { <p class="starting" role="status">{"Starting the engine…"}</p> }
}

/// The page's header: its name, the theme toggle and `more` (the view toggle, time travel), and the source bar
/// but in the compare view, which keeps the header to one line: the projector's height is for the consoles.
fn header(compare: bool, source: Option<SourceBarProps>, more: Html) -> Html {
    html! {
        <header class={classes!("top", compare.then_some("compact"))}>
            <div class="brand">
                <h1>{"DStream Lab"}</h1>
                if !compare {
                    <p class="tagline">{TAGLINE}</p>
                }
                <ThemeToggle />
                { more }
            </div>
            if let (false, Some(source)) = (compare, source) {
                <SourceBar ..source />
            }
        </header>
    }
}

/// What the lab is, under its name.
const TAGLINE: &str = "Spark Streaming's DStreams, live: the notebook's three jobs on one stream";
