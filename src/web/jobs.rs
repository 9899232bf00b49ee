//! The student jobs' part of the page: the examples menu with "New job", and one panel per job (its editor, Run,
//! Reset, Copy link, Download, Remove, its status, error and console, and the teaching views of its program:
//! lineage, windows, update calls, batches; for a Structured Streaming job, what its trigger did). What they show
//! comes from `crate::model::jobs`, the views through `crate::teach::program` and `crate::teach::trigger`.

use super::console::console_blocks;
use super::copied_link::CopiedLink;
use super::editor::{Editor, EditorError};
use super::output_modes::OutputModesTeach;
use super::platform::{follow_newest, page_address};
use crate::engine::MENU;
use crate::model::jobs::refusal;
use crate::model::page::JobPanelView;
use crate::model::{Action, JobStatus, MAX_JOBS};
use crate::program::FILENAME;
use crate::teach::export::data_url;
use crate::teach::program_view::ProgramTeach;
use crate::teach::trigger_view::TriggerTeach;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props of [`JobPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct JobPanelProps {
    /// What the panel shows.
    pub job: JobPanelView,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The value of `data-status`, for tests and styles.
fn status_kind(s: &JobStatus) -> &'static str {
    match s {
        JobStatus::Idle => "idle",
        JobStatus::Waiting => "waiting",
        JobStatus::Running { .. } => "running",
        JobStatus::Ended => "ended",
        JobStatus::Stopped { .. } => "stopped",
        JobStatus::Refused { .. } => "refused",
    }
}

/// One student job's panel.
#[function_component(JobPanel)]
pub fn job_panel(p: &JobPanelProps) -> Html {
    let console_ref = use_node_ref();
    {
        let console_ref = console_ref.clone();
        use_effect_with(p.job.console.clone(), move |_| follow_newest(&console_ref));
    }
    let id = p.job.id;
    let act = |make: fn(u64) -> Action| {
        let dispatch = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(make(id)))
    };
    let on_change = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |text: String| dispatch.emit(Action::JobEdit { id, text }))
    };
    let on_run = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |()| dispatch.emit(Action::JobRun { id }))
    };
    let copy = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::JobCopyLink {
                id,
                page: page_address(),
            })
        })
    };
    let error = match &p.job.status {
        JobStatus::Stopped {
            error, traceback, ..
        } => Some(EditorError {
            line: error.line(),
            text: Rc::from(traceback.as_str()),
        }),
        _ => None,
    };
    let title_id = format!("job-{id}-title");
    let title = format!("Job {}", p.job.number);
    html! {
        <section class="panel job-panel" data-testid="job" data-job-id={id.to_string()}
            data-status={status_kind(&p.job.status)} aria-labelledby={title_id.clone()}>
            <header class="panel-head">
                <h2 id={title_id}>{&title}<span class="job-origin">{format!(" — from {}", p.job.origin)}</span></h2>
                <p class="job-status" data-testid="job-status" role="status">{p.job.status.label()}</p>
            </header>
            <Editor id={AttrValue::from(format!("job-{id}"))}
                label={AttrValue::from(format!("{title}'s PySpark program"))}
                text={p.job.text.clone()} {on_change} {on_run} {error} />
            <div class="job-actions">
                <button class="primary" data-testid="job-run" onclick={act(|id| Action::JobRun { id })}
                    title="Runs the code in the editor, from the next batch (Ctrl-Enter)">
                    { if matches!(p.job.status, JobStatus::Idle) { "Run" } else { "Run again" } }
                </button>
                <button data-testid="job-reset" onclick={act(|id| Action::JobReset { id })}
                    title="Puts the example's code back in the editor">{"Reset code"}</button>
                <button data-testid="job-copy-link" onclick={copy}>{"Copy link"}</button>
                <a class="button" data-testid="job-download" download={FILENAME}
                    href={data_url("text/x-python", &p.job.text)}
                    title="The editor's program as a file: it runs as it is with spark-submit, reading 127.0.0.1:9999 (the relay's send-messages)">
                    {format!("Download {FILENAME}")}
                </a>
                <button data-testid="job-remove" onclick={act(|id| Action::JobRemove { id })}>{"Remove"}</button>
            </div>
            if p.job.edited {
                <p class="hint">{"The editor holds changes the running job does not have: press Run again to run them."}</p>
            }
            if let JobStatus::Refused { program_ms, page_ms } = p.job.status {
                <p class="job-refused" data-testid="job-refused" role="alert">{refusal(program_ms, page_ms)}</p>
            }
            if let Some(link) = &p.job.link {
                <CopiedLink id={format!("job-{id}-link")} label="Link to this program: " testid="job-link"
                    link={link.clone()} />
            }
            <div class="console-box">
                <h3>{"Console — the job's stdout"}</h3>
                // A region: the scrollable, focusable console needs a role that takes its name (axe-core).
                <pre class="console" data-testid="job-console" tabindex="0" role="region" ref={console_ref}
                    aria-label={format!("{title} console")}>{ console_blocks(&p.job.console, p.job.console_dropped) }</pre>
                if p.job.console_dropped > 0 {
                    <p class="dropped">{format!("{} older batches scrolled out of this console.", p.job.console_dropped)}</p>
                }
                if p.job.unread_lines > 0 {
                    <p class="dropped">{format!("{} lines reached this job, but no socketTextStream of its program read them.", p.job.unread_lines)}</p>
                }
            </div>
            if !p.job.views.lineage.nodes.is_empty() {
                <ProgramTeach views={p.job.views.clone()} />
            }
            if let Some(story) = &p.job.trigger {
                <TriggerTeach story={story.clone()} />
            }
            if let Some(story) = &p.job.modes {
                <OutputModesTeach job={id} story={story.clone()} />
            }
        </section>
    }
}

/// Props of [`JobsBar`].
#[derive(Properties, PartialEq)]
pub struct JobsBarProps {
    /// Jobs open.
    pub open: usize,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The examples menu and "New job".
#[function_component(JobsBar)]
pub fn jobs_bar(p: &JobsBarProps) -> Html {
    // The menu's choice is read when the button is pressed: the select holds it, not a state of the page.
    let menu = use_node_ref();
    let onclick = {
        let (menu, dispatch) = (menu.clone(), p.dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = menu.cast::<HtmlSelectElement>() {
                dispatch.emit(Action::JobNew { example: s.value() });
            }
        })
    };
    let full = p.open >= MAX_JOBS;
    html! {
        <div class="jobs-bar">
            <h2>{"Your jobs"}</h2>
            <p class="explain">{format!(
                "Write PySpark streaming code and run it on the same live stream as the notebook's jobs, batch for \
                 batch. Up to {MAX_JOBS} jobs; a job's error stops only that job. Jobs restart on reload (their \
                 code is kept in this browser)."
            )}</p>
            <div class="jobs-new">
                <label for="job-example">{"Example"}</label>
                <select id="job-example" data-testid="job-example" ref={menu}>
                    { for MENU.iter().map(|e| html! { <option value={e.name}>{e.title}</option> }) }
                </select>
                <button class="primary" data-testid="job-new" disabled={full} {onclick}>{"New job"}</button>
                if full {
                    <span class="hint">{format!("{MAX_JOBS} jobs are open, the most the page runs: remove one to add another.")}</span>
                }
            </div>
        </div>
    }
}
