//! The notebook's programs run as code (the lab's Python through the
//! playground's natives) on 100 000 generated log lines per batch.
//!
//! `cargo bench -p dstream-playground --bench programs`. Each iteration pushes
//! the lines into the job's live input and runs one batch;
//! `notebook_programs_100k_lines/stateless` is the stateless cell alone,
//! `.../all_three` the three cells as three jobs on the same lines (as the page
//! runs them side by side). `structured_programs_100k_lines` does the same with
//! the notebook's three jobs in Structured Streaming (`tests/programs/structured/`),
//! one 100 000-line trigger per iteration: each alone, then `all_three`.
//! Time is the thread's CPU time
//! (`CLOCK_THREAD_CPUTIME_ID`), as in `crates/notebook/benches/pipelines.rs`,
//! so other processes on a shared machine do not inflate it.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dstream_notebook::generator::LogGenerator;
use dstream_playground::{Input, Job, JobConfig};

const LINES: usize = 100_000;

/// CPU time spent by this thread so far.
#[cfg(not(target_arch = "wasm32"))]
fn thread_cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall time since the first call: wasm32 has no thread CPU clock (the
/// benchmark is meant to run natively; this keeps it compiling there).
#[cfg(target_arch = "wasm32")]
fn thread_cpu_time() -> std::time::Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

/// A started job running the notebook program `name` (its PySpark-checked
/// text in `tests/programs/`, `structured/` for Structured Streaming's) on the
/// live input.
fn job(name: &str) -> Job {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs")
        .join(format!("{name}.py"));
    let source = std::fs::read_to_string(path).expect("the notebook program");
    let config = JobConfig {
        start_ms: 0,
        parallelism: 2,
        input: Input::Live,
    };
    let file = format!("{}.py", name.rsplit('/').next().unwrap_or(name));
    let job = Job::from_source(config, &source, &file);
    assert!(job.failed().is_none(), "{name}: {:?}", job.failed());
    job
}

/// One group of `cases` (a name, the programs run as one job each on the same lines).
fn bench_group(c: &mut Criterion, name: &str, batch: &[String], cases: &[(&str, &[&str])]) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(LINES as u64));
    group.sample_size(10);
    for (case, names) in cases {
        let mut jobs: Vec<Job> = names.iter().map(|n| job(n)).collect();
        group.bench_function(*case, |b| {
            b.iter_custom(|iters| {
                let start = thread_cpu_time();
                for _ in 0..iters {
                    for job in &mut jobs {
                        job.push_lines(batch);
                        let result = job.run_batch();
                        assert!(result.failure.is_none());
                        std::hint::black_box(result.text);
                    }
                }
                thread_cpu_time() - start
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let mut g = LogGenerator::new(42);
    let batch: Vec<String> = (0..LINES).map(|_| g.next_line()).collect();
    let notebook = [
        "notebook_stateless",
        "notebook_cumulative",
        "notebook_window",
    ];
    bench_group(
        c,
        "notebook_programs_100k_lines",
        &batch,
        &[("stateless", &notebook[..1]), ("all_three", &notebook)],
    );
    let structured = [
        "structured/per_trigger_counts",
        "structured/running_complete",
        "structured/windowed_update",
    ];
    bench_group(
        c,
        "structured_programs_100k_lines",
        &batch,
        &[
            ("per_trigger_counts", &structured[..1]),
            ("running_complete", &structured[1..2]),
            ("windowed_update", &structured[2..]),
            ("all_three", &structured),
        ],
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
