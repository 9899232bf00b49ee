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
  python3 tests/pyspark/oracle.py --all     # every crates/notebook/tests/scenarios/*.json
  python3 tests/pyspark/oracle.py --all --out DIR   # write the goldens into DIR instead

The Spark set-up (SparkContext, ManualClock, marker, run loop) is in spark_harness.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spark_harness as harness  # noqa: E402

harness.prepare_driver()  # TZ=UTC before the JVM; PYTHONHASHSEED is left as it is

import argparse  # noqa: E402
import calendar  # noqa: E402
import datetime  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402

import notebook_code  # noqa: E402
from notebook_code import get_message_type, updateFunction  # noqa: E402

# get_message_type / updateFunction run in the Python workers, which cannot import
# notebook_code: send their code (see notebook_code's docstring).
harness.ship_by_value(notebook_code)

log = harness.log

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCENARIO_DIR = os.path.join(ROOT, "crates", "notebook", "tests", "scenarios")
DEFAULT_START = "2026-11-24T10:00:00"
BATCH_TIMEOUT_S = 600.0

DRIVER_PYTHONHASHSEED = os.environ.get("PYTHONHASHSEED", "<unset>")


# --- the notebook's code (functions in notebook_code.py) ---------------------------------

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


# --- one scenario -----------------------------------------------------------------------

def run_scenario(path, out_dir=None):
    """Run one scenario; write its golden (and pprint.txt) next to it, or into out_dir."""
    with open(path) as f:
        scen = json.load(f)
    interval_s = scen["batch_interval_s"]
    interval_ms = harness.secs_to_ms(interval_s)
    start_dt, start_ms = parse_start(scen.get("start", DEFAULT_START))
    checkpoint = scen.get("checkpoint", True)
    par = int(scen.get("parallelism", 2))
    batches = scen["batches"]
    extra = int(scen.get("extra_batches", 0))
    pipelines = scen["pipelines"]
    n_batches = len(batches) + extra

    def build(ssc):
        lines = ssc.queueStream(batches, oneAtATime=True)
        codes = lines.map(get_message_type).map(lambda x: (x, 1))
        for i, spec in enumerate(pipelines):
            out = build_pipeline(codes, spec)
            out.pprint()
            out.foreachRDD(harness.collector(i, harness.sorted_reprs))
        return lines  # carries the marker

    base = path[: -len(".json")]
    if out_dir is not None:
        base = os.path.join(out_dir, os.path.basename(base))
    golden_path = base + ".golden.json"
    pprint_path = base + ".pprint.txt"

    # A fresh SparkContext per scenario: see spark_harness.spark_context (checkpoint leak).
    sc = harness.spark_context(par, "dstream-lab-oracle", reuse=False)
    try:
        pprint_text, results = harness.run_stream(
            sc, interval_s, start_ms, n_batches, build, len(pipelines), checkpoint=checkpoint,
            batch_timeout_s=BATCH_TIMEOUT_S, verbose=bool(os.environ.get("ORACLE_VERBOSE")))
    except harness.StartFailed as e:
        # PySpark refused the scenario at start(): that is the golden. (A failure after
        # the stream ran is a bug in the oracle/harness, not a PySpark verdict on the
        # scenario: run_stream raises it as is and no golden is written.)
        msg = exception_message(e.cause)
        with open(golden_path, "w") as f:
            json.dump({"error": msg}, f, indent=1, ensure_ascii=False)
            f.write("\n")
        if os.path.exists(pprint_path):
            os.remove(pprint_path)
        return {"error": msg}

    golden = {"pipelines": []}
    for spec, res in zip(pipelines, results):
        out_batches = []
        for t, recs in res:
            k = (t - start_dt) / datetime.timedelta(milliseconds=interval_ms)
            kr = int(round(k))
            assert abs(k - kr) < 1e-9, (t, k)
            out_batches.append({"batch": kr, "time": str(t), "records": recs})
        golden["pipelines"].append({"spec": spec, "batches": out_batches})
    with open(golden_path, "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(pprint_path, "w") as f:
        f.write(pprint_text)
    return {"batches": n_batches}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--all", action="store_true", help="every scenario in %s" % SCENARIO_DIR)
    ap.add_argument("--out", metavar="DIR",
                    help="write NAME.golden.json / NAME.pprint.txt into DIR instead of next to "
                         "each scenario file (e.g. to compare a re-run with the committed goldens)")
    args = ap.parse_args()
    paths = list(args.scenarios)
    if args.all:
        paths += sorted(
            p for p in glob.glob(os.path.join(SCENARIO_DIR, "*.json")) if not p.endswith(".golden.json")
        )
    if not paths:
        ap.error("no scenarios given")
    out_dir = os.path.abspath(args.out) if args.out else None
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    log("driver PYTHONHASHSEED=%s" % DRIVER_PYTHONHASHSEED)
    jobs = [(os.path.relpath(p, ROOT), lambda p=p: run_scenario(os.path.abspath(p), out_dir)) for p in paths]
    sys.exit(0 if harness.run_jobs(jobs, 60) else 1)


if __name__ == "__main__":
    main()
