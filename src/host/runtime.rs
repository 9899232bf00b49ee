//! The view model at work: the [`Lab`], the effects it returns carried out, and what the page shows sent out
//! as [`PageUpdate`]s through a [`Post`].
//!
//! Actions are applied in the order they come, each one's effects run after it, and an action an effect makes
//! (a refused URL) waits behind the action being applied. Lines from a source change only the counters and the
//! open batch, and at a high rate come hundreds of times a second: they are shown every [`REDRAW_MS`], not
//! after each frame (README, "Budget, measured": relay → page).

use super::clock::perf_now_ms;
use super::relay::RelayLine;
use super::sim::SimSource;
use super::socket::SocketWorker;
use super::Dispatch;
use crate::engine::LogGenerator;
use crate::model::page::PageViews;
use crate::model::wire::{carried, Carried, PageInputs, ToPage};
use crate::model::{Action, Effect, Lab};
use gloo_timers::callback::{Interval, Timeout};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

/// How often (ms) lines taken since the last update are shown: the counters move four times a second.
pub const REDRAW_MS: u32 = 250;

/// Where the view model's messages for the page go.
pub type Post = Rc<dyn Fn(ToPage)>;

/// A running view model; dropping the last handle stops its sockets, timers and source.
#[derive(Clone)]
pub struct Runtime(Rc<Inner>);

struct Inner {
    lab: RefCell<Lab>,
    views: RefCell<PageViews>,
    actions: RefCell<VecDeque<(Option<u64>, Action)>>,
    effects: RefCell<VecDeque<Effect>>,
    /// Actions and effects are being worked through: an action dispatched now waits its turn.
    busy: Cell<bool>,
    /// The page's last action applied.
    acked: Cell<u64>,
    /// Lines taken since the last update.
    unshown: Cell<bool>,
    inert: bool,
    post: Post,
    relay: RefCell<RelayLine>,
    retry: RefCell<Option<(Timeout, Interval)>>,
    batch_timer: RefCell<Option<Timeout>>,
    /// When the armed batch timer is due (local ms).
    batch_due: Cell<Option<i64>>,
    sim: RefCell<Option<SimSource>>,
    /// The built-in source's line generator lives as long as the view model, so a restart at a new rate goes
    /// on with the same stream.
    generator: Rc<RefCell<LogGenerator>>,
    redraw: RefCell<Option<Interval>>,
}

impl Runtime {
    /// Boots the view model from what the page read at load, sends the page its first update (every part) and
    /// starts what the view model asks for (unless `inputs.inert`).
    pub fn start(inputs: &PageInputs, post: Post) -> Runtime {
        let mut lab = Lab::boot_page(inputs);
        lab.perf_clock = Some(perf_now_ms);
        let effects = lab.start();
        let inner = Rc::new(Inner {
            lab: RefCell::new(lab),
            views: RefCell::default(),
            actions: RefCell::default(),
            effects: RefCell::new(effects.into()),
            busy: Cell::new(false),
            acked: Cell::new(0),
            unshown: Cell::new(false),
            inert: inputs.inert,
            post,
            relay: RefCell::new(RelayLine::Here(None)),
            retry: RefCell::default(),
            batch_timer: RefCell::default(),
            batch_due: Cell::new(None),
            sim: RefCell::default(),
            generator: Rc::new(RefCell::new(LogGenerator::new(js_sys::Date::now() as u64))),
            redraw: RefCell::default(),
        });
        if let Some(script) = inputs.relay_socket.as_deref().filter(|_| !inputs.inert) {
            match SocketWorker::start(script, inner.dispatcher()) {
                Ok(worker) => *inner.relay.borrow_mut() = RelayLine::Worker(worker),
                // The socket then opens beside the view model, as it did before it had a worker.
                Err(e) => {
                    web_sys::console::error_1(&format!("The relay socket's worker: {e}").into())
                }
            }
        }
        inner.show();
        inner.work();
        let weak = Rc::downgrade(&inner);
        *inner.redraw.borrow_mut() = Some(Interval::new(REDRAW_MS, move || {
            if let Some(inner) = weak.upgrade() {
                if inner.unshown.get() && !inner.busy.get() {
                    inner.show();
                }
            }
        }));
        Runtime(inner)
    }

    /// Applies the page's `seq`th action.
    pub fn act(&self, seq: u64, action: Action) {
        self.0.dispatch(Some(seq), action);
    }
}

impl Inner {
    fn dispatcher(self: &Rc<Self>) -> Dispatch {
        let weak: Weak<Inner> = Rc::downgrade(self);
        Rc::new(move |action| {
            if let Some(inner) = weak.upgrade() {
                inner.dispatch(None, action);
            }
        })
    }

    fn dispatch(self: &Rc<Self>, seq: Option<u64>, action: Action) {
        if action.carries_lines() {
            self.tick_if_due();
        }
        self.actions.borrow_mut().push_back((seq, action));
        self.work();
    }

    /// Runs the due batch before lines taken after its time. At a high rate the lines' messages queue up in
    /// this worker, and its timer waits behind them: lines that came after the batch's time would go into it,
    /// and a batch run a second late at 1 000 000 lines/s filled the open batch past its cap (README, relay → page).
    fn tick_if_due(self: &Rc<Self>) {
        let now_ms = super::clock::now_local_ms();
        if self.batch_due.get().is_some_and(|due| now_ms >= due) {
            self.batch_due.set(None);
            drop(self.batch_timer.take());
            self.actions
                .borrow_mut()
                .push_back((None, Action::Tick { now_ms }));
        }
    }

    /// Works through the actions and effects waiting, then shows what changed.
    fn work(self: &Rc<Self>) {
        if self.busy.replace(true) {
            return;
        }
        let mut changed = false;
        loop {
            let next = self.actions.borrow_mut().pop_front();
            if let Some((seq, action)) = next {
                let carries_lines = action.carries_lines();
                let effects = self.lab.borrow_mut().apply(action);
                if let Some(seq) = seq {
                    self.acked.set(seq);
                }
                if carries_lines && effects.is_empty() {
                    self.unshown.set(true);
                } else {
                    changed = true;
                }
                self.effects.borrow_mut().extend(effects);
                continue;
            }
            let effect = self.effects.borrow_mut().pop_front();
            match effect {
                Some(effect) => self.run(effect),
                None => break,
            }
        }
        self.busy.set(false);
        if changed {
            self.show();
        }
    }

    /// Sends the page what changed.
    fn show(&self) {
        self.unshown.set(false);
        let update = self
            .views
            .borrow_mut()
            .update(&self.lab.borrow(), self.acked.get());
        (self.post)(ToPage::Update(Box::new(update)));
    }

    fn run(self: &Rc<Self>, effect: Effect) {
        let effect = match carried(effect) {
            // Storage, the clipboard and downloads belong to the page's window.
            Carried::Page(effect) => return (self.post)(ToPage::Effect(effect)),
            Carried::Failed(action) => return self.dispatch(None, action),
            Carried::Model(_) if self.inert => return,
            Carried::Model(effect) => effect,
        };
        match effect {
            Effect::OpenRelay { seq, url } => {
                let dispatch = self.dispatcher();
                self.relay.borrow_mut().open(seq, &url, dispatch);
            }
            Effect::SendToRelay(text) => self.relay.borrow().send(&text),
            Effect::CloseRelay => self.relay.borrow_mut().close(),
            Effect::ArmRetry { seq, delay_ms } => {
                drop(self.retry.take());
                let (retry, countdown) = (self.dispatcher(), self.dispatcher());
                *self.retry.borrow_mut() = Some((
                    Timeout::new(delay_ms, move || retry(Action::RelayRetryNow { seq })),
                    Interval::new(1000, move || countdown(Action::RelayRetrySecond { seq })),
                ));
            }
            Effect::CancelRetry => drop(self.retry.take()),
            Effect::ArmBatchTimer { at_ms } => {
                drop(self.batch_timer.take());
                self.batch_due.set(Some(at_ms));
                let delay = (at_ms - super::clock::now_local_ms()).clamp(0, i64::from(i32::MAX));
                let tick = self.dispatcher();
                *self.batch_timer.borrow_mut() = Some(Timeout::new(delay as u32, move || {
                    tick(Action::Tick {
                        now_ms: super::clock::now_local_ms(),
                    })
                }));
            }
            Effect::CancelBatchTimer => {
                self.batch_due.set(None);
                drop(self.batch_timer.take());
            }
            Effect::StartSim { rate } => {
                drop(self.sim.take());
                *self.sim.borrow_mut() = Some(SimSource::start(
                    self.generator.clone(),
                    rate,
                    self.dispatcher(),
                ));
            }
            Effect::StopSim => drop(self.sim.take()),
            // `carried` hands the page its own.
            Effect::SaveCheckpoint(_)
            | Effect::ClearCheckpoint
            | Effect::RememberRelayUrl(_)
            | Effect::SaveJobs(_)
            | Effect::SaveModeCode(_)
            | Effect::CopyLink { .. }
            | Effect::CopyShareLink(_)
            | Effect::DownloadFile { .. } => {}
        }
    }
}
