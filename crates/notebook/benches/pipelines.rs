//! The notebook's three pipelines on 1 M realistic log lines per batch.
//!
//! `cargo bench -p dstream-notebook --bench pipelines`. Each iteration pushes
//! 1 M generated lines into the live line input (as the page does, line by
//! line) and runs one batch. `notebook_pipelines_1M_lines` times the batch (what
//! Spark calls the processing time: the lines were received before the batch
//! started); `ingest_and_process_1M_lines` times the pushes too. Time is the
//! thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so the figures hold on a
//! shared machine where other processes take the cores. `window_600s` keeps 60
//! batches (60 M lines) in its window: its cost per batch stays that of
//! `window_20s`, because windows hold per-batch reduced counts, not lines.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dstream_engine::{DStream, Duration, Line, LineInput, StreamingContext};
use dstream_notebook::generator::LogGenerator;
use dstream_notebook::pipelines::{codes, cumulative, stateless, windowed, WindowSpec};

const LINES: usize = 1_000_000;

/// CPU time spent by this thread so far.
fn thread_cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// One batch of generated lines, contiguous in memory as they arrive in a
/// WebSocket frame.
fn text() -> String {
    let mut g = LogGenerator::new(42);
    let mut text = String::new();
    for _ in 0..LINES {
        text.push_str(&g.next_line());
        text.push('\n');
    }
    text
}

/// A started context with one pipeline built by `build` on the live lines.
fn pipeline(
    build: impl FnOnce(&DStream<Line>) -> DStream<(dstream_notebook::MessageType, i64)>,
) -> (StreamingContext, LineInput) {
    let ssc = StreamingContext::new(Duration::from_secs(10)).unwrap();
    ssc.checkpoint("checkpoint");
    let (lines, input) = ssc.live_lines();
    build(&lines).foreach_rdd(|_, records| {
        std::hint::black_box(records);
    });
    ssc.start(0).unwrap();
    (ssc, input)
}

/// Builds one pipeline's output stream from the lines.
type Build = Box<dyn Fn(&DStream<Line>) -> DStream<(dstream_notebook::MessageType, i64)>>;

fn bench(c: &mut Criterion) {
    let text = text();
    let batch: Vec<&str> = text.lines().collect();
    let mut group = c.benchmark_group("notebook_pipelines_1M_lines");
    group.throughput(Throughput::Elements(LINES as u64));
    group.sample_size(20);

    let cases: Vec<(&str, Build)> = vec![
        ("stateless", Box::new(|l| stateless(&codes(l)))),
        (
            "cumulative",
            Box::new(|l| cumulative(&stateless(&codes(l)))),
        ),
        (
            "window_20s_10s",
            Box::new(|l| {
                windowed(
                    &codes(l),
                    WindowSpec {
                        window_ms: 20_000,
                        slide_ms: 10_000,
                        inverse: true,
                        filter_zero: false,
                    },
                )
                .unwrap()
            }),
        ),
        (
            "window_600s_10s_subtracting",
            Box::new(|l| {
                windowed(
                    &codes(l),
                    WindowSpec {
                        window_ms: 600_000,
                        slide_ms: 10_000,
                        inverse: true,
                        filter_zero: false,
                    },
                )
                .unwrap()
            }),
        ),
    ];
    let mut ingest = Vec::new();
    for (name, build) in cases {
        let (ssc, input) = pipeline(build);
        // Fill the window first so the timed batches see a full one.
        for _ in 0..60 {
            for line in &batch {
                input.push(line);
            }
            ssc.advance().unwrap();
        }
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    for line in &batch {
                        input.push(line);
                    }
                    let start = thread_cpu_time();
                    std::hint::black_box(ssc.advance().unwrap());
                    total += thread_cpu_time() - start;
                }
                total
            })
        });
        if name == "stateless" {
            ingest.push((ssc, input));
        }
    }
    group.finish();

    let mut both = c.benchmark_group("ingest_and_process_1M_lines");
    both.throughput(Throughput::Elements(LINES as u64));
    both.sample_size(20);
    for (ssc, input) in ingest {
        both.bench_function("stateless", |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let start = thread_cpu_time();
                    for line in &batch {
                        input.push(line);
                    }
                    std::hint::black_box(ssc.advance().unwrap());
                    total += thread_cpu_time() - start;
                }
                total
            })
        });
    }
    both.finish();

    let mut classify = c.benchmark_group("get_message_type_1M_lines");
    classify.throughput(Throughput::Elements(LINES as u64));
    classify.sample_size(20);
    classify.bench_function("classify", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time();
            for _ in 0..iters {
                std::hint::black_box(
                    batch
                        .iter()
                        .map(|l| dstream_notebook::get_message_type(l) as usize)
                        .sum::<usize>(),
                );
            }
            thread_cpu_time() - start
        })
    });
    classify.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
