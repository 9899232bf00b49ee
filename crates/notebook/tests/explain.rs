//! The teaching views' explanations agree with what the engine computed: the
//! update calls give the running totals, the window arithmetic gives the window,
//! and the path the engine recorded for each window (subtracted or reduced
//! afresh, from which batches) is the one PySpark takes.

use dstream_notebook::explain::{BatchCounts, UpdateCall, WindowExplain};
use dstream_notebook::generator::LogGenerator;
use dstream_notebook::{BatchReport, MessageType, Mode, NotebookConfig, NotebookLab};

/// The batch times in `(from, to]` (batches at or before the zero time, 0, do not exist).
fn times_in(config: &NotebookConfig, from: i64, to: i64) -> Vec<i64> {
    let i = config.batch_interval_ms;
    (1..=to / i)
        .map(|k| k * i)
        .filter(|&b| b > from && b <= to)
        .collect()
}

fn times_of(batches: &[BatchCounts]) -> Vec<i64> {
    batches.iter().map(|b| b.time_ms).collect()
}

/// PySpark's rule for the window emitted at `t` (zero time 0), from
/// `ReducedWindowedDStream` as PySpark configures it: subtract only with an
/// inverse function, a window of at least 5 slides, and a previous window.
fn assert_pysparks_path(config: &NotebookConfig, t: i64, explain: &WindowExplain) {
    let (w, s) = (config.window_ms, config.slide_ms);
    let subtracts = config.inverse && w >= 5 * s && t - s > 0;
    match explain {
        WindowExplain::Subtract {
            leaving, arriving, ..
        } => {
            assert!(subtracts, "at {t} ms PySpark reduces afresh: {explain:?}");
            assert_eq!(times_of(leaving), times_in(config, t - s - w, t - w));
            assert_eq!(times_of(arriving), times_in(config, t - s, t));
        }
        WindowExplain::Recompute { reason, batches } => {
            assert!(!subtracts, "at {t} ms PySpark subtracts: {explain:?}");
            assert_eq!(times_of(batches), times_in(config, t - w, t));
            let why = if !config.inverse {
                "No inverse function"
            } else if w < 5 * s {
                "shorter than 5 x the slide"
            } else {
                "first window"
            };
            assert!(reason.contains(why), "at {t} ms: {reason}");
        }
    }
}

fn records(report: &BatchReport, mode: Mode) -> Option<Vec<(MessageType, i64)>> {
    report
        .outputs
        .iter()
        .find(|o| o.mode == mode)
        .map(|o| o.records.clone())
}

fn check(config: NotebookConfig) {
    let mut lab = NotebookLab::new(config.clone(), 0).unwrap();
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
        if let Some(explain) = &report.window_explain {
            assert_pysparks_path(&config, report.time_ms, explain);
        }
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
    check(NotebookConfig::default());
}

#[test]
fn long_window_subtracts_and_keeps_zero_keys() {
    check(NotebookConfig {
        window_ms: 50_000,
        ..NotebookConfig::default()
    });
    check(NotebookConfig {
        window_ms: 60_000,
        slide_ms: 10_000,
        parallelism: 3,
        ..NotebookConfig::default()
    });
}

#[test]
fn filter_and_no_inverse_and_slow_slides() {
    check(NotebookConfig {
        window_ms: 50_000,
        filter_zero: true,
        ..NotebookConfig::default()
    });
    check(NotebookConfig {
        window_ms: 50_000,
        inverse: false,
        ..NotebookConfig::default()
    });
    check(NotebookConfig {
        batch_interval_ms: 5_000,
        window_ms: 100_000,
        slide_ms: 20_000,
        ..NotebookConfig::default()
    });
    check(NotebookConfig {
        window_ms: 40_000,
        slide_ms: 20_000,
        parallelism: 1,
        ..NotebookConfig::default()
    });
}

#[test]
fn explanations_survive_a_checkpoint_restore() {
    let config = NotebookConfig {
        window_ms: 50_000,
        ..NotebookConfig::default()
    };
    let mut a = NotebookLab::new(config.clone(), 0).unwrap();
    let mut gen = LogGenerator::new(3);
    for _ in 0..6 {
        for _ in 0..5 {
            a.push_line(&gen.next_line());
        }
        a.run_batch();
    }
    let mut b = NotebookLab::restore(config.clone(), &a.checkpoint().unwrap()).unwrap();
    for _ in 0..6 {
        let line = gen.next_line();
        a.push_line(&line);
        b.push_line(&line);
        let (ra, rb) = (a.run_batch(), b.run_batch());
        assert_eq!(ra, rb);
        assert_pysparks_path(&config, rb.time_ms, rb.window_explain.as_ref().unwrap());
    }
}

#[test]
fn the_first_window_after_a_restore_subtracts_from_the_saved_one() {
    // The checkpoint holds the previous window, so the restored engine goes on
    // subtracting rather than reducing afresh.
    let config = NotebookConfig {
        window_ms: 50_000,
        ..NotebookConfig::default()
    };
    let mut a = NotebookLab::new(config.clone(), 0).unwrap();
    for line in ["[error] a", "[info] b", "[info] c"] {
        a.push_line(line);
        a.run_batch();
    }
    let mut b = NotebookLab::restore(config, &a.checkpoint().unwrap()).unwrap();
    b.push_line("[notice] d");
    let report = b.run_batch();
    let Some(WindowExplain::Subtract {
        leaving,
        arriving,
        keys,
    }) = &report.window_explain
    else {
        panic!("restored window: {:?}", report.window_explain)
    };
    assert!(leaving.is_empty(), "nothing has left a 50 s window at 40 s");
    assert_eq!(times_of(arriving), [40_000]);
    let notice = keys.iter().find(|k| k.key == MessageType::Notice).unwrap();
    assert_eq!(
        (notice.old, notice.arriving, notice.result),
        (None, 1, Some(1))
    );
    let info = keys.iter().find(|k| k.key == MessageType::Info).unwrap();
    assert_eq!((info.old, info.result), (Some(2), Some(2)));
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
