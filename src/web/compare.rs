//! The compare view: the three consoles of the last batch side by side in large type, then each student job's
//! output of that batch, with the batch's input lines and the records that differ between modes marked, fitting
//! a 1280x720 projector without scrolling.

use super::controls::PauseStep;
use super::panel::describe;
use super::windowed_compare::{CompareWithStructured, WindowedRow};
use crate::engine::NotebookConfig;
use crate::model::compare::{CompareView as View, PageView};
use crate::model::Action;
use yew::prelude::*;

/// The `pprint` rule line.
const RULE: &str = "-------------------------------------------";

/// Props of [`CompareView`].
#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The last batch, compared; `None` before the first batch.
    pub view: Option<View>,
    /// The running settings (the modes' titles say the window).
    pub config: NotebookConfig,
    /// Whether the batch clock is stopped.
    pub paused: bool,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The compare view.
#[function_component(CompareView)]
pub fn compare_view(p: &CompareProps) -> Html {
    let d = p.dispatch.clone();
    let on_full = Callback::from(move |_| d.emit(Action::SetView(PageView::Full)));
    let bar = html! {
        <div class="compare-bar">
            <PauseStep paused={p.paused} dispatch={p.dispatch.clone()} />
            <CompareWithStructured dispatch={p.dispatch.clone()} />
            <button onclick={on_full} data-testid="view-full">{"Full page"}</button>
        </div>
    };
    let Some(v) = &p.view else {
        return html! {
            <section class="compare" data-testid="compare" aria-label="The three modes, side by side">
                { bar }
                <p class="compare-wait">{"Waiting for the first batch…"}</p>
            </section>
        };
    };
    let more = v.lines.saturating_sub(v.sample.len());
    html! {
        <section class="compare" data-testid="compare" aria-label="The three modes, side by side">
            <header class="compare-head">
                <h2>{format!("Batch {} · {}", v.batch, v.time_label)}</h2>
                { bar }
            </header>
            <div class="compare-input" data-testid="compare-input">
                <h3>{format!("{} input lines", v.lines)}</h3>
                <ul>
                    { for v.sample.iter().map(|l| html! { <li><code>{l}</code></li> }) }
                    if more > 0 {
                        <li class="compare-more">{format!("… and {more} more")}</li>
                    }
                </ul>
            </div>
            <div class="compare-columns">
                { for v.columns.iter().map(|c| {
                    let (title, op, _) = describe(c.mode, &p.config);
                    html! {
                        <div class="compare-col" data-testid={format!("compare-{}", c.mode.as_str())}>
                            <h3>{title}{" "}<code class="op">{op}</code></h3>
                            <pre class="console compare-console" tabindex="0" role="region"
                                aria-label={format!("{title} at this batch")}>
                                {format!("{RULE}\nTime: {}\n{RULE}\n", v.time_label)}
                                { for c.rows.iter().flatten().map(|r| html! {
                                    <span class={classes!("compare-row", r.note.as_ref().map(|_| "differs"))}
                                        data-key={r.key.as_str()}>{format!("{}\n", r.text)}</span>
                                }) }
                            </pre>
                            if c.rows.is_none() {
                                <p class="compare-note">{"No output at this batch: the window prints only when it slides."}</p>
                            }
                            <ul class="compare-notes">
                                { for c.notes().into_iter().map(|(keys, note)| html! {
                                    <li>
                                        <code>{keys.iter().map(|k| format!("'{}'", k.as_str())).collect::<Vec<_>>().join(", ")}</code>
                                        {format!(": {note}")}
                                    </li>
                                }) }
                            </ul>
                        </div>
                    }
                }) }
                { for v.jobs.iter().map(|j| {
                    let title = format!("Job {}", j.number);
                    html! {
                        <div class="compare-col" data-testid="compare-job" data-job-id={j.id.to_string()}>
                            <h3>{&title}</h3>
                            if let Some(text) = &j.text {
                                <pre class="console compare-console" tabindex="0" role="region"
                                    aria-label={format!("{title}'s output at this batch")}>{text}</pre>
                            } else {
                                <p class="compare-note">{"No output at this batch."}</p>
                            }
                        </div>
                    }
                }) }
            </div>
            if let Some(row) = &v.windowed {
                <WindowedRow row={row.clone()} config={p.config.clone()} />
            }
        </section>
    }
}
