//! Spark's classic mistakes in headless Chromium: each button shows Spark's own message, `local[1]` runs no
//! batch, and Undo brings the batches back.

use crate::page::{click, open, wait_js};
use fantoccini::Client;
use std::time::Duration;

/// The batches run so far, from the run status line.
const BATCHES: &str =
    "return parseInt(document.querySelector('[data-testid=run-status]').textContent, 10);";

async fn batches(c: &Client) -> Result<i64, String> {
    let v = c
        .execute(BATCHES, vec![])
        .await
        .map_err(|e| e.to_string())?;
    v.as_i64()
        .ok_or_else(|| format!("no batch count in the run status: {v}"))
}

/// Clicks the mistake's button and waits for a message holding `words`.
async fn shows(c: &Client, testid: &str, words: &str) -> Result<(), String> {
    click(c, testid).await?;
    wait_js(
        c,
        &format!(
            "const m = document.querySelector('[data-testid=mistake-message]'); \
             return m !== null && m.textContent.includes({});",
            serde_json::json!(words)
        ),
        Duration::from_secs(10),
        &format!("{testid}'s message: {words}"),
    )
    .await
}

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    open(
        c,
        origin,
        "source=sim&interval=1&rate=8",
        &[("dstream-lab/theme", "light")],
    )
    .await?;
    wait_js(
        c,
        "return parseInt(document.querySelector('[data-testid=run-status]').textContent, 10) >= 1;",
        Duration::from_secs(60),
        "the first batch",
    )
    .await?;
    let mut problems = Vec::new();
    shows(
        c,
        "mistake-local1",
        "WARN StreamingContext: spark.master should be set as local[n], n > 1 in local mode if you have \
         receivers to get data, otherwise Spark jobs will not get resources to process the received data.",
    )
    .await?;
    let before = batches(c).await?;
    wait_js(
        c,
        "const q = document.querySelector('[data-testid=mistake-queued]'); \
         return q !== null && parseInt(q.textContent, 10) >= 2;",
        Duration::from_secs(10),
        "two batches queued under local[1]",
    )
    .await?;
    // Under local[1] no batch runs: the run status stays at the new context's 0.
    if batches(c).await? != before {
        problems.push(format!(
            "local[1] ran batches: {before} when it started, {} now",
            batches(c).await?
        ));
    }
    problems.extend(crate::axe_clean(c, axe, "with a mistake shown").await);
    // Undo starts a context on local[2] again: its consoles start empty and print again.
    click(c, "mistake-undo").await?;
    wait_js(
        c,
        "return document.querySelector('[data-testid=mode-stateless] [data-testid=pprint]').textContent \
         .includes('Time:');",
        Duration::from_secs(10),
        "a batch after Undo",
    )
    .await?;
    shows(
        c,
        "mistake-no-checkpoint",
        "IllegalArgumentException: requirement failed: The checkpoint directory has not been set. Please set \
         it by StreamingContext.checkpoint().",
    )
    .await?;
    shows(
        c,
        "mistake-window-multiple",
        "ValueError: windowDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)",
    )
    .await?;
    click(c, "mistake-undo").await?;
    wait_js(
        c,
        "return document.querySelector('[data-testid=mistake-message]') === null && \
         document.querySelectorAll('.job-panel').length === 0;",
        Duration::from_secs(10),
        "Undo removing the mistake's job",
    )
    .await?;
    crate::verdict(problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn each_classic_mistake_shows_sparks_own_message_and_local1_runs_no_batch() {
    crate::on_the_release_page(
        "classroom-mistakes-logs",
        &["--window-size=1280,900"],
        check,
    )
    .await;
}
