//! Python's iteration protocol over the lab's values: what `for x in v`,
//! `list(v)` and a `flatMap` function's result yield.

use crate::error::PyError;
use crate::value::Value;

/// The items `for x in value` yields, in Python's order: a string's
/// characters, a dict's keys, a range's numbers, a host iterable's items;
/// `TypeError: 'int' object is not iterable` for what Python cannot iterate.
/// The interpreter's own iteration (`for`, `list()`), for the host.
pub fn iterate(value: &Value) -> Result<Vec<Value>, PyError> {
    crate::ops::collect(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reprs(v: &Value) -> Vec<String> {
        iterate(v)
            .unwrap()
            .iter()
            .map(|x| format!("{x:?}"))
            .collect()
    }

    #[test]
    fn strings_ranges_and_dicts_iterate_as_python_does() {
        assert_eq!(reprs(&Value::str("hé")), ["'h'", "'é'"]);
        assert_eq!(reprs(&Value::Range(5, 0, -2)), ["5", "3", "1"]);
        assert_eq!(
            reprs(&Value::tuple(vec![Value::Int(1), Value::None])),
            ["1", "None"]
        );
    }

    #[test]
    fn numbers_are_not_iterable() {
        let err = iterate(&Value::Int(3)).unwrap_err();
        assert_eq!(err.to_string(), "TypeError: 'int' object is not iterable");
    }
}
