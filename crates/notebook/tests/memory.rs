//! Streams remember only the batches their windows need: the number of
//! remembered RDDs stops growing once the longest window is full.

use dstream_engine::{Duration, StreamingContext};
use dstream_notebook::pipelines::{codes, cumulative, stateless, windowed, WindowSpec};

#[test]
fn remembered_rdds_stay_bounded_over_many_batches() {
    let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
    ssc.checkpoint("checkpoint");
    let (lines, input) = ssc.live_stream::<String>();
    let codes = codes(&lines);
    let counts = stateless(&codes);
    cumulative(&counts).foreach_rdd(|_, _| {});
    counts.foreach_rdd(|_, _| {});
    let spec = |w, inverse| WindowSpec {
        window_ms: w,
        slide_ms: 10_000,
        inverse,
        filter_zero: false,
    };
    windowed(&codes, spec(50_000, true))
        .unwrap()
        .foreach_rdd(|_, _| {});
    windowed(&codes, spec(20_000, false))
        .unwrap()
        .foreach_rdd(|_, _| {});
    ssc.start(0).unwrap();
    let mut after = Vec::new();
    for batch in 1..=300 {
        input.push(format!("[error] line {batch}"));
        ssc.advance().unwrap();
        if batch == 100 || batch == 300 {
            after.push(ssc.remembered_rdds());
        }
    }
    assert_eq!(after[0], after[1], "memory grew between batch 100 and 300");
    // Lines and per-line pairs: the current batch only. Per-batch counts: the
    // 50 s window plus one slide. Window results: the previous one.
    assert!(after[1] < 30, "{} RDDs remembered", after[1]);
}

#[test]
fn checkpoint_holds_no_lines_only_reduced_state() {
    let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
    ssc.checkpoint("checkpoint");
    let (lines, input) = ssc.live_stream::<String>();
    let codes = codes(&lines);
    cumulative(&stateless(&codes)).foreach_rdd(|_, _| {});
    let spec = WindowSpec {
        window_ms: 20_000,
        slide_ms: 10_000,
        inverse: true,
        filter_zero: false,
    };
    windowed(&codes, spec).unwrap().foreach_rdd(|_, _| {});
    ssc.start(0).unwrap();
    for _ in 0..5 {
        for i in 0..1000 {
            input.push(format!("[info] a long line that must not be saved {i}"));
        }
        ssc.advance().unwrap();
    }
    let json = serde_json::to_string(&ssc.checkpoint_state().unwrap()).unwrap();
    assert!(!json.contains("must not be saved"));
    assert!(json.len() < 4000, "checkpoint is {} bytes", json.len());
}
