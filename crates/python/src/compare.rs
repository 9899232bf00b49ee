//! Python's ordering (`<`) of the lab's values, and `sorted()` built on it.

use std::cmp::Ordering;

use crate::error::PyError;
use crate::value::Value;

/// Python's `a < b`: numbers by value (exactly, int against float), strings
/// by code point, tuples and lists item by item; `TypeError: '<' not
/// supported between instances of 'str' and 'int'` otherwise.
pub fn less_than(a: &Value, b: &Value) -> Result<bool, PyError> {
    Ok(order(a, b)? == Some(Ordering::Less))
}

/// How `a` compares with `b` under Python's `<` and `==`: `None` when neither
/// is less and they are not equal (a `nan` among them).
fn order(a: &Value, b: &Value) -> Result<Option<Ordering>, PyError> {
    use Value::{Bool, Float, Int, List, Str, Tuple};
    Ok(match (a, b) {
        (Int(_) | Bool(_), Int(_) | Bool(_)) => Some(int_of(a).cmp(&int_of(b))),
        (Float(x), Float(y)) => x.partial_cmp(y),
        (Int(_) | Bool(_), Float(f)) => int_float(int_of(a), *f),
        (Float(f), Int(_) | Bool(_)) => int_float(int_of(b), *f).map(Ordering::reverse),
        (Str(x), Str(y)) => Some(x.cmp(y)),
        (Tuple(x), Tuple(y)) => sequences(x, y)?,
        (List(x), List(y)) => sequences(&x.borrow().clone(), &y.borrow().clone())?,
        _ => {
            return Err(PyError::type_error(format!(
                "'<' not supported between instances of '{}' and '{}'",
                a.type_name(),
                b.type_name()
            )))
        }
    })
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// An int against a float, exactly: beyond 2**53 every float is integral, so
/// integral floats compare as integers and the others as floats.
fn int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return Some(i.cmp(&(f as i64)));
    }
    (i as f64).partial_cmp(&f)
}

/// Python's sequence comparison: the first items that differ decide, else the
/// shorter sequence is less.
fn sequences(x: &[Value], y: &[Value]) -> Result<Option<Ordering>, PyError> {
    for (a, b) in x.iter().zip(y) {
        if a != b {
            return order(a, b);
        }
    }
    Ok(Some(x.len().cmp(&y.len())))
}

/// `sorted(items, key=..., reverse=...)` on precomputed keys: a stable sort by
/// `<` (with `reverse`, equal keys still keep their order, as in Python).
/// Returns the first comparison error, as Python raises it.
pub fn sort_by_keys(items: Vec<(Value, Value)>, reverse: bool) -> Result<Vec<Value>, PyError> {
    let mut items = items;
    let mut failure: Option<PyError> = None;
    items.sort_by(|(ka, _), (kb, _)| {
        if failure.is_some() {
            return Ordering::Equal;
        }
        let (first, second) = if reverse { (kb, ka) } else { (ka, kb) };
        match less_than(first, second) {
            Ok(true) => Ordering::Less,
            Ok(false) => match less_than(second, first) {
                Ok(true) => Ordering::Greater,
                Ok(false) => Ordering::Equal,
                Err(e) => {
                    failure = Some(e);
                    Ordering::Equal
                }
            },
            Err(e) => {
                failure = Some(e);
                Ordering::Equal
            }
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(items.into_iter().map(|(_, v)| v).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn numbers_strings_and_tuples_order_as_in_python() {
        assert!(less_than(&Value::Int(1), &Value::Float(1.5)).unwrap());
        assert!(!less_than(&Value::Float(2.0), &Value::Int(2)).unwrap());
        assert!(less_than(&Value::Bool(false), &Value::Int(1)).unwrap());
        assert!(less_than(&s("Z"), &s("a")).unwrap());
        let t = |a: &str, n: i64| Value::tuple(vec![s(a), Value::Int(n)]);
        assert!(less_than(&t("a", 9), &t("b", 0)).unwrap());
        assert!(less_than(&t("a", 1), &t("a", 2)).unwrap());
        assert!(less_than(&Value::tuple(vec![s("a")]), &t("a", 0)).unwrap());
    }

    #[test]
    fn mixed_types_raise_pythons_type_error() {
        let err = less_than(&s("a"), &Value::Int(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "TypeError: '<' not supported between instances of 'str' and 'int'"
        );
        let none = less_than(&Value::None, &Value::None).unwrap_err();
        assert!(none.message.contains("'NoneType' and 'NoneType'"));
    }

    #[test]
    fn sorting_is_stable_in_both_directions() {
        let items = |pairs: &[(i64, &str)]| -> Vec<(Value, Value)> {
            pairs.iter().map(|(k, v)| (Value::Int(*k), s(v))).collect()
        };
        let input = items(&[(2, "a"), (1, "b"), (2, "c"), (1, "d")]);
        let up = sort_by_keys(input.clone(), false).unwrap();
        assert_eq!(format!("{up:?}"), "['b', 'd', 'a', 'c']");
        let down = sort_by_keys(input, true).unwrap();
        assert_eq!(format!("{down:?}"), "['a', 'c', 'b', 'd']");
    }
}
