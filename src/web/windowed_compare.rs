//! The compare view's row "Windowed counts: DStream vs Structured Streaming": the window mode's block and the
//! Structured Streaming job's console output for the same lines side by side, then the differences explained from
//! that batch's numbers (`crate::model::windowed_compare`). A `details` element, open at first: closed, the view
//! fits a 1280x720 projector again.

use super::panel::describe;
use crate::engine::{Mode, NotebookConfig};
use crate::model::windowed_compare::WindowedCompare;
use crate::model::Action;
use yew::prelude::*;

/// Props of [`CompareWithStructured`].
#[derive(Properties, PartialEq)]
pub struct CompareWithStructuredProps {
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// "Compare with Structured Streaming": runs the menu's windowed Structured Streaming count as a job (or reuses
/// the one open), which the row then shows.
#[function_component(CompareWithStructured)]
pub fn compare_with_structured(p: &CompareWithStructuredProps) -> Html {
    let d = p.dispatch.clone();
    let onclick = Callback::from(move |_| d.emit(Action::WindowedCompareOpen));
    html! {
        <button {onclick} data-testid="windowed-compare-open">{"Compare with Structured Streaming"}</button>
    }
}

/// Props of [`WindowedRow`].
#[derive(Properties, PartialEq)]
pub struct WindowedRowProps {
    /// The row for the batch viewed.
    pub row: WindowedCompare,
    /// The running settings (the window mode's title says the window).
    pub config: NotebookConfig,
}

/// The row.
#[function_component(WindowedRow)]
pub fn windowed_row(p: &WindowedRowProps) -> Html {
    let r = &p.row;
    let (_, op, _) = describe(Mode::Window, &p.config);
    let job = format!("Job {}", r.job_number);
    let console = |text: &str, label: String| {
        html! {
            <pre class="console compare-console" tabindex="0" role="region" aria-label={label}>{text.to_string()}</pre>
        }
    };
    html! {
        <details class="vs-row" data-testid="windowed-compare" data-job-id={r.job_id.to_string()} open={true}>
            <summary>{"Windowed counts: DStream vs Structured Streaming"}</summary>
            <div class="vs-columns">
                <div class="vs-col" data-testid="vs-dstream">
                    <h3>{"DStream "}<code class="op">{op}</code></h3>
                    if let Some(text) = &r.dstream {
                        { console(text, "The DStream window at this batch".to_string()) }
                    } else {
                        <p class="compare-note">{"No output at this batch: the window prints only when it slides."}</p>
                    }
                </div>
                <div class="vs-col" data-testid="vs-structured">
                    {
                        match &r.structured {
                            Ok(t) => html! {
                                <>
                                    <h3 data-trigger={t.trigger.to_string()}>
                                        {format!("Structured Streaming: {job}, trigger {} ({} lines)", t.trigger, t.lines)}
                                    </h3>
                                    if let Some(text) = &t.text {
                                        { console(text, format!("{job}'s output at this trigger")) }
                                    } else {
                                        <p class="compare-note">{"No output at this trigger."}</p>
                                    }
                                </>
                            },
                            Err(why) => html! {
                                <>
                                    <h3>{format!("Structured Streaming: {job}")}</h3>
                                    <p class="compare-note" data-testid="vs-waiting">{why}</p>
                                </>
                            },
                        }
                    }
                </div>
            </div>
            if let Some(m) = &r.mismatch {
                <p class="compare-note" data-testid="vs-mismatch">{m}</p>
            }
            if !r.explanations.is_empty() {
                <ol class="vs-notes" data-testid="vs-notes">
                    { for r.explanations.iter().map(|e| html! {
                        <li data-topic={e.topic.as_str()}><strong>{e.topic.title()}</strong>{" "}{&e.text}</li>
                    }) }
                </ol>
            }
        </details>
    }
}
