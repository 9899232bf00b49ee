//! What the Structured Streaming natives do beyond the PySpark goldens: the arrival time of
//! lines pushed without one, the lab's refusals (with the line that asked), Spark's analysis
//! errors raised where PySpark raises them, errors in a foreachBatch function.

use dstream_playground::{Input, Job, JobConfig};

const HEAD: &str = "from pyspark.sql import SparkSession\n\
from pyspark.sql.functions import col, when, window, udf\n\
spark = SparkSession.builder.getOrCreate()\n\
lines = spark.readStream.format(\"socket\").option(\"host\", \"h\").option(\"port\", 9999).option(\"includeTimestamp\", True).load()\n";

/// 2026-11-24 10:00:00 UTC in ms.
const START_MS: i64 = 1_795_514_400_000;

fn job(body: &str) -> Job {
    let config = JobConfig {
        start_ms: START_MS,
        parallelism: 2,
        input: Input::Live,
    };
    Job::from_source(config, &format!("{HEAD}{body}"), "job.py")
}

/// The 1-based line of `needle` in the program.
fn line_of(body: &str, needle: &str) -> u32 {
    let program = format!("{HEAD}{body}");
    program.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1
}

#[test]
fn lines_pushed_without_a_time_arrive_when_their_trigger_interval_began() {
    let body = "q = lines.writeStream.format(\"console\").option(\"truncate\", False)\
.trigger(processingTime=\"10 seconds\").start()\nq.awaitTermination()\n";
    let mut job = job(body);
    assert!(job.failed().is_none(), "{:?}", job.failed());
    assert_eq!(job.batch_interval_ms(), Some(10_000));
    job.push_lines(["first"]);
    let one = job.run_batch();
    assert!(
        one.text.contains("|first|2026-11-24 10:00:00|"),
        "{}",
        one.text
    );
    job.push_lines(["second"]);
    let two = job.run_batch();
    assert!(
        two.text.contains("|second|2026-11-24 10:00:10|"),
        "{}",
        two.text
    );
    assert!(two.text.contains("Batch: 1"), "{}", two.text);
    job.push_lines_at(["third"], START_MS + 25_500);
    let three = job.run_batch();
    assert!(
        three.text.contains("|third|2026-11-24 10:00:25.5|"),
        "{}",
        three.text
    );
    // A trigger without lines runs no batch (a stateless query has no no-data batch).
    let idle = job.run_batch();
    assert_eq!(idle.text, "");
    assert_eq!(job.batches_run(), 4);
}

#[test]
fn constructs_outside_the_subset_say_so_with_their_line() {
    for (body, construct) in [
        ("x = lines.orderBy(\"value\")\n", "DataFrame.orderBy"),
        (
            "x = lines.groupBy(\"value\").agg()\n",
            "agg() without aggregate columns",
        ),
        (
            "x = lines.groupBy(\"value\").pivot(\"value\")\n",
            "GroupedData.pivot",
        ),
        (
            "from pyspark.sql.functions import expr\nx = expr(\"value\")\n",
            "pyspark.sql.functions.expr",
        ),
        (
            "from pyspark.sql.functions import split\nx = split(lines.value, \"\\\\s+\")\n",
            "split with the regular expression '\\s+'",
        ),
        (
            "x = lines.writeStream.format(\"memory\").start()\n",
            "writeStream.format('memory')",
        ),
    ] {
        let job = job(body);
        let failure = job.failed().expect("a refusal");
        assert_eq!(failure.error.kind, "NotImplementedError", "{body}");
        assert!(
            failure
                .error
                .message
                .starts_with(&format!("not supported in the lab: {construct}")),
            "{body}: {}",
            failure.error.message
        );
        assert_eq!(failure.error.line(), Some(line_of(body, "x = ")), "{body}");
    }
}

#[test]
fn a_missing_column_fails_at_the_call_that_names_it_with_sparks_condition() {
    let body = "typed = lines.withColumn(\"type\", col(\"valu\").contains(\"[error]\"))\n";
    let job = job(body);
    let failure = job.failed().expect("an analysis error");
    assert_eq!(failure.error.kind, "AnalysisException");
    assert!(
        failure.error.message.starts_with(
            "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `valu` cannot be resolved. Did you mean one of the following? [`value`, `timestamp`]."
        ),
        "{}",
        failure.error.message
    );
    assert_eq!(failure.error.line(), Some(line_of(body, "withColumn")));
}

#[test]
fn complete_mode_without_an_aggregation_is_refused_at_start() {
    let body = "q = lines.writeStream.outputMode(\"complete\").format(\"console\").start()\n";
    let job = job(body);
    let failure = job.failed().expect("an analysis error");
    assert_eq!(failure.error.kind, "AnalysisException");
    assert!(failure
        .error
        .message
        .contains("Invalid streaming output mode: complete."));
}

#[test]
fn an_error_in_the_foreach_batch_function_stops_the_job_at_its_trigger() {
    let body = "def f(df, batch_id):\n    df.show()\n    print(1 / (1 - batch_id))\n\
q = lines.select(\"value\").writeStream.foreachBatch(f).start()\nq.awaitTermination()\n";
    let mut job = job(body);
    job.push_lines(["a"]);
    let one = job.run_batch();
    assert!(one.failure.is_none(), "{:?}", one.failure);
    assert_eq!(
        one.text,
        "+-----+\n|value|\n+-----+\n|    a|\n+-----+\n\n1.0\n"
    );
    job.push_lines(["b"]);
    let two = job.run_batch();
    let failure = two.failure.expect("ZeroDivisionError");
    assert_eq!(failure.error.kind, "ZeroDivisionError");
    assert_eq!(failure.batch, 2);
    assert_eq!(failure.error.line(), Some(line_of(body, "print(1 /")));
    assert!(!job.running());
}

#[test]
fn a_streaming_context_and_a_structured_query_in_one_program_are_refused() {
    let body = "from pyspark.streaming import StreamingContext\n\
ssc = StreamingContext(spark.sparkContext, 10)\n\
q = lines.writeStream.format(\"console\").start()\n";
    let job = job(body);
    let failure = job.failed().expect("a refusal");
    assert!(
        failure
            .error
            .message
            .contains("a StreamingContext and a Structured Streaming query in one program"),
        "{}",
        failure.error.message
    );
}

#[test]
fn column_operators_are_refused_not_silently_compared() {
    for (body, expected) in [
        (
            "x = lines.where(col(\"value\") == \"a\")\n",
            "NotImplementedError: not supported in the lab: comparing columns with == or != (use .contains(...), when(...) or a udf)",
        ),
        (
            "x = lines.where(col(\"value\") > 3)\n",
            "TypeError: '>' not supported between instances of 'Column' and 'int'",
        ),
        (
            "x = lines.select(length(\"value\") + 1)\n",
            "TypeError: unsupported operand type(s) for +: 'Column' and 'int'",
        ),
    ] {
        let body = format!("from pyspark.sql.functions import length\n{body}");
        let job = job(&body);
        let failure = job.failed().expect("a refusal");
        assert_eq!(failure.error.to_string(), expected);
        assert_eq!(failure.error.line(), Some(line_of(&body, "x = ")));
    }
}
