//! The program views' yew components (wasm32 only): each turns a view model of [`super::program`] into elements,
//! with the teaching views' styles and stable `data-testid` hooks.

use super::program::{
    CallsView, ProgramLineage, ProgramMetrics, ProgramViews, WindowView, NODE_H, NODE_W,
};
use std::rc::Rc;
use yew::prelude::*;

/// A `textLength` that squeezes `text` (about `char_w` wide per character) into a box `NODE_W` wide, when it
/// would not fit otherwise.
fn fit(text: &str, char_w: f64) -> Option<String> {
    let room = NODE_W - 10.0;
    (text.chars().count() as f64 * char_w > room).then(|| format!("{room:.0}"))
}

/// The program's DStream graph, with the records of each node in the last batch.
fn lineage(l: &ProgramLineage) -> Html {
    let edges = l.edges.iter().map(|e| {
        let mid = (e.x1 + e.x2) / 2.0;
        let tip = e.x2 - 1.0;
        html! {
            <g class="lin-arrow" data-from={e.from.to_string()} data-to={e.to.to_string()}>
                <path class="lin-edge" d={format!("M{:.1} {:.1}C{mid:.1} {:.1} {mid:.1} {:.1} {:.1} {:.1}",
                    e.x1, e.y1, e.y1, e.y2, tip - 5.0, e.y2)} />
                <path d={format!("M{tip:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z", e.y2, tip - 6.0, e.y2 - 4.0, tip - 6.0, e.y2 + 4.0)} />
            </g>
        }
    });
    let nodes = l.nodes.iter().map(|n| {
        let cx = n.x + NODE_W / 2.0;
        let records = n.records.map(|r| r.to_string()).unwrap_or_default();
        html! {
            <g class={classes!("lin-node", (n.output || n.records.is_none()).then_some("idle"))}
                data-testid="job-lineage-node" data-op={n.op.clone()} data-records={records}>
                <title>{format!("{} ({}): {}", n.op, n.detail, n.count_text)}</title>
                <rect x={n.x.to_string()} y={n.y.to_string()} width={NODE_W.to_string()} height={NODE_H.to_string()} rx="6" />
                <text class="lin-op" x={cx.to_string()} y={(n.y + 16.0).to_string()} text-anchor="middle"
                    textLength={fit(&n.op, 7.3)} lengthAdjust="spacingAndGlyphs">{&n.op}</text>
                <text class="lin-arg" x={cx.to_string()} y={(n.y + 30.0).to_string()} text-anchor="middle"
                    textLength={fit(&n.detail, 5.8)} lengthAdjust="spacingAndGlyphs">{&n.detail}</text>
                <text class="lin-count" x={cx.to_string()} y={(n.y + 47.0).to_string()} text-anchor="middle">
                    {&n.count_text}
                </text>
            </g>
        }
    });
    let caption = match l.batch {
        Some(b) => format!("The DStream graph the program built, with the records each node made in batch {b}."),
        None => "The DStream graph the program built; the records per node appear after its first batch.".to_string(),
    };
    html! {
        <figure class="teach teach-lineage" data-testid="job-lineage">
            <svg viewBox={format!("0 0 {:.0} {:.0}", l.width, l.height)} role="img" aria-label={caption.clone()}
                style={format!("max-width: {:.0}px", l.width)}>
                { for edges }
                { for nodes }
            </svg>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}

/// The recent batches: lines in, records per node, processing time.
fn metrics(m: &ProgramMetrics) -> Html {
    html! {
        <section class="teach teach-metrics" data-testid="job-metrics">
            <h3>{"Batches"}
                if let Some(avg) = &m.avg_processing {
                    <span class="teach-sub">{format!(" — processing {avg}")}</span>
                }
            </h3>
            <div class="table-scroll">
                <table class="teach-table">
                    <thead><tr>
                        <th scope="col">{"Batch"}</th><th scope="col">{"Batch time"}</th>
                        <th scope="col">{"Lines in"}</th>
                        { for m.columns.iter().map(|c| html! { <th scope="col">{c}</th> }) }
                        <th scope="col">{"Processing time"}</th>
                    </tr></thead>
                    <tbody>
                        { for m.rows.iter().map(|r| html! {
                            <tr data-batch={r.batch.to_string()}>
                                <td>{r.batch}</td><td>{&r.time}</td><td>{r.lines}</td>
                                { for r.records.iter().map(|n| html! { <td>{n}</td> }) }
                                <td>{&r.processing}</td>
                            </tr>
                        }) }
                        if m.rows.is_empty() {
                            <tr><td colspan={(m.columns.len() + 4).to_string()}>{"No batch yet."}</td></tr>
                        }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// An `updateStateByKey`'s calls of the last batch.
fn calls(v: &CallsView) -> Html {
    html! {
        <section class="teach teach-state" data-testid="job-state-calls">
            <h3>{format!("{}: the function's calls at {}", v.title, v.time)}</h3>
            <ol class="teach-calls">
                { for v.rows.iter().map(|r| html! {
                    <li class="call" data-key={r.key.clone()}>
                        <code>{format!("{}: {}", r.key, r.call)}</code>
                        if r.new_key { <span class="badge">{"new key"}</span> }
                        if r.carried { <span class="badge">{"no new values"}</span> }
                        if r.dropped { <span class="badge">{"dropped"}</span> }
                    </li>
                }) }
            </ol>
            if v.not_shown > 0 {
                <p class="dropped">{format!("{} more calls at this batch are not shown.", v.not_shown)}</p>
            }
            <p class="teach-note">{&v.note}</p>
        </section>
    }
}

/// A windowed node at the last batch.
fn window(w: &WindowView) -> Html {
    html! {
        <section class="teach teach-window" data-testid="job-window">
            <h3>{format!("{}: {}", w.title, w.summary)}</h3>
            <div class="teach-chiprow">
                <span class="chip-head">{format!("Batches in the window ({}):", w.batches.len())}</span>
                <ul class="teach-chips">
                    { for w.batches.iter().map(|b| html! { <li class="teach-chip">{b}</li> }) }
                    if w.batches.is_empty() {
                        <li class="teach-chip empty">{"none"}</li>
                    }
                </ul>
            </div>
            <p class="teach-reason">{&w.how}</p>
        </section>
    }
}

/// Props of [`ProgramTeach`].
#[derive(Properties, PartialEq, Clone)]
pub struct ProgramTeachProps {
    /// The job's views.
    pub views: Rc<ProgramViews>,
}

/// What a job's panel shows of its program: the lineage, each window and `updateStateByKey`, the batches.
#[function_component(ProgramTeach)]
pub fn program_teach(p: &ProgramTeachProps) -> Html {
    let v = &*p.views;
    html! {
        <div class="teach-extras job-teach">
            { lineage(&v.lineage) }
            { for v.windows.iter().map(window) }
            { for v.calls.iter().map(calls) }
            { metrics(&v.metrics) }
        </div>
    }
}
