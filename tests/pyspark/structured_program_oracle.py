#!/usr/bin/env python3
"""PySpark oracle for the playground's Structured Streaming programs.

Runs each program's OWN SOURCE (crates/playground/tests/programs/structured/NAME.py) through
real PySpark 4.0.1 and writes next to it:

  NAME.stdout.txt   exactly what the program printed: the console sink's batches and the
                    foreachBatch functions' show()s, in the order Spark wrote them
  NAME.error.json   only if the program failed: {"type", "message", "line", "batch"}
  inputs/INPUT.json the triggers fed (one list of [event time, line] per trigger), from
                    structured_oracle.INPUTS, so the Rust test feeds the same lines

What is swapped under the program (README.md, "Structured Streaming programs"), and nothing
else (the program's text is run as it is, by exec):

* `spark.readStream.format("socket")...load()` -> structured_oracle's file source: one file
  per trigger, each line `EVENT TIME<TAB>LINE`, turned back into the socket source's columns
  (`value`, plus `timestamp` when the program set `includeTimestamp`): the socket source's
  timestamp is the wall-clock arrival time, which cannot be controlled.
* `writeStream.trigger(processingTime=...)` -> the default trigger: the oracle itself decides
  when each trigger's lines arrive (file by file, `processAllAvailable()`), so the
  processing-time clock would only add waits.
* `writeStream...start()` -> the same, with a temporary `checkpointLocation`.
* `query.awaitTermination()` -> feed the input trigger by trigger, wait until Spark read it
  all (no deadline), stop the query, end the program (statements after it do not run, as
  none runs after a blocking awaitTermination).

Usage:
  python3 tests/pyspark/structured_program_oracle.py              # every program of the manifest
  python3 tests/pyspark/structured_program_oracle.py NAME.py ...  # just these
"""
import os
import sys

# Python's str hash is fixed at interpreter start and must be PySpark's workers' (see
# program_oracle.py): the same re-exec.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spark_harness as harness  # noqa: E402

harness.prepare_driver()  # TZ=UTC before the JVM

import builtins  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

import program_oracle  # noqa: E402
import structured_oracle  # noqa: E402

log = harness.log
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PROGRAM_DIR = os.path.join(ROOT, "crates", "playground", "tests", "programs", "structured")


class ProgramEnd(BaseException):
    """Raised by the patched awaitTermination once every trigger ran."""


class TriggerFailed(Exception):
    """The query stopped with `cause` at trigger `batch` (1-based, empty triggers counted:
    the lab's `Job.run_batch` runs one trigger per call)."""

    def __init__(self, batch, cause):
        super().__init__(str(cause))
        self.batch = batch
        self.cause = cause


class Run:
    """The program being run: its input, its working directory, its started queries."""

    def __init__(self, triggers):
        assert not triggers[-1], "an input must end with an empty trigger"
        self.triggers = triggers
        self.work = tempfile.mkdtemp(prefix="structured-program-")
        self.watch = os.path.join(self.work, "in")
        os.makedirs(self.watch)
        self.queries = []
        self.driven = False


RUN = {"run": None}
ORIG = {}


def current():
    run = RUN["run"]
    if run is None:
        raise RuntimeError("oracle: Structured Streaming used outside a program run")
    return run


# --- the patches ---------------------------------------------------------------------------

def _reader_format(self, source):
    self._lab_format = source
    return ORIG["format"](self, source)


def _reader_option(self, key, value):
    options = getattr(self, "_lab_options", None)
    if options is None:
        options = self._lab_options = {}
    options[key] = value
    return ORIG["option"](self, key, value)


def _reader_load(self, path=None, format=None, schema=None, **options):
    if (format or getattr(self, "_lab_format", None)) != "socket":
        return ORIG["load"](self, path, format, schema, **options)
    from pyspark.sql import functions as F

    run = current()
    given = dict(getattr(self, "_lab_options", {}), **options)
    raw = self._spark.readStream.option("maxFilesPerTrigger", 1).text(os.path.join(run.watch, "*"))
    parts = F.split(F.col("value"), "\t", 2)
    columns = [parts.getItem(1).alias("value")]
    if str(given.get("includeTimestamp", "false")).lower() == "true":
        columns.append(F.to_timestamp(parts.getItem(0)).alias("timestamp"))
    return raw.select(*columns)


def _writer_trigger(self, *args, **kwargs):
    return self


def _writer_start(self, *args, **kwargs):
    run = current()
    self.option("checkpointLocation", os.path.join(run.work, "checkpoint%d" % len(run.queries)))
    query = ORIG["start"](self, *args, **kwargs)
    run.queries.append(query)
    return query


def _await_termination(self, timeout=None):
    drive(current())
    raise ProgramEnd()


def install_patches():
    from pyspark.sql.streaming import DataStreamReader, DataStreamWriter, StreamingQuery

    for cls, name, fn in [(DataStreamReader, "format", _reader_format),
                          (DataStreamReader, "option", _reader_option),
                          (DataStreamReader, "load", _reader_load),
                          (DataStreamWriter, "trigger", _writer_trigger),
                          (DataStreamWriter, "start", _writer_start),
                          (StreamingQuery, "awaitTermination", _await_termination)]:
        ORIG[name if name != "awaitTermination" else "await"] = getattr(cls, name)
        setattr(cls, name, fn)


# --- driving the triggers ------------------------------------------------------------------

def drive(run):
    """structured_oracle's feeding: each run of consecutive data triggers as one atomic
    rename, waiting (no deadline but the harness's generous one) until Spark read it."""
    run.driven = True
    if not run.queries:
        return
    query = run.queries[0]
    mtime = time.time() - 3600
    pending, run_index, expected_rows = [], 0, 0
    for trig in run.triggers:
        if trig:
            pending.append(trig)
            continue
        if pending:
            structured_oracle.write_run(run.watch, run_index, pending, mtime)
            mtime += len(pending) + 1
            run_index += 1
            expected_rows += sum(len(x) for x in pending)
            pending = []
            try:
                structured_oracle.wait_processed(query, expected_rows)
            except Exception as e:  # noqa: BLE001
                raise TriggerFailed(failed_trigger(run.triggers, query), e) from e
    query.processAllAvailable()


def failed_trigger(triggers, query):
    """The first trigger whose rows no completed batch read."""
    done = sum(p["input_rows"] for p in structured_oracle.batch_progress(query))
    seen = 0
    for k, trig in enumerate(triggers, 1):
        seen += len(trig)
        if trig and seen > done:
            return k
    return len(triggers)


def stop_queries(run):
    for q in run.queries:
        try:
            q.stop()
        except Exception:  # noqa: BLE001
            log("warning: error while stopping:", traceback.format_exc())


# --- one program ---------------------------------------------------------------------------

def run_program(name, input_name, console_out):
    filename = name + ".py"
    with open(os.path.join(PROGRAM_DIR, filename)) as f:
        source = f.read()
    triggers = structured_oracle.INPUTS[input_name]
    write_input(input_name, triggers)
    base = os.path.join(PROGRAM_DIR, name)
    run = RUN["run"] = Run(triggers)
    start_offset = structured_oracle.console_size(console_out)
    error = None
    try:
        code = compile(source, filename, "exec")
        exec(code, {"__name__": "__main__", "__builtins__": builtins})
        if run.queries and not run.driven:
            drive(run)
    except ProgramEnd:
        pass
    except TriggerFailed as e:
        error = dict(program_oracle.describe_error(e.cause, filename), batch=e.batch)
        log(traceback.format_exc())
    except BaseException as e:  # noqa: BLE001
        error = program_oracle.describe_error(e, filename)
        log(traceback.format_exc())
    finally:
        stop_queries(run)
        RUN["run"] = None
        shutil.rmtree(run.work, ignore_errors=True)
    text = structured_oracle.read_console(console_out, start_offset)
    with open(base + ".stdout.txt", "w", encoding="utf-8") as f:
        f.write(text)
    error_path = base + ".error.json"
    if error is not None:
        with open(error_path, "w") as f:
            json.dump(error, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return "error %s: %s (line %s)" % (error["type"], error["message"], error["line"])
    if os.path.exists(error_path):
        os.remove(error_path)
    return "ok, %d lines" % text.count("\n")


def write_input(input_name, triggers):
    path = os.path.join(PROGRAM_DIR, "inputs", input_name + ".json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump([[list(line) for line in trig] for trig in triggers], f, indent=1, ensure_ascii=False)
        f.write("\n")


def main(argv):
    with open(os.path.join(PROGRAM_DIR, "manifest.json")) as f:
        manifest = {e["program"][: -len(".py")]: e["input"] for e in json.load(f)}
    names = [os.path.basename(a)[: -len(".py")] for a in argv] or list(manifest)
    missing = [n for n in names if n not in manifest]
    if missing:
        raise SystemExit("not in manifest.json: %s" % " ".join(missing))
    # The JVM inherits fd 1: the console sink's println lands in this file, and so do the
    # foreachBatch functions' show()s (Python's print, line-buffered): one stream in the
    # order written (structured_oracle does the same).
    console_path = tempfile.mktemp(prefix="structured-program-console-")
    fd = os.open(console_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    saved_stdout = os.dup(1)
    os.dup2(fd, 1)
    os.close(fd)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("structured-program-oracle")
             .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
             .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
             .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    install_patches()
    failed = 0
    for name in names:
        began = time.time()
        try:
            outcome = run_program(name, manifest[name], 1)
        except Exception as e:  # an oracle bug: no golden
            failed += 1
            log("FAILED", name, repr(e), traceback.format_exc())
            continue
        log("program", name, outcome, "%.0f s" % (time.time() - began))
    spark.stop()
    sys.stdout.flush()
    os.dup2(saved_stdout, 1)
    os.unlink(console_path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
