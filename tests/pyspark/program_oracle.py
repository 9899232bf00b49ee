#!/usr/bin/env python3
"""PySpark oracle for the playground's student programs.

Runs each program's OWN SOURCE (crates/playground/tests/programs/NAME.py) through real
PySpark 4.0.1 with the input the manifest gives it, and writes next to it (or into --out):

  NAME.stdout.txt   exactly what the program's driver printed: pprint blocks and print()s
  NAME.error.json   only if the program failed: {"type", "message", "line", "batch"}
                    (+ "offset", "end_offset", "text" for a SyntaxError)

Usage:
  python3 tests/pyspark/program_oracle.py --all                 # every program in manifest.json
  python3 tests/pyspark/program_oracle.py NAME.py [...]         # just these (input from the manifest)
  python3 tests/pyspark/program_oracle.py --all --out DIR       # write the goldens into DIR
  ORACLE_VERBOSE=1 python3 tests/pyspark/program_oracle.py ...  # log every batch on stderr

What is swapped under the program (README.md, "Student programs", has the details):
socketTextStream -> a queueStream of one RDD per input batch (1 partition, or 0 for an empty
batch, like a receiver's BlockRDD) read by a marker every batch; checkpoint(dir) -> a temp dir;
start() -> ManualClock at the input's start; awaitTermination() -> advance the clock batch by
batch, then stop the StreamingContext and end the program. SparkSession.builder.getOrCreate()
is PySpark's own: it returns a session on the oracle's SparkContext (local[2], ManualClock,
spark.default.parallelism = the input's "parallelism").
"""
import os
import sys

# Python's str hash must be the same in the driver (e.g. a set iterated in a transform
# function) and in the workers (SparkContext gives them the driver's PYTHONHASHSEED, "0" when
# unset). The driver's own seed is fixed at interpreter start, hence the re-exec.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spark_harness as harness  # noqa: E402

harness.prepare_driver()  # TZ=UTC before the JVM

import argparse  # noqa: E402
import builtins  # noqa: E402
import calendar  # noqa: E402
import datetime  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

log = harness.log

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PROGRAM_DIR = os.path.join(ROOT, "crates", "playground", "tests", "programs")
DEFAULT_START = "2026-11-24T10:00:00"
BATCH_TIMEOUT_S = 600.0
VERBOSE = bool(os.environ.get("ORACLE_VERBOSE"))


class ProgramEnd(BaseException):
    """Raised by the patched awaitTermination once every batch ran: a real awaitTermination
    never returns, so the statements after it (e.g. `ssc.stop()`) must not run either."""


class BatchFailed(Exception):
    """The stream reported an error (`cause`) while batch `batch` was being computed."""

    def __init__(self, batch, cause):
        super().__init__(str(cause))
        self.batch = batch
        self.cause = cause


class Run:
    """What the patched PySpark methods need to know about the program being run."""

    def __init__(self, inp, ckdir):
        self.batches = inp["batches"]
        self.n_batches = len(self.batches) + int(inp.get("extra_batches", 0))
        start = datetime.datetime.strptime(inp.get("start", DEFAULT_START), "%Y-%m-%dT%H:%M:%S")
        self.start_ms = calendar.timegm(start.timetuple()) * 1000
        self.ckdir = ckdir
        self.ssc = None  # the program's StreamingContext (patched __init__)
        self.interval_ms = None
        self.input = None  # the DStream standing in for socketTextStream
        self.started = False
        self.driven = False


RUN = {"run": None}
ORIG = {}


def current():
    run = RUN["run"]
    if run is None:
        raise RuntimeError("oracle: PySpark streaming used outside a program run")
    return run


# --- the patches ---------------------------------------------------------------------------

def _ssc_init(self, sparkContext, batchDuration=None, jssc=None):
    ORIG["__init__"](self, sparkContext, batchDuration, jssc)
    run = current()
    run.ssc = self
    run.interval_ms = harness.secs_to_ms(batchDuration)


def _checkpoint(self, directory):
    ORIG["checkpoint"](self, current().ckdir)


def _socket_text_stream(self, hostname, port, storageLevel=None):
    """Batch k's lines as one partition (an empty batch: no partition at all, like a
    receiver's BlockRDD without blocks). queueStream dequeues only when its RDD is computed;
    the marker registered on this stream at start() computes it at every batch time, so
    batch k's lines belong to batch k whatever the program's outputs read."""
    run = current()
    if run.input is not None:
        raise RuntimeError("oracle: only one socketTextStream per program is supported")
    sc = self._sc
    rdds = [sc.parallelize(lines, 1) if lines else sc.emptyRDD() for lines in run.batches]
    run.input = self.queueStream(rdds, oneAtATime=True)
    return run.input


def _start(self):
    run = current()
    if run.input is not None:
        run.input.foreachRDD(harness.marker)  # registered last: runs last in each batch
    self.addStreamingListener(harness.batch_listener())
    if run.start_ms % run.interval_ms != 0:
        raise RuntimeError("oracle: the input's start is not a multiple of the batch interval")
    harness.manual_clock(self).setTime(run.start_ms)
    ORIG["start"](self)
    run.started = True


def _await_termination(self, timeout=None):
    drive(current())
    raise ProgramEnd()


def install_patches():
    from pyspark.streaming import StreamingContext

    for name, fn in [("__init__", _ssc_init), ("checkpoint", _checkpoint),
                     ("socketTextStream", _socket_text_stream), ("start", _start),
                     ("awaitTermination", _await_termination)]:
        ORIG[name] = getattr(StreamingContext, name)
        setattr(StreamingContext, name, fn)


# --- driving the batches ---------------------------------------------------------------------

def drive(run):
    """Advance the ManualClock one interval at a time for every batch, waiting until the
    batch completed (listener) or the stream reported an error; then stop the stream."""
    run.driven = True
    ssc = run.ssc
    clock = harness.manual_clock(ssc)
    t0 = time.time()
    try:
        for k in range(1, run.n_batches + 1):
            clock.advance(run.interval_ms)
            want = run.start_ms + k * run.interval_ms
            deadline = time.time() + BATCH_TIMEOUT_S
            while True:
                with harness.COND:
                    done = want in harness.STATE["completed"]
                try:
                    # Raises the error a job (or job generation) of this batch reported.
                    ssc._jssc.awaitTerminationOrTimeout(1 if done else 200)
                except Exception as e:  # noqa: BLE001
                    raise BatchFailed(k, e) from e
                if done:
                    break
                if time.time() > deadline:
                    raise RuntimeError("oracle: timeout waiting for batch %d" % k)
            if VERBOSE:
                log("  batch %d done at +%.1fs" % (k, time.time() - t0))
        marks = [int(round(t.timestamp() * 1000)) for t in harness.STATE["done"]]
        expected = [run.start_ms + k * run.interval_ms for k in range(1, run.n_batches + 1)]
        if run.input is not None and marks != expected:
            raise RuntimeError("oracle: batches ran at %s, expected %s" % (marks, expected))
    finally:
        stop_stream(run)


def stop_stream(run):
    from pyspark.streaming import StreamingContext

    ssc = run.ssc
    if ssc is None:
        return
    run.ssc = None
    try:
        if run.started:
            ssc.stop(stopSparkContext=False, stopGraceFully=False)
        else:
            ssc._jssc.stop(False, False)
    except Exception:  # noqa: BLE001
        log("warning: error while stopping:", traceback.format_exc())
    StreamingContext._activeContext = None


# --- describing a failure --------------------------------------------------------------------

TB_HEAD = "Traceback (most recent call last):"
FRAME = re.compile(r'^\s*File "([^"]*)", line (\d+)')


def parse_traceback_text(text, filename):
    """(type, message, line) from the LAST Python traceback in `text` (the innermost one:
    the worker's, or the driver callback's), or None. `line` is the last frame in
    `filename` (None if the traceback has none)."""
    i = text.rfind(TB_HEAD)
    if i < 0:
        return None
    line = None
    for l in text[i + len(TB_HEAD):].splitlines():
        m = FRAME.match(l)
        if m:
            if os.path.basename(m.group(1)) == filename:
                line = int(m.group(2))
            continue
        if not l.strip() or l[0] in " \t":
            continue  # source line / carets of a frame
        typ, sep, msg = l.partition(": ")
        return typ.rsplit(".", 1)[-1] if "." in typ and " " not in typ else typ, msg if sep else "", line
    return None


def tb_line(exc, filename):
    """Line of the innermost frame of `exc`'s traceback that is in the program."""
    line = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if fs.filename == filename:
            line = fs.lineno
    return line


def describe_error(exc, filename):
    batch = 0
    if isinstance(exc, BatchFailed):
        batch, exc = exc.batch, exc.cause
    # Before/at start() the program statement that raised; in a batch only a Python
    # traceback in the error text points into the program (else it would be awaitTermination).
    line = tb_line(exc, filename) if batch == 0 else None
    jexc = getattr(exc, "java_exception", None)  # Py4JJavaError
    text = str(exc)
    parsed = parse_traceback_text(text, filename) if TB_HEAD in text else None
    if parsed is not None:
        typ, msg, py_line = parsed
        line = py_line if py_line is not None else line
    elif jexc is not None:
        typ = jexc.getClass().getSimpleName()
        msg = (jexc.getMessage() or "").strip()
    else:
        typ, msg = type(exc).__name__, str(exc)
        # PySpark's CapturedException (e.g. its IllegalArgumentException, raised once a
        # SparkSession exists): str() may append the JVM stack trace; the message is _desc.
        desc = getattr(exc, "_desc", None)
        if isinstance(desc, str):
            msg = desc.strip()
    return {"type": typ, "message": msg, "line": line, "batch": batch}


# --- one program -----------------------------------------------------------------------------

def run_program(py_path, input_path, out_dir=None):
    name = os.path.basename(py_path)[: -len(".py")]
    filename = name + ".py"
    with open(py_path) as f:
        source = f.read()
    with open(input_path) as f:
        inp = json.load(f)
    base = os.path.join(out_dir or os.path.dirname(py_path), name)
    stdout_path, error_path = base + ".stdout.txt", base + ".error.json"

    buf = io.StringIO()
    error = None
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as e:
        code = None
        error = {"type": "SyntaxError", "message": e.msg, "line": e.lineno, "batch": 0,
                 "offset": e.offset, "end_offset": e.end_offset,
                 "text": (e.text or "").rstrip("\n")}
    if code is not None:
        # A fresh SparkContext per program: see spark_harness.spark_context (checkpoint leak).
        harness.spark_context(int(inp.get("parallelism", 2)), "dstream-lab-program-oracle")
        harness.reset(0)
        ckdir = tempfile.mkdtemp(prefix="dstream-lab-prog-ckpt-")
        run = RUN["run"] = Run(inp, ckdir)
        namespace = {"__name__": "__main__", "__builtins__": builtins}
        real_stdout = sys.stdout
        sys.stdout = buf
        try:
            exec(code, namespace)
            if run.started and not run.driven:
                drive(run)  # a program without awaitTermination: run its batches anyway
        except ProgramEnd:
            pass
        except BaseException as e:  # noqa: BLE001
            error = describe_error(e, filename)
            if VERBOSE:
                log(traceback.format_exc())
        finally:
            sys.stdout = real_stdout
            stop_stream(run)
            RUN["run"] = None
            shutil.rmtree(ckdir, ignore_errors=True)

    with open(stdout_path, "w") as f:
        f.write(buf.getvalue())
    if error is not None:
        with open(error_path, "w") as f:
            json.dump(error, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return "error %s: %s (line %s, batch %s)" % (
            error["type"], error["message"], error["line"], error["batch"])
    if os.path.exists(error_path):
        os.remove(error_path)
    return "ok, %d stdout lines" % buf.getvalue().count("\n")


def load_manifest():
    with open(os.path.join(PROGRAM_DIR, "manifest.json")) as f:
        return {e["program"]: os.path.join(PROGRAM_DIR, e["input"]) for e in json.load(f)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("programs", nargs="*", help="NAME.py files listed in manifest.json")
    ap.add_argument("--all", action="store_true", help="every program in %s/manifest.json" % PROGRAM_DIR)
    ap.add_argument("--out", metavar="DIR", help="write the goldens into DIR instead of next to each program")
    args = ap.parse_args()
    manifest = load_manifest()
    names = [os.path.basename(p) for p in args.programs]
    if args.all:
        names += sorted(manifest)
    if not names:
        ap.error("no programs given")
    missing = [n for n in names if n not in manifest]
    if missing:
        ap.error("not in manifest.json: %s" % ", ".join(missing))
    out_dir = os.path.abspath(args.out) if args.out else None
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    install_patches()
    log("driver PYTHONHASHSEED=%s" % os.environ.get("PYTHONHASHSEED"))
    jobs = [(n, lambda n=n: run_program(os.path.join(PROGRAM_DIR, n), manifest[n], out_dir))
            for n in names]
    sys.exit(0 if harness.run_jobs(jobs, 40) else 1)


if __name__ == "__main__":
    main()
