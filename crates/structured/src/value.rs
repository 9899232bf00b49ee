//! The typed values of the Structured Streaming subset: Spark SQL types, rows and schemas.

use std::rc::Rc;

/// A Spark SQL data type of the subset (the types the notebook's jobs produce and `show()` prints).
#[derive(Clone, Debug, PartialEq)]
pub enum DataType {
    /// `bigint` (`count()` results).
    Long,
    /// `int`.
    Int,
    /// `double`.
    Double,
    /// `string`.
    String,
    /// `boolean`.
    Boolean,
    /// `timestamp`: microseconds since the epoch, printed in the session time zone.
    Timestamp,
    /// `struct<...>`, e.g. the `window` column (`struct<start: timestamp, end: timestamp>`).
    Struct(Vec<Field>),
    /// `array<...>` (`split`'s result).
    Array(Box<DataType>),
}

impl DataType {
    /// The type of `window(...)`'s column: `struct<start: timestamp, end: timestamp>`.
    pub fn window() -> DataType {
        DataType::Struct(vec![
            Field::new("start", DataType::Timestamp),
            Field::new("end", DataType::Timestamp),
        ])
    }
}

/// A named column of a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The column's name as `show()` prints it in the header.
    pub name: String,
    /// The column's type.
    pub data_type: DataType,
}

impl Field {
    /// A field named `name` of type `data_type`.
    pub fn new(name: &str, data_type: DataType) -> Field {
        Field {
            name: name.to_string(),
            data_type,
        }
    }
}

/// A DataFrame's columns, in order.
pub type Schema = Vec<Field>;

/// One value of a row; `Null` is SQL's NULL of any type.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// NULL.
    Null,
    /// A `bigint`.
    Long(i64),
    /// An `int`.
    Int(i32),
    /// A `double`.
    Double(f64),
    /// A `string`, shared: a literal, a UDF's result or a line's text is the same text in
    /// every row that holds it, so copying a cell copies a pointer, not the text.
    String(Rc<str>),
    /// A `boolean`.
    Boolean(bool),
    /// A `timestamp` in microseconds since 1970-01-01 00:00:00 UTC.
    Timestamp(i64),
    /// A `struct`'s fields, in the struct type's order.
    Struct(Vec<Value>),
    /// An `array`'s elements.
    Array(Vec<Value>),
}

/// A value as a grouping key compares: equal keys group together (doubles by their bits,
/// with -0.0 as 0.0 and every NaN as one, as Spark normalises them).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KeyPart {
    /// NULL.
    Null,
    /// A whole number (`bigint`, `int`) or a timestamp, with its type's tag.
    Number(u8, i64),
    /// A double's normalised bits.
    Double(u64),
    /// A string.
    String(Rc<str>),
    /// A boolean.
    Boolean(bool),
    /// A struct's or an array's parts, with its type's tag.
    Nested(u8, Vec<KeyPart>),
}

impl KeyPart {
    /// The key form of `value`.
    pub fn of(value: &Value) -> KeyPart {
        match value {
            Value::Null => KeyPart::Null,
            Value::Long(n) => KeyPart::Number(0, *n),
            Value::Int(n) => KeyPart::Number(1, i64::from(*n)),
            Value::Timestamp(n) => KeyPart::Number(2, *n),
            Value::Double(d) => KeyPart::Double(if d.is_nan() {
                f64::NAN.to_bits()
            } else if *d == 0.0 {
                0
            } else {
                d.to_bits()
            }),
            Value::String(s) => KeyPart::String(s.clone()),
            Value::Boolean(b) => KeyPart::Boolean(*b),
            Value::Struct(fields) => KeyPart::Nested(0, fields.iter().map(KeyPart::of).collect()),
            Value::Array(items) => KeyPart::Nested(1, items.iter().map(KeyPart::of).collect()),
        }
    }

    /// The key form of a whole grouping key.
    pub fn of_key(key: &[Value]) -> Vec<KeyPart> {
        key.iter().map(KeyPart::of).collect()
    }
}

/// One row: a value per column of the schema.
pub type Row = Vec<Value>;

/// Microseconds in a second (Spark stores timestamps as microseconds).
pub const MICROS_PER_SECOND: i64 = 1_000_000;
