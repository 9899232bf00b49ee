//! One mode's panel: chart, `pprint()` console and the program its job runs, in the code editor the student jobs
//! use, with Run and Reset to the notebook (what they do: `crate::model::mode_code`).

use super::chart::Chart;
use super::console::console_blocks;
use super::editor::{Editor, EditorError};
use super::platform::follow_newest;
use crate::engine::{Mode, NotebookConfig};
use crate::model::page::{ModeCodeView, ModePanelView};
use crate::model::{Action, ModeStatus};
use crate::timefmt::seconds_literal;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ModePanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct ModePanelProps {
    /// What the panel shows: chart, console, code.
    pub panel: ModePanelView,
    /// The running settings.
    pub config: NotebookConfig,
    /// What the teaching views add under the chart (lineage, update calls, window timeline).
    #[prop_or_default]
    pub extra: Html,
    /// How much of the panel to draw: 1 the chart and console, 2 also the lineage, 3 also the mode's own teaching
    /// view (`extra` draws it from [`OWN_VIEW_PART`] on), 4 also the code (the page's first render comes in
    /// stages: `super::app`).
    #[prop_or(PANEL_PARTS)]
    pub parts: usize,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// [`ModePanelProps::parts`] of a whole panel.
pub const PANEL_PARTS: usize = 4;
/// [`ModePanelProps::parts`] from which `extra` holds the mode's own teaching view.
pub const OWN_VIEW_PART: usize = 3;

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
        let console_ref = console_ref.clone();
        use_effect_with(p.panel.console.clone(), move |_| {
            follow_newest(&console_ref)
        });
    }
    let (title, op, explain) = describe(p.panel.mode, &p.config);
    let id = format!("title-{}", p.panel.mode.as_str());
    html! {
        <section class={classes!("panel", format!("panel-{}", p.panel.mode.as_str()))}
            data-testid={format!("mode-{}", p.panel.mode.as_str())} aria-labelledby={id.clone()}>
            <header class="panel-head">
                <h2 id={id}>{title}<code class="op">{op}</code></h2>
                <p class="explain">{explain}</p>
            </header>
            <div class="panel-body">
                <Chart points={p.panel.points.clone()} title={AttrValue::from(title)} cursor={p.panel.as_of.is_some()} />
                <div class="console-box">
                    <h3>{"Console — "}<code>{"pprint()"}</code>
                        if let Some(k) = p.panel.as_of {
                            <span class="as-of">{format!(" as of batch {k}")}</span>
                        }
                    </h3>
                    // A region: the scrollable, focusable console needs a role that takes its name (axe-core).
                    <pre class="console" data-testid="pprint" tabindex="0" role="region" ref={console_ref}
                        aria-label={format!("{title} console")}>{ console_blocks(&p.panel.console, p.panel.console_dropped) }</pre>
                    if p.panel.console_dropped > 0 {
                        <p class="dropped">{format!("{} older batches scrolled out of this console.", p.panel.console_dropped)}</p>
                    }
                </div>
            </div>
            if p.parts >= 2 { { p.extra.clone() } }
            if p.parts >= PANEL_PARTS {
                <ModeCode mode={p.panel.mode} title={title} code={p.panel.code.clone()} dispatch={p.dispatch.clone()} />
            }
        </section>
    }
}

/// Props of [`ModeCode`].
#[derive(Properties, PartialEq)]
struct ModeCodePartProps {
    mode: Mode,
    title: &'static str,
    code: ModeCodeView,
    dispatch: Callback<Action>,
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
        let dispatch = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(make(mode)))
    };
    let on_change = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |text: String| dispatch.emit(Action::ModeEdit { mode, text }))
    };
    let on_run = {
        let dispatch = p.dispatch.clone();
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
