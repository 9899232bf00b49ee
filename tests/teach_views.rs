//! The teaching views rendered in a real browser (headless Chromium) from real `BatchReport`s of a real
//! `NotebookLab`, checking what they show against the engine's numbers:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p dstream-lab --target wasm32-unknown-unknown --test teach_views`.
#![cfg(target_arch = "wasm32")]

use dstream_lab::engine::{
    BatchReport, MessageType, Mode, NotebookConfig, NotebookLab, StreamNode, WindowExplain,
};
use dstream_lab::model::batch_log::{BatchLog, Timing};
use dstream_lab::model::Action;
use dstream_lab::teach::export::{history_csv, ExportForm, ExportView};
use dstream_lab::teach::lineage::lineage;
use dstream_lab::teach::metrics::metrics_view;
use dstream_lab::teach::state::state_view;
use dstream_lab::teach::view::{
    ExportBar, ExportProps, LineageProps, LineageView, MetricsPanel, MetricsProps, StateCallsProps,
    StateCallsView, WindowTimelineProps, WindowTimelineView,
};
use dstream_lab::teach::window::timeline;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

mod browser;
use browser::{all, fresh_root, wait_for, wait_for_one};

fn one(root: &Element, selector: &str) -> Element {
    let v = all(root, selector);
    assert_eq!(v.len(), 1, "exactly one {selector}");
    v.into_iter().next().unwrap()
}

fn text(e: &Element) -> String {
    e.text_content().unwrap_or_default()
}

fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

/// Runs `batches` of lines through a lab with `config`, recording them in a `BatchLog`.
/// The DStream graphs the modes' programs build with `config`, in [`Mode::ALL`] order.
fn graphs(config: &NotebookConfig) -> [Vec<StreamNode>; 3] {
    let lab = NotebookLab::new(config.clone(), 0).unwrap();
    Mode::ALL.map(|m| lab.graph(m))
}

fn run(config: &NotebookConfig, batches: &[&[&str]]) -> (BatchLog, Vec<BatchReport>) {
    let mut lab = NotebookLab::new(config.clone(), 0).unwrap();
    let mut log = BatchLog::default();
    let mut reports = Vec::new();
    for (i, lines) in batches.iter().enumerate() {
        for l in *lines {
            lab.push_line(l);
        }
        let r = lab.run_batch();
        log.record(
            &r,
            Timing {
                processing_ms: Some(0.25 * (i + 1) as f64),
                delay_ms: Some(i as f64),
            },
        );
        reports.push(r);
    }
    (log, reports)
}

fn records(r: &BatchReport, mode: Mode) -> Vec<(MessageType, i64)> {
    r.outputs
        .iter()
        .find(|o| o.mode == mode)
        .map(|o| o.records.clone())
        .unwrap_or_default()
}

async fn render_timeline(config: &NotebookConfig, log: &BatchLog) -> Element {
    let root = fresh_root();
    let tl = timeline(config, log).map(Rc::new);
    yew::Renderer::<WindowTimelineView>::with_root_and_props(
        root.clone(),
        WindowTimelineProps {
            timeline: tl,
            config: config.clone(),
        },
    )
    .render();
    wait_for_one(&root, "[data-testid=window-timeline]").await;
    root
}

fn arithmetic(root: &Element) -> Vec<(String, i64)> {
    all(root, "[data-testid=window-arithmetic] li[data-key]")
        .iter()
        .map(|li| {
            (
                attr(li, "data-key"),
                attr(li, "data-value").parse().unwrap(),
            )
        })
        .collect()
}

fn printed(recs: &[(MessageType, i64)]) -> Vec<(String, i64)> {
    recs.iter()
        .map(|(k, v)| (k.as_str().to_string(), *v))
        .collect()
}

#[wasm_bindgen_test]
async fn window_timeline_shows_the_subtracting_path() {
    let config = NotebookConfig {
        window_ms: 50_000,
        ..NotebookConfig::default()
    };
    let mut batches: Vec<&[&str]> = vec![&["[error] x", "[info] y"], &["[info] z", "[notice] n"]];
    batches.extend(std::iter::repeat_n(&["[info] w"][..], 5));
    let (log, reports) = run(&config, &batches);
    let last = reports.last().unwrap();
    let root = render_timeline(&config, &log).await;
    let section = one(&root, "[data-testid=window-timeline]");
    assert_eq!(attr(&section, "data-batch"), last.batch.to_string());
    one(&root, "[data-path=subtract]");
    // The per-key results are the window the engine printed, in its order.
    assert_eq!(arithmetic(&root), printed(&records(last, Mode::Window)));
    let Some(WindowExplain::Subtract {
        leaving,
        arriving,
        keys,
    }) = &last.window_explain
    else {
        panic!("50 s / 10 s subtracts")
    };
    let rows = all(&root, "[data-testid=window-arithmetic] li[data-key]");
    for (row, k) in rows.iter().zip(keys) {
        let old = k
            .old
            .map_or_else(|| "new in the window, 0".to_string(), |o| o.to_string());
        assert!(
            text(row).contains(&format!("{old} + {} − {}", k.arriving, k.leaving)),
            "{}",
            text(row)
        );
    }
    let added: Vec<String> = all(&root, "[data-testid=window-added] li[data-time]")
        .iter()
        .map(|e| attr(e, "data-time"))
        .collect();
    assert_eq!(
        added,
        arriving
            .iter()
            .map(|b| b.time_ms.to_string())
            .collect::<Vec<_>>()
    );
    let subtracted: Vec<String> = all(&root, "[data-testid=window-subtracted] li[data-time]")
        .iter()
        .map(|e| attr(e, "data-time"))
        .collect();
    assert_eq!(
        subtracted,
        leaving
            .iter()
            .map(|b| b.time_ms.to_string())
            .collect::<Vec<_>>()
    );
    // The strip marks the same batches, and each cell shows the batch's line count.
    let arriving_cells = all(&root, "[data-testid=window-strip] li[data-role=arriving]");
    assert_eq!(arriving_cells.len(), 1);
    assert_eq!(
        attr(&arriving_cells[0], "data-time"),
        last.time_ms.to_string()
    );
    assert_eq!(
        text(&one(&arriving_cells[0], ".cell-total")),
        last.lines.to_string()
    );
    assert_eq!(
        all(&root, "[data-testid=window-strip] li[data-role=leaving]").len(),
        1
    );
    assert_eq!(all(&root, "[data-testid=window-strip] .in-window").len(), 5);
    // Error and notice left with the first two batches and still print with 0: explained.
    assert!(records(last, Mode::Window).contains(&(MessageType::Error, 0)));
    assert!(records(last, Mode::Window).contains(&(MessageType::Notice, 0)));
    let note = text(&one(&root, "[data-testid=zero-note]"));
    assert!(
        note.contains("('error', 0)") && note.contains("('notice', 0)"),
        "{note}"
    );
    assert!(note.contains("still print:"), "{note}");
}

#[wasm_bindgen_test]
async fn window_timeline_says_why_it_recomputes() {
    let config = NotebookConfig::default();
    let (log, reports) = run(
        &config,
        &[
            &["[info] a", "[error] b"],
            &["[info] c"],
            &["[notice] d", "[info] e"],
        ],
    );
    let last = reports.last().unwrap();
    let root = render_timeline(&config, &log).await;
    one(&root, "[data-path=recompute]");
    let Some(WindowExplain::Recompute { reason, batches }) = &last.window_explain else {
        panic!("20 s / 10 s recomputes")
    };
    assert_eq!(text(&one(&root, "[data-testid=window-reason]")), *reason);
    let reduced: Vec<String> = all(&root, "[data-testid=window-reduced] li[data-time]")
        .iter()
        .map(|e| attr(e, "data-time"))
        .collect();
    assert_eq!(
        reduced,
        batches
            .iter()
            .map(|b| b.time_ms.to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(arithmetic(&root), printed(&records(last, Mode::Window)));
    assert_eq!(
        all(&root, "[data-testid=window-strip] li[data-role=reduced]").len(),
        2
    );
    assert!(all(&root, "[data-testid=zero-note]").is_empty());

    // Before the first window: a sentence, no strip.
    let empty = render_timeline(&config, &BatchLog::default()).await;
    assert!(text(&empty).contains("every 10 s"));
    assert!(all(&empty, "[data-testid=window-strip]").is_empty());
}

#[wasm_bindgen_test]
async fn state_view_shows_the_update_calls() {
    let config = NotebookConfig::default();
    let (log, reports) = run(
        &config,
        &[
            &["[info] a", "[error] b", "[error] c"],
            &["[notice] n", "[info] d"],
        ],
    );
    let last = reports.last().unwrap();
    let root = fresh_root();
    yew::Renderer::<StateCallsView>::with_root_and_props(
        root.clone(),
        StateCallsProps {
            view: log.last().map(|l| Rc::new(state_view(l))),
        },
    )
    .render();
    wait_for_one(&root, "[data-testid=state-calls]").await;
    let calls: Vec<String> = all(&root, "[data-testid=state-calls] li.call code")
        .iter()
        .map(text)
        .collect();
    let expected: Vec<String> = last.state_calls.iter().map(|c| c.notebook_text()).collect();
    assert_eq!(calls, expected);
    assert!(calls.contains(&"updateFunction(newValues=[1], runningCount=1) -> 2".to_string()));
    assert!(calls.contains(&"updateFunction(newValues=[], runningCount=2) -> 2".to_string()));
    assert!(calls.contains(&"updateFunction(newValues=[1], runningCount=None) -> 1".to_string()));
    // The results are the running totals the engine printed.
    let mut from_calls: Vec<(MessageType, i64)> = last
        .state_calls
        .iter()
        .map(|c| (c.key, c.result.unwrap()))
        .collect();
    let mut totals = records(last, Mode::Cumulative);
    from_calls.sort();
    totals.sort();
    assert_eq!(from_calls, totals);
}

#[wasm_bindgen_test]
async fn lineage_counts_the_records_of_each_step() {
    let config = NotebookConfig::default();
    let (log, reports) = run(&config, &[&["[info] a", "[info] b", "[error] c", "x", "y"]]);
    let last = reports.last().unwrap();
    for mode in Mode::ALL {
        let root = fresh_root();
        yew::Renderer::<LineageView>::with_root_and_props(
            root.clone(),
            LineageProps {
                lineage: Rc::new(lineage(mode, &graphs(&config)[mode.index()], log.last())),
            },
        )
        .render();
        let fig = wait_for_one(&root, &format!("[data-testid=lineage-{}]", mode.as_str())).await;
        let steps: Vec<(String, String)> = all(&fig, "[data-testid=lineage-step]")
            .iter()
            .map(|g| (attr(g, "data-op"), attr(g, "data-records")))
            .collect();
        let lines = last.lines.to_string();
        let len = |m: Mode| records(last, m).len().to_string();
        let mut expected = vec![
            ("socketTextStream".to_string(), lines.clone()),
            ("map".to_string(), lines.clone()),
            ("map".to_string(), lines),
        ];
        match mode {
            Mode::Stateless => expected.push(("reduceByKey".into(), len(Mode::Stateless))),
            Mode::Cumulative => {
                expected.push(("reduceByKey".into(), len(Mode::Stateless)));
                expected.push(("updateStateByKey".into(), len(Mode::Cumulative)));
            }
            Mode::Window => expected.push(("reduceByKeyAndWindow".into(), len(Mode::Window))),
        }
        assert_eq!(steps, expected, "{}", mode.as_str());
        assert!(text(&fig).contains("5 lines"));
        assert!(text(&fig).contains("3 records"));
    }
}

#[wasm_bindgen_test]
async fn metrics_table_lists_the_recent_batches() {
    let config = NotebookConfig {
        batch_interval_ms: 1_000,
        window_ms: 2_000,
        slide_ms: 1_000,
        ..NotebookConfig::default()
    };
    let lines: Vec<Vec<&str>> = (0..12).map(|i| vec!["[info] x"; i]).collect();
    let refs: Vec<&[&str]> = lines.iter().map(Vec::as_slice).collect();
    let (log, reports) = run(&config, &refs);
    let root = fresh_root();
    yew::Renderer::<MetricsPanel>::with_root_and_props(
        root.clone(),
        MetricsProps {
            view: Rc::new(metrics_view(log.entries(), config.batch_interval_ms)),
        },
    )
    .render();
    wait_for_one(&root, "[data-testid=batch-table]").await;
    let rows = all(&root, "[data-testid=batch-table] tbody tr[data-batch]");
    assert_eq!(rows.len(), 10);
    for (row, r) in rows.iter().zip(reports.iter().rev()) {
        let cells: Vec<String> = all(row, "td").iter().map(text).collect();
        assert_eq!(cells[0], r.batch.to_string());
        assert_eq!(cells[2], r.lines.to_string());
        // 1 s batches: the input rate is the line count.
        assert_eq!(cells[3], r.lines.to_string());
    }
    let newest: Vec<String> = all(&rows[0], "td").iter().map(text).collect();
    assert_eq!(newest[4], "11 ms");
    assert_eq!(newest[5], "3 ms");
    assert_eq!(newest[6], "14 ms");
    for id in ["metric-input-rate", "metric-processing", "metric-delay"] {
        let fig = one(&root, &format!("[data-testid={id}]"));
        assert!(!attr(&one(&fig, "path.spark-line"), "d").is_empty(), "{id}");
    }
    assert!(text(&one(&root, "[data-testid=metric-input-rate]")).contains("max 11 records/s"));
}

fn decoded_href(a: &Element, prefix: &str) -> String {
    let href = attr(a, "href");
    let body = href
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{href} starts with {prefix}"));
    js_sys::decode_uri_component(body)
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn export_links_carry_the_script_and_the_csv() {
    let config = NotebookConfig {
        batch_interval_ms: 2_000,
        window_ms: 10_000,
        slide_ms: 2_000,
        filter_zero: true,
        ..NotebookConfig::default()
    };
    let (log, _) = run(&config, &[&["[info] a"], &["[error] b", "[error] c"]]);
    let csv = history_csv(log.entries());
    let sent = Rc::new(std::cell::RefCell::new(Vec::new()));
    let dispatch = {
        let sent = sent.clone();
        yew::Callback::from(move |a: Action| sent.borrow_mut().push(a))
    };
    let form = ExportForm::default();
    let bar = |form: &ExportForm| ExportProps {
        export: ExportView::of(form, &config),
        csv: Rc::from(csv.as_str()),
        dispatch: dispatch.clone(),
    };
    let root = fresh_root();
    yew::Renderer::<ExportBar>::with_root_and_props(root.clone(), bar(&form)).render();
    let script_link = wait_for_one(&root, "[data-testid=export-script]").await;
    assert_eq!(attr(&script_link, "download"), "dstream_lab_job.py");
    let script = decoded_href(&script_link, "data:text/x-python;charset=utf-8,");
    assert!(script.contains("ssc = StreamingContext(spark.sparkContext, 2)\n"));
    assert!(script.contains("windowDuration=10,"));
    assert!(script.contains("filterFunc=lambda kv: kv[1] != 0)"));
    assert!(script.contains("PORT = 9999\n"));
    assert_eq!(text(&one(&root, "[data-testid=export-preview]")), script);
    let csv_link = one(&root, "[data-testid=export-csv]");
    assert_eq!(decoded_href(&csv_link, "data:text/csv;charset=utf-8,"), csv);
    assert!(
        csv.contains("2,1970-01-01 00:00:04,2,0,0,2,0,1,0,2,0,1,0,2,0\n"),
        "{csv}"
    );

    // Switching to the relay's --tee port asks the view model for the form with it...
    let select: HtmlSelectElement = one(&root, "[data-testid=export-feed]").dyn_into().unwrap();
    select.set_value("tee");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    let tee = ExportForm {
        tee: true,
        ..form.clone()
    };
    assert_eq!(*sent.borrow(), vec![Action::Export(tee.clone())]);
    // ...whose answer shows the port and the script reading it.
    let root = fresh_root();
    yew::Renderer::<ExportBar>::with_root_and_props(root.clone(), bar(&tee)).render();
    wait_for_one(&root, "[data-testid=export-tee-port]").await;
    let script = decoded_href(
        &one(&root, "[data-testid=export-script]"),
        "data:text/x-python;charset=utf-8,",
    );
    assert!(script.contains("PORT = 9997\n"));
    assert!(script.contains("--tee"));
}

#[wasm_bindgen_test]
async fn panel_extras_and_footer_hold_the_views() {
    use dstream_lab::teach::view::{mode_extras, teach_footer, ModeExtrasProps, TeachFooterProps};
    use yew::{function_component, Html};
    // The page draws both inside its own components; here each gets one of its own.
    #[function_component(ModeExtras)]
    fn extras(p: &ModeExtrasProps) -> Html {
        mode_extras(p)
    }
    #[function_component(TeachFooter)]
    fn footer(p: &TeachFooterProps) -> Html {
        teach_footer(p)
    }
    let config = NotebookConfig::default();
    let (log, reports) = run(&config, &[&["[info] a", "[error] b"], &["[info] c"]]);
    let last = reports.last().unwrap();
    let views = Rc::new(dstream_lab::teach::views(&log, &config, &graphs(&config)));
    let expect = [
        (Mode::Stateless, "state-calls", false),
        (Mode::Cumulative, "state-calls", true),
        (Mode::Window, "window-timeline", true),
    ];
    for (mode, testid, present) in expect {
        let root = fresh_root();
        yew::Renderer::<ModeExtras>::with_root_and_props(
            root.clone(),
            ModeExtrasProps {
                mode,
                views: views.clone(),
                config: config.clone(),
                whole: true,
            },
        )
        .render();
        // The lineage shows the panel rendered, before asserting what it does (not) hold.
        wait_for_one(&root, &format!("[data-testid=lineage-{}]", mode.as_str())).await;
        assert_eq!(
            all(&root, &format!("[data-testid={testid}]")).len(),
            usize::from(present),
            "{} in the {} panel",
            testid,
            mode.as_str()
        );
    }
    let root = fresh_root();
    yew::Renderer::<TeachFooter>::with_root_and_props(
        root.clone(),
        TeachFooterProps {
            views,
            export: ExportView::of(&ExportForm::default(), &config),
            csv: Rc::from(""),
            dispatch: yew::Callback::noop(),
        },
    )
    .render();
    wait_for_one(&root, "[data-testid=batch-table]").await;
    let rows = all(&root, "[data-testid=batch-table] tbody tr[data-batch]");
    assert_eq!(rows.len(), 2);
    assert_eq!(attr(&rows[0], "data-batch"), last.batch.to_string());
    one(&root, "[data-testid=export-script]");
}

/// The integrated page: after pausing and stepping two (empty) batches, each panel holds its lineage, the
/// running totals panel the update calls, the window panel the timeline, and the footer the statistics (with
/// measured processing times) and the export.
#[wasm_bindgen_test]
async fn the_app_shows_the_teaching_views() {
    use dstream_lab::checkpoint::STORAGE_KEY;
    use dstream_lab::web::app::{App, AppProps};
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .remove_item(STORAGE_KEY)
        .unwrap();
    let root = fresh_root();
    yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { inert: true }).render();
    // The page's first render comes in stages; the export is the last.
    wait_for(
        "a lineage in each of the three panels, and the export",
        &root,
        || {
            Mode::ALL.iter().all(|m| {
                let m = m.as_str();
                all(
                    &root,
                    &format!("[data-testid=mode-{m}] [data-testid=lineage-{m}]"),
                )
                .len()
                    == 1
            }) && !all(&root, "[data-testid=export-script]").is_empty()
        },
    )
    .await;
    let click = |id: &str| {
        one(&root, &format!("[data-testid={id}]"))
            .dyn_into::<web_sys::HtmlElement>()
            .unwrap()
            .click()
    };
    for m in Mode::ALL {
        let panel = one(&root, &format!("[data-testid=mode-{}]", m.as_str()));
        one(&panel, &format!("[data-testid=lineage-{}]", m.as_str()));
    }
    click("pause");
    wait_for_one(&root, "[data-testid=step]:enabled").await;
    step_to_batch(&root, 1).await;
    step_to_batch(&root, 2).await;
    let cumulative = one(&root, "[data-testid=mode-cumulative]");
    let state = one(&cumulative, "[data-testid=state-calls]");
    assert_eq!(attr(&state, "data-batch"), "2");
    let window = one(&root, "[data-testid=mode-window]");
    let tl = one(&window, "[data-testid=window-timeline]");
    assert_eq!(attr(&tl, "data-batch"), "2");
    one(&tl, "[data-path=recompute]");
    assert_eq!(
        all(&tl, "[data-testid=window-strip] li[data-role=reduced]").len(),
        2
    );
    let steps = all(&window, "[data-testid=lineage-step]");
    assert_eq!(attr(&steps[0], "data-records"), "0");
    let rows = all(&root, "[data-testid=batch-table] tbody tr[data-batch]");
    assert_eq!(rows.len(), 2);
    let processing = text(&all(&rows[0], "td")[5]);
    assert!(processing.ends_with(" ms"), "measured: {processing}");
    let csv = decoded_href(
        &one(&root, "[data-testid=export-csv]"),
        "data:text/csv;charset=utf-8,",
    );
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(script_of(&root).contains("StreamingContext(spark.sparkContext, 10)"));

    // A 50 s window (≥ 5 × the 10 s slide) restarts the context: the views start over, and from the second
    // window on PySpark subtracts.
    let input = one(&root, "[data-testid=window]")
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap();
    input.set_value("50");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    wait_for_one(&root, "[data-testid=apply]:enabled").await;
    click("apply");
    // The export follows the running settings: it shows the new context is in place.
    wait_for("the export of the 50 s window", &root, || {
        script_of(&root).contains("windowDuration=50,")
    })
    .await;
    assert!(all(&root, "[data-testid=window-strip]").is_empty());
    assert!(all(&root, "[data-testid=batch-table] tbody tr[data-batch]").is_empty());
    step_to_batch(&root, 1).await;
    step_to_batch(&root, 2).await;
    let tl = one(&root, "[data-testid=window-timeline]");
    one(&tl, "[data-path=subtract]");
    assert!(text(&tl).contains("50 s window"), "{}", text(&tl));
    assert!(script_of(&root).contains("windowDuration=50,"));
}

/// The exported script the page links to.
fn script_of(root: &Element) -> String {
    decoded_href(
        &one(root, "[data-testid=export-script]"),
        "data:text/x-python;charset=utf-8,",
    )
}

/// Clicks "Step one batch" and waits until the running totals panel shows the calls of batch `batch`.
async fn step_to_batch(root: &Element, batch: u64) {
    one(root, "[data-testid=step]")
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    let selector =
        format!("[data-testid=mode-cumulative] [data-testid=state-calls][data-batch=\"{batch}\"]");
    wait_for_one(root, &selector).await;
}
