//! The program views of student jobs driven through the reducer, as the page drives them, checked against the
//! programs' text, what the jobs printed and the notebook modes running on the same stream.

use super::*;
use crate::engine::{example, AfreshReason};
use crate::model::{Action, BootParams, Lab, StudentJob};

const T0: i64 = 1_795_000_000_000; // a multiple of 10 s

/// Lines of the three message types and one the notebook calls unknown.
const LINES: [&str; 4] = [
    "[info] disk ok",
    "[error] disk full",
    "[notice] user login",
    "plain words here",
];

/// A fake `performance.now()`: every call is 2 ms after the previous one (per test thread, as tests run in
/// parallel).
fn fake_clock() -> f64 {
    thread_local!(static NOW: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
    NOW.with(|now| {
        now.set(now.get() + 2.0);
        now.get()
    })
}

/// A page on the built-in source with example `name` running as a job; its first batch (ended here, empty)
/// only arms the job, so the job's batch k is the page's batch k + 1.
fn running(name: &str) -> (Lab, u64) {
    let params = BootParams::from_query("source=sim");
    let mut lab = Lab::boot_with_jobs(None, None, T0 + 3_000, &params, "ws://x/ws");
    lab.start();
    lab.perf_clock = Some(fake_clock);
    lab.apply(Action::JobNew {
        example: name.to_string(),
    });
    let id = lab.jobs().iter().last().expect("a job opened").id;
    lab.apply(Action::JobRun { id });
    batch(&mut lab, 1, &[]);
    (lab, id)
}

/// Feeds `lines` and ends the page's batch `k` (1-based from boot).
fn batch(lab: &mut Lab, k: i64, lines: &[&str]) {
    lab.apply(Action::SimLines(
        lines.iter().map(|l| l.to_string()).collect(),
    ));
    lab.apply(Action::Tick {
        now_ms: T0 + k * 10_000,
    });
}

fn job(lab: &Lab, id: u64) -> &StudentJob {
    lab.jobs().get(id).expect("the job is open")
}

/// The 1-based number of the first line of example `name` containing `text`.
fn line_of(name: &str, text: &str) -> u32 {
    let source = example(name).unwrap().source;
    source.lines().position(|l| l.contains(text)).unwrap() as u32 + 1
}

/// The records of each `pprint` block of a console, oldest first.
fn blocks(console: &str) -> Vec<Vec<String>> {
    console
        .split("-------------------------------------------\nTime: ")
        .skip(1)
        .map(|b| {
            b.lines()
                .skip(2)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn the_lineage_is_the_programs_graph_with_each_nodes_line_and_records() {
    let (mut lab, id) = running("union_streams");
    let v = program_views(&job(&lab, id).batches);
    assert_eq!(v.lineage.batch, None);
    assert!(v.lineage.nodes.iter().all(|n| n.records.is_none()));
    batch(&mut lab, 2, &LINES);
    let v = program_views(&job(&lab, id).batches);
    let l = &v.lineage;
    assert_eq!(l.batch, Some(1));
    let by_op = |op: &str| l.nodes.iter().find(|n| n.op == op).unwrap();
    let union = by_op("union");
    assert_eq!(
        union.detail,
        format!("line {}", line_of("union_streams", ".union("))
    );
    // The union reads the two mapped streams: two edges end at it, from nodes left of it.
    let into: Vec<&LinEdge> = l.edges.iter().filter(|e| e.to == union.id).collect();
    assert_eq!(into.len(), 2);
    assert!(into.iter().all(|e| e.x1 <= union.x && e.x2 == union.x));
    assert_eq!(by_op("socketTextStream").records, Some(LINES.len() as u64));
    // The job counted the union's records itself: the count it printed.
    let printed: u64 = blocks(&job(&lab, id).console.text()).last().unwrap()[0]
        .parse()
        .unwrap();
    assert_eq!(union.records, Some(printed));
    assert_eq!(union.count_text, format!("{printed} records"));
    let outputs: Vec<&LinNode> = l.nodes.iter().filter(|n| n.output).collect();
    assert_eq!(outputs.len(), 2);
    assert!(outputs
        .iter()
        .all(|n| n.count_text == "output" && n.detail.ends_with("num=10")));
    // Every node fits in the drawing.
    assert!(l
        .nodes
        .iter()
        .all(|n| n.x + NODE_W <= l.width + PAD && n.y + NODE_H <= l.height + PAD));
}

#[test]
fn the_metrics_list_the_recent_batches_newest_first_with_the_records_per_node() {
    let (mut lab, id) = running("notebook_stateless");
    batch(&mut lab, 2, &LINES);
    batch(&mut lab, 3, &LINES[..1]);
    batch(&mut lab, 4, &[]);
    let m = program_views(&job(&lab, id).batches).metrics;
    let batches: Vec<u64> = m.rows.iter().map(|r| r.batch).collect();
    assert_eq!(batches, [3, 2, 1]);
    let lines: Vec<u64> = m.rows.iter().map(|r| r.lines).collect();
    assert_eq!(lines, [0, 1, LINES.len() as u64]);
    let reduce = m
        .columns
        .iter()
        .position(|c| {
            *c == format!(
                "reduceByKey (line {})",
                line_of("notebook_stateless", ".reduceByKey(")
            )
        })
        .unwrap();
    // The page's stateless mode ran the same batch: its keys are the reduceByKey's records.
    let modes = lab.console(crate::engine::Mode::Stateless).text();
    assert_eq!(m.rows[1].records[reduce], blocks(&modes)[2].len() as u64);
    // The job's batch 3 is the page's batch 4.
    assert_eq!(m.rows[0].time, crate::timefmt::clock_label(T0 + 40_000));
    // Each job batch is timed between two readings of the page's clock, 2 ms apart.
    assert!(m.rows.iter().all(|r| r.processing == "2 ms"));
    assert_eq!(m.avg_processing.as_deref(), Some("avg 2 ms"));
}

#[test]
fn the_update_calls_are_those_the_notebooks_cumulative_mode_shows() {
    let (mut lab, id) = running("notebook_cumulative");
    batch(&mut lab, 2, &LINES);
    batch(&mut lab, 3, &LINES[..2]);
    batch(&mut lab, 4, &LINES[2..]);
    let v = program_views(&job(&lab, id).batches);
    assert_eq!(v.calls.len(), 1);
    let calls = &v.calls[0];
    assert_eq!(
        calls.title,
        format!(
            "updateStateByKey (line {})",
            line_of("notebook_cumulative", ".updateStateByKey(")
        )
    );
    // The page's cumulative mode computes its calls from its own counts; the job observed its engine's calls.
    let notebook = crate::teach::state::state_view(lab.log().last().unwrap());
    let theirs: Vec<(String, String)> = notebook
        .rows
        .iter()
        .map(|r| {
            let call = r
                .call
                .replace("updateFunction(newValues=", "updateFunc(")
                .replace(", runningCount=", ", ");
            (format!("'{}'", r.key.as_str()), call)
        })
        .collect();
    let ours: Vec<(String, String)> = calls
        .rows
        .iter()
        .map(|r| (r.key.clone(), r.call.clone()))
        .collect();
    assert_eq!(ours, theirs);
    assert!(calls.rows.iter().any(|r| r.carried) && calls.rows.iter().any(|r| !r.carried));
    assert_eq!(calls.time, notebook.time_label[11..]);
    assert!(calls.note.contains(&format!("{} times", ours.len())));
}

#[test]
fn a_dropped_key_shows_its_none_result() {
    let (mut lab, id) = running("state_drop_keys");
    batch(&mut lab, 2, &LINES);
    batch(&mut lab, 3, &LINES[..1]);
    let calls = &program_views(&job(&lab, id).batches).calls[0];
    let dropped: Vec<&CallRow> = calls.rows.iter().filter(|r| r.dropped).collect();
    assert!(!dropped.is_empty());
    assert!(dropped.iter().all(|r| r.carried
        && r.call.starts_with("updateFunc([], ")
        && r.call.ends_with("-> None")));
    assert!(calls.note.contains("None result removes the key"));
}

#[test]
fn a_window_names_the_batches_it_covers_and_how_pyspark_formed_it() {
    let (mut lab, id) = running("notebook_window");
    batch(&mut lab, 2, &LINES);
    let v = program_views(&job(&lab, id).batches);
    assert_eq!(v.windows.len(), 1);
    let w = &v.windows[0];
    assert_eq!(w.summary, "a 20 s window every 10 s");
    assert_eq!(w.batches, [crate::timefmt::clock_label(T0 + 20_000)]);
    batch(&mut lab, 3, &LINES);
    let w = &program_views(&job(&lab, id).batches).windows[0];
    assert_eq!(
        w.batches,
        [T0 + 20_000, T0 + 30_000].map(crate::timefmt::clock_label)
    );
    // A 20 s window over a 10 s slide is shorter than 5 slides: PySpark reduces it afresh, as the engine recorded.
    assert_eq!(
        w.how,
        afresh_sentence(AfreshReason::ShortWindow {
            window_ms: 20_000,
            slide_ms: 10_000
        })
    );
    let (mut lab, id) = running("window_and_count");
    batch(&mut lab, 2, &LINES);
    let windows = program_views(&job(&lab, id).batches).windows;
    let titles: Vec<&str> = windows
        .iter()
        .map(|w| w.title.split(' ').next().unwrap())
        .collect();
    assert_eq!(titles, ["window", "countByWindow"]);
    assert_eq!(
        windows[0].how,
        "The window holds the records of every batch it covers."
    );
}
