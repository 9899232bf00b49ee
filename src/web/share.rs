//! "Share a scenario": copy a link that replays the last batches, download them as `replay`'s JSON file, or load
//! such a file back; the sentence says how many batches a link holds.

use super::copied_link::CopiedLink;
use super::platform::page_address;
use crate::host::clock::js_error;
use crate::model::share::{scenario_file_too_large, ShareSummary};
use crate::model::{Action, JobLink};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`ShareBox`].
#[derive(Properties, PartialEq)]
pub struct ShareBoxProps {
    /// What a link would hold.
    pub summary: ShareSummary,
    /// The last link made, and what the clipboard said.
    pub link: Option<JobLink>,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The share controls.
#[function_component(ShareBox)]
pub fn share_box(p: &ShareBoxProps) -> Html {
    let empty = p.summary.batches == 0;
    let on_copy = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::ShareCopyLink {
                page: page_address(),
            })
        })
    };
    let on_download = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::ShareDownload))
    };
    let on_load = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // Picking the same file again must load it again.
            input.set_value("");
            let name = file.name();
            if let Some(why) = scenario_file_too_large(file.size()) {
                return dispatch.emit(Action::ShareLoad {
                    file: name,
                    text: Err(why),
                });
            }
            let read = JsFuture::from(file.text());
            let dispatch = dispatch.clone();
            yew::platform::spawn_local(async move {
                let text = read
                    .await
                    .map_err(|e| format!("the browser could not read it ({})", js_error(e)))
                    .and_then(|v| v.as_string().ok_or_else(|| "it is not text".to_string()));
                dispatch.emit(Action::ShareLoad { file: name, text });
            });
        })
    };
    html! {
        <section class="share" data-testid="share" aria-labelledby="share-title">
            <h2 id="share-title" class="share-title">{"Share a scenario"}</h2>
            <button type="button" data-testid="share-copy-link" onclick={on_copy} disabled={empty}
                title="A link that replays these batches, with these settings and the same Time: lines">{"Copy link"}</button>
            <button type="button" data-testid="share-download" onclick={on_download} disabled={empty}
                title="The same batches as a scenario file of the notebook's replay command">{"Download scenario"}</button>
            <label for="share-load" class="share-load-label">{"Load scenario "}</label>
            <input id="share-load" type="file" accept=".json,application/json" data-testid="share-load"
                onchange={on_load} />
            <p class="stat" data-testid="share-batches">{p.summary.sentence()}</p>
            if let Some(link) = &p.link {
                <CopiedLink id="share-link" label="Link to this scenario: " testid="share-link" link={link.clone()} />
            }
        </section>
    }
}
