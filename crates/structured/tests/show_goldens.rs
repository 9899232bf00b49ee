//! `show_string` equals `Dataset.showString` of real PySpark 4.0.1 on every case of
//! `tests/show/show_cases.json` (written by tests/pyspark/structured_oracle.py).

use crate::common;

use dstream_structured::{show_string, DataType, Field, Value};
use serde_json::Value as Json;

#[test]
fn show_string_equals_spark_on_every_golden_case() {
    let cases = common::read_json(&common::golden_dir("show").join("show_cases.json"));
    let cases = cases.as_array().expect("a list of cases");
    assert!(cases.len() >= 20, "the golden has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let schema: Vec<Field> = case["schema"]
            .as_array()
            .expect("a schema")
            .iter()
            .map(|f| {
                Field::new(
                    f[0].as_str().expect("a column"),
                    data_type(f[1].as_str().expect("a type")),
                )
            })
            .collect();
        let rows: Vec<_> = case["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| {
                row.as_array()
                    .expect("a row")
                    .iter()
                    .zip(&schema)
                    .map(|(v, f)| value(v, &f.data_type))
                    .collect()
            })
            .collect();
        let num_rows = case["num_rows"].as_u64().expect("num_rows") as usize;
        let truncate = case["truncate"].as_u64().expect("truncate") as usize;
        let ours = show_string(&schema, &rows, num_rows, truncate);
        let spark = case["output"].as_str().expect("output");
        if ours != spark {
            failures.push(format!("case {name}:\n--- Spark\n{spark}--- ours\n{ours}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The oracle's type names.
pub fn data_type(name: &str) -> DataType {
    match name {
        "long" => DataType::Long,
        "int" => DataType::Int,
        "double" => DataType::Double,
        "string" => DataType::String,
        "boolean" => DataType::Boolean,
        "timestamp" => DataType::Timestamp,
        "window" => DataType::window(),
        other => panic!("unknown type {other} in a golden"),
    }
}

/// A golden's value of type `ty` (doubles as Python's repr, timestamps as text, windows as
/// [start, end]).
pub fn value(json: &Json, ty: &DataType) -> Value {
    if json.is_null() {
        return Value::Null;
    }
    match ty {
        DataType::Long => Value::Long(json.as_i64().expect("a long")),
        DataType::Int => Value::Int(json.as_i64().expect("an int") as i32),
        DataType::Double => Value::Double(python_float(json.as_str().expect("a double's repr"))),
        DataType::String => Value::String(json.as_str().expect("a string").into()),
        DataType::Boolean => Value::Boolean(json.as_bool().expect("a boolean")),
        DataType::Timestamp => Value::Timestamp(common::timestamp(json)),
        DataType::Struct(fields) => Value::Struct(
            json.as_array()
                .expect("a struct's fields")
                .iter()
                .zip(fields)
                .map(|(v, f)| value(v, &f.data_type))
                .collect(),
        ),
        DataType::Array(element) => Value::Array(
            json.as_array()
                .expect("an array's elements")
                .iter()
                .map(|v| value(v, element))
                .collect(),
        ),
    }
}

fn python_float(repr: &str) -> f64 {
    match repr {
        "nan" => f64::NAN,
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        r => r.parse().unwrap_or_else(|_| panic!("bad float {r}")),
    }
}
