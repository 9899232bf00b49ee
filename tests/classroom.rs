#![cfg(not(target_arch = "wasm32"))]
//! In front of a class: the compare view (`?view=compare`) on a 1280x720 projector shows the three modes' output
//! (and a student job's) for one batch side by side with no scrollbar, in type of at least 20 px, with the records
//! that differ between modes marked, and no serious accessibility problem. Headless Chromium on the release page.
//! The other features of a class, one module each: `classroom/share.rs` (a shared scenario link reproduces the three
//! consoles byte for byte), `classroom/time_travel.rs` (batch k's consoles and views exactly as they were),
//! `classroom/predict.rs` (a prediction is marked), `classroom/mistakes.rs` (each classic mistake with Spark's words),
//! `classroom/trigger.rs` (a Structured Streaming job's "What the trigger did", trigger by trigger),
//! `classroom/output_modes.rs` (its "Output modes side by side": complete | update | append as Spark prints them).
//!
//! ```text
//! bash scripts/build-web.sh dist-web   # the release page (or E2E_DIST=/some/dist)
//! cargo test -p dstream-lab --test classroom -- --ignored --nocapture
//! ```
//!
//! `scripts/test.sh` runs it. Logs go to `target/classroom-logs/`.

#[path = "e2e/axe.rs"]
mod axe;
// Each test file uses some of the shared page helpers.
#[path = "classroom/mistakes.rs"]
mod mistakes;
#[path = "classroom/output_modes.rs"]
mod output_modes;
#[allow(dead_code)]
#[path = "e2e/page.rs"]
mod page;
#[path = "classroom/predict.rs"]
mod predict;
#[path = "classroom/share.rs"]
mod share;
#[allow(dead_code)]
#[path = "e2e/support.rs"]
mod support;

#[path = "classroom/time_travel.rs"]
mod time_travel;
#[path = "classroom/trigger.rs"]
mod trigger;
#[path = "classroom/windowed_compare.rs"]
mod windowed_compare;
use axe::{axe_source, run_axe};
use fantoccini::Client;
use page::{built_page, click, open, stateless_job_every_second, wait_js, PageSession};
use std::time::Duration;

/// The page's scroll extent against the viewport, and the smallest font size of any text in the compare view.
const MEASURE: &str = r#"
const e = document.scrollingElement;
let smallest = 1e9, where = '';
for (const el of document.querySelectorAll('[data-testid=compare] *')) {
  const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
  if (!text || el.getClientRects().length === 0) continue;
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (size < smallest) { smallest = size; where = el.tagName + '.' + el.className; }
}
return {
  scroll_height: e.scrollHeight, scroll_width: e.scrollWidth,
  inner_height: innerHeight, inner_width: innerWidth,
  smallest, where,
  columns: document.querySelectorAll('.compare-col').length,
  stateless: document.querySelector('[data-testid=compare-stateless] pre')?.textContent.trim(),
  job: document.querySelector('[data-testid=compare-job] pre')?.textContent.trim(),
  marked: document.querySelectorAll('[data-testid=compare-cumulative] .differs').length,
  // Each column's parts (heading, console, notes), to see what takes the height when the page scrolls.
  parts: [...document.querySelectorAll('.compare-col')]
    .map(c => [...c.children].map(e => e.tagName + ':' + Math.round(e.getBoundingClientRect().height)).join(' ')),
  heights: Object.fromEntries(['header.top', '.notices', '.compare-head', '.compare-input', '.compare-columns', 'footer']
    .map(s => [s, Math.round(document.querySelector(s)?.getBoundingClientRect().height ?? 0)])),
};
"#;

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    // A student job running the notebook's stateless cell on the page's 1 s batches: its column prints what
    // the stateless mode prints.
    open(
        c,
        origin,
        &format!(
            "source=sim&interval=1&window=5&slide=1&rate=8&view=compare&job={}",
            stateless_job_every_second()
        ),
        &[("dstream-lab/theme", "light")],
    )
    .await?;
    wait_js(
        c,
        "const h = document.querySelector('[data-testid=compare] h2'); \
         const m = h && h.textContent.match(/Batch (\\d+)/); return m !== null && Number(m[1]) >= 7;",
        Duration::from_secs(90),
        "the compare view at batch 7",
    )
    .await?;
    click(c, "pause").await?;
    projector_viewport(c).await?;
    let m = c
        .execute(MEASURE, vec![])
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("[classroom] {m}");
    let n = |k: &str| m[k].as_f64().unwrap_or(f64::NAN);
    let mut problems = Vec::new();
    if n("inner_width") != 1280.0 || n("inner_height") > 720.0 {
        problems.push(format!(
            "the viewport is {}x{}, not 1280x720",
            m["inner_width"], m["inner_height"]
        ));
    }
    if n("scroll_height") > n("inner_height") || n("scroll_width") > n("inner_width") {
        problems.push(format!(
            "the page scrolls: {}x{} in a {}x{} viewport",
            m["scroll_width"], m["scroll_height"], m["inner_width"], m["inner_height"]
        ));
    }
    if n("smallest") < 20.0 {
        problems.push(format!("text of {} px in {}", m["smallest"], m["where"]));
    }
    if n("columns") != 4.0 {
        problems.push(format!(
            "{} columns, not the three modes and the job",
            m["columns"]
        ));
    }
    if m["job"].as_str().is_none() || m["job"] != m["stateless"] {
        problems.push(format!(
            "the stateless job's column {} is not the stateless mode's {}",
            m["job"], m["stateless"]
        ));
    }
    if n("marked") < 1.0 {
        problems.push("no running total is marked as differing from the batch".to_string());
    }
    problems.extend(axe_clean(c, axe, "compare view").await);
    verdict(problems)
}

/// Sizes the browser's window so that its viewport is 1280x720, a projector's, whatever the browser's own frame
/// takes.
pub(crate) async fn projector_viewport(c: &Client) -> Result<(), String> {
    let frame = c
        .execute(
            "return [outerWidth - innerWidth, outerHeight - innerHeight];",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    let extra = |i: usize| frame[i].as_u64().unwrap_or(0) as u32;
    c.set_window_size(1280 + extra(0), 720 + extra(1))
        .await
        .map_err(|e| format!("resizing the window: {e}"))
}

/// axe-core's serious and critical findings on the page, as problems named `when` (each finding logged), or the
/// error that kept axe from running.
pub(crate) async fn axe_clean(c: &Client, axe: &str, when: &str) -> Vec<String> {
    match run_axe(c, axe).await {
        Ok(vs) => vs
            .into_iter()
            .inspect(|v| eprintln!("[axe] {when}: {} ({:?}): {}", v.id, v.impact, v.help))
            .filter(|v| v.blocks())
            .map(|v| format!("axe {when}: {} — {} at {:?}", v.id, v.help, v.nodes))
            .collect(),
        Err(e) => vec![e],
    }
}

/// A check's end: passed when it found no problem, else every problem, one per line.
pub(crate) fn verdict(problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Runs `check` (given the client, the page's origin and axe-core's source) on the release page in a browser of
/// its own, named `logs` (its logs under `target/<logs>`, and its profile: the tests of this binary run side by
/// side), with the browser's `flags`; panics with what `check` found.
pub(crate) async fn on_the_release_page<F>(logs: &str, flags: &[&str], check: F)
where
    F: AsyncFnOnce(&Client, &str, &str) -> Result<(), String>,
{
    let dist = built_page("dist-web", "bash scripts/build-web.sh dist-web");
    let axe = axe_source().unwrap_or_else(|e| panic!("{e}"));
    let session = PageSession::start(dist, logs, flags).await;
    let result = check(&session.client, &session.origin, &axe).await;
    session.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn the_compare_view_fits_a_1280x720_projector_in_large_type_with_the_differences_marked() {
    on_the_release_page(
        "classroom-logs",
        &["--window-size=1280,720", "--hide-scrollbars"],
        check,
    )
    .await;
}
