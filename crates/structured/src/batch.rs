//! Operations on a batch DataFrame, the one `foreachBatch` hands its function each trigger:
//! `groupBy(keys).count()` as Spark's hash aggregation orders it.

use std::collections::HashMap;

use crate::micro_batch::in_partition_order;
use crate::plan::{keys_of, GroupKey};
use crate::query::AnalysisError;
use crate::value::{DataType, Field, KeyPart, Row, Schema, Value};

/// `df.groupBy(keys).count()` of a batch: the result's schema and rows in Spark's order
/// (by shuffle partition, then in the order the batch first saw the keys), or Spark's error
/// for a key column the batch lacks.
pub fn group_count(
    schema: &Schema,
    rows: &[Row],
    keys: &[GroupKey],
) -> Result<(Schema, Vec<Row>), AnalysisError> {
    let mut result = keys
        .iter()
        .map(|k| k.field(schema))
        .collect::<Result<Schema, AnalysisError>>()?;
    result.push(Field::new("count", DataType::Long));
    let mut counts: Vec<Row> = Vec::new();
    let mut index: HashMap<Vec<KeyPart>, usize> = HashMap::new();
    for row in rows {
        for key in keys_of(keys, schema, row) {
            let id = KeyPart::of_key(&key);
            match index.get(&id) {
                Some(&i) => {
                    if let Some(Value::Long(n)) = counts[i].last_mut() {
                        *n += 1;
                    }
                }
                None => {
                    index.insert(id, counts.len());
                    let mut row = key;
                    row.push(Value::Long(1));
                    counts.push(row);
                }
            }
        }
    }
    Ok((result, in_partition_order(counts, keys.len())))
}
