//! `reduceByKeyAndWindow` records the path each window took, and the record is
//! PySpark's: subtract only with an inverse function, a window of at least five
//! slides, and a previous window; otherwise reduce the window's batches afresh.
//! A restored context has its previous window back, so it goes on subtracting.

use dstream_engine::{
    AfreshReason, DStream, Duration, InvFn, StreamingContext, WindowHow, WindowPath,
};

/// Builds `reduceByKeyAndWindow(+, -?, window, slide)` over one `("k", 1)` per
/// batch, with 10 s batches.
fn windowed(
    ssc: &StreamingContext,
    window_s: i64,
    slide_s: i64,
    inverse: bool,
) -> DStream<(String, i64)> {
    let pairs = ssc.queue_stream(vec![vec![("k".to_string(), 1i64)]; 64]);
    let inv: Option<InvFn<i64>> = inverse.then(|| Box::new(|a: &i64, b: &i64| a - b) as InvFn<i64>);
    let window = pairs
        .reduce_by_key_and_window(
            |a, b| a + b,
            inv,
            Duration::from_secs(window_s),
            Duration::from_secs(slide_s),
            None,
            None,
        )
        .unwrap();
    window.foreach_rdd(|_, _| {});
    window
}

fn context() -> StreamingContext {
    let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
    ssc.checkpoint("checkpoint");
    ssc
}

/// The batch times of `(from, to]`, in ms, with batches every 10 s from 10 s on.
fn batches(from_s: i64, to_s: i64) -> Vec<i64> {
    (1..=to_s / 10)
        .map(|k| k * 10_000)
        .filter(|&t| t > from_s * 1000)
        .collect()
}

/// Runs `n` batches; returns the path of every window emitted, by batch time.
fn paths(ssc: &StreamingContext, window: &DStream<(String, i64)>, n: u64) -> Vec<WindowPath> {
    let mut out = Vec::new();
    for _ in 0..n {
        let t = ssc.advance().unwrap();
        if let Some(path) = window.window_path().filter(|p| p.time_ms == t) {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_window_of_five_slides_subtracts_once_there_is_a_previous_window() {
    let ssc = context();
    let window = windowed(&ssc, 50, 10, true);
    ssc.start(0).unwrap();
    let paths = paths(&ssc, &window, 8);
    assert_eq!(paths.len(), 8);
    assert_eq!(
        paths[0].how,
        WindowHow::Reduced {
            why: AfreshReason::NoPreviousWindow,
            batches_ms: vec![10_000],
        }
    );
    for p in &paths[1..] {
        let t = p.time_ms / 1000;
        assert_eq!(
            p.how,
            WindowHow::Subtracted {
                previous_ms: (t - 10) * 1000,
                leaving_ms: batches(t - 60, t - 50),
                arriving_ms: vec![t * 1000],
            },
            "at {t} s"
        );
    }
    // From 60 s on, one batch leaves per slide.
    assert_eq!(paths[5].time_ms, 60_000);
    assert_eq!(
        paths[5].how,
        WindowHow::Subtracted {
            previous_ms: 50_000,
            leaving_ms: vec![10_000],
            arriving_ms: vec![60_000],
        }
    );
}

#[test]
fn a_window_under_five_slides_is_reduced_afresh_every_time() {
    let ssc = context();
    let window = windowed(&ssc, 20, 10, true);
    ssc.start(0).unwrap();
    for p in paths(&ssc, &window, 5) {
        let t = p.time_ms / 1000;
        assert_eq!(
            p.how,
            WindowHow::Reduced {
                why: AfreshReason::ShortWindow {
                    window_ms: 20_000,
                    slide_ms: 10_000
                },
                batches_ms: batches(t - 20, t),
            },
            "at {t} s"
        );
    }
}

#[test]
fn without_an_inverse_every_window_is_reduced_afresh() {
    let ssc = context();
    let window = windowed(&ssc, 50, 10, false);
    ssc.start(0).unwrap();
    let paths = paths(&ssc, &window, 7);
    assert_eq!(paths.len(), 7);
    for p in paths {
        let t = p.time_ms / 1000;
        assert_eq!(
            p.how,
            WindowHow::Reduced {
                why: AfreshReason::NoInverse,
                batches_ms: batches(t - 50, t),
            }
        );
    }
}

#[test]
fn a_slide_of_several_batches_moves_several_batches_at_once() {
    let ssc = context();
    let window = windowed(&ssc, 100, 20, true);
    ssc.start(0).unwrap();
    let paths = paths(&ssc, &window, 16);
    // The window emits every 20 s only.
    let times: Vec<i64> = paths.iter().map(|p| p.time_ms).collect();
    assert_eq!(times, (1..=8).map(|k| k * 20_000).collect::<Vec<_>>());
    let at_140 = &paths[6];
    assert_eq!(
        at_140.how,
        WindowHow::Subtracted {
            previous_ms: 120_000,
            leaving_ms: vec![30_000, 40_000],
            arriving_ms: vec![130_000, 140_000],
        }
    );
}

#[test]
fn a_restored_context_subtracts_from_the_saved_window() {
    let ssc = context();
    let window = windowed(&ssc, 50, 10, true);
    ssc.start(0).unwrap();
    ssc.run_batches(6).unwrap();
    let saved = ssc.checkpoint_state().unwrap();

    let restored = context();
    let window_b = windowed(&restored, 50, 10, true);
    restored.restore(&saved).unwrap();
    assert_eq!(
        window_b.window_path(),
        None,
        "nothing computed since the restore"
    );
    let after = paths(&restored, &window_b, 1);
    assert_eq!(
        after[0].how,
        WindowHow::Subtracted {
            previous_ms: 60_000,
            leaving_ms: vec![20_000],
            arriving_ms: vec![70_000],
        }
    );
    // The same as the context that was never stopped.
    assert_eq!(paths(&ssc, &window, 1), after);
}

#[test]
fn streams_that_are_not_windows_record_no_path() {
    let ssc = context();
    let (pairs, input) = ssc.live_stream::<(String, i64)>();
    input.push(("k".to_string(), 1));
    let counts = pairs.reduce_by_key(|a, b| a + b, None);
    counts.foreach_rdd(|_, _| {});
    ssc.start(0).unwrap();
    ssc.advance().unwrap();
    assert_eq!(counts.window_path(), None);
}

/// The path `stream` reported for the window at `t`, if it emitted one then.
fn path_at<T: dstream_engine::Record>(stream: &DStream<T>, t: i64) -> Option<WindowPath> {
    stream.window_path().filter(|p| p.time_ms == t)
}

#[test]
fn reduce_by_window_count_by_window_and_count_by_value_and_window_report_the_paths_of_the_window_they_are_built_on(
) {
    let ssc = context();
    let values = ssc.queue_stream(vec![vec![1i64, 2, 2]; 64]);
    let (w, s) = (Duration::from_secs(50), Duration::from_secs(10));
    let sub = || Some(Box::new(|a: &i64, b: &i64| a - b) as InvFn<i64>);
    // Each operation beside what PySpark builds it on.
    let by_window = values.reduce_by_window(|a, b| a + b, sub(), w, s).unwrap();
    let by_window_keyed = values
        .map(|x| (1i64, *x))
        .reduce_by_key_and_window(|a, b| a + b, sub(), w, s, Some(1), None)
        .unwrap();
    let by_value = values.count_by_value_and_window(w, s, None).unwrap();
    let by_value_keyed = values
        .map(|x| (*x, 1i64))
        .reduce_by_key_and_window(|a, b| a + b, sub(), w, s, None, None)
        .unwrap();
    let counted = values.count_by_window(w, s).unwrap();
    let afresh = values
        .reduce_by_window(|a, b| *a.max(b), None, Duration::from_secs(20), s)
        .unwrap();
    for stream in [&by_window, &counted, &afresh] {
        stream.foreach_rdd(|_, _| {});
    }
    by_window_keyed.foreach_rdd(|_, _| {});
    by_value.foreach_rdd(|_, _| {});
    by_value_keyed.foreach_rdd(|_, _| {});
    ssc.start(0).unwrap();
    let mut subtracted = 0;
    for _ in 0..8 {
        let t = ssc.advance().unwrap();
        let by_window_path = path_at(&by_window, t);
        assert!(by_window_path.is_some(), "reduceByWindow at {t}");
        assert_eq!(by_window_path, path_at(&by_window_keyed, t));
        let by_value_path = path_at(&by_value, t);
        assert!(by_value_path.is_some(), "countByValueAndWindow at {t}");
        assert_eq!(by_value_path, path_at(&by_value_keyed, t));
        let counted_path = path_at(&counted, t).expect("countByWindow records its path");
        subtracted += usize::from(matches!(counted_path.how, WindowHow::Subtracted { .. }));
        let afresh_path = path_at(&afresh, t).expect("reduceByWindow without invFunc too");
        assert!(matches!(
            afresh_path.how,
            WindowHow::Reduced {
                why: AfreshReason::NoInverse,
                ..
            }
        ));
    }
    assert_eq!(
        subtracted, 7,
        "countByWindow subtracts once it has a previous window"
    );
}
