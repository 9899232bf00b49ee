//! "What the trigger did": the teaching view of a Structured Streaming job's trigger, from what the playground
//! observed of it ([`TriggerView`], kept per batch in [`JobBatches`], so time travel shows the trigger as of the
//! viewed batch): per query, the state store before and after (rows added, updated, evicted), the watermark on an
//! event-time axis with the windows it closed, the late rows Spark dropped, and what the output mode sent to the
//! sink.

use crate::engine::{QueryTrigger, RowChange, ViewTable};
use crate::model::JobBatches;
use crate::timefmt::clock_label;

/// Width of the event-time axis's SVG.
pub const AXIS_W: f64 = 640.0;
/// Height of one lane of windows on the axis.
pub const LANE_H: f64 = 22.0;
/// Room above the lanes (the watermark labels) and below (the time ticks).
pub const AXIS_PAD: f64 = 26.0;
/// Most windows the axis draws (the newest ones).
pub const AXIS_WINDOWS: usize = 24;

/// A table of the view: the state store before or after, or the sink's rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RowsView {
    /// The column names.
    pub columns: Vec<String>,
    /// The rows: their cells and what the trigger did to them (`kept`, `added`, `updated`, `evicted`).
    pub rows: Vec<(Vec<String>, std::borrow::Cow<'static, str>)>,
    /// Rows not shown.
    pub not_shown: usize,
}

/// One window on the axis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AxisWindow {
    /// Left edge.
    pub x: f64,
    /// Width.
    pub w: f64,
    /// Top edge.
    pub y: f64,
    /// `10:00:00–10:00:20`.
    pub label: String,
    /// The watermark after the trigger is at or past its end: Spark will not change it again.
    pub closed: bool,
}

/// The event-time axis: the windows in the state store (before or after the trigger), the trigger's lines and
/// the watermark.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EventAxis {
    /// The SVG viewBox height.
    pub height: f64,
    /// The windows, oldest first, in lanes so that overlapping (sliding) windows do not cover each other.
    pub windows: Vec<AxisWindow>,
    /// The x of each distinct event time of the trigger's lines.
    pub events: Vec<f64>,
    /// The watermark before and after the trigger: (x, label), when on the axis.
    pub watermark_before: Option<(f64, String)>,
    /// See [`EventAxis::watermark_before`].
    pub watermark_after: Option<(f64, String)>,
    /// Tick marks: (x, `HH:MM:SS`).
    pub ticks: Vec<(f64, String)>,
}

/// What one query did at the trigger.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueryStory {
    /// `Query 1 (update mode)`.
    pub title: String,
    /// `Spark ran batch 3 on 4 input rows.` or why it ran none.
    pub batch_text: String,
    /// `Watermark 10:00:08 → 10:00:15 (the latest event time seen minus 10 s).`, for a query with a watermark.
    pub watermark_text: Option<String>,
    /// Spark's `numRowsDroppedByWatermark` for the batch.
    pub dropped: u64,
    /// `2 late rows dropped by the watermark`.
    pub dropped_text: String,
    /// One sentence on what the output mode sent to the sink.
    pub mode_sentence: String,
    /// `1 added, 2 updated, 3 evicted`.
    pub changes_text: String,
    /// The state store before the trigger (None for a stateless query).
    pub before: Option<RowsView>,
    /// The state store after the trigger.
    pub after: Option<RowsView>,
    /// The rows the sink received.
    pub sink: RowsView,
    /// The watermark and windows on the event-time axis, for a windowed query with a watermark.
    pub axis: Option<EventAxis>,
}

/// The trigger view of a job: its queries' stories at the trigger the page shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TriggerStory {
    /// The job's batch (trigger) number, 1-based.
    pub batch: u64,
    /// `HH:MM:SS`, when the trigger interval began.
    pub time: String,
    /// Lines the trigger read.
    pub lines: usize,
    /// One per started query.
    pub queries: Vec<QueryStory>,
}

fn change_name(c: RowChange) -> &'static str {
    match c {
        RowChange::Kept => "kept",
        RowChange::Added => "added",
        RowChange::Updated => "updated",
        RowChange::Evicted => "evicted",
    }
}

fn rows_view(columns: &[String], t: &ViewTable) -> RowsView {
    RowsView {
        columns: columns.to_vec(),
        rows: t
            .rows
            .iter()
            .map(|r| (r.cells.clone(), change_name(r.change).into()))
            .collect(),
        not_shown: t.hidden,
    }
}

/// `1 row`, `3 rows`: a count with its noun.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The output mode's sentence, with the number of rows the sink received.
fn mode_sentence(q: &QueryTrigger) -> String {
    let rows = plural(q.sink.total(), "row", "rows");
    if q.foreach_batch && !q.stateful {
        return format!(
            "foreachBatch: your function got this trigger's {rows} as a DataFrame; the query keeps no state, so \
             whatever it counts starts from zero at every trigger."
        );
    }
    match (q.mode, q.stateful) {
        ("complete", _) => format!(
            "Complete mode prints the whole result table at every trigger ({rows}); the state keeps every key, \
             so no row is ever late and nothing is evicted."
        ),
        ("update", _) => format!(
            "Update mode prints only the rows this trigger changed ({rows}); then the windows the watermark \
             closed leave the state."
        ),
        ("append", true) => format!(
            "Append mode prints a window only once the watermark has closed it ({rows} now), when its count can \
             no longer change; then it leaves the state."
        ),
        _ => format!("Append mode without aggregation prints each new row once ({rows}); no state is kept."),
    }
}

/// The axis of a windowed query with a watermark: the windows of the store before and after, the lines' event
/// times, the watermark before and after.
fn event_axis(q: &QueryTrigger, event_times: &[i64]) -> Option<EventAxis> {
    let (duration, slide) = q.window_ms?;
    let mut windows: Vec<(i64, i64)> = q
        .state_before
        .rows
        .iter()
        .chain(&q.state_after.rows)
        .filter_map(|r| r.window_ms)
        .collect();
    windows.sort_unstable();
    windows.dedup();
    let windows = &windows[windows.len().saturating_sub(AXIS_WINDOWS)..];
    let lo = windows
        .iter()
        .map(|w| w.0)
        .chain(event_times.iter().copied())
        .min()?;
    let hi = windows
        .iter()
        .map(|w| w.1)
        .chain(event_times.iter().map(|t| t + 1))
        .max()?;
    let span = (hi - lo).max(1) as f64;
    let x = |ms: i64| 4.0 + (ms - lo) as f64 / span * (AXIS_W - 8.0);
    // Sliding windows overlap: window k of a run of duration/slide goes in lane k mod (duration/slide).
    let lanes = (duration / slide.max(1)).max(1);
    let closed_by = q.watermark_after_ms;
    let drawn: Vec<AxisWindow> = windows
        .iter()
        .map(|&(start, end)| AxisWindow {
            x: x(start),
            w: x(end) - x(start),
            y: AXIS_PAD + (start.div_euclid(slide.max(1)).rem_euclid(lanes)) as f64 * LANE_H,
            label: format!("{}–{}", clock_label(start), clock_label(end)),
            closed: closed_by.is_some_and(|w| end <= w),
        })
        .collect();
    let mark = |ms: Option<i64>| {
        ms.filter(|m| (lo..=hi).contains(m))
            .map(|m| (x(m), clock_label(m)))
    };
    let step = slide.max(1);
    let ticks = (lo.div_euclid(step)..=hi.div_euclid(step))
        .map(|k| k * step)
        .filter(|t| (lo..=hi).contains(t))
        .map(|t| (x(t), clock_label(t)))
        .collect();
    Some(EventAxis {
        height: 2.0 * AXIS_PAD + lanes as f64 * LANE_H,
        windows: drawn,
        events: event_times.iter().map(|&t| x(t)).collect(),
        watermark_before: mark(q.watermark_before_ms),
        watermark_after: mark(q.watermark_after_ms),
        ticks,
    })
}

fn query_story(q: &QueryTrigger, lines: usize, event_times: &[i64]) -> QueryStory {
    let title = format!(
        "Query {} ({} mode{})",
        q.query + 1,
        q.mode,
        if q.foreach_batch {
            ", foreachBatch"
        } else {
            ""
        }
    );
    let batch_text = match &q.progress {
        Some(p) => format!(
            "Spark ran batch {} on {}.",
            p.batch_id,
            plural(p.input_rows, "input row", "input rows")
        ),
        None if lines == 0 => "No new lines: Spark ran no batch at this trigger.".to_string(),
        None => "Spark ran no batch of this query at this trigger.".to_string(),
    };
    let watermark_text = q.watermark_delay_ms.map(|delay| {
        // Spark's watermark is 0 (the epoch) until a batch has seen an event time.
        let at = |ms: Option<i64>| match ms {
            None => "—".to_string(),
            Some(0) => "the epoch (no event time seen yet)".to_string(),
            Some(ms) => clock_label(ms),
        };
        format!(
            "Watermark {} → {} (the latest event time seen minus {} s; a window ending at or before it is closed).",
            at(q.watermark_before_ms),
            at(q.watermark_after_ms),
            delay / 1000
        )
    });
    let dropped = q
        .progress
        .as_ref()
        .map_or(0, |p| p.rows_dropped_by_watermark);
    let dropped_text = format!(
        "{} dropped by the watermark (Spark's numRowsDroppedByWatermark).",
        plural(dropped as usize, "late row", "late rows")
    );
    let c = q.changes;
    QueryStory {
        title,
        batch_text,
        watermark_text,
        dropped,
        dropped_text,
        mode_sentence: mode_sentence(q),
        changes_text: format!(
            "{} added, {} updated, {} evicted",
            c.added, c.updated, c.evicted
        ),
        before: q.stateful.then(|| rows_view(&q.columns, &q.state_before)),
        after: q.stateful.then(|| rows_view(&q.columns, &q.state_after)),
        sink: rows_view(&q.columns, &q.sink),
        axis: q
            .watermark_delay_ms
            .and_then(|_| event_axis(q, event_times)),
    }
}

/// The trigger view of a job's batches as the page shows them (their last trigger), None for a DStream job or
/// before its first trigger.
pub fn trigger_story(b: &JobBatches) -> Option<TriggerStory> {
    let last = b.last()?;
    let t = last.structured.as_ref()?;
    Some(TriggerStory {
        batch: last.batch,
        time: clock_label(last.time_ms),
        lines: t.input_lines,
        queries: t
            .queries
            .iter()
            .map(|q| query_story(q, t.input_lines, &t.event_times_ms))
            .collect(),
    })
}

#[cfg(test)]
pub(crate) mod tests;
