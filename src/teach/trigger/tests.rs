//! The trigger view of the menu's three Structured Streaming jobs, run by the page on the built-in source.

use super::*;
use crate::model::{Action, BootParams, Lab};

const T0: i64 = 1_795_000_000_000; // a multiple of 10 s

/// The page (10 s batches) with one job of example `name`, its program edited by `edit` (`from` -> `to`), run;
/// returns the page and the job's id.
pub(crate) fn page_with(name: &str, edit: Option<(&str, &str)>) -> (Lab, u64) {
    let params = BootParams::from_query("source=sim");
    let mut lab = Lab::boot(None, T0 + 3_000, &params, "ws://x/ws");
    lab.start();
    lab.apply(Action::JobNew {
        example: name.to_string(),
    });
    let id = lab.jobs().iter().last().expect("a job opened").id;
    if let Some((from, to)) = edit {
        let source = crate::engine::example(name).expect("an example").source;
        let text = source.replacen(from, to, 1);
        assert_ne!(text, source, "{name} no longer contains {from:?}");
        lab.apply(Action::JobEdit { id, text });
    }
    lab.apply(Action::JobRun { id });
    (lab, id)
}

/// Ends page batch `k` after feeding a few lines (none at every fourth batch).
pub(crate) fn batch(lab: &mut Lab, k: i64) {
    let lines: Vec<String> = (0..(k % 4))
        .map(|i| {
            format!(
                "[{}] line {k}.{i}",
                ["info", "error", "notice"][(i + k) as usize % 3]
            )
        })
        .collect();
    lab.apply(Action::SimLines(lines));
    lab.apply(Action::Tick {
        now_ms: T0 + k * 10_000,
    });
}

/// The job's trigger view after each of `n` page batches (None while no trigger ran).
fn stories(name: &str, n: i64) -> Vec<Option<TriggerStory>> {
    edited_stories(name, None, n)
}

/// [`stories`] of example `name` edited by `edit`.
fn edited_stories(name: &str, edit: Option<(&str, &str)>, n: i64) -> Vec<Option<TriggerStory>> {
    let (mut lab, id) = page_with(name, edit);
    (1..=n)
        .map(|k| {
            batch(&mut lab, k);
            let job = lab.jobs().get(id).expect("the job is open");
            trigger_story(&lab.viewed_job_batches(job))
        })
        .collect()
}

fn cells(v: &RowsView) -> Vec<Vec<String>> {
    v.rows.iter().map(|(c, _)| c.clone()).collect()
}

fn marked(v: &RowsView, change: &str) -> Vec<Vec<String>> {
    v.rows
        .iter()
        .filter(|(_, c)| *c == change)
        .map(|(c, _)| c.clone())
        .collect()
}

#[test]
fn the_windowed_update_job_shows_the_store_the_watermark_and_the_windows_it_closed() {
    let all = stories("structured_windowed_update", 12);
    let shown: Vec<&TriggerStory> = all.iter().flatten().collect();
    assert!(shown.len() >= 10, "a trigger view per running batch");
    let mut evicted = 0;
    for pair in shown.windows(2) {
        let (q, next) = (&pair[0].queries[0], &pair[1].queries[0]);
        assert_eq!(q.title, "Query 1 (update mode)");
        assert!(q
            .mode_sentence
            .starts_with("Update mode prints only the rows this trigger changed"));
        let (before, after) = (q.before.as_ref().unwrap(), q.after.as_ref().unwrap());
        // The store the next trigger starts from is the one this trigger left.
        assert_eq!(cells(after), cells(next.before.as_ref().unwrap()));
        // Update mode sends the rows the trigger added or changed, and they are in the store after it (or were
        // evicted by the same trigger).
        for row in marked(after, "added")
            .iter()
            .chain(&marked(after, "updated"))
        {
            assert!(
                cells(&q.sink).contains(row),
                "{row:?} changed but not printed"
            );
        }
        let axis = q.axis.as_ref().expect("a windowed query with a watermark");
        for row in marked(before, "evicted") {
            evicted += 1;
            let label = row[0].trim_matches(|c| c == '{' || c == '}').to_string();
            let end = label.split(", ").nth(1).unwrap()[11..19].to_string();
            let w = axis
                .windows
                .iter()
                .find(|w| w.label.ends_with(&end))
                .expect("the evicted window is drawn");
            assert!(w.closed, "an evicted window is closed by the watermark");
        }
        assert!(axis
            .windows
            .iter()
            .all(|w| w.w > 0.0 && w.x >= 0.0 && w.x + w.w <= AXIS_W));
        assert!(q.watermark_text.as_ref().unwrap().starts_with("Watermark "));
        assert_eq!(
            q.dropped, 0,
            "the page's lines arrive in order: none is late"
        );
    }
    assert!(evicted > 0, "the watermark evicted windows over 12 batches");
    let first = &shown[0].queries[0];
    assert!(
        first
            .watermark_text
            .as_ref()
            .unwrap()
            .starts_with("Watermark the epoch (no event time seen yet) → "),
        "{:?}",
        first.watermark_text
    );
}

#[test]
fn the_running_complete_job_prints_its_whole_store_and_never_evicts() {
    let shown: Vec<TriggerStory> = stories("structured_running_complete", 6)
        .into_iter()
        .flatten()
        .collect();
    assert!(!shown.is_empty());
    for s in &shown {
        let q = &s.queries[0];
        assert!(q
            .mode_sentence
            .starts_with("Complete mode prints the whole result table"));
        let after = q.after.as_ref().unwrap();
        if q.batch_text.starts_with("Spark ran batch") {
            assert_eq!(
                cells(&q.sink),
                cells(after),
                "complete mode prints the store"
            );
        }
        assert!(marked(q.before.as_ref().unwrap(), "evicted").is_empty());
        assert!(q.axis.is_none() && q.watermark_text.is_none());
    }
    let last = &shown.last().unwrap().queries[0];
    assert!(!cells(last.after.as_ref().unwrap()).is_empty());
}

#[test]
fn the_per_trigger_counts_job_keeps_no_state_and_says_so() {
    let shown: Vec<TriggerStory> = stories("structured_per_trigger_counts", 5)
        .into_iter()
        .flatten()
        .collect();
    assert!(!shown.is_empty());
    for s in &shown {
        let q = &s.queries[0];
        assert!(q.before.is_none() && q.after.is_none());
        assert!(q
            .mode_sentence
            .starts_with("foreachBatch: your function got this trigger's"));
        assert_eq!(
            q.sink.rows.len() + q.sink.not_shown,
            s.lines,
            "the sink gets the trigger's lines"
        );
    }
}

#[test]
fn a_dstream_job_has_no_trigger_view() {
    let all = stories("notebook_stateless", 3);
    assert!(all.iter().all(Option::is_none));
}

#[test]
fn a_students_append_variant_prints_exactly_the_windows_the_watermark_evicts() {
    let edit = Some(("outputMode(\"update\")", "outputMode(\"append\")"));
    let shown: Vec<TriggerStory> = edited_stories("structured_windowed_update", edit, 12)
        .into_iter()
        .flatten()
        .collect();
    let mut printed = 0;
    for s in &shown {
        let q = &s.queries[0];
        assert_eq!(q.title, "Query 1 (append mode)");
        assert!(q
            .mode_sentence
            .starts_with("Append mode prints a window only once the watermark has closed it"));
        // The page's lines arrive in order, so no window gets a row in the trigger that closes it: what append
        // prints is what the trigger evicts.
        let mut sink = cells(&q.sink);
        let mut evicted = marked(q.before.as_ref().unwrap(), "evicted");
        sink.sort();
        evicted.sort();
        assert_eq!(sink, evicted, "trigger {}", s.batch);
        printed += sink.len();
    }
    assert!(printed > 0, "append printed closed windows over 12 batches");
}
