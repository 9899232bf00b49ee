#![cfg(not(target_arch = "wasm32"))]
//! Accessibility of the built page, checked by axe-core (npm's `axe-core`, injected through WebDriver) in headless
//! Chromium: no serious or critical violation, in the light and the dark theme, with every view filled (batches
//! run, the window timeline on its subtracting path, the teaching views open, a student job's panel). And the
//! same filled page on a phone 320 CSS pixels wide, with nothing making it scroll sideways (WCAG's reflow). And
//! on a phone's first load, what the lab is (index.html's own text) is on screen before the app starts; a page
//! that cannot start says so there. And a console below the window, in a panel the browser does not wholly
//! draw there (content-visibility), is at its newest batch when scrolled to.
//!
//! ```text
//! bash scripts/build-web.sh dist-web   # the release page (or E2E_DIST=/some/dist)
//! bash scripts/setup.sh test           # installs axe-core under target/tools/axe (or AXE_CORE_JS=/path/axe.min.js)
//! cargo test -p dstream-lab --test accessibility -- --ignored --nocapture
//! ```
//!
//! `scripts/test.sh` runs it. Logs go to `target/accessibility-logs/`. Environment: `E2E_DIST`, `AXE_CORE_JS`,
//! `CHROMIUM`, `CHROMEDRIVER`.

#[path = "e2e/axe.rs"]
mod axe;
// Each test file uses some of the shared page helpers.
#[allow(dead_code)]
#[path = "e2e/page.rs"]
mod page;
#[allow(dead_code)]
#[path = "e2e/support.rs"]
mod support;

use axe::{axe_source, run_axe, Violation};
use fantoccini::Client;
use page::{built_page, click, open, open_subtracting_window, wait_js, PageSession};
use std::time::Duration;

type Res<T> = Result<T, String>;

/// Opens the page with batches run, the subtracting window timeline, every `<details>` open and a student job's
/// panel, run (its console, or its explanation of why it cannot run beside the page's 1 s batches). `storage` as in
/// `page::open`.
async fn fill(c: &Client, origin: &str, storage: &[(&str, &str)]) -> Res<()> {
    open_subtracting_window(c, origin, storage).await?;
    click(c, "job-new").await?;
    wait_js(
        c,
        "return document.querySelector('[data-testid=job-run]') !== null;",
        Duration::from_secs(10),
        "the new job's panel",
    )
    .await?;
    click(c, "job-run").await?;
    wait_js(
        c,
        "const c = document.querySelector('[data-testid=job-console]'); \
         return document.querySelector('[data-testid=job-refused]') !== null || \
           (c !== null && c.textContent.includes('Time: '));",
        Duration::from_secs(60),
        "the new job's first batch, or its refusal to run at the page's 1 s interval",
    )
    .await?;
    c.execute(
        "document.querySelectorAll('details').forEach(d => d.open = true); return true;",
        vec![],
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// The filled page ([`fill`]) in `theme`, then axe-core's violations.
async fn audit(c: &Client, origin: &str, axe: &str, theme: &str) -> Res<Vec<Violation>> {
    fill(c, origin, &[("dstream-lab/theme", theme)]).await?;
    run_axe(c, axe).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn the_page_has_no_serious_or_critical_axe_violation_in_either_theme() {
    let dist = built_page("dist-web", "bash scripts/build-web.sh dist-web");
    let axe = axe_source().unwrap_or_else(|e| panic!("{e}"));
    let session = PageSession::start(dist, "accessibility-logs", &["--window-size=1280,900"]).await;
    let mut report = Vec::new();
    for theme in ["light", "dark"] {
        match audit(&session.client, &session.origin, &axe, theme).await {
            Ok(found) => {
                for v in &found {
                    eprintln!(
                        "[axe] {theme}: {} ({}): {} at {:?}",
                        v.id,
                        v.impact.as_deref().unwrap_or("no impact"),
                        v.help,
                        v.nodes
                    );
                    if v.blocks() {
                        report.push(format!(
                            "{theme} theme: {} — {} at {:?}",
                            v.id, v.help, v.nodes
                        ));
                    }
                }
                eprintln!("[axe] {theme}: {} violations in all", found.len());
            }
            Err(e) => report.push(format!("{theme} theme: {e}")),
        }
    }
    session.close().await;
    assert!(
        report.is_empty(),
        "serious or critical accessibility problems:\n{}",
        report.join("\n")
    );
}

/// The viewport's width, the page's scroll width, and the elements and texts sticking out past the viewport's
/// right edge (outside a box that scrolls or clips them, as a console or a wide table does).
const SIDEWAYS: &str = r#"
const width = document.documentElement.clientWidth;
const inBox = e => {
  for (let p = e.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true;
  }
  return false;
};
const name = e => `${e.tagName.toLowerCase()}.${e.getAttribute('class') || ''}[${e.getAttribute('data-testid') || ''}]`;
const over = [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1 && !inBox(e); })
  .map(name);
const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let t; (t = texts.nextNode());) {
  const range = document.createRange();
  range.selectNodeContents(t);
  const r = range.getBoundingClientRect();
  if (r.width > 0 && r.right > width + 1 && !inBox(t)) over.push(`text "${t.textContent.slice(0, 40)}" in ${name(t.parentElement)}`);
}
return { width, scroll_width: document.documentElement.scrollWidth, over: over.slice(0, 12) };
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web) and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn the_whole_page_fits_a_320_px_wide_phone_without_scrolling_sideways() {
    // WCAG 2.1, 1.4.10 Reflow: content readable at 320 CSS pixels wide without scrolling in two directions.
    let dist = built_page("dist-web", "bash scripts/build-web.sh dist-web");
    let session = PageSession::start_phone(dist, "reflow-logs", 320).await;
    let (c, origin) = (&session.client, &session.origin);
    let measured = async {
        fill(c, origin, &[]).await?;
        c.execute(SIDEWAYS, vec![]).await.map_err(|e| e.to_string())
    }
    .await;
    session.close().await;
    let m = measured.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m["width"], 320, "the window is not 320 px wide: {m}");
    assert_eq!(
        m["scroll_width"], m["width"],
        "the page scrolls sideways at 320 px: {m}"
    );
}

/// The page's largest-contentful-paint entries, in order, each by its element's `id` (which the entry keeps when
/// the element is hidden later, as `#boot` is once the app draws its header), `?` for an element without one.
const LARGEST_PAINTS: &str = r#"
return new Promise((done) => new PerformanceObserver((list) => done(list.getEntries().map((e) => e.id || "?")))
  .observe({ type: "largest-contentful-paint", buffered: true }));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web) and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn what_the_lab_is_is_painted_before_the_app_starts_and_stays_the_largest_paint() {
    // The page's loader starts the wasm once index.html's own text has been painted: a student on a slow phone
    // reads what the lab is while it loads, and that stays the largest paint (Lighthouse's LCP).
    let dist = built_page("dist-web", "bash scripts/build-web.sh dist-web");
    let session = PageSession::start_phone(dist, "first-paint-logs", 412).await;
    let (c, origin) = (&session.client, &session.origin);
    let painted = async {
        open(c, origin, "", &[]).await?;
        c.execute(LARGEST_PAINTS, vec![])
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    session.close().await;
    let painted = painted.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        painted,
        serde_json::json!(["about"]),
        "the largest paints, in order (\"about\": index.html's own text, what the lab is)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web) and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn a_page_whose_program_does_not_load_says_so_instead_of_loading_for_ever() {
    // The built page without its wasm, as a server missing a file would serve it.
    let built = built_page("dist-web", "bash scripts/build-web.sh dist-web");
    let dist = std::env::temp_dir().join(format!("dstream-no-wasm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist).unwrap();
    for entry in std::fs::read_dir(&built).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_file() && !(name.starts_with("dstream-lab_bg-") && name.ends_with(".wasm")) {
            std::fs::copy(&path, dist.join(&name)).unwrap();
        }
    }
    let session = PageSession::start(dist.clone(), "no-wasm-logs", &[]).await;
    let (c, origin) = (&session.client, &session.origin);
    let said = async {
        c.goto(origin).await.map_err(|e| e.to_string())?;
        wait_js(
            c,
            "return document.querySelector('#boot [role=status]').textContent.includes('could not start');",
            Duration::from_secs(30),
            "the loading line to say the page could not start",
        )
        .await?;
        c.execute("return document.querySelector('#boot [role=status]').textContent;", vec![])
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    session.close().await;
    let _ = std::fs::remove_dir_all(&dist);
    let said = said.unwrap_or_else(|e| panic!("{e}"));
    let said = said.as_str().unwrap_or_default();
    assert!(
        said.contains("HTTP 404") && said.contains("Reload the page"),
        "{said}"
    );
}

/// Scrolls mode panel `arguments[0]` into view and, two frames later (the panel drawn, and a batch's scroll to its
/// newest block run), gives its console: how far it is scrolled, how far it can scroll, how many blocks it holds.
const SCROLLED_TO: &str = r#"
const panel = document.querySelectorAll(".panel")[arguments[0]];
panel.scrollIntoView();
return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
  const c = panel.querySelector(".console");
  done({ top: Math.round(c.scrollTop), end: c.scrollHeight - c.clientHeight, blocks: c.children.length });
})));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web) and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn a_console_off_screen_shows_its_newest_batch_when_scrolled_to() {
    // Parts of a panel off screen are neither laid out nor painted (www/style.css: content-visibility); its
    // console must still be at its newest batch when the student scrolls to it, as one drawn all along is.
    let dist = built_page("dist-web", "bash scripts/build-web.sh dist-web");
    let session = PageSession::start(dist, "offscreen-logs", &["--window-size=1280,720"]).await;
    let (c, origin) = (&session.client, &session.origin);
    let consoles = async {
        // A window that slides every batch, so that every console prints at every batch.
        open(c, origin, "source=sim&interval=1&window=2&slide=1", &[]).await?;
        // Enough batches that every console scrolls (each block is a few lines; a console shows about 13).
        wait_js(
            c,
            "return [...document.querySelectorAll('.panel .console')].every((c) => c.children.length >= 6);",
            Duration::from_secs(60),
            "six batches in every console",
        )
        .await?;
        let hidden = c.execute(
            "return [...document.querySelectorAll('.panel')].every((p) => p.getBoundingClientRect().top >= innerHeight);",
            vec![],
        );
        let hidden = hidden.await.map_err(|e| e.to_string())?;
        let mut seen = Vec::new();
        for i in 0..3 {
            let console = c.execute(SCROLLED_TO, vec![serde_json::json!(i)]);
            seen.push(console.await.map_err(|e| e.to_string())?);
        }
        Ok::<_, String>((hidden, seen))
    }
    .await;
    session.close().await;
    let (hidden, seen) = consoles.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        hidden, true,
        "the panels should start below a 1280x720 window"
    );
    for console in &seen {
        assert!(
            console["end"].as_f64() > Some(0.0),
            "a console that does not scroll: {seen:?}"
        );
        assert_eq!(
            console["top"], console["end"],
            "a console not at its newest batch when scrolled to: {seen:?}"
        );
    }
}
