//! "Windowed counts: DStream vs Structured Streaming" on the release page: in the compare view (the notebook's
//! 10 s batches, stepped by hand while paused), "Compare with Structured Streaming" runs the menu's windowed
//! Structured Streaming count as a job; the row waits for its first trigger, then shows the window mode's block
//! beside the console output of the trigger that read the same lines, and explains the differences with that
//! batch's times, windows and counts in 20 px type; folded, the view fits a 1280x720 projector; its controls are
//! reachable from the keyboard with visible focus, and the view passes axe-core.

use super::page::{click, open, wait_js};
use fantoccini::Client;
use std::time::Duration;

/// The row as the page shows it, read in one script so that it belongs to one render.
const READ: &str = r#"
const r = document.querySelector('[data-testid=windowed-compare]');
if (r === null) return null;
return {
  batch: document.querySelector('[data-testid=compare] h2')?.textContent ?? '',
  dstream: r.querySelector('[data-testid=vs-dstream] pre')?.textContent ?? null,
  structured: r.querySelector('[data-testid=vs-structured] pre')?.textContent ?? null,
  trigger: r.querySelector('[data-testid=vs-structured] h3')?.dataset.trigger ?? null,
  waiting: r.querySelector('[data-testid=vs-waiting]')?.textContent ?? null,
  notes: Object.fromEntries([...r.querySelectorAll('[data-testid=vs-notes] li')].map(l => [l.dataset.topic, l.textContent])),
  jobs: document.querySelectorAll('[data-testid=compare-job]').length,
};
"#;

/// One reading of [`READ`].
#[derive(Debug, Clone, serde::Deserialize)]
struct Row {
    batch: String,
    dstream: Option<String>,
    structured: Option<String>,
    trigger: Option<String>,
    waiting: Option<String>,
    notes: std::collections::BTreeMap<String, String>,
    jobs: usize,
}

async fn read(c: &Client) -> Result<Option<Row>, String> {
    let v = c.execute(READ, vec![]).await.map_err(|e| e.to_string())?;
    serde_json::from_value(v).map_err(|e| format!("reading the row: {e}"))
}

/// Lets the built-in source put lines into the open batch, then closes it.
async fn step(c: &Client, batch: u32) -> Result<(), String> {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    click(c, "step").await?;
    wait_js(
        c,
        &format!(
            "return /^Batch {batch} /.test(document.querySelector('[data-testid=compare] h2')?.textContent ?? '');"
        ),
        Duration::from_secs(30),
        &format!("batch {batch} in the compare view"),
    )
    .await
}

/// The records of a `pprint` block, sorted: `("error", 2)`.
fn block_records(block: &str) -> Vec<(String, i64)> {
    let mut records: Vec<(String, i64)> = block
        .lines()
        .filter_map(|l| l.strip_prefix("('")?.strip_suffix(')'))
        .filter_map(|r| {
            let (key, count) = r.split_once("', ")?;
            Some((key.to_string(), count.parse().ok()?))
        })
        .collect();
    records.sort();
    records
}

/// The (type, count) rows the console sink printed for the window `{start, end}`, sorted.
fn window_rows(table: &str, start: &str, end: &str) -> Vec<(String, i64)> {
    let window = format!("|{{{start}, {end}}}|");
    let mut rows: Vec<(String, i64)> = table
        .lines()
        .filter_map(|l| l.strip_prefix(&window))
        .filter_map(|rest| {
            let cells: Vec<&str> = rest.split('|').map(str::trim).collect();
            Some((cells.first()?.to_string(), cells.get(1)?.parse().ok()?))
        })
        .collect();
    rows.sort();
    rows
}

/// Moves the focus with Tab (at most `presses` times) until the element `css` has it; its outline style then.
async fn tab_to(c: &Client, css: &str, presses: usize) -> Result<String, String> {
    for pressed in 0..=presses {
        let at = c
            .execute(
                "const a = document.activeElement; \
                 return a.matches(arguments[0]) ? getComputedStyle(a).outlineStyle : null;",
                vec![serde_json::json!(css)],
            )
            .await
            .map_err(|e| e.to_string())?;
        if let Some(style) = at.as_str() {
            return Ok(style.to_string());
        }
        if pressed == presses {
            break;
        }
        super::page::press_tab(c).await?;
    }
    Err(format!("{css} not reached with {presses} presses of Tab"))
}

/// The number of the batch the compare view shows, 0 before the first.
async fn shown_batch(c: &Client) -> Result<u32, String> {
    let v = c
        .execute(
            "const m = /^Batch (\\d+) /.exec(document.querySelector('[data-testid=compare] h2')?.textContent ?? ''); \
             return m === null ? 0 : Number(m[1]);",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("the compare view's batch number: {v}"))
}

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    open(
        c,
        origin,
        "source=sim&rate=8&view=compare",
        &[("dstream-lab/theme", "light")],
    )
    .await?;
    wait_js(
        c,
        "return document.querySelector('[data-testid=pause]') !== null;",
        Duration::from_secs(30),
        "the compare view",
    )
    .await?;
    click(c, "pause").await?;
    wait_js(
        c,
        "return document.querySelector('[data-testid=step]')?.disabled === false;",
        Duration::from_secs(10),
        "Step enabled once paused",
    )
    .await?;
    // From the keyboard: Tab after "Step one batch" reaches the control, and its focus shows.
    c.execute(
        "document.querySelector('[data-testid=step]').focus(); return true;",
        vec![],
    )
    .await
    .map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    let focus = tab_to(c, "[data-testid=windowed-compare-open]", 1).await?;
    if focus != "solid" {
        problems.push(format!("the control's focus outline is {focus}"));
    }
    click(c, "windowed-compare-open").await?;
    // The first batch closes at the wall clock's next interval boundary, which may come before the pause: the
    // batches below count from the last one run.
    let ran = shown_batch(c).await?;
    // The first batch stepped: the job reads from the next batch on, so the row waits for its first trigger.
    step(c, ran + 1).await?;
    let first = read(c)
        .await?
        .ok_or("no row after Compare with Structured Streaming")?;
    if first.waiting.as_deref() != Some("Waiting for the first trigger…") {
        problems.push(format!(
            "the first batch stepped: the row says {:?}",
            first.waiting
        ));
    }
    step(c, ran + 2).await?;
    step(c, ran + 3).await?;
    let row = read(c).await?.ok_or("no row at the third batch stepped")?;
    eprintln!("[windowed] {row:#?}");
    let (Some(dstream), Some(table)) = (&row.dstream, &row.structured) else {
        return Err(format!(
            "the third batch stepped: a side of the row is missing: {row:?}"
        ));
    };
    if row.trigger.as_deref() != Some("2") {
        problems.push(format!(
            "the third batch stepped is paired with trigger {:?}, not 2",
            row.trigger
        ));
    }
    if !table.contains("Batch: 1\n") {
        problems.push(format!(
            "trigger 2's output is not Spark's batch 1:\n{table}"
        ));
    }
    if row.jobs != 0 {
        problems.push(format!(
            "the row's job is also shown as {} column(s)",
            row.jobs
        ));
    }
    // The batch time of the DStream block ends the window that holds the same lines in Structured Streaming.
    let time = dstream
        .lines()
        .find_map(|l| l.strip_prefix("Time: "))
        .ok_or("no Time: line in the DStream block")?
        .to_string();
    if !row.batch.contains(&time) {
        problems.push(format!(
            "the block's time {time} is not the batch's {}",
            row.batch
        ));
    }
    let event_time = row.notes.get("event-time").cloned().unwrap_or_default();
    if !event_time.contains(&format!("batch time {}", &time[11..])) {
        problems.push(format!(
            "the event-time note does not name the batch time: {event_time}"
        ));
    }
    let start = event_time
        .split("The window [")
        .nth(1)
        .and_then(|s| s.get(..8))
        .ok_or_else(|| format!("the event-time note names no window: {event_time}"))?;
    let ss = window_rows(table, &format!("{} {start}", &time[..10]), &time);
    let ds: Vec<(String, i64)> = block_records(dstream)
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .collect();
    // Update mode prints only the rows this trigger changed: each one printed for that window is the DStream
    // block's count, and the note (worded from the whole state store) gives every one of them.
    let mut sorted = ds.clone();
    sorted.sort();
    let stated: Vec<String> = sorted.iter().map(|(k, n)| format!("{k} {n}")).collect();
    if ss.is_empty()
        || ss.iter().any(|r| !ds.contains(r))
        || !event_time.contains(&format!(
            "counts {}, the same counts as the DStream block",
            stated.join(", ")
        ))
    {
        problems.push(format!(
            "the window ending at {time} counts {ss:?} in Structured Streaming, the DStream block {ds:?}: {event_time}"
        ));
    }
    for topic in ["inverse", "watermark"] {
        if !row.notes.contains_key(topic) {
            problems.push(format!("no {topic} note: {:?}", row.notes));
        }
    }
    if !row
        .notes
        .get("inverse")
        .is_some_and(|n| n.contains("it never subtracts"))
    {
        problems.push(format!("the inverse note: {:?}", row.notes.get("inverse")));
    }
    let focus = tab_to(c, "[data-testid=windowed-compare] summary", 60).await?;
    if focus != "solid" {
        problems.push(format!("the row's summary focus outline is {focus}"));
    }
    problems.extend(crate::axe_clean(c, axe, "windowed row").await);
    // Large type in the row too; folded, the compare view fits the projector again.
    let smallest = c
        .execute(
            "let s = 1e9; for (const el of document.querySelectorAll('[data-testid=windowed-compare] *')) { \
               if ([...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '')) \
                 s = Math.min(s, parseFloat(getComputedStyle(el).fontSize)); } return s;",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    if smallest.as_f64().unwrap_or(0.0) < 20.0 {
        problems.push(format!("text of {smallest} px in the row"));
    }
    crate::projector_viewport(c).await?;
    c.execute(
        "document.querySelector('[data-testid=windowed-compare] summary').click(); return true;",
        vec![],
    )
    .await
    .map_err(|e| e.to_string())?;
    let fits = c
        .execute(
            "const e = document.scrollingElement; \
             return [e.scrollHeight <= innerHeight && e.scrollWidth <= innerWidth && innerHeight == 720 \
                     && innerWidth == 1280, e.scrollHeight, innerHeight, \
                     document.querySelector('[data-testid=windowed-compare]').open];",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("[windowed] folded: {fits}");
    if fits[0] != true || fits[3] != false {
        problems.push(format!(
            "folded, the compare view does not fit the viewport: {fits}"
        ));
    }
    // Time travel: one batch back shows the second batch stepped with trigger 1.
    click(c, "travel-back").await?;
    wait_js(
        c,
        "return document.querySelector('[data-testid=vs-structured] h3')?.dataset.trigger === '1';",
        Duration::from_secs(10),
        "the row at the second batch stepped, trigger 1",
    )
    .await?;
    crate::verdict(problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn the_windowed_row_pairs_the_dstream_window_with_the_trigger_of_the_same_lines_and_explains_them(
) {
    crate::on_the_release_page(
        "classroom-windowed-logs",
        &["--window-size=1280,720", "--hide-scrollbars"],
        check,
    )
    .await;
}
