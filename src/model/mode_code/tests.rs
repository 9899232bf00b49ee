//! The mode panels' code driven through the reducer, as the page drives it.

use super::*;
use crate::checkpoint::SavedCheckpoint;
use crate::engine::MessageType;
use crate::model::{Action, BootParams, DraftField, Effect};

const T0: i64 = 1_795_000_000_000; // a multiple of 10 s

/// Lines of the three message types and one the notebook calls unknown.
const LINES: [&str; 4] = [
    "[info] disk ok",
    "[error] disk full",
    "[notice] user login",
    "plain words here",
];

/// The notebook's pairs, and the words of each line counted instead.
const TYPES: &str = "lines.map(get_message_type).map(lambda x: (x, 1))";
const WORDS: &str = "lines.flatMap(lambda l: l.split()).map(lambda x: (x, 1))";

fn booted(saved: Option<&str>) -> Lab {
    let params = BootParams::from_query("source=sim");
    let mut lab = Lab::boot(saved, T0 + 3_000, &params, "ws://x/ws");
    lab.start();
    lab
}

/// Feeds `lines` (the built-in source) and ends the page's batch `k` (1-based from boot); the effects of the tick.
fn batch(lab: &mut Lab, k: i64, lines: &[&str]) -> Vec<Effect> {
    lab.apply(Action::SimLines(
        lines.iter().map(|l| l.to_string()).collect(),
    ));
    lab.apply(Action::Tick {
        now_ms: T0 + k * 10_000,
    })
}

/// `mode`'s panel's text with `from` replaced by `to`, typed and run.
fn run_edited(lab: &mut Lab, mode: Mode, from: &str, to: &str) -> String {
    let text = lab.mode_text(mode).replacen(from, to, 1);
    assert_ne!(text, lab.mode_text(mode), "{from:?} is not in the program");
    lab.apply(Action::ModeEdit {
        mode,
        text: text.clone(),
    });
    lab.apply(Action::ModeRun { mode });
    text
}

/// The last block `mode`'s console printed.
fn last_block(lab: &Lab, mode: Mode) -> String {
    lab.console(mode)
        .blocks()
        .last()
        .unwrap_or_default()
        .to_string()
}

fn notices(lab: &Lab) -> Vec<String> {
    lab.notices().map(|n| n.text.clone()).collect()
}

/// The running totals of the cumulative mode at the last batch.
fn totals(lab: &Lab) -> Vec<(MessageType, i64)> {
    let last = lab.log().last().expect("a batch ran");
    last.records(Mode::Cumulative).cloned().unwrap_or_default()
}

#[test]
fn running_an_edited_cell_restarts_only_that_mode_from_the_next_batch() {
    let mut lab = booted(None);
    batch(&mut lab, 1, &LINES);
    lab.apply(Action::SimLines(vec!["[error] open batch".to_string()]));
    let before = notices(&lab);
    run_edited(&mut lab, Mode::Stateless, TYPES, WORDS);
    assert_eq!(lab.mode_status(Mode::Stateless), ModeStatus::Edited);
    // The batch open at Run ends with the notebook's program.
    batch(&mut lab, 2, &[]);
    assert!(last_block(&lab, Mode::Stateless).contains("('error', 1)"));
    assert!(!lab.mode_edited_since_run(Mode::Stateless));
    batch(&mut lab, 3, &LINES);
    let words = last_block(&lab, Mode::Stateless);
    assert!(words.contains("('disk', 2)"), "{words}");
    assert!(!words.contains("('info', 1)"), "{words}");
    // The other modes went on: the running totals hold all three batches.
    assert_eq!(
        totals(&lab).iter().find(|(t, _)| *t == MessageType::Error),
        Some(&(MessageType::Error, 3))
    );
    // Word counts are not the notebook's records: counted for the panel, never a notice.
    assert_eq!(notices(&lab), before);
    // Eleven distinct words in the four lines.
    assert_eq!(lab.mode_codes().get(Mode::Stateless).other_records, 11);
    assert_eq!(
        lab.log().last().unwrap().records(Mode::Stateless),
        Some(&vec![])
    );
}

#[test]
fn reset_to_the_notebook_restores_the_cell_with_the_running_settings_and_restarts_it() {
    let mut lab = booted(None);
    run_edited(&mut lab, Mode::Window, TYPES, WORDS);
    batch(&mut lab, 1, &LINES);
    assert!(last_block(&lab, Mode::Window).contains("('disk', 2)"));
    lab.apply(Action::ModeReset { mode: Mode::Window });
    assert_eq!(lab.mode_text(Mode::Window), lab.code(Mode::Window));
    assert_eq!(lab.mode_status(Mode::Window), ModeStatus::Notebook);
    batch(&mut lab, 2, &LINES);
    batch(&mut lab, 3, &LINES);
    // The restarted window holds batches 2 and 3 only.
    let block = last_block(&lab, Mode::Window);
    assert!(block.contains("('info', 2)"), "{block}");
    assert!(!block.contains("disk"), "{block}");
}

#[test]
fn a_syntax_error_stops_only_its_mode_at_its_line() {
    let mut lab = booted(None);
    let text = run_edited(
        &mut lab,
        Mode::Window,
        "lambda x, y: x + y",
        "lambda x, y: x +* y",
    );
    let line = text.lines().position(|l| l.contains("+*")).unwrap() as u32 + 1;
    let ModeStatus::Stopped {
        batch: 0,
        error,
        traceback,
    } = lab.mode_status(Mode::Window)
    else {
        panic!("{:?}", lab.mode_status(Mode::Window));
    };
    assert_eq!(error.line(), Some(line));
    assert!(
        traceback.starts_with(&format!("  File \"window.py\", line {line}\n")),
        "{traceback}"
    );
    assert!(
        traceback.ends_with("SyntaxError: invalid syntax"),
        "{traceback}"
    );
    batch(&mut lab, 1, &LINES);
    batch(&mut lab, 2, &LINES);
    assert!(last_block(&lab, Mode::Stateless).contains("('info', 1)"));
    assert_eq!(totals(&lab).len(), 4);
    assert_eq!(lab.console(Mode::Window).blocks().count(), 0);
    assert!(
        notices(&lab).iter().all(|n| !n.contains("window program")),
        "{:?}",
        notices(&lab)
    );
}

#[test]
fn a_runtime_error_stops_its_mode_at_its_batch_with_the_traceback() {
    let mut lab = booted(None);
    run_edited(
        &mut lab,
        Mode::Stateless,
        "lambda x: (x, 1)",
        "lambda x: (x, 1 // 0)",
    );
    batch(&mut lab, 1, &[]);
    batch(&mut lab, 2, &LINES);
    let ModeStatus::Stopped {
        batch: 2,
        traceback,
        ..
    } = lab.mode_status(Mode::Stateless)
    else {
        panic!("{:?}", lab.mode_status(Mode::Stateless));
    };
    assert!(
        traceback.starts_with("Traceback (most recent call last):\n"),
        "{traceback}"
    );
    assert!(
        traceback.ends_with("ZeroDivisionError: integer division or modulo by zero"),
        "{traceback}"
    );
    batch(&mut lab, 3, &LINES);
    assert_eq!(lab.log().last().unwrap().batch, 3);
    assert_eq!(totals(&lab).len(), 4);
    // A stopped mode still lets the page checkpoint the others.
    let effects = batch(&mut lab, 4, &LINES);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveCheckpoint(_))),
        "{effects:?}"
    );
}

#[test]
fn a_program_with_another_interval_is_refused_and_the_mode_runs_on() {
    let mut lab = booted(None);
    run_edited(
        &mut lab,
        Mode::Stateless,
        "StreamingContext(spark.sparkContext, 10)",
        "StreamingContext(spark.sparkContext, 5)",
    );
    let why = lab.mode_refusal(Mode::Stateless).expect("refused");
    assert!(
        why.contains("StreamingContext(sc, 5) makes 5 s batches"),
        "{why}"
    );
    assert!(
        why.ends_with("Meanwhile this panel runs the notebook's program."),
        "{why}"
    );
    assert_eq!(lab.mode_status(Mode::Stateless), ModeStatus::Notebook);
    assert!(lab.mode_edited_since_run(Mode::Stateless));
    batch(&mut lab, 1, &LINES);
    assert!(last_block(&lab, Mode::Stateless).contains("('info', 1)"));
}

#[test]
fn apply_keeps_an_edited_program_and_refuses_it_when_the_interval_no_longer_agrees() {
    let mut lab = booted(None);
    assert_eq!(lab.edited_modes(), []);
    let edited = run_edited(&mut lab, Mode::Stateless, TYPES, WORDS);
    assert_eq!(lab.edited_modes(), [Mode::Stateless]);
    // A new window: the notebook's cells take the number, the edited one keeps its text and runs on.
    lab.apply(Action::Edit(DraftField::Window("30".to_string())));
    lab.apply(Action::Apply { now_ms: T0 + 4_000 });
    assert!(lab.code(Mode::Window).contains("windowDuration = 30,"));
    assert_eq!(lab.mode_text(Mode::Stateless), edited);
    assert_eq!(lab.mode_status(Mode::Stateless), ModeStatus::Edited);
    batch(&mut lab, 1, &LINES);
    assert!(last_block(&lab, Mode::Stateless).contains("('disk', 2)"));
    // A new interval: the edited program asks for 10 s batches, so it is refused, its text kept.
    lab.apply(Action::Edit(DraftField::Interval(5_000)));
    lab.apply(Action::Apply {
        now_ms: T0 + 12_000,
    });
    assert_eq!(lab.mode_text(Mode::Stateless), edited);
    assert_eq!(lab.mode_status(Mode::Stateless), ModeStatus::Notebook);
    let why = lab.mode_refusal(Mode::Stateless).expect("refused");
    assert!(why.contains("but the page's batches are 5 s"), "{why}");
    // Back to 10 s batches: the refused program agrees again and runs.
    lab.apply(Action::Edit(DraftField::Interval(10_000)));
    lab.apply(Action::Apply {
        now_ms: T0 + 13_000,
    });
    assert_eq!(lab.mode_refusal(Mode::Stateless), None);
    assert_eq!(lab.mode_status(Mode::Stateless), ModeStatus::Edited);
}

#[test]
fn the_edited_code_and_what_ran_survive_a_reload() {
    let mut lab = booted(None);
    let ran = run_edited(&mut lab, Mode::Cumulative, TYPES, WORDS);
    let effects = lab.apply(Action::ModeEdit {
        mode: Mode::Cumulative,
        text: format!("{ran}# not run yet\n"),
    });
    let [Effect::SaveModeCode(saved)] = &effects[..] else {
        panic!("{effects:?}");
    };
    let codes = serde_json::to_string(saved).unwrap();
    let effects = batch(&mut lab, 1, &LINES);
    let checkpoint = effects
        .iter()
        .find_map(|e| match e {
            Effect::SaveCheckpoint(cp) => Some(cp.to_json().unwrap()),
            _ => None,
        })
        .expect("a checkpoint after the batch");
    // Reloaded with the checkpoint: the running totals of the edited program go on.
    let mut back = booted(Some(&checkpoint));
    back.open_mode_code(Some(&codes));
    assert_eq!(
        back.mode_text(Mode::Cumulative),
        format!("{ran}# not run yet\n")
    );
    assert_eq!(back.mode_status(Mode::Cumulative), ModeStatus::Edited);
    assert!(back.mode_edited_since_run(Mode::Cumulative));
    assert_eq!(back.mode_text(Mode::Stateless), back.code(Mode::Stateless));
    batch(&mut back, 2, &LINES);
    assert!(last_block(&back, Mode::Cumulative).contains("('disk', 4)"));
    // Reloaded without a checkpoint: the program that ran starts again.
    let mut fresh = booted(None);
    fresh.open_mode_code(Some(&codes));
    assert_eq!(fresh.mode_status(Mode::Cumulative), ModeStatus::Edited);
    let damaged = {
        let mut l = booted(None);
        l.open_mode_code(Some("[{"));
        notices(&l)
    };
    assert!(
        damaged.last().unwrap().contains("could not be read"),
        "{damaged:?}"
    );
    // The checkpoint holds the program: it restores with it even when the panels' code was lost.
    let lost = booted(Some(&checkpoint));
    assert_eq!(lost.mode_status(Mode::Cumulative), ModeStatus::Edited);
    assert!(SavedCheckpoint::parse(&checkpoint).unwrap().lab.modes[1]
        .program
        .is_some());
}

#[test]
fn a_tried_mistake_shows_its_master_without_calling_the_cell_edited() {
    let mut lab = booted(None);
    lab.apply(Action::MistakeTry {
        mistake: crate::model::mistakes::Mistake::Local1,
        now_ms: T0 + 4_000,
    });
    assert!(lab.mode_text(Mode::Stateless).contains("local[1]"));
    assert!(!lab.mode_edited_since_run(Mode::Stateless));
    assert_eq!(lab.mode_status(Mode::Stateless), ModeStatus::Notebook);
}

#[test]
fn the_window_arithmetic_is_explained_only_for_the_notebooks_programs() {
    let mut lab = booted(None);
    batch(&mut lab, 1, &LINES);
    assert_eq!(lab.log().last_window().map(|w| w.batch), Some(1));
    run_edited(&mut lab, Mode::Stateless, TYPES, WORDS);
    batch(&mut lab, 2, &LINES);
    batch(&mut lab, 3, &LINES);
    assert_eq!(lab.log().last_window().map(|w| w.batch), Some(1));
    assert!(last_block(&lab, Mode::Window).contains("('info', 2)"));
}
