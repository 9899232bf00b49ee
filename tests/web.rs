//! Component tests in a real browser (headless Chromium through chromedriver):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use dstream_lab::chart::ChartPoint;
use dstream_lab::checkpoint::{FORMAT, STORAGE_KEY};
use dstream_lab::engine::{example, Mode, NotebookConfig};
use dstream_lab::model::job_link::encode_program;
use dstream_lab::model::wire::RELAY_URL_KEY;
use dstream_lab::model::{Action, JOBS_STORAGE_KEY, MODE_CODE_STORAGE_KEY};
use dstream_lab::web::app::{App, AppProps};
use dstream_lab::web::chart::{Chart, ChartProps};
use dstream_lab::web::controls::THEME_KEY;
use dstream_lab::web::svg_export::{figure_legend, standalone_svg};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod browser;
use browser::{
    all, by_testid, fresh_root, testid, wait_for, wait_for_some, wait_for_testid, wait_for_text,
};

fn one(root: &Element, id: &str) -> Element {
    let v = by_testid(root, id);
    assert_eq!(v.len(), 1, "exactly one data-testid={id}");
    v.into_iter().next().unwrap()
}

fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().click();
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Waits until the page has rendered every part (its first render comes in stages, the export bar last).
async fn whole_page(root: &Element) {
    wait_for("the whole page", root, || {
        by_testid(root, "pprint").len() == 3 && !by_testid(root, "export-script").is_empty()
    })
    .await;
}

async fn mount_app() -> Element {
    let root = fresh_root();
    yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { inert: true }).render();
    whole_page(&root).await;
    root
}

/// Pauses the app and waits until the step button is enabled, as pausing does.
async fn pause(root: &Element) {
    click(&one(root, "pause"));
    wait_for("the step button enabled by the pause", root, || {
        !one(root, "step")
            .dyn_into::<web_sys::HtmlButtonElement>()
            .unwrap()
            .disabled()
    })
    .await;
    // The run status is redrawn on its own clock: once it says paused, it counts every batch run before the pause.
    wait_for_text(root, &testid("run-status"), "(paused)").await;
}

/// Steps one batch and waits until the run status counts `batches` batches and the checkpoint is saved.
async fn step_to(root: &Element, batches: usize) {
    assert_eq!(step_past(root).await, batches, "batches run after the step");
}

/// Steps one batch and waits until the run status counts more batches than before and the checkpoint is saved;
/// returns the count shown, which the consoles' blocks must match.
async fn step_past(root: &Element) -> usize {
    let before = batches_run(root);
    click(&one(root, "step"));
    wait_for("a batch stepped", root, || batches_run(root) > before).await;
    wait_for("the checkpoint saved after the batch", root, || {
        storage().get_item(STORAGE_KEY).unwrap().is_some()
    })
    .await;
    batches_run(root)
}

#[wasm_bindgen_test]
async fn app_has_the_stable_test_hooks() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let root = mount_app().await;
    for m in Mode::ALL {
        let panel = one(&root, &format!("mode-{}", m.as_str()));
        assert_eq!(
            by_testid(&panel, "pprint").len(),
            1,
            "one console in {}",
            m.as_str()
        );
        assert!(panel
            .text_content()
            .unwrap()
            .contains("StreamingContext(spark.sparkContext, 10)"));
    }
    assert_eq!(by_testid(&root, "pprint").len(), 3);
    let status = one(&root, "source-status");
    assert!(status.text_content().unwrap().starts_with("Source:"));
    assert_eq!(
        status.get_attribute("data-link").as_deref(),
        Some("connecting")
    );
    assert!(one(&root, "mode-window")
        .text_content()
        .unwrap()
        .contains("invFunc = lambda x, y: x - y"));
}

#[wasm_bindgen_test]
async fn a_setting_spark_rejects_shows_the_error_and_keeps_the_pipelines() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let root = mount_app().await;
    let window = one(&root, "window").dyn_into::<HtmlInputElement>().unwrap();
    window.set_value("25");
    let ev = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    window.dispatch_event(&ev).unwrap();
    let err = wait_for_testid(&root, "config-error")
        .await
        .text_content()
        .unwrap();
    assert!(err.contains("multiple"), "{err}");
    assert!(one(&root, "apply")
        .dyn_into::<web_sys::HtmlButtonElement>()
        .unwrap()
        .disabled());
    // The code shown is still the running one.
    assert!(one(&root, "mode-window")
        .text_content()
        .unwrap()
        .contains("windowDuration = 20,"));
}

#[wasm_bindgen_test]
async fn pause_and_step_run_a_batch_into_every_console_and_checkpoint() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let root = mount_app().await;
    pause(&root).await;
    step_to(&root, 1).await;
    let consoles = by_testid(&root, "pprint");
    // Batch 1 is at 10 s with a 10 s slide: all three modes print a header, with no records (no lines).
    for c in &consoles {
        let t = c.text_content().unwrap();
        assert!(
            t.starts_with("-------------------------------------------\nTime: "),
            "{t}"
        );
        assert!(
            t.ends_with("-------------------------------------------\n\n"),
            "{t:?}"
        );
    }
    let saved = storage().get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(saved.contains(&format!("\"format\":{FORMAT}")), "{saved}");
    assert!(one(&root, "run-status")
        .text_content()
        .unwrap()
        .starts_with("1 batches"));
}

/// The `pprint` blocks a console shows, one element each.
fn console_blocks(console: &Element) -> Vec<Element> {
    let blocks = console.children();
    (0..blocks.length())
        .filter_map(|i| blocks.item(i))
        .collect()
}

#[wasm_bindgen_test]
async fn a_batch_adds_its_console_block_and_keeps_the_earlier_blocks_elements() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let root = mount_app().await;
    pause(&root).await;
    step_to(&root, 1).await;
    step_to(&root, 2).await;
    let before: Vec<Vec<Element>> = by_testid(&root, "pprint")
        .iter()
        .map(console_blocks)
        .collect();
    step_to(&root, 3).await;
    for (console, earlier) in by_testid(&root, "pprint").iter().zip(&before) {
        let blocks = console_blocks(console);
        assert_eq!(
            (earlier.len(), blocks.len()),
            (2, 3),
            "blocks before and after the batch"
        );
        for (then, now) in earlier.iter().zip(&blocks) {
            // The same element, not a redrawn one: the browser lays out only the new block.
            assert!(then.is_same_node(Some(now)), "an earlier block was redrawn");
        }
        let texts: Vec<String> = blocks.iter().map(|b| b.text_content().unwrap()).collect();
        for text in &texts {
            assert!(
                text.starts_with("-------------------------------------------\nTime: "),
                "{text:?}"
            );
            assert!(text.ends_with("\n\n"), "{text:?}");
        }
        // The console's text is still exactly what pprint printed, block after block.
        assert_eq!(console.text_content().unwrap(), texts.concat());
    }
}

#[wasm_bindgen_test]
async fn a_corrupt_checkpoint_gives_a_message_and_a_working_page() {
    storage()
        .set_item(STORAGE_KEY, &format!("{{\"format\":{FORMAT},\"config\":"))
        .unwrap();
    let root = mount_app().await;
    let notices = one(&root, "notices").text_content().unwrap();
    // The sentence is asserted whole in `dstream_lab::checkpoint`'s tests; here: the page shows it.
    assert!(
        notices.contains("Could not restore the saved checkpoint: it is damaged"),
        "{notices}"
    );
    assert!(
        notices.contains("the page starts fresh and overwrites it after the first batch."),
        "{notices}"
    );
    assert_eq!(by_testid(&root, "pprint").len(), 3);
    storage().remove_item(STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn a_relay_url_entered_in_the_page_is_kept_across_reloads() {
    storage().remove_item(RELAY_URL_KEY).unwrap();
    let typed = "ws://127.0.0.1:9/ws";
    let first = mount_app().await;
    let input = one(&first, "relay-url")
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    input.set_value(typed);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let form = input
        .closest("form")
        .unwrap()
        .expect("the URL field is in a form");
    form.dispatch_event(&web_sys::Event::new_with_event_init_dict("submit", &init).unwrap())
        .unwrap();
    wait_for("the typed relay URL in storage", &first, || {
        storage().get_item(RELAY_URL_KEY).unwrap().as_deref() == Some(typed)
    })
    .await;
    // A reload: a second app boots with the remembered URL in the field and the status.
    let second = mount_app().await;
    assert_eq!(
        one(&second, "relay-url")
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value(),
        typed
    );
    storage().remove_item(RELAY_URL_KEY).unwrap();
}

fn page_theme() -> Option<String> {
    web_sys::window()?
        .document()?
        .document_element()?
        .get_attribute("data-theme")
}

#[wasm_bindgen_test]
async fn the_chosen_theme_is_kept_across_reloads_and_loading_saves_nothing() {
    storage().remove_item(THEME_KEY).unwrap();
    let first = mount_app().await;
    assert_eq!(page_theme().as_deref(), Some("auto"));
    assert_eq!(
        storage().get_item(THEME_KEY).unwrap(),
        None,
        "a load saves no theme"
    );
    let select = one(&first, "theme")
        .dyn_into::<HtmlSelectElement>()
        .unwrap();
    select.set_value("dark");
    select.dispatch_event(&bubbling("change")).unwrap();
    wait_for("the dark theme on the page and in storage", &first, || {
        page_theme().as_deref() == Some("dark")
            && storage().get_item(THEME_KEY).unwrap().as_deref() == Some("dark")
    })
    .await;
    // A reload: a second app starts in the theme chosen.
    let second = mount_app().await;
    let chosen = one(&second, "theme")
        .dyn_into::<HtmlSelectElement>()
        .unwrap();
    assert_eq!(chosen.value(), "dark");
    storage().remove_item(THEME_KEY).unwrap();
    let root = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap();
    root.set_attribute("data-theme", "auto").unwrap();
}

#[wasm_bindgen_test]
async fn a_saved_checkpoint_is_restored_and_can_be_cleared() {
    storage().remove_item(STORAGE_KEY).unwrap();
    // Make a checkpoint by running one batch, then mount a second app as a reload would.
    let first = mount_app().await;
    pause(&first).await;
    step_to(&first, 1).await;
    let root = mount_app().await;
    let notices = one(&root, "notices").text_content().unwrap();
    assert!(
        notices.contains("Restored from the checkpoint"),
        "{notices}"
    );
    click(&one(&root, "clear-checkpoint"));
    wait_for_text(&root, &testid("notices"), "Checkpoint cleared").await;
    wait_for("the checkpoint removed from storage", &root, || {
        storage().get_item(STORAGE_KEY).unwrap().is_none()
    })
    .await;
}

/// A chart of two batches (at 10 s and 20 s), drawn.
async fn mount_chart() -> Element {
    let root = fresh_root();
    let points = Rc::new(vec![
        ChartPoint {
            time_ms: 10_000,
            counts: [3, 1, 4, 1],
        },
        ChartPoint {
            time_ms: 20_000,
            counts: [5, 9, 2, 6],
        },
    ]);
    yew::Renderer::<Chart>::with_root_and_props(
        root.clone(),
        ChartProps {
            points,
            title: "Stateless".into(),
            cursor: false,
        },
    )
    .render();
    wait_for("the chart's four series", &root, || {
        root.query_selector_all("path.series").unwrap().length() == 4
    })
    .await;
    root
}

#[wasm_bindgen_test]
async fn chart_draws_axes_legend_and_a_keyboard_tooltip() {
    let root = mount_chart().await;
    let text = root.text_content().unwrap();
    assert!(
        text.contains("00:00:10") && text.contains("00:00:20"),
        "{text}"
    );
    for t in ["info", "notice", "error", "unknown"] {
        assert!(text.contains(t));
    }
    let svg = root.query_selector("svg").unwrap().unwrap();
    assert_eq!(svg.get_attribute("tabindex").as_deref(), Some("0"));
    svg.dyn_ref::<web_sys::SvgElement>()
        .unwrap()
        .focus()
        .unwrap();
    let tip = wait_for_text(&root, &testid("chart-tooltip"), "00:00:20").await;
    assert!(tip.contains('9'), "{tip}");
    let key = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &{
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("ArrowLeft");
        init.set_bubbles(true);
        init
    })
    .unwrap();
    svg.dispatch_event(&key).unwrap();
    wait_for_text(&root, &testid("chart-tooltip"), "00:00:10").await;
}

#[wasm_bindgen_test]
fn default_config_is_the_notebooks() {
    assert_eq!(NotebookConfig::default().batch_interval_ms, 10_000);
}

#[wasm_bindgen_test]
async fn the_header_says_which_source_feeds_and_shows_the_back_off() {
    use dstream_lab::model::page::SourceView;
    use dstream_lab::model::{RelayLink, SourceChoice, SourceKind};
    use dstream_lab::web::controls::{SourceBar, SourceBarProps};
    let root = fresh_root();
    yew::Renderer::<SourceBar>::with_root_and_props(
        root.clone(),
        SourceBarProps {
            source: SourceView {
            headline: "Source: built-in simulated source, 5 lines/s — relay ws://h/ws unreachable (no answer); retry 3 in 4 s".into(),
            feeding: Some(SourceKind::Simulated),
            link: RelayLink::Retrying {
                attempt: 2,
                delay_ms: 4_000,
                left_ms: 4_000,
                reason: "no answer".into(),
            },
            choice: SourceChoice::Auto,
            relay_url: "ws://h/ws".into(),
            sim_rate: 5.0,
            relay_lines: 0,
            sim_lines: 12,
            },
            dispatch: yew::Callback::noop(),
        },
    )
    .render();
    let status = wait_for_testid(&root, "source-status").await;
    assert_eq!(status.get_attribute("data-source").as_deref(), Some("sim"));
    assert_eq!(
        status.get_attribute("data-link").as_deref(),
        Some("retrying")
    );
    assert!(status.text_content().unwrap().contains("retry 3 in 4 s"));
    assert!(root.text_content().unwrap().contains("Retry now"));
    assert_eq!(
        one(&root, "relay-url")
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value(),
        "ws://h/ws"
    );
}

// Student jobs: the examples menu, the editor, Run, errors, links.

/// A fresh app with no checkpoint and no saved jobs.
async fn mount_without_jobs() -> Element {
    storage().remove_item(STORAGE_KEY).unwrap();
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
    mount_app().await
}

fn bubbling(kind: &str) -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict(kind, &init).unwrap()
}

/// Picks `example` in the menu and presses "New job"; returns the new (last) job panel's textarea.
async fn new_job(root: &Element, example: &str) -> HtmlTextAreaElement {
    let before = by_testid(root, "job").len();
    let menu = one(root, "job-example")
        .dyn_into::<HtmlSelectElement>()
        .unwrap();
    menu.set_value(example);
    click(&one(root, "job-new"));
    wait_for("a new job panel", root, || {
        by_testid(root, "job").len() == before + 1
    })
    .await;
    let panel = by_testid(root, "job").pop().unwrap();
    one(&panel, "job-code").dyn_into().unwrap()
}

/// Types `text` into the editor, as an input event does.
fn type_code(area: &HtmlTextAreaElement, text: &str) {
    area.set_value(text);
    area.dispatch_event(&bubbling("input")).unwrap();
}

fn key(area: &HtmlTextAreaElement, key: &str, ctrl: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    area.dispatch_event(&ev).unwrap();
}

/// The job panel holding `area`.
fn panel_of(area: &HtmlTextAreaElement) -> Element {
    area.closest(&testid("job")).unwrap().unwrap()
}

async fn status_is(panel: &Element, text: &str) {
    wait_for_text(panel, &testid("job-status"), text).await;
}

#[wasm_bindgen_test]
async fn the_examples_menu_opens_a_job_with_the_examples_code_coloured() {
    let root = mount_without_jobs().await;
    let area = new_job(&root, "count_by_value").await;
    let source = example("count_by_value").unwrap().source;
    assert_eq!(area.value(), source);
    let panel = panel_of(&area);
    assert!(panel.text_content().unwrap().contains("countByValue"));
    // The coloured layer shows the same text, keywords and strings marked.
    let layer = panel.query_selector(".editor-layer").unwrap().unwrap();
    assert_eq!(layer.text_content().unwrap(), format!("{source}\n"));
    assert!(!all(&layer, ".tok-keyword").is_empty());
    assert!(!all(&layer, ".tok-string").is_empty());
    // One number per line of the source.
    let numbers = panel.query_selector(".editor-gutter").unwrap().unwrap();
    let expected: String = (1..=source.split('\n').count())
        .map(|n| format!("{n}\n"))
        .collect();
    assert_eq!(numbers.text_content().unwrap(), expected);
    // Accessible: the textarea has a label and is described by the help.
    let label = panel.query_selector("label.editor-label").unwrap().unwrap();
    assert_eq!(label.get_attribute("for"), area.get_attribute("id"));
    let help = area.get_attribute("aria-describedby").unwrap();
    assert!(panel
        .query_selector(&format!("#{help}"))
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
        .contains("Esc, then Tab"));
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn editing_a_jobs_code_and_running_it_changes_its_console() {
    let root = mount_without_jobs().await;
    pause(&root).await;
    let area = new_job(&root, "network_word_count").await;
    let panel = panel_of(&area);
    status_is(&panel, "not running").await;
    type_code(
        &area,
        &format!("print('hello from my job')\n{}", area.value()),
    );
    click(&one(&panel, "job-run"));
    status_is(&panel, "starts with the next batch").await;
    wait_for_text(&panel, &testid("job-console"), "hello from my job").await;
    step_to(&root, 1).await;
    status_is(&panel, "running: 0 batches").await;
    step_to(&root, 2).await;
    status_is(&panel, "running: 1 batches").await;
    let console = wait_for_text(&panel, &testid("job-console"), "Time: ").await;
    assert!(console.starts_with("hello from my job\n"), "{console}");
    // The editor's keys: Enter keeps the indentation after a colon, Tab indents, Ctrl-Enter runs.
    type_code(&area, "if True:");
    area.set_selection_range(8, 8).unwrap();
    key(&area, "Enter", false);
    assert_eq!(area.value(), "if True:\n    ");
    key(&area, "Tab", false);
    assert_eq!(area.value(), "if True:\n        ");
    key(&area, "Escape", false);
    key(&area, "Tab", false);
    assert_eq!(
        area.value(),
        "if True:\n        ",
        "after Esc, Tab leaves the editor"
    );
    type_code(&area, "print('no StreamingContext')");
    key(&area, "Enter", true);
    status_is(&panel, "ended").await;
    wait_for_text(&panel, &testid("job-console"), "no StreamingContext").await;
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn a_syntax_error_is_shown_at_its_line_with_the_caret() {
    let root = mount_without_jobs().await;
    let area = new_job(&root, "network_word_count").await;
    let panel = panel_of(&area);
    let code = area
        .value()
        .replace("lambda x, y: x + y", "lambda x, y: x +* y");
    let line = code.lines().position(|l| l.contains("+*")).unwrap() + 1;
    type_code(&area, &code);
    click(&one(&panel, "job-run"));
    let error = wait_for_text(&panel, &testid("job-error"), "SyntaxError: invalid syntax").await;
    assert!(
        error.starts_with(&format!("Line {line}:\n  File \"job.py\", line {line}\n")),
        "{error}"
    );
    let shown: Vec<&str> = error.lines().collect();
    let caret = shown[3].find('^').unwrap();
    assert_eq!(&shown[2][caret..caret + 1], "*", "{error}");
    let marked = one(&panel, "job-status");
    assert!(marked
        .text_content()
        .unwrap()
        .contains("stopped before its first batch"));
    let gutter = panel
        .query_selector(".gutter-line.error-line")
        .unwrap()
        .unwrap();
    assert_eq!(gutter.text_content().unwrap(), format!("▶{line}"));
    assert_eq!(area.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(area
        .get_attribute("aria-describedby")
        .unwrap()
        .contains("-error"));
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn a_runtime_error_stops_only_its_job() {
    // A live page (not inert): the built-in source feeds lines, so a lambda meets records.
    let (root, app) = open_with("?source=sim&rate=200", false).await;
    pause(&root).await;
    // The batch clock runs until the pause: a batch boundary may have passed since the page opened.
    let ran = batches_run(&root);
    let good = panel_of(&new_job(&root, "network_word_count").await);
    click(&one(&good, "job-run"));
    let bad_area = new_job(&root, "network_word_count").await;
    let bad = panel_of(&bad_area);
    let code = bad_area
        .value()
        .replace("lambda word: (word, 1)", "lambda word: (word, 1 // 0)");
    let line = code.lines().position(|l| l.contains("1 // 0")).unwrap() + 1;
    type_code(&bad_area, &code);
    click(&one(&bad, "job-run"));
    status_is(&bad, "starts with the next batch").await;
    step_to(&root, ran + 1).await;
    status_is(&bad, "running: 0 batches").await;
    wait_for(
        "lines from the built-in source in the open batch",
        &root,
        || {
            let status = one(&root, "run-status").text_content().unwrap();
            !status.contains(" 0 lines in the open batch")
        },
    )
    .await;
    step_to(&root, ran + 2).await;
    status_is(&bad, "stopped at batch 1").await;
    let error = wait_for_text(&bad, &testid("job-error"), "ZeroDivisionError").await;
    assert!(
        error.contains("Traceback (most recent call last):"),
        "{error}"
    );
    assert!(
        error.contains(&format!("line {line}, in <lambda>")),
        "{error}"
    );
    step_to(&root, ran + 3).await;
    status_is(&good, "running: 2 batches").await;
    status_is(&bad, "stopped at batch 1").await;
    for m in Mode::ALL {
        let console = one(&one(&root, &format!("mode-{}", m.as_str())), "pprint");
        assert_eq!(
            console.text_content().unwrap().matches("Time: ").count(),
            ran + 3
        );
    }
    app.destroy();
    storage().remove_item(STORAGE_KEY).unwrap();
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
}

/// Mounts the app as if the page's address had the query `query` (set with `history.replaceState`, put back
/// once the app has booted from it), with no checkpoint and no saved jobs.
async fn open_with(query: &str, inert: bool) -> (Element, yew::AppHandle<App>) {
    let history = web_sys::window().unwrap().history().unwrap();
    let original = web_sys::window().unwrap().location().href().unwrap();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query))
        .unwrap();
    storage().remove_item(STORAGE_KEY).unwrap();
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
    let root = fresh_root();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { inert }).render();
    whole_page(&root).await;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&original))
        .unwrap();
    (root, app)
}

#[wasm_bindgen_test]
async fn a_job_link_opens_its_program_and_a_broken_one_says_why() {
    let program = example("error_count")
        .unwrap()
        .source
        .replace("10)", "10)  # from the link");
    let (root, _app) = open_with(&format!("?job={}", encode_program(&program)), true).await;
    let area: HtmlTextAreaElement = wait_for_testid(&root, "job-code").await.dyn_into().unwrap();
    assert_eq!(area.value(), program);
    status_is(&panel_of(&area), "starts with the next batch").await;
    let value = encode_program(&program);
    let (root, _app) = open_with(&format!("?job={}", &value[..value.len() - 8]), true).await;
    wait_for_text(&root, &testid("notices"), "could not be read").await;
    assert!(by_testid(&root, "job").is_empty());
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn an_injected_line_is_counted_in_the_next_batch_by_all_three_modes() {
    // The built-in source, not started (inert): the typed line is the batch's only line.
    let (root, _app) = open_with("?source=sim&interval=1&window=2&slide=1", true).await;
    pause(&root).await;
    // A ready line fills the box; the student may edit it before injecting.
    let ready = by_testid(&root, "inject-ready");
    assert_eq!(ready.len(), 4);
    click(&ready[0]);
    let input = one(&root, "inject-line")
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    assert!(input.value().contains("[error]"), "{}", input.value());
    input.set_value("[error] typed in class");
    click(&one(&root, "inject-submit"));
    wait_for_text(&root, &testid("inject-count"), "1 line injected").await;
    wait_for_text(&root, &testid("run-status"), "1 lines in the open batch").await;
    step_to(&root, 1).await;
    for console in by_testid(&root, "pprint") {
        let text = console.text_content().unwrap();
        assert!(text.contains("('error', 1)"), "{text}");
    }
    storage().remove_item(STORAGE_KEY).unwrap();
}

/// The open batch's line count in the run status.
/// The batches the run status counts.
fn batches_run(root: &Element) -> usize {
    let status = one(root, "run-status").text_content().unwrap();
    status
        .split(" batches")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no batch count in {status:?}"))
}

fn open_batch_lines(root: &Element) -> u64 {
    let status = one(root, "run-status").text_content().unwrap();
    let before = status
        .split(" lines in the open batch")
        .next()
        .unwrap_or_default();
    before
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no open batch count in {status:?}"))
}

#[wasm_bindgen_test]
async fn lines_taken_without_a_render_show_within_a_redraw_while_paused() {
    // The built-in source running at 200 lines/s: its lines render only through the redraw, since the pause
    // stops the batches (whose renders would otherwise show them).
    let (root, app) = open_with("?source=sim&rate=200&interval=10", false).await;
    pause(&root).await;
    let at_pause = open_batch_lines(&root);
    wait_for("the open batch count to grow while paused", &root, || {
        open_batch_lines(&root) > at_pause
    })
    .await;
    let shown = open_batch_lines(&root);
    wait_for("the open batch count to grow again", &root, || {
        open_batch_lines(&root) > shown
    })
    .await;
    app.destroy();
    storage().remove_item(STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn a_chart_exports_as_a_standalone_svg_with_its_styles_and_legend() {
    // The page's style sheet is not loaded in component tests: one rule stands in for it.
    let document = browser::document();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(
        ".series.t-error { stroke: rgb(200, 10, 20); } .swatch.t-error { background: rgb(200, 10, 20); }",
    ));
    document.head().unwrap().append_child(&style).unwrap();
    let root = mount_chart().await;
    assert_eq!(
        by_testid(&root, "chart-svg").len(),
        1,
        "a Download SVG button"
    );
    let figure = root.query_selector("figure").unwrap().unwrap();
    let svg = figure.query_selector("svg").unwrap().unwrap();
    let legend = figure_legend(&figure);
    let labels: Vec<&str> = legend.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["info", "notice", "error", "unknown"]);
    assert_eq!(legend[2].0, "rgb(200, 10, 20)");
    let text = standalone_svg(&svg, &legend).unwrap();
    style.remove();
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg"),
        "{text}"
    );
    assert!(
        text.contains("xmlns=\"http://www.w3.org/2000/svg\""),
        "{text}"
    );
    assert_eq!(text.matches("<path").count(), 4, "{text}");
    // The error series carries its computed colour; the legend is drawn in the file, under the chart.
    assert!(text.contains("stroke:rgb(200, 10, 20);"), "{text}");
    assert!(text.contains("fill=\"rgb(200, 10, 20)\""), "{text}");
    for label in ["info", "notice", "error", "unknown"] {
        assert!(
            text.contains(&format!(">{label}</text>")),
            "{label}: {text}"
        );
    }
    assert!(!text.contains("tabindex"), "{text}");
    assert!(!text.contains("var("), "{text}");
}

#[wasm_bindgen_test]
async fn a_jobs_panel_draws_its_programs_graph_state_calls_and_batches() {
    let root = mount_without_jobs().await;
    pause(&root).await;
    let area = new_job(&root, "notebook_cumulative").await;
    let panel = panel_of(&area);
    let download = one(&panel, "job-download");
    assert_eq!(
        download.get_attribute("download").as_deref(),
        Some("job.py")
    );
    assert!(download
        .get_attribute("href")
        .unwrap()
        .starts_with("data:text/x-python"));
    click(&one(&panel, "job-run"));
    // Before its first batch the graph is drawn, without counts.
    wait_for_testid(&panel, "job-lineage").await;
    let ops: Vec<String> = by_testid(&panel, "job-lineage-node")
        .iter()
        .map(|n| n.get_attribute("data-op").unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "socketTextStream",
            "map",
            "map",
            "reduceByKey",
            "updateStateByKey",
            "pprint"
        ]
    );
    step_to(&root, 1).await;
    step_to(&root, 2).await;
    status_is(&panel, "running: 1 batches").await;
    wait_for("the job's first batch in its table", &panel, || {
        panel
            .query_selector("[data-testid=job-metrics] tr[data-batch='1']")
            .unwrap()
            .is_some()
    })
    .await;
    let records: Vec<String> = by_testid(&panel, "job-lineage-node")
        .iter()
        .map(|n| n.get_attribute("data-records").unwrap_or_default())
        .collect();
    // Every line becomes one type and one pair: the maps made as many records as lines came in.
    assert_eq!(records[1], records[0]);
    assert_eq!(records[2], records[0]);
    assert_eq!(records[5], "", "an output makes no records");
    let calls = one(&panel, "job-state-calls");
    assert!(calls
        .text_content()
        .unwrap()
        .contains("updateStateByKey (line "));
    storage().remove_item(JOBS_STORAGE_KEY).unwrap();
}

/// The editor, the status and the console of `mode`'s panel.
fn mode_parts(root: &Element, mode: Mode) -> (Element, HtmlTextAreaElement) {
    let panel = one(root, &format!("mode-{}", mode.as_str()));
    let area = one(&panel, "mode-code").dyn_into().unwrap();
    (panel, area)
}

/// Waits until the open batch holds a line of the built-in source.
async fn lines_in_the_open_batch(root: &Element) {
    wait_for(
        "lines from the built-in source in the open batch",
        root,
        || {
            let status = one(root, "run-status").text_content().unwrap();
            !status.contains(" 0 lines in the open batch")
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_modes_cell_is_edited_run_marked_at_its_error_and_reset_to_the_notebook() {
    storage().remove_item(MODE_CODE_STORAGE_KEY).unwrap();
    let (root, app) = open_with("?source=sim&rate=200", false).await;
    pause(&root).await;
    let (stateless, area) = mode_parts(&root, Mode::Stateless);
    assert!(area.value().contains("codes_count.pprint()"));
    // Every line counted as 'mine' instead of its message type.
    let mine = area.value().replacen(
        "lines.map(get_message_type)",
        "lines.map(lambda l: 'mine')",
        1,
    );
    type_code(&area, &mine);
    click(&one(&stateless, "mode-run"));
    wait_for_text(
        &stateless,
        &testid("mode-status"),
        "runs your edited program",
    )
    .await;
    // A wall-clock batch may have run between the page's start and the pause: count from the page.
    let mut ran = 0;
    for _ in 1..=2 {
        lines_in_the_open_batch(&root).await;
        ran = step_past(&root).await;
    }
    let console = wait_for_text(&stateless, &testid("pprint"), "('mine', ").await;
    assert_eq!(console.matches("Time: ").count(), ran, "{console}");
    let note = one(&stateless, "mode-edited-note").text_content().unwrap();
    assert!(
        note.contains("follow the notebook's (message type, count) records only"),
        "{note}"
    );
    let bar = one(&root, "settings-edited").text_content().unwrap();
    assert!(
        bar.starts_with("Stateless holds your edited program: Apply rewrites"),
        "{bar}"
    );
    let (cumulative, _) = mode_parts(&root, Mode::Cumulative);
    let totals = one(&cumulative, "pprint").text_content().unwrap();
    assert!(
        !totals.contains("mine") && totals.contains("('info', "),
        "{totals}"
    );
    assert!(by_testid(&cumulative, "mode-edited-note").is_empty());

    // A syntax error in the window's program: shown at its line in that panel; the other modes run on.
    let (window, window_area) = mode_parts(&root, Mode::Window);
    let notebook = window_area.value();
    let bad = notebook.replacen("lambda x, y: x + y", "lambda x, y: x +* y", 1);
    let line = bad.lines().position(|l| l.contains("+*")).unwrap() + 1;
    type_code(&window_area, &bad);
    key(&window_area, "Enter", true);
    let error = wait_for_text(
        &window,
        &testid("mode-error"),
        "SyntaxError: invalid syntax",
    )
    .await;
    assert!(
        error.starts_with(&format!(
            "Line {line}:\n  File \"window.py\", line {line}\n"
        )),
        "{error}"
    );
    let marked = window
        .query_selector(".gutter-line.error-line")
        .unwrap()
        .unwrap();
    assert_eq!(marked.text_content().unwrap(), format!("▶{line}"));
    wait_for_text(
        &window,
        &testid("mode-status"),
        "stopped before its first batch",
    )
    .await;
    let window_blocks = one(&window, "pprint")
        .text_content()
        .unwrap()
        .matches("Time: ")
        .count();
    lines_in_the_open_batch(&root).await;
    let ran = step_past(&root).await;
    for (panel, blocks) in [
        (&stateless, ran),
        (&cumulative, ran),
        (&window, window_blocks),
    ] {
        let shown = one(panel, "pprint").text_content().unwrap();
        assert_eq!(shown.matches("Time: ").count(), blocks, "{shown}");
    }
    assert!(by_testid(&stateless, "mode-error").is_empty());

    // Reset to the notebook: the notebook's program is back and runs again from the batch after the open one.
    lines_in_the_open_batch(&root).await;
    click(&one(&window, "mode-reset"));
    wait_for_text(
        &window,
        &testid("mode-status"),
        "runs the notebook's program",
    )
    .await;
    assert_eq!(window_area.value(), notebook);
    assert!(by_testid(&window, "mode-error").is_empty());
    // Counted from the page, as above: a wall-clock batch before the pause makes every count one higher.
    step_past(&root).await;
    lines_in_the_open_batch(&root).await;
    step_past(&root).await;
    let shown = one(&window, "pprint").text_content().unwrap();
    assert_eq!(
        shown.matches("Time: ").count(),
        window_blocks + 1,
        "{shown}"
    );
    assert!(shown.contains("('info', "), "{shown}");
    // The edit is kept for the next visit.
    let kept = storage().get_item(MODE_CODE_STORAGE_KEY).unwrap().unwrap();
    assert!(kept.contains("lambda l: 'mine'"), "{kept}");
    app.destroy();
    storage().remove_item(STORAGE_KEY).unwrap();
    storage().remove_item(MODE_CODE_STORAGE_KEY).unwrap();
}

/// A URL for the relay socket's worker (`www/relay-socket.js`), with `stand_in` (JavaScript run before it, such as
/// a stand-in `WebSocket` class) in front.
fn socket_worker_url(stand_in: &str) -> String {
    let script =
        serde_json::to_string(&(stand_in.to_string() + include_str!("../www/relay-socket.js")))
            .unwrap();
    js_sys::eval(&format!(
        "URL.createObjectURL(new Blob([{script}], {{ type: 'text/javascript' }}))"
    ))
    .unwrap()
    .as_string()
    .unwrap()
}

/// The relay socket's worker (`www/relay-socket.js`) answers the view model in the messages `host::socket`
/// reads: a URL the browser refuses, and one nothing listens on, each close that attempt.
#[wasm_bindgen_test]
async fn the_relay_sockets_worker_reports_each_failed_attempt_as_its_close() {
    use dstream_lab::host::socket::SocketWorker;
    use std::cell::RefCell;
    use std::rc::Rc;
    let url = socket_worker_url("");
    let got = Rc::new(RefCell::new(Vec::new()));
    let sink = got.clone();
    let worker = SocketWorker::start(&url, Rc::new(move |a| sink.borrow_mut().push(a))).unwrap();
    let root = fresh_root();
    worker.open(7, "not a url");
    let first = wait_for_some("the refused URL's close", &root, || {
        got.borrow().first().cloned()
    })
    .await;
    match first {
        Action::RelayClosed {
            seq: 7,
            code: 1006,
            reason,
        } => {
            assert!(reason.starts_with("bad URL: "), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    // Port 9 (discard): nothing listens on this machine's loopback.
    worker.open(8, "ws://127.0.0.1:9/ws");
    let second = wait_for_some("the unreachable relay's close", &root, || {
        got.borrow().get(1).cloned()
    })
    .await;
    assert!(
        matches!(
            second,
            Action::RelayClosed {
                seq: 8,
                code: 1006,
                ..
            }
        ),
        "{second:?}"
    );
    assert_eq!(
        got.borrow().len(),
        2,
        "no open, no frame: {:?}",
        got.borrow()
    );
}

/// The relay socket's worker with a stand-in WebSocket (defined before `www/relay-socket.js`) that delivers
/// `frames` frames of 1 MiB once it opens, one per task (as a socket's messages come); `answer`: whether the view
/// model says it took each frame.
async fn frames_through_the_socket_worker(frames: u32, answer: bool) -> Vec<String> {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    let stand_in = format!(
        "class WebSocket {{
           constructor() {{
             let sent = 0;
             const next = () => {{
               if (sent++ < {frames} && this.onmessage) {{
                 this.onmessage({{ data: new ArrayBuffer(1 << 20) }});
                 setTimeout(next, 0);
               }}
             }};
             setTimeout(() => {{ this.onopen && this.onopen(); next(); }}, 0);
           }}
           close() {{}}
         }}
         WebSocket.OPEN = 1;
         "
    );
    let url = socket_worker_url(&stand_in);
    let worker = web_sys::Worker::new(&url).unwrap();
    let got = Rc::new(RefCell::new(Vec::new()));
    let on_message = {
        let (got, worker) = (got.clone(), worker.clone());
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            let field = |k: &str| js_sys::Reflect::get(&data, &k.into()).unwrap();
            let kind = field("kind").as_string().unwrap();
            if kind == "binary" && answer {
                let took = js_sys::Object::new();
                js_sys::Reflect::set(&took, &"kind".into(), &"took".into()).unwrap();
                js_sys::Reflect::set(&took, &"bytes".into(), &(1 << 20).into()).unwrap();
                worker.post_message(&took).unwrap();
            }
            let reason = field("reason").as_string().unwrap_or_default();
            got.borrow_mut().push(format!("{kind}{reason}"));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let open = js_sys::Object::new();
    js_sys::Reflect::set(&open, &"kind".into(), &"open".into()).unwrap();
    js_sys::Reflect::set(&open, &"seq".into(), &1.into()).unwrap();
    js_sys::Reflect::set(&open, &"url".into(), &"ws://stand-in/ws".into()).unwrap();
    worker.post_message(&open).unwrap();
    let root = fresh_root();
    let total = frames as usize + 1;
    wait_for("the stand-in's frames", &root, || {
        let got = got.borrow();
        got.len() >= total || got.last().is_some_and(|m| m.starts_with("close"))
    })
    .await;
    // A moment for anything that should not come.
    yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    worker.terminate();
    drop(on_message);
    got.take()
}

#[wasm_bindgen_test]
async fn the_relay_sockets_worker_closes_the_socket_64_mib_ahead_of_the_view_model() {
    let unanswered = frames_through_the_socket_worker(80, false).await;
    let binary = unanswered.iter().filter(|m| *m == "binary").count();
    assert_eq!(binary, 64, "{:?}", &unanswered[60..]);
    assert_eq!(
        unanswered.last().map(String::as_str),
        Some("closethis page fell 64 MiB behind the relay")
    );
    // The same frames, each taken: none is held back.
    let answered = frames_through_the_socket_worker(80, true).await;
    assert_eq!(answered.iter().filter(|m| *m == "binary").count(), 80);
    assert!(
        !answered.iter().any(|m| m.starts_with("close")),
        "{answered:?}"
    );
}

/// The relay socket's worker with a stand-in WebSocket that agrees to the first subprotocol offered when `agree`
/// (as the relay does), or to none (as an older relay or another server does): the action the view model gets
/// when the socket opens.
async fn opened_through_the_socket_worker(agree: bool) -> Action {
    use dstream_lab::host::socket::SocketWorker;
    use std::cell::RefCell;
    use std::rc::Rc;
    let stand_in = format!(
        "class WebSocket {{
           constructor(url, protocols) {{
             this.protocol = {agree} ? protocols[0] : '';
             setTimeout(() => this.onopen && this.onopen(), 0);
           }}
           close() {{}}
         }}
         WebSocket.OPEN = 1;
         "
    );
    let url = socket_worker_url(&stand_in);
    let got = Rc::new(RefCell::new(Vec::new()));
    let sink = got.clone();
    let worker = SocketWorker::start(&url, Rc::new(move |a| sink.borrow_mut().push(a))).unwrap();
    worker.open(3, "ws://stand-in/ws");
    let root = fresh_root();
    wait_for_some("the stand-in's open", &root, || {
        got.borrow().first().cloned()
    })
    .await
}

#[wasm_bindgen_test]
async fn the_relay_sockets_worker_asks_for_lz4_frames_and_reports_what_the_relay_agreed_to() {
    use dstream_protocol::FrameEncoding;
    assert_eq!(
        opened_through_the_socket_worker(true).await,
        Action::RelayOpened {
            seq: 3,
            encoding: FrameEncoding::Lz4
        }
    );
    assert_eq!(
        opened_through_the_socket_worker(false).await,
        Action::RelayOpened {
            seq: 3,
            encoding: FrameEncoding::Plain
        }
    );
}
