//! Memory stays flat: an hour of a 1 s batch interval at 100 lines/s through the page's reducer leaves the
//! batch log, the consoles and the checkpoint bounded (what grows is only counters).

// Native only: the reducer is plain Rust, and an hour of batches in debug wasm would only slow the browser suite.
#![cfg(not(target_arch = "wasm32"))]

use dstream_lab::engine::{LogGenerator, Mode};
use dstream_lab::model::{Action, BootParams, Effect, Lab, CONSOLE_BLOCKS, LOG_BATCHES};

#[test]
fn an_hour_at_100_lines_per_second_stays_bounded() {
    let mut g = LogGenerator::new(7);
    let mut lab = Lab::boot(
        None,
        0,
        &BootParams::from_query("source=sim&interval=1"),
        "ws://x/ws",
    );
    lab.start();
    let mut checkpoint_sizes = Vec::new();
    for s in 1..=3_600i64 {
        let lines: Vec<String> = (0..100).map(|_| g.next_line()).collect();
        lab.apply(Action::SimLines(lines));
        let effects = lab.apply(Action::Tick { now_ms: s * 1_000 });
        if s % 600 == 0 {
            let saved = effects.iter().find_map(|e| match e {
                Effect::SaveCheckpoint(cp) => Some(cp.to_json().expect("plain data").len()),
                _ => None,
            });
            checkpoint_sizes.push(saved.expect("a checkpoint after every batch"));
        }
    }
    assert_eq!(lab.stats.batches_run, 3_600);
    assert_eq!(lab.stats.lines_in, 360_000);
    assert_eq!(lab.log().entries().len(), LOG_BATCHES);
    for m in Mode::ALL {
        assert_eq!(lab.console(m).blocks().count(), CONSOLE_BLOCKS);
    }
    let total: i64 = lab
        .points(Mode::Cumulative)
        .last()
        .unwrap()
        .counts
        .iter()
        .sum();
    assert_eq!(total, 360_000);
    // The checkpoint does not grow with time (running totals and one window only); only the digits of the
    // totals and of the clock lengthen, a few bytes per power of ten.
    let (min, max) = (
        *checkpoint_sizes.iter().min().unwrap(),
        *checkpoint_sizes.iter().max().unwrap(),
    );
    assert!(max <= min + 256, "checkpoint sizes {checkpoint_sizes:?}");
    println!("checkpoint sizes over the hour: {checkpoint_sizes:?}");
}
