//! One mode's panel: chart, `pprint()` console and the program its job runs, in the code editor the student jobs
//! use, with Run and Reset to the notebook (what they do: `crate::model::mode_code`).

use super::chart::Chart;
use super::editor::{Editor, EditorError};
use crate::chart::ChartPoint;
use crate::engine::{Mode, NotebookConfig};
use crate::model::{Action, Lab, ModeStatus};
use crate::timefmt::seconds_literal;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ModePanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct ModePanelProps {
    /// Which mode.
    pub mode: Mode,
    /// The chart's points.
    pub points: Rc<Vec<ChartPoint>>,
    /// The console text (the last blocks, exactly as pprint printed them).
    pub console: Rc<str>,
    /// Blocks that scrolled out of the console.
    pub console_dropped: u64,
    /// The earlier batch time travel shows (chart, console and views as of it); `None` when live.
    #[prop_or_default]
    pub as_of: Option<u64>,
    /// What the mode's editor shows and does.
    pub code: ModeCodeProps,
    /// The running settings.
    pub config: NotebookConfig,
    /// What the teaching views add under the chart (lineage, update calls, window timeline).
    #[prop_or_default]
    pub extra: Html,
}

/// The code part of a mode panel.
#[derive(PartialEq, Clone)]
pub struct ModeCodeProps {
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
    /// The reducer.
    pub dispatch: Callback<Action>,
}

impl ModeCodeProps {
    /// `mode`'s code part on `lab`'s page.
    pub fn of(lab: &Lab, mode: Mode, dispatch: Callback<Action>) -> Self {
        ModeCodeProps {
            text: Rc::from(lab.mode_text(mode)),
            notebook: lab.mode_codes().get(mode).text.is_none(),
            status: lab.mode_status(mode),
            edited: lab.mode_edited_since_run(mode),
            refusal: lab.mode_refusal(mode).map(Rc::from),
            other_records: lab.mode_codes().get(mode).other_records,
            dispatch,
        }
    }
}

/// The panel's title and the one-line explanation of the mode.
pub fn describe(mode: Mode, c: &NotebookConfig) -> (&'static str, &'static str, String) {
    match mode {
        Mode::Stateless => (
            "Stateless",
            "reduceByKey",
            "Counts in this batch only: every batch starts from zero.".to_string(),
        ),
        Mode::Cumulative => (
            "Running totals",
            "updateStateByKey",
            "Totals since the start, carried from batch to batch in the checkpointed state."
                .to_string(),
        ),
        Mode::Window => (
            "Window",
            "reduceByKeyAndWindow",
            format!(
                "Counts over the last {} s, emitted every {} s{}.",
                seconds_literal(c.window_ms),
                seconds_literal(c.slide_ms),
                if c.inverse {
                    ", updated by adding the new batches and subtracting the ones that left (when the window is ≥ 5 slides)"
                } else {
                    ", recomputed from the whole window each time"
                }
            ),
        ),
    }
}

/// One mode's panel.
#[function_component(ModePanel)]
pub fn mode_panel(p: &ModePanelProps) -> Html {
    let console_ref = use_node_ref();
    {
        // Follow the newest block, as a terminal does.
        let console_ref = console_ref.clone();
        use_effect_with(p.console.clone(), move |_| {
            if let Some(el) = console_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let (title, op, explain) = describe(p.mode, &p.config);
    let id = format!("title-{}", p.mode.as_str());
    html! {
        <section class={classes!("panel", format!("panel-{}", p.mode.as_str()))}
            data-testid={format!("mode-{}", p.mode.as_str())} aria-labelledby={id.clone()}>
            <header class="panel-head">
                <h2 id={id}>{title}<code class="op">{op}</code></h2>
                <p class="explain">{explain}</p>
            </header>
            <div class="panel-body">
                <Chart points={p.points.clone()} title={AttrValue::from(title)} cursor={p.as_of.is_some()} />
                <div class="console-box">
                    <h3>{"Console — "}<code>{"pprint()"}</code>
                        if let Some(k) = p.as_of {
                            <span class="as-of">{format!(" as of batch {k}")}</span>
                        }
                    </h3>
                    // A region: the scrollable, focusable console needs a role that takes its name (axe-core).
                    <pre class="console" data-testid="pprint" tabindex="0" role="region" ref={console_ref}
                        aria-label={format!("{title} console")}>{&*p.console}</pre>
                    if p.console_dropped > 0 {
                        <p class="dropped">{format!("{} older batches scrolled out of this console.", p.console_dropped)}</p>
                    }
                </div>
            </div>
            { p.extra.clone() }
            <ModeCode mode={p.mode} title={title} code={p.code.clone()} />
        </section>
    }
}

/// Props of [`ModeCode`].
#[derive(Properties, PartialEq)]
struct ModeCodePartProps {
    mode: Mode,
    title: &'static str,
    code: ModeCodeProps,
}

/// The value of `data-status`, for tests and styles.
fn status_kind(s: &ModeStatus) -> &'static str {
    match s {
        ModeStatus::Notebook => "notebook",
        ModeStatus::Edited => "edited",
        ModeStatus::Ended => "ended",
        ModeStatus::Stopped { .. } => "stopped",
    }
}

/// The program a mode's job runs, editable: the editor, Run, Reset to the notebook, the status and the error.
#[function_component(ModeCode)]
fn mode_code(p: &ModeCodePartProps) -> Html {
    let mode = p.mode;
    let c = &p.code;
    let send = |make: fn(Mode) -> Action| {
        let dispatch = c.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(make(mode)))
    };
    let on_change = {
        let dispatch = c.dispatch.clone();
        Callback::from(move |text: String| dispatch.emit(Action::ModeEdit { mode, text }))
    };
    let on_run = {
        let dispatch = c.dispatch.clone();
        Callback::from(move |()| dispatch.emit(Action::ModeRun { mode }))
    };
    let error = match &c.status {
        ModeStatus::Stopped {
            error, traceback, ..
        } => Some(EditorError {
            line: error.line(),
            text: Rc::from(traceback.as_str()),
        }),
        _ => None,
    };
    html! {
        <details class="code mode-code" open=true data-status={status_kind(&c.status)}>
            <summary>{"The PySpark program this panel runs, with these settings: edit it and press Run"}</summary>
            <Editor id={AttrValue::from(format!("mode-{}", mode.as_str()))}
                label={AttrValue::from(format!("The {} panel's PySpark program", p.title))}
                text={c.text.clone()} {on_change} {on_run} {error}
                code_testid="mode-code" error_testid="mode-error" />
            <div class="job-actions">
                <button class="primary" data-testid="mode-run" onclick={send(|mode| Action::ModeRun { mode })}
                    title="Restarts this mode's job with the code in the editor, from the next batch (Ctrl-Enter)">
                    {"Run"}
                </button>
                <button data-testid="mode-reset" onclick={send(|mode| Action::ModeReset { mode })}
                    title="Puts the notebook's program back, with the running settings, and restarts it">
                    {"Reset to the notebook"}
                </button>
                <span class="job-status" data-testid="mode-status" role="status">{c.status.label()}</span>
            </div>
            if c.edited {
                <p class="hint">{"The editor holds changes this mode's job does not run: press Run to run them."}</p>
            }
            if let Some(why) = &c.refusal {
                <p class="job-refused" data-testid="mode-refused" role="alert">{&**why}</p>
            }
            if !c.notebook || c.status != ModeStatus::Notebook {
                <p class="hint" data-testid="mode-edited-note">
                    {"Your program keeps its own numbers: the settings' Apply rewrites only the panels that show the \
                      notebook's program, and restarts yours as it is (refused if its batch interval is no longer the \
                      page's). The chart and the teaching views follow the notebook's (message type, count) records \
                      only; the console shows everything the program prints."}
                    if c.other_records > 0 {
                        {format!(" So far {} of its records (and update function calls) are not (message type, count) ones: the views leave them out.", c.other_records)}
                    }
                </p>
            }
        </details>
    }
}
