//! What a query computes from the socket source's rows: column expressions (`col`, `lit`,
//! `contains`, `when`/`otherwise`, `alias`, a UDF, the string functions, Spark's operators and
//! casts of [`crate::operators`]), the steps between the source and the
//! aggregation (`withColumn`, `select`, `where`, `withWatermark`), and the grouping keys
//! (columns and `window(...)`).
//!
//! A UDF is named by a number: the crate never runs Python itself, the caller passes a
//! function that calls UDF `id` with its arguments (see [`Call`]), so the interpreter stays
//! outside this crate; Spark's run-time errors go to the same function, which makes them the
//! caller's errors.

use std::borrow::Cow;
use std::rc::Rc;

use crate::operators::{self, sql_name, ArithOp, CmpOp, RuntimeError};
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
        /// What the function gives for a text without a call, when the caller knows it (see
        /// [`UdfChain`]); the call is the rule, this a shortcut to the same values.
        chain: Option<Rc<UdfChain>>,
    },
    /// `expr.alias(name)`.
    Alias(Box<Expr>, String),
    /// `lower(e)`.
    Lower(Box<Expr>),
    /// `upper(e)`.
    Upper(Box<Expr>),
    /// `length(e)`: the characters of a string.
    Length(Box<Expr>),
    /// `split(e, pattern)` with a pattern without regular-expression characters (Spark's
    /// pattern is a Java regex; a plain one splits as Rust's `str::split`, empty parts kept).
    Split(Box<Expr>, String),
    /// `explode(e)`: one row per element of the array (a generator: only at the top of a
    /// `select` or `withColumn`).
    Explode(Box<Expr>),
    /// `a + b`, `a - b`, `a * b`, `a / b` (see [`operators`]).
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// `a = b`, `a < b`, ...: NULL when either side is NULL.
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// `a AND b` (`&`).
    And(Box<Expr>, Box<Expr>),
    /// `a OR b` (`|`).
    Or(Box<Expr>, Box<Expr>),
    /// `NOT a` (`~`; `a != b` is `NOT (a = b)`).
    Not(Box<Expr>),
    /// `-a` in SQL text (`selectExpr("-n")`), named `(- a)`.
    Negate(Box<Expr>),
    /// `-col` in PySpark (`Column.__neg__`, Spark's `negate` function): the same value as
    /// [`Expr::Negate`], named `negative(a)`.
    Negative(Box<Expr>),
    /// `a IS NULL` (`isNull()`).
    IsNull(Box<Expr>),
    /// `a IS NOT NULL` (`isNotNull()`).
    IsNotNull(Box<Expr>),
    /// `CAST(a AS type)` (`cast("int")`).
    Cast(Box<Expr>, DataType),
}

/// What evaluating an expression asks of its caller.
pub enum Request<'v> {
    /// Call UDF `id` with the row's arguments.
    Udf(usize, &'v [Value]),
    /// Spark stopped the query with this error (overflow, division by zero, a bad cast): the
    /// caller turns it into its own error.
    Fail(RuntimeError),
}

/// The caller's side of an evaluation: runs UDFs and turns Spark's run-time errors into its
/// own error type `E` (a Python exception), which stops the evaluation.
pub type Call<'a, E> = &'a mut dyn FnMut(Request<'_>) -> Result<Value, E>;

/// A UDF of one text argument whose function is a chain of `if "[info]" in line: t = "info"`
/// / `elif ...` / `else: t = "unknown"`, then `return t` (the notebook's `get_message_type`), as
/// the caller knows it: on a text, the result of the first arm whose text occurs in it, else
/// the `otherwise`'s, each already of the UDF's declared type. None where only a call gives the
/// result (then the caller is asked, as without the chain); on a value that is not a text the
/// caller is always asked.
#[derive(Clone, Debug, PartialEq)]
pub struct UdfChain {
    /// Each arm's text, in order.
    pub texts: Vec<String>,
    /// Each arm's result (None: ask the caller).
    pub results: Vec<Option<Value>>,
    /// The result when no text occurs (None: ask the caller).
    pub otherwise: Option<Value>,
}

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
            Expr::Lower(e) => format!("lower({})", e.name()),
            Expr::Upper(e) => format!("upper({})", e.name()),
            Expr::Length(e) => format!("length({})", e.name()),
            Expr::Split(e, pattern) => format!("split({}, {pattern}, -1)", e.name()),
            Expr::Explode(_) => "col".to_string(),
            Expr::Arith(op, a, b) => format!("({} {} {})", a.name(), op.symbol(), b.name()),
            Expr::Compare(op, a, b) => format!("({} {} {})", a.name(), op.symbol(), b.name()),
            Expr::And(a, b) => format!("({} AND {})", a.name(), b.name()),
            Expr::Or(a, b) => format!("({} OR {})", a.name(), b.name()),
            Expr::Not(a) => format!("(NOT {})", a.name()),
            Expr::Negate(a) => format!("(- {})", a.name()),
            Expr::Negative(a) => format!("negative({})", a.name()),
            Expr::IsNull(a) => format!("({} IS NULL)", a.name()),
            Expr::IsNotNull(a) => format!("({} IS NOT NULL)", a.name()),
            // A cast column (or alias) keeps its name; a cast expression is named by the cast.
            Expr::Cast(a, t) => match a.as_ref() {
                Expr::Column(name) | Expr::Alias(_, name) => name.clone(),
                other => format!("CAST({} AS {})", other.name(), sql_name(t)),
            },
        }
    }

    /// The array a generator column (`explode(e)`, maybe aliased) explodes.
    pub fn generator(&self) -> Option<&Expr> {
        match self {
            Expr::Explode(e) => Some(e),
            Expr::Alias(e, _) => e.generator(),
            _ => None,
        }
    }

    /// Whether `explode` appears anywhere in the expression.
    fn has_generator(&self) -> bool {
        self.any(&|e| matches!(e, Expr::Explode(_)))
    }

    /// Whether evaluating the expression may ask the caller anything (see [`Request`]): it
    /// calls a UDF, or holds an operator that can fail at run time.
    pub(crate) fn may_call(&self) -> bool {
        self.any(&|e| {
            matches!(
                e,
                Expr::Udf { .. }
                    | Expr::Arith(..)
                    | Expr::Negate(_)
                    | Expr::Negative(_)
                    | Expr::Cast(..)
            )
        })
    }

    /// Whether `pred` holds for the expression or one inside it.
    fn any(&self, pred: &dyn Fn(&Expr) -> bool) -> bool {
        pred(self) || self.children().into_iter().any(|e| e.any(pred))
    }

    /// The expressions directly inside this one.
    fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Column(_) | Expr::Literal(_) => Vec::new(),
            Expr::When {
                branches,
                otherwise,
            } => branches
                .iter()
                .flat_map(|(c, v)| [c, v])
                .chain(otherwise.as_deref())
                .collect(),
            Expr::Udf { args, .. } => args.iter().collect(),
            Expr::Contains(a, b)
            | Expr::Arith(_, a, b)
            | Expr::Compare(_, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b) => vec![a, b],
            Expr::Explode(e)
            | Expr::Alias(e, _)
            | Expr::Lower(e)
            | Expr::Upper(e)
            | Expr::Length(e)
            | Expr::Split(e, _)
            | Expr::Not(e)
            | Expr::Negate(e)
            | Expr::Negative(e)
            | Expr::IsNull(e)
            | Expr::IsNotNull(e)
            | Expr::Cast(e, _) => vec![e],
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
            Expr::Lower(e) | Expr::Upper(e) => {
                e.data_type(schema)?;
                DataType::String
            }
            Expr::Length(e) => {
                e.data_type(schema)?;
                DataType::Int
            }
            Expr::Split(e, _) => {
                e.data_type(schema)?;
                DataType::Array(Box::new(DataType::String))
            }
            Expr::Explode(e) => match e.data_type(schema)? {
                DataType::Array(element) => *element,
                other => {
                    return Err(AnalysisError {
                        condition: "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE".to_string(),
                        message: format!(
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"explode({})\" \
                             due to data type mismatch: The first parameter requires the \
                             (\"ARRAY\" or \"MAP\") type, however \"{}\" has the type \"{}\". \
                             SQLSTATE: 42K09",
                        e.name(),
                        e.name(),
                        sql_name(&other)
                    ),
                    })
                }
            },
            Expr::Arith(op, a, b) => operators::arith_type(
                *op,
                &a.data_type(schema)?,
                &b.data_type(schema)?,
                &self.name(),
            )?,
            Expr::Compare(_, a, b) => {
                operators::check_comparable(
                    &a.data_type(schema)?,
                    &b.data_type(schema)?,
                    &self.name(),
                )?;
                DataType::Boolean
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                operators::check_boolean(&a.data_type(schema)?, &self.name())?;
                operators::check_boolean(&b.data_type(schema)?, &self.name())?;
                DataType::Boolean
            }
            Expr::Not(a) => {
                operators::check_boolean(&a.data_type(schema)?, &self.name())?;
                DataType::Boolean
            }
            Expr::Negate(a) | Expr::Negative(a) => operators::arith_type(
                ArithOp::Sub,
                &DataType::Int,
                &a.data_type(schema)?,
                &self.name(),
            )?,
            Expr::IsNull(a) | Expr::IsNotNull(a) => {
                a.data_type(schema)?;
                DataType::Boolean
            }
            Expr::Cast(a, t) => {
                operators::check_cast(&a.data_type(schema)?, t, &self.name())?;
                t.clone()
            }
        })
    }

    /// Whether the expression is true on `row` (not false, not NULL): a `when` branch's or a
    /// filter's condition.
    fn holds<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<bool, E> {
        Ok(match self {
            Expr::Contains(a, b) => contains(a, b, schema, row, call)? == Some(true),
            other => other.eval(schema, row, call)? == Value::Boolean(true),
        })
    }

    /// [`Expr::eval`], borrowing a column's or a literal's value instead of copying it (a
    /// `contains` only reads its sides).
    fn eval_ref<'r, E>(
        &'r self,
        schema: &Schema,
        row: &'r Row,
        call: Call<E>,
    ) -> Result<Cow<'r, Value>, E> {
        Ok(match self {
            Expr::Column(name) => schema
                .iter()
                .position(|f| f.name == *name)
                .map_or(Cow::Owned(Value::Null), |i| Cow::Borrowed(&row[i])),
            Expr::Literal(v) => Cow::Borrowed(v),
            other => Cow::Owned(other.eval(schema, row, call)?),
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
            Expr::Contains(a, b) => match contains(a, b, schema, row, call)? {
                Some(found) => Value::Boolean(found),
                None => Value::Null,
            },
            Expr::When {
                branches,
                otherwise,
            } => when(branches, otherwise.as_deref(), schema, row, call)?,
            Expr::Udf { id, args, .. } => {
                let values = args
                    .iter()
                    .map(|a| a.eval(schema, row, call))
                    .collect::<Result<Vec<_>, E>>()?;
                call(Request::Udf(*id, &values))?
            }
            Expr::Alias(e, _) => e.eval(schema, row, call)?,
            Expr::Lower(e) => map_string(e.eval(schema, row, call)?, |s| {
                Value::String(s.to_lowercase().into())
            }),
            Expr::Upper(e) => map_string(e.eval(schema, row, call)?, |s| {
                Value::String(s.to_uppercase().into())
            }),
            Expr::Length(e) => map_string(e.eval(schema, row, call)?, |s| {
                Value::Int(s.chars().count() as i32)
            }),
            Expr::Split(e, pattern) => map_string(e.eval(schema, row, call)?, |s| {
                Value::Array(
                    s.split(pattern.as_str())
                        .map(|p| Value::String(p.into()))
                        .collect(),
                )
            }),
            // The analysis keeps generators at the top of a step, which expands them.
            Expr::Explode(e) => e.eval(schema, row, call)?,
            Expr::Arith(op, a, b) => {
                let (x, y) = (a.eval(schema, row, call)?, b.eval(schema, row, call)?);
                // The type was checked at analysis; only its width matters here.
                let result = match (op, &x, &y) {
                    (ArithOp::Div, ..) | (_, Value::Double(_), _) | (_, _, Value::Double(_)) => {
                        DataType::Double
                    }
                    (_, Value::Long(_), _) | (_, _, Value::Long(_)) => DataType::Long,
                    _ => DataType::Int,
                };
                ran(operators::arith(*op, &x, &y, &result), call)?
            }
            Expr::Compare(op, a, b) => operators::compare(
                *op,
                &a.eval(schema, row, call)?,
                &b.eval(schema, row, call)?,
            ),
            Expr::And(a, b) => {
                operators::and(&a.eval(schema, row, call)?, &b.eval(schema, row, call)?)
            }
            Expr::Or(a, b) => {
                operators::or(&a.eval(schema, row, call)?, &b.eval(schema, row, call)?)
            }
            Expr::Not(a) => operators::not(&a.eval(schema, row, call)?),
            Expr::Negate(a) | Expr::Negative(a) => {
                ran(operators::negate(&a.eval(schema, row, call)?), call)?
            }
            Expr::IsNull(a) => Value::Boolean(a.eval(schema, row, call)? == Value::Null),
            Expr::IsNotNull(a) => Value::Boolean(a.eval(schema, row, call)? != Value::Null),
            Expr::Cast(a, t) => ran(operators::cast(&a.eval(schema, row, call)?, t), call)?,
        })
    }
}

/// What evaluates on a row: an [`Expr`], or one bound to its schema
/// ([`crate::bound::Bound`]).
pub(crate) trait Evaluate {
    /// The value on `row`.
    fn value<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<Value, E>;
    /// Whether the value on `row` is true (not false, not NULL).
    fn is_true<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<bool, E>;
}

impl Evaluate for Expr {
    fn value<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<Value, E> {
        self.eval(schema, row, call)
    }

    fn is_true<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<bool, E> {
        self.holds(schema, row, call)
    }
}

/// `when(c1, v1)...otherwise(o)` on `row`: the value of the first branch whose condition is
/// true, else `otherwise`'s, else NULL.
pub(crate) fn when<X: Evaluate, E>(
    branches: &[(X, X)],
    otherwise: Option<&X>,
    schema: &Schema,
    row: &Row,
    call: Call<E>,
) -> Result<Value, E> {
    for (c, v) in branches {
        if c.is_true(schema, row, call)? {
            return v.value(schema, row, call);
        }
    }
    match otherwise {
        Some(o) => o.value(schema, row, call),
        None => Ok(Value::Null),
    }
}

/// `a.contains(b)` on `row`: None when either side is NULL.
fn contains<E>(
    a: &Expr,
    b: &Expr,
    schema: &Schema,
    row: &Row,
    call: Call<E>,
) -> Result<Option<bool>, E> {
    let (a, b) = (
        a.eval_ref(schema, row, call)?,
        b.eval_ref(schema, row, call)?,
    );
    Ok(match (a.as_ref(), b.as_ref()) {
        (Value::Null, _) | (_, Value::Null) => None,
        (a, b) => Some(plain_text(a).contains(plain_text(b).as_ref())),
    })
}

/// An operator's result, its run-time error handed to the caller.
fn ran<E>(result: Result<Value, RuntimeError>, call: Call<E>) -> Result<Value, E> {
    match result {
        Ok(v) => Ok(v),
        Err(e) => call(Request::Fail(e)),
    }
}

/// A string function on a value: NULL stays NULL.
fn map_string(v: Value, f: impl FnOnce(&str) -> Value) -> Value {
    match v {
        Value::Null => Value::Null,
        other => f(&plain_text(&other)),
    }
}

/// Spark's refusal of a generator where it cannot go.
fn generator_error(e: &Expr) -> AnalysisError {
    AnalysisError {
        condition: "UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS".to_string(),
        message: format!(
            "[UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS] The generator is not supported: \
             nested in expressions \"{}\". SQLSTATE: 42K0E",
            e.name()
        ),
    }
}

/// Checks the generators of a step's expressions: each at the top, at most one.
fn check_generators<'a>(exprs: impl IntoIterator<Item = &'a Expr>) -> Result<(), AnalysisError> {
    let mut generators = 0;
    for e in exprs {
        match e.generator() {
            Some(inner) if inner.has_generator() => return Err(generator_error(e)),
            Some(_) => generators += 1,
            None if e.has_generator() => return Err(generator_error(e)),
            None => {}
        }
    }
    if generators > 1 {
        return Err(AnalysisError {
            condition: "UNSUPPORTED_GENERATOR.MULTI_GENERATOR".to_string(),
            message: format!(
                "[UNSUPPORTED_GENERATOR.MULTI_GENERATOR] The generator is not supported: only \
                 one generator allowed per SELECT clause but found {generators}. SQLSTATE: 42K0E"
            ),
        });
    }
    Ok(())
}

/// A value as a string function reads it (`contains` casts its arguments to string).
pub(crate) fn plain_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(crate::show::cell_text(other)),
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
        Value::Null | Value::String(_) | Value::Struct(_) | Value::Array(_) => DataType::String,
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
                check_generators([e])?;
                let field = Field::new(name, e.data_type(schema)?);
                let mut out = schema.clone();
                match out.iter().position(|f| f.name == *name) {
                    Some(i) => out[i] = field,
                    None => out.push(field),
                }
                out
            }
            Step::Select(exprs) => {
                check_generators(exprs)?;
                exprs
                    .iter()
                    .map(|e| Ok(Field::new(&e.name(), e.data_type(schema)?)))
                    .collect::<Result<Schema, AnalysisError>>()?
            }
            Step::Filter(e) => {
                if e.has_generator() {
                    return Err(generator_error(e));
                }
                e.data_type(schema)?;
                schema.clone()
            }
            Step::Watermark(column, _) => {
                column_index(schema, column)?;
                schema.clone()
            }
        })
    }

    /// Whether applying the step may ask the caller anything (see [`Expr::may_call`]).
    pub(crate) fn may_call(&self) -> bool {
        match self {
            Step::WithColumn(_, e) | Step::Filter(e) => e.may_call(),
            Step::Select(exprs) => exprs.iter().any(Expr::may_call),
            Step::Watermark(..) => false,
        }
    }

    /// The rows this step makes of `row` (none: filtered out; several: exploded), over
    /// `schema`, the schema before it, pushed on `out`.
    pub fn apply<E>(
        &self,
        schema: &Schema,
        row: Row,
        call: Call<E>,
        out: &mut Vec<Row>,
    ) -> Result<(), E> {
        match self {
            Step::WithColumn(name, e) => {
                let place = schema.iter().position(|f| f.name == *name);
                let put = |mut next: Row, value: Value, out: &mut Vec<Row>| {
                    match place {
                        Some(i) => next[i] = value,
                        None => next.push(value),
                    }
                    out.push(next);
                };
                match e.generator() {
                    Some(inner) => {
                        for v in elements(inner.eval(schema, &row, call)?) {
                            put(row.clone(), v, out);
                        }
                    }
                    None => {
                        let value = e.eval(schema, &row, call)?;
                        put(row, value, out);
                    }
                }
            }
            Step::Select(exprs) => {
                let mut values = Vec::with_capacity(exprs.len());
                let mut exploded = None;
                for (i, e) in exprs.iter().enumerate() {
                    match e.generator() {
                        Some(inner) => {
                            exploded = Some((i, elements(inner.eval(schema, &row, call)?)));
                            values.push(Value::Null);
                        }
                        None => values.push(e.eval(schema, &row, call)?),
                    }
                }
                match exploded {
                    None => out.push(values),
                    Some((i, items)) => {
                        for item in items {
                            let mut next = values.clone();
                            next[i] = item;
                            out.push(next);
                        }
                    }
                }
            }
            Step::Filter(e) => {
                if e.holds(schema, &row, call)? {
                    out.push(row);
                }
            }
            Step::Watermark(..) => out.push(row),
        }
        Ok(())
    }
}

/// The elements `explode` makes rows of: none for NULL or an empty array.
fn elements(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        _ => Vec::new(),
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
    windows_containing(ts, duration, slide).collect()
}

/// [`windows_of`] without collecting them.
pub(crate) fn windows_containing(
    ts: i64,
    duration: i64,
    slide: i64,
) -> impl Iterator<Item = (i64, i64)> {
    let overlapping = (duration + slide - 1) / slide;
    let last_start = ts - (ts + slide).rem_euclid(slide);
    (0..overlapping)
        .map(move |i| last_start - i * slide)
        .map(move |start| (start, start + duration))
        .filter(move |(start, end)| *start <= ts && ts < *end)
}
