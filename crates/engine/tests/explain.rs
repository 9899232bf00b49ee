//! The teaching views' explanations agree with what the engine computed: the
//! update calls give the running totals, the window arithmetic gives the window.

use dstream_engine::explain::{UpdateCall, WindowExplain};
use dstream_engine::generator::LogGenerator;
use dstream_engine::seed::{MessageType, Mode, SeedConfig, SeedLab};

fn records(
    report: &dstream_engine::seed::BatchReport,
    mode: Mode,
) -> Option<Vec<(MessageType, i64)>> {
    report
        .outputs
        .iter()
        .find(|o| o.mode == mode)
        .map(|o| o.records.clone())
}

fn check(config: SeedConfig) {
    let mut lab = SeedLab::new(config.clone(), 0).unwrap();
    let mut gen = LogGenerator::new(7);
    let (mut subtracted, mut recomputed) = (0, 0);
    for batch in 1..=40u64 {
        // Some batches are empty, so keys fall out of windows and reach zero.
        let n = if batch % 7 < 3 {
            0
        } else {
            (batch * 13 % 9) as usize
        };
        for _ in 0..n {
            lab.push_line(&gen.next_line());
        }
        let report = lab.run_batch();
        let totals = records(&report, Mode::Cumulative).unwrap();
        let from_calls: Vec<(MessageType, i64)> = report
            .state_calls
            .iter()
            .filter_map(|c| c.result.map(|r| (c.key, r)))
            .collect();
        assert_eq!(from_calls, totals, "batch {batch}: update calls vs totals");
        match (records(&report, Mode::Window), &report.window_explain) {
            (None, None) => {}
            (Some(window), Some(WindowExplain::Subtract { keys, .. })) => {
                subtracted += 1;
                assert!(config.inverse && config.window_ms >= 5 * config.slide_ms);
                let from_steps: Vec<(MessageType, i64)> = keys
                    .iter()
                    .filter_map(|k| k.result.map(|r| (k.key, r)))
                    .collect();
                assert_eq!(from_steps, window, "batch {batch}: subtracting path");
                for k in keys {
                    assert_eq!(
                        k.result.unwrap_or(0),
                        k.old.unwrap_or(0) - k.leaving + k.arriving
                    );
                }
            }
            (Some(window), Some(WindowExplain::Recompute { batches, reason })) => {
                recomputed += 1;
                assert!(!reason.is_empty());
                let mut sums: Vec<(MessageType, i64)> = MessageType::ALL
                    .iter()
                    .map(|&k| (k, batches.iter().map(|b| b.get(k)).sum()))
                    .filter(|(_, v)| *v > 0)
                    .collect();
                let mut window = window;
                sums.sort();
                window.sort();
                assert_eq!(sums, window, "batch {batch}: recompute path");
            }
            other => panic!("batch {batch}: window output and explanation disagree: {other:?}"),
        }
    }
    let subtracting = config.inverse && config.window_ms >= 5 * config.slide_ms;
    assert_eq!(subtracted > 0, subtracting);
    assert!(recomputed > 0, "the first window is always reduced afresh");
}

#[test]
fn notebook_window_never_subtracts() {
    check(SeedConfig::default());
}

#[test]
fn long_window_subtracts_and_keeps_zero_keys() {
    check(SeedConfig {
        window_ms: 50_000,
        ..SeedConfig::default()
    });
    check(SeedConfig {
        window_ms: 60_000,
        slide_ms: 10_000,
        parallelism: 3,
        ..SeedConfig::default()
    });
}

#[test]
fn filter_and_no_inverse_and_slow_slides() {
    check(SeedConfig {
        window_ms: 50_000,
        filter_zero: true,
        ..SeedConfig::default()
    });
    check(SeedConfig {
        window_ms: 50_000,
        inverse: false,
        ..SeedConfig::default()
    });
    check(SeedConfig {
        batch_interval_ms: 5_000,
        window_ms: 100_000,
        slide_ms: 20_000,
        ..SeedConfig::default()
    });
    check(SeedConfig {
        window_ms: 40_000,
        slide_ms: 20_000,
        parallelism: 1,
        ..SeedConfig::default()
    });
}

#[test]
fn explanations_survive_a_checkpoint_restore() {
    let config = SeedConfig {
        window_ms: 50_000,
        ..SeedConfig::default()
    };
    let mut a = SeedLab::new(config.clone(), 0).unwrap();
    let mut gen = LogGenerator::new(3);
    for _ in 0..6 {
        for _ in 0..5 {
            a.push_line(&gen.next_line());
        }
        a.run_batch();
    }
    let mut b = SeedLab::restore(config, &a.checkpoint_json()).unwrap();
    for _ in 0..6 {
        let line = gen.next_line();
        a.push_line(&line);
        b.push_line(&line);
        assert_eq!(a.run_batch(), b.run_batch());
    }
}

#[test]
fn update_calls_read_like_the_notebook() {
    let call = UpdateCall {
        key: MessageType::Error,
        new_values: vec![3],
        running_count: Some(5),
        result: Some(8),
    };
    assert_eq!(
        call.notebook_text(),
        "updateFunction(newValues=[3], runningCount=5) -> 8"
    );
    let first = UpdateCall {
        key: MessageType::Info,
        new_values: vec![2],
        running_count: None,
        result: Some(2),
    };
    assert_eq!(
        first.notebook_text(),
        "updateFunction(newValues=[2], runningCount=None) -> 2"
    );
    let idle = UpdateCall {
        key: MessageType::Info,
        new_values: vec![],
        running_count: Some(2),
        result: Some(2),
    };
    assert_eq!(
        idle.notebook_text(),
        "updateFunction(newValues=[], runningCount=2) -> 2"
    );
}
