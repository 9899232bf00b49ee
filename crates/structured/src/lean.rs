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
//! [`StreamingQuery::evaluate_trigger`]: crate::micro_batch::StreamingQuery::evaluate_trigger

use crate::aggregate::{Aggregation, Partial};
use crate::bound::{BoundStep, TextClasses};
use crate::lines::Lines;
use crate::plan::{Call, GroupKey};
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
    /// The lean form of `steps` (bound over `schemas`, the schema before each step, then the
    /// aggregation's input), aggregated by `aggregation`; None when a step, a key or an
    /// aggregate may read the text column, or the query does not aggregate.
    pub(crate) fn of(
        steps: &'s [BoundStep<'e>],
        schemas: &[Schema],
        aggregation: Option<&Aggregation>,
    ) -> Option<Lean<'s, 'e>> {
        let aggregation = aggregation?;
        // Only `count(*)`: an aggregate's input could read the text.
        if aggregation.aggregates.iter().any(|a| a.input.is_some()) {
            return None;
        }
        let input = schemas.last()?;
        let reads_text = |name: &String| input.iter().position(|f| f.name == *name) == Some(TEXT);
        let key_reads_text = aggregation.keys.iter().any(|key| match key {
            GroupKey::Column(name) | GroupKey::Window(name, _) => reads_text(name),
        });
        if key_reads_text {
            return None;
        }
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
            row.clear();
            row.push(Value::Null);
            if include_timestamp {
                row.push(Value::Timestamp(timestamp));
            }
            for step in &self.steps {
                match step {
                    LeanStep::Classify(place, classes) => {
                        let value = classes.of_text(text);
                        match place {
                            Some(i) => row[*i] = value.clone(),
                            None => row.push(value.clone()),
                        }
                    }
                    LeanStep::Watermark(step) => step.note_event_time(&row, max_event_ms),
                }
            }
            partial.add(&row, call)?;
        }
        Ok(())
    }
}
