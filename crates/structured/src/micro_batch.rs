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

use crate::aggregate::{Aggregation, Group, Partial};
use crate::bound::BoundStep;
use crate::hash::partition_of;
use crate::lean::{counts_without_text, Lean, LeanRows};
use crate::lines::Lines;
use crate::plan::Call;
use crate::query::{AnalysisError, OutputMode, Query, Sink};
use crate::show::show_string;
use crate::sink_rows::SinkRows;
use crate::state_store::StateMap;
use crate::value::{Row, Schema, Value};

/// Spark's default `spark.sql.shuffle.partitions`.
pub const SHUFFLE_PARTITIONS: u32 = 200;

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
    pub rows: SinkRows,
}

/// Rows of the last batch's sink [`StreamingQuery::last_batch`] keeps (the rest are counted).
pub const KEPT_SINK_ROWS: usize = 50;

/// The last batch a query ran, kept for the lab's views: its progress and the first
/// [`KEPT_SINK_ROWS`] rows its sink received.
#[derive(Clone, Debug, PartialEq)]
pub struct LastBatch {
    /// The batch's figures.
    pub progress: Progress,
    /// The sink's first rows, in Spark's order.
    pub rows: Vec<Row>,
    /// How many rows the sink received in all.
    pub total_rows: usize,
}

/// A trigger's lines after the query's steps (see [`StreamingQuery::evaluate_trigger`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// `numInputRows`: the lines of the trigger.
    input_rows: usize,
    output: Evaluation,
    /// The latest event time (ms) a watermark step saw.
    max_event_ms: Option<i64>,
}

/// The rows of a stateless query (lean: see [`crate::lean`]), or the keys of an aggregation
/// with their partial buffers.
#[derive(Clone, Debug, PartialEq)]
enum Evaluation {
    Rows(Vec<Row>),
    Lean(LeanRows),
    Groups(Vec<Group>),
}

/// A started query: its state between triggers.
#[derive(Clone, Debug)]
pub struct StreamingQuery {
    query: Query,
    /// The schema before each step, then the aggregation's input schema.
    schemas: Vec<Schema>,
    schema: Schema,
    /// The most columns a row has between the source and the aggregation.
    widest: usize,
    next_batch_id: u64,
    /// Each shuffle partition's state store (grouping key -> count), in Java's map order.
    partitions: Vec<StateMap>,
    /// The watermark the last batch used (ms): the next batch judges late rows by it and runs
    /// a no-data batch when `watermark_ms` moved past it.
    last_used_watermark_ms: Option<i64>,
    /// The watermark the next batch will use (ms).
    watermark_ms: i64,
    max_event_time_ms: Option<i64>,
    last_batch: Option<LastBatch>,
}

impl StreamingQuery {
    /// `writeStream.start()`: the analysis, then a query ready for its first trigger.
    pub fn start(query: Query) -> Result<StreamingQuery, AnalysisError> {
        query.analyse()?;
        let schemas = query.schemas()?;
        Ok(StreamingQuery {
            widest: schemas.iter().map(Vec::len).max().unwrap_or(1),
            schemas,
            schema: query.result_schema()?,
            query,
            next_batch_id: 0,
            partitions: Vec::new(),
            last_used_watermark_ms: None,
            watermark_ms: 0,
            max_event_time_ms: None,
            last_batch: None,
        })
    }

    /// The query this runs.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// The schema of the rows the sink receives.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The source's row of a line (its text and time), in `row` (emptied; a row done with, to
    /// reuse its room), with room for the widest row of the steps.
    fn source_row(&self, (text, timestamp): (&str, i64), mut row: Row) -> Row {
        row.clear();
        if row.capacity() < self.widest {
            row = Vec::with_capacity(self.widest);
        }
        row.push(Value::String(text.into()));
        if self.query.source.include_timestamp {
            row.push(Value::Timestamp(timestamp));
        }
        row
    }

    /// `rows` through the query's steps, step by step (`call` runs their UDFs), `spare` the
    /// room for each step's output; the latest event time (ms) a watermark step sees raises
    /// `max_event_ms`.
    fn through_steps<E>(
        &self,
        steps: &[BoundStep],
        rows: &mut Vec<Row>,
        spare: &mut Vec<Row>,
        max_event_ms: &mut Option<i64>,
        call: Call<E>,
    ) -> Result<(), E> {
        for (step, schema) in steps.iter().zip(&self.schemas) {
            for row in rows.iter() {
                step.note_event_time(row, max_event_ms);
            }
            spare.clear();
            spare.reserve(rows.len());
            for row in rows.drain(..) {
                step.apply(schema, row, call, spare)?;
            }
            std::mem::swap(rows, spare);
        }
        Ok(())
    }

    /// One line's row through the query's steps, in place (every step
    /// [`BoundStep::one_to_one`]): whether it came out of them; `spare` is room for the
    /// steps' use, the latest event time (ms) a watermark step sees raises `max_event_ms`.
    fn through_steps_in_place<E>(
        &self,
        steps: &[BoundStep],
        row: &mut Row,
        spare: &mut Row,
        max_event_ms: &mut Option<i64>,
        call: Call<E>,
    ) -> Result<bool, E> {
        for (step, schema) in steps.iter().zip(&self.schemas) {
            step.note_event_time(row, max_event_ms);
            if !step.keeps(schema, row, spare, call)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether a trigger may take its lines through the steps (and into the aggregation) one
    /// line at a time instead of one step at a time over all of them: the same result, and
    /// the same requests to the caller in the same order, when at most one stage (a step, or
    /// the aggregates) asks the caller anything. Only when every step makes at most one row
    /// of a row (no `explode`): a line's row then goes through the steps in place.
    fn line_by_line(&self, steps: &[BoundStep]) -> bool {
        let calling = self.query.steps.iter().filter(|s| s.may_call()).count();
        let aggregates = self
            .query
            .group_by
            .as_ref()
            .is_some_and(Aggregation::may_call);
        calling + usize::from(aggregates) <= 1 && steps.iter().all(BoundStep::one_to_one)
    }

    /// One trigger with the lines that arrived since the last one: the batch Spark runs, or
    /// None when it runs none; `call` runs the query's UDFs, and its error fails the batch
    /// (the query's state stays as the last batch left it).
    pub fn trigger<E>(&mut self, lines: &Lines, call: Call<E>) -> Result<Option<Batch>, E> {
        if lines.is_empty() && !self.needs_no_data_batch() {
            return Ok(None);
        }
        let evaluated = self.evaluate_trigger(lines, call)?;
        Ok(self.run_evaluated(evaluated))
    }

    /// The part of a trigger that does not depend on the query's state or output mode: the
    /// lines through the steps, grouped by key when the query aggregates. Everything that can
    /// fail (UDFs, Spark's run-time errors) runs here, so queries of the same plan in other
    /// modes can share it (see [`StreamingQuery::run_evaluated`]).
    /// A query that reads the lines' text only to classify it takes the lean path
    /// ([`crate::lean`]): the same result without a copy of any line's text.
    pub fn evaluate_trigger<E>(&self, lines: &Lines, call: Call<E>) -> Result<Evaluated, E> {
        let steps = self.bound_steps();
        if let Some(lean) = self.lean(&steps) {
            return self.evaluate_lean(&lean, lines, call);
        }
        self.evaluate_lines(lines, call, &steps, self.line_by_line(&steps))
    }

    /// The lean form of the query's bound `steps`, if it has one: an aggregation that leaves
    /// the text unread, or no aggregation and a `foreachBatch` sink (a console sink prints
    /// every row it receives: there is nothing to save).
    fn lean<'s, 'e>(&self, steps: &'s [BoundStep<'e>]) -> Option<Lean<'s, 'e>> {
        let input = self.schemas.last()?;
        let covered = match &self.query.group_by {
            Some(aggregation) => counts_without_text(aggregation, input),
            None => self.query.sink == Sink::ForeachBatch,
        };
        covered.then(|| Lean::of(steps, self.query.source.include_timestamp))?
    }

    /// [`StreamingQuery::evaluate_trigger`] by the lean path.
    fn evaluate_lean<E>(&self, lean: &Lean, lines: &Lines, call: Call<E>) -> Result<Evaluated, E> {
        let input = self.schemas.last().expect("the source's schema");
        let mut latest_ms = None;
        let output = match &self.query.group_by {
            Some(aggregation) => {
                let mut partial = Partial::new(aggregation, input);
                lean.aggregate(lines, &mut partial, &mut latest_ms, call)?;
                Evaluation::Groups(partial.finish())
            }
            None => Evaluation::Lean(lean.rows(lines, &mut latest_ms)),
        };
        Ok(Evaluated {
            input_rows: lines.len(),
            output,
            max_event_ms: latest_ms,
        })
    }

    /// The query's steps bound to their schemas (once per trigger).
    fn bound_steps(&self) -> Vec<BoundStep<'_>> {
        (self.query.steps.iter().zip(&self.schemas))
            .map(|(step, schema)| BoundStep::of(step, schema))
            .collect()
    }

    /// [`StreamingQuery::evaluate_trigger`] with the bound `steps`, the lines taken one at a
    /// time when `line_by_line` (see [`StreamingQuery::line_by_line`]).
    fn evaluate_lines<E>(
        &self,
        lines: &Lines,
        call: Call<E>,
        steps: &[BoundStep],
        line_by_line: bool,
    ) -> Result<Evaluated, E> {
        let mut latest_ms = None;
        let input_rows = lines.len();
        let input = self.schemas.last().expect("the source's schema");
        let mut partial = (self.query.group_by.as_ref()).map(|a| Partial::new(a, input));
        let mut rows = Vec::with_capacity(if partial.is_some() { 0 } else { input_rows });
        if line_by_line {
            // An aggregation's lines share one row's room, each line's row dropped once
            // aggregated; a stateless query's rows are its output.
            let (mut row, mut spare) = (Vec::new(), Vec::new());
            for line in lines.iter() {
                let reused = match partial {
                    Some(_) => std::mem::take(&mut row),
                    None => Vec::new(),
                };
                row = self.source_row(line, reused);
                if !self.through_steps_in_place(
                    steps,
                    &mut row,
                    &mut spare,
                    &mut latest_ms,
                    call,
                )? {
                    continue;
                }
                match &mut partial {
                    Some(partial) => partial.add(&row, call)?,
                    None => rows.push(std::mem::take(&mut row)),
                }
            }
        } else {
            rows = lines
                .iter()
                .map(|l| self.source_row(l, Vec::new()))
                .collect();
            self.through_steps(steps, &mut rows, &mut Vec::new(), &mut latest_ms, call)?;
            if let Some(partial) = &mut partial {
                for row in &rows {
                    partial.add(row, call)?;
                }
            }
        }
        let output = match partial {
            Some(partial) => Evaluation::Groups(partial.finish()),
            None => Evaluation::Rows(rows),
        };
        Ok(Evaluated {
            input_rows,
            output,
            max_event_ms: latest_ms,
        })
    }

    /// The rest of a trigger on what [`StreamingQuery::evaluate_trigger`] made of its lines (by
    /// this query or one of the same plan): the batch Spark runs, or None when it runs none.
    pub fn run_evaluated(&mut self, evaluated: Evaluated) -> Option<Batch> {
        if evaluated.input_rows == 0 && !self.needs_no_data_batch() {
            return None;
        }
        let Evaluated {
            input_rows,
            output,
            max_event_ms,
        } = evaluated;
        let batch_id = self.next_batch_id;
        self.next_batch_id += 1;
        let watermark_ms = self.watermark_ms;
        let delay = self.query.watermark().map(|(_, delay)| delay);
        let (rows, dropped) = match output {
            Evaluation::Rows(rows) => (SinkRows::from(rows), 0),
            Evaluation::Lean(rows) => (SinkRows::lean(rows), 0),
            Evaluation::Groups(groups) => {
                let late_ms = self.last_used_watermark_ms.unwrap_or(0);
                let (rows, dropped) = self.aggregate(groups, batch_id == 0, late_ms, watermark_ms);
                (SinkRows::from(rows), dropped)
            }
        };
        if let Some(delay) = delay {
            if let Some(ms) = max_event_ms {
                self.max_event_time_ms = Some(self.max_event_time_ms.map_or(ms, |m| m.max(ms)));
            }
            if let Some(max) = self.max_event_time_ms {
                self.watermark_ms = self.watermark_ms.max(max - delay / 1000);
            }
        }
        self.last_used_watermark_ms = delay.map(|_| watermark_ms);
        let progress = Progress {
            batch_id,
            input_rows,
            watermark_ms: delay.map(|_| watermark_ms),
            rows_dropped_by_watermark: dropped,
            state_rows: self
                .query
                .is_stateful()
                .then(|| self.partitions.iter().map(StateMap::len).sum()),
        };
        self.last_batch = Some(LastBatch {
            progress: progress.clone(),
            rows: rows.first_rows(KEPT_SINK_ROWS),
            total_rows: rows.len(),
        });
        Some(Batch { progress, rows })
    }

    /// The last batch this query ran, if it ran one.
    pub fn last_batch(&self) -> Option<&LastBatch> {
        self.last_batch.as_ref()
    }

    /// The watermark the next batch will use (ms), None without `withWatermark`.
    pub fn next_watermark_ms(&self) -> Option<i64> {
        self.query.watermark().map(|_| self.watermark_ms)
    }

    /// The state store's rows (the grouping keys, then the aggregates), shuffle partition by
    /// partition in the store's order; empty for a stateless query.
    pub fn state_rows(&self) -> Vec<Row> {
        let Some(aggregation) = &self.query.group_by else {
            return Vec::new();
        };
        self.partitions
            .iter()
            .flat_map(|m| m.iter().map(|(k, b)| aggregation.row(k, b)))
            .collect()
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
        batch_keys: Vec<Group>,
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
            self.query.watermark().is_some() && self.query.mode != OutputMode::Complete;
        let Some(aggregation) = self.query.group_by.clone() else {
            return (Vec::new(), 0);
        };
        // Every partition's store gets a new version each batch (the first one starts empty).
        let mut maps: Vec<StateMap> = if first_batch {
            vec![StateMap::default(); SHUFFLE_PARTITIONS as usize]
        } else {
            self.partitions.iter().map(StateMap::copy_of).collect()
        };
        let mut dropped = 0;
        let mut updated: Vec<Row> = Vec::new();
        for (key, partial) in batch_keys {
            if watermarked && late(&key) {
                dropped += 1;
                continue;
            }
            let map = &mut maps[partition_of(&key, SHUFFLE_PARTITIONS) as usize];
            let mut buffers = map
                .get(&key)
                .map_or_else(|| aggregation.init(), <[Value]>::to_vec);
            aggregation.merge(&mut buffers, &partial);
            updated.push(aggregation.row(&key, &buffers));
            map.put(key, buffers);
        }
        let key_len = aggregation.keys.len();
        let output: Vec<Row> = match self.query.mode {
            OutputMode::Complete => maps
                .iter()
                .flat_map(|m| m.iter().map(|(k, b)| aggregation.row(k, b)))
                .collect(),
            OutputMode::Update => in_partition_order(updated, key_len),
            OutputMode::Append => maps
                .iter()
                .flat_map(|m| m.iter().filter(|(k, _)| watermarked && closed(k)))
                .map(|(k, b)| aggregation.row(k, b))
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

    /// The text the console sink prints for a batch (its header and table); None for
    /// `foreachBatch`, whose function the caller runs on the batch's rows.
    pub fn sink_text(&self, batch: &Batch) -> Option<String> {
        match self.query.sink {
            Sink::Console { num_rows, truncate } => Some(console_text(
                batch.progress.batch_id,
                &self.schema,
                &batch.rows,
                num_rows,
                truncate,
            )),
            Sink::ForeachBatch => None,
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

fn window_end(key: &[Value]) -> Option<i64> {
    key.iter().find_map(|v| match v {
        Value::Struct(fields) => match fields.as_slice() {
            [_, Value::Timestamp(end)] => Some(*end),
            _ => None,
        },
        _ => None,
    })
}

/// Sorts rows by the shuffle partition of their first `key_len` values; a stable sort keeps the
/// order within a partition.
pub(crate) fn in_partition_order(mut rows: Vec<Row>, key_len: usize) -> Vec<Row> {
    rows.sort_by_cached_key(|row| partition_of(&row[..key_len], SHUFFLE_PARTITIONS));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    use crate::lines::Line;
    use crate::plan::{Expr, GroupKey, Request, Step, Window};
    use crate::query::Source;
    use crate::value::DataType;

    /// Lines like the lab's generator's, from a small linear congruential generator: message
    /// types in random order, times spread over a minute (some out of order).
    fn generated_lines(n: usize) -> Vec<Line> {
        let mut next = crate::grouping::tests::pseudo_random(7);
        (0..n)
            .map(|i| Line {
                timestamp: i as i64 * 600 + next(20_000_000) as i64,
                value: ["[info] up", "[notice] disk", "[error] down", "plain"][next(4) as usize]
                    .into(),
            })
            .collect()
    }

    fn contains(text: &str) -> Expr {
        Expr::Contains(
            Box::new(Expr::Column("value".to_string())),
            Box::new(Expr::Literal(Value::String(text.into()))),
        )
    }

    fn text(s: &str) -> Expr {
        Expr::Literal(Value::String(s.into()))
    }

    /// The notebook's message type as `when(...contains...)`, or as a UDF (`udf`).
    fn message_type(udf: bool) -> Expr {
        if udf {
            return Expr::Udf {
                id: 0,
                name: "get_message_type".to_string(),
                args: vec![Expr::Column("value".to_string())],
                return_type: DataType::String,
                chain: None,
            };
        }
        Expr::When {
            branches: vec![
                (contains("[info]"), text("info")),
                (contains("[notice]"), text("notice")),
                (contains("[error]"), text("error")),
            ],
            otherwise: Some(Box::new(text("unknown"))),
        }
    }

    /// The running counts and the windowed counts (watermarked), with the type as a `when`
    /// chain or a UDF, in `mode`.
    fn queries(mode: OutputMode) -> Vec<Query> {
        let window = GroupKey::Window(
            "timestamp".to_string(),
            Window {
                duration: 20 * MICROS,
                slide: 10 * MICROS,
            },
        );
        let mut out = Vec::new();
        for udf in [false, true] {
            let typed = Step::WithColumn("type".to_string(), message_type(udf));
            out.push(Query {
                source: Source {
                    include_timestamp: false,
                },
                steps: vec![typed.clone()],
                group_by: Some(Aggregation::count(vec![GroupKey::Column(
                    "type".to_string(),
                )])),
                mode,
                sink: Sink::Console {
                    num_rows: 20,
                    truncate: true,
                },
            });
            out.push(Query {
                source: Source {
                    include_timestamp: true,
                },
                steps: vec![
                    typed.clone(),
                    Step::Watermark("timestamp".to_string(), 10 * MICROS),
                ],
                group_by: Some(Aggregation::count(vec![
                    window.clone(),
                    GroupKey::Column("type".to_string()),
                ])),
                mode,
                sink: Sink::Console {
                    num_rows: 20,
                    truncate: false,
                },
            });
            // Rows filtered out and rebuilt by a select: counted, and printed as they are.
            let picked = vec![
                typed.clone(),
                Step::Filter(contains("o")),
                Step::Select(vec![Expr::Column("type".to_string())]),
            ];
            let counted = Aggregation::count(vec![GroupKey::Column("type".to_string())]);
            for group_by in [Some(counted), None] {
                out.push(Query {
                    source: Source {
                        include_timestamp: false,
                    },
                    steps: picked.clone(),
                    group_by,
                    mode,
                    sink: Sink::ForeachBatch,
                });
            }
        }
        out
    }

    const MICROS: i64 = crate::value::MICROS_PER_SECOND;

    /// The UDF's answers, and every request in order.
    fn answering(
        requests: &mut Vec<String>,
    ) -> impl FnMut(Request<'_>) -> Result<Value, String> + '_ {
        move |request| match request {
            Request::Udf(_, args) => {
                requests.push(format!("{args:?}"));
                let Some(Value::String(line)) = args.first() else {
                    return Ok(Value::Null);
                };
                let kind = ["info", "notice", "error"]
                    .into_iter()
                    .find(|k| line.contains(&format!("[{k}]")))
                    .unwrap_or("unknown");
                Ok(Value::String(kind.into()))
            }
            Request::Fail(e) => Err(e.message),
        }
    }

    #[test]
    fn line_by_line_evaluation_equals_step_by_step_for_the_notebook_queries() {
        let mut started = 0;
        for mode in [OutputMode::Complete, OutputMode::Update, OutputMode::Append] {
            for query in queries(mode) {
                let Ok(mut by_line) = StreamingQuery::start(query.clone()) else {
                    continue; // append without a watermark, complete without an aggregation
                };
                started += 1;
                let mut by_step = by_line.clone();
                let steps = by_line.bound_steps();
                assert!(by_line.line_by_line(&steps), "{query:?}");
                drop(steps);
                for (i, lines) in generated_lines(3000).chunks(700).enumerate() {
                    let (mut asked_by_line, mut asked_by_step) = (Vec::new(), Vec::new());
                    let by = |q: &StreamingQuery, asked: &mut Vec<String>, line_by_line| {
                        let steps = q.bound_steps();
                        q.evaluate_lines(
                            &Lines::from(lines),
                            &mut answering(asked),
                            &steps,
                            line_by_line,
                        )
                        .expect("no failure")
                    };
                    let fast = by(&by_line, &mut asked_by_line, true);
                    let general = by(&by_step, &mut asked_by_step, false);
                    assert_eq!(fast, general, "{query:?} trigger {i}");
                    assert_eq!(asked_by_line, asked_by_step);
                    let (a, b) = (by_line.run_evaluated(fast), by_step.run_evaluated(general));
                    assert_eq!(a, b);
                    let batch = a.expect("a batch");
                    assert!(!batch.rows.is_empty() || mode == OutputMode::Append);
                }
            }
        }
        assert_eq!(started, 18);
    }

    #[test]
    fn the_lean_path_gives_what_the_general_path_gives_where_it_applies() {
        let mut lean = 0;
        for mode in [OutputMode::Complete, OutputMode::Update, OutputMode::Append] {
            for query in lean_candidates(mode) {
                let Ok(mut fast) = StreamingQuery::start(query.clone()) else {
                    continue;
                };
                if fast.lean(&fast.bound_steps()).is_none() {
                    continue;
                }
                lean += 1;
                let mut general = fast.clone();
                // Times of their own, then runs of lines sharing a time, the runs' times
                // coming back (as the page pushes lines).
                let mut all = generated_lines(3000);
                let runs = all.iter().enumerate().map(|(i, l)| Line {
                    timestamp: (i as i64 / 40 % 7) * 3 * MICROS + (i as i64 / 1400) * 30 * MICROS,
                    value: l.value.clone(),
                });
                all.extend(runs.collect::<Vec<_>>());
                for lines in all.chunks(700) {
                    let lines = Lines::from(lines);
                    let mut asked = Vec::new();
                    let (by_lean, by_rows) = {
                        let (steps, general_steps) = (fast.bound_steps(), general.bound_steps());
                        let lean_steps = fast.lean(&steps).expect("lean");
                        let mut call = answering(&mut asked);
                        (
                            fast.evaluate_lean(&lean_steps, &lines, &mut call),
                            general.evaluate_lines(&lines, &mut call, &general_steps, true),
                        )
                    };
                    let (by_lean, by_rows) =
                        (by_lean.expect("no error"), by_rows.expect("no error"));
                    if query.group_by.is_some() {
                        assert_eq!(by_lean, by_rows, "{query:?}");
                    }
                    // Neither path asks the caller anything.
                    assert!(asked.is_empty());
                    // The batches after them, the query's state carried on.
                    let (a, b) = (fast.run_evaluated(by_lean), general.run_evaluated(by_rows));
                    let (a, b) = (a.expect("a batch"), b.expect("a batch"));
                    assert_eq!(a.rows.len(), b.rows.len());
                    assert_eq!(a.rows.first_rows(5), b.rows.first_rows(5));
                    if query.group_by.is_none() {
                        // Grouped by the class without the rows: the groups of the rows.
                        let input = fast.schemas.last().expect("a schema");
                        let by_type =
                            Aggregation::count(vec![GroupKey::Column("type".to_string())]);
                        let grouped = a.rows.group(&by_type, input).expect("lean groups");
                        let general = by_type.group(input, &b.rows, &mut answering(&mut asked));
                        assert_eq!(Ok(grouped), general);
                    }
                    assert_eq!(a, b);
                }
            }
        }
        // The running and the windowed counts and the foreachBatch rows, the type a `when`
        // chain or a UDF's known chain, in every mode they start in.
        assert_eq!(lean, 14);
    }

    /// [`queries`], then the same with the UDF's chain known, and the rows typed for
    /// `foreachBatch` without a filter (with either column).
    fn lean_candidates(mode: OutputMode) -> Vec<Query> {
        let mut all = queries(mode);
        let known: Vec<Query> = (all.iter().cloned())
            .filter_map(|mut q| {
                let Step::WithColumn(_, Expr::Udf { chain, .. }) = &mut q.steps[0] else {
                    return None;
                };
                let text = |s: &str| Some(Value::String(s.into()));
                *chain = Some(Rc::new(crate::plan::UdfChain {
                    texts: vec!["[info]".into(), "[notice]".into(), "[error]".into()],
                    results: vec![text("info"), text("notice"), text("error")],
                    otherwise: text("unknown"),
                }));
                Some(q)
            })
            .collect();
        let typed = [all[0].clone(), known[0].clone()];
        all.extend(known);
        for mut rows in typed {
            rows.steps.truncate(1);
            rows.group_by = None;
            rows.sink = Sink::ForeachBatch;
            all.push(rows);
        }
        all
    }

    #[test]
    fn the_lean_path_refuses_a_query_that_reads_the_text_elsewhere() {
        let running = queries(OutputMode::Update).remove(0);
        let value = || Expr::Column("value".to_string());
        let count_of =
            |input| crate::aggregate::Aggregate::new(crate::aggregate::AggFn::Count, Some(input));
        let mut variants = Vec::new();
        // The text as a key, in an aggregate, replaced by the class, or read by another step.
        let mut q = running.clone();
        q.group_by = Some(Aggregation::count(vec![GroupKey::Column(
            "value".to_string(),
        )]));
        variants.push(q);
        let mut q = running.clone();
        q.group_by
            .as_mut()
            .unwrap()
            .aggregates
            .push(count_of(value()));
        variants.push(q);
        let mut q = running.clone();
        q.steps[0] = Step::WithColumn("value".to_string(), message_type(false));
        q.group_by = Some(Aggregation::count(vec![GroupKey::Column(
            "value".to_string(),
        )]));
        variants.push(q);
        let mut q = running.clone();
        q.steps.push(Step::WithColumn("copy".to_string(), value()));
        variants.push(q);
        let mut q = running.clone();
        q.steps.push(Step::Filter(contains("[")));
        variants.push(q);
        // The class by a UDF, or a branch whose value is not a literal.
        let mut q = running.clone();
        q.steps[0] = Step::WithColumn("type".to_string(), message_type(true));
        variants.push(q);
        let mut q = running.clone();
        if let Step::WithColumn(_, Expr::When { branches, .. }) = &mut q.steps[0] {
            branches[1].1 = value();
        }
        variants.push(q);
        for query in variants {
            let started = StreamingQuery::start(query.clone()).expect("starts");
            assert!(started.lean(&started.bound_steps()).is_none(), "{query:?}");
        }
        let started = StreamingQuery::start(running).expect("starts");
        assert!(started.lean(&started.bound_steps()).is_some());
    }

    #[test]
    fn two_stages_that_call_the_caller_go_step_by_step() {
        let mut query = queries(OutputMode::Update).remove(1);
        query
            .steps
            .push(Step::WithColumn("again".to_string(), message_type(true)));
        query.steps[0] = Step::WithColumn("type".to_string(), message_type(true));
        let started = StreamingQuery::start(query).expect("starts");
        assert!(!started.line_by_line(&started.bound_steps()));
    }

    #[test]
    fn a_step_that_explodes_goes_step_by_step() {
        let mut query = queries(OutputMode::Update).remove(0);
        let words = Expr::Split(Box::new(Expr::Column("value".to_string())), " ".to_string());
        let exploded = Expr::Explode(Box::new(words));
        query
            .steps
            .push(Step::WithColumn("word".to_string(), exploded));
        let started = StreamingQuery::start(query).expect("starts");
        assert!(!started.line_by_line(&started.bound_steps()));
    }
}
