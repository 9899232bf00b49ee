//! "What the trigger did" on the release page: a student job running the menu's windowed Structured Streaming
//! count (update mode, on 1 s triggers with a 4 s window sliding every 2 s and a 2 s watermark) shows, trigger by
//! trigger, the state store before and after with the rows the trigger added, updated and evicted, the windows the
//! watermark closed, no late row (the page's lines arrive in order), and update mode's sentence; the store after
//! trigger k is the store before trigger k+1; time travel shows trigger k again; and the view passes axe-core.

use super::page::{click, open_windowed_job_on_1s_triggers, wait_js};
use fantoccini::Client;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The trigger view as the page shows it, read in one script so that it belongs to one render.
const READ: &str = r#"
const v = document.querySelector('[data-testid=job-trigger]');
if (v === null) return null;
const rows = t => [...v.querySelectorAll(`[data-testid=${t}] tbody tr[data-change]`)]
  .map(r => [r.dataset.change, [...r.cells].map(c => c.textContent).join(' | ')]);
return {
  batch: Number(v.dataset.batch),
  before: rows('trigger-state-before'),
  after: rows('trigger-state-after'),
  sink: rows('trigger-sink'),
  closed: v.querySelectorAll('.axis-window[data-closed=true]').length,
  windows: v.querySelectorAll('.axis-window').length,
  dropped: v.querySelector('[data-testid=trigger-dropped]')?.dataset.dropped,
  mode: v.querySelector('[data-testid=trigger-mode]')?.textContent,
  text: v.textContent,
};
"#;

/// One reading of [`READ`].
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Trigger {
    batch: u64,
    before: Vec<(String, String)>,
    after: Vec<(String, String)>,
    sink: Vec<(String, String)>,
    closed: usize,
    windows: usize,
    dropped: Option<String>,
    mode: Option<String>,
    text: String,
}

async fn read(c: &Client) -> Result<Option<Trigger>, String> {
    let v = c.execute(READ, vec![]).await.map_err(|e| e.to_string())?;
    serde_json::from_value(v).map_err(|e| format!("reading the trigger view: {e}"))
}

fn cells(rows: &[(String, String)]) -> Vec<&str> {
    rows.iter().map(|(_, c)| c.as_str()).collect()
}

fn marked<'a>(rows: &'a [(String, String)], change: &str) -> Vec<&'a str> {
    rows.iter()
        .filter(|(c, _)| c == change)
        .map(|(_, c)| c.as_str())
        .collect()
}

/// Fails unless `t` is a consistent update-mode trigger: changed rows printed, no late row.
fn consistent(t: &Trigger) -> Result<(), String> {
    let what = format!("trigger {}", t.batch);
    if !t
        .mode
        .as_deref()
        .unwrap_or_default()
        .starts_with("Update mode prints only the rows")
    {
        return Err(format!("{what}: the mode's sentence is {:?}", t.mode));
    }
    if t.dropped.as_deref() != Some("0") {
        return Err(format!("{what}: {:?} late rows dropped", t.dropped));
    }
    let sink = cells(&t.sink);
    for row in marked(&t.after, "added")
        .into_iter()
        .chain(marked(&t.after, "updated"))
    {
        if !sink.contains(&row) {
            return Err(format!("{what}: {row} changed but the sink did not get it"));
        }
    }
    Ok(())
}

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    open_windowed_job_on_1s_triggers(c, origin).await?;
    // Record the view trigger by trigger until windows were evicted and 8 triggers were seen.
    let mut recorded: BTreeMap<u64, Trigger> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    while recorded.len() < 8
        || !recorded
            .values()
            .any(|t| !marked(&t.before, "evicted").is_empty())
    {
        if Instant::now() > deadline {
            return Err(format!(
                "timed out recording triggers: {:?}",
                recorded.keys()
            ));
        }
        if let Some(t) = read(c).await? {
            recorded.insert(t.batch, t);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(c, "pause").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut problems = Vec::new();
    for t in recorded.values() {
        if let Err(e) = consistent(t) {
            problems.push(e);
        }
    }
    for (k, t) in &recorded {
        if let Some(next) = recorded.get(&(k + 1)) {
            if cells(&t.after) != cells(&next.before) {
                problems.push(format!(
                    "the store after trigger {k} is not the store before trigger {}",
                    k + 1
                ));
            }
        }
    }
    if !recorded
        .values()
        .any(|t| t.closed > 0 && t.windows > t.closed)
    {
        problems.push("no trigger shows windows both closed and open on the axis".to_string());
    }
    // Time travel: one batch back shows the trigger before, as the page showed it.
    let last = read(c).await?.ok_or("no trigger view after pausing")?;
    click(c, "travel-back").await?;
    let back = last.batch - 1;
    wait_js(
        c,
        &format!("return document.querySelector('[data-testid=job-trigger]')?.dataset.batch === '{back}';"),
        Duration::from_secs(10),
        "the trigger view one batch back",
    )
    .await?;
    let then = read(c).await?.ok_or("no trigger view one batch back")?;
    if let Some(t) = recorded.get(&back) {
        if *t != then {
            problems.push(format!(
                "trigger {back} travelled to shows\n{then:?}\ninstead of\n{t:?}"
            ));
        }
    }
    problems.extend(crate::axe_clean(c, axe, "trigger view").await);
    crate::verdict(problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn the_trigger_view_shows_the_store_the_watermark_and_the_evicted_windows_trigger_by_trigger()
{
    crate::on_the_release_page("classroom-trigger-logs", &["--window-size=1280,900"], check).await;
}
