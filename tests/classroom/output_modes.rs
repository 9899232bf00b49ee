//! "Output modes side by side" on the release page: a student job running the menu's windowed Structured Streaming
//! count (update mode, on 1 s triggers with a 4 s window sliding every 2 s and a 2 s watermark) shows, trigger by
//! trigger, complete | update | append. The update column is the job's own console, block for block; append's first
//! batch is byte for byte what PySpark printed for the example in append mode (nothing final yet), and every window
//! append prints later is final: its count is the last one update printed for it; complete prints every row update
//! printed. Time travel shows trigger k again; the columns are reachable from the keyboard with a visible focus; axe
//! finds no serious problem.

use super::page::open_windowed_job_on_1s_triggers;
use super::page::{click, tab_after, wait_js};
use crate::axe_clean;
use fantoccini::Client;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// The view and the job's console as the page shows them, read in one script so that they belong to one render.
const READ: &str = r#"
const v = document.querySelector('[data-testid=job-modes]');
if (v === null) return null;
const col = m => v.querySelector(`[data-testid=modes-column][data-mode=${m}]`);
const read = m => ({
  kind: col(m).dataset.kind,
  own: col(m).dataset.own === 'true',
  text: col(m).querySelector('[data-testid=modes-text]').textContent,
  why: col(m).querySelector('[data-testid=modes-why]').textContent,
});
return {
  batch: Number(v.dataset.batch),
  complete: read('complete'), update: read('update'), append: read('append'),
  console: document.querySelector('[data-testid=job-console]').textContent,
};
"#;

/// One column as [`READ`] reads it.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Column {
    kind: String,
    own: bool,
    text: String,
    why: String,
}

/// One reading of [`READ`].
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Modes {
    batch: u64,
    complete: Column,
    update: Column,
    append: Column,
    console: String,
}

async fn read(c: &Client) -> Result<Option<Modes>, String> {
    let v = c.execute(READ, vec![]).await.map_err(|e| e.to_string())?;
    serde_json::from_value(v).map_err(|e| format!("reading the output modes view: {e}"))
}

/// The rows of a console table, cell by cell (the widths of a table depend on its rows).
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with("|{"))
        .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

/// The first `Batch:` block of a console text.
fn first_block(text: &str) -> &str {
    let second = text
        .match_indices("-------------------------------------------\nBatch: ")
        .nth(1);
    &text[..second.map_or(text.len(), |(i, _)| i)]
}

fn checks(recorded: &BTreeMap<u64, Modes>, spark_append_batch_0: &str) -> Vec<String> {
    let mut problems = Vec::new();
    // The first trigger that read lines (the job may start so close to a trigger's end that its first reads
    // none: then no mode runs a batch), with every trigger before it recorded.
    let Some(first) = recorded.values().find(|m| m.update.kind == "printed") else {
        return vec![format!("no trigger ran a batch: {:?}", recorded.keys())];
    };
    if !(1..first.batch).all(|k| recorded.contains_key(&k)) {
        return vec![format!(
            "the triggers before trigger {} were not all recorded: {:?}",
            first.batch,
            recorded.keys()
        )];
    }
    for m in recorded.values().take_while(|m| m.batch < first.batch) {
        if [&m.complete, &m.update, &m.append]
            .iter()
            .any(|c| c.kind == "printed")
        {
            problems.push(format!(
                "trigger {}: a mode printed before update ran a batch",
                m.batch
            ));
        }
    }
    if first.append.kind != "printed" || first.append.text != spark_append_batch_0 {
        problems.push(format!(
            "trigger {}: append shows {:?}, PySpark printed {spark_append_batch_0:?}",
            first.batch, first.append.text
        ));
    }
    if !first.append.why.contains("nothing final yet") {
        problems.push(format!("append's first sentence: {:?}", first.append.why));
    }
    // The last count update printed for each (window, type), trigger by trigger (forgotten after a trigger the
    // recording missed).
    let mut last_update: HashMap<Vec<String>, Vec<String>> = HashMap::new();
    let mut appended = 0;
    let mut previous = 0;
    for m in recorded.values() {
        let what = format!("trigger {}", m.batch);
        if m.batch != previous + 1 {
            last_update.clear();
        }
        previous = m.batch;
        if !(m.update.own && !m.complete.own && !m.append.own) {
            problems.push(format!("{what}: update is not the one own mode"));
        }
        if m.update.kind == "printed" && !m.console.ends_with(&m.update.text) {
            problems.push(format!(
                "{what}: the update column {:?} is not the console's last block",
                m.update.text
            ));
        }
        let complete = rows(&m.complete.text);
        for row in rows(&m.update.text) {
            if m.complete.kind == "printed" && complete.len() < 20 && !complete.contains(&row) {
                problems.push(format!("{what}: update printed {row:?}, complete did not"));
            }
            last_update.insert(row[..3].to_vec(), row);
        }
        for row in rows(&m.append.text) {
            match last_update.get(&row[..3]) {
                Some(last) if *last == row => appended += 1,
                Some(last) => problems.push(format!(
                    "{what}: append printed {row:?}, update's last count was {last:?}"
                )),
                None => {}
            }
        }
    }
    if appended == 0 {
        problems.push("append printed no final window that update printed before".to_string());
    }
    problems
}

/// Clicks the time travel's `button` ("travel-back" or "travel-forward") once and waits for the output modes
/// view to show trigger `to`; returns what it shows.
async fn travel_to(c: &Client, button: &str, to: u64) -> Result<Modes, String> {
    click(c, button).await?;
    wait_js(
        c,
        &format!(
            "return document.querySelector('[data-testid=job-modes]')?.dataset.batch === '{to}';"
        ),
        Duration::from_secs(10),
        &format!("the output modes view of trigger {to} ({button})"),
    )
    .await?;
    read(c)
        .await?
        .ok_or_else(|| format!("no output modes view at trigger {to}"))
}

/// Time travel, from the trigger shown after pausing back to trigger 1, one batch at a time: each trigger the
/// live reading caught must show again as the page showed it then, and one it missed (the page and the test
/// share a loaded machine's cores) is read back from the time travel.
async fn read_back(c: &Client, recorded: &mut BTreeMap<u64, Modes>) -> Result<Vec<String>, String> {
    let columns = |m: &Modes| (m.complete.clone(), m.update.clone(), m.append.clone());
    let mut problems = Vec::new();
    let mut shown = read(c).await?.ok_or("no output modes view after pausing")?;
    while shown.batch > 1 {
        let back = shown.batch - 1;
        shown = travel_to(c, "travel-back", back).await?;
        match recorded.get(&back) {
            Some(live) if columns(live) != columns(&shown) => problems.push(format!(
                "trigger {back} travelled to shows\n{shown:?}\ninstead of\n{live:?}"
            )),
            Some(_) => {}
            None => {
                recorded.insert(back, shown.clone());
            }
        }
    }
    Ok(problems)
}

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    let golden = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/playground/tests/programs/structured/windowed_update_as_append.stdout.txt"
    );
    let golden = std::fs::read_to_string(golden).map_err(|e| format!("{golden}: {e}"))?;
    open_windowed_job_on_1s_triggers(c, origin).await?;
    // Record the view trigger by trigger until append printed a window and 8 triggers were seen.
    let mut recorded: BTreeMap<u64, Modes> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    while recorded.len() < 8 || !recorded.values().any(|m| !rows(&m.append.text).is_empty()) {
        if Instant::now() > deadline {
            return Err(format!(
                "timed out recording triggers: {:?}",
                recorded.keys()
            ));
        }
        if let Some(m) = read(c).await? {
            recorded.entry(m.batch).or_insert(m);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(c, "pause").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    eprintln!("[modes] triggers recorded live: {:?}", recorded.keys());
    let mut problems = read_back(c, &mut recorded).await?;
    problems.extend(checks(&recorded, first_block(&golden)));
    // The keyboard check below needs text in the complete column: forward to the last trigger complete printed.
    let printed = recorded
        .values()
        .rev()
        .find(|m| m.complete.kind == "printed")
        .map(|m| m.batch)
        .ok_or("complete printed in no trigger")?;
    for to in 2..=printed {
        travel_to(c, "travel-forward", to).await?;
    }
    // From the keyboard: Tab from the focusable element before the first column's text reaches it, visibly.
    let focus = tab_after(
        c,
        "const all = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')] \
           .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0); \
         all[all.indexOf(document.querySelector('[data-testid=modes-column][data-mode=complete] [tabindex]')) - 1] \
           .focus(); return true;",
    )
    .await?;
    if focus != serde_json::json!(["modes-text", "solid"]) {
        problems.push(format!(
            "Tab before the complete column: focus on {focus}, not a visibly focused modes-text"
        ));
    }
    problems.extend(axe_clean(c, axe, "on the output modes view").await);
    crate::verdict(problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn the_output_modes_view_shows_complete_update_and_append_as_spark_prints_them() {
    crate::on_the_release_page("classroom-modes-logs", &["--window-size=1280,900"], check).await;
}
