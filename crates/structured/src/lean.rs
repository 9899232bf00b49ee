//! A trigger of a query that reads its lines' text only to classify it: the notebook's
//! `withColumn("type", when(col("value").contains("[info]"), "info")...otherwise("unknown"))`
//! (or a UDF whose [`crate::plan::UdfChain`] knows every result) then `groupBy(...).count()`.
//! Each line's classes are found on the text where it lies in the trigger's [`Lines`], as one
//! number (its *code*), and no line's text is copied into a value of its own.
//!
//! A line's row past the steps is made of its time and its code alone, but for the text
//! column, which neither the grouping keys nor the aggregates read: lines of one code and time
//! make equal rows, so they add to the same keys. The lines are collapsed into each (code,
//! time) with how many lines have it, in the order first seen, and each pair's row is added
//! that many times: every key is first seen with the pair of the first line that has it, so
//! the keys come in the general path's order, with its counts (the tests compare both paths
//! on the same lines).
//!
//! A stateless query of such steps whose sink is `foreachBatch` hands its function the batch
//! as [`LeanRows`]: the lines and their codes, a row made only when the function reads it, and
//! counted the same way when the function groups by the classes (the notebook's
//! `df.groupBy("type").count().show()`). The steps ask the caller nothing, so making the rows
//! later changes nothing.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use crate::aggregate::{Aggregation, Group, Partial};
use crate::bound::{BoundStep, TextClasses};
use crate::lines::Lines;
use crate::plan::{Call, GroupKey, Request};
use crate::value::{Row, Schema, Value};

/// The source's text column: the first of its row.
const TEXT: usize = 0;

/// The most codes a lean query may have (the product of its steps' classes): the codes of a
/// run of lines of one time are counted in an array this long at most.
const MAX_CODES: usize = 1 << 12;

/// A classifying step's column: its place (None: added at the end) and the value of each class
/// (the arms', then the `otherwise`'s), owned so that a batch's rows outlive the binding.
#[derive(Clone, Debug, PartialEq)]
struct Classified {
    place: Option<usize>,
    values: Vec<Value>,
}

/// How a lean query's row is made of a line's text, time and code.
#[derive(Clone, Debug, PartialEq)]
struct Layout {
    include_timestamp: bool,
    /// The classifying steps, in order; a code's digit for each, the first varying fastest.
    columns: Vec<Classified>,
}

impl Layout {
    /// How many codes there are.
    fn codes(&self) -> usize {
        self.columns.iter().map(|c| c.values.len()).product()
    }

    /// The row of a line in `row`: its text (NULL for None), its time, its classes.
    fn fill(&self, row: &mut Row, text: Option<&str>, timestamp: i64, mut code: usize) {
        row.clear();
        row.push(text.map_or(Value::Null, |t| Value::String(t.into())));
        if self.include_timestamp {
            row.push(Value::Timestamp(timestamp));
        }
        for column in &self.columns {
            let n = column.values.len();
            let value = column.values[code % n].clone();
            code /= n;
            match column.place {
                Some(i) => row[i] = value,
                None => row.push(value),
            }
        }
    }
}

/// A query's bound steps when the lean path covers them (see the module's doc).
pub(crate) struct Lean<'s, 'e> {
    classes: Vec<TextClasses<'s, 'e>>,
    layout: Layout,
    /// The `withWatermark` steps (on a column no step classifies: the row's time).
    watermarks: Vec<&'s BoundStep<'e>>,
}

impl<'s, 'e> Lean<'s, 'e> {
    /// The lean form of `steps` (bound; the source's rows have the `timestamp` column when
    /// `include_timestamp`): None when a step may read the text column other than to classify
    /// it, may ask the caller anything, or the classes are too many.
    pub(crate) fn of(steps: &'s [BoundStep<'e>], include_timestamp: bool) -> Option<Lean<'s, 'e>> {
        let mut lean = Lean {
            classes: Vec::new(),
            layout: Layout {
                include_timestamp,
                columns: Vec::new(),
            },
            watermarks: Vec::new(),
        };
        for step in steps {
            match step {
                BoundStep::WithColumn(place, e) if *place != Some(TEXT) => {
                    let classes = e.text_classes()?;
                    if classes.column != TEXT {
                        return None;
                    }
                    let mut values: Vec<Value> =
                        classes.values.iter().map(|&v| v.clone()).collect();
                    values.push(classes.otherwise.clone());
                    lean.layout.columns.push(Classified {
                        place: *place,
                        values,
                    });
                    lean.classes.push(classes);
                }
                BoundStep::Watermark(column) if *column != Some(TEXT) => {
                    lean.watermarks.push(step);
                }
                _ => return None,
            }
        }
        // A watermark sees the row's time at its step: no step may change its column.
        let places: Vec<Option<usize>> = lean.layout.columns.iter().map(|c| c.place).collect();
        let moved = lean.watermarks.iter().any(|w| match w {
            BoundStep::Watermark(column) => column.is_some() && places.contains(column),
            _ => true,
        });
        (!moved && lean.layout.codes() <= MAX_CODES).then_some(lean)
    }

    /// The code of a line's text.
    #[inline]
    fn code(&self, text: &[u8]) -> usize {
        let (mut code, mut radix) = (0, 1);
        for (classes, column) in self.classes.iter().zip(&self.layout.columns) {
            code += classes.class_of(text) * radix;
            radix *= column.values.len();
        }
        code
    }

    /// `lines` through the steps into `partial`; the latest event time (ms) a watermark step
    /// sees raises `max_event_ms`.
    pub(crate) fn aggregate<E>(
        &self,
        lines: &Lines,
        partial: &mut Partial,
        max_event_ms: &mut Option<i64>,
        call: Call<E>,
    ) -> Result<(), E> {
        let mut pairs = Pairs::new(self.layout.codes());
        for (text, timestamp) in lines.iter_bytes() {
            pairs.add(self.code(text), timestamp);
        }
        pairs.feed(&self.layout, &self.watermarks, partial, max_event_ms, call)
    }

    /// The rows of `lines` through the steps, kept as the lines and their codes (see
    /// [`LeanRows`]); the latest event time (ms) a watermark step sees raises `max_event_ms`.
    pub(crate) fn rows(&self, lines: &Lines, max_event_ms: &mut Option<i64>) -> LeanRows {
        let codes: Vec<usize> = lines
            .iter_bytes()
            .map(|(text, _)| self.code(text))
            .collect();
        // Every row passes the watermarks: the latest time is the latest line's.
        let latest = (lines.timestamps().zip(&codes)).max_by_key(|(timestamp, _)| *timestamp);
        if let Some((timestamp, &code)) = latest {
            let mut row = Vec::new();
            self.layout.fill(&mut row, None, timestamp, code);
            for step in &self.watermarks {
                step.note_event_time(&row, max_event_ms);
            }
        }
        LeanRows {
            lines: lines.clone(),
            layout: self.layout.clone(),
            codes,
        }
    }
}

/// A batch's lines as (code, time) pairs, each with how many lines have it, in the order first
/// seen. Lines of a trigger mostly come in runs of one time: within a run, a code finds its pair
/// in an array.
struct Pairs {
    pairs: Vec<(usize, i64, u64)>,
    index: FxHashMap<(usize, i64), usize>,
    /// The run's time, and each code's pair in it (plus one; 0: none yet).
    run_time: Option<i64>,
    run: Vec<usize>,
}

impl Pairs {
    fn new(codes: usize) -> Pairs {
        Pairs {
            pairs: Vec::new(),
            index: FxHashMap::default(),
            run_time: None,
            run: vec![0; codes],
        }
    }

    /// One more line of `code` and `timestamp`.
    #[inline]
    fn add(&mut self, code: usize, timestamp: i64) {
        if self.run_time != Some(timestamp) {
            self.run_time = Some(timestamp);
            self.run.fill(0);
        }
        if self.run[code] == 0 {
            let next = self.pairs.len();
            let at = match self.index.entry((code, timestamp)) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    self.pairs.push((code, timestamp, 0));
                    *e.insert(next)
                }
            };
            self.run[code] = at + 1;
        }
        self.pairs[self.run[code] - 1].2 += 1;
    }

    /// Each pair's row (made by `layout`, text NULL) added to `partial` as many times as lines
    /// have it, in the order first seen; `watermarks` note each row's time in `max_event_ms`.
    fn feed<E>(
        &self,
        layout: &Layout,
        watermarks: &[&BoundStep],
        partial: &mut Partial,
        max_event_ms: &mut Option<i64>,
        call: Call<E>,
    ) -> Result<(), E> {
        let mut row = Vec::new();
        for &(code, timestamp, n) in &self.pairs {
            layout.fill(&mut row, None, timestamp, code);
            for step in watermarks {
                step.note_event_time(&row, max_event_ms);
            }
            partial.add_many(&row, n, call)?;
        }
        Ok(())
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

/// The rows a lean stateless query's batch hands its sink: the lines and their codes. A row is
/// made only when read; grouped by keys that leave the text unread, the rows are counted
/// without being made.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LeanRows {
    lines: Lines,
    layout: Layout,
    codes: Vec<usize>,
}

impl LeanRows {
    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The first `n` rows, made.
    pub fn first_rows(&self, n: usize) -> Vec<Row> {
        (self.lines.iter().zip(&self.codes))
            .take(n)
            .map(|((text, timestamp), &code)| {
                let mut row = Vec::new();
                self.layout.fill(&mut row, Some(text), timestamp, code);
                row
            })
            .collect()
    }

    /// The rows grouped by `aggregation` over `schema` (their schema), as
    /// [`Aggregation::group`] groups them, when it leaves the text unread (else None).
    pub fn group(&self, aggregation: &Aggregation, schema: &Schema) -> Option<Vec<Group>> {
        if !counts_without_text(aggregation, schema) {
            return None;
        }
        let mut pairs = Pairs::new(self.layout.codes());
        for (timestamp, &code) in self.lines.timestamps().zip(&self.codes) {
            pairs.add(code, timestamp);
        }
        let mut partial = Partial::new(aggregation, schema);
        // Rows only counted: nothing to ask; the batch's watermark was noted at its trigger.
        let mut never = |_: Request<'_>| -> Result<Value, ()> { Err(()) };
        let fed = pairs.feed(&self.layout, &[], &mut partial, &mut None, &mut never);
        fed.ok().map(|()| partial.finish())
    }
}
