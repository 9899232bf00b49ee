//! "Output modes side by side": draws a [`ModesStory`] of [`crate::teach::output_modes`] in a Structured Streaming
//! job's panel, with the teaching views' styles and stable `data-testid` hooks: per query three columns, complete |
//! update | append, each the console's exact text (or Spark's error, or nothing) and why.

use crate::teach::output_modes::{ColumnKind, ModeStory, ModesStory, QueryModes};
use std::rc::Rc;
use yew::prelude::*;

/// One mode's column.
fn column(job: u64, query: usize, c: &ModeStory) -> Html {
    let heading = format!("job-{job}-q{query}-{}", c.mode);
    let body = match c.kind {
        ColumnKind::Nothing => html! {
            <p class="modes-nothing" data-testid="modes-text">{"Nothing printed at this trigger."}</p>
        },
        kind => html! {
            // A region: the scrollable, focusable text needs a role that takes its name (axe-core).
            <pre class={classes!("console", "modes-text", (kind != ColumnKind::Printed).then_some("modes-error"))}
                data-testid="modes-text" tabindex="0" role="region" aria-labelledby={heading.clone()}>{&c.text}</pre>
        },
    };
    html! {
        <div class={classes!("modes-column", c.own.then_some("own"))} data-testid="modes-column" data-mode={c.mode.to_string()}
            data-kind={c.kind.name()} data-own={c.own.to_string()}>
            <h5 id={heading}>{&*c.mode}
                if c.own { <span class="modes-own">{" — your program's mode"}</span> }
            </h5>
            { body }
            if let Some(cut) = &c.cut { <p class="dropped">{cut}</p> }
            <p class="teach-reason" data-testid="modes-why">{&c.why}</p>
        </div>
    }
}

fn query(job: u64, index: usize, q: &QueryModes) -> Html {
    html! {
        <div class="modes-query" data-testid="modes-query">
            <h4>{&q.title}</h4>
            <div class="modes-grid">
                { for q.columns.iter().map(|c| column(job, index, c)) }
            </div>
        </div>
    }
}

/// Props of [`OutputModesTeach`].
#[derive(Properties, PartialEq, Clone)]
pub struct OutputModesProps {
    /// The job's id (the columns' ids).
    pub job: u64,
    /// The trigger the page shows.
    pub story: Rc<ModesStory>,
}

/// "Output modes side by side" of a Structured Streaming job, at its last trigger as of the batch the page shows.
#[function_component(OutputModesTeach)]
pub fn output_modes_teach(p: &OutputModesProps) -> Html {
    let s = &*p.story;
    html! {
        <section class="teach teach-modes job-teach" data-testid="job-modes" data-batch={s.batch.to_string()}>
            <h3>{"Output modes side by side"}
                <span class="teach-sub">{format!(" — trigger {} at {}, {} lines read", s.batch, s.time, s.lines)}</span>
            </h3>
            <p class="teach-summary">{"What Spark's console sink prints at this trigger if the same query on the same \
                lines were written in each output mode; each mode keeps its own state and batch ids."}</p>
            { for s.queries.iter().enumerate().map(|(i, q)| query(p.job, i, q)) }
        </section>
    }
}
