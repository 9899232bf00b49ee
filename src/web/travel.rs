//! Time travel's controls: a slider over the batches kept and Back / Forward / "Jump to now" buttons. The page
//! then shows every console, chart, window timeline and update-function view as of the chosen batch
//! ([`crate::model::travel`]); the stream keeps running meanwhile.

use crate::model::{Action, TravelMove, TravelSpan};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`TravelBar`].
#[derive(Properties, PartialEq)]
pub struct TravelBarProps {
    /// The batches reached and the one viewed; `None` before the first batch.
    pub span: Option<TravelSpan>,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// What the status says.
fn status(span: Option<&TravelSpan>) -> String {
    match span {
        None => "Time travel starts with the first batch.".to_string(),
        Some(s) if s.past => format!("Viewing batch {} of {}", s.viewed, s.last),
        Some(s) => format!("Live: batch {}", s.last),
    }
}

/// The time travel controls.
#[function_component(TravelBar)]
pub fn travel_bar(p: &TravelBarProps) -> Html {
    let go = |to: TravelMove| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Travel(to)))
    };
    let on_slide = {
        let d = p.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|i| i.value().parse::<u64>().ok());
            if let Some(k) = value {
                d.emit(Action::Travel(TravelMove::To(k)));
            }
        })
    };
    let span = p.span.as_ref();
    let (first, last, viewed, past) =
        span.map_or((0, 0, 0, false), |s| (s.first, s.last, s.viewed, s.past));
    html! {
        <div class={classes!("travel", past.then_some("travel-past"))} data-testid="travel" role="group"
            aria-label="Time travel">
            <label for="travel-slider">{"Time travel"}</label>
            <button type="button" onclick={go(TravelMove::Back)} data-testid="travel-back"
                disabled={span.is_none() || viewed <= first}>{"◀ Back"}</button>
            <input id="travel-slider" class="travel-slider" type="range" data-testid="travel-slider"
                min={first.to_string()} max={last.to_string()} step="1" value={viewed.to_string()}
                disabled={span.is_none()} oninput={on_slide}
                aria-valuetext={span.map(|s| format!("batch {} of {}", s.viewed, s.last))} />
            <button type="button" onclick={go(TravelMove::Forward)} data-testid="travel-forward"
                disabled={!past}>{"Forward ▶"}</button>
            <button type="button" onclick={go(TravelMove::Now)} data-testid="travel-now"
                disabled={!past}>{"Jump to now"}</button>
            <span class="stat travel-status" data-testid="travel-status">
                {status(span)}
                if let Some(s) = span {
                    <span class="travel-time">{format!(" ({}){}", s.time_label, if s.past { ": the stream keeps running." } else { "." })}</span>
                }
            </span>
        </div>
    }
}
