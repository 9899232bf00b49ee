//! Spark's micro-batch execution of a [`Query`], trigger by trigger.
//!
//! Rules reproduced (each checked by the goldens of tests/pyspark/structured_oracle.py):
//!
//! * **Batch ids** count the batches Spark runs, from 0: a trigger with new lines runs a batch;
//!   a trigger without new lines runs nothing, except the *no-data batch* of a stateful query
//!   in append or update mode whose watermark moved past the one its last batch used (it runs
//!   to emit or evict the windows the new watermark closed).
//! * **Watermark**: each batch uses the watermark computed at the end of the batches before it:
//!   the largest event time seen (late rows included), minus the delay, in milliseconds, never
//!   going back; 0 (the epoch) until then.
//! * **Late rows** are judged by the watermark of the *previous* batch (Spark 3.4+'s
//!   `eventTimeWatermarkForLateEvents`; eviction and append's output use the batch's own,
//!   `eventTimeWatermarkForEviction`): a window ending at or before it is dropped, so a row
//!   may still land in a window that the same batch then closes and emits. Spark counts the
//!   dropped *grouped* rows (one per window and type and batch, not per line) as
//!   `numRowsDroppedByWatermark`.
//! * **Output modes**: complete emits the whole state and neither drops late rows nor evicts;
//!   update emits the keys this batch changed, then evicts closed windows; append emits (and
//!   evicts) the windows closed by the batch's watermark.
//! * **Row order**: rows go to the sink partition by partition, the partition of a key being
//!   `pmod(Murmur3Hash(keys, 42), 200)` (`spark.sql.shuffle.partitions`). Within a partition,
//!   update mode (and foreachBatch's batch count) keeps the order in which the batch first saw
//!   the keys (Spark's aggregation hash maps iterate in insertion order); complete and append
//!   print the state store's order (see [`crate::state_store`]). Plain lines keep their input
//!   order.

use std::collections::HashMap;

use crate::hash::partition_of;
use crate::query::{AnalysisError, Job, OutputMode, Query, Sink};
use crate::show::show_string;
use crate::state_store::StateMap;
use crate::value::{Row, Schema, Value};

/// Spark's default `spark.sql.shuffle.partitions`.
pub const SHUFFLE_PARTITIONS: u32 = 200;

/// One line as the socket source gives it with `includeTimestamp`: its text and the time it
/// arrived (microseconds since the epoch), the event time of the windowed job.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The `timestamp` column.
    pub timestamp: i64,
    /// The `value` column.
    pub value: String,
}

/// What Spark reports for a batch (`StreamingQueryProgress`).
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// `batchId`.
    pub batch_id: u64,
    /// `numInputRows`.
    pub input_rows: usize,
    /// `eventTime.watermark` in milliseconds: the watermark this batch used (None without one).
    pub watermark_ms: Option<i64>,
    /// `stateOperators[0].numRowsDroppedByWatermark`.
    pub rows_dropped_by_watermark: u64,
    /// `stateOperators[0].numRowsTotal` after the batch (None for a stateless query).
    pub state_rows: Option<usize>,
}

/// One micro-batch: its progress and the rows its sink received.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// The batch's figures.
    pub progress: Progress,
    /// The rows the sink received, in Spark's order.
    pub rows: Vec<Row>,
}

/// What a query printed and reported over a whole input (see [`StreamingQuery::run`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Everything the sink printed, batch after batch.
    pub text: String,
    /// One entry per batch Spark ran.
    pub progress: Vec<Progress>,
}

/// A started query: its state between triggers.
#[derive(Clone, Debug)]
pub struct StreamingQuery {
    query: Query,
    schema: Schema,
    next_batch_id: u64,
    /// Each shuffle partition's state store (grouping key -> count), in Java's map order.
    partitions: Vec<StateMap>,
    /// The watermark the last batch used (ms): the next batch judges late rows by it and runs
    /// a no-data batch when `watermark_ms` moved past it.
    last_used_watermark_ms: Option<i64>,
    /// The watermark the next batch will use (ms).
    watermark_ms: i64,
    max_event_time_ms: Option<i64>,
}

/// A hashable form of a grouping key (the subset's keys are strings and windows).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct StateKey(String, i64, i64);

fn state_key(key: &[Value]) -> StateKey {
    let mut k = StateKey(String::new(), i64::MIN, i64::MIN);
    for v in key {
        match v {
            Value::String(s) => k.0 = s.clone(),
            Value::Struct(fields) => {
                if let [Value::Timestamp(a), Value::Timestamp(b)] = fields.as_slice() {
                    k.1 = *a;
                    k.2 = *b;
                }
            }
            _ => {}
        }
    }
    k
}

impl StreamingQuery {
    /// `writeStream.start()`: the analysis, then a query ready for its first trigger.
    pub fn start(query: Query) -> Result<StreamingQuery, AnalysisError> {
        query.analyse()?;
        Ok(StreamingQuery {
            schema: query.result_schema(),
            query,
            next_batch_id: 0,
            partitions: Vec::new(),
            last_used_watermark_ms: None,
            watermark_ms: 0,
            max_event_time_ms: None,
        })
    }

    /// Starts `query` and feeds it `triggers` (the lines that arrived before each trigger), as
    /// `replay` and the goldens do: the sink's whole text and the batches' progress.
    pub fn run(query: Query, triggers: &[Vec<Line>]) -> Result<Run, AnalysisError> {
        let mut running = StreamingQuery::start(query)?;
        let mut run = Run {
            text: String::new(),
            progress: Vec::new(),
        };
        for lines in triggers {
            if let Some(batch) = running.trigger(lines) {
                run.text.push_str(&running.sink_text(&batch));
                run.progress.push(batch.progress);
            }
        }
        Ok(run)
    }

    /// The query this runs.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// The schema of the rows the sink receives.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// One trigger with the lines that arrived since the last one: the batch Spark runs, or
    /// None when it runs none.
    pub fn trigger(&mut self, lines: &[Line]) -> Option<Batch> {
        if lines.is_empty() && !self.needs_no_data_batch() {
            return None;
        }
        let batch_id = self.next_batch_id;
        self.next_batch_id += 1;
        let watermark_ms = self.watermark_ms;
        let has_watermark = self.query.watermark_delay.is_some();
        let (rows, dropped) = match self.query.job {
            Job::Lines => (
                lines
                    .iter()
                    .map(|l| vec![Value::String(l.value.clone()), message_type(&l.value)])
                    .collect(),
                0,
            ),
            Job::PerTriggerCounts => (counts_in_order(lines), 0),
            Job::RunningCounts | Job::WindowedCounts(_) => {
                let late_ms = self.last_used_watermark_ms.unwrap_or(0);
                self.aggregate(lines, batch_id == 0, late_ms, watermark_ms)
            }
        };
        if let Some(delay) = self.query.watermark_delay {
            for line in lines {
                let ms = line.timestamp.div_euclid(1000);
                self.max_event_time_ms = Some(self.max_event_time_ms.map_or(ms, |m| m.max(ms)));
            }
            if let Some(max) = self.max_event_time_ms {
                self.watermark_ms = self.watermark_ms.max(max - delay / 1000);
            }
        }
        self.last_used_watermark_ms = has_watermark.then_some(watermark_ms);
        Some(Batch {
            progress: Progress {
                batch_id,
                input_rows: lines.len(),
                watermark_ms: has_watermark.then_some(watermark_ms),
                rows_dropped_by_watermark: dropped,
                state_rows: self
                    .query
                    .is_stateful()
                    .then(|| self.partitions.iter().map(StateMap::len).sum()),
            },
            rows,
        })
    }

    /// Spark's `shouldRunAnotherBatch` of the state store: append/update with a watermark that
    /// moved since the last batch.
    fn needs_no_data_batch(&self) -> bool {
        self.query.is_stateful()
            && self.query.mode != OutputMode::Complete
            && self
                .last_used_watermark_ms
                .is_some_and(|used| self.watermark_ms > used)
    }

    /// The streaming aggregation: late keys dropped, state updated, the mode's output, closed
    /// windows evicted. Returns the sink's rows and the dropped grouped rows.
    fn aggregate(
        &mut self,
        lines: &[Line],
        first_batch: bool,
        late_ms: i64,
        watermark_ms: i64,
    ) -> (Vec<Row>, u64) {
        let ends_by =
            |ms: i64| move |key: &[Value]| window_end(key).is_some_and(|end| end <= ms * 1000);
        let late = ends_by(late_ms);
        let closed = ends_by(watermark_ms);
        // Complete mode keeps every window, late or not: Spark filters late rows and evicts
        // only in append and update.
        let watermarked =
            self.query.watermark_delay.is_some() && self.query.mode != OutputMode::Complete;
        // Grouped input of this batch, in first-seen order.
        let mut batch_keys: Vec<(Vec<Value>, i64)> = Vec::new();
        let mut batch_index: HashMap<StateKey, usize> = HashMap::new();
        for line in lines {
            for key in self.keys_of(line) {
                let sk = state_key(&key);
                match batch_index.get(&sk) {
                    Some(&i) => batch_keys[i].1 += 1,
                    None => {
                        batch_index.insert(sk, batch_keys.len());
                        batch_keys.push((key, 1));
                    }
                }
            }
        }
        // Every partition's store gets a new version each batch (the first one starts empty).
        let mut maps: Vec<StateMap> = if first_batch {
            vec![StateMap::default(); SHUFFLE_PARTITIONS as usize]
        } else {
            self.partitions.iter().map(StateMap::copy_of).collect()
        };
        let mut dropped = 0;
        let mut updated: Vec<Row> = Vec::new();
        for (key, n) in batch_keys {
            if watermarked && late(&key) {
                dropped += 1;
                continue;
            }
            let map = &mut maps[partition_of(&key, SHUFFLE_PARTITIONS) as usize];
            let total = map.get(&key).unwrap_or(0) + n;
            map.put(key.clone(), total);
            updated.push(with_count(&key, total));
        }
        let output: Vec<Row> = match self.query.mode {
            OutputMode::Complete => maps
                .iter()
                .flat_map(|m| m.iter().map(|(k, n)| with_count(k, n)))
                .collect(),
            OutputMode::Update => in_partition_order(updated, self.key_len()),
            OutputMode::Append => maps
                .iter()
                .flat_map(|m| m.iter().filter(|(k, _)| watermarked && closed(k)))
                .map(|(k, n)| with_count(k, n))
                .collect(),
        };
        if watermarked {
            for map in &mut maps {
                let evicted: Vec<Vec<Value>> = map
                    .iter()
                    .filter(|(k, _)| closed(k))
                    .map(|(k, _)| k.to_vec())
                    .collect();
                for key in evicted {
                    map.remove(&key);
                }
            }
        }
        self.partitions = maps;
        (output, dropped)
    }

    fn key_len(&self) -> usize {
        self.schema.len() - 1
    }

    /// The grouping keys one line adds to: its type, and for the windowed job one key per
    /// window containing its timestamp (Spark's order: the latest window first).
    fn keys_of(&self, line: &Line) -> Vec<Vec<Value>> {
        let kind = message_type(&line.value);
        match self.query.job {
            Job::WindowedCounts(w) => windows_of(line.timestamp, w.duration, w.slide)
                .into_iter()
                .map(|(start, end)| {
                    vec![
                        Value::Struct(vec![Value::Timestamp(start), Value::Timestamp(end)]),
                        kind.clone(),
                    ]
                })
                .collect(),
            _ => vec![vec![kind]],
        }
    }

    /// The text the query's sink prints for a batch (the console sink's header and table, or
    /// the foreachBatch function's `show()`).
    pub fn sink_text(&self, batch: &Batch) -> String {
        match self.query.sink {
            Sink::Console { num_rows, truncate } => console_text(
                batch.progress.batch_id,
                &self.schema,
                &batch.rows,
                num_rows,
                truncate,
            ),
            Sink::ForeachBatchShow => show_string(&self.schema, &batch.rows, 20, 20) + "\n",
        }
    }
}

/// What the console sink prints for batch `batch_id`: the `Batch: N` header between dashed
/// lines, then `show(num_rows, truncate)`'s table and a blank line.
pub fn console_text(
    batch_id: u64,
    schema: &Schema,
    rows: &[Row],
    num_rows: usize,
    truncate: bool,
) -> String {
    let dashes = "-------------------------------------------";
    let table = show_string(schema, rows, num_rows, if truncate { 20 } else { 0 });
    format!("{dashes}\nBatch: {batch_id}\n{dashes}\n{table}\n")
}

/// The notebook's `get_message_type`.
pub fn message_type(line: &str) -> Value {
    let kind = if line.contains("[info]") {
        "info"
    } else if line.contains("[notice]") {
        "notice"
    } else if line.contains("[error]") {
        "error"
    } else {
        "unknown"
    };
    Value::String(kind.to_string())
}

/// The windows `window(ts, duration, slide)` puts a timestamp in, as Spark's `TimeWindowing`
/// enumerates them: from the last window starting at or before `ts` backwards.
pub fn windows_of(ts: i64, duration: i64, slide: i64) -> Vec<(i64, i64)> {
    let overlapping = (duration + slide - 1) / slide;
    let last_start = ts - (ts + slide).rem_euclid(slide);
    (0..overlapping)
        .map(|i| last_start - i * slide)
        .map(|start| (start, start + duration))
        .filter(|(start, end)| *start <= ts && ts < *end)
        .collect()
}

fn window_end(key: &[Value]) -> Option<i64> {
    key.iter().find_map(|v| match v {
        Value::Struct(fields) => match fields.as_slice() {
            [_, Value::Timestamp(end)] => Some(*end),
            _ => None,
        },
        _ => None,
    })
}

/// A result row: the grouping key and its count.
fn with_count(key: &[Value], count: i64) -> Row {
    let mut row = key.to_vec();
    row.push(Value::Long(count));
    row
}

/// `groupBy("type").count()` of one batch (foreachBatch's DataFrame), in Spark's order.
fn counts_in_order(lines: &[Line]) -> Vec<Row> {
    let mut counts: Vec<(Value, i64)> = Vec::new();
    for line in lines {
        let kind = message_type(&line.value);
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    let rows = counts
        .into_iter()
        .map(|(k, n)| vec![k, Value::Long(n)])
        .collect();
    in_partition_order(rows, 1)
}

/// Sorts rows by the shuffle partition of their first `key_len` values; a stable sort keeps the
/// order within a partition.
fn in_partition_order(mut rows: Vec<Row>, key_len: usize) -> Vec<Row> {
    rows.sort_by_cached_key(|row| partition_of(&row[..key_len], SHUFFLE_PARTITIONS));
    rows
}
