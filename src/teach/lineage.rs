//! Lineage per mode: the DStream graph the mode's program built (the notebook's cell, run as code), with the
//! records each of its streams made in the last batch, laid out as a small left-to-right chain.

use super::program::node_detail;
use crate::engine::{Mode, NodeKind, StreamNode};
use crate::model::BatchEntry;
use crate::timefmt::seconds_literal;

/// The SVG viewBox width of the graph.
pub const WIDTH: f64 = 640.0;
/// The SVG viewBox height of the graph.
pub const HEIGHT: f64 = 84.0;
/// Gap between two nodes (room for the arrow).
pub const GAP: f64 = 18.0;
/// Top of the node boxes.
pub const NODE_Y: f64 = 8.0;
/// Height of the node boxes.
pub const NODE_H: f64 = 40.0;

/// One DStream of the chain.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// The PySpark method that made it (`socketTextStream`, `map`, `reduceByKey`, …).
    pub op: String,
    /// Where the program made it and the parameters that matter (`line 25`, `window 20 s, slide 10 s`, `state`).
    pub arg: String,
    /// Records it produced in the last batch, `None` when it produced no RDD then (the window between slides).
    pub records: Option<u64>,
    /// What the records are: `lines` for the input, `records` after it.
    pub unit: std::borrow::Cow<'static, str>,
    /// Left edge of the node box.
    pub x: f64,
    /// Width of the node box.
    pub w: f64,
}

impl Step {
    /// `12 lines`, `1 record`, or `no RDD this batch`.
    pub fn count_text(&self) -> String {
        match self.records {
            Some(n) => {
                let unit = if n == 1 {
                    self.unit.trim_end_matches('s')
                } else {
                    &self.unit
                };
                format!("{n} {unit}")
            }
            None => "no RDD this batch".to_string(),
        }
    }
}

/// One mode's chain.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lineage {
    /// The mode.
    pub mode: Mode,
    /// The streams, in the order the program made them (its outputs left out: they make no stream).
    pub steps: Vec<Step>,
    /// The batch the counts are from (`None` before the first).
    pub batch: Option<u64>,
    /// `socketTextStream -> map -> map -> reduceByKey -> updateStateByKey`.
    pub chain: String,
    /// A sentence when something needs saying (the window emits only every slide).
    pub note: Option<String>,
}

/// The chain of `mode`'s program, whose graph is `graph`, counted from the last batch (`None` before the first).
pub fn lineage(mode: Mode, graph: &[StreamNode], last: Option<&BatchEntry>) -> Lineage {
    let streams: Vec<&StreamNode> = graph.iter().filter(|n| !n.kind.is_output()).collect();
    let emitted = last.map(|l| l.records(mode).is_some());
    let records = |n: &StreamNode| {
        let l = last?;
        // A window between two slides made no RDD; the run counts it as 0.
        if matches!(n.kind, NodeKind::Window { .. }) && emitted == Some(false) {
            return None;
        }
        l.node_records[mode.index()].get(n.id).copied().flatten()
    };
    let note = streams
        .iter()
        .find_map(|n| match n.kind {
            NodeKind::Window { slide_ms, .. } => Some(slide_ms),
            _ => None,
        })
        .filter(|_| emitted == Some(false))
        .map(|slide_ms| {
            format!(
                "The window slides every {} s, so it produced no RDD at this batch; the counts before it still flowed into the window's batches.",
                seconds_literal(slide_ms)
            )
        });
    let n = streams.len().max(1) as f64;
    let w = (WIDTH - GAP * (n - 1.0)) / n;
    let steps: Vec<Step> = streams
        .iter()
        .enumerate()
        .map(|(i, node)| Step {
            op: node.op.clone(),
            arg: node_detail(node),
            records: records(node),
            unit: if node.kind == NodeKind::Input {
                "lines".into()
            } else {
                "records".into()
            },
            x: i as f64 * (w + GAP),
            w,
        })
        .collect();
    let chain = steps
        .iter()
        .map(|s| s.op.as_str())
        .collect::<Vec<_>>()
        .join(" -> ");
    Lineage {
        mode,
        steps,
        batch: last.map(|l| l.batch),
        chain,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{get_message_type, BatchReport, NotebookConfig, NotebookLab};
    use crate::model::batch_log::{BatchLog, Timing};
    use std::collections::BTreeSet;

    /// How many records the engine emitted for `mode` at `r`, `None` when the mode did not emit.
    fn emitted(r: &BatchReport, mode: Mode) -> Option<u64> {
        r.outputs
            .iter()
            .find(|o| o.mode == mode)
            .map(|o| o.records.len() as u64)
    }

    /// The distinct keys of the engine's stateless output at `r`.
    fn stateless_keys(r: &BatchReport) -> BTreeSet<&'static str> {
        r.outputs
            .iter()
            .find(|o| o.mode == Mode::Stateless)
            .expect("the stateless mode emits every batch")
            .records
            .iter()
            .map(|(k, _)| k.as_str())
            .collect()
    }

    #[test]
    fn before_the_first_batch_nothing_is_counted() {
        let lab = NotebookLab::new(NotebookConfig::default(), 0).unwrap();
        for mode in Mode::ALL {
            let l = lineage(mode, &lab.graph(mode), BatchLog::default().last());
            assert_eq!(l.batch, None);
            assert!(l.steps.iter().all(|s| s.records.is_none()), "{l:?}");
            assert!(l.note.is_none());
        }
    }

    #[test]
    fn the_chains_are_the_programs_graphs_and_count_what_the_batches_hold() {
        let batches: [&[&str]; 6] = [
            &["[info] a", "[info] b", "[error] c", "x"],
            &[],
            &["[notice] n"],
            &[],
            &["[error] e", "[error] f", "[info] g"],
            &["[notice] p", "y", "[info] q"],
        ];
        let configs = [
            NotebookConfig::default(),
            // A 20 s slide emits the window every other 10 s batch.
            NotebookConfig {
                slide_ms: 20_000,
                ..NotebookConfig::default()
            },
            NotebookConfig {
                window_ms: 30_000,
                inverse: false,
                filter_zero: true,
                ..NotebookConfig::default()
            },
        ];
        let (mut window_emitted, mut window_skipped) = (0, 0);
        for c in configs {
            let mut lab = NotebookLab::new(c.clone(), 0).unwrap();
            let mut log = BatchLog::default();
            for lines in batches {
                for l in lines {
                    lab.push_line(l);
                }
                let r = lab.run_batch();
                log.record(&r, Timing::default());
                assert_eq!(r.lines, lines.len(), "the engine counts the lines pushed");
                let keys = stateless_keys(&r);
                let classified: BTreeSet<&str> =
                    lines.iter().map(|l| get_message_type(l).as_str()).collect();
                assert_eq!(
                    keys, classified,
                    "one stateless record per key of the batch"
                );
                for mode in Mode::ALL {
                    let l = lineage(mode, &lab.graph(mode), log.last());
                    assert_eq!(l.batch, Some(r.batch));
                    let fed = Some(r.lines as u64);
                    let keys = Some(keys.len() as u64);
                    let mut expected = vec![("socketTextStream", fed), ("map", fed), ("map", fed)];
                    match mode {
                        Mode::Stateless => expected.push(("reduceByKey", keys)),
                        Mode::Cumulative => {
                            expected.push(("reduceByKey", keys));
                            expected.push(("updateStateByKey", emitted(&r, Mode::Cumulative)));
                        }
                        Mode::Window => {
                            let w = emitted(&r, Mode::Window);
                            expected.push(("reduceByKeyAndWindow", w));
                            // The note explains a missing window, and only that.
                            assert_eq!(l.note.is_some(), w.is_none(), "{:?}", l.note);
                            if w.is_some() {
                                window_emitted += 1;
                            } else {
                                window_skipped += 1;
                            }
                        }
                    }
                    let got: Vec<(&str, Option<u64>)> =
                        l.steps.iter().map(|s| (s.op.as_str(), s.records)).collect();
                    assert_eq!(
                        got,
                        expected,
                        "{} at batch {} of {c:?}",
                        mode.as_str(),
                        r.batch
                    );
                    let ops: Vec<&str> = expected.iter().map(|(op, _)| *op).collect();
                    assert_eq!(l.chain, ops.join(" -> "));
                    // The boxes fill the width.
                    let last = l.steps.last().unwrap();
                    assert!((last.x + last.w - WIDTH).abs() < 1e-9);
                }
            }
        }
        assert!(
            window_emitted > 0 && window_skipped > 0,
            "both window cases ran"
        );
    }

    #[test]
    fn count_text_names_the_unit_and_a_missing_rdd() {
        let step = |records| Step {
            op: "map".to_string(),
            arg: String::new(),
            records,
            unit: "lines".into(),
            x: 0.0,
            w: 1.0,
        };
        assert_eq!(step(Some(1)).count_text(), "1 line");
        assert_eq!(step(Some(0)).count_text(), "0 lines");
        assert_eq!(step(Some(12)).count_text(), "12 lines");
        let records = Step {
            unit: "records".into(),
            ..step(Some(1))
        };
        assert_eq!(records.count_text(), "1 record");
        assert_eq!(step(None).count_text(), "no RDD this batch");
    }
}
