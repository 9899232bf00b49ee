//! "Output modes side by side" of the menu's Structured Streaming jobs, run by the page on the built-in source.

use super::*;
use crate::model::travel::TravelMove;
use crate::model::{Action, Lab};
use crate::teach::trigger::tests::{batch, page_with};

/// The page with one job of example `name` after each of `n` page batches: the view then (None while it has
/// none); returns the page and the job's id too.
fn run(name: &str, n: i64) -> (Lab, u64, Vec<Option<ModesStory>>) {
    let (mut lab, id) = page_with(name, None);
    let stories = (1..=n)
        .map(|k| {
            batch(&mut lab, k);
            let job = lab.jobs().get(id).expect("the job is open");
            modes_story(&lab.viewed_job_batches(job))
        })
        .collect();
    (lab, id, stories)
}

fn column<'a>(s: &'a ModesStory, mode: &str) -> &'a ModeStory {
    s.queries[0]
        .columns
        .iter()
        .find(|c| c.mode == mode)
        .expect("the mode's column")
}

/// The `Batch: N` of a printed column.
fn batch_id(c: &ModeStory) -> Option<u64> {
    let line = c.text.lines().nth(1)?;
    line.strip_prefix("Batch: ")?.parse().ok()
}

/// The cells of a console table's rows that hold a window (a table's widths vary with its rows).
fn window_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with("|{"))
        .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

#[test]
fn the_windowed_example_shows_three_columns_and_its_own_is_what_the_job_printed() {
    let (lab, id, all) = run("structured_windowed_update", 12);
    let shown: Vec<&ModesStory> = all.iter().flatten().collect();
    assert!(shown.len() >= 10, "a view per running trigger");
    let mut own_text = String::new();
    for s in &shown {
        let q = &s.queries[0];
        assert_eq!(q.title, "Query 1 (your program: update mode)");
        let modes: Vec<&str> = q.columns.iter().map(|c| &*c.mode).collect();
        assert_eq!(modes, ["complete", "update", "append"]);
        let own: Vec<&str> = q
            .columns
            .iter()
            .filter(|c| c.own)
            .map(|c| &*c.mode)
            .collect();
        assert_eq!(own, ["update"]);
        own_text.push_str(&column(s, "update").text);
    }
    let job = lab.jobs().get(id).expect("the job is open");
    assert_eq!(
        own_text,
        lab.viewed_job_console(job).text(),
        "the update column is the job's console"
    );
}

#[test]
fn complete_runs_no_batch_without_lines_while_update_and_append_may() {
    let (_, _, all) = run("structured_windowed_update", 12);
    let shown: Vec<&ModesStory> = all.iter().flatten().collect();
    let mut data_triggers = 0;
    let mut no_data_batches = 0;
    for s in &shown {
        let complete = column(s, "complete");
        if s.lines == 0 {
            assert_eq!(complete.kind, ColumnKind::Nothing, "trigger {}", s.batch);
            assert!(complete
                .why
                .starts_with("No new lines: complete mode runs no batch"));
            let update = column(s, "update");
            if update.kind == ColumnKind::Printed {
                no_data_batches += 1;
                assert!(
                    update
                        .why
                        .starts_with("No new lines, but the watermark moved to "),
                    "{}",
                    update.why
                );
                // Update and append run the same no-data batch: the same batch id.
                assert_eq!(batch_id(update), batch_id(column(s, "append")));
            }
        } else {
            // Complete numbers only the triggers with lines.
            assert_eq!(
                batch_id(complete),
                Some(data_triggers),
                "trigger {}",
                s.batch
            );
            data_triggers += 1;
            assert!(complete
                .why
                .starts_with("complete prints the whole result table at every batch: all "));
        }
    }
    assert!(
        no_data_batches > 0,
        "the watermark moved at a trigger without lines"
    );
}

#[test]
fn append_prints_nothing_final_until_the_watermark_passes_a_windows_end() {
    let (_, _, all) = run("structured_windowed_update", 12);
    let shown: Vec<&ModesStory> = all.iter().flatten().collect();
    let first = column(shown[0], "append");
    assert_eq!(first.kind, ColumnKind::Printed);
    assert!(
        first.why.starts_with("append prints a window only once the watermark (the epoch: no event time seen yet) passed its end: nothing final yet (the earliest window ends at "),
        "{}",
        first.why
    );
    let final_rows: Vec<Vec<String>> = shown
        .iter()
        .map(|s| column(s, "append"))
        .filter(|c| c.why.starts_with("append prints a window once"))
        .flat_map(|c| window_rows(&c.text))
        .collect();
    assert!(
        !final_rows.is_empty(),
        "append printed closed windows over 12 batches"
    );
    // A window append printed is final: complete printed the same row (same window, type and count) before.
    let complete_rows: Vec<Vec<String>> = shown
        .iter()
        .flat_map(|s| window_rows(&column(s, "complete").text))
        .collect();
    for row in final_rows {
        assert!(
            complete_rows.contains(&row),
            "{row:?} not in complete's tables"
        );
    }
}

#[test]
fn the_running_example_refuses_append_in_sparks_words_and_update_prints_the_changed_rows() {
    let (_, _, all) = run("structured_running_complete", 6);
    let shown: Vec<&ModesStory> = all.iter().flatten().collect();
    assert!(!shown.is_empty());
    for s in &shown {
        assert_eq!(s.queries[0].title, "Query 1 (your program: complete mode)");
        let append = column(s, "append");
        assert_eq!(append.kind, ColumnKind::Refused);
        assert!(append.text.starts_with(
            "[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: append."
        ));
        let (complete, update) = (column(s, "complete"), column(s, "update"));
        if complete.kind == ColumnKind::Printed {
            let rows = |c: &ModeStory| c.text.lines().filter(|l| l.starts_with('|')).count() - 1;
            // Update's rows are some of complete's (the changed ones), and its sentence counts them.
            assert!(rows(update) <= rows(complete));
            let n = rows(update);
            assert!(
                update
                    .why
                    .starts_with(&format!("update prints only the {n} row")),
                "{}",
                update.why
            );
            assert!(
                complete
                    .why
                    .contains(&format!("all {} row", rows(complete))),
                "{}",
                complete.why
            );
        }
    }
}

#[test]
fn the_view_follows_time_travel() {
    let (mut lab, id, all) = run("structured_windowed_update", 8);
    lab.apply(Action::Travel(TravelMove::Back));
    lab.apply(Action::Travel(TravelMove::Back));
    let job = lab.jobs().get(id).expect("the job is open");
    let viewed = modes_story(&lab.viewed_job_batches(job));
    assert_eq!(
        viewed, all[5],
        "two batches back: the view the page showed then"
    );
    assert_ne!(viewed, all[7]);
    lab.apply(Action::Travel(TravelMove::Now));
    let job = lab.jobs().get(id).expect("the job is open");
    assert_eq!(modes_story(&lab.viewed_job_batches(job)), all[7]);
}

#[test]
fn a_job_without_a_console_aggregation_has_no_modes_view() {
    for name in ["structured_per_trigger_counts", "notebook_stateless"] {
        let (_, _, all) = run(name, 4);
        assert!(all.iter().all(Option::is_none), "{name}");
    }
}
