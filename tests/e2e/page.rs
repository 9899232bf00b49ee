//! Driving the built page in a WebDriver session: open it on a clean localStorage, and wait for a condition the
//! page's own script evaluates.

use fantoccini::{Client, Locator};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::support::{webdriver_session_as, workspace, Proc, StaticServer};

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
/// settings, jobs or theme leak in; returns once the app has rendered.
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
        .map_err(|e| e.to_string())?;
    // The page's wasm starts after the document's load event (a dev build's wasm takes seconds): the checks
    // read elements the app renders.
    wait_js(
        c,
        "return document.querySelector('[data-testid=view-toggle]') !== null;",
        Duration::from_secs(60),
        "the page's app to start",
    )
    .await
}

/// Clicks the element with `data-testid` `testid`. A render between finding the element and clicking it can
/// replace the node (WebDriver's "stale element reference"): the element is then found again, a few times at most.
pub async fn click(c: &Client, testid: &str) -> Result<(), String> {
    const ATTEMPTS: usize = 5;
    let mut attempt = 1;
    loop {
        let element = c
            .find(Locator::Css(&format!("[data-testid={testid}]")))
            .await
            .map_err(|e| format!("{testid}: {e}"))?;
        match element.click().await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_stale_element_reference() && attempt < ATTEMPTS => {
                eprintln!("[e2e] {testid} was re-rendered before the click (attempt {attempt}); finding it again");
                attempt += 1;
            }
            Err(e) => return Err(format!("clicking {testid}: {e}")),
        }
    }
}

/// Presses Tab on the focused element.
pub async fn press_tab(c: &Client) -> Result<(), String> {
    c.active_element()
        .await
        .map_err(|e| e.to_string())?
        .send_keys("\u{E004}")
        .await
        .map_err(|e| format!("pressing Tab: {e}"))
}

/// Runs `focus` (a script focusing an element), presses Tab and returns where the focus went: the focused element's
/// `data-testid` (or tag name) and its outline style (`solid` when the focus shows).
pub async fn tab_after(c: &Client, focus: &str) -> Result<serde_json::Value, String> {
    c.execute(focus, vec![]).await.map_err(|e| e.to_string())?;
    press_tab(c).await?;
    c.execute(
        "const a = document.activeElement; \
         return [a.dataset.testid || a.tagName, getComputedStyle(a).outlineStyle];",
        vec![],
    )
    .await
    .map_err(|e| e.to_string())
}

/// The `?job=` value of the notebook's stateless cell run as a student job on the page's 1 s batches.
pub fn stateless_job_every_second() -> String {
    let program = dstream_lab::engine::example("notebook_stateless")
        .expect("the notebook's stateless example")
        .source
        .replace(
            "StreamingContext(spark.sparkContext, 10)",
            "StreamingContext(spark.sparkContext, 1)",
        );
    dstream_lab::model::job_link::encode_program(&program)
}

/// Opens the page (built-in source, 1 s batches, 8 lines a second) with a job running the menu's windowed Structured
/// Streaming count on 1 s triggers, with a 4 s window sliding every 2 s and a 2 s watermark.
pub async fn open_windowed_job_on_1s_triggers(c: &Client, origin: &str) -> Result<(), String> {
    let program = dstream_lab::engine::example("structured_windowed_update")
        .ok_or("no structured_windowed_update example")?
        .source
        .replace(
            "\"20 seconds\", \"10 seconds\"",
            "\"4 seconds\", \"2 seconds\"",
        )
        .replace(
            "withWatermark(\"timestamp\", \"10 seconds\")",
            "withWatermark(\"timestamp\", \"2 seconds\")",
        )
        .replace(
            "processingTime=\"10 seconds\"",
            "processingTime=\"1 second\"",
        );
    open(
        c,
        origin,
        &format!(
            "source=sim&interval=1&rate=8&job={}",
            dstream_lab::model::job_link::encode_program(&program)
        ),
        &[("dstream-lab/theme", "light")],
    )
    .await
}

/// Types `text` into the element `css` selects.
pub async fn type_into(c: &Client, css: &str, text: &str) -> Result<(), String> {
    c.find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .send_keys(text)
        .await
        .map_err(|e| format!("typing into {css}: {e}"))
}

/// Starts a prediction and waits for the lines of the batch to predict.
pub async fn start_prediction(c: &Client) -> Result<(), String> {
    click(c, "predict-start").await?;
    wait_js(
        c,
        "return document.querySelectorAll('[data-testid=predict-lines] li').length > 0;",
        Duration::from_secs(10),
        "the lines of the batch to predict",
    )
    .await
}

/// Opens the page on 1 s batches of the built-in source (8 lines/s) with a 5 s window sliding every second, and
/// waits for the window timeline on its subtracting path with 7 batches in its strip. `storage` as in [`open`].
pub async fn open_subtracting_window(
    c: &Client,
    origin: &str,
    storage: &[(&str, &str)],
) -> Result<(), String> {
    open(
        c,
        origin,
        "source=sim&interval=1&window=5&slide=1&rate=8",
        storage,
    )
    .await?;
    wait_js(
        c,
        "return document.querySelectorAll('[data-path=subtract]').length == 1 && \
         document.querySelectorAll('[data-testid=window-strip] li[data-role]').length >= 7;",
        Duration::from_secs(90),
        "the subtracting window timeline with 7 batches",
    )
    .await
}

/// The built page a browser test opens: `E2E_DIST`, or `default` under the workspace. Panics, saying to run
/// `build`, when it has no `index.html`.
pub fn built_page(default: &str, build: &str) -> PathBuf {
    let dist = std::env::var("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace().join(default));
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: run `{build}` first",
        dist.display()
    );
    dist
}

/// A headless Chromium session on a built page served on loopback: `client` opens `origin`. Logs go to
/// `target/<logs>`; the browser profile is fresh and removed by [`PageSession::close`].
pub struct PageSession {
    /// The WebDriver client.
    pub client: Client,
    /// The page's origin (`http://127.0.0.1:PORT`).
    pub origin: String,
    _server: StaticServer,
    _driver: Proc,
    profile: PathBuf,
}

impl PageSession {
    /// Serves `dist` and opens a browser with the `extra` flags (window size, scale).
    pub async fn start(dist: PathBuf, logs: &str, extra: &[&str]) -> PageSession {
        PageSession::start_as(dist, logs, extra, serde_json::Map::new()).await
    }

    /// Serves `dist` and opens a browser as a phone `width` CSS pixels wide (Chromium's own windows are wider).
    pub async fn start_phone(dist: PathBuf, logs: &str, width: u32) -> PageSession {
        let mut options = serde_json::Map::new();
        options.insert(
            "mobileEmulation".to_string(),
            serde_json::json!({ "deviceMetrics": { "width": width, "height": 800, "pixelRatio": 1.0 } }),
        );
        PageSession::start_as(dist, logs, &[], options).await
    }

    async fn start_as(
        dist: PathBuf,
        logs: &str,
        extra: &[&str],
        options: serde_json::Map<String, serde_json::Value>,
    ) -> PageSession {
        let server = StaticServer::start(dist).await.unwrap();
        let profile = std::env::temp_dir().join(format!("dstream-{logs}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let logs = workspace().join("target").join(logs);
        let (client, driver) = webdriver_session_as(&logs, &profile, extra, options)
            .await
            .unwrap();
        PageSession {
            client,
            origin: server.origin.clone(),
            _server: server,
            _driver: driver,
            profile,
        }
    }

    /// Closes the browser and removes its profile.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(15), self.client.close()).await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
