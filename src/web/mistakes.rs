//! Spark's classic mistakes, safely: one button each, then Spark's own words, why, the fix and Undo.

use crate::host::clock::now_local_ms;
use crate::model::mistakes::Mistake;
use crate::model::Action;
use yew::prelude::*;

/// Props of [`MistakesPanel`].
#[derive(Properties, PartialEq)]
pub struct MistakesProps {
    /// The mistake being tried.
    pub tried: Option<Mistake>,
    /// What Spark said about it.
    pub message: Option<String>,
    /// Batches queued and not run (`local[1]`).
    pub queued: u64,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The "Spark's classic mistakes" section.
#[function_component(MistakesPanel)]
pub fn mistakes_panel(p: &MistakesProps) -> Html {
    let buttons = Mistake::ALL.into_iter().map(|mistake| {
        let d = p.dispatch.clone();
        let onclick = Callback::from(move |_| {
            d.emit(Action::MistakeTry {
                mistake,
                now_ms: now_local_ms(),
            })
        });
        html! {
            <button {onclick} data-testid={format!("mistake-{}", mistake.id())}
                aria-pressed={(p.tried == Some(mistake)).to_string()}>{mistake.label()}</button>
        }
    });
    let d = p.dispatch.clone();
    let on_undo = Callback::from(move |_| {
        d.emit(Action::MistakeUndo {
            now_ms: now_local_ms(),
        })
    });
    html! {
        <section class="mistakes" data-testid="mistakes" aria-labelledby="mistakes-title">
            <h2 id="mistakes-title">{"Spark's classic mistakes, safely"}</h2>
            <p class="mistake-buttons">{ for buttons }</p>
            if let Some(m) = p.tried {
                <div class="mistake-shown" aria-live="polite">
                    <p class="mistake-says">{"What Spark says:"}</p>
                    <pre class="mistake-message" data-testid="mistake-message" tabindex="0"
                        aria-label="Spark's message">{ p.message.clone().unwrap_or_else(||
                        "The program's job was removed, so there is no message to show.".to_string()) }</pre>
                    <p><strong>{"Why: "}</strong>{m.why()}</p>
                    if m == Mistake::Local1 {
                        <p class="stat" data-testid="mistake-queued">{format!("{} batches queued, none run.", p.queued)}</p>
                    } else {
                        <p class="stat">{"The program with the mistake is open below as a student job: the wrong \
                            line is in its editor, Spark's error under it."}</p>
                    }
                    <p><strong>{"Fix: "}</strong>{m.fix()}</p>
                    <button onclick={on_undo} data-testid="mistake-undo">{"Undo: back to the working setup"}</button>
                </div>
            }
        </section>
    }
}
