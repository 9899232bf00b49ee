//! Time travel on the release page: going back to batch k shows every console and teaching view exactly as the
//! page showed it right after batch k ran (recorded while the batches ran), with a cursor on each chart; the view
//! stays on k while the stream runs on, and "Jump to now" brings back the live text. The travel controls pass
//! axe-core.

use super::page::{click, open, stateless_job_every_second, wait_js};
use fantoccini::{key::Key, Client, Locator};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What the page shows: the travel status's batch viewed and last batch run, every console (the three modes',
/// then the student job's) and the teaching views' text, and the charts' travel cursors, read in one script so
/// they belong to the same render.
const READ: &str = r#"
const s = document.querySelector('[data-testid=travel-status]').textContent;
const live = s.match(/^Live: batch (\d+)/);
const past = s.match(/^Viewing batch (\d+) of (\d+)/);
return {
  status: s,
  viewed: live ? Number(live[1]) : past ? Number(past[1]) : null,
  last: live ? Number(live[1]) : past ? Number(past[2]) : null,
  past: past !== null,
  consoles: [...document.querySelectorAll('[data-testid=pprint], [data-testid=job-console]')].map(e => e.textContent),
  views: [...document.querySelectorAll(['window-timeline', 'state-calls', 'lineage-stateless', 'lineage-cumulative',
    'lineage-window', 'batch-metrics'].map(t => `[data-testid=${t}]`).join(', '))].map(e => e.textContent),
  cursors: document.querySelectorAll('[data-testid=chart-cursor]').length,
};
"#;

/// The consoles' names, in the order [`READ`] reads them.
const CONSOLES: [&str; 4] = ["stateless", "cumulative", "window", "student job"];

/// One reading of [`READ`].
#[derive(Debug, serde::Deserialize)]
struct Shown {
    status: String,
    viewed: Option<u64>,
    last: Option<u64>,
    past: bool,
    consoles: Vec<String>,
    views: Vec<String>,
    cursors: usize,
}

/// What the page showed of one batch: its consoles, then its teaching views.
type Recorded = (Vec<String>, Vec<String>);

/// The teaching views [`READ`] reads.
const VIEWS: usize = 6;

async fn read(c: &Client) -> Result<Shown, String> {
    let v = c.execute(READ, vec![]).await.map_err(|e| e.to_string())?;
    serde_json::from_value(v).map_err(|e| format!("reading the page: {e}"))
}

/// Waits until the page shows batch `viewed` (in the past or live, as `past` says) and returns what it shows.
async fn wait_for(c: &Client, viewed: u64, past: bool, what: &str) -> Result<Shown, String> {
    wait_until(c, what, |s| s.viewed == Some(viewed) && s.past == past).await
}

/// What the page shows once `done` holds (the page renders what its worker sends a moment after a click).
async fn wait_until(
    c: &Client,
    what: &str,
    done: impl Fn(&Shown) -> bool,
) -> Result<Shown, String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = read(c).await?;
        if done(&s) {
            return Ok(s);
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: the page says {:?}", s.status));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Fails, naming the console or view, unless `now` shows exactly `then`, with a cursor on each of the three charts
/// when it shows the past.
fn same(now: &Shown, (then, views): &Recorded, what: &str) -> Result<(), String> {
    if now.views != *views {
        return Err(format!(
            "{what}: the teaching views show\n{:?}\ninstead of\n{views:?}",
            now.views
        ));
    }
    if now.cursors != if now.past { 3 } else { 0 } {
        return Err(format!("{what}: {} chart cursors", now.cursors));
    }
    if now.consoles.len() != CONSOLES.len() {
        return Err(format!(
            "{what}: {} consoles, not {}",
            now.consoles.len(),
            CONSOLES.len()
        ));
    }
    for ((name, a), b) in CONSOLES.iter().zip(&now.consoles).zip(then) {
        if a != b {
            return Err(format!(
                "{what}: the {name} console shows\n{a}\ninstead of\n{b}"
            ));
        }
    }
    Ok(())
}

/// Opens the page on 1 s batches (a 4 s window sliding every 2 s, so the window console prints every other
/// batch) with a student job running the notebook's stateless cell on them, and records every console after each
/// batch until at least 8 batches up to batch 10 are recorded; then pauses. Returns the recording and the batch
/// paused at (recorded too).
async fn record_then_pause(
    c: &Client,
    origin: &str,
) -> Result<(BTreeMap<u64, Recorded>, u64), String> {
    open(
        c,
        origin,
        &format!(
            "source=sim&interval=1&window=4&slide=2&rate=8&job={}",
            stateless_job_every_second()
        ),
        &[("dstream-lab/theme", "light")],
    )
    .await?;
    let mut recorded = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    while recorded.len() < 8 || recorded.keys().next_back() < Some(&10) {
        if Instant::now() > deadline {
            return Err(format!(
                "timed out recording batches: {:?}",
                recorded.keys()
            ));
        }
        let s = read(c).await?;
        if let (Some(k), false) = (s.viewed, s.past) {
            if s.consoles.len() == CONSOLES.len()
                && !s.consoles[3].is_empty()
                && s.views.len() == VIEWS
            {
                recorded.insert(k, (s.consoles, s.views));
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(c, "pause").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paused = read(c).await?;
    let n = paused.last.ok_or("no batch after pausing")?;
    recorded.insert(n, (paused.consoles, paused.views));
    eprintln!(
        "[time travel] recorded batches {:?}, paused at {n}",
        recorded.keys()
    );
    Ok((recorded, n))
}

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    let (recorded, n) = record_then_pause(c, origin).await?;
    let then = |k: u64| {
        recorded
            .get(&k)
            .ok_or(format!("batch {k} was not recorded"))
    };

    // Back to a batch k recorded with its neighbours (three back when the recording kept up; on a loaded
    // machine the pause may land a few batches after the last one recorded): every console shows exactly what
    // it showed right after that batch ran.
    let k = (2..n.saturating_sub(1))
        .rev()
        .find(|k| (k - 1..=k + 1).all(|b| recorded.contains_key(&b)))
        .ok_or(format!(
            "no three batches in a row recorded before batch {n}: {:?}",
            recorded.keys()
        ))?;
    for _ in k..n {
        click(c, "travel-back").await?;
    }
    let at_k = wait_for(c, k, true, "back to a recorded batch").await?;
    if !at_k.status.contains(&format!("of {n}")) {
        return Err(format!("the status says {:?}", at_k.status));
    }
    same(&at_k, then(k)?, &format!("batch {k}"))?;
    if at_k.consoles == then(n)?.0 {
        return Err(format!("batch {k} shows the consoles of batch {n}"));
    }
    // The slider takes the arrow keys; Forward steps on.
    c.find(Locator::Css("[data-testid=travel-slider]"))
        .await
        .map_err(|e| e.to_string())?
        .send_keys(&Key::Left.to_string())
        .await
        .map_err(|e| format!("an arrow key on the slider: {e}"))?;
    let earlier = wait_for(c, k - 1, true, "ArrowLeft on the slider").await?;
    same(&earlier, then(k - 1)?, &format!("batch {}", k - 1))?;
    click(c, "travel-forward").await?;
    click(c, "travel-forward").await?;
    let later = wait_for(c, k + 1, true, "Forward twice").await?;
    same(&later, then(k + 1)?, &format!("batch {}", k + 1))?;
    let problems = crate::axe_clean(c, axe, "time travel").await;

    // "Jump to now" while paused: exactly the live text again.
    click(c, "travel-now").await?;
    let now = wait_for(c, n, false, "Jump to now").await?;
    same(&now, then(n)?, "after Jump to now")?;

    // Back again, and the stream runs on: the page keeps showing that batch.
    click(c, "travel-back").await?;
    click(c, "travel-back").await?;
    click(c, "pause").await?; // Resume
    wait_js(
        c,
        &format!(
            "const m = document.querySelector('[data-testid=travel-status]').textContent\
               .match(/^Viewing batch (\\d+) of (\\d+)/); \
             return m !== null && Number(m[1]) === {} && Number(m[2]) >= {};",
            n - 2,
            n + 2
        ),
        Duration::from_secs(20),
        "two more batches run while the page shows the past",
    )
    .await?;
    same(
        &read(c).await?,
        then(n - 2)?,
        "the past while the stream runs",
    )?;
    click(c, "travel-now").await?;
    let live = wait_until(c, "Jump to now while the stream runs", |s| {
        !s.past && s.last >= Some(n + 2)
    })
    .await?;
    // Fewer than 120 batches ran: the live stateless console is batch n's with the batches run since.
    let stateless = &then(n)?.0[0];
    if !live.consoles[0].starts_with(stateless.as_str()) || live.consoles[0] == *stateless {
        return Err("after Jump to now the stateless console is not the live one".to_string());
    }
    crate::verdict(problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn time_travel_shows_batch_ks_consoles_exactly_as_they_were() {
    crate::on_the_release_page("classroom-travel-logs", &["--window-size=1280,900"], check).await;
}
