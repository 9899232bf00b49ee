//! "Inject a line": a box where the teacher types a log line (or starts from a ready one) that enters the open
//! batch, so the class sees what one `[error]` line does to each job.

use crate::model::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Ready lines, one per message type the notebook's `get_message_type` tells apart (as the log's lines read).
const READY: [(&str, &str); 4] = [
    (
        "[error]",
        "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
    ),
    (
        "[info]",
        "[Sun Dec 04 04:47:44 2005] [info] [client 10.0.0.153] File does not exist: /var/www/html/robots.txt",
    ),
    (
        "[notice]",
        "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
    ),
    ("other", "a line with no level: unknown"),
];

/// Props of [`InjectBox`].
#[derive(Properties, PartialEq)]
pub struct InjectBoxProps {
    /// Lines this page injected so far.
    pub injected: u64,
    /// Why injecting cannot work right now (the relay feeds the lab and does not take lines from this page), if so.
    pub unavailable: Option<AttrValue>,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The "Inject a line" form.
#[function_component(InjectBox)]
pub fn inject_box(p: &InjectBoxProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let (input, dispatch) = (input.clone(), p.dispatch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                dispatch.emit(Action::InjectLine(el.value()));
            }
        })
    };
    let ready = READY.iter().map(|(label, line)| {
        let input = input.clone();
        let onclick = Callback::from(move |_| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                el.set_value(line);
                let _ = el.focus();
            }
        });
        html! {
            <button type="button" class="ready-line" {onclick} data-testid="inject-ready"
                aria-label={format!("Type a ready {label} line")}>{*label}</button>
        }
    });
    html! {
        <form class="inject" {onsubmit} data-testid="inject" aria-label="Inject a line into the open batch">
            <label for="inject-line">{"Inject a line "}</label>
            <input id="inject-line" class="inject-line" data-testid="inject-line" type="text" spellcheck="false"
                ref={input.clone()}
                autocomplete="off" placeholder="[error] something broke" />
            <span class="ready-lines">{ for ready }</span>
            <button type="submit" data-testid="inject-submit">{"Inject"}</button>
            <span class="stat" data-testid="inject-count">
                { match p.injected {
                    0 => "it enters the open batch at once".to_string(),
                    1 => "1 line injected".to_string(),
                    n => format!("{n} lines injected"),
                } }
            </span>
            if let Some(why) = &p.unavailable {
                <p class="hint" data-testid="inject-unavailable">{why}</p>
            }
        </form>
    }
}
