//! The "What the trigger did" component (wasm32 only): draws a [`TriggerStory`] of [`super::trigger`] with the
//! teaching views' styles and stable `data-testid` hooks.

use super::trigger::{EventAxis, QueryStory, RowsView, TriggerStory, AXIS_W};
use std::rc::Rc;
use yew::prelude::*;

/// A table of rows, each marked with what the trigger did to it (`data-change`).
fn rows_table(caption: &str, testid: &'static str, v: &RowsView) -> Html {
    html! {
        <div class="table-scroll trigger-table" data-testid={testid}>
            <table class="teach-table">
                <caption>{caption}</caption>
                <thead><tr>
                    { for v.columns.iter().map(|c| html! { <th scope="col">{c}</th> }) }
                </tr></thead>
                <tbody>
                    { for v.rows.iter().map(|(cells, change)| html! {
                        <tr class={classes!("row", change.to_string())} data-change={change.to_string()}
                            title={(change != "kept").then(|| change.to_string())}>
                            { for cells.iter().map(|c| html! { <td>{c}</td> }) }
                        </tr>
                    }) }
                    if v.rows.is_empty() {
                        <tr><td colspan={v.columns.len().max(1).to_string()}>{"No rows."}</td></tr>
                    }
                </tbody>
            </table>
            if v.not_shown > 0 {
                <p class="dropped">{format!("{} more rows are not shown.", v.not_shown)}</p>
            }
        </div>
    }
}

/// The watermark and the windows on the event-time axis.
fn axis(a: &EventAxis) -> Html {
    let bottom = a.height - 6.0;
    let marker = |m: &Option<(f64, String)>, class: &'static str, label: &str| match m {
        Some((x, time)) => html! {
            <g class={classes!("wm", class)}>
                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="12" y2={format!("{:.1}", bottom - 12.0)} />
                <text x={format!("{x:.1}")} y="10" text-anchor="middle">{format!("{label} {time}")}</text>
            </g>
        },
        None => html! {},
    };
    html! {
        <figure class="teach-axis" data-testid="trigger-watermark">
            <svg viewBox={format!("0 0 {AXIS_W:.0} {:.0}", a.height)} role="img"
                aria-label="The windows of the state store on the event-time axis, with the watermark before and after the trigger">
                { for a.windows.iter().map(|w| html! {
                    <g class={classes!("axis-window", w.closed.then_some("closed"))} data-closed={w.closed.to_string()}>
                        <title>{format!("{}{}", w.label, if w.closed { ": closed by the watermark" } else { "" })}</title>
                        <rect x={format!("{:.1}", w.x)} y={format!("{:.1}", w.y)} width={format!("{:.1}", w.w)}
                            height="16" rx="3" />
                    </g>
                }) }
                { for a.events.iter().map(|x| html! {
                    <circle class="axis-event" cx={format!("{x:.1}")} cy={format!("{:.1}", bottom - 14.0)} r="3" />
                }) }
                { for a.ticks.iter().map(|(x, t)| html! {
                    <text class="axis-tick" x={format!("{x:.1}")} y={format!("{bottom:.1}")} text-anchor="middle">{t}</text>
                }) }
                { marker(&a.watermark_before, "before", "before") }
                { marker(&a.watermark_after, "after", "after") }
            </svg>
            <figcaption>{"Windows of the state store on the event-time axis (faded and dashed: closed by the watermark); dots: the \
                trigger's lines; lines: the watermark before and after the trigger."}</figcaption>
        </figure>
    }
}

/// One query's part of the trigger.
fn query(q: &QueryStory) -> Html {
    html! {
        <div class="trigger-query" data-testid="trigger-query">
            <h4>{&q.title}</h4>
            <p class="teach-summary">{&q.batch_text}</p>
            if let Some(w) = &q.watermark_text {
                <p class="teach-summary">{w}</p>
            }
            <p class={classes!("teach-note", (q.dropped > 0).then_some("zero-note"))} data-testid="trigger-dropped"
                data-dropped={q.dropped.to_string()}>{&q.dropped_text}</p>
            if let Some(a) = &q.axis { { axis(a) } }
            if let (Some(before), Some(after)) = (&q.before, &q.after) {
                <p class="teach-summary" data-testid="trigger-changes">{format!("State store: {}.", q.changes_text)}</p>
                <div class="trigger-store">
                    { rows_table("State store before", "trigger-state-before", before) }
                    <span class="trigger-arrow" aria-hidden="true">{"→"}</span>
                    { rows_table("State store after", "trigger-state-after", after) }
                </div>
            }
            <p class="teach-reason" data-testid="trigger-mode">{&q.mode_sentence}</p>
            { rows_table("Rows the sink received", "trigger-sink", &q.sink) }
        </div>
    }
}

/// Props of [`TriggerTeach`].
#[derive(Properties, PartialEq, Clone)]
pub struct TriggerTeachProps {
    /// The trigger the page shows.
    pub story: Rc<TriggerStory>,
}

/// "What the trigger did": a Structured Streaming job's last trigger (as of the batch the page shows).
#[function_component(TriggerTeach)]
pub fn trigger_teach(p: &TriggerTeachProps) -> Html {
    let s = &*p.story;
    html! {
        <section class="teach teach-trigger job-teach" data-testid="job-trigger" data-batch={s.batch.to_string()}>
            <h3>{"What the trigger did"}
                <span class="teach-sub">{format!(" — trigger {} at {}, {} lines read", s.batch, s.time, s.lines)}</span>
            </h3>
            { for s.queries.iter().map(query) }
        </section>
    }
}
