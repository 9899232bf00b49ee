//! Python's iteration protocol over the lab's values: what `for x in v`,
//! `list(v)` and a `flatMap` function's result yield.

use crate::error::PyError;
use crate::value::Value;

/// The items `for x in value` yields, in Python's order: a string's
/// characters, a dict's keys, a range's numbers; `TypeError: 'int' object is
/// not iterable` for what Python cannot iterate.
pub fn iterate(value: &Value) -> Result<Vec<Value>, PyError> {
    Ok(match value {
        Value::Str(s) => s
            .chars()
            .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
            .collect(),
        Value::Tuple(items) => items.to_vec(),
        Value::List(items) => items.borrow().clone(),
        Value::Dict(d) | Value::Set(d) => d.borrow().keys().cloned().collect(),
        Value::Range(start, stop, step) => range_items(*start, *stop, *step),
        Value::Native(n) => n.iter_values().ok_or_else(|| not_iterable(value))?,
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            return Err(not_iterable(value))
        }
    })
}

fn not_iterable(value: &Value) -> PyError {
    PyError::type_error(format!("'{}' object is not iterable", value.type_name()))
}

fn range_items(start: i64, stop: i64, step: i64) -> Vec<Value> {
    let mut out = Vec::new();
    let mut i = start;
    // A zero step cannot be built (`range()` refuses it); guard anyway.
    while step != 0 && ((step > 0 && i < stop) || (step < 0 && i > stop)) {
        out.push(Value::Int(i));
        match i.checked_add(step) {
            Some(next) => i = next,
            None => break,
        }
    }
    out
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
