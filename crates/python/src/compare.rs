//! Python's ordering (`<`) of the lab's values, and `sorted()` built on it.

use crate::ast::CmpOp;
use crate::error::PyError;
use crate::value::Value;

/// Python's `a < b`: numbers by value (exactly, int against float), strings
/// by code point, tuples and lists item by item, sets by inclusion;
/// `TypeError: '<' not supported between instances of 'str' and 'int'`
/// otherwise. The interpreter's own `<`, for the host.
pub fn less_than(a: &Value, b: &Value) -> Result<bool, PyError> {
    crate::ops::order(CmpOp::Lt, a, b)
}

/// `sorted(items, key=..., reverse=...)` on precomputed keys: a stable sort by
/// `<` (with `reverse`, equal keys still keep their order, as in Python).
/// Returns the first comparison error, as Python raises it. The interpreter's
/// own `sorted`, for the host.
pub fn sort_by_keys(items: Vec<(Value, Value)>, reverse: bool) -> Result<Vec<Value>, PyError> {
    crate::builtins::sort_by_keys(items, reverse)
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
