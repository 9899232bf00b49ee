//! The root component: holds the one reducer and drives the side effects (relay socket, built-in source,
//! batch clock, checkpoint storage) from the state it holds.

use super::controls::{Controls, ControlsProps, Notices, SourceBar, SourceBarProps, ThemeToggle};
use super::panel::{ModePanel, ModePanelProps};
use super::platform::{
    now_local_ms, query_string, same_origin_ws_url, storage_get, storage_remove, storage_set,
};
use super::relay::RelaySocket;
use super::sim::SimSource;
use crate::checkpoint::STORAGE_KEY;
use crate::engine::{LogGenerator, Mode};
use crate::model::{Action, BootParams, Lab, RelayLink, SourceKind};
use crate::teach::export::history_csv;
use crate::teach::view::{perf_now, ModeExtras, TeachFooter};
use gloo_timers::callback::{Interval, Timeout};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The reducer's state: the view model behind a `RefCell` (the engine is not `Clone`, and copying an hour of
/// history per action would be wasteful) plus a revision that tells yew something changed.
pub struct State {
    lab: Rc<RefCell<Lab>>,
    rev: u64,
}

impl State {
    /// Wraps a booted view model (timing its batches with `performance.now()`).
    pub fn new(mut lab: Lab) -> Self {
        lab.perf_clock = Some(perf_now);
        State {
            lab: Rc::new(RefCell::new(lab)),
            rev: 0,
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
        self.lab.borrow_mut().apply(action);
        Rc::new(State {
            lab: self.lab.clone(),
            rev: self.rev + 1,
        })
    }
}

/// The localStorage key of the relay URL last entered in the page.
pub const RELAY_URL_KEY: &str = "dstream-lab/relay-url";

/// Boots the view model from the URL, the saved checkpoint and the relay URL
/// entered last time (a `?relay=` in the page URL wins over it).
pub fn boot_lab() -> Lab {
    let saved = storage_get(STORAGE_KEY);
    let params = BootParams::from_query(&query_string());
    let relay_url = storage_get(RELAY_URL_KEY).unwrap_or_else(same_origin_ws_url);
    Lab::boot(saved.as_deref(), now_local_ms(), &params, &relay_url)
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
    let state = use_reducer(|| State::new(boot_lab()));
    let dispatcher = state.dispatcher();
    let dispatch: Callback<Action> = use_callback((), move |a: Action, _| dispatcher.dispatch(a));
    let inert = props.inert;
    let lab = state.lab.borrow();

    // Relay socket: one per connection attempt, closed when the attempt is superseded or unwanted.
    let holds_socket = matches!(
        lab.source.link,
        RelayLink::Connecting { .. } | RelayLink::Open
    );
    {
        let dispatch = dispatch.clone();
        let seq = lab.source.connect_seq;
        let url = lab.source.relay_url.clone();
        let want = holds_socket && !inert;
        use_effect_with((seq, url, want), move |(seq, url, want)| {
            let socket = if *want {
                RelaySocket::open(url, *seq, dispatch)
            } else {
                None
            };
            move || drop(socket)
        });
    }

    // Back-off timer before the next attempt.
    let retry = match &lab.source.link {
        RelayLink::Retrying { delay_ms, .. } if !inert => Some((lab.source.connect_seq, *delay_ms)),
        _ => None,
    };
    {
        let dispatch = dispatch.clone();
        use_effect_with(retry, move |retry| {
            let timers = retry.map(|(seq, delay)| {
                let countdown = dispatch.clone();
                (
                    Timeout::new(delay, move || dispatch.emit(Action::RelayRetryNow { seq })),
                    // The header's "retry in N s" counts down while the page waits.
                    Interval::new(1000, move || {
                        countdown.emit(Action::RelayRetrySecond { seq })
                    }),
                )
            });
            move || drop(timers)
        });
    }

    // Built-in source, running only while it feeds the engine.
    let generator = use_mut_ref(|| LogGenerator::new(js_sys::Date::now() as u64));
    let sim = (lab.source.feeding() == Some(SourceKind::Simulated) && !inert)
        .then(|| lab.source.sim_rate.to_bits());
    {
        let dispatch = dispatch.clone();
        use_effect_with(sim, move |sim| {
            let source =
                sim.map(|bits| SimSource::start(generator, f64::from_bits(bits), dispatch));
            move || drop(source)
        });
    }

    // Batch clock: one timeout to the next batch boundary, re-armed after every tick.
    let clock = (!lab.paused && !inert)
        .then(|| (lab.generation, lab.stats.ticks, lab.next_batch_time_ms()));
    {
        let dispatch = dispatch.clone();
        use_effect_with(clock, move |clock| {
            let timer = clock.map(|(_, _, next)| {
                let delay = (next - now_local_ms()).clamp(0, i64::from(i32::MAX)) as u32;
                Timeout::new(delay, move || {
                    dispatch.emit(Action::Tick {
                        now_ms: now_local_ms(),
                    })
                })
            });
            move || drop(timer)
        });
    }

    // Checkpoint after every batch (the notebook's `ssc.checkpoint("checkpoint")`). The text is read in the
    // effect, not copied on every render.
    {
        let dispatch = dispatch.clone();
        let shared = state.lab.clone();
        use_effect_with(lab.checkpoint_seq, move |_| {
            let result = {
                let lab = shared.borrow();
                lab.checkpoint_to_save()
                    .map(|(key, value)| storage_set(key, value))
            };
            // The borrow is released before dispatching: the reducer needs it mutably.
            if let Some(Err(e)) = result {
                dispatch.emit(Action::CheckpointSaveFailed(e));
            }
        });
    }

    // A relay URL entered in the page is kept for the next visit. Losing it (storage disabled or full) only
    // means the next visit starts from the same-origin relay again.
    use_effect_with(lab.source.typed_url.clone(), |url| {
        if let Some(url) = url {
            let _ = storage_set(RELAY_URL_KEY, url);
        }
    });

    // A replaced context (apply, reset) makes the saved checkpoint stale: forget it, so a reload before the
    // new context's first batch starts fresh instead of resurrecting the old state. Generation 0 is the boot,
    // whose checkpoint is the one just restored.
    {
        let dispatch = dispatch.clone();
        use_effect_with(lab.generation, move |generation| {
            if *generation > 0 {
                if let Err(e) = storage_remove(STORAGE_KEY) {
                    dispatch.emit(Action::CheckpointSaveFailed(e));
                }
            }
        });
    }

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
        dispatch: dispatch.clone(),
    };
    let notices: Vec<_> = lab.notices().cloned().collect();
    // The teaching views and the CSV change only when a batch runs or the context is replaced.
    let batch_key = (lab.generation, lab.stats.batches_run, lab.config().clone());
    let teach = use_memo(batch_key.clone(), |(_, _, c)| {
        crate::teach::views(lab.teach(), c)
    });
    let csv = use_memo(batch_key, |_| Rc::<str>::from(history_csv(lab.history())));
    // The panels change only when a batch completes (or the context is replaced), not with every frame of
    // lines: at a high rate the relay sends hundreds of frames a second, and rebuilding three charts and
    // consoles for each would waste the page's time.
    let panels = use_memo(
        (lab.generation, lab.stats.batches_run, lab.config().clone()),
        |_| {
            Mode::ALL
                .into_iter()
                .map(|mode| {
                    let console = lab.console(mode);
                    ModePanelProps {
                        mode,
                        points: Rc::new(lab.points(mode)),
                        console: Rc::from(console.text()),
                        console_dropped: console.dropped,
                        code: Rc::from(lab.code(mode)),
                        extra: html! { <ModeExtras {mode} views={teach.clone()} config={lab.config().clone()} /> },
                        config: lab.config().clone(),
                    }
                })
                .collect::<Vec<_>>()
        },
    );
    let running = lab.config().clone();
    drop(lab);

    html! {
        <>
            <header class="top">
                <div class="brand">
                    <h1>{"DStream Lab"}</h1>
                    <p class="tagline">{"Spark Streaming's DStreams, live: the notebook's three jobs on one stream"}</p>
                    <ThemeToggle />
                </div>
                <SourceBar ..source_props />
            </header>
            <Notices notices={notices} dispatch={dispatch.clone()} />
            <main>
                <Controls ..controls_props />
                <div class="panels">
                    { for panels.iter().cloned().map(|p| { let key = p.mode.as_str(); html! { <ModePanel {key} ..p /> } }) }
                </div>
                <TeachFooter views={teach.clone()} config={running} csv={(*csv).clone()} />
            </main>
            <footer class="foot">
                <p>{"Batch times follow the wall clock in multiples of the batch interval, as Spark's RecurringTimer does. \
                    Consoles show exactly what PySpark's pprint() prints."}</p>
            </footer>
        </>
    }
}
