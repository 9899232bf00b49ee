//! A job checkpointed after some batches and restarted from the checkpoint
//! (through JSON, as the page saves it) continues exactly as the job that
//! never stopped; a checkpoint of another program is refused; and
//! `keep_outputs` hands over every record a `pprint` read.

use dstream_engine::python::PyRepr;
use dstream_engine::EngineError;
use dstream_playground::{BatchResult, Input, Job, JobCheckpoint, JobConfig};

use crate::manifest::program;

/// Program `name` on the live stream, keeping its outputs.
fn live_job(name: &str, source: &str, start_ms: i64, parallelism: usize) -> Job {
    let config = JobConfig {
        start_ms,
        parallelism,
        input: Input::Live,
    };
    let job = Job::from_source(config, source, &format!("{name}.py"));
    assert!(job.failed().is_none(), "{name}: {:?}", job.failed());
    job.keep_outputs();
    job
}

fn run(job: &mut Job, lines: &[String]) -> BatchResult {
    job.push_lines(lines);
    job.run_batch()
}

#[test]
fn a_restored_job_continues_as_the_job_that_never_stopped() {
    let names = [
        "notebook_stateless",
        "notebook_cumulative",
        "notebook_window",
        "state_drop_keys",
        "reduce_windows",
        "window_filter_func",
        "window_and_count",
        "pprint_small",
    ];
    for name in names {
        let (source, input) = program(name);
        // Idle batches after the input, so that windows drain.
        let mut batches = input.batches.clone();
        batches.extend(std::iter::repeat_n(Vec::new(), 4));
        for k in 1..batches.len() {
            let mut a = live_job(name, &source, input.start_ms, input.parallelism);
            for lines in &batches[..k] {
                run(&mut a, lines);
            }
            let saved = serde_json::to_string(&a.checkpoint().expect("checkpoints")).unwrap();
            let saved: JobCheckpoint = serde_json::from_str(&saved).unwrap();
            let mut b = live_job(name, &source, input.start_ms, input.parallelism);
            b.restore(&saved)
                .unwrap_or_else(|e| panic!("{name} after {k}: {e}"));
            assert_eq!(b.next_batch_time_ms(), a.next_batch_time_ms());
            assert_eq!(b.batches_run(), a.batches_run());
            for lines in &batches[k..] {
                let (ra, rb) = (run(&mut a, lines), run(&mut b, lines));
                assert!(ra.failure.is_none(), "{name}: {:?}", ra.failure);
                assert_eq!(rb, ra, "{name}, restored after {k} batches");
            }
        }
    }
}

#[test]
fn a_checkpoint_of_another_program_is_refused_with_the_reason() {
    let (window, input) = program("notebook_window");
    let (cumulative, _) = program("notebook_cumulative");
    let mut a = live_job(
        "notebook_window",
        &window,
        input.start_ms,
        input.parallelism,
    );
    run(&mut a, &input.batches[0]);
    let saved = a.checkpoint().unwrap();
    let mut b = live_job(
        "notebook_cumulative",
        &cumulative,
        input.start_ms,
        input.parallelism,
    );
    let refused = b.restore(&saved).unwrap_err();
    assert!(matches!(refused, EngineError::Checkpoint(_)), "{refused:?}");
    assert_eq!(
        refused.to_string(),
        "The saved checkpoint cannot be used: it was taken from a different pipeline (other operations or window settings). Clear it to start fresh."
    );
    // A job that already ran is not restarted in place.
    let mut c = live_job(
        "notebook_window",
        &window,
        input.start_ms,
        input.parallelism,
    );
    run(&mut c, &input.batches[0]);
    assert!(c.restore(&saved).is_err());
}

#[test]
fn kept_outputs_hold_every_record_the_pprint_printed_and_those_it_did_not() {
    let (source, input) = program("pprint_small");
    let mut job = live_job("pprint_small", &source, input.start_ms, input.parallelism);
    let mut beyond_printed = 0;
    for lines in &input.batches {
        let r = run(&mut job, lines);
        assert_eq!(r.outputs.len(), 3, "one per pprint");
        let words: Vec<String> = lines
            .iter()
            .flat_map(|l| l.split_whitespace())
            .map(String::from)
            .collect();
        let kept: Vec<String> = r.outputs[0]
            .records
            .iter()
            .map(|v| v.repr_string())
            .collect();
        let expected: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        assert_eq!(kept, expected);
        assert_eq!(r.outputs[2].records.len(), lines.len());
        // What was printed (as `str()` shows each record) is the kept records' start.
        let printed: Vec<&str> = r.text.lines().collect();
        for record in r.outputs[0].records.iter().take(2) {
            let shown = record.str_string();
            assert!(printed.contains(&shown.as_str()), "{shown} in {printed:?}");
        }
        beyond_printed += kept.len().saturating_sub(2);
        assert!(r
            .outputs
            .iter()
            .all(|o| o.failed == 0 && Some(o.time_ms) == r.time_ms));
    }
    assert!(
        beyond_printed > 0,
        "the input has batches of more than 2 words"
    );
}
