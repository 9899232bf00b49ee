//! The plan's rules beyond the PySpark goldens: grouping keys of several columns stay apart,
//! `explode(split(...))` makes a row per part, generators only where Spark allows them.

use dstream_structured::operators::RuntimeError;
use dstream_structured::{
    Aggregation, Expr, GroupKey, Line, Lines, OutputMode, Query, Request, Sink, Source, Step,
    StreamingQuery, Value,
};

fn column(name: &str) -> Expr {
    Expr::Column(name.to_string())
}

/// The queries here call no UDF; a run-time error is the test's result.
fn no_udf(request: Request) -> Result<Value, RuntimeError> {
    match request {
        Request::Udf(..) => Ok(Value::Null),
        Request::Fail(e) => Err(e),
    }
}

fn query(steps: Vec<Step>, group_by: Option<Aggregation>, mode: OutputMode) -> Query {
    Query {
        source: Source {
            include_timestamp: false,
        },
        steps,
        group_by,
        mode,
        sink: Sink::CONSOLE,
    }
}

/// The rows the query's first batch gives over `lines`.
fn first_batch(query: Query, lines: &[&str]) -> Vec<Vec<Value>> {
    let lines: Vec<Line> = lines
        .iter()
        .map(|l| Line {
            timestamp: 0,
            value: (*l).into(),
        })
        .collect();
    let mut running = StreamingQuery::start(query).expect("a valid query");
    let batch = running
        .trigger(&Lines::from(lines), &mut no_udf)
        .expect("no run-time error");
    batch.expect("a batch").rows.to_vec()
}

fn text(s: &str) -> Value {
    Value::String(s.into())
}

#[test]
fn grouping_by_two_string_columns_keeps_every_pair_apart() {
    let steps = vec![Step::WithColumn(
        "low".to_string(),
        Expr::Lower(Box::new(column("value"))),
    )];
    let keys = vec![
        GroupKey::Column("value".to_string()),
        GroupKey::Column("low".to_string()),
    ];
    let mut rows = first_batch(
        query(steps, Some(Aggregation::count(keys)), OutputMode::Complete),
        &["a", "A", "a", "b"],
    );
    rows.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(
        rows,
        vec![
            vec![text("A"), text("a"), Value::Long(1)],
            vec![text("a"), text("a"), Value::Long(2)],
            vec![text("b"), text("b"), Value::Long(1)],
        ]
    );
}

#[test]
fn explode_of_split_makes_a_row_per_part_keeping_empty_parts() {
    let words = Expr::Alias(
        Box::new(Expr::Explode(Box::new(Expr::Split(
            Box::new(column("value")),
            " ".to_string(),
        )))),
        "word".to_string(),
    );
    let rows = first_batch(
        query(vec![Step::Select(vec![words])], None, OutputMode::Append),
        &["a b", "", "c  d"],
    );
    let words: Vec<Value> = rows.into_iter().flatten().collect();
    assert_eq!(
        words,
        ["a", "b", "", "c", "", "d"].map(text).to_vec(),
        "Java's split with limit -1 keeps empty parts, as str::split does"
    );
}

#[test]
fn a_generator_inside_an_expression_or_two_in_a_select_are_refused_as_spark_does() {
    let explode = || Expr::Explode(Box::new(Expr::Split(Box::new(column("value")), " ".into())));
    let nested = query(
        vec![Step::Select(vec![Expr::Lower(Box::new(explode()))])],
        None,
        OutputMode::Append,
    );
    let e = StreamingQuery::start(nested).expect_err("nested generator");
    assert_eq!(e.condition, "UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS");
    let two = query(
        vec![Step::Select(vec![explode(), explode()])],
        None,
        OutputMode::Append,
    );
    let e = StreamingQuery::start(two).expect_err("two generators");
    assert_eq!(e.condition, "UNSUPPORTED_GENERATOR.MULTI_GENERATOR");
    let missing = query(
        vec![Step::Select(vec![column("valu")])],
        None,
        OutputMode::Append,
    );
    let e = StreamingQuery::start(missing).expect_err("a missing column");
    assert_eq!(e.condition, "UNRESOLVED_COLUMN.WITH_SUGGESTION");
}

#[test]
fn aggregates_merge_across_batches_as_spark_merges_partial_buffers() {
    use dstream_structured::{AggFn, Aggregate};
    let len = || Some(Expr::Length(Box::new(column("value"))));
    let aggregation = Aggregation {
        keys: vec![],
        aggregates: vec![
            Aggregate::new(AggFn::Count, None),
            Aggregate::new(AggFn::Sum, len()),
            Aggregate::new(AggFn::Avg, len()),
            Aggregate::new(AggFn::Min, Some(column("value"))),
            Aggregate::new(AggFn::Max, Some(column("value"))),
        ],
    };
    let names: Vec<&str> = aggregation
        .aggregates
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "count(1)",
            "sum(length(value))",
            "avg(length(value))",
            "min(value)",
            "max(value)"
        ]
    );
    let mut running =
        StreamingQuery::start(query(Vec::new(), Some(aggregation), OutputMode::Complete))
            .expect("a valid query");
    let lines = |values: &[&str]| -> Vec<Line> {
        values
            .iter()
            .map(|v| Line {
                timestamp: 0,
                value: (*v).into(),
            })
            .collect()
    };
    running
        .trigger(&Lines::from(lines(&["bb", "a"])), &mut no_udf)
        .expect("no run-time error");
    let second = running
        .trigger(&Lines::from(lines(&["ccc", "B"])), &mut no_udf)
        .expect("no run-time error");
    assert_eq!(
        second.expect("a batch").rows.to_vec(),
        vec![vec![
            Value::Long(4),
            Value::Long(7),
            Value::Double(1.75),
            text("B"),
            text("ccc"),
        ]],
        "min and max compare UTF-8 bytes: 'B' < 'a'"
    );
}
