use super::*;
use crate::engine::{example, EXAMPLES};

fn program(name: &str) -> &'static str {
    example(name).expect("an example of the menu").source
}

#[test]
fn every_example_of_the_menu_is_seen_asking_for_its_batch_interval() {
    for e in EXAMPLES {
        let job = ProgramJob::start(e.source, 0, 2);
        assert_eq!(job.interval_ms(), Some(10_000), "{}", e.name);
    }
}

#[test]
fn a_keyword_or_fractional_batch_duration_is_seen_and_the_job_still_runs() {
    let src = program("network_word_count").replace(
        "StreamingContext(spark.sparkContext, 10)",
        "StreamingContext(spark.sparkContext, batchDuration=2.5)",
    );
    assert!(
        src.contains("batchDuration=2.5"),
        "the example changed: {src}"
    );
    let mut job = ProgramJob::start(&src, 0, 2);
    assert_eq!(job.interval_ms(), Some(2_500));
    job.job().push_lines(["a b a"]);
    let r = job.job_mut().run_batch();
    assert!(r.failure.is_none(), "{:?}", r.failure);
    assert!(r.text.contains("('a', 2)"), "{}", r.text);
}

#[test]
fn a_program_without_a_streaming_context_has_no_interval() {
    let job = ProgramJob::start("print(1 + 1)\n", 0, 2);
    assert_eq!(job.interval_ms(), None);
    assert_eq!(job.job().output(), "2\n");
}

#[test]
fn a_syntax_error_reads_as_cpython_prints_it_with_the_caret_under_its_column() {
    let src = program("network_word_count")
        .replace("lambda word: (word, 1)", "lambda word: (word, 1 +* 2)");
    assert!(src.contains("+*"), "the example changed: {src}");
    let job = ProgramJob::start(&src, 0, 2);
    let failure = job.job().failed().expect("a syntax error stops the job");
    let text = traceback(&failure.error, &src);
    let line = src.lines().position(|l| l.contains("+*")).unwrap() + 1;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("  File \"job.py\", line {line}"),
        "{text}"
    );
    let shown = lines[1].strip_prefix("    ").unwrap();
    let caret = lines[2].find('^').unwrap() - 4;
    assert_eq!(&shown[caret..caret + 1], "*", "{text}");
    assert_eq!(lines[3], "SyntaxError: invalid syntax");
}

#[test]
fn a_runtime_error_reads_as_a_traceback_ending_in_the_lambda() {
    let src = "from pyspark.sql import SparkSession\n\
               from pyspark.streaming import StreamingContext\n\
               spark = SparkSession.builder.getOrCreate()\n\
               ssc = StreamingContext(spark.sparkContext, 10)\n\
               ssc.socketTextStream('h', 1).map(lambda l: 1 // 0).pprint()\n\
               ssc.start()\n\
               ssc.awaitTermination()\n";
    let mut job = ProgramJob::start(src, 0, 2);
    job.job().push_lines(["x"]);
    let failure = job.job_mut().run_batch().failure.expect("1 // 0 fails");
    let text = traceback(&failure.error, src);
    assert!(
        text.starts_with("Traceback (most recent call last):\n"),
        "{text}"
    );
    assert!(
        text.contains("line 5, in <lambda>\n    ssc.socketTextStream('h', 1).map(lambda l: 1 // 0).pprint()\n"),
        "{text}"
    );
    assert!(
        text.ends_with("ZeroDivisionError: integer division or modulo by zero"),
        "{text}"
    );
}
