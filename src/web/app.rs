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
        return shell(&inputs, dispatch);
    };
    let live = &page.live;
    let running = live.controls.running.clone();
    let source_props = SourceBarProps {
        source: live.source.clone(),
        dispatch: dispatch.clone(),
    };
    let controls_props = ControlsProps {
        controls: live.controls.clone(),
        edited: live
            .controls
            .edited
            .iter()
            .map(|m| describe(*m, &running).0)
            .collect(),
        dispatch: dispatch.clone(),
    };
    let inject_props = InjectBoxProps {
        injected: live.injected,
        unavailable: live.inject_unavailable.clone().map(AttrValue::from),
        dispatch: dispatch.clone(),
    };
    let share_props = ShareBoxProps {
        summary: live.share_summary,
        link: live.share_link.clone(),
        dispatch: dispatch.clone(),
    };
    let travel = html! { <TravelBar span={live.travel.clone()} dispatch={dispatch.clone()} /> };
    // Predict, then reveal; Spark's classic mistakes.
    let predict_props = PredictProps {
        prediction: live.prediction.clone(),
        lines: live.open_lines.clone(),
        pending: live.controls.pending,
        config: running.clone(),
        dispatch: dispatch.clone(),
    };
    let mistakes_props = MistakesProps {
        tried: live.mistake,
        message: live.mistake_message.clone(),
        queued: live.controls.behind,
        dispatch: dispatch.clone(),
    };
    let notices = live.notices.clone();
    let teach = page.teach.clone();
    let csv = page.csv.clone();
    let panels: Vec<ModePanelProps> = page
        .panels
        .iter()
        .enumerate()
        .map(|(i, panel)| {
            let mode = panel.mode;
            let parts = stage
                .saturating_sub(TOP_STAGES + i * PANEL_PARTS)
                .min(PANEL_PARTS);
            let whole = parts >= OWN_VIEW_PART;
            ModePanelProps {
                panel: panel.clone(),
                config: running.clone(),
                extra: mode_extras(&ModeExtrasProps {
                    mode,
                    views: teach.clone(),
                    config: running.clone(),
                    whole,
                }),
                parts,
                dispatch: dispatch.clone(),
            }
        })
        .take_while(|p| p.parts > 0)
        .collect();
    let jobs: Vec<JobPanelProps> = page
        .jobs
        .iter()
        .map(|job| JobPanelProps {
            job: job.clone(),
            dispatch: dispatch.clone(),
        })
        .collect();
    let open_jobs = jobs.len();
    let view = live.view;
    let compare = (view == PageView::Compare).then(|| CompareProps {
        view: live.compare.clone(),
        config: running.clone(),
        paused: live.controls.paused,
        dispatch: dispatch.clone(),
    });
    let footer = if stage >= STAGES {
        teach_footer(&TeachFooterProps {
            views: teach,
            export: page.export.clone(),
            csv,
            dispatch: dispatch.clone(),
        })
    } else {
        Html::default()
    };
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
            { header(compare.is_some(), source_props, html! {
                <>
                    <button class="view-toggle" data-testid="view-toggle" onclick={on_view}
                        aria-pressed={(view == PageView::Compare).to_string()}>{"Compare view"}</button>
                    // Time travel: in the compare view's one-line header, so the consoles keep the height.
                    if compare.is_some() { { travel.clone() } }
                </>
            }) }
            <Notices notices={notices} dispatch={dispatch.clone()} />
            if let Some(compare) = compare {
                <main class="compare-main"><CompareView ..compare /></main>
            } else {
            <main>
                if stage == 0 { { starting() } }
                if stage >= 1 { <Controls ..controls_props /> }
                if stage >= 2 {
                    { travel }
                    <InjectBox ..inject_props />
                    <ShareBox ..share_props />
                }
                if stage >= TOP_STAGES {
                    <PredictPanel ..predict_props />
                    <MistakesPanel ..mistakes_props />
                }
                <div class="panels">
                    { for panels.into_iter().map(|p| { let key = p.panel.mode.as_str(); html! { <ModePanel {key} ..p /> } }) }
                </div>
                if stage >= JOBS_STAGE {
                <section class="jobs" aria-label="Your jobs" data-testid="jobs">
                    <JobsBar open={open_jobs} dispatch={dispatch.clone()} />
                    <div class="panels">
                        { for jobs.into_iter().map(|p| { let key = p.job.id; html! { <JobPanel {key} ..p /> } }) }
                    </div>
                </section>
                }
                { footer }
            </main>
            }
            // Last: a footer drawn before the stages above it would move down the screen with each (layout shift).
            if view == PageView::Full && stage >= STAGES {
            <footer class="foot">
                <p>{"Batch times follow the wall clock in multiples of the batch interval, as Spark's RecurringTimer does. \
                    Consoles show exactly what PySpark's pprint() prints."}</p>
            </footer>
            }
        </>
    }
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

/// How much of the page to render: from the view model's first update on, one more stage per task.
#[hook]
fn use_stages(ready: bool) -> usize {
    let stage = use_state(|| 0_usize);
    {
        let stage = stage.clone();
        use_effect_with((ready, *stage), move |&(ready, now)| {
            let next = (ready && now < STAGES)
                .then(|| gloo_timers::callback::Timeout::new(0, move || stage.set(now + 1)));
            move || drop(next)
        });
    }
    *stage
}

/// What the page shows while its worker loads: the header, with the source bar as the view model will start it
/// (the same elements the running page then updates).
fn shell(inputs: &PageInputs, dispatch: Callback<Action>) -> Html {
    let compare = BootParams::from_query(&inputs.query).view == Some(PageView::Compare);
    let source = SourceBarProps {
        source: SourceView::at_load(inputs),
        dispatch,
    };
    html! {
        <>
            { header(compare, source, Html::default()) }
            <main>{ starting() }</main>
        </>
    }
}

/// What `<main>` says until its first stage is drawn.
fn starting() -> Html {
    html! { <p class="starting" role="status">{"Starting the engine…"}</p> }
}

/// The page's header: its name, the theme toggle and `more` (the view toggle, time travel), and the source bar
/// but in the compare view, which keeps the header to one line: the projector's height is for the consoles.
fn header(compare: bool, source: SourceBarProps, more: Html) -> Html {
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
            if !compare {
                <SourceBar ..source />
            }
        </header>
    }
}

/// What the lab is, under its name.
const TAGLINE: &str = "Spark Streaming's DStreams, live: the notebook's three jobs on one stream";
