//! The header's source picker and status, the settings form and run controls, notices, and the theme toggle.

use super::platform::{storage_get, storage_set};
use crate::host::clock::now_local_ms;
use crate::model::page::{ControlsView, SourceView};
use crate::model::{
    Action, Draft, DraftField, Level, Notice, RelayLink, SourceChoice, SourceKind,
    BATCH_INTERVALS_S, MAX_SIM_RATE,
};
use crate::timefmt::seconds_literal;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn input_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

fn input_checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// Props of [`SourceBar`].
#[derive(Properties, PartialEq, Clone)]
pub struct SourceBarProps {
    /// Which source feeds the engine and how much it sent.
    pub source: SourceView,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// Which source feeds the engine, how the relay is doing, and the controls to switch.
#[function_component(SourceBar)]
pub fn source_bar(p: &SourceBarProps) -> Html {
    let url_ref = use_node_ref();
    // What the user is typing lives here, not in the props: the bar re-renders
    // many times a second (line counters), and a controlled input bound to the
    // props would put the old value back under the user's fingers.
    let url_draft = use_state(|| p.source.relay_url.clone());
    let rate_draft = use_state(|| p.source.sim_rate.to_string());
    {
        let url_draft = url_draft.clone();
        use_effect_with(p.source.relay_url.clone(), move |url| {
            url_draft.set(url.clone())
        });
    }
    {
        let rate_draft = rate_draft.clone();
        use_effect_with(p.source.sim_rate.to_string(), move |rate| {
            rate_draft.set(rate.clone())
        });
    }
    let on_url_input = {
        let url_draft = url_draft.clone();
        Callback::from(move |e: InputEvent| url_draft.set(input_value(&e)))
    };
    // WebDriver's clear() and some autofill only fire `change`: follow it too.
    let on_url_change = {
        let url_draft = url_draft.clone();
        Callback::from(move |e: Event| url_draft.set(input_value(&e)))
    };
    let on_rate_input = {
        let rate_draft = rate_draft.clone();
        Callback::from(move |e: InputEvent| rate_draft.set(input_value(&e)))
    };
    let d = p.dispatch.clone();
    let on_choice = Callback::from(move |e: Event| {
        if let Some(c) = SourceChoice::parse(&select_value(&e)) {
            d.emit(Action::SetSource(c));
        }
    });
    let d = p.dispatch.clone();
    let url_ref2 = url_ref.clone();
    let on_url = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        if let Some(i) = url_ref2.cast::<HtmlInputElement>() {
            d.emit(Action::SetRelayUrl(i.value()));
        }
    });
    let d = p.dispatch.clone();
    let rate_draft_on_change = rate_draft.clone();
    let on_rate = Callback::from(move |e: Event| {
        rate_draft_on_change.set(input_value(&e));
        if let Ok(r) = input_value(&e).trim().parse::<f64>() {
            d.emit(Action::SetSimRate(r));
        }
    });
    let d = p.dispatch.clone();
    let on_reconnect = Callback::from(move |_| d.emit(Action::Reconnect));
    let (source_attr, dot) = match p.source.feeding {
        Some(SourceKind::Relay) => ("relay", "dot-ok"),
        Some(SourceKind::Simulated) => ("sim", "dot-sim"),
        None => ("none", "dot-down"),
    };
    let link_attr = match p.source.link {
        RelayLink::Idle => "idle",
        RelayLink::Connecting { .. } => "connecting",
        RelayLink::Open => "open",
        RelayLink::Retrying { .. } => "retrying",
    };
    html! {
        <div class="source-bar">
            <p class="source-status" data-testid="source-status" data-source={source_attr} data-link={link_attr}
                role="status" aria-live="polite">
                <span class={classes!("dot", dot)} aria-hidden="true"></span>
                {&p.source.headline}
            </p>
            <div class="source-controls">
                <label>{"Source "}
                    <select onchange={on_choice} data-testid="source-choice">
                        { for SourceChoice::ALL.iter().map(|c| html! {
                            <option value={c.as_str()} selected={*c == p.source.choice}>{c.label()}</option>
                        }) }
                    </select>
                </label>
                <form class="inline" onsubmit={on_url}>
                    <label>{"Relay URL "}
                        <input ref={url_ref} type="url" value={(*url_draft).clone()} oninput={on_url_input} onchange={on_url_change} size="24"
                            data-testid="relay-url" spellcheck="false" />
                    </label>
                    <button type="submit">{"Connect"}</button>
                </form>
                if matches!(p.source.link, RelayLink::Retrying { .. }) {
                    <button onclick={on_reconnect}>{"Retry now"}</button>
                }
                <label>{"Built-in rate "}
                    <input type="number" min="0" max={MAX_SIM_RATE.to_string()} step="any" value={(*rate_draft).clone()}
                        oninput={on_rate_input} onchange={on_rate} class="num" data-testid="sim-rate" />
                    {" lines/s"}
                </label>
                <span class="counts">{format!("relay {} · built-in {} lines", p.source.relay_lines, p.source.sim_lines)}</span>
            </div>
        </div>
    }
}

/// Props of [`Controls`].
#[derive(Properties, PartialEq, Clone)]
pub struct ControlsProps {
    /// The settings form and the run counters.
    pub controls: ControlsView,
    /// The titles of the mode panels holding an edited program (Apply leaves their numbers alone).
    #[prop_or_default]
    pub edited: Vec<&'static str>,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// The settings form and the run controls.
#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let edit = |f: fn(Event) -> Option<DraftField>| {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(field) = f(e) {
                d.emit(Action::Edit(field));
            }
        })
    };
    let on_interval = edit(|e| select_value(&e).parse().ok().map(DraftField::Interval));
    let on_partitions = edit(|e| select_value(&e).parse().ok().map(DraftField::Parallelism));
    let on_inverse = edit(|e| Some(DraftField::Inverse(input_checked(&e))));
    let on_filter = edit(|e| Some(DraftField::FilterZero(input_checked(&e))));
    let d = p.dispatch.clone();
    let on_window = Callback::from(move |e: InputEvent| {
        d.emit(Action::Edit(DraftField::Window(input_value(&e))))
    });
    let d = p.dispatch.clone();
    let on_slide = Callback::from(move |e: InputEvent| {
        d.emit(Action::Edit(DraftField::Slide(input_value(&e))))
    });
    let d = p.dispatch.clone();
    let on_apply = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        d.emit(Action::Apply {
            now_ms: now_local_ms(),
        });
    });
    let paused = p.controls.paused;
    let d = p.dispatch.clone();
    let on_reset = Callback::from(move |_| {
        d.emit(Action::Reset {
            now_ms: now_local_ms(),
        })
    });
    let d = p.dispatch.clone();
    // The reducer's effects delete the stored checkpoint.
    let on_clear = Callback::from(move |_| {
        d.emit(Action::CheckpointCleared {
            now_ms: now_local_ms(),
        })
    });
    let dirty = p.controls.draft != Draft::from_config(&p.controls.running);
    // The offered intervals, plus the running one when it came from the URL or a checkpoint and is not offered.
    let mut intervals: Vec<i64> = BATCH_INTERVALS_S.iter().map(|s| s * 1000).collect();
    let running = p.controls.draft.interval_ms;
    if !intervals.contains(&running) {
        intervals.insert(intervals.partition_point(|&i| i < running), running);
    }
    html! {
        <section class="controls" aria-label="Settings and run controls">
            <form class="settings" onsubmit={on_apply} data-testid="settings">
                <label>{"Batch interval "}
                    <select onchange={on_interval} data-testid="interval">
                        { for intervals.iter().map(|ms| html! {
                            <option value={ms.to_string()} selected={*ms == p.controls.draft.interval_ms}>
                                {format!("{} s", seconds_literal(*ms))}
                            </option>
                        }) }
                    </select>
                </label>
                <label>{"Window "}
                    <input class="num" inputmode="decimal" value={p.controls.draft.window.clone()} oninput={on_window}
                        data-testid="window" aria-invalid={p.controls.draft_error.is_some().to_string()} />{" s"}
                </label>
                <label>{"Slide "}
                    <input class="num" inputmode="decimal" value={p.controls.draft.slide.clone()} oninput={on_slide}
                        data-testid="slide" aria-invalid={p.controls.draft_error.is_some().to_string()} />{" s"}
                </label>
                <label class="check"><input type="checkbox" checked={p.controls.draft.inverse} onchange={on_inverse}
                    data-testid="inverse" />{" inverse function"}</label>
                <label class="check"><input type="checkbox" checked={p.controls.draft.filter_zero} onchange={on_filter}
                    data-testid="filter-zero" />{" filter zero keys"}</label>
                <label>{"Partitions "}
                    <select onchange={on_partitions} data-testid="partitions">
                        { for (1..=8usize).map(|n| html! {
                            <option value={n.to_string()} selected={n == p.controls.draft.parallelism}>{n}</option>
                        }) }
                    </select>
                </label>
                <button type="submit" class="primary" disabled={p.controls.draft_error.is_some() || !dirty}
                    data-testid="apply">{"Apply (restart the context)"}</button>
            </form>
            if let Some(err) = &p.controls.draft_error {
                <p class="config-error" role="alert" data-testid="config-error">
                    <strong>{"Spark would refuse this: "}</strong>{err}
                    <span class="hint">{" The running pipelines are unchanged."}</span>
                </p>
            }
            if !p.edited.is_empty() {
                <p class="hint" data-testid="settings-edited">
                    {format!(
                        "{} {} your edited program: Apply rewrites the numbers of the notebook's programs only; \
                         an edited program keeps its own and restarts as it is (refused if its batch interval is no \
                         longer the page's). Reset to the notebook in a panel to take the settings.",
                        p.edited.join(", "),
                        if p.edited.len() == 1 { "holds" } else { "hold" }
                    )}
                </p>
            }
            <div class="run">
                <PauseStep {paused} dispatch={p.dispatch.clone()} />
                <button onclick={on_reset} data-testid="reset">{"Reset"}</button>
                <button onclick={on_clear} data-testid="clear-checkpoint">{"Clear checkpoint"}</button>
                <span class="stat" data-testid="run-status">
                    { format!("{} batches · next at {}{} · {} lines in the open batch · last batch {} lines · {} lines total",
                        p.controls.batches, p.controls.next_batch, if paused { " (paused)" } else { "" }, p.controls.pending, p.controls.last_batch_lines, p.controls.lines_in) }
                    if p.controls.behind > 0 {
                        <strong>{format!(" · catching up: {} batches behind", p.controls.behind)}</strong>
                    }
                </span>
            </div>
            if !p.controls.losses.is_empty() {
                <ul class="losses" data-testid="losses" aria-label="Lines lost or set aside">
                    { for p.controls.losses.iter().map(|l| html! { <li>{l}</li> }) }
                </ul>
            }
        </section>
    }
}

/// Props of [`Notices`].
#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// Notices to show.
    pub notices: Vec<Notice>,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// Messages about restores, restarts and failures.
#[function_component(Notices)]
pub fn notices(p: &NoticesProps) -> Html {
    html! {
        <div class="notices" aria-live="polite" data-testid="notices">
            { for p.notices.iter().map(|n| {
                let d = p.dispatch.clone();
                let id = n.id;
                let class = match n.level { Level::Info => "info", Level::Warn => "warn", Level::Error => "error" };
                html! {
                    <div class={classes!("notice", class)} role={if n.level == Level::Error { "alert" } else { "status" }}>
                        <span>{&n.text}</span>
                        <button class="dismiss" aria-label="Dismiss" onclick={Callback::from(move |_| d.emit(Action::Dismiss(id)))}>{"×"}</button>
                    </div>
                }
            }) }
        </div>
    }
}

/// Where the theme the student chose is kept (localStorage).
pub const THEME_KEY: &str = "dstream-lab/theme";

/// Light / dark / system theme switch, remembered in localStorage.
#[function_component(ThemeToggle)]
pub fn theme_toggle() -> Html {
    let theme = use_state(|| storage_get(THEME_KEY).unwrap_or_else(|| "auto".to_string()));
    use_effect_with((*theme).clone(), |t| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", t);
        }
    });
    let t = theme.clone();
    let onchange = Callback::from(move |e: Event| {
        let chosen = select_value(&e);
        // Saved when chosen, not at every load: a storage write holds the main thread while the page starts.
        // Losing the preference only means the next visit follows the system theme.
        let _ = storage_set(THEME_KEY, &chosen);
        t.set(chosen);
    });
    html! {
        <label class="theme">{"Theme "}
            <select {onchange} data-testid="theme">
                { for [("auto", "System"), ("dark", "Dark"), ("light", "Light")].iter().map(|(v, l)| html! {
                    <option value={*v} selected={*theme == *v}>{*l}</option>
                }) }
            </select>
        </label>
    }
}

/// Props of [`PauseStep`].
#[derive(Properties, PartialEq)]
pub struct PauseStepProps {
    /// Whether the batch clock is stopped.
    pub paused: bool,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// Pause / Resume the batch clock, and, while paused, run one batch now.
#[function_component(PauseStep)]
pub fn pause_step(p: &PauseStepProps) -> Html {
    let d = p.dispatch.clone();
    let paused = p.paused;
    let on_pause = Callback::from(move |_| {
        d.emit(if paused {
            Action::Resume
        } else {
            Action::Pause
        })
    });
    let d = p.dispatch.clone();
    let on_step = Callback::from(move |_| d.emit(Action::Step));
    html! {
        <>
            <button onclick={on_pause} data-testid="pause" aria-pressed={paused.to_string()}>
                { if paused { "Resume" } else { "Pause" } }
            </button>
            <button onclick={on_step} disabled={!paused} data-testid="step">{"Step one batch"}</button>
        </>
    }
}
