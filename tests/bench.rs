//! Budget figure: time to process one 100 000-line batch through all three modes, both through the lab
//! alone (`NotebookLab`, the notebook's three programs as jobs) and through the page's reducer (lines in, batch closed, batch log and consoles updated, checkpoint);
//! and through the notebook's three programs run as code (the playground's `Job`, the lab's Python).
//! It prints the numbers; it asserts nothing about them (a measurement, not a timed test).
//!
//! Natively: `cargo test --release -p dstream-lab --test bench -- --nocapture`
//! In the browser: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --release --target wasm32-unknown-unknown --test bench`
//! Build it with `RUSTC_WORKSPACE_WRAPPER` unset: through clippy-driver (as `scripts/test.sh` compiles) MIR
//! optimisations are off and the figures come out about a third slower.

use dstream_lab::engine::{LogGenerator, NotebookConfig, NotebookLab};
use dstream_lab::model::{Action, BootParams, Effect, Lab};
use dstream_playground::examples::example;
use dstream_playground::{Input, Job, JobConfig};
use dstream_protocol::FrameEncoding;

/// Release builds measure 100 000-line batches; debug builds (as in `cargo test --workspace` and the wasm tests of
/// `scripts/test.sh`, which run them to keep them working) 10 000, to stay quick.
const LINES: usize = if cfg!(debug_assertions) {
    10_000
} else {
    100_000
};
/// Release builds measure five rounds; debug builds (as in `cargo test --workspace`) one, to stay quick.
const ROUNDS: usize = if cfg!(debug_assertions) { 1 } else { 5 };

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().unwrap().performance().unwrap().now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

fn report(s: &str) {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::console_log!("{}", s);
    #[cfg(not(target_arch = "wasm32"))]
    println!("{s}");
}

fn lines() -> Vec<String> {
    let mut g = LogGenerator::new(42);
    (0..LINES).map(|_| g.next_line()).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn batch_of_100k_lines_through_all_three_modes() {
    let input = lines();
    // The lab alone: push + run_batch, window 20 s / slide 10 s (all three modes emit at every second batch).
    let mut engine_ms = Vec::new();
    let mut lab = NotebookLab::new(NotebookConfig::default(), 0).unwrap();
    // Round 0 warms up (JIT tiers, memory growth) and is not counted.
    for round in 0..=ROUNDS {
        let t = now_ms();
        for l in &input {
            lab.push_line(l);
        }
        let r = lab.run_batch();
        if round > 0 {
            engine_ms.push(now_ms() - t);
        }
        assert_eq!(r.lines, LINES);
    }
    // The page's path: the SimLines action, then the Tick that closes the batch (batch log, consoles, checkpoint).
    let mut page_ms = Vec::new();
    let mut lab = Lab::boot(None, 0, &BootParams::from_query("source=sim"), "ws://x/ws");
    lab.start();
    for k in 1..=ROUNDS as i64 + 1 {
        let batch = input.clone();
        let t = now_ms();
        lab.apply(Action::SimLines(batch));
        // The view model writes the checkpoint as JSON text for the page to store: part of its path.
        for effect in lab.apply(Action::Tick { now_ms: k * 10_000 }) {
            if let Effect::SaveCheckpoint(cp) = effect {
                assert!(!cp.to_json().expect("plain data").is_empty());
            }
        }
        if k > 1 {
            page_ms.push(now_ms() - t);
        }
        assert_eq!(lab.stats.last_batch_lines, LINES);
    }
    report(&format!(
        "BENCH {} lines/batch, all three modes: engine median {:.1} ms (runs {:?}); page reducer median {:.1} ms (runs {:?})",
        LINES,
        median(engine_ms.clone()),
        engine_ms.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
        median(page_ms.clone()),
        page_ms.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
    ));
}

/// `input` as the relay sends it to the page: LZ4 frames of at most 64 KiB of whole lines (its `--frame-bytes`).
fn relay_frames(input: &[String]) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    let mut text = String::new();
    for line in input {
        if text.len() + line.len() + 1 > 64 * 1024 {
            frames.push(FrameEncoding::Lz4.encode(text.as_bytes()).into_owned());
            text.clear();
        }
        text.push_str(line);
        text.push('\n');
    }
    frames.push(FrameEncoding::Lz4.encode(text.as_bytes()).into_owned());
    frames
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_frames_of_100k_lines_through_the_page_reducer() {
    // The view model's worker at 1 000 000 lines/s takes ten of these a second: the frames decoded and split into
    // lines, the lines into the open batch, then the batch through the three modes (batch log, consoles, checkpoint).
    let frames = relay_frames(&lines());
    let mut lab = Lab::boot(
        None,
        0,
        &BootParams::from_query("source=relay"),
        "ws://x/ws",
    );
    let seq = lab
        .start()
        .iter()
        .find_map(|e| match e {
            Effect::OpenRelay { seq, .. } => Some(*seq),
            _ => None,
        })
        .expect("the page opens the relay");
    lab.apply(Action::RelayOpened {
        seq,
        encoding: FrameEncoding::Lz4,
    });
    let mut intake_ms = Vec::new();
    let mut total_ms = Vec::new();
    // Round 0 warms up and is not counted.
    for k in 0..=ROUNDS as i64 {
        let data = frames.clone();
        let t = now_ms();
        for data in data {
            lab.apply(Action::RelayBinary { seq, data });
        }
        let taken = now_ms();
        lab.apply(Action::Tick {
            now_ms: (k + 1) * 10_000,
        });
        if k > 0 {
            intake_ms.push(taken - t);
            total_ms.push(now_ms() - t);
        }
        assert_eq!(lab.stats.last_batch_lines, LINES);
    }
    report(&format!(
        "BENCH {} lines in {} LZ4 relay frames through the page reducer: median {:.1} ms (runs {:?}), of which taking the frames in {:.1} ms",
        LINES,
        frames.len(),
        median(total_ms.clone()),
        total_ms.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
        median(intake_ms),
    ));
}

/// The notebook's cells as the examples menu offers them (the PySpark-checked programs).
const NOTEBOOK_PROGRAMS: [&str; 3] = [
    "notebook_stateless",
    "notebook_cumulative",
    "notebook_window",
];

/// The notebook's three jobs in Structured Streaming, as the examples menu offers them.
const STRUCTURED_PROGRAMS: [&str; 3] = [
    "structured_per_trigger_counts",
    "structured_running_complete",
    "structured_windowed_update",
];

/// Medians of one 100 000-line batch (a trigger, for Structured Streaming) through `programs`, one `Job` each
/// as the page runs a student's program, the same lines pushed to each: all of them, and each alone (in
/// `programs`' order).
fn programs_on_100k_lines(programs: &[&str]) -> (f64, Vec<f64>, Vec<f64>) {
    let input = lines();
    let mut jobs: Vec<Job> = programs
        .iter()
        .map(|name| {
            let program = example(name).expect("an example of the menu");
            let config = JobConfig {
                start_ms: 0,
                parallelism: 2,
                input: Input::Live,
            };
            let job = Job::from_source(config, program.source, &format!("{name}.py"));
            assert!(job.failed().is_none(), "{name}: {:?}", job.failed());
            job
        })
        .collect();
    let mut all_ms = Vec::new();
    let mut each_ms: Vec<Vec<f64>> = vec![Vec::new(); programs.len()];
    // Round 0 warms up and is not counted.
    for round in 0..=ROUNDS {
        let mut per_job = Vec::new();
        for (job, name) in jobs.iter_mut().zip(programs) {
            let t = now_ms();
            job.push_lines(&input);
            let r = job.run_batch();
            per_job.push(now_ms() - t);
            assert!(r.failure.is_none(), "{name}: {:?}", r.failure);
            assert!(
                r.text.contains("-------"),
                "{name} printed no block or table: {:?}",
                r.text
            );
        }
        if round > 0 {
            for (ms, each) in per_job.iter().zip(&mut each_ms) {
                each.push(*ms);
            }
            all_ms.push(per_job.iter().sum());
        }
    }
    let each = each_ms.into_iter().map(median).collect();
    (median(all_ms.clone()), all_ms, each)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn batch_of_100k_lines_through_the_three_notebook_programs() {
    let (all, runs, each) = programs_on_100k_lines(&NOTEBOOK_PROGRAMS);
    report(&format!(
        "BENCH {} lines/batch, the three notebook programs as code (one Job each): median {:.1} ms (runs {:?}); notebook_stateless.py alone median {:.1} ms",
        LINES,
        all,
        runs.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
        each[0],
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn trigger_of_100k_lines_through_the_three_structured_streaming_programs() {
    let (all, runs, each) = programs_on_100k_lines(&STRUCTURED_PROGRAMS);
    report(&format!(
        "BENCH {} lines/trigger, the notebook's three jobs in Structured Streaming as code (one Job each): median {:.1} ms (runs {:?}); medians alone: per_trigger_counts.py {:.1} ms, running_complete.py {:.1} ms, windowed_update.py {:.1} ms",
        LINES,
        all,
        runs.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
        each[0],
        each[1],
        each[2],
    ));
}
