//! The aggregate functions of `groupBy(...).count()` and `groupBy(...).agg(...)`: `count`,
//! `sum`, `avg`, `min`, `max`, their result types and column names as Spark gives them, and
//! their buffers (what the state store keeps per key between batches).

use std::cmp::Ordering;

use crate::grouping::Grouping;
use crate::plan::{Call, Expr, GroupKey};
use crate::query::AnalysisError;
use crate::value::{DataType, Field, Row, Schema, Value};

/// An aggregate function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFn {
    /// `count(col)`: the rows where it is not NULL; `count("*")`: every row.
    Count,
    /// `sum(col)`: NULL when every value is NULL.
    Sum,
    /// `avg(col)` / `mean(col)`: a double.
    Avg,
    /// `min(col)`.
    Min,
    /// `max(col)`.
    Max,
}

/// One output column of an aggregation.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// The function.
    pub function: AggFn,
    /// Its input; None for `count("*")` (and `groupBy(...).count()`).
    pub input: Option<Expr>,
    /// The column's name: Spark's (`count(1)`, `sum(x)`, `avg(x)`) or the alias.
    pub name: String,
}

impl Aggregate {
    /// `groupBy(...).count()`'s column, named `count`.
    pub fn count() -> Aggregate {
        Aggregate {
            function: AggFn::Count,
            input: None,
            name: "count".to_string(),
        }
    }

    /// `function(input)` named as Spark names it (`count(1)` for `count("*")`).
    pub fn new(function: AggFn, input: Option<Expr>) -> Aggregate {
        let word = match function {
            AggFn::Count => "count",
            AggFn::Sum => "sum",
            AggFn::Avg => "avg",
            AggFn::Min => "min",
            AggFn::Max => "max",
        };
        let arg = input.as_ref().map_or("1".to_string(), Expr::name);
        Aggregate {
            function,
            input,
            name: format!("{word}({arg})"),
        }
    }

    /// The result's field over the aggregation's input schema.
    pub fn field(&self, schema: &Schema) -> Result<Field, AnalysisError> {
        let input = match &self.input {
            Some(e) => Some(e.data_type(schema)?),
            None => None,
        };
        let data_type = match (self.function, input) {
            (AggFn::Count, _) => DataType::Long,
            (AggFn::Avg, Some(t)) if numeric(&t) => DataType::Double,
            (AggFn::Sum, Some(DataType::Double)) => DataType::Double,
            (AggFn::Sum, Some(t)) if numeric(&t) => DataType::Long,
            (AggFn::Min | AggFn::Max, Some(t)) if !matches!(t, DataType::Array(_)) => t,
            (_, t) => {
                return Err(AnalysisError {
                    condition: "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE".to_string(),
                    message: format!(
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" due to \
                         data type mismatch: the lab's {} takes {}, not {}.",
                        self.name,
                        self.name.split('(').next().unwrap_or_default(),
                        if matches!(self.function, AggFn::Min | AggFn::Max) {
                            "a value that orders"
                        } else {
                            "a number"
                        },
                        t.map_or("no column".to_string(), |t| format!("{t:?}"))
                    ),
                })
            }
        };
        Ok(Field::new(&self.name, data_type))
    }

    /// The empty buffer.
    pub fn init(&self) -> Value {
        match self.function {
            AggFn::Count => Value::Long(0),
            AggFn::Avg => Value::Struct(vec![Value::Double(0.0), Value::Long(0)]),
            AggFn::Sum | AggFn::Min | AggFn::Max => Value::Null,
        }
    }

    /// The buffer after one more input value (`None`: `count("*")`'s row).
    pub fn update(&self, buffer: &mut Value, value: Option<&Value>) {
        let Some(v) = value else {
            return count_row(buffer);
        };
        if *v == Value::Null {
            return;
        }
        match self.function {
            AggFn::Count => {
                if let Value::Long(n) = buffer {
                    *n += 1;
                }
            }
            AggFn::Sum => {
                *buffer = match (&*buffer, v) {
                    (Value::Null, Value::Double(d)) => Value::Double(*d),
                    (Value::Null, other) => Value::Long(whole(other)),
                    (Value::Double(s), other) => Value::Double(s + double(other)),
                    (Value::Long(s), other) => Value::Long(s.wrapping_add(whole(other))),
                    (other, _) => other.clone(),
                }
            }
            AggFn::Avg => {
                if let Value::Struct(parts) = buffer {
                    if let [Value::Double(sum), Value::Long(n)] = parts.as_mut_slice() {
                        *sum += double(v);
                        *n += 1;
                    }
                }
            }
            AggFn::Min | AggFn::Max => {
                let keep = self.function == AggFn::Min;
                let replace = match compare(v, buffer) {
                    _ if *buffer == Value::Null => true,
                    Some(Ordering::Less) => keep,
                    Some(Ordering::Greater) => !keep,
                    _ => false,
                };
                if replace {
                    *buffer = v.clone();
                }
            }
        }
    }

    /// `into` merged with another buffer of the same function (a batch's partial aggregate
    /// into the state's, as Spark merges them).
    pub fn merge(&self, into: &mut Value, other: &Value) {
        match self.function {
            AggFn::Count => {
                if let (Value::Long(a), Value::Long(b)) = (&mut *into, other) {
                    *a += b;
                }
            }
            AggFn::Sum | AggFn::Min | AggFn::Max => {
                if *other != Value::Null {
                    self.update(into, Some(other));
                }
            }
            AggFn::Avg => {
                if let (Value::Struct(a), Value::Struct(b)) = (&mut *into, other) {
                    if let (
                        [Value::Double(sa), Value::Long(na)],
                        [Value::Double(sb), Value::Long(nb)],
                    ) = (a.as_mut_slice(), b.as_slice())
                    {
                        *sa += sb;
                        *na += nb;
                    }
                }
            }
        }
    }

    /// The result of a buffer.
    pub fn finish(&self, buffer: &Value) -> Value {
        match (self.function, buffer) {
            (AggFn::Avg, Value::Struct(parts)) => match parts.as_slice() {
                [Value::Double(sum), Value::Long(n)] if *n > 0 => Value::Double(sum / *n as f64),
                _ => Value::Null,
            },
            (_, other) => other.clone(),
        }
    }
}

/// `count("*")`'s buffer after one more row.
#[inline(always)]
fn count_row(buffer: &mut Value) {
    if let Value::Long(n) = buffer {
        *n += 1;
    }
}

fn numeric(t: &DataType) -> bool {
    matches!(t, DataType::Long | DataType::Int | DataType::Double)
}

fn whole(v: &Value) -> i64 {
    match v {
        Value::Long(n) => *n,
        Value::Int(n) => i64::from(*n),
        _ => 0,
    }
}

fn double(v: &Value) -> f64 {
    match v {
        Value::Double(d) => *d,
        other => whole(other) as f64,
    }
}

/// Spark's order of two values of one type: numbers by value, strings by their UTF-8 bytes.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Value::Timestamp(x), Value::Timestamp(y)) => Some(x.cmp(y)),
        (Value::Boolean(x), Value::Boolean(y)) => Some(x.cmp(y)),
        (Value::Double(_), _) | (_, Value::Double(_)) => double(a).partial_cmp(&double(b)),
        (Value::Long(_) | Value::Int(_), Value::Long(_) | Value::Int(_)) => {
            Some(whole(a).cmp(&whole(b)))
        }
        _ => None,
    }
}

/// A grouping key and its aggregation buffers.
pub type Group = (Vec<Value>, Vec<Value>);

/// `groupBy(keys).agg(aggregates)` (or `.count()`).
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregation {
    /// The grouping keys.
    pub keys: Vec<GroupKey>,
    /// The output columns after the keys.
    pub aggregates: Vec<Aggregate>,
}

impl Aggregation {
    /// `groupBy(keys).count()`.
    pub fn count(keys: Vec<GroupKey>) -> Aggregation {
        Aggregation {
            keys,
            aggregates: vec![Aggregate::count()],
        }
    }

    /// `groupBy(keys).sum("a", "b")` and its siblings (`avg`/`mean`, `min`, `max`):
    /// `function` over each named column, or over every numeric column of `input` when none
    /// is named (the keys too, as Spark does); Spark's error for a column that is not numeric.
    pub fn numeric(
        keys: Vec<GroupKey>,
        function: AggFn,
        columns: &[String],
        input: &Schema,
    ) -> Result<Aggregation, AnalysisError> {
        let names: Vec<String> = if columns.is_empty() {
            input
                .iter()
                .filter(|f| numeric(&f.data_type))
                .map(|f| f.name.clone())
                .collect()
        } else {
            columns.to_vec()
        };
        let mut aggregates = Vec::with_capacity(names.len());
        for name in names {
            let field = &input[crate::plan::column_index(input, &name)?];
            if !numeric(&field.data_type) {
                return Err(AnalysisError {
                    condition: "NOT_NUMERIC_COLUMN".to_string(),
                    message: format!(
                        "\"{name}\" is not a numeric column. Aggregation function can only be \
                         applied on a numeric column."
                    ),
                });
            }
            aggregates.push(Aggregate::new(function, Some(Expr::Column(name))));
        }
        Ok(Aggregation { keys, aggregates })
    }

    /// The result's schema over the input schema.
    pub fn schema(&self, input: &Schema) -> Result<Schema, AnalysisError> {
        let keys = self.keys.iter().map(|k| k.field(input));
        let values = self.aggregates.iter().map(|a| a.field(input));
        keys.chain(values).collect()
    }

    /// Empty buffers, one per aggregate.
    pub fn init(&self) -> Vec<Value> {
        self.aggregates.iter().map(Aggregate::init).collect()
    }

    /// The buffers after one more row.
    pub fn update<E>(
        &self,
        buffers: &mut [Value],
        schema: &Schema,
        row: &Row,
        call: Call<E>,
    ) -> Result<(), E> {
        for (a, buffer) in self.aggregates.iter().zip(buffers.iter_mut()) {
            match &a.input {
                None => a.update(buffer, None),
                Some(e) => {
                    let v = e.eval(schema, row, call)?;
                    a.update(buffer, Some(&v));
                }
            }
        }
        Ok(())
    }

    /// `into` merged with a batch's partial buffers.
    pub fn merge(&self, into: &mut [Value], other: &[Value]) {
        for ((a, x), y) in self.aggregates.iter().zip(into.iter_mut()).zip(other) {
            a.merge(x, y);
        }
    }

    /// A batch's rows grouped by key, in the order the batch first saw the keys, each with its
    /// partial buffers (`call` runs the UDFs of the aggregates' inputs).
    pub fn group<E>(&self, schema: &Schema, rows: &[Row], call: Call<E>) -> Result<Vec<Group>, E> {
        let mut partial = Partial::new(self, schema);
        for row in rows {
            partial.add(row, call)?;
        }
        Ok(partial.finish())
    }

    /// Whether computing the aggregates may ask the caller anything (a UDF, an operator that
    /// can fail at run time).
    pub(crate) fn may_call(&self) -> bool {
        self.aggregates
            .iter()
            .any(|a| a.input.as_ref().is_some_and(Expr::may_call))
    }

    /// A result row: the key, then each aggregate's result.
    pub fn row(&self, key: &[Value], buffers: &[Value]) -> Row {
        let mut row = key.to_vec();
        row.extend(
            self.aggregates
                .iter()
                .zip(buffers)
                .map(|(a, b)| a.finish(b)),
        );
        row
    }
}

/// A batch's partial aggregation, fed row by row.
pub(crate) struct Partial<'a> {
    aggregation: &'a Aggregation,
    schema: &'a Schema,
    grouping: Grouping<'a>,
    /// The buffers of each key of `grouping`, by its index.
    buffers: Vec<Vec<Value>>,
    /// Whether every aggregate counts rows (`count("*")`, `groupBy(...).count()`): a row then
    /// adds one to each buffer, with nothing to evaluate.
    counts_rows: bool,
}

impl<'a> Partial<'a> {
    /// No row yet, of `aggregation` over its input `schema`.
    pub(crate) fn new(aggregation: &'a Aggregation, schema: &'a Schema) -> Partial<'a> {
        Partial {
            aggregation,
            schema,
            grouping: Grouping::new(&aggregation.keys, schema),
            buffers: Vec::new(),
            counts_rows: aggregation.aggregates.iter().all(|a| a.input.is_none()),
        }
    }

    /// One more row: every key it adds to updated (`call` runs the aggregates' UDFs).
    pub(crate) fn add<E>(&mut self, row: &Row, call: Call<E>) -> Result<(), E> {
        for &i in self.grouping.add(row) {
            if i == self.buffers.len() {
                self.buffers.push(self.aggregation.init());
            }
            let buffers = &mut self.buffers[i];
            if self.counts_rows {
                buffers.iter_mut().for_each(count_row);
            } else {
                (self.aggregation).update(buffers, self.schema, row, call)?;
            }
        }
        Ok(())
    }

    /// `n` rows equal to `row`, as `n` calls of [`Partial::add`] (counting aggregates add `n`
    /// at once).
    pub(crate) fn add_many<E>(&mut self, row: &Row, n: u64, call: Call<E>) -> Result<(), E> {
        if !self.counts_rows {
            for _ in 0..n {
                self.add(row, call)?;
            }
            return Ok(());
        }
        for &i in self.grouping.add(row) {
            if i == self.buffers.len() {
                self.buffers.push(self.aggregation.init());
            }
            for buffer in &mut self.buffers[i] {
                if let Value::Long(count) = buffer {
                    *count += n as i64;
                }
            }
        }
        Ok(())
    }

    /// The keys in the order first seen, with their buffers.
    pub(crate) fn finish(self) -> Vec<Group> {
        self.grouping
            .into_keys()
            .into_iter()
            .zip(self.buffers)
            .collect()
    }
}
