//! Operations on a batch DataFrame, the one `foreachBatch` hands its function each trigger:
//! `groupBy(keys).count()` / `.agg(...)` as Spark's hash aggregation orders it.

use crate::aggregate::Aggregation;
use crate::micro_batch::in_partition_order;
use crate::plan::Call;
use crate::query::AnalysisError;
use crate::sink_rows::SinkRows;
use crate::value::{Row, Schema};

/// `df.groupBy(keys).agg(...)` of a batch: the result's schema and rows in Spark's order (by
/// shuffle partition, then in the order the batch first saw the keys), or Spark's error for a
/// column the batch lacks. `call` runs the UDFs of the aggregates' inputs. A lean batch
/// counted by its classes is grouped without making its rows ([`SinkRows::group`]).
pub fn group_aggregate<E>(
    schema: &Schema,
    rows: &SinkRows,
    aggregation: &Aggregation,
    call: Call<E>,
) -> Result<Result<(Schema, Vec<Row>), E>, AnalysisError> {
    let result = aggregation.schema(schema)?;
    let groups = match rows.group(aggregation, schema) {
        Some(groups) => Ok(groups),
        None => aggregation.group(schema, rows, call),
    };
    Ok(groups.map(|groups| {
        let rows = groups
            .iter()
            .map(|(key, buffers)| aggregation.row(key, buffers))
            .collect();
        (result, in_partition_order(rows, aggregation.keys.len()))
    }))
}
