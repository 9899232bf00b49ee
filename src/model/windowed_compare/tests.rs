//! The row driven through the reducer, as the page drives it: the page's batches, the job's triggers, and every
//! sentence checked against the window mode's block and the trigger's console output.

use super::*;
use crate::engine::{afresh_sentence, AfreshReason};
use crate::model::{Action, BootParams, TravelMove};
use crate::teach::window::join_words;
use crate::timefmt::clock_label;

const T0: i64 = 1_795_000_000_000; // a multiple of 10 s
const S: i64 = 1_000;

/// A started page with these URL parameters (10 s batches unless they say otherwise), and "Compare with
/// Structured Streaming" pressed before the first batch.
fn lab_comparing(query: &str) -> Lab {
    let mut lab = booted(query, T0 + 3 * S);
    lab.apply(Action::WindowedCompareOpen);
    lab
}

/// A page in the compare view of the built-in source with these URL parameters, started at `now_ms`.
fn booted(query: &str, now_ms: i64) -> Lab {
    let params = BootParams::from_query(&format!("source=sim&view=compare&{query}"));
    let mut lab = Lab::boot(None, now_ms, &params, "ws://x/ws");
    lab.start();
    lab
}

/// Opens the menu's example as a job and presses Run: the page's settings are not written in.
fn run_menu_example(lab: &mut Lab) -> u64 {
    lab.apply(Action::JobNew {
        example: EXAMPLE.to_string(),
    });
    let id = lab.jobs().iter().last().unwrap().id;
    lab.apply(Action::JobRun { id });
    id
}

/// Feeds `lines` and ends the page's 10 s batch `k`.
fn batch(lab: &mut Lab, k: i64, lines: &[&str]) {
    lab.apply(Action::SimLines(
        lines.iter().map(|l| l.to_string()).collect(),
    ));
    lab.apply(Action::Tick {
        now_ms: T0 + k * 10 * S,
    });
}

fn row(lab: &Lab) -> WindowedCompare {
    lab.compare_view()
        .expect("a batch ran")
        .windowed
        .expect("the row's job is open")
}

fn text(row: &WindowedCompare, topic: Topic) -> String {
    row.explanations
        .iter()
        .find(|e| e.topic == topic)
        .unwrap_or_else(|| panic!("no {topic:?} in {:#?}", row.explanations))
        .text
        .clone()
}

fn span(start: i64, end: i64) -> String {
    format!("[{}, {})", clock_label(start), clock_label(end))
}

/// The (window start, type, count) rows of a console sink's table, as Spark prints them.
fn sink_rows(console: &str) -> Vec<(String, String, i64)> {
    console
        .lines()
        .filter(|l| l.starts_with("|{"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let start = cells[0].trim_start_matches('{').split(',').next().unwrap();
            (
                start[11..].to_string(),
                cells[1].to_string(),
                cells[2].parse().unwrap(),
            )
        })
        .collect()
}

/// The records of the window mode's block, sorted by type: `("error", 2)`.
fn block_records(block: &str) -> Vec<(String, i64)> {
    let mut records: Vec<(String, i64)> = block
        .lines()
        .filter_map(|l| l.strip_prefix("('")?.strip_suffix(')'))
        .map(|r| {
            let (key, count) = r.split_once("', ").unwrap();
            (key.to_string(), count.parse().unwrap())
        })
        .collect();
    records.sort();
    records
}

#[test]
fn the_program_is_the_menus_example_with_the_notebooks_settings_and_the_pages_window_otherwise() {
    let example = example(EXAMPLE).unwrap().source;
    assert!(example.contains(WINDOW_CALL) && example.contains(TRIGGER_CALL));
    assert_eq!(
        program_for(&NotebookConfig::default()).as_deref(),
        Some(example)
    );
    let fast = NotebookConfig {
        batch_interval_ms: S,
        window_ms: 5 * S,
        slide_ms: S,
        ..NotebookConfig::default()
    };
    let program = program_for(&fast).unwrap();
    assert!(program.contains("window(\"timestamp\", \"5 seconds\", \"1 second\")"));
    assert!(program.contains("processingTime=\"1 second\""));
}

#[test]
fn every_window_holding_a_time_is_named_oldest_first() {
    assert_eq!(
        windows_of(100 * S, (20 * S, 10 * S)),
        [(90 * S, 110 * S), (100 * S, 120 * S)]
    );
    assert_eq!(
        windows_of(105 * S, (50 * S, 10 * S)).len(),
        5,
        "a 50 s window sliding every 10 s holds each time 5 times"
    );
    assert_eq!(windows_of(7, (5, 0)), []);
}

#[test]
fn each_batch_is_paired_with_the_trigger_that_read_its_lines_and_the_row_follows_time_travel() {
    let mut lab = lab_comparing("");
    // The job starts with the page's next batch: batch 1's lines are no trigger's.
    batch(&mut lab, 1, &["[error] a"]);
    let first = row(&lab);
    assert_eq!(
        first.structured,
        Err("Waiting for the first trigger…".to_string())
    );
    assert!(first.explanations.is_empty());
    let job = first.job_id;
    // The row shows the job: its column is not repeated beside the modes'.
    assert!(lab.compare_view().unwrap().jobs.is_empty());
    // Pressing again reuses the job already open.
    lab.apply(Action::WindowedCompareOpen);
    assert_eq!(lab.jobs().len(), 1);
    let batches: [&[&str]; 4] = [
        &["[error] a", "[info] b", "[error] c"],
        &["[notice] a", "[info] b"],
        &[],
        &["[info] b"],
    ];
    let mut shown = Vec::new();
    for (i, lines) in batches.iter().enumerate() {
        let k = i as i64 + 2;
        batch(&mut lab, k, lines);
        let r = row(&lab);
        let entry = lab.log().last().unwrap().clone();
        let side = r.structured.clone().expect("a trigger read the batch");
        assert_eq!((side.trigger, side.lines), (k as u64 - 1, lines.len()));
        let j = lab.jobs().get(job).unwrap();
        let trigger = j.batches.last().unwrap();
        assert_eq!(
            trigger.time_ms, entry.time_ms,
            "the trigger's time is the batch's"
        );
        assert_eq!(
            trigger.structured.as_ref().unwrap().input_lines,
            entry.lines
        );
        assert_eq!(side.text.as_deref(), j.console.printed_at(entry.batch));
        if let Some(t) = &side.text {
            assert!(t.contains(&format!("Batch: {}\n", side.trigger - 1)), "{t}");
        }
        assert_eq!(
            r.dstream.as_deref(),
            lab.console(Mode::Window).printed_at(entry.batch)
        );
        assert!(r.dstream.as_deref().unwrap().contains(&entry.time_label));
        shown.push(r);
    }
    lab.apply(Action::Travel(TravelMove::To(3)));
    assert_eq!(row(&lab), shown[1]);
}

#[test]
fn with_the_notebooks_window_the_sentences_carry_the_batchs_times_windows_and_counts() {
    let mut lab = lab_comparing("");
    let lines: [&[&str]; 4] = [
        &["[error] a"],
        &["[error] a", "[info] b", "[error] c"],
        &["[notice] a", "[info] b"],
        &["[info] b", "[info] c"],
    ];
    for (i, l) in lines.iter().enumerate() {
        batch(&mut lab, i as i64 + 1, l);
    }
    let r = row(&lab);
    let t = lab.log().last().unwrap().time_ms;
    let console = r.structured.clone().unwrap().text.unwrap();
    let block = r.dstream.clone().unwrap();
    // (1) Each line of the batch carries the time its trigger interval began, and lands in the two windows
    // holding it, which are the windows the trigger printed.
    let time = text(&r, Topic::EventTime);
    let e = t - 10 * S;
    assert!(
        time.contains(&format!("batch time {}", clock_label(t))),
        "{time}"
    );
    assert!(
        time.contains(&format!("event time {}", clock_label(e))),
        "{time}"
    );
    let windows = format!(
        "{} and {}",
        span(e - 10 * S, e + 10 * S),
        span(e, e + 20 * S)
    );
    assert!(
        time.contains(&format!("2 overlapping windows: {windows}")),
        "{time}"
    );
    let mut printed: Vec<String> = sink_rows(&console).into_iter().map(|(s, _, _)| s).collect();
    printed.sort();
    printed.dedup();
    assert_eq!(printed, [clock_label(e - 10 * S), clock_label(e)]);
    // The window ending at the batch time counts what the DStream block counts (the job read both batches).
    let records = block_records(&block);
    assert_eq!(
        records,
        [("info".to_string(), 3), ("notice".to_string(), 1)]
    );
    let counts: Vec<String> = records.iter().map(|(k, c)| format!("{k} {c}")).collect();
    assert!(
        time.contains(&format!(
            "The window {} holds the lines of the same batches as the DStream block: after this trigger it counts \
             {}, the same counts as the DStream block.",
            span(t - 20 * S, t),
            counts.join(", ")
        )),
        "{time}"
    );
    // (2) 20 s sliding every 10 s is shorter than 5 slides: PySpark reduced the window again.
    let inverse = text(&r, Topic::Inverse);
    let reason = afresh_sentence(AfreshReason::ShortWindow {
        window_ms: 20 * S,
        slide_ms: 10 * S,
    });
    assert!(
        inverse.contains("subtracted nothing this batch"),
        "{inverse}"
    );
    assert!(inverse.contains(&reason), "{inverse}");
    assert!(
        inverse.contains(&format!(
            "{} (notice 1, info 1) and {} (info 2)",
            clock_label(t - 10 * S),
            clock_label(t)
        )),
        "{inverse}"
    );
    assert!(inverse.contains("it never subtracts"), "{inverse}");
    // (3) No key at 0 in the block, so no sentence about one.
    assert!(!block.contains(", 0)"));
    assert!(r.explanations.iter().all(|x| x.topic != Topic::ZeroKeys));
    assert_eq!(r.mismatch, None);
}

#[test]
fn before_a_batch_leaves_a_subtracting_window_the_row_says_it_subtracted_nothing_yet() {
    let mut lab = lab_comparing("window=50&slide=10");
    batch(&mut lab, 1, &[]);
    batch(&mut lab, 2, &["[error] a"]);
    batch(&mut lab, 3, &["[info] b"]);
    let r = row(&lab);
    let t = lab.log().last().unwrap().time_ms;
    let inverse = text(&r, Topic::Inverse);
    assert!(
        inverse.contains(&format!(
            "added the batch at {} (info 1) and subtracted nothing with the inverse function (no batch has left \
             the window yet), so",
            clock_label(t)
        )),
        "{inverse}"
    );
    assert!(!inverse.contains("batchs"), "{inverse}");
}

#[test]
fn with_a_subtracting_window_the_row_gives_the_arithmetic_and_explains_the_key_at_zero() {
    // 50 s sliding every 10 s: at least 5 slides, so PySpark subtracts with the inverse function.
    let mut lab = lab_comparing("window=50&slide=10");
    batch(&mut lab, 1, &[]);
    batch(&mut lab, 2, &["[error] a", "[error] b", "[info] c"]);
    for k in 3..=7 {
        batch(&mut lab, k, &["[info] d"]);
    }
    let r = row(&lab);
    let t = lab.log().last().unwrap().time_ms;
    let block = r.dstream.clone().unwrap();
    let records = block_records(&block);
    assert_eq!(records, [("error".to_string(), 0), ("info".to_string(), 5)]);
    let inverse = text(&r, Topic::Inverse);
    assert!(
        inverse.contains(&format!(
            "added the batch at {} (info 1) and subtracted the batch at {} (error 2, info 1)",
            clock_label(t),
            clock_label(t - 50 * S)
        )),
        "{inverse}"
    );
    assert!(
        inverse.contains("error: 2 + 0 − 2 = 0 and info: 5 + 1 − 1 = 5"),
        "{inverse}"
    );
    let zero = text(&r, Topic::ZeroKeys);
    assert!(
        zero.starts_with("('error', 0) prints because the inverse function"),
        "{zero}"
    );
    assert!(zero.contains("without a filterFunc"), "{zero}");
    // Structured Streaming printed no row at 0.
    let console = r.structured.clone().unwrap().text.unwrap();
    let rows = sink_rows(&console);
    assert_eq!(rows.len(), 5, "one line lands in 5 windows: {console}");
    assert!(rows.iter().all(|(_, _, c)| *c > 0));
    assert!(
        zero.contains("Structured Streaming has no such row (none of its rows this trigger is 0)")
    );
}

#[test]
fn the_watermark_sentence_names_the_windows_still_open_closed_and_dropped_by_sparks_rule() {
    let mut lab = lab_comparing("");
    for k in 1..=7 {
        batch(&mut lab, k, &["[info] b"]);
    }
    let r = row(&lab);
    let t = lab.log().last().unwrap().time_ms;
    let wm = |trigger_time: i64| trigger_time - 10 * S - 10 * S;
    let watermark = text(&r, Topic::Watermark);
    // The latest event time is the batch's interval start; a 10 s delay behind it.
    assert!(
        watermark.contains(&format!(
            "minus 10 s: {} after this trigger",
            clock_label(wm(t))
        )),
        "{watermark}"
    );
    // Still open: every window holding a line that ends after the watermark.
    let open = [
        (t - 30 * S, t - 10 * S),
        (t - 20 * S, t),
        (t - 10 * S, t + 10 * S),
    ];
    let open: Vec<String> = open.iter().map(|(a, b)| span(*a, *b)).collect();
    assert!(
        watermark.contains(&format!(
            "update the windows that end after it: {}.",
            join_words(&open)
        )),
        "{watermark}"
    );
    // Kept until the next trigger, though no line can reach it: it ends at the watermark.
    assert!(
        watermark.contains(&format!("{} ends at or before it", span(t - 40 * S, wm(t)))),
        "{watermark}"
    );
    // Dropped now: the window whose end the watermark this trigger used (the last one's) reached.
    assert!(
        watermark.contains(&format!(
            "It dropped {} from its state store this trigger",
            span(t - 50 * S, wm(t - 10 * S))
        )),
        "{watermark}"
    );
}

#[test]
fn a_batch_before_the_job_started_says_so_when_travelled_to() {
    let mut lab = booted("", T0 + 3 * S);
    batch(&mut lab, 1, &["[info] a"]);
    assert_eq!(
        lab.compare_view().unwrap().windowed,
        None,
        "no row before the job"
    );
    lab.apply(Action::WindowedCompareOpen);
    for k in 2..=4 {
        batch(&mut lab, k, &["[info] a"]);
    }
    assert_eq!(row(&lab).structured.unwrap().trigger, 2);
    lab.apply(Action::Travel(TravelMove::To(1)));
    assert_eq!(
        row(&lab).structured,
        Err("Job 1 started after batch 1: its first trigger read a later batch.".to_string())
    );
}

#[test]
fn a_refused_example_is_named_and_the_control_runs_one_on_the_pages_batches_instead() {
    // On 1 s batches the menu's example (10 s triggers) is refused; the control writes the page's settings in.
    let mut lab = booted("interval=1&window=5&slide=1", T0 + 300);
    let refused = run_menu_example(&mut lab);
    let tick = |lab: &mut Lab, k: i64| {
        lab.apply(Action::SimLines(vec!["[error] x".to_string()]));
        lab.apply(Action::Tick { now_ms: T0 + k * S });
    };
    tick(&mut lab, 1);
    let r = row(&lab);
    assert_eq!(r.job_id, refused);
    let why = r.structured.unwrap_err();
    assert!(
        why.contains("not run: its batch interval is not the page's"),
        "{why}"
    );
    lab.apply(Action::WindowedCompareOpen);
    assert_eq!(lab.jobs().len(), 2);
    for k in 2..=4 {
        tick(&mut lab, k);
    }
    let r = row(&lab);
    assert_ne!(r.job_id, refused);
    assert_eq!(r.job_number, 2);
    assert_eq!(r.structured.clone().unwrap().trigger, 2);
    assert_eq!(r.mismatch, None);
    // The refused job keeps its column.
    let view = lab.compare_view().unwrap();
    assert_eq!(
        view.jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
        [refused]
    );
    // 5 s windows sliding every second: each line lands in 5 windows.
    assert!(text(&r, Topic::EventTime).contains("lands in 5 overlapping windows"));
}

#[test]
fn an_example_counting_other_windows_than_the_pages_says_how_they_differ() {
    // The menu's 20 s windows on a page whose DStream window is 30 s sliding every 10 s.
    let mut lab = booted("window=30&slide=10", T0 + 3 * S);
    run_menu_example(&mut lab);
    for k in 1..=3 {
        batch(&mut lab, k, &["[info] a", "[error] b"]);
    }
    let r = row(&lab);
    assert_eq!(
        r.mismatch.as_deref(),
        Some(
            "Job 1's windows are 20 s sliding every 10 s, the DStream window's 30 s sliding every 10 s: press \
             \"Compare with Structured Streaming\" to open the example with the page's window."
        )
    );
    assert!(!text(&r, Topic::EventTime).contains("holds the lines of the same batches"));
}

#[test]
fn with_more_state_rows_than_the_trigger_view_keeps_the_row_claims_no_counts_it_cannot_see() {
    // A 100 s window sliding every 10 s: each line lands in 10 windows, so the store holds more than the trigger
    // view's 40 rows, and the job has read every batch of the window ending at the last batch's time.
    let mut lab = lab_comparing("window=100&slide=10");
    for k in 1..=14 {
        batch(&mut lab, k, &["[info] a", "[notice] b", "[error] c", "d"]);
    }
    let r = row(&lab);
    let event_time = text(&r, Topic::EventTime);
    assert!(
        !event_time.contains("not the DStream block's"),
        "{event_time}"
    );
    assert!(
        !event_time.contains("holds the lines of the same batches"),
        "{event_time}"
    );
}
