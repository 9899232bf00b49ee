//! Narrow transformations are pipelined as in Spark: a `map`/`filter`/`flatMap`
//! that one stream reads is streamed into it record by record and never built;
//! one that several streams read is built once per batch. Either way the output
//! is the same.

use std::cell::Cell;
use std::rc::Rc;

use dstream_engine::{Collected, DStream, Duration, Line, StreamingContext};
use dstream_notebook::MessageType;

const LINES: [&str; 6] = [
    "[info] a",
    "[error] b",
    "",
    "[notice] c [info]",
    "[error] d",
    "plain",
];

fn context() -> StreamingContext {
    let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
    ssc.checkpoint("checkpoint");
    ssc
}

/// Counts the calls of the classifier through `calls`.
fn counted_codes(lines: &DStream<Line>, calls: &Rc<Cell<usize>>) -> DStream<(MessageType, i64)> {
    let calls = calls.clone();
    lines
        .map(move |l| {
            calls.set(calls.get() + 1);
            dstream_notebook::get_message_type(l)
        })
        .map(|t| (*t, 1i64))
}

/// The notebook's per-batch counts: `reduceByKey(lambda x, y: x + y)`.
fn stateless(codes: &DStream<(MessageType, i64)>) -> DStream<(MessageType, i64)> {
    codes.reduce_by_key(|a, b| a + b, None)
}

fn sorted(out: &Collected<(MessageType, i64)>) -> Vec<(i64, Vec<(MessageType, i64)>)> {
    out.take()
        .into_iter()
        .map(|(t, mut r)| {
            r.sort();
            (t, r)
        })
        .collect()
}

#[test]
fn a_chain_with_one_reader_is_streamed_not_built() {
    let ssc = context();
    let (lines, input) = ssc.live_lines();
    let calls = Rc::new(Cell::new(0));
    let out = stateless(&counted_codes(&lines, &calls)).collect();
    ssc.start(0).unwrap();
    for l in LINES {
        input.push(l);
    }
    ssc.advance().unwrap();
    // Only the reduced batch is held: no lines, no types, no pairs.
    assert_eq!(ssc.remembered_rdds(), 1);
    assert_eq!(calls.get(), LINES.len());
    assert_eq!(
        sorted(&out),
        [(
            10_000,
            vec![
                (MessageType::Info, 2),
                (MessageType::Error, 2),
                (MessageType::Unknown, 2)
            ]
        )]
    );
}

#[test]
fn a_stream_read_twice_is_built_once() {
    let ssc = context();
    let (lines, input) = ssc.live_lines();
    let calls = Rc::new(Cell::new(0));
    let pairs = counted_codes(&lines, &calls);
    let counts = stateless(&pairs).collect();
    let totals = pairs
        .update_state_by_key(
            |new: &[i64], running: Option<&i64>| {
                Some(running.copied().unwrap_or(0) + new.iter().sum::<i64>())
            },
            None,
            Some(2),
        )
        .collect();
    ssc.start(0).unwrap();
    for _ in 0..2 {
        for l in LINES {
            input.push(l);
        }
        ssc.advance().unwrap();
    }
    // The classifier ran once per line although two streams read its output.
    assert_eq!(calls.get(), 2 * LINES.len());
    let counts = sorted(&counts);
    let totals = sorted(&totals);
    assert_eq!(counts[1].1[0], (MessageType::Info, 2));
    assert_eq!(totals[1].1[0], (MessageType::Info, 4));
}

#[test]
fn streamed_and_built_chains_give_the_same_records_in_the_same_order() {
    // The same pipeline twice: once read by one stream (streamed), once also
    // printed (so built). Records must match, order included.
    let run = |also_print: bool| {
        let ssc = context();
        let (lines, input) = ssc.live_lines();
        let words = lines
            .flat_map(|l: &Line| l.split(' ').map(str::to_string).collect::<Vec<String>>())
            .filter(|w| !w.is_empty());
        if also_print {
            words.pprint(3);
        }
        let out = words
            .map(|w| (w.clone(), 1i64))
            .reduce_by_key(|a, b| a + b, None)
            .collect();
        let count = words.count().collect();
        ssc.start(0).unwrap();
        for round in 0..3 {
            for l in LINES.iter().take(2 + round) {
                input.push(l);
            }
            ssc.advance().unwrap();
        }
        ssc.advance().unwrap(); // an idle batch: no partitions, so count() prints nothing
        (out.take(), count.take())
    };
    let (streamed, streamed_count) = run(false);
    let (built, built_count) = run(true);
    assert_eq!(streamed, built);
    assert_eq!(streamed_count, built_count);
    assert_eq!(streamed.len(), 4);
    assert_eq!(
        streamed_count
            .iter()
            .map(|(_, c)| c.clone())
            .collect::<Vec<_>>(),
        [vec![4], vec![4], vec![7], vec![]]
    );
}

#[test]
fn queued_batches_are_streamed_too() {
    let ssc = context();
    let stream = ssc.queue_stream(vec![vec![1i64, 2, 3], vec![], vec![4]]);
    let out = stream.map(|x| x * 10).reduce(|a, b| a + b).collect();
    ssc.start(0).unwrap();
    ssc.run_batches(4).unwrap();
    assert_eq!(
        out.take(),
        [
            (10_000, vec![60]),
            (20_000, vec![]),
            (30_000, vec![40]),
            (40_000, vec![])
        ]
    );
    assert_eq!(ssc.remembered_rdds(), 1);
}
