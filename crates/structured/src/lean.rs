//! A trigger of a query that reads its lines' text only to classify it: the notebook's
//! `withColumn("type", when(col("value").contains("[info]"), "info")...otherwise("unknown"))`
//! then `groupBy(...).count()`. Each line's class is found on the text where it lies in the
//! trigger's [`Lines`], and the line's row holds NULL in place of the text (nothing after the
//! classifying steps reads it), so no line's text is copied into a value of its own.
//!
//! The rows that reach the aggregation differ from the general path's only in that column,
//! which neither the grouping keys nor the aggregates read: the groups, their order and their
//! counts are the general path's ([`StreamingQuery::evaluate_trigger`] on a query this
//! refuses is the general path; the tests compare both on the same lines).
//!
//! A stateless query of such steps whose sink is `foreachBatch` hands its function the batch
//! as [`LeanRows`]: the lines and the classes, a row made only when the function reads it, and
//! counted without its text when the function groups by the classes (the notebook's
//! `df.groupBy("type").count().show()`). The steps ask the caller nothing (a UDF's class is
//! one its [`crate::plan::UdfChain`] knows), so making the rows later changes nothing.
//!
//! [`StreamingQuery::evaluate_trigger`]: crate::micro_batch::StreamingQuery::evaluate_trigger

use crate::aggregate::{Aggregation, Group, Partial};
use crate::bound::{BoundStep, TextClasses};
use crate::lines::Lines;
use std::convert::Infallible;

use crate::plan::{Call, GroupKey, Request};
use crate::value::{Row, Schema, Value};

/// The source's text column: the first of its row.
const TEXT: usize = 0;

/// One step of a lean query.
enum LeanStep<'s, 'e> {
    /// A column (its place; None: added at the end) set to the class of the line's text.
    Classify(Option<usize>, TextClasses<'s, 'e>),
    /// `withWatermark` on a column that is not the text.
    Watermark(&'s BoundStep<'e>),
}

/// A query's bound steps when the lean path covers them (see the module's doc).
pub(crate) struct Lean<'s, 'e> {
    steps: Vec<LeanStep<'s, 'e>>,
}

impl<'s, 'e> Lean<'s, 'e> {
    /// The lean form of `steps` (bound): None when a step may read the text column other than
    /// to classify it, or may ask the caller anything.
    pub(crate) fn of(steps: &'s [BoundStep<'e>]) -> Option<Lean<'s, 'e>> {
        let lean = steps
            .iter()
            .map(|step| match step {
                BoundStep::WithColumn(place, e) if *place != Some(TEXT) => {
                    let classes = e.text_classes()?;
                    (classes.column == TEXT).then_some(LeanStep::Classify(*place, classes))
                }
                BoundStep::Watermark(column) if *column != Some(TEXT) => {
                    Some(LeanStep::Watermark(step))
                }
                _ => None,
            })
            .collect::<Option<_>>()?;
        Some(Lean { steps: lean })
    }

    /// `lines` through the steps into `partial`, one row's room for them all: the latest event
    /// time (ms) a watermark step sees raises `max_event_ms`. `include_timestamp`: the
    /// source's rows have the `timestamp` column.
    pub(crate) fn aggregate<E>(
        &self,
        lines: &Lines,
        include_timestamp: bool,
        partial: &mut Partial,
        max_event_ms: &mut Option<i64>,
        call: Call<E>,
    ) -> Result<(), E> {
        let mut row: Row = Vec::new();
        for (text, timestamp) in lines.iter() {
            source_row(&mut row, None, timestamp, include_timestamp);
            for step in &self.steps {
                match step {
                    LeanStep::Classify(place, classes) => {
                        set(&mut row, *place, classes.of_text(text).clone());
                    }
                    LeanStep::Watermark(step) => step.note_event_time(&row, max_event_ms),
                }
            }
            partial.add(&row, call)?;
        }
        Ok(())
    }

    /// The rows of `lines` through the steps, kept as the lines and the values the steps
    /// computed (see [`LeanRows`]); the latest event time (ms) a watermark step sees raises
    /// `max_event_ms`.
    pub(crate) fn rows(
        &self,
        lines: &Lines,
        include_timestamp: bool,
        max_event_ms: &mut Option<i64>,
    ) -> LeanRows {
        let places: Vec<Option<usize>> = (self.steps.iter())
            .filter_map(|step| match step {
                LeanStep::Classify(place, _) => Some(*place),
                LeanStep::Watermark(_) => None,
            })
            .collect();
        let mut values = Vec::with_capacity(places.len() * lines.len());
        let mut row: Row = Vec::new();
        for (text, timestamp) in lines.iter() {
            source_row(&mut row, None, timestamp, include_timestamp);
            for step in &self.steps {
                match step {
                    LeanStep::Classify(place, classes) => {
                        let value = classes.of_text(text);
                        values.push(value.clone());
                        set(&mut row, *place, value.clone());
                    }
                    LeanStep::Watermark(step) => step.note_event_time(&row, max_event_ms),
                }
            }
        }
        LeanRows {
            lines: lines.clone(),
            include_timestamp,
            places,
            values,
        }
    }
}

/// Whether `aggregation` over `input` (the rows after the steps) leaves the text column
/// unread: no key is it, every aggregate counts rows (an aggregate's input could read it).
pub(crate) fn counts_without_text(aggregation: &Aggregation, input: &Schema) -> bool {
    let reads_text = |name: &String| input.iter().position(|f| f.name == *name) == Some(TEXT);
    let key_reads_text = aggregation.keys.iter().any(|key| match key {
        GroupKey::Column(name) | GroupKey::Window(name, _) => reads_text(name),
    });
    !key_reads_text && aggregation.aggregates.iter().all(|a| a.input.is_none())
}

/// `row` emptied, then the source's row of a line: its text (NULL for None), and its time
/// when the source has the `timestamp` column.
#[inline]
fn source_row(row: &mut Row, text: Option<&str>, timestamp: i64, include_timestamp: bool) {
    row.clear();
    row.push(text.map_or(Value::Null, |t| Value::String(t.into())));
    if include_timestamp {
        row.push(Value::Timestamp(timestamp));
    }
}

/// A `withColumn`'s value put in its place (None: added at the end).
#[inline]
fn set(row: &mut Row, place: Option<usize>, value: Value) {
    match place {
        Some(i) => row[i] = value,
        None => row.push(value),
    }
}

/// The rows a lean stateless query's batch hands its sink: the lines, and for each line the
/// values its classifying steps gave, in step order. A row is made only when read; grouped
/// by keys that leave the text unread, the rows are counted without their text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LeanRows {
    lines: Lines,
    include_timestamp: bool,
    /// Each classifying step's place (None: added at the end).
    places: Vec<Option<usize>>,
    /// `places.len()` values per line.
    values: Vec<Value>,
}

impl LeanRows {
    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The first `limit` rows one by one in `row` (its text NULL unless `with_text`), in
    /// order, handed to `each`.
    fn each_row<E>(
        &self,
        with_text: bool,
        limit: usize,
        mut each: impl FnMut(&mut Row) -> Result<(), E>,
    ) -> Result<(), E> {
        let k = self.places.len();
        let mut row: Row = Vec::new();
        for (i, (text, timestamp)) in self.lines.iter().enumerate().take(limit) {
            let text = with_text.then_some(text);
            source_row(&mut row, text, timestamp, self.include_timestamp);
            for (place, value) in self.places.iter().zip(&self.values[i * k..(i + 1) * k]) {
                set(&mut row, *place, value.clone());
            }
            each(&mut row)?;
        }
        Ok(())
    }

    /// The first `n` rows, made.
    pub fn first_rows(&self, n: usize) -> Vec<Row> {
        let mut rows = Vec::with_capacity(n.min(self.len()));
        let made: Result<(), Infallible> = self.each_row(true, n, |row| {
            rows.push(std::mem::take(row));
            Ok(())
        });
        match made {
            Ok(()) => rows,
        }
    }

    /// The rows grouped by `aggregation` over `schema` (their schema), as
    /// [`Aggregation::group`] groups them, when it leaves the text unread (else None).
    pub fn group(&self, aggregation: &Aggregation, schema: &Schema) -> Option<Vec<Group>> {
        if !counts_without_text(aggregation, schema) {
            return None;
        }
        let mut partial = Partial::new(aggregation, schema);
        // Rows only counted: nothing to ask.
        let mut never = |_: Request<'_>| -> Result<Value, ()> { Err(()) };
        let added = self.each_row(false, self.len(), |row| partial.add(row, &mut never));
        added.ok().map(|()| partial.finish())
    }
}
