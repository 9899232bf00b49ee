//! The notebook's three programs on 1 M realistic log lines per batch, run as
//! the lab runs them: each cell a playground job of the lab's Python.
//!
//! `cargo bench -p dstream-notebook --bench pipelines`. Each iteration pushes
//! 1 M generated lines into the live input (as the page does, line by line)
//! and runs one batch. `notebook_programs_1M_lines` times one program's batch
//! (what Spark calls the processing time: the lines were received before the
//! batch started), `notebook_lab_1M_lines` the three programs' batch as
//! `NotebookLab::run_batch` runs it, with the records read back and the
//! explanations made; `ingest_and_process_1M_lines` times the pushes too.
//! Time is the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so the figures
//! hold on a shared machine where other processes take the cores.
//! `window_600s` keeps 60 batches (60 M lines) in its window: its cost per
//! batch stays that of `window_20s`, because windows hold per-batch reduced
//! counts, not lines.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dstream_notebook::generator::LogGenerator;
use dstream_notebook::program_text::{notebook_program, Master};
use dstream_notebook::{Mode, NotebookConfig, NotebookLab};
use dstream_playground::{Input, Job, JobConfig};

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

/// `mode`'s program for `config`, started, on the live lines.
fn program(mode: Mode, config: &NotebookConfig) -> Job {
    let job_config = JobConfig {
        start_ms: 0,
        parallelism: config.parallelism,
        input: Input::Live,
    };
    let job = Job::from_source(
        job_config,
        &notebook_program(mode, config, Master::Notebook),
        "bench.py",
    );
    assert!(job.failed().is_none(), "{:?}", job.failed());
    job
}

/// Times `iters` batches of `batch` through `run`, the pushes (by `push`) timed only with `timed_push`.
fn timed(
    iters: u64,
    timed_push: bool,
    mut push: impl FnMut(),
    mut run: impl FnMut(),
) -> std::time::Duration {
    let mut total = std::time::Duration::ZERO;
    for _ in 0..iters {
        let before_push = thread_cpu_time();
        push();
        let start = if timed_push {
            before_push
        } else {
            thread_cpu_time()
        };
        run();
        total += thread_cpu_time() - start;
    }
    total
}

fn bench(c: &mut Criterion) {
    let text = text();
    let batch: Vec<&str> = text.lines().collect();
    let mut group = c.benchmark_group("notebook_programs_1M_lines");
    group.throughput(Throughput::Elements(LINES as u64));
    group.sample_size(20);
    let window = |window_ms| NotebookConfig {
        window_ms,
        ..NotebookConfig::default()
    };
    let cases = [
        ("stateless", Mode::Stateless, NotebookConfig::default()),
        ("cumulative", Mode::Cumulative, NotebookConfig::default()),
        ("window_20s_10s", Mode::Window, window(20_000)),
        ("window_600s_10s_subtracting", Mode::Window, window(600_000)),
    ];
    for (name, mode, config) in cases {
        let mut job = program(mode, &config);
        // Fill the window first so the timed batches see a full one.
        for _ in 0..60 {
            job.push_lines(&batch);
            job.run_batch();
        }
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let job = std::cell::RefCell::new(&mut job);
                timed(
                    iters,
                    false,
                    || job.borrow().push_lines(&batch),
                    || {
                        std::hint::black_box(job.borrow_mut().run_batch());
                    },
                )
            })
        });
    }
    group.finish();

    let lab = std::cell::RefCell::new(NotebookLab::new(NotebookConfig::default(), 0).unwrap());
    let push = || {
        let mut lab = lab.borrow_mut();
        for line in &batch {
            lab.push_line(line);
        }
    };
    let run = || {
        std::hint::black_box(lab.borrow_mut().run_batch());
    };
    let mut three = c.benchmark_group("notebook_lab_1M_lines");
    three.throughput(Throughput::Elements(LINES as u64));
    three.sample_size(10);
    three.bench_function("three_modes", |b| {
        b.iter_custom(|iters| timed(iters, false, push, run))
    });
    three.finish();

    let mut both = c.benchmark_group("ingest_and_process_1M_lines");
    both.throughput(Throughput::Elements(LINES as u64));
    both.sample_size(10);
    both.bench_function("three_modes", |b| {
        b.iter_custom(|iters| timed(iters, true, push, run))
    });
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
