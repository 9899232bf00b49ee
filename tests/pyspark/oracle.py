#!/usr/bin/env python3
"""PySpark DStream oracle for DStream Lab.

Runs each scenario file through REAL PySpark DStreams (queueStream, oneAtATime=True,
manual clock) and writes next to SCENARIO NAME.json:

  NAME.golden.json  {"pipelines": [{"spec": ..., "batches": [{"batch", "time", "records"}]}]}
                    or {"error": "..."} when PySpark refuses/fails the scenario
  NAME.pprint.txt   exactly what PySpark's own DStream.pprint() printed, batch by batch,
                    pipeline by pipeline (not written for error scenarios)

Usage:
  python3 tests/pyspark/oracle.py SCENARIO.json [...]
  python3 tests/pyspark/oracle.py --all     # every crates/engine/tests/scenarios/*.json
"""
import os
import sys
import time

# Must happen before the JVM / any datetime conversion: PySpark hands foreachRDD a
# datetime made with datetime.fromtimestamp (local time), so local time must be UTC
# for the printed times to be the scenario's naive times.
os.environ["TZ"] = "UTC"
time.tzset()

import argparse  # noqa: E402
import calendar  # noqa: E402
import datetime  # noqa: E402
import glob  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402

from pyspark import SparkConf, SparkContext  # noqa: E402
from pyspark.streaming import StreamingContext  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle_callbacks as cb  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCENARIO_DIR = os.path.join(ROOT, "crates", "engine", "tests", "scenarios")
DEFAULT_START = "2026-11-24T10:00:00"
BATCH_TIMEOUT_S = 600.0

DRIVER_PYTHONHASHSEED = os.environ.get("PYTHONHASHSEED", "<unset>")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --- the notebook's code, verbatim in spirit -------------------------------------------

def get_message_type(line):
    if "[info]" in line:
        return "info"
    elif "[notice]" in line:
        return "notice"
    elif "[error]" in line:
        return "error"
    else:
        return "unknown"


def updateFunction(newValues, runningCount):
    if runningCount is None:
        runningCount = 0
    return sum(newValues, runningCount)


def build_pipeline(codes, spec):
    mode = spec["mode"]
    if mode == "stateless":
        return codes.reduceByKey(lambda x, y: x + y)
    if mode == "cumulative":
        return codes.reduceByKey(lambda x, y: x + y).updateStateByKey(updateFunction)
    if mode == "window":
        inverse = spec.get("inverse", True)
        filter_zero = spec.get("filter_zero", False)
        return codes.reduceByKeyAndWindow(
            func=lambda x, y: x + y,
            invFunc=(lambda x, y: x - y) if inverse else None,
            windowDuration=spec.get("window_s", 20),
            slideDuration=spec.get("slide_s", 10),
            filterFunc=(lambda kv: kv[1] != 0) if filter_zero else None,
        )
    raise ValueError("unknown mode %r" % (mode,))


# --- helpers ----------------------------------------------------------------------------

def parse_start(s):
    dt = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S")
    return dt, calendar.timegm(dt.timetuple()) * 1000


def secs_to_ms(x):
    return int(round(float(x) * 1000))


def exception_message(e):
    """First line of the Java exception's message (or the Python one)."""
    msg = None
    jexc = getattr(e, "java_exception", None)
    if jexc is not None:
        try:
            # Unwrap to the root-most cause that carries a message? No: report the
            # exception PySpark raised, as Spark wrote it.
            msg = jexc.getMessage()
        except Exception:
            msg = None
    if msg is None:
        msg = str(e)
    msg = msg.strip()
    return msg.splitlines()[0] if msg else type(e).__name__


_sc_cache = {"sc": None, "par": None}


def get_spark_context(par):
    # A fresh SparkContext per scenario (the JVM stays up, so this costs ~1 s). Reusing one
    # is NOT safe: ssc.checkpoint(dir) also sets the SparkContext's checkpoint dir, and a
    # later StreamingContext without ssc.checkpoint() on the same SparkContext then passes
    # Spark's "checkpoint directory has not been set" validation and runs.
    sc = _sc_cache["sc"]
    if sc is not None:
        sc.stop()
        _sc_cache["sc"] = None
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("dstream-lab-oracle")
        .set("spark.default.parallelism", str(par))
        .set("spark.ui.enabled", "false")
        .set("spark.streaming.clock", "org.apache.spark.util.ManualClock")
        .set("spark.streaming.concurrentJobs", "1")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.locality.wait", "0s")
        .set("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .set("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    _sc_cache["sc"] = sc
    _sc_cache["par"] = par
    return sc


def stop_spark_context():
    if _sc_cache["sc"] is not None:
        _sc_cache["sc"].stop()
        _sc_cache["sc"] = None


def make_collector(i):
    # A real function (foreachRDD looks at __code__) whose only captured state is an int
    # and the importable module cb, so it pickles when the graph is checkpointed.
    return lambda t, rdd: cb.collect(i, t, rdd)


# --- one scenario -----------------------------------------------------------------------

def run_scenario(path):
    with open(path) as f:
        scen = json.load(f)
    interval_s = scen["batch_interval_s"]
    interval_ms = secs_to_ms(interval_s)
    start_dt, start_ms = parse_start(scen.get("start", DEFAULT_START))
    checkpoint = scen.get("checkpoint", True)
    par = int(scen.get("parallelism", 2))
    batches = scen["batches"]
    extra = int(scen.get("extra_batches", 0))
    pipelines = scen["pipelines"]
    n_batches = len(batches) + extra
    if start_ms % interval_ms != 0:
        raise ValueError("start must be a multiple of the batch interval (Spark aligns batch times)")

    sc = get_spark_context(par)
    assert sc.defaultParallelism == par, (sc.defaultParallelism, par)
    ckdir = tempfile.mkdtemp(prefix="dstream-oracle-ckpt-")

    cb.reset(len(pipelines))
    results = cb.STATE["results"]  # per pipeline: list of (datetime, str, sorted records)
    failures = cb.STATE["failures"]
    done_times = cb.STATE["done"]
    cond = cb.COND

    ssc = StreamingContext(sc, interval_s)
    buf = io.StringIO()
    real_stdout = sys.stdout
    error = None
    started = False
    try:
        if checkpoint:
            ssc.checkpoint(ckdir)
        lines = ssc.queueStream(batches, oneAtATime=True)
        codes = lines.map(get_message_type).map(lambda x: (x, 1))
        for i, spec in enumerate(pipelines):
            out = build_pipeline(codes, spec)
            out.pprint()
            out.foreachRDD(make_collector(i))
        # Registered last => runs last within each batch's job set (concurrentJobs=1).
        lines.foreachRDD(cb.marker)

        clock = ssc._jssc.ssc().scheduler().clock()
        if clock.getClass().getName() != "org.apache.spark.util.ManualClock":
            raise RuntimeError("clock is %s, not ManualClock" % clock.getClass().getName())
        clock.setTime(start_ms)

        sys.stdout = buf
        ssc.start()
        started = True
        t_start = time.time()
        for k in range(1, n_batches + 1):
            clock.advance(interval_ms)
            deadline = time.time() + BATCH_TIMEOUT_S
            with cond:
                while len(done_times) < k:
                    left = deadline - time.time()
                    if left <= 0:
                        raise RuntimeError("timeout waiting for batch %d" % k)
                    cond.wait(min(left, 1.0))
            if os.environ.get("ORACLE_VERBOSE"):
                log("  batch %d done at +%.1fs" % (k, time.time() - t_start))
            expect = start_dt + datetime.timedelta(milliseconds=k * interval_ms)
            if done_times[k - 1] != expect:
                raise RuntimeError("batch %d ran at %s, expected %s" % (k, done_times[k - 1], expect))
            if failures:
                raise RuntimeError("output operation failed:\n" + failures[0])
    except Exception as e:  # noqa: BLE001
        error = e
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
                except Exception:
                    pass
                StreamingContext._activeContext = None
        except Exception:
            log("warning: error while stopping:", traceback.format_exc())
        shutil.rmtree(ckdir, ignore_errors=True)

    base = path[: -len(".json")]
    golden_path = base + ".golden.json"
    pprint_path = base + ".pprint.txt"
    if error is not None:
        if started:
            # A failure after the stream ran is a bug in the oracle/harness, not a
            # PySpark verdict on the scenario: do not write a golden for it.
            raise error
        msg = exception_message(error)
        with open(golden_path, "w") as f:
            json.dump({"error": msg}, f, indent=1, ensure_ascii=False)
            f.write("\n")
        if os.path.exists(pprint_path):
            os.remove(pprint_path)
        return {"error": msg}

    golden = {"pipelines": []}
    for spec, res in zip(pipelines, results):
        out_batches = []
        for t, tstr, recs in res:
            k = (t - start_dt) / datetime.timedelta(milliseconds=interval_ms)
            kr = int(round(k))
            assert abs(k - kr) < 1e-9, (t, k)
            out_batches.append({"batch": kr, "time": tstr, "records": recs})
        golden["pipelines"].append({"spec": spec, "batches": out_batches})
    with open(golden_path, "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(pprint_path, "w") as f:
        f.write(buf.getvalue())
    return {"batches": n_batches}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--all", action="store_true", help="every scenario in %s" % SCENARIO_DIR)
    args = ap.parse_args()
    paths = list(args.scenarios)
    if args.all:
        paths += sorted(
            p for p in glob.glob(os.path.join(SCENARIO_DIR, "*.json")) if not p.endswith(".golden.json")
        )
    if not paths:
        ap.error("no scenarios given")
    log("driver PYTHONHASHSEED=%s" % DRIVER_PYTHONHASHSEED)
    t_all = time.time()
    ok = True
    try:
        for p in paths:
            t0 = time.time()
            try:
                r = run_scenario(os.path.abspath(p))
                log("%-60s %6.1fs  %s" % (os.path.relpath(p, ROOT), time.time() - t0, r))
            except Exception:
                ok = False
                log("%-60s FAILED\n%s" % (p, traceback.format_exc()))
    finally:
        stop_spark_context()
    log("total %.1fs" % (time.time() - t_all))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
