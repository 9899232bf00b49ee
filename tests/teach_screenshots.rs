#![cfg(not(target_arch = "wasm32"))]
//! Screenshots of the teaching views and the classroom features for the README, taken from the built page in
//! headless Chromium, and an end-to-end check that the window timeline on the live page agrees with the window's
//! own console.
//!
//! ```text
//! bash scripts/build-web.sh dist-web   # the release page (or E2E_DIST=/some/dist)
//! cargo test -p dstream-lab --test teach_screenshots -- --ignored --nocapture
//! ```
//!
//! `scripts/screenshots.sh` does both. PNGs go to `docs/screenshots/` (or `SCREENSHOT_DIR`), logs to
//! `target/teach-screenshot-logs/`. Environment: `E2E_DIST`, `CHROMIUM`, `CHROMEDRIVER`, `SCREENSHOT_DIR`.

#[allow(dead_code)]
#[path = "e2e/page.rs"]
mod page;
#[allow(dead_code)]
#[path = "e2e/support.rs"]
mod support;

use fantoccini::{Client, Locator};
use page::{
    built_page, click, open, open_subtracting_window, open_windowed_job_on_1s_triggers,
    start_prediction, type_into, wait_js, PageSession,
};
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::workspace;

type Res<T> = Result<T, String>;

async fn shot(c: &Client, css: &str, out: &Path, name: &str) -> Res<()> {
    let el = c
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?;
    let png = el
        .screenshot()
        .await
        .map_err(|e| format!("screenshot {css}: {e}"))?;
    let path = out.join(format!("{name}.png"));
    std::fs::write(&path, png).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("[screenshots] {}", path.display());
    Ok(())
}

/// The window's arithmetic rows that print (key, value), and the records of the last block of the window
/// console, read in one go so they come from the same render.
const WINDOW_VS_CONSOLE: &str = r#"
const rows = [...document.querySelectorAll('[data-testid=window-arithmetic] li[data-key]:not(.filtered)')]
  .map(li => [li.dataset.key, Number(li.dataset.value)]);
const text = document.querySelector('[data-testid=mode-window] [data-testid=pprint]').textContent;
const blocks = text.split('-------------------------------------------\nTime: ');
const last = blocks[blocks.length - 1];
const recs = [...last.matchAll(/^\('(\w+)', (-?\d+)\)$/gm)].map(m => [m[1], Number(m[2])]);
return { rows, recs, time: last.split('\n')[0] };
"#;

async fn check_window_matches_console(c: &Client) -> Res<()> {
    let v = c
        .execute(WINDOW_VS_CONSOLE, vec![])
        .await
        .map_err(|e| e.to_string())?;
    if v["rows"] != v["recs"] {
        return Err(format!(
            "the window timeline shows {} but the window console's last block ({}) prints {}",
            v["rows"], v["time"], v["recs"]
        ));
    }
    eprintln!(
        "[screenshots] window timeline agrees with the console at {}: {}",
        v["time"], v["recs"]
    );
    Ok(())
}

async fn run(c: &Client, origin: &str, out: &Path) -> Res<()> {
    // Subtracting path: 5 s window, 1 s slide, 1 s batches, inverse on.
    open_subtracting_window(c, origin, &[]).await?;
    check_window_matches_console(c).await?;
    shot(c, "[data-testid=window-timeline]", out, "window-subtract").await?;
    shot(c, "[data-testid=state-calls]", out, "state-calls").await?;
    shot(
        c,
        "[data-testid=lineage-cumulative]",
        out,
        "lineage-cumulative",
    )
    .await?;
    shot(c, "[data-testid=batch-metrics]", out, "batch-metrics").await?;
    shot(c, "[data-testid=export]", out, "export").await?;
    shot(c, "[data-testid=mode-window]", out, "panel-window").await?;

    // Recompute path: 2 s window, 1 s slide (window < 5 x slide).
    open(
        c,
        origin,
        "source=sim&interval=1&window=2&slide=1&rate=8",
        &[],
    )
    .await?;
    wait_js(
        c,
        "return document.querySelectorAll('[data-path=recompute]').length == 1 && \
         document.querySelectorAll('[data-testid=window-strip] li[data-role]').length >= 4;",
        Duration::from_secs(60),
        "the recomputing window timeline with 4 batches",
    )
    .await?;
    check_window_matches_console(c).await?;
    shot(c, "[data-testid=window-timeline]", out, "window-recompute").await?;
    Ok(())
}

/// The classroom features as a teacher meets them: the compare view on a 1280x720 projector, time travel,
/// a revealed prediction and a classic mistake.
async fn classroom(c: &Client, origin: &str, out: &Path) -> Res<()> {
    open_compare_view(c, origin, 720).await?;
    wait_js(
        c,
        "const h = document.querySelector('[data-testid=compare] h2'); \
         const m = h && h.textContent.match(/Batch (\\d+)/); \
         const consoles = [...document.querySelectorAll('[data-testid=compare] .compare-console')]; \
         return m !== null && Number(m[1]) >= 6 && consoles.length == 3 && \
           consoles.every(p => p.textContent.includes('('));",
        Duration::from_secs(60),
        "the compare view with records in its three consoles",
    )
    .await?;
    let png = c.screenshot().await.map_err(|e| e.to_string())?;
    let path = out.join("compare-view.png");
    std::fs::write(&path, png).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("[screenshots] {}", path.display());
    c.set_window_size(1400, 4000)
        .await
        .map_err(|e| e.to_string())?;

    open_subtracting_window(c, origin, &[]).await?;
    click(c, "pause").await?;
    click(c, "travel-back").await?;
    click(c, "travel-back").await?;
    wait_js(
        c,
        "return document.querySelector('[data-testid=travel-status]').textContent.includes('Viewing');",
        Duration::from_secs(10),
        "the page as of an earlier batch",
    )
    .await?;
    shot(c, "[data-testid=travel]", out, "time-travel").await?;
    click(c, "travel-now").await?;

    start_prediction(c).await?;
    type_into(
        c,
        "[data-testid=predict-input][data-mode=stateless]",
        "('info', 3)\n('error', 1)",
    )
    .await?;
    type_into(
        c,
        "[data-testid=predict-input][data-mode=window]",
        "('error', 0)",
    )
    .await?;
    click(c, "predict-reveal").await?;
    wait_js(
        c,
        "return document.querySelectorAll('[data-testid=predict-mark]').length > 0;",
        Duration::from_secs(10),
        "the marks",
    )
    .await?;
    shot(c, "[data-testid=predict]", out, "predict-reveal").await?;
    click(c, "predict-close").await?;

    // A running page (the one above is paused), where local[1] queues batches.
    open(c, origin, "source=sim&interval=1&rate=8", &[]).await?;
    click(c, "mistake-local1").await?;
    wait_js(
        c,
        "const m = document.querySelector('[data-testid=mistake-message]'); \
         return m !== null && m.textContent.includes('local[n], n > 1');",
        Duration::from_secs(10),
        "Spark's warning about local[1]",
    )
    .await?;
    wait_js(
        c,
        "const q = document.querySelector('[data-testid=mistake-queued]'); \
         return q !== null && parseInt(q.textContent, 10) >= 2;",
        Duration::from_secs(10),
        "two batches queued under local[1]",
    )
    .await?;
    shot(c, "[data-testid=mistakes]", out, "mistake-local1").await?;
    Ok(())
}

/// Opens the compare view on 1 s batches of the built-in source (a 5 s window sliding every second, so the window
/// prints at every batch and subtracts), in a window 1280 px wide and `height` high.
async fn open_compare_view(c: &Client, origin: &str, height: u32) -> Res<()> {
    c.set_window_size(1280, height)
        .await
        .map_err(|e| format!("a 1280x{height} window: {e}"))?;
    open(
        c,
        origin,
        "view=compare&source=sim&interval=1&window=5&slide=1&rate=8",
        &[],
    )
    .await
}

/// Structured Streaming beside the DStreams: the output modes side by side in a windowed job's panel, and the
/// compare view's windowed row (a window of five slides, so the DStream window subtracts and shows zero keys).
async fn structured(c: &Client, origin: &str, out: &Path) -> Res<()> {
    open_windowed_job_on_1s_triggers(c, origin).await?;
    wait_js(
        c,
        "const t = document.querySelector('[data-testid=modes-column][data-mode=append] [data-testid=modes-text]'); \
         return t !== null && t.textContent.includes('|{');",
        Duration::from_secs(60),
        "append mode printing its first final window (a row)",
    )
    .await?;
    click(c, "pause").await?;
    shot(c, "[data-testid=job-modes]", out, "output-modes").await?;

    open_compare_view(c, origin, 2000).await?;
    // Clicked from a script: the compare view re-renders every batch, so an element found first may be gone.
    wait_js(
        c,
        "const b = document.querySelector('[data-testid=windowed-compare-open]'); \
         if (b === null) return false; b.click(); return true;",
        Duration::from_secs(20),
        "the control that opens the Structured Streaming job",
    )
    .await?;
    wait_js(
        c,
        "const r = document.querySelector('[data-testid=windowed-compare]'); \
         return r !== null && r.querySelector('[data-testid=vs-structured] pre') !== null && \
           r.querySelectorAll('[data-testid=vs-notes] li').length >= 3 && \
           Number(r.querySelector('[data-testid=vs-structured] h3').dataset.trigger) >= 7 && \
           r.textContent.includes('subtracted the batch at');",
        Duration::from_secs(60),
        "the windowed row with both sides and a batch that subtracted",
    )
    .await?;
    click(c, "pause").await?;
    shot(c, "[data-testid=windowed-compare]", out, "windowed-compare").await?;
    Ok(())
}

/// Opens the release page in a browser with the screenshot flags (logs under `target/<logs>`), runs `take`'s
/// screenshots into `docs/screenshots/` (or `SCREENSHOT_DIR`), and closes the browser; panics with what failed.
async fn screenshots<F, Fut>(logs: &str, take: F)
where
    F: FnOnce(Client, String, PathBuf) -> Fut,
    Fut: std::future::Future<Output = Res<()>>,
{
    let dist = built_page("dist-web", "bash scripts/build-web.sh dist-web");
    let out = std::env::var("SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace().join("docs/screenshots"));
    std::fs::create_dir_all(&out).unwrap();
    // No scrollbars and a fixed scale, so screenshots look the same everywhere.
    let flags = [
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=1400,4000",
    ];
    let session = PageSession::start(dist, logs, &flags).await;
    let result = take(session.client.clone(), session.origin.clone(), out).await;
    session.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), Debian chromium + chromedriver; run by scripts/screenshots.sh"]
async fn classroom_screenshots() {
    screenshots("classroom-screenshot-logs", |c, origin, out| async move {
        classroom(&c, &origin, &out).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), Debian chromium + chromedriver; run by scripts/screenshots.sh"]
async fn teaching_views_screenshots() {
    screenshots("teach-screenshot-logs", |c, origin, out| async move {
        run(&c, &origin, &out).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), Debian chromium + chromedriver; run by scripts/screenshots.sh"]
async fn structured_streaming_screenshots() {
    screenshots("structured-screenshot-logs", |c, origin, out| async move {
        structured(&c, &origin, &out).await
    })
    .await;
}
