//! Driving the built page in a WebDriver session: open it on a clean localStorage, and wait for a condition the
//! page's own script evaluates.

use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

/// Polls `js` (a function body returning a boolean) until it is true.
pub async fn wait_js(c: &Client, js: &str, timeout: Duration, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    loop {
        let v = c
            .execute(js, vec![])
            .await
            .map_err(|e| format!("{what}: {e}"))?;
        if v.as_bool() == Some(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Starts the page with `query` on a localStorage holding only `storage` (key, value pairs), so no earlier run's
/// settings, jobs or theme leak in.
pub async fn open(
    c: &Client,
    origin: &str,
    query: &str,
    storage: &[(&str, &str)],
) -> Result<(), String> {
    c.goto(&format!("{origin}/__e2e_blank"))
        .await
        .map_err(|e| e.to_string())?;
    c.execute(
        "localStorage.clear(); for (const [k, v] of arguments[0]) localStorage.setItem(k, v); return true;",
        vec![serde_json::json!(storage)],
    )
    .await
    .map_err(|e| e.to_string())?;
    c.goto(&format!("{origin}/?{query}"))
        .await
        .map_err(|e| e.to_string())
}

/// Clicks the element with `data-testid` `testid`.
pub async fn click(c: &Client, testid: &str) -> Result<(), String> {
    c.find(Locator::Css(&format!("[data-testid={testid}]")))
        .await
        .map_err(|e| format!("{testid}: {e}"))?
        .click()
        .await
        .map_err(|e| format!("clicking {testid}: {e}"))
}
