//! [`TriggerView`]: what one trigger of a program's Structured Streaming queries did, for the
//! lab's teaching views: per query, Spark's progress of the batch it ran, the watermark
//! before and after, the state store's rows before and after (each marked added, updated,
//! evicted or kept) and the rows the sink received. Bounded: each table keeps its first
//! [`VIEW_ROWS`] rows and counts the others.

use std::collections::HashMap;

use dstream_structured::show::cell_text;
use dstream_structured::{Progress, Row, StreamingQuery, Value};

use crate::output_modes::OutputModes;
use crate::state::JobState;

/// Rows a table of the view keeps; the others are counted in [`ViewTable::hidden`].
pub const VIEW_ROWS: usize = 40;

/// Distinct event times of a trigger's lines the view keeps.
pub const VIEW_EVENT_TIMES: usize = 200;

/// What a state row went through in the trigger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowChange {
    /// The row is the same before and after.
    Kept,
    /// The trigger added the key.
    Added,
    /// The trigger changed the key's aggregates.
    Updated,
    /// The trigger evicted the key (its window closed by the watermark).
    Evicted,
}

/// One row of a table of the view, printed as `show()` prints its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewRow {
    /// The row's cells, in the table's column order.
    pub cells: Vec<String>,
    /// The row's event-time window (start, end) in ms, when a key is a `window(...)`.
    pub window_ms: Option<(i64, i64)>,
    /// What the trigger did to the row (always [`RowChange::Kept`] for a sink's row).
    pub change: RowChange,
}

/// A bounded table: its first rows and how many more there were.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewTable {
    /// The first [`VIEW_ROWS`] rows.
    pub rows: Vec<ViewRow>,
    /// The rows not kept.
    pub hidden: usize,
}

impl ViewTable {
    /// How many rows the table had.
    pub fn total(&self) -> usize {
        self.rows.len() + self.hidden
    }
}

/// How many state rows the trigger added, updated and evicted (counted over the whole store).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Keys new in the store.
    pub added: usize,
    /// Keys whose aggregates changed.
    pub updated: usize,
    /// Keys the trigger removed from the store.
    pub evicted: usize,
}

/// One query's part of a trigger.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryTrigger {
    /// The query's number, in the order the program started them (0-based).
    pub query: usize,
    /// `outputMode`: `complete`, `update` or `append`.
    pub mode: &'static str,
    /// The sink is `foreachBatch` (else the console).
    pub foreach_batch: bool,
    /// The query keeps state between triggers (a streaming aggregation).
    pub stateful: bool,
    /// The sink's (and the state store's) column names.
    pub columns: Vec<String>,
    /// `window(...)`'s duration and slide (ms) of a key over the watermarked column.
    pub window_ms: Option<(i64, i64)>,
    /// `withWatermark`'s delay (ms).
    pub watermark_delay_ms: Option<i64>,
    /// Spark's progress of the batch the query ran; None when Spark ran no batch.
    pub progress: Option<Progress>,
    /// The watermark before the trigger (the one its batch used), ms.
    pub watermark_before_ms: Option<i64>,
    /// The watermark after the trigger (the one the next batch will use), ms.
    pub watermark_after_ms: Option<i64>,
    /// The state store before the trigger (evicted and updated rows marked).
    pub state_before: ViewTable,
    /// The state store after the trigger (added and updated rows marked).
    pub state_after: ViewTable,
    /// The trigger's changes to the store.
    pub changes: Changes,
    /// The rows the sink received.
    pub sink: ViewTable,
    /// What each output mode printed at this trigger, for a streaming aggregation written to
    /// the console (None otherwise, or when the query did not run).
    pub output_modes: Option<OutputModes>,
}

/// What one trigger did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TriggerView {
    /// The lines the trigger read.
    pub input_lines: usize,
    /// The distinct event times (arrival, ms) of those lines, ascending, the first
    /// [`VIEW_EVENT_TIMES`].
    pub event_times_ms: Vec<i64>,
    /// Each started query's part, in start order.
    pub queries: Vec<QueryTrigger>,
}

/// A query as it was before the trigger.
struct QueryBefore {
    batch_id: Option<u64>,
    watermark_ms: Option<i64>,
    state: Vec<Row>,
}

/// The job's queries and lines before a trigger runs.
pub(crate) struct Before {
    queries: Vec<QueryBefore>,
    input_lines: usize,
    event_times_ms: Vec<i64>,
}

impl Before {
    /// Takes the queries' state before the trigger runs.
    pub(crate) fn take(state: &JobState) -> Before {
        let queries = state
            .structured
            .borrow()
            .iter()
            .map(|q| QueryBefore {
                batch_id: q.query.last_batch().map(|b| b.progress.batch_id),
                watermark_ms: q.query.next_watermark_ms(),
                state: q.query.state_rows(),
            })
            .collect();
        let lines = state.lines.borrow();
        let mut event_times_ms: Vec<i64> = lines
            .iter()
            .map(|(_, time)| time.div_euclid(1000))
            .collect();
        // Lines arrive in runs sharing a time: dropping the runs first keeps a 100 000-line trigger's sort short.
        event_times_ms.dedup();
        event_times_ms.sort_unstable();
        event_times_ms.dedup();
        event_times_ms.truncate(VIEW_EVENT_TIMES);
        Before {
            queries,
            input_lines: lines.len(),
            event_times_ms,
        }
    }

    /// The view of the trigger that ran since [`Before::take`].
    pub(crate) fn view(self, state: &JobState) -> TriggerView {
        let queries = state.structured.borrow();
        let views = queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let before = self.queries.get(i);
                let modes = q.shadows.as_ref().and_then(|s| s.last()).cloned();
                query_view(i, &q.query, q.foreach.is_some(), before, modes)
            })
            .collect();
        TriggerView {
            input_lines: self.input_lines,
            event_times_ms: self.event_times_ms,
            queries: views,
        }
    }
}

fn query_view(
    index: usize,
    query: &StreamingQuery,
    foreach_batch: bool,
    before: Option<&QueryBefore>,
    output_modes: Option<OutputModes>,
) -> QueryTrigger {
    let plan = query.query();
    let key_len = plan.group_by.as_ref().map_or(0, |a| a.keys.len());
    let last = query.last_batch();
    let ran = last.filter(|b| Some(b.progress.batch_id) != before.and_then(|q| q.batch_id));
    let before_state: &[Row] = before.map_or(&[], |q| &q.state);
    let after_state = query.state_rows();
    let key = |row: &Row| format!("{:?}", &row[..key_len.min(row.len())]);
    let after_by_key: HashMap<String, &Row> = after_state.iter().map(|r| (key(r), r)).collect();
    let before_by_key: HashMap<String, &Row> = before_state.iter().map(|r| (key(r), r)).collect();
    let mut changes = Changes::default();
    let before_changes: Vec<RowChange> = before_state
        .iter()
        .map(|r| match after_by_key.get(&key(r)) {
            None => RowChange::Evicted,
            Some(after) if *after != r => RowChange::Updated,
            Some(_) => RowChange::Kept,
        })
        .collect();
    changes.evicted = before_changes
        .iter()
        .filter(|c| **c == RowChange::Evicted)
        .count();
    let after_changes: Vec<RowChange> = after_state
        .iter()
        .map(|r| match before_by_key.get(&key(r)) {
            None => RowChange::Added,
            Some(b) if *b != r => RowChange::Updated,
            Some(_) => RowChange::Kept,
        })
        .collect();
    changes.added = after_changes
        .iter()
        .filter(|c| **c == RowChange::Added)
        .count();
    changes.updated = after_changes
        .iter()
        .filter(|c| **c == RowChange::Updated)
        .count();
    let sink = match ran {
        Some(b) => table(
            b.rows.iter().map(|r| (r, RowChange::Kept)),
            b.total_rows.saturating_sub(b.rows.len()),
        ),
        None => ViewTable::default(),
    };
    QueryTrigger {
        query: index,
        mode: plan.mode.name(),
        foreach_batch,
        stateful: plan.is_stateful(),
        columns: query.schema().iter().map(|f| f.name.clone()).collect(),
        window_ms: plan
            .event_time_window()
            .map(|w| (w.duration / 1000, w.slide / 1000)),
        watermark_delay_ms: plan.watermark().map(|(_, delay)| delay / 1000),
        progress: ran.map(|b| b.progress.clone()),
        watermark_before_ms: before.and_then(|q| q.watermark_ms),
        watermark_after_ms: query.next_watermark_ms(),
        state_before: table(before_state.iter().zip(before_changes), 0),
        state_after: table(after_state.iter().zip(after_changes), 0),
        changes,
        sink,
        output_modes,
    }
}

/// The first [`VIEW_ROWS`] of `rows`, the others counted with `more` rows not given.
fn table<'a>(rows: impl Iterator<Item = (&'a Row, RowChange)>, more: usize) -> ViewTable {
    let mut kept = Vec::new();
    let mut hidden = more;
    for (row, change) in rows {
        if kept.len() == VIEW_ROWS {
            hidden += 1;
            continue;
        }
        kept.push(ViewRow {
            cells: row.iter().map(cell_text).collect(),
            window_ms: row.iter().find_map(window_of),
            change,
        });
    }
    ViewTable { rows: kept, hidden }
}

/// A `window` struct's (start, end) in ms.
pub(crate) fn window_of(value: &Value) -> Option<(i64, i64)> {
    match value {
        Value::Struct(fields) => match fields.as_slice() {
            [Value::Timestamp(start), Value::Timestamp(end)] => {
                Some((start.div_euclid(1000), end.div_euclid(1000)))
            }
            _ => None,
        },
        _ => None,
    }
}
