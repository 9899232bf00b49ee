//! How fast the notebook's programs run as code: the PySpark-checked
//! `tests/programs/notebook_*.py`, run by the lab's Python through the
//! playground's natives, on lines from the notebook's `LogGenerator` (seed
//! 42). Each batch pushes the lines into the job's live input
//! (`Job::push_lines`) and runs it (`Job::run_batch`, `pprint` blocks
//! included). Ignored by default (a measurement, not a check):
//! `cargo test --profile bench -p dstream-playground --test suite throughput:: -- --ignored --nocapture`.
//! Time is the thread's CPU time, so the figures hold on a shared machine
//! where other processes take the cores. `THROUGHPUT_LINES` sets the lines
//! per batch (100 000 by default; fewer suit a run under
//! `valgrind --tool=callgrind`, which counts instructions instead of time).
//! `THROUGHPUT_PROGRAM` names one example (as the examples menu does, e.g.
//! `structured_windowed_update`) to measure alone instead.

use std::time::Duration;

use dstream_notebook::generator::LogGenerator;
use dstream_playground::examples::example;
use dstream_playground::{Input, Job, JobConfig};

/// The notebook's three programs, as the page runs them side by side.
const NOTEBOOK: [&str; 3] = [
    "notebook_stateless",
    "notebook_cumulative",
    "notebook_window",
];

/// Lines per batch: `THROUGHPUT_LINES`, or 100 000.
fn lines_per_batch() -> usize {
    std::env::var("THROUGHPUT_LINES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// CPU time spent by this thread so far.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A started job running the notebook program `name` (as the examples
/// menu offers it) on the live input.
fn job(name: &str) -> Job {
    let source = example(name).expect("a notebook example").source;
    let config = JobConfig {
        start_ms: 0,
        parallelism: 2,
        input: Input::Live,
    };
    let job = Job::from_source(config, source, &format!("{name}.py"));
    assert!(job.failed().is_none(), "{name}: {:?}", job.failed());
    job
}

/// The median CPU time of `rounds` batches of `lines` through every job of
/// `names` (one job per program, the same lines pushed to each), after one
/// batch that warms up and is not counted. Every batch prints its block.
fn batch_time(names: &[&str], lines: &[String], rounds: usize) -> Duration {
    let mut jobs: Vec<Job> = names.iter().map(|n| job(n)).collect();
    let mut times = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        let start = thread_cpu_time();
        for job in &mut jobs {
            job.push_lines(lines);
            let result = job.run_batch();
            assert!(result.failure.is_none(), "{:?}", result.failure);
            // A DStream block starts with its time; a Structured Streaming trigger shows a table.
            let printed = result.text.contains("Time: ") || result.text.contains("+-");
            assert!(printed, "{}", result.text);
        }
        if round > 0 {
            times.push(thread_cpu_time() - start);
        }
    }
    times.sort();
    times[times.len() / 2]
}

#[test]
#[ignore = "a measurement: run in the bench profile with --ignored --nocapture"]
fn notebook_programs_batch_cpu_time() {
    let n = lines_per_batch();
    let mut g = LogGenerator::new(42);
    let lines: Vec<String> = (0..n).map(|_| g.next_line()).collect();
    let rounds = std::env::var("THROUGHPUT_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    if let Ok(name) = std::env::var("THROUGHPUT_PROGRAM") {
        let alone = batch_time(&[name.as_str()], &lines, rounds);
        println!(
            "{name}: {:.1} ms per {n}-line batch (CPU time, median of {rounds})",
            alone.as_secs_f64() * 1e3
        );
        return;
    }
    let stateless = batch_time(&NOTEBOOK[..1], &lines, rounds);
    println!(
        "notebook_stateless.py: {:.1} ms per {n}-line batch, {:.2} M lines/s (CPU time, median of {rounds})",
        stateless.as_secs_f64() * 1e3,
        n as f64 / stateless.as_secs_f64() / 1e6
    );
    if std::env::var("THROUGHPUT_STATELESS_ONLY").is_ok() {
        return;
    }
    let all = batch_time(&NOTEBOOK, &lines, rounds);
    println!(
        "the three notebook programs: {:.1} ms per {n}-line batch (CPU time, median of {rounds})",
        all.as_secs_f64() * 1e3
    );
}
