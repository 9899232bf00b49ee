"""Shared PySpark DStream harness of oracle.py and vectors.py.

Both scripts drive real PySpark DStreams the same way; this module holds that technique:

* `prepare_driver()`: TZ=UTC (and optionally a pinned PYTHONHASHSEED) before the JVM starts.
* `spark_context()` / `stop_spark_context()`: one `local[2]` SparkContext with the
  ManualClock, `concurrentJobs=1` and the given `spark.default.parallelism`.
* the foreachRDD callbacks (`collector()`, `marker`) and the driver-side state they fill.
* `run_stream()`: a fresh StreamingContext + temp checkpoint dir, ManualClock advanced one
  batch interval at a time, waiting for the marker, stdout captured for `pprint`.
* `run_jobs()`: the per-scenario / per-case loop with its timing log.

Pitfalls (details in README.md, "Pitfalls found while building it"):

* This module must be *imported* (never run as `__main__`): with checkpointing on, Spark
  serializes the DStream graph at `start()`, including the Python foreachRDD functions
  (cloudpickle). Functions of an importable module are pickled *by reference*; functions of
  `__main__` are pickled by value together with the globals they use, and a
  `threading.Condition` among them fails with `cannot pickle '_thread.RLock' object`
  (surfacing as `SparkException: An exception was raised by Python:`). So the callbacks
  live here, and the per-output collector is a lambda capturing only an int and a
  module-level function.
* `DStream.foreachRDD` inspects `func.__code__`, so callable objects and
  `functools.partial` don't work; use functions / lambdas.
* Functions that run in the Python *workers* (map, reduce, updateStateByKey functions) must
  NOT come from a module the workers cannot import (tests/pyspark is only on the driver's
  sys.path) unless that module is registered with `ship_by_value()`.
* Do not reuse a SparkContext between a StreamingContext with `ssc.checkpoint(dir)` and one
  without: `ssc.checkpoint(dir)` also sets the SparkContext's checkpoint dir, and the later
  one then passes the "checkpoint directory has not been set" validation and runs.

pyspark is imported lazily (inside the functions) so that importing this module neither
needs Spark nor runs before `prepare_driver()`.
"""
import io
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback

MANUAL_CLOCK = "org.apache.spark.util.ManualClock"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def prepare_driver(pythonhashseed=None):
    """Call first, before the JVM starts and before any datetime conversion.

    PySpark hands foreachRDD (and pprint) the batch time as `datetime.fromtimestamp(...)`,
    i.e. *local* time, so local time must be UTC for the printed times to be the naive
    times the scenarios/vectors use. The JVM gets `-Duser.timezone=UTC` in
    `spark_context()`.

    `pythonhashseed`: if given, set PYTHONHASHSEED in the environment. SparkContext passes
    the driver's value to the Python workers (default "0" when unset), and the workers'
    hash decides string/tuple key partitioning, hence record order.
    """
    os.environ["TZ"] = "UTC"
    time.tzset()
    if pythonhashseed is not None:
        os.environ["PYTHONHASHSEED"] = str(pythonhashseed)


def secs_to_ms(x):
    return int(round(float(x) * 1000))


def ship_by_value(module):
    """Make cloudpickle pickle `module`'s functions by value (their code) instead of by
    reference, so Python workers can run them without importing `module`."""
    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(module)


# --- SparkContext ----------------------------------------------------------------------------

_SC = {"sc": None, "par": None}


def spark_context(par, app_name, reuse=False):
    """A `local[2]` SparkContext with `spark.default.parallelism` = par.

    reuse=False (oracle.py): always stop the current one and create a fresh one (the JVM
    stays up, ~1 s). Needed when StreamingContexts with and without `ssc.checkpoint()`
    follow each other (see the module docstring).
    reuse=True (vectors.py, where every case checkpoints): keep the current one if it has
    the same parallelism.

    Settings: the ManualClock (`spark.streaming.clock`) so the harness decides when each
    batch happens; `concurrentJobs=1` so the output operations of a batch run one after
    another in registration order (what the marker relies on); no UI / progress bar;
    `locality.wait=0s` (no 3 s scheduling delay); JVM time zone UTC.
    """
    from pyspark import SparkConf, SparkContext

    if reuse and _SC["sc"] is not None and _SC["par"] == par:
        return _SC["sc"]
    stop_spark_context()
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName(app_name)
        .set("spark.default.parallelism", str(par))
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.streaming.clock", MANUAL_CLOCK)
        .set("spark.streaming.concurrentJobs", "1")
        .set("spark.locality.wait", "0s")
        .set("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .set("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    assert sc.defaultParallelism == par, (sc.defaultParallelism, par)
    _SC["sc"], _SC["par"] = sc, par
    return sc


def stop_spark_context():
    if _SC["sc"] is not None:
        _SC["sc"].stop()
        _SC["sc"], _SC["par"] = None, None


# --- foreachRDD callbacks (run on the driver, in py4j's callback thread) ---------------------

COND = threading.Condition()
# outputs: per registered output, list of (batch datetime, formatted records)
# done: batch datetimes seen by the marker; failures: tracebacks of failed callbacks
# completed: batch times (ms) reported by `batch_listener()` (all jobs of the batch ended)
STATE = {"outputs": [], "done": [], "failures": [], "completed": []}


def reset(n_outputs):
    with COND:
        STATE["outputs"] = [[] for _ in range(n_outputs)]
        STATE["done"] = []
        STATE["failures"] = []
        STATE["completed"] = []


def sorted_reprs(records):
    """Golden format of oracle.py: sorted repr of every record (order-independent)."""
    return sorted(repr(r) for r in records)


def strs(records):
    """Golden format of vectors.py: str of every record in rdd.collect() order."""
    return [str(r) for r in records]


def _collect(index, fmt, t, rdd):
    try:
        recs = fmt(rdd.collect())
        with COND:
            STATE["outputs"][index].append((t, recs))
    except BaseException:
        with COND:
            STATE["failures"].append(traceback.format_exc())
        raise


def collector(index, fmt):
    """foreachRDD function storing (t, fmt(rdd.collect())) as output `index`.

    A lambda (foreachRDD needs `__code__`) capturing only an int and a module-level
    function, so it can be pickled when the graph is checkpointed. `fmt` must be a
    module-level function (e.g. `sorted_reprs`, `strs`)."""
    return lambda t, rdd: _collect(index, fmt, t, rdd)


def marker(t, rdd):
    """Registered last: runs after every other output of the batch (concurrentJobs=1)."""
    with COND:
        STATE["done"].append(t)
        COND.notify_all()


def batch_listener():
    """A StreamingListener (add it with `ssc.addStreamingListener`) appending each completed
    batch's time in ms to STATE["completed"].

    Spark posts BatchCompleted once every job of the batch has ended, failed ones included,
    and only after the JobScheduler has reported a failed job's error to the context's
    waiter (the jobs of a batch complete in order; the marker's job comes last). So once a
    batch is in "completed", `awaitTerminationOrTimeout` already raises that batch's error.
    A batch whose job generation failed (e.g. a `transform` function raised on the driver)
    has no jobs and is never completed; only the reported error tells."""
    from pyspark.streaming.listener import StreamingListener

    class BatchCompletion(StreamingListener):
        def onBatchCompleted(self, batchCompleted):
            ms = batchCompleted.batchInfo().batchTime().milliseconds()
            with COND:
                STATE["completed"].append(ms)
                COND.notify_all()

    return BatchCompletion()


# --- one stream run --------------------------------------------------------------------------

class StartFailed(Exception):
    """Setting up or starting the StreamingContext raised (`cause`): PySpark refused the
    stream (e.g. stateful operations without a checkpoint dir). Nothing ran."""

    def __init__(self, cause):
        super().__init__(str(cause))
        self.cause = cause


def manual_clock(ssc):
    """The StreamingContext's clock: Scala `JobScheduler.clock`, a `val` (=
    `jobGenerator.clock`, public in bytecode) that exists as soon as the StreamingContext
    is constructed."""
    clock = ssc._jssc.ssc().scheduler().clock()
    name = clock.getClass().getName()
    if name != MANUAL_CLOCK:
        raise RuntimeError("clock is %s, not ManualClock" % name)
    return clock


def _wait_for_marker(k, timeout_s, label):
    deadline = time.time() + timeout_s
    with COND:
        while len(STATE["done"]) < k and not STATE["failures"]:
            left = deadline - time.time()
            if left <= 0:
                raise RuntimeError("%stimeout waiting for batch %d" % (label, k))
            COND.wait(min(left, 1.0))


def run_stream(sc, interval_s, start_ms, n_batches, build, n_outputs, checkpoint=True,
               batch_timeout_s=600.0, verbose=False, label=""):
    """Run one DStream graph for n_batches batches; return (pprint text, outputs).

    build(ssc) creates the input streams and registers the outputs (pprint, then
    `collector(i, fmt)` for i in range(n_outputs)) and returns the stream the marker goes
    on. The marker is registered after everything else, so with concurrentJobs=1 it runs
    last in each batch: once it has seen batch k, every output of batch k has run.

    Clock: set to start_ms before `ssc.start()`. Spark's first batch time is
    `(floor(now / interval) + 1) * interval`, so with start_ms a multiple of the interval
    (checked) batch k runs at exactly start_ms + k * interval (also checked).

    stdout is swapped for a StringIO from just before `start()` until the stream stopped;
    pprint's prints (made in the py4j callback thread) land there verbatim.

    outputs[i] = [(batch datetime, fmt(records)), ...] for each batch at which output i
    was called, in batch order (checked).

    Raises StartFailed if anything before/at `ssc.start()` fails; any later failure is a
    harness problem and raised as is. The StreamingContext is always stopped (not the
    SparkContext) and the temp checkpoint dir deleted.
    """
    from pyspark.streaming import StreamingContext

    interval_ms = secs_to_ms(interval_s)
    if start_ms % interval_ms != 0:
        raise ValueError("start must be a multiple of the batch interval (Spark aligns batch times)")
    ckdir = tempfile.mkdtemp(prefix="dstream-lab-ckpt-")
    reset(n_outputs)
    ssc = StreamingContext(sc, interval_s)
    buf = io.StringIO()
    real_stdout = sys.stdout
    started = False
    try:
        try:
            if checkpoint:
                ssc.checkpoint(ckdir)
            build(ssc).foreachRDD(marker)
            clock = manual_clock(ssc)
            clock.setTime(start_ms)
            sys.stdout = buf
            ssc.start()
        except Exception as e:  # noqa: BLE001
            raise StartFailed(e) from e
        started = True
        t_start = time.time()
        for k in range(1, n_batches + 1):
            clock.advance(interval_ms)
            _wait_for_marker(k, batch_timeout_s, label)
            if STATE["failures"]:
                raise RuntimeError("%soutput operation failed:\n%s" % (label, STATE["failures"][0]))
            if verbose:
                log("  batch %d done at +%.1fs" % (k, time.time() - t_start))
            ran = int(round(STATE["done"][k - 1].timestamp() * 1000))
            if ran != start_ms + k * interval_ms:
                raise RuntimeError("%sbatch %d ran at %s (%d ms), expected %d ms"
                                   % (label, k, STATE["done"][k - 1], ran, start_ms + k * interval_ms))
        for i, out in enumerate(STATE["outputs"]):
            times = [t for t, _ in out]
            if times != sorted(times):
                raise RuntimeError("%soutput %d out of batch order: %s" % (label, i, times))
    finally:
        sys.stdout = real_stdout
        try:
            if started:
                ssc.stop(stopSparkContext=False, stopGraceFully=False)
            else:
                # start() failed (or never happened): the JVM context is not active;
                # just forget the Python-side singleton.
                try:
                    ssc._jssc.stop(False, False)
                except Exception:  # noqa: BLE001
                    pass
                StreamingContext._activeContext = None
        except Exception:  # noqa: BLE001
            log("warning: error while stopping:", traceback.format_exc())
        shutil.rmtree(ckdir, ignore_errors=True)
    return buf.getvalue(), [list(out) for out in STATE["outputs"]]


# --- the loop over scenarios / cases -----------------------------------------------------------

def run_jobs(jobs, width):
    """Run each (label, fn) in jobs; fn() returns a summary to log. A failing job is
    logged with its traceback and the others still run. Stops the SparkContext at the
    end. Returns True iff every job succeeded."""
    t_all = time.time()
    ok = True
    try:
        for label, fn in jobs:
            t0 = time.time()
            try:
                summary = fn()
            except Exception:  # noqa: BLE001
                ok = False
                log("%-*s FAILED\n%s" % (width, label, traceback.format_exc()))
                continue
            log("%-*s %6.1fs  %s" % (width, label, time.time() - t0, summary))
    finally:
        stop_spark_context()
    log("total %.1fs" % (time.time() - t_all))
    return ok
