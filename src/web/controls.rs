//! The header's source picker and status, the settings form and run controls, notices, and the theme toggle.

use super::platform::{now_local_ms, storage_get, storage_set};
use crate::engine::NotebookConfig;
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
    /// The sentence saying which source feeds the engine.
    pub headline: String,
    /// The feeding source.
    pub feeding: Option<SourceKind>,
    /// The relay link.
    pub link: RelayLink,
    /// The user's choice.
    pub choice: SourceChoice,
    /// The relay URL.
    pub relay_url: String,
    /// The built-in source's rate.
    pub sim_rate: f64,
    /// Lines received from the relay.
    pub relay_lines: u64,
    /// Lines produced by the built-in source.
    pub sim_lines: u64,
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
    let url_draft = use_state(|| p.relay_url.clone());
    let rate_draft = use_state(|| p.sim_rate.to_string());
    {
        let url_draft = url_draft.clone();
        use_effect_with(p.relay_url.clone(), move |url| url_draft.set(url.clone()));
    }
    {
        let rate_draft = rate_draft.clone();
        use_effect_with(p.sim_rate.to_string(), move |rate| {
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
    let (source_attr, dot) = match p.feeding {
        Some(SourceKind::Relay) => ("relay", "dot-ok"),
        Some(SourceKind::Simulated) => ("sim", "dot-sim"),
        None => ("none", "dot-down"),
    };
    let link_attr = match p.link {
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
                {&p.headline}
            </p>
            <div class="source-controls">
                <label>{"Source "}
                    <select onchange={on_choice} data-testid="source-choice">
                        { for SourceChoice::ALL.iter().map(|c| html! {
                            <option value={c.as_str()} selected={*c == p.choice}>{c.label()}</option>
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
                if matches!(p.link, RelayLink::Retrying { .. }) {
                    <button onclick={on_reconnect}>{"Retry now"}</button>
                }
                <label>{"Built-in rate "}
                    <input type="number" min="0" max={MAX_SIM_RATE.to_string()} step="any" value={(*rate_draft).clone()}
                        oninput={on_rate_input} onchange={on_rate} class="num" data-testid="sim-rate" />
                    {" lines/s"}
                </label>
                <span class="counts">{format!("relay {} · built-in {} lines", p.relay_lines, p.sim_lines)}</span>
            </div>
        </div>
    }
}

/// Props of [`Controls`].
#[derive(Properties, PartialEq, Clone)]
pub struct ControlsProps {
    /// The settings form.
    pub draft: Draft,
    /// Why the form cannot be applied.
    pub draft_error: Option<String>,
    /// The running settings.
    pub running: NotebookConfig,
    /// Whether the batch clock is stopped.
    pub paused: bool,
    /// Batches run.
    pub batches: u64,
    /// Lines in the open batch.
    pub pending: usize,
    /// Lines in the last batch.
    pub last_batch_lines: usize,
    /// Lines put into the engine.
    pub lines_in: u64,
    /// `HH:MM:SS` of the next batch.
    pub next_batch: String,
    /// Batches behind the wall clock.
    pub behind: u64,
    /// What was lost, in words.
    pub losses: Vec<String>,
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
    let paused = p.paused;
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
    let dirty = p.draft != Draft::from_config(&p.running);
    // The offered intervals, plus the running one when it came from the URL or a checkpoint and is not offered.
    let mut intervals: Vec<i64> = BATCH_INTERVALS_S.iter().map(|s| s * 1000).collect();
    if !intervals.contains(&p.draft.interval_ms) {
        intervals.push(p.draft.interval_ms);
        intervals.sort_unstable();
    }
    html! {
        <section class="controls" aria-label="Settings and run controls">
            <form class="settings" onsubmit={on_apply} data-testid="settings">
                <label>{"Batch interval "}
                    <select onchange={on_interval} data-testid="interval">
                        { for intervals.iter().map(|ms| html! {
                            <option value={ms.to_string()} selected={*ms == p.draft.interval_ms}>
                                {format!("{} s", seconds_literal(*ms))}
                            </option>
                        }) }
                    </select>
                </label>
                <label>{"Window "}
                    <input class="num" inputmode="decimal" value={p.draft.window.clone()} oninput={on_window}
                        data-testid="window" aria-invalid={p.draft_error.is_some().to_string()} />{" s"}
                </label>
                <label>{"Slide "}
                    <input class="num" inputmode="decimal" value={p.draft.slide.clone()} oninput={on_slide}
                        data-testid="slide" aria-invalid={p.draft_error.is_some().to_string()} />{" s"}
                </label>
                <label class="check"><input type="checkbox" checked={p.draft.inverse} onchange={on_inverse}
                    data-testid="inverse" />{" inverse function"}</label>
                <label class="check"><input type="checkbox" checked={p.draft.filter_zero} onchange={on_filter}
                    data-testid="filter-zero" />{" filter zero keys"}</label>
                <label>{"Partitions "}
                    <select onchange={on_partitions} data-testid="partitions">
                        { for (1..=8usize).map(|n| html! {
                            <option value={n.to_string()} selected={n == p.draft.parallelism}>{n}</option>
                        }) }
                    </select>
                </label>
                <button type="submit" class="primary" disabled={p.draft_error.is_some() || !dirty}
                    data-testid="apply">{"Apply (restart the context)"}</button>
            </form>
            if let Some(err) = &p.draft_error {
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
                        p.batches, p.next_batch, if paused { " (paused)" } else { "" }, p.pending, p.last_batch_lines, p.lines_in) }
                    if p.behind > 0 {
                        <strong>{format!(" · catching up: {} batches behind", p.behind)}</strong>
                    }
                </span>
            </div>
            if !p.losses.is_empty() {
                <ul class="losses" data-testid="losses" aria-label="Lines lost or set aside">
                    { for p.losses.iter().map(|l| html! { <li>{l}</li> }) }
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

const THEME_KEY: &str = "dstream-lab/theme";

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
        // Losing the preference only means the next visit follows the system theme.
        let _ = storage_set(THEME_KEY, t);
    });
    let t = theme.clone();
    let onchange = Callback::from(move |e: Event| t.set(select_value(&e)));
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
