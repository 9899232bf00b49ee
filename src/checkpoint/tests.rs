//! The saved checkpoint natively: a real lab captured, written as storage holds it, read back; and every way a
//! saved text can fail, each with the exact sentence the student reads.

use super::*;
use crate::engine::{LogGenerator, Mode, ProgramStart};

/// A lab with a 50 s window (so the window subtracts) after `batches` batches of generated lines.
fn lab_after(batches: usize, gen: &mut LogGenerator) -> NotebookLab {
    let config = NotebookConfig {
        window_ms: 50_000,
        ..NotebookConfig::default()
    };
    let mut lab = NotebookLab::new(config, 0).expect("valid settings");
    for _ in 0..batches {
        for _ in 0..20 {
            lab.push_line(&gen.next_line());
        }
        lab.run_batch();
    }
    lab
}

/// The text storage holds after capturing `lab` at `batch`.
fn saved_text(lab: &NotebookLab, batch: u64) -> String {
    SavedCheckpoint::capture(lab, batch, "label")
        .expect("the notebook's lab checkpoints")
        .to_json()
        .expect("plain data serializes")
}

/// The sentence the page shows for `text`.
fn load_error(text: &str) -> String {
    match SavedCheckpoint::load(text) {
        Ok(_) => panic!("{text} restored"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_saved_checkpoint_nests_the_engine_state_and_restores_a_lab_that_goes_on_identically() {
    let mut gen = LogGenerator::new(7);
    let mut a = lab_after(6, &mut gen);
    let text = saved_text(&a, 6);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["format"], FORMAT);
    // Each mode's job's checkpoint is a nested object, not JSON in a string.
    for mode in 0..3 {
        assert!(
            value["lab"]["modes"][mode]["job"]["engine"]["streams"].is_array(),
            "{text}"
        );
        // The notebook's programs are written from the settings, not saved.
        assert!(value["lab"]["modes"][mode]["program"].is_null(), "{text}");
    }
    let (saved, mut b) = SavedCheckpoint::load(&text).expect("restores");
    assert_eq!((saved.batch, saved.time_label.as_str()), (6, "label"));
    assert_eq!(&saved.config, a.config());
    assert_eq!(b.next_batch_time_ms(), a.next_batch_time_ms());
    for _ in 0..8 {
        let line = gen.next_line();
        a.push_line(&line);
        b.push_line(&line);
        assert_eq!(a.run_batch(), b.run_batch());
    }
}

#[test]
fn a_checkpoint_taken_with_an_edited_program_restores_only_with_that_program() {
    let mut gen = LogGenerator::new(3);
    let mut a = lab_after(2, &mut gen);
    // The running totals' cell counting the words of each line instead of its message type.
    let edited = a.source(Mode::Cumulative).replace(
        "lines.map(get_message_type)",
        "lines.flatMap(lambda l: l.split())",
    );
    assert!(matches!(
        a.run_program(Mode::Cumulative, Some(edited.clone())),
        ProgramStart::Started { .. }
    ));
    for _ in 0..3 {
        a.push_line(&gen.next_line());
        a.run_batch();
    }
    let text = saved_text(&a, 5);
    let (_, mut b) = SavedCheckpoint::load(&text).expect("restores");
    assert_eq!(b.program(Mode::Cumulative), Some(edited.as_str()));
    assert_eq!(b.program(Mode::Stateless), None);
    for _ in 0..4 {
        let line = gen.next_line();
        a.push_line(&line);
        b.push_line(&line);
        assert_eq!(a.run_batch(), b.run_batch());
    }
    // The same state with the notebook's program in its place is refused: its graph is not the one saved.
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["lab"]["modes"][1]["program"] = serde_json::Value::Null;
    let error = load_error(&value.to_string());
    assert!(
        error.starts_with("Could not restore the saved checkpoint: "),
        "{error}"
    );
}

#[test]
fn text_that_is_not_json_is_reported_as_damaged() {
    assert_eq!(
        load_error("{not json"),
        "Could not restore the saved checkpoint: it is damaged (key must be a string at line 1 column 2); \
         the page starts fresh and overwrites it after the first batch."
    );
}

#[test]
fn a_checkpoint_of_a_newer_format_is_reported_as_from_a_newer_version() {
    let mut value: serde_json::Value =
        serde_json::from_str(&saved_text(&lab_after(1, &mut LogGenerator::new(1)), 1)).unwrap();
    value["format"] = (FORMAT + 1).into();
    assert_eq!(
        load_error(&value.to_string()),
        format!(
            "Could not restore the saved checkpoint: a newer version of DStream Lab wrote it (format {}; this \
             version reads format {FORMAT}); the page starts fresh and overwrites it after the first batch.",
            FORMAT + 1
        )
    );
}

#[test]
fn a_checkpoint_of_the_old_shape_is_reported_as_from_an_older_version() {
    // Format 1 as the page wrote it: the lab's state as JSON inside a string, with the engine's own format.
    let old = serde_json::json!({
        "format": 1,
        "config": NotebookConfig::default(),
        "batch": 3,
        "time_label": "2026-11-24 10:00:30",
        "engine": serde_json::json!({
            "config": NotebookConfig::default(),
            "engine": {"format": 1, "checkpoint_dir": "checkpoint", "batch_interval_ms": 10000,
                       "zero_ms": 0, "last_batch_ms": 30000, "graph": [], "streams": []},
            "explain": {"history": [], "totals": [], "window": []}
        })
        .to_string(),
    });
    assert_eq!(
        load_error(&old.to_string()),
        format!(
            "Could not restore the saved checkpoint: an older version of DStream Lab wrote it (format 1; this \
             version reads format {FORMAT}); the page starts fresh and overwrites it after the first batch."
        )
    );
}

#[test]
fn state_that_does_not_fit_the_saved_settings_is_refused_by_the_engine() {
    let mut value: serde_json::Value =
        serde_json::from_str(&saved_text(&lab_after(3, &mut LogGenerator::new(2)), 3)).unwrap();
    // The streams were saved from a 50 s window; the settings now say 20 s.
    value["config"]["window_ms"] = 20_000.into();
    assert_eq!(
        load_error(&value.to_string()),
        "Could not restore the saved checkpoint: it was taken from a different pipeline (other operations or \
         window settings); the page starts fresh and overwrites it after the first batch."
    );
}

#[test]
fn saved_settings_spark_refuses_are_reported_with_sparks_words() {
    let mut value: serde_json::Value =
        serde_json::from_str(&saved_text(&lab_after(1, &mut LogGenerator::new(3)), 1)).unwrap();
    value["config"]["batch_interval_ms"] = 0.into();
    assert_eq!(
        load_error(&value.to_string()),
        "Could not restore the saved checkpoint: its settings are ones Spark refuses (The batch interval must be \
         positive, but it is 0 ms. Choose a duration above zero); the page starts fresh and overwrites it after \
         the first batch."
    );
}

#[test]
fn json_of_another_shape_is_reported_as_damaged() {
    assert_eq!(
        load_error("{\"config\":1}"),
        "Could not restore the saved checkpoint: it is damaged (it has no format number); the page starts fresh \
         and overwrites it after the first batch."
    );
    let current = format!("{{\"format\":{FORMAT},\"config\":{{}}}}");
    assert!(
        load_error(&current)
            .starts_with("Could not restore the saved checkpoint: it is damaged (missing field"),
        "{}",
        load_error(&current)
    );
}
