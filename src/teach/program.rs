//! The teaching views of a student's program, rendered from the DStream graph the program built and what the
//! engine run observed of its batches ([`JobBatches`]), not from a table written for one job: the lineage (each
//! node's op, line and records, and the edges), the metrics (lines in, records per node, processing time), the
//! update function's calls of each `updateStateByKey` and the batches each window covers.

use super::metrics::{fmt_num, TABLE_ROWS};
use crate::engine::{
    afresh_sentence, NodeBatch, NodeKind, ProgramUpdateCall, StreamNode, WindowCover, WindowHow,
};
use crate::model::{JobBatch, JobBatches};
use crate::timefmt::{clock_label, seconds_literal};

/// Width of a node box in the lineage's SVG.
pub const NODE_W: f64 = 150.0;
/// Height of a node box.
pub const NODE_H: f64 = 54.0;
/// Room between two columns (for the edges).
pub const COL_GAP: f64 = 34.0;
/// Room between two rows.
pub const ROW_GAP: f64 = 14.0;
/// Margin around the graph.
pub const PAD: f64 = 4.0;

/// One node of the lineage, placed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinNode {
    /// The node's id in the graph.
    pub id: usize,
    /// The PySpark method that made it.
    pub op: String,
    /// `line 8`, and the parameters that matter (`window 20 s, slide 10 s`, `state`, `num=10`).
    pub detail: String,
    /// Records it made in the last batch (`None` for an output, or before the first batch).
    pub records: Option<u64>,
    /// `12 records`, `output`, or empty before the first batch.
    pub count_text: String,
    /// Whether it is an output operation.
    pub output: bool,
    /// Left edge of its box.
    pub x: f64,
    /// Top edge of its box.
    pub y: f64,
}

/// One edge, from a node's right side to a reader's left side.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinEdge {
    /// The node read.
    pub from: usize,
    /// The node reading it.
    pub to: usize,
    /// Start.
    pub x1: f64,
    /// Start.
    pub y1: f64,
    /// End.
    pub x2: f64,
    /// End.
    pub y2: f64,
}

/// The program's lineage, laid out in columns: a node stands one column right of the furthest node it reads.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProgramLineage {
    /// The nodes, in the order the program built them.
    pub nodes: Vec<LinNode>,
    /// The edges.
    pub edges: Vec<LinEdge>,
    /// The SVG viewBox width.
    pub width: f64,
    /// The SVG viewBox height.
    pub height: f64,
    /// The batch the counts are from (`None` before the first).
    pub batch: Option<u64>,
}

/// One row of the metrics table, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProgramMetricRow {
    /// 1-based batch number.
    pub batch: u64,
    /// `HH:MM:SS`.
    pub time: String,
    /// Lines the input read.
    pub lines: u64,
    /// Records each non-output node made, in [`ProgramMetrics::columns`] order.
    pub records: Vec<u64>,
    /// How long the job took (`0.4 ms`, or `—` unmeasured).
    pub processing: String,
}

/// The job's recent batches as a table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProgramMetrics {
    /// A column per non-output node: `map (line 8)`.
    pub columns: Vec<String>,
    /// The recent batches, newest first, at most [`TABLE_ROWS`].
    pub rows: Vec<ProgramMetricRow>,
    /// Average processing time over the recent batches measured (`avg 0.4 ms`), or `None`.
    pub avg_processing: Option<String>,
}

/// One update call, ready to show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CallRow {
    /// The key (`'info'`), or `?` when no state named it (see [`ProgramUpdateCall::key`]).
    pub key: String,
    /// `updateFunc([1, 1], 2) -> 4`, the function's arguments and result as Python writes them.
    pub call: String,
    /// The key entered the state (no previous state).
    pub new_key: bool,
    /// No new value arrived for the key.
    pub carried: bool,
    /// The function returned `None`: the key leaves the state.
    pub dropped: bool,
}

/// An `updateStateByKey` node's calls of the last batch.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CallsView {
    /// `updateStateByKey (line 12)`.
    pub title: String,
    /// The batch time, `HH:MM:SS`.
    pub time: String,
    /// The calls in PySpark's order.
    pub rows: Vec<CallRow>,
    /// Calls of the batch not kept.
    pub not_shown: u64,
    /// One sentence on what the calls show.
    pub note: String,
}

/// A windowed node at the last batch.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WindowView {
    /// `reduceByKeyAndWindow (line 30)`.
    pub title: String,
    /// `a 20 s window every 10 s`.
    pub summary: String,
    /// The batches the window covers, `HH:MM:SS`, oldest first (empty between two slides).
    pub batches: Vec<String>,
    /// How PySpark formed it, when the engine recorded it, or why there is no window at this batch.
    pub how: String,
}

/// Every view of one job, computed once per render from its graph and batches.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProgramViews {
    /// The lineage.
    pub lineage: ProgramLineage,
    /// The metrics.
    pub metrics: ProgramMetrics,
    /// One per `updateStateByKey`.
    pub calls: Vec<CallsView>,
    /// One per windowed node.
    pub windows: Vec<WindowView>,
}

/// The views of a job's graph and batches.
pub fn program_views(b: &JobBatches) -> ProgramViews {
    let last = b.last();
    ProgramViews {
        lineage: lineage(&b.graph, last.map(|l| l.batch), |n| {
            last.and_then(|b| observed(n, b)).and_then(|o| o.records)
        }),
        metrics: metrics(b),
        calls: b
            .graph
            .iter()
            .filter(|n| n.kind == NodeKind::State)
            .filter_map(|n| Some(calls_view(n, last?)))
            .collect(),
        windows: b
            .graph
            .iter()
            .filter_map(|n| window_view(n, last?))
            .collect(),
    }
}

/// `map (line 8)`.
fn title(n: &StreamNode) -> String {
    match n.line {
        Some(line) => format!("{} (line {line})", n.op),
        None => n.op.clone(),
    }
}

/// What node `n` did in `batch`.
fn observed<'a>(n: &StreamNode, batch: &'a JobBatch) -> Option<&'a NodeBatch> {
    batch.nodes.get(n.id).filter(|o| o.id == n.id)
}

/// `12 records`.
fn records_text(n: u64) -> String {
    format!("{n} record{}", if n == 1 { "" } else { "s" })
}

/// `line 8 · window 20 s, slide 10 s`: where the program made node `n`, and the parameters that matter (a window's
/// length and slide, `state`, `num=10`).
pub(crate) fn node_detail(n: &StreamNode) -> String {
    let param = match n.kind {
        NodeKind::Window {
            window_ms,
            slide_ms,
        } => format!(
            "window {} s, slide {} s",
            seconds_literal(window_ms),
            seconds_literal(slide_ms)
        ),
        NodeKind::State => "state".to_string(),
        NodeKind::Pprint { num } => format!("num={num}"),
        NodeKind::Input | NodeKind::Transform | NodeKind::ForeachRdd => String::new(),
    };
    let line = n.line.map(|l| format!("line {l}")).unwrap_or_default();
    [line, param]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The lineage of `graph`, with the records `records` says each node made in `batch` (`None` before the first).
pub(crate) fn lineage(
    graph: &[StreamNode],
    batch: Option<u64>,
    records: impl Fn(&StreamNode) -> Option<u64>,
) -> ProgramLineage {
    let mut column = vec![0usize; graph.len()];
    for n in graph {
        // Parents come before their readers in the graph's order.
        column[n.id] = n
            .parents
            .iter()
            .filter_map(|p| column.get(*p))
            .map(|c| c + 1)
            .max()
            .unwrap_or(0);
    }
    let mut rows_in = vec![0usize; graph.len() + 1];
    let mut row = vec![0usize; graph.len()];
    for n in graph {
        row[n.id] = rows_in[column[n.id]];
        rows_in[column[n.id]] += 1;
    }
    let at = |id: usize| {
        (
            PAD + column[id] as f64 * (NODE_W + COL_GAP),
            PAD + row[id] as f64 * (NODE_H + ROW_GAP),
        )
    };
    let nodes = graph
        .iter()
        .map(|n| {
            let (x, y) = at(n.id);
            let records = records(n);
            let count_text = match (n.kind.is_output(), records) {
                (true, _) => "output".to_string(),
                (false, Some(r)) => records_text(r),
                (false, None) => String::new(),
            };
            let detail = node_detail(n);
            LinNode {
                id: n.id,
                op: n.op.clone(),
                detail,
                records,
                count_text,
                output: n.kind.is_output(),
                x,
                y,
            }
        })
        .collect();
    let edges = graph
        .iter()
        .flat_map(|n| n.parents.iter().map(move |p| (*p, n.id)))
        .filter(|(p, _)| *p < graph.len())
        .map(|(from, to)| {
            let ((fx, fy), (tx, ty)) = (at(from), at(to));
            LinEdge {
                from,
                to,
                x1: fx + NODE_W,
                y1: fy + NODE_H / 2.0,
                x2: tx,
                y2: ty + NODE_H / 2.0,
            }
        })
        .collect();
    let columns = column.iter().max().map_or(0, |c| c + 1);
    let rows = rows_in.iter().copied().max().unwrap_or(0);
    ProgramLineage {
        nodes,
        edges,
        width: 2.0 * PAD + columns as f64 * (NODE_W + COL_GAP) - COL_GAP,
        height: 2.0 * PAD + rows as f64 * (NODE_H + ROW_GAP) - ROW_GAP,
        batch,
    }
}

fn metrics(b: &JobBatches) -> ProgramMetrics {
    let streams: Vec<&StreamNode> = b.graph.iter().filter(|n| !n.kind.is_output()).collect();
    let input = b.graph.iter().find(|n| n.kind == NodeKind::Input);
    let count = |n: &StreamNode, batch: &JobBatch| {
        observed(n, batch)
            .and_then(|o| o.records)
            .unwrap_or_default()
    };
    let rows = b
        .recent()
        .rev()
        .take(TABLE_ROWS)
        .map(|batch| ProgramMetricRow {
            batch: batch.batch,
            time: clock_label(batch.time_ms),
            lines: input.map_or(0, |n| count(n, batch)),
            records: streams.iter().map(|n| count(n, batch)).collect(),
            processing: batch
                .processing_ms
                .map_or_else(|| "—".to_string(), |ms| format!("{} ms", fmt_num(ms))),
        })
        .collect();
    let measured: Vec<f64> = b.recent().filter_map(|x| x.processing_ms).collect();
    ProgramMetrics {
        columns: streams.iter().map(|n| title(n)).collect(),
        rows,
        avg_processing: (!measured.is_empty()).then(|| {
            let avg = measured.iter().sum::<f64>() / measured.len() as f64;
            format!("avg {} ms", fmt_num(avg))
        }),
    }
}

/// `[1, 1]`, or `[1, 1, … 37 more]`.
fn values_text(c: &ProgramUpdateCall) -> String {
    let mut items = c.values.join(", ");
    if c.values_not_shown > 0 {
        items.push_str(&format!(", … {} more", c.values_not_shown));
    }
    format!("[{items}]")
}

fn calls_view(n: &StreamNode, last: &JobBatch) -> CallsView {
    let calls: &[ProgramUpdateCall] = observed(n, last).map_or(&[], |o| &o.updates);
    let none = || "None".to_string();
    let rows: Vec<CallRow> = calls
        .iter()
        .map(|c| CallRow {
            key: c.key.clone().unwrap_or_else(|| "?".to_string()),
            call: format!(
                "updateFunc({}, {}) -> {}",
                values_text(c),
                c.previous.clone().unwrap_or_else(none),
                c.result.clone().unwrap_or_else(none)
            ),
            new_key: c.previous.is_none(),
            carried: c.values.is_empty() && c.values_not_shown == 0,
            dropped: c.result.is_none(),
        })
        .collect();
    let not_shown = observed(n, last).map_or(0, |o| o.updates_not_shown);
    let total = rows.len() as u64 + not_shown;
    let mut note = if total == 0 {
        "No key yet: updateStateByKey calls the function only for keys in the state or in the batch.".to_string()
    } else {
        format!(
            "updateStateByKey called the function {total} time{} at this batch: once per key in the state or in \
             the batch, with the key's new values and its previous state.",
            if total == 1 { "" } else { "s" }
        )
    };
    if rows.iter().any(|r| r.dropped) {
        note.push_str(" A None result removes the key from the state.");
    }
    if rows.iter().any(|r| r.key == "?") {
        note.push_str(" ? is a key new in this batch that the function dropped at once: no state ever named it.");
    }
    CallsView {
        title: title(n),
        time: clock_label(last.time_ms),
        rows,
        not_shown,
        note,
    }
}

/// How the window was formed, in a sentence.
fn path_text(cover: &WindowCover) -> String {
    let labels = |times: &[i64]| {
        if times.is_empty() {
            "none".to_string()
        } else {
            times
                .iter()
                .map(|t| clock_label(*t))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    match cover.path.as_ref().map(|p| &p.how) {
        Some(WindowHow::Subtracted {
            previous_ms,
            leaving_ms,
            arriving_ms,
        }) => format!(
            "PySpark took the subtracting path: the window at {}, minus the batches that left ({}), plus the \
             batches that arrived ({}).",
            clock_label(*previous_ms),
            labels(leaving_ms),
            labels(arriving_ms)
        ),
        Some(WindowHow::Reduced { why, .. }) => afresh_sentence(*why),
        None => "The window holds the records of every batch it covers.".to_string(),
    }
}

fn window_view(n: &StreamNode, last: &JobBatch) -> Option<WindowView> {
    let NodeKind::Window {
        window_ms,
        slide_ms,
    } = n.kind
    else {
        return None;
    };
    let cover = observed(n, last).and_then(|o| o.window.as_ref());
    Some(WindowView {
        title: title(n),
        summary: format!(
            "a {} s window every {} s",
            seconds_literal(window_ms),
            seconds_literal(slide_ms)
        ),
        batches: cover.map_or_else(Vec::new, |c| {
            c.batches_ms.iter().map(|t| clock_label(*t)).collect()
        }),
        how: match cover {
            Some(c) => path_text(c),
            None => format!(
                "No window at {}: the window emits every {} s.",
                clock_label(last.time_ms),
                seconds_literal(slide_ms)
            ),
        },
    })
}

#[cfg(test)]
mod tests;
