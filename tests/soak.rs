//! Memory stays flat: an hour of a 1 s batch interval at 100 lines/s through the page's reducer leaves the
//! batch log, the consoles, the checkpoint and what the worker sends the page bounded (what grows is only
//! counters).

// Native only: the reducer is plain Rust, and an hour of batches in debug wasm would only slow the browser suite.
#![cfg(not(target_arch = "wasm32"))]

use dstream_lab::engine::{LogGenerator, Mode};
use dstream_lab::model::page::PageViews;
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
    // The page's copy is what the updates carry: their size bounds it.
    let mut views = PageViews::default();
    let mut update_sizes = Vec::new();
    for s in 1..=3_600i64 {
        let lines: Vec<String> = (0..100).map(|_| g.next_line()).collect();
        lab.apply(Action::SimLines(lines));
        let effects = lab.apply(Action::Tick { now_ms: s * 1_000 });
        let update = views.update(&lab, 0);
        if s % 600 == 0 {
            let json = serde_json::to_string(&update).expect("plain data");
            update_sizes.push(json.len());
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
    // From 10 minutes on the log is full (LOG_BATCHES = 6 minutes of batches): the page's update after a batch
    // (every part) only lengthens with the digits of the totals in it. At 10 minutes the log still holds running
    // totals of 4 digits, from 20 on only of 5 or more: from then on, within 2 %.
    let settled = &update_sizes[1..];
    let max = *settled.iter().max().unwrap();
    assert!(
        update_sizes[0] <= settled[0] && max <= settled[0] + settled[0] / 50,
        "page update sizes {update_sizes:?}"
    );
    println!("page update sizes over the hour: {update_sizes:?}");
}
