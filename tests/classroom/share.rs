//! "Share a scenario": a link copied from a page that ran a few batches of the built-in source opens, in the same
//! browser, on the very same three `pprint` consoles, byte for byte, paused at the end of the replay; and the share
//! controls pass axe.

use super::page::{click, open, tab_after, wait_js};
use fantoccini::Client;
use std::time::Duration;

/// The three modes' consoles, as the page shows them.
const CONSOLES: &str = "return ['stateless', 'cumulative', 'window'].map(m => \
    document.querySelector(`[data-testid=mode-${m}] [data-testid=pprint]`).textContent);";

async fn consoles(c: &Client) -> Result<Vec<String>, String> {
    let v = c
        .execute(CONSOLES, vec![])
        .await
        .map_err(|e| format!("reading the consoles: {e}"))?;
    serde_json::from_value(v).map_err(|e| format!("the consoles: {e}"))
}

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    open(
        c,
        origin,
        "source=sim&interval=1&window=4&slide=2&rate=20",
        &[("dstream-lab/theme", "light")],
    )
    .await?;
    wait_js(
        c,
        "const p = document.querySelector('[data-testid=mode-window] [data-testid=pprint]'); \
         return p !== null && (p.textContent.match(/Time: /g) || []).length >= 2;",
        Duration::from_secs(90),
        "two windows printed (batch 4)",
    )
    .await?;
    click(c, "pause").await?;
    // A render may still be on its way after the pause: read the consoles once they stay the same.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let original = consoles(c).await?;
    tokio::time::sleep(Duration::from_millis(600)).await;
    if consoles(c).await? != original {
        return Err("the consoles changed while paused".to_string());
    }
    eprintln!("[share] original consoles: {original:?}");
    click(c, "share-copy-link").await?;
    wait_js(
        c,
        "const l = document.querySelector('[data-testid=share-link]'); return l !== null && l.value.includes('?scenario=');",
        Duration::from_secs(10),
        "the link shown after Copy link",
    )
    .await?;
    let link = c
        .execute(
            "return document.querySelector('[data-testid=share-link]').value;",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    let link = link.as_str().ok_or("the link is not text")?.to_string();
    let held = c
        .execute(
            "return document.querySelector('[data-testid=share-batches]').textContent;",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("[share] {held} — {} characters: {link}", link.len());
    let mut problems = Vec::new();
    // From the keyboard: Tab after "Download scenario" reaches "Load scenario", and its focus shows.
    let focus = tab_after(
        c,
        "document.querySelector('[data-testid=share-download]').focus(); return true;",
    )
    .await?;
    if focus != serde_json::json!(["share-load", "solid"]) {
        problems.push(format!(
            "Tab after Download scenario: focus on {focus}, not a visibly focused share-load"
        ));
    }
    problems.extend(crate::axe_clean(c, axe, "share controls").await);
    c.goto(&link).await.map_err(|e| e.to_string())?;
    wait_js(
        c,
        // The page renders its panels a few tasks after its header (and the notice in it).
        "const n = document.querySelector('[data-testid=notices]'); \
         const shown = ['stateless', 'cumulative', 'window'].every(m => \
           document.querySelector(`[data-testid=mode-${m}] [data-testid=pprint]`) !== null); \
         return shown && n !== null && n.textContent.includes('Replayed the scenario of the link');",
        Duration::from_secs(30),
        "the link's replay, paused at its end, with the three consoles shown",
    )
    .await?;
    let replayed = consoles(c).await?;
    for (mode, (a, b)) in ["stateless", "cumulative", "window"]
        .iter()
        .zip(original.iter().zip(&replayed))
    {
        if !a.contains("Time: ") {
            problems.push(format!("the {mode} console printed nothing: {a:?}"));
        }
        if a != b {
            problems.push(format!(
                "the {mode} console differs after the link:\n{a:?}\n{b:?}"
            ));
        }
    }
    crate::verdict(problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn a_shared_link_reproduces_the_three_consoles_byte_for_byte() {
    crate::on_the_release_page("classroom-share-logs", &["--window-size=1280,900"], check).await;
}
