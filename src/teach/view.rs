//! The teaching views' yew components (wasm32 only). Each takes a view model computed by the plain-Rust
//! modules of [`crate::teach`] and only turns it into elements, with stable `data-testid` hooks.

use super::export::{data_url, ExportForm, ExportView, CSV_FILE, SCRIPT_FILE};
use super::lineage::{Lineage, HEIGHT as LIN_H, NODE_H, NODE_Y, WIDTH as LIN_W};
use super::metrics::{fmt_num, MetricsView, Sparkline, SPARK_H, SPARK_W};
use super::state::StateView;
use super::window::{BatchChip, CellRole, PathView, Timeline};
use super::window_svg::timeline_svg;
use super::TeachViews;
use crate::chart::type_class;
use crate::engine::{Mode, NotebookConfig};
use crate::model::Action;
use crate::timefmt::seconds_literal;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn chips(list: &[BatchChip], testid: &'static str) -> Html {
    html! {
        <ul class="teach-chips" data-testid={testid}>
            { for list.iter().map(|b| html! {
                <li class="teach-chip" data-time={b.time_ms.to_string()}>
                    <span class="chip-time">{&b.label}</span>{" "}
                    <span class="chip-counts">{b.counts_text()}</span>
                </li>
            }) }
            if list.is_empty() {
                <li class="teach-chip empty">{"none"}</li>
            }
        </ul>
    }
}

/// Props of [`WindowTimelineView`].
#[derive(Properties, PartialEq, Clone)]
pub struct WindowTimelineProps {
    /// The timeline of the last window, `None` before the window first emits.
    pub timeline: Option<Rc<Timeline>>,
    /// The running settings (for the text shown before the first window).
    pub config: NotebookConfig,
}

/// The window timeline: the recent batches with the window marked, and how PySpark formed it.
#[function_component(WindowTimelineView)]
pub fn window_timeline_view(p: &WindowTimelineProps) -> Html {
    let Some(tl) = p.timeline.as_deref() else {
        return html! {
            <section class="teach teach-window" data-testid="window-timeline">
                <h3>{"How the window is formed"}</h3>
                <p class="teach-empty">{format!(
                    "The window emits every {} s; its timeline appears with the first window.",
                    seconds_literal(p.config.slide_ms)
                )}</p>
            </section>
        };
    };
    let cells = tl.cells.iter().map(|c| {
        let in_window = matches!(c.role, CellRole::Kept | CellRole::Arriving | CellRole::Reduced);
        html! {
            <li class={classes!("cell", format!("role-{}", c.role.as_str()), in_window.then_some("in-window"))}
                data-role={c.role.as_str()} data-time={c.time_ms.to_string()}
                title={format!("{}: {} records, {}", c.label, c.total, c.role.label())}>
                <span class="cell-time">{&c.label}</span>
                <span class="cell-total">{c.total}</span>
                <span class="cell-bar" aria-hidden="true">
                    { for c.counts.iter().filter(|(_, n)| *n > 0).map(|(k, n)| html! {
                        <span class={classes!("swatch", type_class(*k))} style={format!("flex: {n}")}></span>
                    }) }
                </span>
            </li>
        }
    });
    let roles: &[CellRole] = match tl.path {
        PathView::Recompute { .. } => &[CellRole::Reduced, CellRole::Earlier, CellRole::Later],
        PathView::Subtract { .. } => &[
            CellRole::Arriving,
            CellRole::Kept,
            CellRole::Leaving,
            CellRole::Earlier,
            CellRole::Later,
        ],
    };
    let legend = roles.iter().filter(|r| tl.cells.iter().any(|c| c.role == **r)).map(|r| {
        html! { <span class="legend-item"><span class={classes!("cell-swatch", format!("role-{}", r.as_str()))}></span>{r.label()}</span> }
    });
    let (path_html, rows) = match &tl.path {
        PathView::Recompute {
            reason,
            batches,
            rows,
        } => (
            html! {
                <div class="teach-path path-recompute" data-path="recompute">
                    <p class="teach-reason" data-testid="window-reason">{reason}</p>
                    <div class="teach-chiprow"><span class="chip-head">{format!("Batches reduced ({}):", batches.len())}</span>{chips(batches, "window-reduced")}</div>
                </div>
            },
            rows,
        ),
        PathView::Subtract {
            arriving,
            leaving,
            rows,
        } => (
            html! {
                <div class="teach-path path-subtract" data-path="subtract">
                    <p class="teach-reason" data-testid="window-reason">
                        {"PySpark took the subtracting path: previous window + the batches that arrived − the batches that left."}
                    </p>
                    <div class="teach-chiprow"><span class="chip-head">{"Added:"}</span>{chips(arriving, "window-added")}</div>
                    <div class="teach-chiprow"><span class="chip-head">{"Subtracted:"}</span>{chips(leaving, "window-subtracted")}</div>
                </div>
            },
            rows,
        ),
    };
    let heading = match tl.path {
        PathView::Recompute { .. } => "window = sum of the batches in it",
        PathView::Subtract { .. } => "old window + arriving − leaving = new window",
    };
    html! {
        <section class="teach teach-window" data-testid="window-timeline" data-batch={tl.batch.to_string()}>
            <h3>{"How the window was formed"}</h3>
            <p class="teach-summary">{&tl.summary}</p>
            <ol class="strip" data-testid="window-strip" aria-label="Recent batches, oldest first, with their record counts">
                if tl.hidden > 0 {
                    <li class="cell role-hidden" title="older batches of the window">
                        <span class="cell-time">{"…"}</span>
                        <span class="cell-total">{format!("+{}", tl.hidden)}</span>
                    </li>
                }
                { for cells }
            </ol>
            <p class="teach-legend legend">{ for legend }</p>
            { path_html }
            <h4>{heading}</h4>
            <ul class="teach-arith" data-testid="window-arithmetic">
                { for rows.iter().map(|r| html! {
                    <li class={classes!("arith-row", r.filtered.then_some("filtered"), (r.value == 0).then_some("zero"))}
                        data-key={r.key.as_str()} data-value={r.value.to_string()}>
                        <span class={classes!("swatch", type_class(r.key))}></span>
                        <code>{&r.text}</code>
                    </li>
                }) }
                if rows.is_empty() {
                    <li class="arith-row empty">{"No key in this window."}</li>
                }
            </ul>
            { for tl.zero_notes.iter().map(|n| html! { <p class="teach-note zero-note" data-testid="zero-note">{n}</p> }) }
            <p class="teach-actions">
                <a class="button" download={format!("window-batch-{}.svg", tl.batch)} data-testid="window-svg"
                    href={data_url("image/svg+xml", &timeline_svg(tl))}>{"Download SVG"}</a>
            </p>
        </section>
    }
}

/// Props of [`StateCallsView`].
#[derive(Properties, PartialEq, Clone)]
pub struct StateCallsProps {
    /// The last batch's calls, `None` before the first batch.
    pub view: Option<Rc<StateView>>,
}

/// The update function's calls of the last batch, as the notebook writes them.
#[function_component(StateCallsView)]
pub fn state_calls_view(p: &StateCallsProps) -> Html {
    let Some(v) = p.view.as_deref() else {
        return html! {
            <section class="teach teach-state" data-testid="state-calls">
                <h3>{"updateFunction's calls"}</h3>
                <p class="teach-empty">{"The calls of the last batch appear after the first batch."}</p>
            </section>
        };
    };
    html! {
        <section class="teach teach-state" data-testid="state-calls" data-batch={v.batch.to_string()}>
            <h3>{format!("updateFunction's calls at {}", v.time_label)}</h3>
            <ol class="teach-calls">
                { for v.rows.iter().map(|r| html! {
                    <li class="call" data-key={r.key.as_str()}>
                        <span class={classes!("swatch", type_class(r.key))}></span>
                        <code>{&r.call}</code>
                        if r.new_key { <span class="badge">{"new key"}</span> }
                        if r.carried { <span class="badge">{"no new lines"}</span> }
                    </li>
                }) }
            </ol>
            <p class="teach-note">{&v.note}</p>
        </section>
    }
}

/// Props of [`LineageView`].
#[derive(Properties, PartialEq, Clone)]
pub struct LineageProps {
    /// The mode's chain and counts.
    pub lineage: Rc<Lineage>,
}

/// A `textLength` that squeezes `text` (about `char_w` wide per character) into a box `w` wide, when it would
/// not fit otherwise.
fn fit(text: &str, char_w: f64, w: f64) -> Option<String> {
    let room = w - 10.0;
    (text.chars().count() as f64 * char_w > room).then(|| format!("{room:.0}"))
}

/// One mode's DStream chain as a small graph, with the records per step in the last batch.
#[function_component(LineageView)]
pub fn lineage_view(p: &LineageProps) -> Html {
    let l = &*p.lineage;
    let mid = NODE_Y + NODE_H / 2.0;
    let arrows = l.steps.windows(2).map(|w| {
        let (x1, x2) = (w[0].x + w[0].w + 1.0, w[1].x - 2.0);
        html! {
            <g class="lin-arrow">
                <line x1={x1.to_string()} x2={x2.to_string()} y1={mid.to_string()} y2={mid.to_string()} />
                <path d={format!("M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z", x2, mid, x2 - 6.0, mid - 4.0, x2 - 6.0, mid + 4.0)} />
            </g>
        }
    });
    let nodes = l.steps.iter().map(|s| {
        let cx = s.x + s.w / 2.0;
        let records = s.records.map(|n| n.to_string()).unwrap_or_default();
        html! {
            <g class={classes!("lin-node", s.records.is_none().then_some("idle"))} data-testid="lineage-step"
                data-op={s.op.clone()} data-records={records}>
                <title>{format!("{} ({}): {}", s.op, s.arg, s.count_text())}</title>
                <rect x={s.x.to_string()} y={NODE_Y.to_string()} width={s.w.to_string()} height={NODE_H.to_string()} rx="6" />
                <text class="lin-op" x={cx.to_string()} y={(NODE_Y + 17.0).to_string()} text-anchor="middle"
                    textLength={fit(&s.op, 7.3, s.w)} lengthAdjust="spacingAndGlyphs">{&s.op}</text>
                <text class="lin-arg" x={cx.to_string()} y={(NODE_Y + 32.0).to_string()} text-anchor="middle"
                    textLength={fit(&s.arg, 5.8, s.w)} lengthAdjust="spacingAndGlyphs">{&s.arg}</text>
                <text class="lin-count" x={cx.to_string()} y={(NODE_Y + NODE_H + 20.0).to_string()} text-anchor="middle">
                    {s.count_text()}
                </text>
            </g>
        }
    });
    let caption = match l.batch {
        Some(b) => format!("Records through each DStream in batch {b}."),
        None => "Records through each DStream appear after the first batch.".to_string(),
    };
    html! {
        <figure class="teach teach-lineage" data-testid={format!("lineage-{}", l.mode.as_str())}>
            <svg viewBox={format!("0 0 {LIN_W} {LIN_H}")} role="img" aria-label={format!("{}. {caption}", l.chain)}>
                { for arrows }
                { for nodes }
            </svg>
            <figcaption>
                <code class="lin-chain">{&l.chain}</code>{" — "}{caption}
                if let Some(n) = &l.note { {" "}<span class="teach-note">{n}</span> }
            </figcaption>
        </figure>
    }
}

fn sparkline(s: &Sparkline, testid: &'static str) -> Html {
    let last = s
        .last
        .map(|v| format!("{} {}", fmt_num(v), s.unit))
        .unwrap_or_else(|| "—".to_string());
    html! {
        <figure class="spark" data-testid={testid}>
            <figcaption>
                <strong>{&*s.title}</strong>{" "}<span class="spark-avg">{s.avg_text()}</span>
            </figcaption>
            <svg viewBox={format!("0 0 {SPARK_W} {SPARK_H}")} preserveAspectRatio="none" role="img"
                aria-label={format!("{}: latest {last}, {}, max {} {}", s.title, s.avg_text(), fmt_num(s.max), s.unit)}>
                <line class="spark-base" x1="0" x2={SPARK_W.to_string()} y1={(SPARK_H - 2.0).to_string()} y2={(SPARK_H - 2.0).to_string()} />
                <path class="spark-line" d={s.path.clone()} />
            </svg>
            <div class="spark-scale"><span>{format!("latest {last}")}</span><span>{format!("max {} {}", fmt_num(s.max), s.unit)}</span></div>
        </figure>
    }
}

/// Props of [`MetricsPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct MetricsProps {
    /// The metrics of the recent batches.
    pub view: Rc<MetricsView>,
}

/// Batch metrics like Spark's Streaming tab.
#[function_component(MetricsPanel)]
pub fn metrics_panel(p: &MetricsProps) -> Html {
    let v = &*p.view;
    html! {
        <section class="teach teach-metrics" data-testid="batch-metrics">
            <h3>{"Streaming statistics"}<span class="teach-sub">{format!(" — last {} batches, as in Spark UI's Streaming tab", v.batches)}</span></h3>
            <div class="sparks">
                { sparkline(&v.lines[0], "metric-input-rate") }
                { sparkline(&v.lines[1], "metric-processing") }
                { sparkline(&v.lines[2], "metric-delay") }
            </div>
            // Scrolls sideways on a phone: focusable, so a keyboard can scroll it too (axe-core).
            <div class="table-scroll" tabindex="0" role="region" aria-label="Streaming statistics per batch">
                <table class="teach-table" data-testid="batch-table">
                    <thead><tr>
                        <th scope="col">{"Batch"}</th><th scope="col">{"Batch time"}</th><th scope="col">{"Records"}</th>
                        <th scope="col">{"Input rate (records/s)"}</th><th scope="col">{"Scheduling delay"}</th>
                        <th scope="col">{"Processing time"}</th><th scope="col">{"Total delay"}</th>
                    </tr></thead>
                    <tbody>
                        { for v.rows.iter().map(|r| html! {
                            <tr data-batch={r.batch.to_string()}>
                                <td>{r.batch}</td><td>{&r.time}</td><td>{r.records}</td><td>{&r.input_rate}</td>
                                <td>{&r.delay}</td><td>{&r.processing}</td><td>{&r.total}</td>
                            </tr>
                        }) }
                        if v.rows.is_empty() {
                            <tr><td colspan="7">{"No batch yet."}</td></tr>
                        }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Props of [`ExportBar`].
#[derive(Properties, PartialEq, Clone)]
pub struct ExportProps {
    /// The form and the script it exports (the view model writes the script).
    pub export: ExportView,
    /// The charted history as CSV.
    pub csv: Rc<str>,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// "Take it to real Spark": download the PySpark script for the running settings, and the history as CSV.
#[function_component(ExportBar)]
pub fn export_bar(p: &ExportProps) -> Html {
    let form = &p.export.form;
    let tee = form.tee;
    let tee_port = form.tee_port;
    let script = p.export.script.clone();
    // Each control sends the whole form with its own field changed.
    let change = |set: fn(&mut ExportForm, String)| {
        let (form, dispatch) = (form.clone(), p.dispatch.clone());
        Callback::from(move |e: Event| {
            let mut form = form.clone();
            let value = match e.target_dyn_into::<HtmlSelectElement>() {
                Some(select) => select.value(),
                None => e.target_unchecked_into::<HtmlInputElement>().value(),
            };
            set(&mut form, value);
            dispatch.emit(Action::Export(form));
        })
    };
    let on_feed = change(|f, v| f.tee = v == "tee");
    let on_port = change(|f, v| {
        if let Ok(port) = v.trim().parse::<u16>() {
            f.tee_port = port;
        }
    });
    let on_checkpoint = change(|f, v| f.checkpoint_dir = v);
    html! {
        <section class="teach teach-export" data-testid="export">
            <h3>{"Take it to real Spark"}</h3>
            <div class="export-form">
                <label>{"Read from "}
                    <select onchange={on_feed} data-testid="export-feed">
                        <option value="source" selected={!tee}>{"send-messages on 127.0.0.1:9999"}</option>
                        <option value="tee" selected={tee}>{"the relay's --tee port (same lines as this page)"}</option>
                    </select>
                </label>
                if tee {
                    <label>{"tee port "}
                        <input type="number" min="1" max="65535" value={tee_port.to_string()} onchange={on_port}
                            data-testid="export-tee-port" />
                    </label>
                }
                <label>{"checkpoint dir "}
                    <input type="text" value={form.checkpoint_dir.clone()} onchange={on_checkpoint} data-testid="export-checkpoint" />
                </label>
            </div>
            <p class="export-links">
                <a class="button" download={SCRIPT_FILE} href={data_url("text/x-python", &script)} data-testid="export-script">
                    {format!("Download {SCRIPT_FILE}")}
                </a>
                <a class="button" download={CSV_FILE} href={data_url("text/csv", &p.csv)} data-testid="export-csv">
                    {format!("Download the charted history ({CSV_FILE})")}
                </a>
            </p>
            <details class="code">
                <summary>{"The exported script"}</summary>
                <pre><code data-testid="export-preview">{script}</code></pre>
            </details>
        </section>
    }
}

/// What [`mode_extras`] draws.
#[derive(Properties, PartialEq, Clone)]
pub struct ModeExtrasProps {
    /// Which mode's panel this goes in.
    pub mode: Mode,
    /// The page's teaching view models.
    pub views: Rc<TeachViews>,
    /// The running settings.
    pub config: NotebookConfig,
    /// Whether to draw the mode's own view under the lineage (the page's first render adds it one stage later).
    #[prop_or(true)]
    pub whole: bool,
}

/// What a mode's panel adds under its chart: the lineage, and the state calls (running totals) or the window
/// timeline (window). A function, not a component: each component costs the page's wasm its own copy of yew's
/// lifecycle, and the views inside already skip redrawing what did not change.
pub fn mode_extras(p: &ModeExtrasProps) -> Html {
    let specific = match p.mode {
        _ if !p.whole => Html::default(),
        Mode::Stateless => Html::default(),
        Mode::Cumulative => html! { <StateCallsView view={p.views.state.clone()} /> },
        Mode::Window => html! {
            <WindowTimelineView timeline={p.views.timeline.clone()} config={p.config.clone()} />
        },
    };
    html! {
        <div class="teach-extras" id={format!("teach-{}", p.mode.as_str())}>
            <LineageView lineage={p.views.lineage_of(p.mode)} />
            { specific }
        </div>
    }
}

/// What [`teach_footer`] draws.
#[derive(Properties, PartialEq, Clone)]
pub struct TeachFooterProps {
    /// The page's teaching view models.
    pub views: Rc<TeachViews>,
    /// "Take it to real Spark": the form and its script.
    pub export: ExportView,
    /// The charted history as CSV.
    pub csv: Rc<str>,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// Below the three panels: the streaming statistics and the export (a function, as [`mode_extras`] is).
pub fn teach_footer(p: &TeachFooterProps) -> Html {
    html! {
        <div class="teach-footer" id="teach-footer">
            <MetricsPanel view={p.views.metrics.clone()} />
            <ExportBar export={p.export.clone()} csv={p.csv.clone()} dispatch={p.dispatch.clone()} />
        </div>
    }
}
