//! What a query computes from the socket source's rows: column expressions (`col`, `lit`,
//! `contains`, `when`/`otherwise`, `alias`, a UDF), the steps between the source and the
//! aggregation (`withColumn`, `select`, `where`, `withWatermark`), and the grouping keys
//! (columns and `window(...)`).
//!
//! A UDF is named by a number: the crate never runs Python itself, the caller passes a
//! function that calls UDF `id` with its arguments (see [`Call`]), so the interpreter stays
//! outside this crate.

use crate::query::AnalysisError;
use crate::value::{DataType, Field, Row, Schema, Value};

/// `window("timestamp", duration, slide)`, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The window's length.
    pub duration: i64,
    /// How far apart two windows start.
    pub slide: i64,
}

/// A column expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `col("name")`, or a column named by a string.
    Column(String),
    /// `lit(v)`, or a plain value where a column is expected.
    Literal(Value),
    /// `a.contains(b)`: NULL when either side is NULL.
    Contains(Box<Expr>, Box<Expr>),
    /// `when(c1, v1).when(c2, v2)...otherwise(v)`: the first branch whose condition is true;
    /// NULL when none is and there is no `otherwise`.
    When {
        /// `(condition, value)` in order.
        branches: Vec<(Expr, Expr)>,
        /// The `otherwise` value.
        otherwise: Option<Box<Expr>>,
    },
    /// A Python UDF called on `args`: `id` is the caller's number for the function.
    Udf {
        /// Which function (the caller's numbering).
        id: usize,
        /// The function's `__name__` (the column's name is `name(args)`).
        name: String,
        /// Its arguments.
        args: Vec<Expr>,
        /// The declared return type.
        return_type: DataType,
    },
    /// `expr.alias(name)`.
    Alias(Box<Expr>, String),
}

/// What evaluating a UDF needs: a call of UDF `id` with the row's arguments. Its error is the
/// caller's (a Python exception) and stops the evaluation.
pub type Call<'a, E> = &'a mut dyn FnMut(usize, &[Value]) -> Result<Value, E>;

impl Expr {
    /// The column's name as Spark derives it (`value`, `f(value)`, `CASE WHEN ... END`).
    pub fn name(&self) -> String {
        match self {
            Expr::Column(name) | Expr::Alias(_, name) => name.clone(),
            Expr::Literal(v) => literal_text(v),
            Expr::Contains(a, b) => format!("contains({}, {})", a.name(), b.name()),
            Expr::When {
                branches,
                otherwise,
            } => {
                let mut text = "CASE".to_string();
                for (c, v) in branches {
                    text.push_str(&format!(" WHEN {} THEN {}", c.name(), v.name()));
                }
                if let Some(o) = otherwise {
                    text.push_str(&format!(" ELSE {}", o.name()));
                }
                text + " END"
            }
            Expr::Udf { name, args, .. } => {
                let args: Vec<String> = args.iter().map(Expr::name).collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }

    /// The expression's type over `schema`, or Spark's error for a column it does not have.
    pub fn data_type(&self, schema: &Schema) -> Result<DataType, AnalysisError> {
        Ok(match self {
            Expr::Column(name) => schema[column_index(schema, name)?].data_type.clone(),
            Expr::Literal(v) => literal_type(v),
            Expr::Contains(a, b) => {
                a.data_type(schema)?;
                b.data_type(schema)?;
                DataType::Boolean
            }
            Expr::When {
                branches,
                otherwise,
            } => {
                let mut result = None;
                for (c, v) in branches {
                    c.data_type(schema)?;
                    result.get_or_insert(v.data_type(schema)?);
                }
                if let Some(o) = otherwise {
                    o.data_type(schema)?;
                }
                result.unwrap_or(DataType::String)
            }
            Expr::Udf {
                args, return_type, ..
            } => {
                for a in args {
                    a.data_type(schema)?;
                }
                return_type.clone()
            }
            Expr::Alias(e, _) => e.data_type(schema)?,
        })
    }

    /// The expression's value on `row` (of `schema`, which [`Expr::data_type`] checked).
    pub fn eval<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<Value, E> {
        Ok(match self {
            Expr::Column(name) => schema
                .iter()
                .position(|f| f.name == *name)
                .map_or(Value::Null, |i| row[i].clone()),
            Expr::Literal(v) => v.clone(),
            Expr::Contains(a, b) => {
                match (a.eval(schema, row, call)?, b.eval(schema, row, call)?) {
                    (Value::Null, _) | (_, Value::Null) => Value::Null,
                    (a, b) => Value::Boolean(plain_text(&a).contains(&plain_text(&b))),
                }
            }
            Expr::When {
                branches,
                otherwise,
            } => {
                for (c, v) in branches {
                    if c.eval(schema, row, call)? == Value::Boolean(true) {
                        return v.eval(schema, row, call);
                    }
                }
                match otherwise {
                    Some(o) => o.eval(schema, row, call)?,
                    None => Value::Null,
                }
            }
            Expr::Udf { id, args, .. } => {
                let values = args
                    .iter()
                    .map(|a| a.eval(schema, row, call))
                    .collect::<Result<Vec<_>, E>>()?;
                call(*id, &values)?
            }
            Expr::Alias(e, _) => e.eval(schema, row, call)?,
        })
    }
}

/// A value as a string function reads it (`contains` casts its arguments to string).
fn plain_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => crate::show::cell_text(other),
    }
}

fn literal_text(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        other => crate::show::cell_text(other),
    }
}

fn literal_type(v: &Value) -> DataType {
    match v {
        Value::Long(_) => DataType::Long,
        Value::Int(_) => DataType::Int,
        Value::Double(_) => DataType::Double,
        Value::Boolean(_) => DataType::Boolean,
        Value::Timestamp(_) => DataType::Timestamp,
        Value::Null | Value::String(_) | Value::Struct(_) => DataType::String,
    }
}

/// The index of column `name`, or Spark's `UNRESOLVED_COLUMN` error.
pub fn column_index(schema: &Schema, name: &str) -> Result<usize, AnalysisError> {
    schema.iter().position(|f| f.name == name).ok_or_else(|| {
        let names: Vec<String> = schema.iter().map(|f| format!("`{}`", f.name)).collect();
        AnalysisError {
            condition: "UNRESOLVED_COLUMN.WITH_SUGGESTION".to_string(),
            message: format!(
                "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter \
                 with name `{name}` cannot be resolved. Did you mean one of the following? \
                 [{}]. SQLSTATE: 42703",
                names.join(", ")
            ),
        }
    })
}

/// One step between the source and the aggregation.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `withColumn(name, expr)`: replaces the column of that name, or adds it at the end.
    WithColumn(String, Expr),
    /// `select(exprs...)`.
    Select(Vec<Expr>),
    /// `where(cond)` / `filter(cond)`: keeps the rows where it is true.
    Filter(Expr),
    /// `withWatermark(column, delay)`: the event-time column and the delay in microseconds.
    Watermark(String, i64),
}

impl Step {
    /// The schema after this step, or Spark's analysis error.
    pub fn schema_after(&self, schema: &Schema) -> Result<Schema, AnalysisError> {
        Ok(match self {
            Step::WithColumn(name, e) => {
                let field = Field::new(name, e.data_type(schema)?);
                let mut out = schema.clone();
                match out.iter().position(|f| f.name == *name) {
                    Some(i) => out[i] = field,
                    None => out.push(field),
                }
                out
            }
            Step::Select(exprs) => exprs
                .iter()
                .map(|e| Ok(Field::new(&e.name(), e.data_type(schema)?)))
                .collect::<Result<Schema, AnalysisError>>()?,
            Step::Filter(e) => {
                e.data_type(schema)?;
                schema.clone()
            }
            Step::Watermark(column, _) => {
                column_index(schema, column)?;
                schema.clone()
            }
        })
    }

    /// The row after this step (`None`: filtered out), over `schema`, the schema before it.
    pub fn apply<E>(&self, schema: &Schema, row: Row, call: Call<E>) -> Result<Option<Row>, E> {
        Ok(Some(match self {
            Step::WithColumn(name, e) => {
                let value = e.eval(schema, &row, call)?;
                let mut out = row;
                match schema.iter().position(|f| f.name == *name) {
                    Some(i) => out[i] = value,
                    None => out.push(value),
                }
                out
            }
            Step::Select(exprs) => exprs
                .iter()
                .map(|e| e.eval(schema, &row, call))
                .collect::<Result<Row, E>>()?,
            Step::Filter(e) => {
                if e.eval(schema, &row, call)? != Value::Boolean(true) {
                    return Ok(None);
                }
                row
            }
            Step::Watermark(..) => row,
        }))
    }
}

/// A grouping key of `groupBy(...)`.
#[derive(Clone, Debug, PartialEq)]
pub enum GroupKey {
    /// A column by name.
    Column(String),
    /// `window(column, duration, slide)`: the windows containing the column's time.
    Window(String, Window),
}

impl GroupKey {
    /// The key's field in the result, or Spark's error for a column the input lacks.
    pub fn field(&self, schema: &Schema) -> Result<Field, AnalysisError> {
        match self {
            GroupKey::Column(name) => Ok(schema[column_index(schema, name)?].clone()),
            GroupKey::Window(column, _) => {
                column_index(schema, column)?;
                Ok(Field::new("window", DataType::window()))
            }
        }
    }
}

/// The grouping keys one row adds to: one, or one per window of a `window(...)` key (Spark's
/// order: the latest window first).
pub fn keys_of(keys: &[GroupKey], schema: &Schema, row: &Row) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for key in keys {
        match key {
            GroupKey::Column(name) => {
                let v = schema
                    .iter()
                    .position(|f| f.name == *name)
                    .map_or(Value::Null, |i| row[i].clone());
                out.iter_mut().for_each(|k| k.push(v.clone()));
            }
            GroupKey::Window(column, w) => {
                let ts = schema
                    .iter()
                    .position(|f| f.name == *column)
                    .map(|i| &row[i]);
                // A NULL time is in no window: the row adds to no key.
                let Some(Value::Timestamp(ts)) = ts else {
                    return Vec::new();
                };
                let windows = windows_of(*ts, w.duration, w.slide);
                out = out
                    .into_iter()
                    .flat_map(|k| {
                        windows.iter().map(move |(start, end)| {
                            let mut k = k.clone();
                            k.push(Value::Struct(vec![
                                Value::Timestamp(*start),
                                Value::Timestamp(*end),
                            ]));
                            k
                        })
                    })
                    .collect();
            }
        }
    }
    out
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
