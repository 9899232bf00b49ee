//! Spark's operators on column values with ANSI mode on (Spark 4's default): arithmetic
//! (`+ - * /`), comparisons, three-valued `AND`/`OR`/`NOT`, `IS [NOT] NULL` and `CAST`, with
//! their result types, the names Spark gives their columns and the errors Spark raises at run
//! time (overflow, division by zero, a malformed cast), each checked against PySpark 4.0.1.

use crate::query::AnalysisError;
use crate::value::{DataType, Value};

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`: always a double (Spark's `/` on whole numbers is not integer division).
    Div,
}

impl ArithOp {
    /// The operator as Spark prints it in a column's name.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }

    /// The `try_` function Spark's overflow message points to.
    fn try_name(self) -> &'static str {
        match self {
            ArithOp::Add => "try_add",
            ArithOp::Sub => "try_subtract",
            ArithOp::Mul => "try_multiply",
            ArithOp::Div => "try_divide",
        }
    }
}

/// A comparison (`!=` is `NOT (a = b)`, as Spark builds it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `=` (`==`).
    Eq,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl CmpOp {
    /// The operator as Spark prints it in a column's name.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// An error Spark raises while it runs a query (`SparkArithmeticException`,
/// `SparkNumberFormatException`), as PySpark names and words it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeError {
    /// PySpark's exception class: `ArithmeticException` or `NumberFormatException`.
    pub kind: &'static str,
    /// Spark's message (its first line).
    pub message: String,
}

const ANSI_HINT: &str =
    "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.";

/// Spark's overflow of `t`; `op` names the `try_` function its message points to (unary
/// minus has none).
fn overflow(op: Option<ArithOp>, t: &DataType) -> RuntimeError {
    let what = if *t == DataType::Int {
        "integer"
    } else {
        "long"
    };
    let hint = op.map_or(String::new(), |op| {
        format!(
            "Use '{}' to tolerate overflow and return NULL instead. ",
            op.try_name()
        )
    });
    RuntimeError {
        kind: "ArithmeticException",
        message: format!(
            "[ARITHMETIC_OVERFLOW] {what} overflow. {hint}{ANSI_HINT} SQLSTATE: 22003"
        ),
    }
}

fn division_by_zero() -> RuntimeError {
    RuntimeError {
        kind: "ArithmeticException",
        message: format!(
            "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and \
             return NULL instead. {ANSI_HINT} SQLSTATE: 22012"
        ),
    }
}

/// The lab's refusal of an operand type whose implicit casts it does not reproduce.
pub fn lab_refusal(what: String) -> AnalysisError {
    AnalysisError {
        condition: LAB_UNSUPPORTED.to_string(),
        message: what,
    }
}

/// The condition of [`lab_refusal`]s: the caller shows them as the lab's own limit.
pub const LAB_UNSUPPORTED: &str = "LAB_UNSUPPORTED";

fn is_numeric(t: &DataType) -> bool {
    matches!(t, DataType::Int | DataType::Long | DataType::Double)
}

/// The wider of two numeric types (Spark's implicit widening: int < bigint < double).
fn wider(a: &DataType, b: &DataType) -> DataType {
    let rank = |t: &DataType| match t {
        DataType::Int => 0,
        DataType::Long => 1,
        _ => 2,
    };
    if rank(a) >= rank(b) {
        a.clone()
    } else {
        b.clone()
    }
}

/// `a op b`'s type; a NULL literal (typed string by the lab) takes the other side's type.
pub fn arith_type(
    op: ArithOp,
    a: &DataType,
    b: &DataType,
    name: &str,
) -> Result<DataType, AnalysisError> {
    if !is_numeric(a) || !is_numeric(b) {
        return Err(lab_refusal(format!(
            "{name}: arithmetic on a non-numeric column (cast it first)"
        )));
    }
    Ok(match op {
        ArithOp::Div => DataType::Double,
        _ => wider(a, b),
    })
}

/// Whether `a` and `b` compare without an implicit cast the lab does not reproduce.
pub fn check_comparable(a: &DataType, b: &DataType, name: &str) -> Result<(), AnalysisError> {
    let comparable = (is_numeric(a) && is_numeric(b))
        || (a == b
            && matches!(
                a,
                DataType::String | DataType::Boolean | DataType::Timestamp
            ));
    if comparable {
        Ok(())
    } else {
        Err(lab_refusal(format!(
            "{name}: comparing a {} with a {} (cast one side first)",
            sql_name(a),
            sql_name(b)
        )))
    }
}

/// Checks that `t` is a boolean, the operand type of `AND`/`OR`/`NOT`.
pub fn check_boolean(t: &DataType, name: &str) -> Result<(), AnalysisError> {
    match t {
        DataType::Boolean => Ok(()),
        other => Err(lab_refusal(format!(
            "{name}: a {} where a condition (BOOLEAN) is expected",
            sql_name(other)
        ))),
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(i64::from(*n)),
        Value::Long(n) => Some(*n),
        _ => None,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(n) => Some(f64::from(*n)),
        Value::Long(n) => Some(*n as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

/// `a op b` for operands of the checked types, `result` being [`arith_type`]'s.
pub fn arith(op: ArithOp, a: &Value, b: &Value, result: &DataType) -> Result<Value, RuntimeError> {
    if matches!(a, Value::Null) || matches!(b, Value::Null) {
        return Ok(Value::Null);
    }
    if op == ArithOp::Div {
        let (x, y) = (as_f64(a).unwrap_or(f64::NAN), as_f64(b).unwrap_or(f64::NAN));
        // ANSI mode refuses a zero divisor even for doubles.
        return if y == 0.0 {
            Err(division_by_zero())
        } else {
            Ok(Value::Double(x / y))
        };
    }
    match result {
        DataType::Double => {
            let (x, y) = (as_f64(a).unwrap_or(f64::NAN), as_f64(b).unwrap_or(f64::NAN));
            Ok(Value::Double(match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                _ => x * y,
            }))
        }
        _ => {
            let (x, y) = (as_i64(a).unwrap_or(0), as_i64(b).unwrap_or(0));
            let exact = match op {
                ArithOp::Add => x.checked_add(y),
                ArithOp::Sub => x.checked_sub(y),
                _ => x.checked_mul(y),
            };
            match (result, exact) {
                (DataType::Int, Some(n)) => i32::try_from(n)
                    .map(Value::Int)
                    .map_err(|_| overflow(Some(op), result)),
                (_, Some(n)) => Ok(Value::Long(n)),
                (_, None) => Err(overflow(Some(op), result)),
            }
        }
    }
}

/// `a op b`: NULL when either side is NULL.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> Value {
    use std::cmp::Ordering;
    let ordering = match (a, b) {
        (Value::Null, _) | (_, Value::Null) => return Value::Null,
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Boolean(x), Value::Boolean(y)) => Some(x.cmp(y)),
        (Value::Timestamp(x), Value::Timestamp(y)) => Some(x.cmp(y)),
        _ => match (as_i64(a), as_i64(b)) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => as_f64(a).zip(as_f64(b)).map(|(x, y)| nan_order(x, y)),
        },
    };
    let Some(o) = ordering else {
        return Value::Null;
    };
    Value::Boolean(match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    })
}

/// Doubles in Spark's order: numbers as usual (-0.0 = 0.0), NaN greatest and equal to NaN.
fn nan_order(x: f64, y: f64) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
    }
}

/// `a AND b` in SQL's three-valued logic (false wins over NULL).
pub fn and(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Boolean(false), _) | (_, Value::Boolean(false)) => Value::Boolean(false),
        (Value::Boolean(true), Value::Boolean(true)) => Value::Boolean(true),
        _ => Value::Null,
    }
}

/// `a OR b` in SQL's three-valued logic (true wins over NULL).
pub fn or(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Boolean(true), _) | (_, Value::Boolean(true)) => Value::Boolean(true),
        (Value::Boolean(false), Value::Boolean(false)) => Value::Boolean(false),
        _ => Value::Null,
    }
}

/// `NOT a`: NULL stays NULL.
pub fn not(a: &Value) -> Value {
    match a {
        Value::Boolean(b) => Value::Boolean(!b),
        _ => Value::Null,
    }
}

/// `-a`: Spark's unary minus, which overflows on the smallest int or bigint.
pub fn negate(a: &Value) -> Result<Value, RuntimeError> {
    match a {
        Value::Int(n) => n
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| overflow(None, &DataType::Int)),
        Value::Long(n) => n
            .checked_neg()
            .map(Value::Long)
            .ok_or_else(|| overflow(None, &DataType::Long)),
        Value::Double(d) => Ok(Value::Double(-d)),
        _ => Ok(Value::Null),
    }
}

/// A type as Spark's messages and `CAST` names print it.
pub fn sql_name(t: &DataType) -> &'static str {
    match t {
        DataType::Long => "BIGINT",
        DataType::Int => "INT",
        DataType::Double => "DOUBLE",
        DataType::String => "STRING",
        DataType::Boolean => "BOOLEAN",
        DataType::Timestamp => "TIMESTAMP",
        DataType::Struct(_) => "STRUCT",
        DataType::Array(_) => "ARRAY",
    }
}

/// Whether the lab casts `from` to `to` (string, int, bigint, double targets).
pub fn check_cast(from: &DataType, to: &DataType, name: &str) -> Result<(), AnalysisError> {
    let target = matches!(
        to,
        DataType::String | DataType::Int | DataType::Long | DataType::Double
    );
    let source = match to {
        DataType::String => !matches!(from, DataType::Struct(_) | DataType::Array(_)),
        _ => matches!(
            from,
            DataType::String
                | DataType::Int
                | DataType::Long
                | DataType::Double
                | DataType::Boolean
        ),
    };
    if target && source {
        Ok(())
    } else {
        Err(lab_refusal(format!(
            "{name}: a cast from {} to {}",
            sql_name(from),
            sql_name(to)
        )))
    }
}

/// A value in Spark's literal syntax, as its cast errors quote it (`1.0E10D`, `NaN`, `7L`,
/// `'ab'`).
fn quoted(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        Value::Long(n) => format!("{n}L"),
        // PySpark 4.0.1 quoted NaN without the suffix.
        Value::Double(d) if !d.is_finite() => crate::show::java_double(*d),
        Value::Double(d) => format!("{}D", crate::show::java_double(*d)),
        other => crate::show::cell_text(other),
    }
}

fn value_type(v: &Value) -> DataType {
    match v {
        Value::Int(_) => DataType::Int,
        Value::Long(_) => DataType::Long,
        Value::Double(_) => DataType::Double,
        Value::Boolean(_) => DataType::Boolean,
        Value::Timestamp(_) => DataType::Timestamp,
        _ => DataType::String,
    }
}

fn cast_overflow(v: &Value, to: &DataType) -> RuntimeError {
    RuntimeError {
        kind: "ArithmeticException",
        message: format!(
            "[CAST_OVERFLOW] The value {} of the type \"{}\" cannot be cast to \"{}\" due to an \
             overflow. Use `try_cast` to tolerate overflow and return NULL instead. \
             SQLSTATE: 22003",
            quoted(v),
            sql_name(&value_type(v)),
            sql_name(to)
        ),
    }
}

fn cast_invalid(v: &Value, to: &DataType) -> RuntimeError {
    RuntimeError {
        kind: "NumberFormatException",
        message: format!(
            "[CAST_INVALID_INPUT] The value {} of the type \"STRING\" cannot be cast to \"{}\" \
             because it is malformed. Correct the value as per the syntax, or change its target \
             type. Use `try_cast` to tolerate malformed input and return NULL instead. \
             SQLSTATE: 22018",
            quoted(v),
            sql_name(to)
        ),
    }
}

/// `CAST(v AS to)` for a cast [`check_cast`] allowed. A string becomes a number only when it
/// is one (surrounding white space aside): whole numbers as `[+-]digits` in the type's range
/// (`1.0` is malformed for an int, as in Spark), doubles as Java writes them; the rest is
/// Spark's malformed input.
pub fn cast(v: &Value, to: &DataType) -> Result<Value, RuntimeError> {
    let whole = |n: i64| -> Result<Value, RuntimeError> {
        match to {
            DataType::Int => i32::try_from(n)
                .map(Value::Int)
                .map_err(|_| cast_overflow(v, to)),
            DataType::Long => Ok(Value::Long(n)),
            _ => Ok(Value::Double(n as f64)),
        }
    };
    match (v, to) {
        (Value::Null, _) => Ok(Value::Null),
        (Value::String(s), DataType::String) => Ok(Value::String(s.clone())),
        (Value::Double(d), DataType::String) => {
            Ok(Value::String(crate::show::java_double(*d).into()))
        }
        (other, DataType::String) => Ok(Value::String(crate::show::cell_text(other).into())),
        (Value::Boolean(b), _) => whole(i64::from(*b)),
        (Value::Int(n), _) => whole(i64::from(*n)),
        (Value::Long(n), _) => whole(*n),
        (Value::Double(d), DataType::Double) => Ok(Value::Double(*d)),
        (Value::Double(d), _) => {
            let t = d.trunc();
            let fits = match to {
                DataType::Int => (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&t),
                // 2^63: the first double past the largest bigint.
                _ => (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&t),
            };
            if fits {
                whole(t as i64)
            } else {
                Err(cast_overflow(v, to))
            }
        }
        (Value::String(s), DataType::Double) => {
            // Java's number syntax (a `d`/`f` suffix allowed) and, as Spark adds, `inf`,
            // `Infinity` and `NaN` in any case; Rust's reading is that, less the suffix.
            let text = s.trim();
            let text = text.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(text);
            let hex = text.contains(['x', 'X']);
            match text.parse::<f64>() {
                Ok(d) if !hex => Ok(Value::Double(d)),
                _ => Err(cast_invalid(v, to)),
            }
        }
        (Value::String(s), _) => {
            let text = s.trim();
            let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(cast_invalid(v, to));
            }
            let n: i64 = text.parse().map_err(|_| cast_invalid(v, to))?;
            match to {
                DataType::Int => i32::try_from(n)
                    .map(Value::Int)
                    .map_err(|_| cast_invalid(v, to)),
                _ => Ok(Value::Long(n)),
            }
        }
        _ => Ok(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_number_arithmetic_overflows_as_ansi_spark_does() {
        let int = DataType::Int;
        assert_eq!(
            arith(ArithOp::Add, &Value::Int(2), &Value::Int(3), &int),
            Ok(Value::Int(5))
        );
        let e = arith(ArithOp::Add, &Value::Int(i32::MAX), &Value::Int(1), &int).unwrap_err();
        assert!(e
            .message
            .starts_with("[ARITHMETIC_OVERFLOW] integer overflow. Use 'try_add'"));
        let e = arith(
            ArithOp::Mul,
            &Value::Long(i64::MAX),
            &Value::Int(2),
            &DataType::Long,
        )
        .unwrap_err();
        assert!(e
            .message
            .starts_with("[ARITHMETIC_OVERFLOW] long overflow. Use 'try_multiply'"));
        assert_eq!(
            arith(ArithOp::Sub, &Value::Null, &Value::Int(1), &int),
            Ok(Value::Null)
        );
    }

    #[test]
    fn division_gives_a_double_and_refuses_zero() {
        let d = DataType::Double;
        assert_eq!(
            arith(ArithOp::Div, &Value::Int(21), &Value::Int(4), &d),
            Ok(Value::Double(5.25))
        );
        for zero in [Value::Int(0), Value::Double(0.0)] {
            let e = arith(ArithOp::Div, &Value::Double(1.5), &zero, &d).unwrap_err();
            assert_eq!(e.kind, "ArithmeticException");
            assert!(e.message.starts_with("[DIVIDE_BY_ZERO] Division by zero."));
        }
        assert_eq!(
            arith_type(ArithOp::Div, &DataType::Int, &DataType::Int, "x"),
            Ok(DataType::Double)
        );
        assert_eq!(
            arith_type(ArithOp::Add, &DataType::Int, &DataType::Long, "x"),
            Ok(DataType::Long)
        );
        assert!(arith_type(ArithOp::Add, &DataType::String, &DataType::Int, "x").is_err());
    }

    #[test]
    fn logic_is_three_valued_and_comparisons_with_null_are_null() {
        let (t, f, n) = (Value::Boolean(true), Value::Boolean(false), Value::Null);
        assert_eq!(and(&n, &f), f);
        assert_eq!(and(&n, &t), n);
        assert_eq!(or(&n, &t), t);
        assert_eq!(or(&n, &f), n);
        assert_eq!(not(&n), n);
        assert_eq!(compare(CmpOp::Lt, &Value::Int(1), &n), n);
        assert_eq!(compare(CmpOp::Gt, &Value::Int(2), &Value::Double(1.5)), t);
        assert_eq!(
            compare(
                CmpOp::Le,
                &Value::String("ab".into()),
                &Value::String("b".into())
            ),
            t
        );
        assert_eq!(
            compare(
                CmpOp::Eq,
                &Value::Double(f64::NAN),
                &Value::Double(f64::NAN)
            ),
            t
        );
    }

    #[test]
    fn casts_follow_ansi_rules() {
        assert_eq!(
            cast(&Value::Int(21), &DataType::String),
            Ok(Value::String("21".into()))
        );
        assert_eq!(
            cast(&Value::Double(2.0), &DataType::String),
            Ok(Value::String("2.0".into()))
        );
        assert_eq!(
            cast(&Value::Double(-1.9), &DataType::Int),
            Ok(Value::Int(-1))
        );
        assert_eq!(
            cast(&Value::Boolean(true), &DataType::Int),
            Ok(Value::Int(1))
        );
        assert_eq!(
            cast(&Value::String(" 7 ".into()), &DataType::Long),
            Ok(Value::Long(7))
        );
        let e = cast(&Value::String("ab".into()), &DataType::Int).unwrap_err();
        assert_eq!(e.kind, "NumberFormatException");
        assert!(e.message.starts_with(
            "[CAST_INVALID_INPUT] The value 'ab' of the type \"STRING\" cannot be cast to \"INT\""
        ));
        let e = cast(&Value::Long(i64::MAX), &DataType::Int).unwrap_err();
        assert!(e
            .message
            .starts_with("[CAST_OVERFLOW] The value 9223372036854775807L of the type \"BIGINT\""));
        // Each as PySpark 4.0.1 cast it.
        for (text, d) in [
            ("1e3", 1000.0),
            ("Infinity", f64::INFINITY),
            ("1d", 1.0),
            (".5", 0.5),
        ] {
            assert_eq!(
                cast(&Value::String(text.into()), &DataType::Double),
                Ok(Value::Double(d))
            );
        }
        for text in ["1.0", "1e3", "", "0x10", "99999999999"] {
            assert!(
                cast(&Value::String(text.into()), &DataType::Int).is_err(),
                "{text}"
            );
        }
        let e = cast(&Value::Double(f64::NAN), &DataType::Int).unwrap_err();
        assert_eq!(
            e.message,
            "[CAST_OVERFLOW] The value NaN of the type \"DOUBLE\" cannot be cast to \"INT\" due to \
             an overflow. Use `try_cast` to tolerate overflow and return NULL instead. SQLSTATE: 22003"
        );
        let e = negate(&Value::Int(i32::MIN)).unwrap_err();
        assert_eq!(
            e.message,
            "[ARITHMETIC_OVERFLOW] integer overflow. If necessary set \"spark.sql.ansi.enabled\" to \
             \"false\" to bypass this error. SQLSTATE: 22003"
        );
        assert!(check_cast(&DataType::Timestamp, &DataType::Int, "x").is_err());
    }
}
