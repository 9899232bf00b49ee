//! One mode's panel: chart, `pprint()` console and the notebook's code for it.

use super::chart::Chart;
use crate::chart::ChartPoint;
use crate::engine::{Mode, NotebookConfig};
use crate::timefmt::seconds_literal;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ModePanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct ModePanelProps {
    /// Which mode.
    pub mode: Mode,
    /// The chart's points.
    pub points: Rc<Vec<ChartPoint>>,
    /// The console text (the last blocks, exactly as pprint printed them).
    pub console: Rc<str>,
    /// Blocks that scrolled out of the console.
    pub console_dropped: u64,
    /// The earlier batch time travel shows (chart, console and views as of it); `None` when live.
    #[prop_or_default]
    pub as_of: Option<u64>,
    /// The notebook's code for this mode.
    pub code: Rc<str>,
    /// The running settings.
    pub config: NotebookConfig,
    /// What the teaching views add under the chart (lineage, update calls, window timeline).
    #[prop_or_default]
    pub extra: Html,
}

/// The panel's title and the one-line explanation of the mode.
pub fn describe(mode: Mode, c: &NotebookConfig) -> (&'static str, &'static str, String) {
    match mode {
        Mode::Stateless => (
            "Stateless",
            "reduceByKey",
            "Counts in this batch only: every batch starts from zero.".to_string(),
        ),
        Mode::Cumulative => (
            "Running totals",
            "updateStateByKey",
            "Totals since the start, carried from batch to batch in the checkpointed state."
                .to_string(),
        ),
        Mode::Window => (
            "Window",
            "reduceByKeyAndWindow",
            format!(
                "Counts over the last {} s, emitted every {} s{}.",
                seconds_literal(c.window_ms),
                seconds_literal(c.slide_ms),
                if c.inverse {
                    ", updated by adding the new batches and subtracting the ones that left (when the window is ≥ 5 slides)"
                } else {
                    ", recomputed from the whole window each time"
                }
            ),
        ),
    }
}

/// One mode's panel.
#[function_component(ModePanel)]
pub fn mode_panel(p: &ModePanelProps) -> Html {
    let console_ref = use_node_ref();
    {
        // Follow the newest block, as a terminal does.
        let console_ref = console_ref.clone();
        use_effect_with(p.console.clone(), move |_| {
            if let Some(el) = console_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let (title, op, explain) = describe(p.mode, &p.config);
    let id = format!("title-{}", p.mode.as_str());
    html! {
        <section class={classes!("panel", format!("panel-{}", p.mode.as_str()))}
            data-testid={format!("mode-{}", p.mode.as_str())} aria-labelledby={id.clone()}>
            <header class="panel-head">
                <h2 id={id}>{title}<code class="op">{op}</code></h2>
                <p class="explain">{explain}</p>
            </header>
            <div class="panel-body">
                <Chart points={p.points.clone()} title={AttrValue::from(title)} cursor={p.as_of.is_some()} />
                <div class="console-box">
                    <h3>{"Console — "}<code>{"pprint()"}</code>
                        if let Some(k) = p.as_of {
                            <span class="as-of">{format!(" as of batch {k}")}</span>
                        }
                    </h3>
                    // A region: the scrollable, focusable console needs a role that takes its name (axe-core).
                    <pre class="console" data-testid="pprint" tabindex="0" role="region" ref={console_ref}
                        aria-label={format!("{title} console")}>{&*p.console}</pre>
                    if p.console_dropped > 0 {
                        <p class="dropped">{format!("{} older batches scrolled out of this console.", p.console_dropped)}</p>
                    }
                </div>
            </div>
            { p.extra.clone() }
            <details class="code" open=true>
                <summary>{"The notebook's PySpark code, with these settings"}</summary>
                <pre><code>{&*p.code}</code></pre>
            </details>
        </section>
    }
}
