//! Lineage per mode: the DStream chain the notebook builds, with the records that flowed through each step in
//! the last batch, laid out as a small left-to-right graph.

use super::memory::{mode_index, LastBatch};
use crate::engine::{Mode, NotebookConfig};
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
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The operation, as in the notebook (`socketTextStream`, `map`, `reduceByKey`, …).
    pub op: &'static str,
    /// Its argument, shortened (`get_message_type`, `lambda x: (x, 1)`, …).
    pub arg: String,
    /// Records it produced in the last batch, `None` when it produced no RDD then (the window between slides).
    pub records: Option<usize>,
    /// What the records are: `lines`, `types`, `pairs`, `keys`.
    pub unit: &'static str,
    /// Left edge of the node box.
    pub x: f64,
    /// Width of the node box.
    pub w: f64,
}

impl Step {
    /// `12 lines`, `1 key`, or `— (no window at this batch)`.
    pub fn count_text(&self) -> String {
        match self.records {
            Some(n) => {
                let unit = if n == 1 {
                    self.unit.trim_end_matches('s')
                } else {
                    self.unit
                };
                format!("{n} {unit}")
            }
            None => "no RDD this batch".to_string(),
        }
    }
}

/// One mode's chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Lineage {
    /// The mode.
    pub mode: Mode,
    /// The steps, source first.
    pub steps: Vec<Step>,
    /// The batch the counts are from (`None` before the first batch).
    pub batch: Option<u64>,
    /// `socketTextStream -> map -> map -> reduceByKey -> updateStateByKey`.
    pub chain: String,
    /// A sentence when something needs saying (the window emits only every slide).
    pub note: Option<String>,
}

/// The chain of `mode`, counted from the last batch (`None` before the first).
pub fn lineage(mode: Mode, c: &NotebookConfig, last: Option<&LastBatch>) -> Lineage {
    let lines = last.map(|l| l.lines);
    let out = |m: Mode| last.map(|l| l.outputs[mode_index(m)].as_ref().map(Vec::len));
    let mut raw: Vec<(&'static str, String, Option<usize>, &'static str)> = vec![
        (
            "socketTextStream",
            "\"127.0.0.1\", 9999".to_string(),
            lines,
            "lines",
        ),
        ("map", "get_message_type".to_string(), lines, "types"),
        ("map", "lambda x: (x, 1)".to_string(), lines, "pairs"),
    ];
    let mut note = None;
    match mode {
        Mode::Stateless => raw.push((
            "reduceByKey",
            "lambda x, y: x + y".to_string(),
            out(Mode::Stateless).flatten(),
            "keys",
        )),
        Mode::Cumulative => {
            raw.push((
                "reduceByKey",
                "lambda x, y: x + y".to_string(),
                out(Mode::Stateless).flatten(),
                "keys",
            ));
            raw.push((
                "updateStateByKey",
                "updateFunction".to_string(),
                out(Mode::Cumulative).flatten(),
                "keys",
            ));
        }
        Mode::Window => {
            let emitted = out(Mode::Window).flatten();
            raw.push((
                "reduceByKeyAndWindow",
                format!(
                    "{} s, {} s{}",
                    seconds_literal(c.window_ms),
                    seconds_literal(c.slide_ms),
                    if c.inverse { ", invFunc" } else { "" }
                ),
                emitted,
                "keys",
            ));
            if last.is_some() && emitted.is_none() {
                note = Some(format!(
                    "The window slides every {} s, so it produced no RDD at this batch; the counts before it still flowed into the window's batches.",
                    seconds_literal(c.slide_ms)
                ));
            }
        }
    }
    let n = raw.len() as f64;
    let w = (WIDTH - GAP * (n - 1.0)) / n;
    let steps: Vec<Step> = raw
        .into_iter()
        .enumerate()
        .map(|(i, (op, arg, records, unit))| Step {
            op,
            arg,
            records,
            unit,
            x: i as f64 * (w + GAP),
            w,
        })
        .collect();
    let chain = steps.iter().map(|s| s.op).collect::<Vec<_>>().join(" -> ");
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
    use crate::engine::NotebookLab;
    use crate::teach::memory::{TeachMemory, Timing};

    #[test]
    fn chains_and_counts_follow_the_engine() {
        let c = NotebookConfig {
            slide_ms: 20_000,
            ..NotebookConfig::default()
        };
        let mut lab = NotebookLab::new(c.clone(), 0).unwrap();
        let mut mem = TeachMemory::default();
        let before = lineage(Mode::Cumulative, &c, mem.last());
        assert_eq!(before.batch, None);
        assert!(before.steps.iter().all(|s| s.records.is_none()));
        for l in ["[info] a", "[info] b", "[error] c", "x"] {
            lab.push_line(l);
        }
        let r = lab.run_batch();
        mem.observe(&r, Timing::default());
        let s = lineage(Mode::Stateless, &c, mem.last());
        assert_eq!(s.chain, "socketTextStream -> map -> map -> reduceByKey");
        let counts: Vec<Option<usize>> = s.steps.iter().map(|s| s.records).collect();
        assert_eq!(counts, [Some(4), Some(4), Some(4), Some(3)]);
        assert_eq!(s.steps[3].count_text(), "3 keys");
        let cu = lineage(Mode::Cumulative, &c, mem.last());
        assert_eq!(
            cu.chain,
            "socketTextStream -> map -> map -> reduceByKey -> updateStateByKey"
        );
        assert_eq!(cu.steps[4].records, Some(r.outputs[1].records.len()));
        // The 20 s slide does not emit at 10 s.
        let w = lineage(Mode::Window, &c, mem.last());
        assert_eq!(
            w.chain,
            "socketTextStream -> map -> map -> reduceByKeyAndWindow"
        );
        assert_eq!(w.steps[3].records, None);
        assert!(w.note.is_some());
        lab.push_line("[notice] n");
        let r = lab.run_batch();
        mem.observe(&r, Timing::default());
        let w = lineage(Mode::Window, &c, mem.last());
        let emitted = r.outputs.iter().find(|o| o.mode == Mode::Window).unwrap();
        assert_eq!(w.steps[3].records, Some(emitted.records.len()));
        assert_eq!(w.steps[0].count_text(), "1 line");
        assert!(w.note.is_none());
        // The boxes fill the width.
        let last = w.steps.last().unwrap();
        assert!((last.x + last.w - WIDTH).abs() < 1e-9);
    }
}
