//! The per-mode SVG chart: counts by message type over batch time, with axes, a legend and a tooltip with
//! the exact values, by mouse (hover) or keyboard (focus, then arrow keys).

use crate::chart::{
    layout, nearest_index, type_class, ChartPoint, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH,
};
use crate::engine::MessageType;
use crate::timefmt::clock_label;
use crate::web::svg_export::{download_svg, figure_legend, standalone_svg};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// Props of [`Chart`].
#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// Points, oldest first.
    pub points: Rc<Vec<ChartPoint>>,
    /// What the chart shows, for screen readers.
    pub title: AttrValue,
    /// Time travel shows an earlier batch: mark its point (the last one charted as of then) with a cursor,
    /// and show its values until the pointer or keyboard picks another.
    #[prop_or_default]
    pub cursor: bool,
}

/// The chart.
#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let selected = use_state(|| None::<usize>);
    let points = props.points.clone();
    let l = use_memo(points.clone(), |p| layout(p));
    let n = points.len();
    // A selection past the end (history shrank after a reset) shows nothing rather than panicking.
    let travel_cursor = n.checked_sub(1).filter(|_| props.cursor);
    let sel = (*selected).filter(|i| *i < n).or(travel_cursor);

    let onmousemove = {
        let selected = selected.clone();
        let l = l.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e
                .current_target()
                .and_then(|t| t.dyn_into::<Element>().ok())
            else {
                return;
            };
            let r = el.get_bounding_client_rect();
            if r.width() > 0.0 {
                let frac = (f64::from(e.client_x()) - r.left()) / r.width();
                selected.set(nearest_index(&l.xs, frac));
            }
        })
    };
    let onmouseleave = {
        let selected = selected.clone();
        Callback::from(move |_| selected.set(None))
    };
    let onkeydown = {
        let selected = selected.clone();
        Callback::from(move |e: KeyboardEvent| {
            if n == 0 {
                return;
            }
            let cur = (*selected).filter(|i| *i < n);
            let next = match e.key().as_str() {
                "ArrowLeft" => Some(cur.map_or(n - 1, |i| i.saturating_sub(1))),
                "ArrowRight" => Some(cur.map_or(n - 1, |i| (i + 1).min(n - 1))),
                "Home" => Some(0),
                "End" => Some(n - 1),
                "Escape" => None,
                _ => return,
            };
            e.prevent_default();
            selected.set(next);
        })
    };
    let onfocus = {
        let selected = selected.clone();
        Callback::from(move |_| {
            if n > 0 {
                selected.set(Some(n - 1))
            }
        })
    };

    let grid = l.y_ticks.iter().map(|(y, label)| {
        html! {
            <g class="tick">
                <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text x={(LEFT - 6.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{label}</text>
            </g>
        }
    });
    let xlabels = l.x_ticks.iter().map(|(x, label)| {
        // Labels near the right edge end at their point instead of spilling out of the chart.
        let anchor = if *x > WIDTH - RIGHT - 30.0 { "end" } else { "middle" };
        html! { <text class="xtick" x={x.to_string()} y={(HEIGHT - 8.0).to_string()} text-anchor={anchor}>{label}</text> }
    });
    let series = MessageType::ALL.iter().enumerate().map(|(i, t)| {
        html! { <path class={classes!("series", type_class(*t))} d={l.paths[i].clone()} /> }
    });
    let marker = sel.map(|i| {
        let x = l.xs[i];
        let dots = MessageType::ALL.iter().enumerate().map(|(k, t)| {
            let y = crate::chart::y_of(points[i].counts[k], l.y_top);
            html! { <circle class={classes!("dot", type_class(*t))} cx={x.to_string()} cy={y.to_string()} r="4" /> }
        });
        html! {
            <g class="marker">
                <line x1={x.to_string()} x2={x.to_string()} y1={TOP.to_string()} y2={(HEIGHT - BOTTOM).to_string()} />
                { for dots }
            </g>
        }
    });
    let tooltip = sel.map(|i| {
        let p = &points[i];
        let left = (l.xs[i] / WIDTH * 100.0).clamp(8.0, 78.0);
        html! {
            <div class="tooltip" role="status" style={format!("left: {left:.1}%")} data-testid="chart-tooltip">
                <strong>{clock_label(p.time_ms)}</strong>
                { for MessageType::ALL.iter().enumerate().map(|(k, t)| html! {
                    <div class="tt-row">
                        <span class={classes!("swatch", type_class(*t))}></span>
                        <span>{t.as_str()}</span>
                        <span class="tt-val">{p.counts[k]}</span>
                    </div>
                }) }
            </div>
        }
    });
    let summary = match points.last() {
        Some(p) => format!(
            "{}: {} batches charted; latest {}: {}",
            props.title,
            n,
            clock_label(p.time_ms),
            MessageType::ALL
                .iter()
                .enumerate()
                .map(|(k, t)| format!("{} {}", t.as_str(), p.counts[k]))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("{}: no batch yet", props.title),
    };

    let figure = use_node_ref();
    let on_download = {
        let figure = figure.clone();
        let file = format!("{}.svg", slug(&props.title));
        Callback::from(move |_| {
            let Some(fig) = figure.cast::<Element>() else {
                return;
            };
            let Ok(Some(svg)) = fig.query_selector("svg") else {
                return;
            };
            let made = standalone_svg(&svg, &figure_legend(&fig))
                .and_then(|text| download_svg(&file, &text));
            if let Err(e) = made {
                web_sys::console::error_1(&format!("Download SVG: {e}").into());
            }
        })
    };

    html! {
        <figure class="chart" ref={figure}>
            <div class="chart-box">
                <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                    aria-label={summary} tabindex="0"
                    {onmousemove} {onmouseleave} {onkeydown} {onfocus} onblur={let s = selected.clone(); Callback::from(move |_| s.set(None))}>
                    <g class="grid">{ for grid }</g>
                    <line class="axis" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()}
                        y1={(HEIGHT - BOTTOM).to_string()} y2={(HEIGHT - BOTTOM).to_string()} />
                    <g class="xlabels">{ for xlabels }</g>
                    { for series }
                    if let Some(i) = travel_cursor {
                        <line class="travel-cursor" data-testid="chart-cursor" x1={l.xs[i].to_string()} x2={l.xs[i].to_string()}
                            y1={TOP.to_string()} y2={(HEIGHT - BOTTOM).to_string()} />
                    }
                    { marker.unwrap_or_default() }
                    if n == 0 {
                        <text class="empty" x={(WIDTH / 2.0).to_string()} y={(HEIGHT / 2.0).to_string()} text-anchor="middle">
                            {"waiting for the first batch…"}
                        </text>
                    }
                </svg>
                { tooltip.unwrap_or_default() }
            </div>
            <figcaption class="legend">
                { for MessageType::ALL.iter().map(|t| html! {
                    <span class="legend-item"><span class={classes!("swatch", type_class(*t))}></span>{t.as_str()}</span>
                }) }
                <button type="button" class="svg-download" data-testid="chart-svg" onclick={on_download}
                    aria-label={format!("Download SVG of the {} chart", props.title)}>{"Download SVG"}</button>
            </figcaption>
        </figure>
    }
}

/// A file name from a title: lowercase ASCII letters and digits, words joined by `-`.
fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "chart".to_string()
    } else {
        words.join("-")
    }
}
