//! "Predict, then reveal": the lines of the next batch, one box per mode for the records its `pprint` will
//! print, and after "Reveal" each record marked right, wrong or missed, in words and a sign (not colour alone).

use super::panel::describe;
use crate::engine::{Mode, NotebookConfig};
use crate::model::predict::{Prediction, Reveal, Verdict};
use crate::model::Action;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Props of [`PredictPanel`].
#[derive(Properties, PartialEq)]
pub struct PredictProps {
    /// The prediction open or last revealed.
    pub prediction: Option<Prediction>,
    /// The first lines of the open batch (the predicted one while a prediction is open).
    pub lines: Vec<String>,
    /// Lines in the open batch.
    pub pending: usize,
    /// The running settings (the modes' titles).
    pub config: NotebookConfig,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The "Predict, then reveal" panel.
#[function_component(PredictPanel)]
pub fn predict_panel(p: &PredictProps) -> Html {
    let emit = |a: Action| {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(a.clone()))
    };
    let start = html! {
        <button onclick={emit(Action::PredictStart)} data-testid="predict-start">{"Predict the next batch"}</button>
    };
    let close = html! { <button onclick={emit(Action::PredictClose)} data-testid="predict-close">{"Close"}</button> };
    let body = match &p.prediction {
        None => html! {
            <p class="predict-bar">{ start }
                <span class="stat">{"stops the batch clock and shows the lines that will form the next batch"}</span></p>
        },
        Some(pr) => match &pr.revealed {
            None => open(p, pr, emit(Action::PredictReveal), close),
            Some(r) => {
                html! { <>{ marks(r, &p.config) }<p class="predict-bar">{ start }{ close }</p></> }
            }
        },
    };
    html! {
        <section class="predict" data-testid="predict" aria-labelledby="predict-title">
            <h2 id="predict-title">{"Predict, then reveal"}</h2>
            { body }
        </section>
    }
}

/// An open prediction: the lines, the boxes, Reveal.
fn open(p: &PredictProps, pr: &Prediction, on_reveal: Callback<MouseEvent>, close: Html) -> Html {
    let more = p.pending.saturating_sub(p.lines.len());
    let boxes = Mode::ALL.into_iter().map(|mode| {
        let (title, op, _) = describe(mode, &p.config);
        let d = p.dispatch.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            d.emit(Action::PredictType { mode, text });
        });
        let id = format!("predict-{}", mode.as_str());
        html! {
            <div class="predict-box">
                <label for={id.clone()}>{title}{" "}<code>{op}</code></label>
                <textarea {id} data-testid="predict-input" data-mode={mode.as_str()} rows="5" spellcheck="false"
                    placeholder="('error', 3)" value={pr.typed[mode.index()].clone()} {oninput} />
            </div>
        }
    });
    html! {
        <>
            <h3>{format!("Batch {}: {} input line{}", pr.batch, p.pending, if p.pending == 1 { "" } else { "s" })}</h3>
            <ol class="predict-lines" data-testid="predict-lines" tabindex="0"
                aria-label="The lines of the predicted batch">
                { for p.lines.iter().map(|l| html! { <li><code>{l}</code></li> }) }
                if more > 0 { <li class="compare-more">{format!("… and {more} more")}</li> }
            </ol>
            if pr.waiting() > 0 {
                <p class="stat">{format!("{} line{} arrived since: they wait for the batch after this one.",
                    pr.waiting(), if pr.waiting() == 1 { "" } else { "s" })}</p>
            }
            <p class="hint">{"Type each mode's pprint output, one record per line, as ('error', 3). \
                Leave a box empty to predict that the mode prints no record."}</p>
            <div class="predict-boxes">{ for boxes }</div>
            <p class="predict-bar">
                <button class="primary" onclick={on_reveal} data-testid="predict-reveal">{"Reveal"}</button>
                { close }
            </p>
        </>
    }
}

/// The marks of a revealed prediction, mode by mode.
fn marks(r: &Reveal, config: &NotebookConfig) -> Html {
    html! {
        <>
            <h3>{format!("Batch {} · {}", r.batch, r.time_label)}</h3>
            <div class="predict-boxes">
                { for r.modes.iter().map(|m| {
                    let (title, op, _) = describe(m.mode, config);
                    let count = |v: Verdict| m.marks.iter().filter(|k| k.verdict == v).count();
                    html! {
                        <div class="predict-box" data-mode={m.mode.as_str()}>
                            <h4>{title}{" "}<code>{op}</code></h4>
                            <p class="stat">{format!("{} right · {} wrong · {} missed",
                                count(Verdict::Right), count(Verdict::Wrong), count(Verdict::Missed))}</p>
                            <ul class="predict-marks">
                                { for m.marks.iter().map(|k| {
                                    let (sign, word) = match k.verdict {
                                        Verdict::Right => ("✓", "Right"),
                                        Verdict::Wrong => ("✗", "Wrong"),
                                        Verdict::Missed => ("?", "Missed"),
                                    };
                                    html! {
                                        <li class={classes!("predict-mark", k.verdict.as_str())}
                                            data-testid="predict-mark" data-result={k.verdict.as_str()}>
                                            <span aria-hidden="true">{sign}{" "}</span>
                                            <strong>{word}{": "}</strong><code>{&k.record}</code>{" — "}{&k.why}
                                        </li>
                                    }
                                }) }
                            </ul>
                        </div>
                    }
                }) }
            </div>
        </>
    }
}
