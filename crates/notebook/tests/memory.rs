//! The lab's jobs remember only the batches their windows need: what a
//! checkpoint holds stops growing once the longest window is full, and it
//! holds reduced counts, never lines.

use dstream_notebook::{NotebookConfig, NotebookLab, NotebookState};

/// The remembered RDDs in a lab's checkpoint, all jobs together.
fn remembered(state: &NotebookState) -> usize {
    state
        .modes
        .iter()
        .flat_map(|m| m.job.iter())
        .flat_map(|j| &j.engine.streams)
        .map(|s| s.entries.len())
        .sum()
}

#[test]
fn remembered_rdds_stay_bounded_over_many_batches() {
    let config = NotebookConfig {
        window_ms: 50_000,
        ..NotebookConfig::default()
    };
    let mut lab = NotebookLab::new(config, 0).unwrap();
    let mut after = Vec::new();
    for batch in 1..=300 {
        lab.push_line(&format!("[error] line {batch}"));
        lab.run_batch();
        if batch == 100 || batch == 300 {
            after.push(remembered(&lab.checkpoint().unwrap()));
        }
    }
    assert_eq!(after[0], after[1], "memory grew between batch 100 and 300");
    // Per-batch counts: the 50 s window plus one slide. Window results: the
    // previous one. Running totals: the last state.
    assert!(after[1] < 20, "{} RDDs remembered", after[1]);
}

#[test]
fn checkpoint_holds_no_lines_only_reduced_state() {
    let mut lab = NotebookLab::new(NotebookConfig::default(), 0).unwrap();
    for _ in 0..5 {
        for i in 0..1000 {
            lab.push_line(&format!("[info] a long line that must not be saved {i}"));
        }
        lab.run_batch();
    }
    let json = serde_json::to_string(&lab.checkpoint().unwrap()).unwrap();
    assert!(!json.contains("must not be saved"));
    assert!(json.len() < 4000, "checkpoint is {} bytes", json.len());
}
