//! Every configuration Spark refuses is refused here too, as an `Err` with
//! Spark's message, never a panic.

use dstream_engine::{Duration, EngineError, StreamingContext};

fn ctx() -> StreamingContext {
    StreamingContext::new(Duration::from_secs(10)).unwrap()
}

fn add(a: &i64, b: &i64) -> i64 {
    a + b
}

#[test]
fn non_positive_durations_are_refused() {
    for ms in [0, -10_000] {
        let e = StreamingContext::new(Duration::from_millis(ms))
            .err()
            .unwrap();
        assert!(
            matches!(
                e,
                EngineError::NonPositiveDuration {
                    what: "batch interval",
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("must be positive"));
    }
    let ssc = ctx();
    let s = ssc.queue_stream::<i64>(vec![]);
    assert!(matches!(
        s.window(Duration::from_secs(0), Duration::from_secs(10))
            .err()
            .unwrap(),
        EngineError::NonPositiveDuration {
            what: "window duration",
            ..
        }
    ));
    assert!(matches!(
        s.window(Duration::from_secs(20), Duration::from_secs(-10))
            .err()
            .unwrap(),
        EngineError::NonPositiveDuration {
            what: "slide duration",
            ..
        }
    ));
}

#[test]
fn window_and_slide_must_be_multiples_of_the_batch_interval() {
    let ssc = ctx();
    let s = ssc.queue_stream::<(String, i64)>(vec![]);
    let e = s
        .window(Duration::from_secs(15), Duration::from_secs(10))
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "windowDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
    );
    let e = s
        .reduce_by_key_and_window(
            add,
            None,
            Duration::from_secs(20),
            Duration::from_secs(5),
            None,
            None,
        )
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "slideDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
    );
    // A window of a window: the parent's slide is the window's slide.
    let w = s
        .window(Duration::from_secs(40), Duration::from_secs(20))
        .unwrap();
    assert!(matches!(
        w.window(Duration::from_secs(30), Duration::from_secs(20))
            .err()
            .unwrap(),
        EngineError::WindowNotMultiple {
            parent_ms: 20_000,
            ..
        }
    ));
}

#[test]
fn stateful_streams_need_a_checkpoint_directory() {
    let ssc = ctx();
    let s = ssc.queue_stream::<(String, i64)>(vec![]);
    s.update_state_by_key(
        |v: &[i64], st: Option<&i64>| Some(v.len() as i64 + st.copied().unwrap_or(0)),
        None,
        None,
    )
    .pprint(10);
    let e = ssc.start(0).err().unwrap();
    assert_eq!(e, EngineError::CheckpointNotSet);
    assert!(e
        .to_string()
        .contains("The checkpoint directory has not been set"));

    let ssc = ctx();
    let s = ssc.queue_stream::<(String, i64)>(vec![]);
    s.reduce_by_key_and_window(
        add,
        Some(Box::new(|a, b| a - b)),
        Duration::from_secs(20),
        Duration::from_secs(10),
        None,
        None,
    )
    .unwrap()
    .pprint(10);
    assert_eq!(ssc.start(0).err().unwrap(), EngineError::CheckpointNotSet);

    // Without the inverse PySpark builds window().reduceByKey(): no checkpoint needed.
    let ssc = ctx();
    let s = ssc.queue_stream::<(String, i64)>(vec![]);
    s.reduce_by_key_and_window(
        add,
        None,
        Duration::from_secs(20),
        Duration::from_secs(10),
        None,
        None,
    )
    .unwrap()
    .pprint(10);
    assert!(ssc.start(0).is_ok());
    assert!(ssc.checkpoint_state().is_err());
}

#[test]
fn start_needs_an_output_and_happens_once() {
    let ssc = ctx();
    let _ = ssc.queue_stream::<i64>(vec![]).map(|x| x + 1);
    assert_eq!(ssc.start(0).err().unwrap(), EngineError::NoOutputOperations);
    assert!(
        ssc.advance().is_err(),
        "advance before start must be an error"
    );
    let ssc = ctx();
    ssc.queue_stream::<i64>(vec![]).pprint(10);
    ssc.start(0).unwrap();
    assert!(matches!(ssc.start(0), Err(EngineError::IllegalState(_))));
}

#[test]
fn union_needs_the_same_slide_and_context() {
    let ssc = ctx();
    let a = ssc.queue_stream::<i64>(vec![]);
    let b = a
        .window(Duration::from_secs(20), Duration::from_secs(20))
        .unwrap();
    assert_eq!(
        a.union(&b).err().unwrap(),
        EngineError::DifferentSlideDurations
    );
    let other = ctx();
    let c = other.queue_stream::<i64>(vec![]);
    assert_eq!(a.union(&c).err().unwrap(), EngineError::ForeignStream);
}

#[test]
fn zero_parallelism_and_bad_checkpoints_are_refused() {
    let ssc = ctx();
    assert!(matches!(
        ssc.set_default_parallelism(0),
        Err(EngineError::InvalidArgument(_))
    ));
    ssc.checkpoint("checkpoint");
    let s = ssc.queue_stream::<(String, i64)>(vec![vec![("a".into(), 1)]]);
    s.update_state_by_key(
        |v: &[i64], st: Option<&i64>| Some(v.iter().sum::<i64>() + st.copied().unwrap_or(0)),
        None,
        None,
    )
    .pprint(10);
    ssc.start(0).unwrap();
    ssc.advance().unwrap();
    let mut cp = ssc.checkpoint_state().unwrap();

    let fresh = || {
        let ssc = ctx();
        ssc.checkpoint("checkpoint");
        let s = ssc.queue_stream::<(String, i64)>(vec![]);
        s.update_state_by_key(
            |v: &[i64], st: Option<&i64>| Some(v.iter().sum::<i64>() + st.copied().unwrap_or(0)),
            None,
            None,
        )
        .pprint(10);
        ssc
    };
    assert!(fresh().restore(&cp).is_ok());
    cp.graph.push("map".into());
    assert!(matches!(
        fresh().restore(&cp),
        Err(EngineError::Checkpoint(_))
    ));
    cp.graph.pop();
    cp.last_batch_ms += 1;
    assert!(matches!(
        fresh().restore(&cp),
        Err(EngineError::Checkpoint(_))
    ));
    cp.last_batch_ms -= 1;
    cp.streams[0].entries[0].1 =
        Some(serde_json::json!({"records": "not a list", "partitions": 1}));
    let e = fresh().restore(&cp).err().unwrap();
    assert!(e.to_string().contains("Clear it to start fresh"), "{e}");
}
