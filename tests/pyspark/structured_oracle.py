"""Structured Streaming oracle: real PySpark 4.0.1 writes the goldens of crates/structured.

Two kinds of goldens (format and reasons in README.md, "Structured Streaming"):

* `crates/structured/tests/show/show_cases.json`: `Dataset.showString` of many small batch
  DataFrames (widths, unicode, long strings, numbers, nulls, timestamps, window structs,
  `numRows`, `truncate`), the text `show()` and the console sink print.
* `crates/structured/tests/queries/NAME.json`: one streaming query each (the notebook's three
  jobs and their variants), its input trigger by trigger, the exact console text, the
  per-batch progress (batch id, input rows, watermark, rows dropped by watermark), or the
  analysis error Spark raised at `start()`.

Input: a file source (`maxFilesPerTrigger` 1, one file per trigger, each run of consecutive
data triggers moved into the watched directory with one atomic `rename`) with
`processAllAvailable()`; the lines carry their event time (`TIMESTAMP<TAB>LINE`) and the query
turns them back into the socket source's columns (`value`, `timestamp`). Why not a socket
source: its `includeTimestamp` is the wall-clock arrival time, so late data cannot be
produced on purpose and no two runs agree.

Usage:
    python3 tests/pyspark/structured_oracle.py                 # everything
    python3 tests/pyspark/structured_oracle.py --show          # only the show cases
    python3 tests/pyspark/structured_oracle.py running_update  # only these queries
    python3 tests/pyspark/structured_oracle.py --out /tmp/s    # write below /tmp/s instead
"""
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone

import notebook_code
import spark_harness
from notebook_code import get_message_type

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDENS = os.path.join(ROOT, "crates", "structured", "tests")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Inputs: triggers of (event time, line). An empty trigger is a trigger at which no new
# data arrived (a stateful query with a watermark may run its no-data batch there). Every
# input ends with an empty trigger: with the file source Spark runs that no-data batch as
# soon as the last file is processed, so the end of the input must be such a trigger.

def t(hms):
    return "2026-11-24 " + hms


INPUTS = {
    # The notebook's DStream scenario `notebook_defaults`, lines arriving inside each 10 s
    # trigger: 3 notice + 2 error | info + error | notice + warn + info | error.
    "notebook": [
        [(t("10:00:01"), "[notice] child 1 started"), (t("10:00:02"), "[notice] child 2 started"),
         (t("10:00:03"), "[error] file not found"), (t("10:00:05"), "[notice] child 3 started"),
         (t("10:00:08"), "[error] permission denied")],
        [(t("10:00:12"), "[info] config loaded"), (t("10:00:19"), "[error] timeout")],
        [(t("10:00:21"), "[notice] reload"), (t("10:00:24"), "[warn] disk 91% full"),
         (t("10:00:29"), "[info] done")],
        [(t("10:00:33"), "[error] crash")],
        [],
        [],
    ],
    # Out of order and late rows for a 10 s watermark; consecutive data triggers (no
    # no-data batch between them) and quiet triggers.
    "late": [
        [(t("10:00:05"), "[info] a"), (t("10:00:12"), "[error] b"), (t("10:00:18"), "[info] c")],
        # watermark now 10:00:08: the window ending 10:00:10 is still open, so 10:00:07 counts
        [(t("10:00:25"), "[notice] d"), (t("10:00:07"), "[info] late but kept"),
         (t("10:00:02"), "[error] late but kept too")],
        [],
        # watermark 10:00:15: windows ending <= 10:00:15 are closed; 10:00:03 and 10:00:04
        # (windows ending 10:00:10) are dropped, 10:00:14 is kept (window ending 10:00:20)
        [(t("10:00:03"), "[info] too late"), (t("10:00:04"), "[error] too late"),
         (t("10:00:14"), "[info] kept"), (t("10:00:41"), "[error] jump")],
        [(t("10:00:44"), "[info] e"), (t("10:00:20"), "[notice] too late now")],
        [],
        [],
    ],
    # Many groups (several share a shuffle partition) and a long run of data triggers.
    "many": [
        [(t("10:00:%02d" % s), line) for s, line in
         [(1, "[info] x"), (2, "[notice] y"), (3, "[error] z"), (4, "something else"),
          (9, "[info] [error] both"), (9, "")]],
        [(t("10:00:%02d" % s), line) for s, line in
         [(11, "[error] a"), (15, "[notice] b"), (16, "[info] c"), (17, "[info] d")]],
        [(t("10:00:%02d" % s), line) for s, line in
         [(22, "x"), (31, "[notice] e"), (35, "[error] f")]],
        [(t("10:00:%02d" % s), line) for s, line in
         [(47, "[info] g"), (52, "[error] h"), (58, "[notice] i")]],
        [(t("10:01:%02d" % s), line) for s, line in
         [(5, "[info] j"), (9, "[info] k"), (13, "[error] l"), (14, "[notice] m")]],
        [],
        [(t("10:01:%02d" % s), line) for s, line in [(40, "[error] n")]],
        [],
    ],
    # Keys that share a shuffle partition (pmod(murmur3, 200)): the windows 09:59:50-10:00:10
    # of info and 10:01:40-10:02:00 of error (partition 99), 10:00:20-10:00:40 of unknown and
    # 10:00:50-10:01:10 of info (166); in one batch, then again in the opposite order.
    "ties": [
        [(t("10:01:45"), "[error] a"), (t("10:00:05"), "[info] b"), (t("10:00:25"), "c"),
         (t("10:01:05"), "[info] d")],
        [(t("10:01:06"), "[info] e"), (t("10:00:26"), "f"), (t("10:00:06"), "[info] g"),
         (t("10:01:46"), "[error] h")],
        [],
    ],
}

# ---------------------------------------------------------------------------------------
# Queries. `job`: per_trigger (foreachBatch + groupBy("type").count().show()), running
# (groupBy("type").count()), windowed (groupBy(window("timestamp", W, S), "type").count()),
# lines (no aggregation: the lines and their type). `window`: [duration, slide]. `type`: "udf" (the notebook's function
# as a Python UDF) or "when" (a when/contains column). `watermark`: withWatermark("timestamp",
# D) or None. `options`: the console sink's options.

WINDOW = ["20 seconds", "10 seconds"]



def windowed(name, input_name, mode, watermark="10 seconds"):
    """The windowed job: groupBy(window("timestamp", *WINDOW), "type").count()."""
    spec = {"name": name, "input": input_name, "job": "windowed", "window": WINDOW, "mode": mode}
    if watermark:
        spec["watermark"] = watermark
    spec["type"] = "when"
    return spec


QUERIES = [
    {"name": "per_trigger_counts", "input": "notebook", "job": "per_trigger", "type": "udf"},
    {"name": "per_trigger_counts_many", "input": "many", "job": "per_trigger", "type": "when"},
    {"name": "running_complete", "input": "notebook", "job": "running", "mode": "complete", "type": "udf"},
    {"name": "running_update", "input": "notebook", "job": "running", "mode": "update", "type": "when"},
    windowed("windowed_update", "notebook", "update"),
    windowed("windowed_append", "notebook", "append"),
    windowed("windowed_complete", "notebook", "complete"),
    windowed("windowed_update_late", "late", "update"),
    windowed("windowed_append_late", "late", "append"),
    windowed("windowed_complete_late", "late", "complete"),
    windowed("windowed_update_many", "many", "update"),
    windowed("windowed_append_many", "many", "append"),
    windowed("windowed_update_no_watermark", "late", "update", watermark=None),
    windowed("windowed_update_ties", "ties", "update", watermark=None),
    windowed("windowed_complete_ties", "ties", "complete", watermark=None),
    {"name": "lines_append", "input": "many", "job": "lines", "mode": "append", "type": "udf"},
    {"name": "lines_append_options", "input": "many", "job": "lines", "mode": "append", "type": "when",
     "options": {"numRows": "2", "truncate": "false"}},
    {"name": "error_running_append", "input": "notebook", "job": "running", "mode": "append", "type": "when"},
    windowed("error_windowed_append_no_watermark", "notebook", "append", watermark=None),
    {"name": "error_lines_complete", "input": "notebook", "job": "lines", "mode": "complete", "type": "when"},
]

# ---------------------------------------------------------------------------------------
# Show cases: (name, schema [(column, type)], rows, num_rows, truncate). Types: long, int,
# double, string, boolean, timestamp, window (struct<start: timestamp, end: timestamp>).
# Values as in the golden: doubles as Python's repr (so NaN and inf survive JSON),
# timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, windows as [start, end].

def show_cases():
    long_text = "a line longer than twenty characters"
    cases = [
        ("counts", [("type", "string"), ("count", "long")],
         [["notice", 3], ["error", 2]], 20, 20),
        ("empty", [("type", "string"), ("count", "long")], [], 20, 20),
        ("narrow_columns", [("a", "long"), ("b", "string")], [[1, "x"], [None, ""], [-5, None]], 20, 20),
        ("widths", [("x", "string"), ("long column name", "long")],
         [["a" * n, 10 ** n] for n in range(0, 19, 3)], 20, 20),
        ("truncation", [("value", "string")],
         [["a" * 19], ["b" * 20], ["c" * 21], [long_text], ["x" * 17 + "yyyy"]], 20, 20),
        ("truncation_off", [("value", "string")], [[long_text], ["short"]], 20, 0),
        ("truncate_5", [("value", "string"), ("n", "long")], [[long_text, 123456789]], 20, 5),
        ("truncate_3", [("value", "string"), ("n", "long")], [[long_text, 123456789]], 20, 3),
        ("unicode", [("text", "string"), ("n", "long")],
         [["été", 1], ["日本語のテキスト", 2], ["ｆｕｌｌ", 3], ["emoji 😀!", 4],
          ["한국어", 5], ["日本語日本語日本語日本語日本語日本語日本語", 6], ["ümlaut ümlaut ümlaut ü", 7]], 20, 20),
        ("control_chars", [("text", "string")], [["tab\there"], ["new\nline"], ["cr\rx"], ["back\\slash"]], 20, 20),
        ("long_header", [("a very long column name indeed", "long")], [[1]], 20, 20),
        ("numbers", [("l", "long"), ("i", "int"), ("d", "double")],
         [[0, 0, 0.0], [-1, -1, -0.0], [9223372036854775807, 2147483647, 1.0],
          [-9223372036854775808, -2147483648, 0.1], [None, None, None]], 20, 20),
        ("doubles", [("d", "double")],
         [[x] for x in [1.0, 0.1, 1e20, 1e7, 9999999.0, 1e-3, 1e-4, 123456789.123, 1 / 3, 2 / 3,
                        float("nan"), float("inf"), float("-inf"), 1e-300, 5e-324, 1.7976931348623157e308,
                        100.0, 1234567.0, 0.5, 2e-3, 12345678.9, -2.5, 1e21, 1e16, 4.35]], 40, 20),
        ("booleans", [("b", "boolean"), ("n", "long")], [[True, 1], [False, 2], [None, 3]], 20, 20),
        ("timestamps", [("ts", "timestamp")],
         [[t("10:00:00")], [t("10:00:00.500000")], [t("23:59:59.123456")], [t("00:00:00.001000")],
          ["1970-01-01 00:00:00"], ["1969-12-31 23:59:59"], [None]], 20, 20),
        ("timestamps_untruncated", [("ts", "timestamp"), ("n", "long")],
         [[t("10:00:00"), 1], [t("10:00:00.500000"), 2], [t("23:59:59.123456"), 3], [t("00:00:00.001000"), 4],
          [t("00:00:00.000001"), 5], ["1969-12-31 23:59:59.500000", 6], [None, 7]], 20, 0),
        ("unicode_untruncated", [("text", "string"), ("n", "long")],
         [["日本語のテキスト", 1], ["abc", 2], ["ｆｕｌｌ width", 3]], 20, 0),
        ("windows", [("window", "window"), ("type", "string"), ("count", "long")],
         [[[t("10:00:00"), t("10:00:20")], "info", 2], [[t("09:59:50"), t("10:00:10")], "error", 1],
          [[t("10:00:00.250000"), t("10:00:20.250000")], "notice", 3], [None, "x", 0]], 20, 20),
        ("windows_untruncated", [("window", "window"), ("count", "long")],
         [[[t("10:00:00"), t("10:00:20")], 2], [[t("10:00:00.250000"), t("10:00:20.250000")], 3], [None, 4],
          [[None, t("10:00:20")], 5]], 20, 0),
        ("top_20", [("n", "long")], [[n] for n in range(25)], 20, 20),
        ("top_1", [("n", "long")], [[n] for n in range(3)], 1, 20),
        ("top_exact", [("n", "long")], [[n] for n in range(3)], 3, 20),
        ("top_0", [("n", "long")], [[n] for n in range(3)], 0, 20),
        ("nulls", [("s", "string"), ("l", "long"), ("d", "double"), ("b", "boolean"), ("ts", "timestamp")],
         [[None, None, None, None, None]], 20, 20),
        ("strings_like_values", [("s", "string")], [["null"], ["NULL"], [" padded "], ["-1"]], 20, 20),
    ]
    return cases


def parse_ts(s):
    if s is None:
        return None
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in s else "%Y-%m-%d %H:%M:%S"
    return datetime.strptime(s, fmt).replace(tzinfo=timezone.utc)


def spark_type(name):
    from pyspark.sql import types as T

    return {
        "long": T.LongType(), "int": T.IntegerType(), "double": T.DoubleType(), "string": T.StringType(),
        "boolean": T.BooleanType(), "timestamp": T.TimestampType(),
        "window": T.StructType([T.StructField("start", T.TimestampType()), T.StructField("end", T.TimestampType())]),
    }[name]


def to_spark(value, typ):
    if value is None:
        return None
    if typ == "timestamp":
        return parse_ts(value)
    if typ == "window":
        return (parse_ts(value[0]), parse_ts(value[1]))
    return value


def to_golden(value, typ):
    if typ == "double" and value is not None:
        return repr(value)
    return value


def run_show_cases(spark, out_dir):
    from pyspark.sql import types as T

    goldens = []
    for name, schema, rows, num_rows, truncate in show_cases():
        st = T.StructType([T.StructField(c, spark_type(ty)) for c, ty in schema])
        data = [tuple(to_spark(v, ty) for v, (_, ty) in zip(row, schema)) for row in rows]
        df = spark.createDataFrame(data, st)
        text = df._jdf.showString(num_rows, truncate, False)
        goldens.append({
            "name": name, "schema": [[c, ty] for c, ty in schema],
            "rows": [[to_golden(v, ty) for v, (_, ty) in zip(row, schema)] for row in rows],
            "num_rows": num_rows, "truncate": truncate, "output": text,
        })
        log("show", name, "ok")
    path = os.path.join(out_dir, "show")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "show_cases.json"), "w", encoding="utf-8") as f:
        json.dump(goldens, f, indent=1, ensure_ascii=False)
        f.write("\n")


# ---------------------------------------------------------------------------------------
# Streaming queries.

def message_type_column(kind):
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    if kind == "udf":
        return F.udf(get_message_type, StringType())(F.col("value"))
    v = F.col("value")
    return (F.when(v.contains("[info]"), "info").when(v.contains("[notice]"), "notice")
            .when(v.contains("[error]"), "error").otherwise("unknown"))


def build_query(spark, spec, watch_glob, checkpoint, console_out):
    """The query as a student writes it, on the socket source's columns (value, timestamp)."""
    from pyspark.sql import functions as F

    raw = spark.readStream.option("maxFilesPerTrigger", 1).text(watch_glob)
    parts = F.split(F.col("value"), "\t", 2)
    lines = raw.select(parts.getItem(1).alias("value"), F.to_timestamp(parts.getItem(0)).alias("timestamp"))
    typed = lines.withColumn("type", message_type_column(spec["type"]))
    if spec.get("watermark"):
        typed = typed.withWatermark("timestamp", spec["watermark"])
    job = spec["job"]
    if job == "per_trigger":
        def show_counts(df, batch_id):
            df.groupBy("type").count().show()
            sys.stdout.flush()

        writer = typed.writeStream.foreachBatch(show_counts)
    else:
        if job == "running":
            result = typed.groupBy("type").count()
        elif job == "windowed":
            result = typed.groupBy(F.window("timestamp", *spec["window"]), "type").count()
        else:
            result = typed.select("value", "type")
        writer = result.writeStream.format("console").outputMode(spec["mode"])
        for k, v in spec.get("options", {}).items():
            writer = writer.option(k, v)
    return writer.option("checkpointLocation", checkpoint).start()


def write_run(watch_dir, run_index, triggers, first_mtime):
    """One run of consecutive data triggers: files f0, f1, ... (mtimes increasing, so
    maxFilesPerTrigger=1 takes them in order) in a directory renamed into the watched one at
    once, so Spark never sees part of a run and runs no no-data batch inside it."""
    staging = tempfile.mkdtemp(prefix="run-", dir=os.path.dirname(watch_dir))
    for i, trig in enumerate(triggers):
        path = os.path.join(staging, "f%03d.txt" % i)
        with open(path, "w", encoding="utf-8") as f:
            for ts, line in trig:
                f.write(ts + "\t" + line + "\n")
        os.utime(path, (first_mtime + i, first_mtime + i))
    os.rename(staging, os.path.join(watch_dir, "run%03d" % run_index))


def batch_progress(query):
    """Progress of the batches that ran (idle-trigger reports have no addBatch)."""
    out = []
    for p in query.recentProgress:
        if "addBatch" not in p.get("durationMs", {}):
            continue
        ops = p.get("stateOperators", [])
        out.append({
            "batch": p["batchId"],
            "input_rows": p["numInputRows"],
            "watermark": p.get("eventTime", {}).get("watermark"),
            "rows_dropped_by_watermark": sum(o.get("numRowsDroppedByWatermark", 0) for o in ops),
            "state_rows": sum(o.get("numRowsTotal", 0) for o in ops) if ops else None,
        })
    return out


def run_query(spark, spec, console_out):
    from pyspark.errors import PySparkException

    triggers = INPUTS[spec["input"]]
    assert not triggers[-1], "an input must end with an empty trigger"
    work = tempfile.mkdtemp(prefix="structured-")
    watch = os.path.join(work, "in")
    os.makedirs(watch)
    checkpoint = os.path.join(work, "checkpoint")
    golden = {"name": spec["name"], "query": spec,
              "input": [[list(r) for r in trig] for trig in triggers]}
    start_offset = console_size(console_out)
    try:
        try:
            query = build_query(spark, spec, os.path.join(watch, "*"), checkpoint, console_out)
        except PySparkException as e:
            golden["error"] = {"condition": e.getCondition(), "message": e.getMessage(), "str": str(e)}
            golden["output"] = read_console(console_out, start_offset)
            return golden
        mtime = time.time() - 3600
        run, run_index, expected_rows = [], 0, 0
        for trig in triggers:
            if trig:
                run.append(trig)
                continue
            if run:
                write_run(watch, run_index, run, mtime)
                mtime += len(run) + 1
                run_index += 1
                expected_rows += sum(len(x) for x in run)
                run = []
                wait_processed(query, expected_rows)
        query.processAllAvailable()
        query.stop()
        golden["progress"] = batch_progress(query)
        golden["output"] = read_console(console_out, start_offset)
        return golden
    finally:
        shutil.rmtree(work, ignore_errors=True)


def wait_processed(query, expected_rows):
    """processAllAvailable until Spark has read every row written so far (a listing that
    started before the rename could let one call return early)."""
    deadline = time.time() + 900
    while True:
        query.processAllAvailable()
        seen = sum(p["input_rows"] for p in batch_progress(query))
        if seen >= expected_rows:
            return
        if time.time() > deadline:
            raise RuntimeError("Spark did not read the input in 900 s (%d of %d rows)" % (seen, expected_rows))
        time.sleep(0.5)


def console_size(console_out):
    sys.stdout.flush()
    return os.fstat(console_out).st_size


def read_console(console_out, start_offset):
    sys.stdout.flush()
    time.sleep(0.2)
    with open("/proc/self/fd/%d" % console_out, "rb") as f:
        f.seek(start_offset)
        return f.read().decode("utf-8")


def main(argv):
    out_dir = GOLDENS
    if "--out" in argv:
        i = argv.index("--out")
        out_dir = argv[i + 1]
        del argv[i:i + 2]
    only_show = "--show" in argv
    names = [a for a in argv if not a.startswith("--")]
    os.environ["TZ"] = "UTC"
    time.tzset()
    # The JVM inherits fd 1: the console sink's println lands in this file, and so do the
    # foreachBatch show()s (Python's print, flushed): one stream in the order written.
    console_path = tempfile.mktemp(prefix="structured-console-")
    fd = os.open(console_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    saved_stdout = os.dup(1)
    os.dup2(fd, 1)
    os.close(fd)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    from pyspark.sql import SparkSession

    # The UDF runs in the Python workers, which cannot import notebook_code: ship it by value.
    spark_harness.ship_by_value(notebook_code)
    spark = (SparkSession.builder.master("local[2]").appName("structured-oracle")
             .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
             .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
             .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    failed = 0
    if not names:
        run_show_cases(spark, out_dir)
    if not only_show:
        qdir = os.path.join(out_dir, "queries")
        os.makedirs(qdir, exist_ok=True)
        by_name = {q["name"]: q for q in QUERIES}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise SystemExit("unknown queries: %s" % " ".join(unknown))
        # In the order given (the slow stateful ones can be put last).
        for spec in [by_name[n] for n in names] if names else QUERIES:
            began = time.time()
            try:
                golden = run_query(spark, spec, 1)
            except Exception as e:  # an oracle bug: no golden
                failed += 1
                log("FAILED", spec["name"], repr(e))
                continue
            with open(os.path.join(qdir, spec["name"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(golden, f, indent=1, ensure_ascii=False)
                f.write("\n")
            log("query", spec["name"], "%.0f s" % (time.time() - began))
    spark.stop()
    sys.stdout.flush()
    os.dup2(saved_stdout, 1)
    os.unlink(console_path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
