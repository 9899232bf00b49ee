//! What the Structured Streaming natives do beyond the PySpark goldens: the arrival time of
//! lines pushed without one, the lab's refusals (with the line that asked), Spark's analysis
//! errors raised where PySpark raises them, errors in a foreachBatch function, Spark's run-time
//! errors (ANSI arithmetic, casts) and the SQL texts selectExpr reads.

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
fn a_column_refuses_to_be_a_bool_as_in_pyspark() {
    let refusal = "PySparkValueError: [CANNOT_CONVERT_COLUMN_INTO_BOOL] Cannot convert column into \
bool: please use '&' for 'and', '|' for 'or', '~' for 'not' when building DataFrame boolean expressions.";
    for body in [
        "x = lines.where(col(\"value\") == \"a\" and col(\"value\") == \"b\")\n",
        "x = lines.where(not col(\"value\").contains(\"a\"))\n",
        "x = lines.where(1 < length(\"value\") < 3)\n",
        "x = 1 if col(\"value\") == \"a\" else 2\n",
    ] {
        assert_refused_at_x(
            &format!("from pyspark.sql.functions import length\n{body}"),
            refusal,
        );
    }
}

#[test]
fn python_operators_on_columns_build_the_plans_of_their_methods() {
    let query = "q = x.writeStream.format(\"console\").option(\"truncate\", False).start()\n\
q.awaitTermination()\n";
    let lines = ["ab", "[error] x", "x", "abcde"];
    for (operators, methods, names) in [
        (
            "lines.where(col(\"value\").contains(\"[error]\") | (col(\"value\") == \"x\"))",
            "lines.where(col(\"value\").contains(\"[error]\").__or__(col(\"value\").__eq__(\"x\")))",
            &["|[error] x|2026", "|x        |2026"][..],
        ),
        (
            "lines.select(length(\"value\").alias(\"n\")).withColumn(\"n2\", col(\"n\") + 1)\
.select(\"n2\", 10 / col(\"n\"), -col(\"n\"), ~(col(\"n\") > 3), 3 < col(\"n\"), \
(col(\"n\") >= 2) & (col(\"n\") != 5), 2 * col(\"n\"))",
            "lines.select(length(\"value\").alias(\"n\")).withColumn(\"n2\", col(\"n\").__add__(1))\
.select(\"n2\", col(\"n\").__rtruediv__(10), col(\"n\").__neg__(), col(\"n\").__gt__(3).__invert__(), \
col(\"n\").__gt__(3), col(\"n\").__ge__(2).__and__(col(\"n\").__ne__(5)), col(\"n\").__rmul__(2))",
            &[
                "|n2 |",
                "|(10 / n)  ",
                "|negative(n)|(NOT (n > 3))|(n > 3)|((n >= 2) AND (NOT (n = 5)))|(n * 2)|",
            ][..],
        ),
    ] {
        let program = |x: &str| format!("from pyspark.sql.functions import length\nx = {x}\n{query}");
        let (with_operators, failure) = one_trigger(&program(operators), &lines);
        assert!(failure.is_none(), "{failure:?}");
        let (with_methods, failure) = one_trigger(&program(methods), &lines);
        assert!(failure.is_none(), "{failure:?}");
        for name in names {
            assert!(with_operators.contains(name), "{name}: {with_operators}");
        }
        assert_eq!(with_operators, with_methods);
    }
}

/// Asserts the program `body` failed at its `x = ` line with `expected` (`Type: message`).
fn assert_refused_at_x(body: &str, expected: &str) {
    let job = job(body);
    let failure = job.failed().expect("a refusal");
    assert_eq!(failure.error.to_string(), expected);
    assert_eq!(failure.error.line(), Some(line_of(body, "x = ")));
}

/// The console text and the failure of a query over one trigger of `lines`.
fn one_trigger(body: &str, lines: &[&str]) -> (String, Option<dstream_playground::JobFailure>) {
    let mut job = job(body);
    assert!(job.failed().is_none(), "{body}: {:?}", job.failed());
    job.push_lines_at(lines.iter().copied(), START_MS);
    let result = job.run_batch();
    (result.text, result.failure)
}

#[test]
fn spark_run_time_errors_stop_the_query_with_sparks_class_and_words() {
    let console = "q = x.writeStream.format(\"console\").start()\nq.awaitTermination()\n";
    for (step, kind, start) in [
        (
            "x = lines.selectExpr(\"length(value) / 0\")\n",
            "ArithmeticException",
            "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide`",
        ),
        (
            "x = lines.selectExpr(\"length(value) * 2147483647\")\n",
            "ArithmeticException",
            "[ARITHMETIC_OVERFLOW] integer overflow. Use 'try_multiply'",
        ),
        (
            "x = lines.select(col(\"value\").cast(\"int\"))\n",
            "NumberFormatException",
            "[CAST_INVALID_INPUT] The value 'ab' of the type \"STRING\" cannot be cast to \"INT\"",
        ),
    ] {
        let (text, failure) = one_trigger(&format!("{step}{console}"), &["ab"]);
        let failure = failure.expect("a run-time error");
        assert_eq!(
            (failure.error.kind.as_str(), failure.batch),
            (kind, 1),
            "{step}"
        );
        assert!(
            failure.error.message.starts_with(start),
            "{step}: {}",
            failure.error.message
        );
        assert_eq!(text, "", "{step}: a failed micro-batch prints nothing");
    }
}

#[test]
fn select_expr_and_casts_compute_with_sparks_types_and_nulls() {
    let body = "x = lines.selectExpr(\"value\", \"length(value) - 3 AS n\")\
.selectExpr(\"n\", \"n / 2 AS half\", \"n > 0 OR value = 'ab'\", \"-n\")\
.select(\"n\", col(\"half\").cast(\"string\").alias(\"s\"), col(\"n\").isNull())\n\
q = x.writeStream.format(\"console\").start()\nq.awaitTermination()\n";
    let (text, failure) = one_trigger(body, &["ab", "abcde"]);
    assert!(failure.is_none(), "{failure:?}");
    assert!(text.contains("|  n|   s|(n IS NULL)|"), "{text}");
    assert!(text.contains("| -1|-0.5|      false|"), "{text}");
    assert!(text.contains("|  2| 1.0|      false|"), "{text}");
}

#[test]
fn what_the_lab_does_not_compute_is_refused_at_its_line() {
    for (body, expected) in [
        (
            "x = lines.selectExpr(\"count(*)\")\n",
            "NotImplementedError: not supported in the lab: selectExpr of '*' in 'count(*)'",
        ),
        (
            "x = lines.selectExpr(\"value + 1\")\n",
            "NotImplementedError: not supported in the lab: (value + 1): arithmetic on a non-numeric column (cast it first)",
        ),
        (
            "x = lines.groupBy(\"value\").sum(\"value\")\n",
            "AnalysisException: \"value\" is not a numeric column. Aggregation function can only be applied on a numeric column.",
        ),
        (
            "x = lines.select(col(\"timestamp\").cast(\"int\"))\n",
            "NotImplementedError: not supported in the lab: timestamp: a cast from TIMESTAMP to INT",
        ),
    ] {
        assert_refused_at_x(body, expected);
    }
}

#[test]
fn column_operator_methods_build_sparks_expressions() {
    // What PySpark's `col + 1`, `10 / col`, `(a > 3) & (a != 5)`, `~(a >= 3)` call.
    let body = "from pyspark.sql.functions import length\n\
x = lines.select(length(\"value\").alias(\"n\")).select(col(\"n\").__add__(1), \
col(\"n\").__rtruediv__(10), col(\"n\").__gt__(3).__and__(col(\"n\").__ne__(5)), \
col(\"n\").__ge__(3).__invert__())\n\
q = x.writeStream.format(\"console\").option(\"truncate\", False).start()\nq.awaitTermination()\n";
    let (text, failure) = one_trigger(body, &["ab", "abcde"]);
    assert!(failure.is_none(), "{failure:?}");
    assert!(
        text.contains("|(n + 1)|(10 / n)|((n > 3) AND (NOT (n = 5)))|(NOT (n >= 3))|"),
        "{text}"
    );
    assert!(
        text.contains("|3      |5.0     |false                      |true          |"),
        "{text}"
    );
    assert!(
        text.contains("|6      |2.0     |false                      |false         |"),
        "{text}"
    );
}

/// UDFs whose bodies have quick forms (the notebook's `if "lit" in line` chain, one whose arms
/// leave some results to the call, the chain's texts as another type, a constant, a parameter
/// returned, an int sum): their console text, run as written (the chains scanned by the query
/// itself, see `UdfChain`), is the text of the same UDFs rewritten so that no quick form takes
/// them (a statement before the body, which the interpreter runs), on lines that test the
/// chain's searches at their edges.
#[test]
fn udfs_with_quick_forms_give_what_their_interpreted_calls_give() {
    let body = r#"from pyspark.sql.functions import length
def kind(line):
    if "[info]" in line:
        t = "info"
    elif "[notice]" in line:
        t = "notice"
    elif "[error]" in line:
        t = "error"
    else:
        t = "unknown"
    return t
def same(line):
    return line
def tag(line):
    return "x"
def plus(a, b):
    return a + b
def tagged(line):
    if "[info]" in line:
        line = "info"
    elif "[error]" in line:
        u = "error"
    return line
v = col("value")
n = length(v)
x = lines.select(udf(kind)(v).alias("k"), udf(same)(v).alias("s"), udf(tag)(v).alias("t"),
                 udf(plus, "int")(n, n).alias("n"), udf(tagged)(v).alias("g"),
                 udf(kind, "int")(v).alias("i"))
q = x.writeStream.format("console").option("truncate", False).start()
q.awaitTermination()
"#;
    let general = body
        .replace("    if \"[info]\"", "    z = 0\n    if \"[info]\"")
        .replace("    return line\n", "    z = 0\n    return line\n")
        .replace("    return \"x\"\n", "    z = 0\n    return \"x\"\n")
        .replace("    return a + b\n", "    z = 0\n    return a + b\n");
    // Every function's body starts with a statement (`tagged` has two).
    assert_eq!(general.matches("z = 0").count(), 6);
    let lines = [
        "[notice] x [info]",
        "[[info]",
        "[error][notice]",
        "[inf",
        "",
        "日本 [error]",
        "[noticed] [error]",
        "[Mon Nov 24 10:00:00 2026] [info] up",
    ];
    let (quick, failure) = one_trigger(body, &lines);
    assert!(failure.is_none(), "{failure:?}");
    assert_eq!(one_trigger(&general, &lines), (quick.clone(), None));
    for row in [
        "|info   |[notice] x [info]                   |x  |34 |info             |NULL|",
        "|unknown|[inf                                |x  |8  |[inf             |NULL|",
        "|error  |[noticed] [error]                   |x  |34 |[noticed] [error]|NULL|",
    ] {
        assert!(quick.contains(row), "{quick}");
    }
}

/// The console text of `program` over two triggers of lines that hit a class chain's arms, its
/// `else` and a line holding two of its literals.
fn two_triggers(program: &str) -> String {
    let mut job = job(program);
    assert!(job.failed().is_none(), "{:?}", job.failed());
    let mut text = String::new();
    for lines in [
        &["[info] a", "[error] b", "c", "[info] a"][..],
        &["x", "[error] [info]"],
    ] {
        job.push_lines_at(lines.iter().copied(), START_MS);
        let result = job.run_batch();
        assert!(result.failure.is_none(), "{:?}", result.failure);
        text.push_str(&result.text);
    }
    text
}

/// Counts grouped by a UDF chain's class (the lean path when every result is known, the
/// general path when one is left to the call), over two triggers: the console text of the
/// UDFs as written equals that of the same UDFs with no quick form.
#[test]
fn counts_by_a_udf_chain_give_what_the_interpreted_calls_give() {
    let body = r#"def kind(line):
    if "[info]" in line:
        t = "info"
    elif "[error]" in line:
        t = "error"
    else:
        t = "other"
    return t
def tagged(line):
    if "[info]" in line:
        line = "info"
    return line
v = col("value")
typed = lines.withColumn("k", udf(kind)(v)).withColumn("g", udf(tagged)(v))
for keys in (["k"], ["g", "k"]):
    typed.groupBy(*keys).count().writeStream.outputMode("complete").format("console").start()
"#;
    let general = body
        .replace("    if \"[info]\"", "    z = 0\n    if \"[info]\"")
        .replace("    return line\n", "    z = 0\n    return line\n");
    let quick = two_triggers(body);
    assert_eq!(two_triggers(&general), quick);
    assert!(quick.contains("| info|    3|"), "{quick}");
    assert!(quick.contains("|[error] b|error|    1|"), "{quick}");
}

/// A `foreachBatch` function on lines typed by a UDF chain (the batch kept lean: its rows made
/// when read, counted by type without them) does what it does on the same lines typed by the
/// same UDF with no quick form (the rows made at the trigger): counts by type, by text, the
/// rows shown, counted, and a step on them.
#[test]
fn a_lean_foreach_batch_frame_gives_what_a_made_one_gives() {
    let body = r#"def kind(line):
    if "[info]" in line:
        t = "info"
    elif "[error]" in line:
        t = "error"
    else:
        t = "other"
    return t
def per_batch(df, batch_id):
    df.groupBy("type").count().show()
    df.groupBy("value", "type").count().show()
    df.show(3)
    print(df.count(), df.isEmpty())
    df.where(col("type") == "info").groupBy("type").count().show()
typed = lines.withColumn("type", udf(kind)(col("value")))
typed.writeStream.foreachBatch(per_batch).start()
"#;
    let general = body.replace("    if \"[info]\"", "    z = 0\n    if \"[info]\"");
    let lean = two_triggers(body);
    assert_eq!(two_triggers(&general), lean);
    assert!(lean.contains("|[error] b|error|    1|"), "{lean}");
    assert!(lean.contains("only showing top 3 rows"), "{lean}");
    assert!(lean.contains("4 False"), "{lean}");
}
