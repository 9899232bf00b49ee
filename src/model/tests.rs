//! The reducer driven natively, as the page drives it: actions in, state and effects out.

mod effects;
mod inject;
mod relay;
mod share;

use super::*;
use dstream_protocol::FrameEncoding;

const T0: i64 = 1_795_000_000_000; // some local naive ms, a multiple of 10 s

const RELAY_URL: &str = "ws://127.0.0.1:8080/ws";

/// The page as loaded with no checkpoint and no URL parameters, started; and its start-up effects.
fn boot_started() -> (Lab, Vec<Effect>) {
    let mut lab = Lab::boot(None, T0 + 3_000, &BootParams::default(), RELAY_URL);
    let effects = lab.start();
    (lab, effects)
}

fn boot() -> Lab {
    boot_started().0
}

/// A started page with these URL parameters.
fn boot_with(query: &str, now_ms: i64) -> Lab {
    let mut lab = Lab::boot(None, now_ms, &BootParams::from_query(query), "ws://x/ws");
    lab.start();
    lab
}

/// The relay's first status message, as `relay` sends it.
const HELLO: &str = r#"{"type":"status","event":"hello","source":"connected","address":"127.0.0.1:9999","reason":null,"demo":false,"lines_forwarded":0,"lines_dropped":0,"lines_cut":0,"invalid_utf8":0,"clients":1,"client_lines":0,"max_line_bytes":1048576}"#;

/// Completes the current attempt's handshake and lets the relay say hello.
fn open_relay(lab: &mut Lab) -> Vec<Effect> {
    let seq = lab.source.seq;
    let mut effects = lab.apply(Action::RelayOpened {
        seq,
        encoding: FrameEncoding::Plain,
    });
    effects.extend(lab.apply(Action::RelayText {
        seq,
        text: HELLO.to_string(),
    }));
    effects
}

fn sim_lines(lab: &mut Lab, line: &str, n: usize) -> Vec<Effect> {
    lab.apply(Action::SimLines(vec![line.to_string(); n]))
}

/// The checkpoint among `effects`.
fn saved_checkpoint(effects: &[Effect]) -> Option<&crate::checkpoint::SavedCheckpoint> {
    effects.iter().find_map(|e| match e {
        Effect::SaveCheckpoint(cp) => Some(&**cp),
        _ => None,
    })
}

#[test]
fn batches_align_to_the_wall_clock() {
    let lab = boot();
    assert_eq!(lab.next_batch_time_ms(), T0 + 10_000);
    assert_eq!(lab.config(), &NotebookConfig::default());
}

#[test]
fn relay_lines_feed_all_three_modes() {
    let mut lab = boot();
    open_relay(&mut lab);
    let seq = lab.source.seq;
    lab.apply(Action::RelayBinary {
        seq,
        data: b"[info] a\n[error] b\n[error] c\nplain\n".to_vec(),
    });
    assert_eq!(lab.pending_lines(), 4);
    let effects = lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    assert_eq!(lab.log().entries().len(), 1);
    let b = &lab.log().entries()[0];
    assert_eq!(b.lines, 4);
    assert_eq!(b.counts(Mode::Stateless), Some([1, 0, 2, 1]));
    assert_eq!(b.counts(Mode::Cumulative), Some([1, 0, 2, 1]));
    // The 10 s slide emits at batch 1 (10 s after zero).
    assert!(b.counts(Mode::Window).is_some());
    assert!(lab.console(Mode::Stateless).text().contains("('error', 2)"));
    assert!(saved_checkpoint(&effects).is_some());
    lab.apply(Action::Tick {
        now_ms: T0 + 20_000,
    });
    let pts = lab.points(Mode::Cumulative);
    assert_eq!(pts.len(), 2);
    assert_eq!(pts[1].counts, [1, 0, 2, 1]);
}

#[test]
fn simulated_lines_are_refused_while_the_relay_feeds() {
    let mut lab = boot();
    open_relay(&mut lab);
    sim_lines(&mut lab, "x", 1);
    assert_eq!(lab.pending_lines(), 0);
    assert_eq!(lab.source.ignored_lines, 1);
    assert!(lab.losses().iter().any(|l| l.contains("ignored")));
}

#[test]
fn an_open_batch_filled_without_a_pause_says_so_and_what_to_do() {
    // 100 000 lines/s at the default 10 s interval: the open batch passes its cap while the clock runs.
    let mut lab = boot();
    open_relay(&mut lab);
    assert!(!lab.paused);
    let seq = lab.source.seq;
    lab.apply(Action::RelayBinary {
        seq,
        data: "[info] x\n".repeat(MAX_PENDING_LINES + 3).into_bytes(),
    });
    assert_eq!(lab.pending_lines(), MAX_PENDING_LINES);
    let losses = lab.losses();
    let full = losses
        .iter()
        .find(|l| l.starts_with("3 lines dropped:"))
        .unwrap_or_else(|| panic!("no dropped lines in {losses:?}"));
    assert!(!full.contains("paused"), "{full}");
    assert!(
        full.contains(&format!("cap of {MAX_PENDING_LINES} lines")),
        "{full}"
    );
    assert!(
        full.contains("a shorter batch interval or a lower rate"),
        "{full}"
    );
}

#[test]
fn a_rejected_setting_leaves_the_pipelines_alone() {
    let mut lab = boot();
    lab.apply(Action::SetSource(SourceChoice::Simulated));
    sim_lines(&mut lab, "[info] x", 1);
    lab.apply(Action::Edit(DraftField::Window("25".into())));
    assert!(lab.draft_error.is_some());
    let effects = lab.apply(Action::Apply { now_ms: T0 + 4_000 });
    assert!(lab.draft_error.as_deref().unwrap().contains("multiple"));
    assert_eq!(effects, vec![], "a refused setting clears no checkpoint");
    assert_eq!(lab.context, 0);
    assert_eq!(lab.pending_lines(), 1);
    assert_eq!(lab.config(), &NotebookConfig::default());
    lab.apply(Action::Edit(DraftField::Window("abc".into())));
    assert!(lab.draft_error.as_deref().unwrap().contains("number"));
    // A valid change restarts with the new settings.
    lab.apply(Action::Edit(DraftField::Window("30".into())));
    lab.apply(Action::Edit(DraftField::Interval(1_000)));
    assert_eq!(lab.draft_error, None);
    let effects = lab.apply(Action::Apply { now_ms: T0 + 4_500 });
    assert_eq!(lab.context, 1);
    assert_eq!(lab.config().window_ms, 30_000);
    assert_eq!(lab.next_batch_time_ms(), T0 + 5_000);
    assert_eq!(lab.stats.lines_discarded_restart, 1);
    assert_eq!(
        effects,
        vec![
            Effect::ClearCheckpoint,
            Effect::ArmBatchTimer { at_ms: T0 + 5_000 }
        ]
    );
    // Applying the running settings again changes nothing.
    assert_eq!(lab.apply(Action::Apply { now_ms: T0 + 4_600 }), vec![]);
    assert_eq!(lab.context, 1);
}

#[test]
fn pause_step_resume() {
    let mut lab = boot();
    lab.apply(Action::SetSource(SourceChoice::Simulated));
    lab.apply(Action::Pause);
    sim_lines(&mut lab, "[notice] n", 3);
    lab.apply(Action::Tick {
        now_ms: T0 + 60_000,
    });
    assert!(lab.log().entries().is_empty());
    lab.apply(Action::Step);
    assert_eq!(lab.log().entries().len(), 1);
    assert_eq!(lab.log().entries()[0].lines, 3);
    lab.apply(Action::Resume);
    lab.apply(Action::Tick {
        now_ms: T0 + 60_000,
    });
    // Catching up runs the batches missed while paused, as empty batches.
    assert_eq!(lab.log().entries().len(), 6);
    assert_eq!(lab.stats.behind, 0);
}

#[test]
fn a_new_context_counts_its_batches_from_zero() {
    let mut lab = boot();
    lab.apply(Action::SetSource(SourceChoice::Simulated));
    sim_lines(&mut lab, "[notice] n", 3);
    lab.apply(Action::Tick {
        now_ms: T0 + 20_000,
    });
    assert_eq!(lab.stats.batches_run, 2);
    lab.apply(Action::Reset {
        now_ms: T0 + 21_000,
    });
    assert_eq!(
        lab.stats.batches_run, 0,
        "the run status counts the new context's batches"
    );
    lab.apply(Action::Tick {
        now_ms: T0 + 30_000,
    });
    assert_eq!(lab.stats.batches_run, 1);
}

#[test]
fn the_log_and_consoles_stay_bounded() {
    let mut lab = boot_with("source=sim&interval=1", T0);
    let mut now = T0;
    for _ in 0..(LOG_BATCHES + 50) {
        sim_lines(&mut lab, "[error] e", 10);
        now += 1_000;
        lab.apply(Action::Tick { now_ms: now });
    }
    assert_eq!(lab.log().entries().len(), LOG_BATCHES);
    assert_eq!(
        lab.console(Mode::Stateless).blocks().count(),
        CONSOLE_BLOCKS
    );
    assert_eq!(
        lab.console(Mode::Stateless).dropped(),
        (LOG_BATCHES + 50 - CONSOLE_BLOCKS) as u64
    );
    let total: i64 = lab
        .points(Mode::Cumulative)
        .last()
        .unwrap()
        .counts
        .iter()
        .sum();
    assert_eq!(total, 10 * (LOG_BATCHES as i64 + 50));
}

#[test]
fn catch_up_is_chunked() {
    let mut lab = boot_with("source=sim&interval=1", T0);
    let effects = lab.apply(Action::Tick {
        now_ms: T0 + 1_000 * (MAX_BATCHES_PER_TICK as i64 + 10),
    });
    assert_eq!(lab.log().entries().len(), MAX_BATCHES_PER_TICK);
    assert_eq!(lab.stats.behind, 10);
    // The timer is armed for a batch already due, so the next chunk runs at once.
    assert_eq!(
        effects[0],
        Effect::ArmBatchTimer {
            at_ms: T0 + 1_000 * (MAX_BATCHES_PER_TICK as i64 + 1)
        }
    );
}

#[test]
fn checkpoint_round_trip_and_corruption() {
    let mut lab = boot();
    lab.apply(Action::SetSource(SourceChoice::Simulated));
    sim_lines(&mut lab, "[info] i", 7);
    let effects = lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    // As storage holds it: JSON text.
    let saved = saved_checkpoint(&effects).unwrap().to_json().unwrap();
    let mut back = Lab::boot(
        Some(&saved),
        T0 + 12_000,
        &BootParams::default(),
        "ws://x/ws",
    );
    back.start();
    assert!(back.notices().any(|n| n.text.starts_with("Restored")));
    assert_eq!(back.next_batch_time_ms(), T0 + 20_000);
    back.apply(Action::SetSource(SourceChoice::Simulated));
    back.apply(Action::Tick {
        now_ms: T0 + 20_000,
    });
    assert_eq!(back.points(Mode::Cumulative)[0].counts, [7, 0, 0, 0]);
    // The batch count goes on from the checkpoint's batch 1.
    assert_eq!(back.stats.batches_run, 2);

    // Each failure's sentence is asserted in `crate::checkpoint`'s tests; here: it is the one notice, an error.
    for bad in ["{not json", "{\"format\":99}", "{\"format\":1}", ""] {
        let lab = Lab::boot(Some(bad), T0, &BootParams::default(), "ws://x/ws");
        let n: Vec<_> = lab.notices().collect();
        assert_eq!(n.len(), 1, "{bad}");
        assert_eq!(n[0].level, Level::Error);
        let why = crate::checkpoint::SavedCheckpoint::load(bad).err().unwrap();
        assert_eq!(n[0].text, why.to_string());
        assert_eq!(lab.config(), &NotebookConfig::default());
    }
}

#[test]
fn boot_params_set_up_the_lab() {
    let p = BootParams::from_query(
        "?source=relay&interval=1&rate=50&relay=ws%3A%2F%2Fh%3A1%2Fws&bogus=1",
    );
    let mut lab = Lab::boot(None, T0, &p, "ws://x/ws");
    assert_eq!(lab.config().batch_interval_ms, 1_000);
    assert_eq!(lab.source.relay_url, "ws://h:1/ws");
    assert_eq!(lab.source.sim_rate, 50.0);
    assert!(lab.notices().any(|n| n.text.contains("bogus")));
    assert_eq!(
        lab.start()[0],
        Effect::OpenRelay {
            seq: 1,
            url: "ws://h:1/ws".into()
        }
    );
    // An interval the window cannot follow is refused with the engine's words, defaults used.
    let lab = Lab::boot(None, T0, &BootParams::from_query("interval=3"), "ws://x/ws");
    assert_eq!(lab.config(), &NotebookConfig::default());
    assert!(lab.notices().any(|n| n.level == Level::Error));
}

#[test]
fn notices_are_bounded_and_dismissable() {
    let mut lab = boot();
    for i in 0..MAX_NOTICES + 2 {
        lab.apply(Action::CheckpointSaveFailed(format!("quota {i}")));
    }
    let shown: Vec<_> = lab.notices().cloned().collect();
    assert_eq!(shown.len(), MAX_NOTICES);
    assert!(shown[0].text.contains("quota 2"), "{:?}", shown[0]);
    lab.apply(Action::Dismiss(shown[0].id));
    assert_eq!(lab.notices().count(), MAX_NOTICES - 1);
    assert!(lab.notices().all(|n| n.id != shown[0].id));
}
