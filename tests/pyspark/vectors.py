#!/usr/bin/env python3
"""Small PySpark DStream golden vectors for DStream Lab.

Runs each case below through REAL PySpark DStreams (queueStream oneAtATime=True, a
ManualClock advanced one batch interval at a time, checkpointing on) and writes

  crates/engine/tests/vectors/<name>.json
    {"name": ...,
     "records": [[str(record) for each record in rdd.collect() order], ...],
                 # one list per batch at which the output stream emitted (foreachRDD
                 # was called), in batch order -- empty RDDs give []
     "pprint": "<exactly what the stream's pprint(num) printed>"}

Usage:
  python3 tests/pyspark/vectors.py            # every case
  python3 tests/pyspark/vectors.py NAME ...   # only these cases
  python3 tests/pyspark/vectors.py --check    # run everything twice, fail if any differ
                                              # (determinism check; writes the first run)
"""
import os
import sys
import time

# Before the JVM and any datetime conversion: PySpark builds the batch time with
# datetime.fromtimestamp (local time), so local time must be UTC.
os.environ["TZ"] = "UTC"
time.tzset()
# Python workers hash keys with PYTHONHASHSEED (SparkContext passes the driver's value,
# default "0"). Pin it so string/tuple partitioning is the seed-0 one.
os.environ["PYTHONHASHSEED"] = "0"

import io  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import traceback  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT_DIR = os.path.join(ROOT, "crates", "engine", "tests", "vectors")
START_MS = 1_800_000_000_000  # a multiple of every batch interval used here
BATCH_TIMEOUT_S = 120.0

# --- foreachRDD callbacks ----------------------------------------------------------------
# With checkpointing on, Spark pickles the DStream graph, including Python foreachRDD
# functions. Functions of __main__ are pickled by value (with the globals they use, e.g. a
# Condition, which fails); these are therefore used through `import vectors`, so that
# cloudpickle pickles them by reference.

COND = threading.Condition()
STATE = {"records": [], "done": [], "failures": []}


def reset():
    with COND:
        STATE["records"] = []
        STATE["done"] = []
        STATE["failures"] = []


def collect(t, rdd):
    try:
        recs = [str(r) for r in rdd.collect()]
        with COND:
            STATE["records"].append((t, recs))
    except BaseException:
        with COND:
            STATE["failures"].append(traceback.format_exc())
        raise


def marker(t, rdd):
    """Registered last: runs after every other output of the batch (concurrentJobs=1)."""
    with COND:
        STATE["done"].append(t)
        COND.notify_all()


# --- the cases ----------------------------------------------------------------------------

RBKAW_INPUT = [[("a", 1)], [("b", 1)], [], [], [], [], [], []]
ORDER_STRINGS = [[("info", 1), ("error", 1), ("notice", 1), ("x", 1), ("unknown", 1), ("a", 1), ("error", 1)]]

# name: (interval_s, parallelism, inputs (list of batch lists, one per queue stream),
#        n batches, build(ssc-streams) -> output stream, pprint num)
CASES = [
    ("count_empty_batches", 1, 2, [[[1, 2], [], [3]]], 5,
     lambda s: s.count(), 10),
    ("count_by_window_empty", 1, 1, [[[1], [1], [1, 2], [0], [], []]], 6,
     lambda s: s.countByWindow(2, 1), 10),
    ("rbkaw_subtract_zero", 1, 1, [RBKAW_INPUT], 8,
     lambda s: s.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 5, 1), 10),
    ("rbkaw_subtract_filter", 1, 1, [RBKAW_INPUT], 8,
     lambda s: s.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 5, 1,
                                      filterFunc=lambda kv: kv[1] != 0), 10),
    ("rbkaw_naive_filter_ignored", 1, 1, [RBKAW_INPUT], 8,
     lambda s: s.reduceByKeyAndWindow(lambda x, y: x + y, None, 5, 1,
                                      filterFunc=lambda kv: kv[1] != 0), 10),
    ("order_strings_p2", 1, 2, [ORDER_STRINGS], 1,
     lambda s: s.reduceByKey(lambda x, y: x + y), 10),
    ("order_strings_p3", 1, 3, [ORDER_STRINGS], 1,
     lambda s: s.reduceByKey(lambda x, y: x + y), 10),
    ("order_ints_p2", 1, 2, [[[(5, 1), (2, 1), (3, 1), (4, 1), (1, 1), (2, 1), (-7, 1)]]], 1,
     lambda s: s.reduceByKey(lambda x, y: x + y), 10),
    ("order_tuples_p2", 1, 2, [[[(("a", 1), 1), (("b", 2), 1), (("a", 1), 1), ((3, "c"), 1)]]], 1,
     lambda s: s.reduceByKey(lambda x, y: x + y), 10),
    ("state_drop_none", 1, 2, [[[("k", 1), ("j", 1)], [("k", 1)], [], [("j", 5)]]], 5,
     lambda s: s.updateStateByKey(
         lambda vs, st: None if (sum(vs) + (st or 0)) > 2 else sum(vs) + (st or 0)), 10),
    ("state_order_new_keys", 1, 2,
     [[[("notice", 1)], [("info", 1), ("error", 1)], [("unknown", 1), ("notice", 1)]]], 4,
     lambda s: s.reduceByKey(lambda x, y: x + y).updateStateByKey(lambda vs, st: sum(vs, st or 0)), 10),
    ("pprint_strings", 1, 2,
     [[["plain", "it's", 'say "hi"', "tab\there", "é日😀", "both ' and \"", ""]]], 1,
     lambda s: s, 10),
    ("pprint_num3", 1, 1, [[[1, 2, 3, 4, 5]]], 1,
     lambda s: s, 3),
    ("union_order", 1, 2, [[[1, 2], [3]], [[10], [20, 30]]], 2,
     lambda a, b: a.union(b), 10),
    ("window_30_20", 10, 2, [[[("a", 1)], [("b", 1)], [("a", 1)], [("c", 1)], [("a", 1)], []]], 6,
     lambda s: s.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 30, 20), 10),
    ("window_plain_60_10_inverse_order", 10, 2,
     [[[("x", 1), ("info", 1)], [("error", 1)], [("notice", 1), ("x", 1)], [], [("unknown", 1)],
       [], [("a", 1)], [], []]], 9,
     lambda s: s.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 60, 10), 10),
    ("count_by_value_and_window_p2", 1, 2,
     [[["a"], ["b", "b"], ["a", "b"], [], [], [], [], []]], 8,
     lambda s: s.countByValueAndWindow(5, 1), 10),
]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --- running ------------------------------------------------------------------------------

_sc = {"sc": None, "par": None}


def spark_context(par):
    from pyspark import SparkConf, SparkContext

    if _sc["sc"] is not None and _sc["par"] == par:
        return _sc["sc"]
    stop_spark_context()
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("dstream-lab-vectors")
        .set("spark.default.parallelism", str(par))
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.streaming.clock", "org.apache.spark.util.ManualClock")
        .set("spark.streaming.concurrentJobs", "1")
        .set("spark.locality.wait", "0s")
        .set("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .set("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    assert sc.defaultParallelism == par, (sc.defaultParallelism, par)
    _sc["sc"], _sc["par"] = sc, par
    return sc


def stop_spark_context():
    if _sc["sc"] is not None:
        _sc["sc"].stop()
        _sc["sc"], _sc["par"] = None, None


def run_case(cbm, case):
    """cbm: this file imported as a module (callbacks pickled by reference)."""
    from pyspark.streaming import StreamingContext

    name, interval_s, par, inputs, n, build, num = case
    interval_ms = int(interval_s * 1000)
    assert START_MS % interval_ms == 0
    sc = spark_context(par)
    ckdir = tempfile.mkdtemp(prefix="dstream-vectors-ckpt-")
    cbm.reset()
    ssc = StreamingContext(sc, interval_s)
    buf = io.StringIO()
    real_stdout = sys.stdout
    started = False
    try:
        ssc.checkpoint(ckdir)
        streams = [ssc.queueStream(batches, oneAtATime=True) for batches in inputs]
        out = build(*streams)
        out.pprint(num)
        out.foreachRDD(cbm.collect)
        streams[0].foreachRDD(cbm.marker)  # registered last => runs last in each batch

        clock = ssc._jssc.ssc().scheduler().clock()
        assert clock.getClass().getName() == "org.apache.spark.util.ManualClock"
        clock.setTime(START_MS)
        sys.stdout = buf
        ssc.start()
        started = True
        for k in range(1, n + 1):
            clock.advance(interval_ms)
            deadline = time.time() + BATCH_TIMEOUT_S
            with cbm.COND:
                while len(cbm.STATE["done"]) < k and not cbm.STATE["failures"]:
                    left = deadline - time.time()
                    if left <= 0:
                        raise RuntimeError("%s: timeout waiting for batch %d" % (name, k))
                    cbm.COND.wait(min(left, 1.0))
            if cbm.STATE["failures"]:
                raise RuntimeError("%s: output failed:\n%s" % (name, cbm.STATE["failures"][0]))
        done = [int(round(t.timestamp() * 1000)) for t in cbm.STATE["done"]]
        expect = [START_MS + k * interval_ms for k in range(1, n + 1)]
        if done != expect:
            raise RuntimeError("%s: batches ran at %s, expected %s" % (name, done, expect))
        times = [t for t, _ in cbm.STATE["records"]]
        if times != sorted(times):
            raise RuntimeError("%s: outputs out of batch order: %s" % (name, times))
    finally:
        sys.stdout = real_stdout
        if started:
            ssc.stop(stopSparkContext=False, stopGraceFully=False)
        shutil.rmtree(ckdir, ignore_errors=True)
    return {
        "name": name,
        "records": [recs for _, recs in cbm.STATE["records"]],
        "pprint": buf.getvalue(),
    }


def main():
    args = sys.argv[1:]
    check = "--check" in args
    names = [a for a in args if a != "--check"]
    known = {c[0] for c in CASES}
    unknown = [x for x in names if x not in known]
    if unknown:
        sys.exit("unknown case(s): %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(known))))
    cases = [c for c in CASES if not names or c[0] in names]
    # Group by parallelism (one SparkContext per parallelism), keeping the file order within.
    order = sorted(range(len(cases)), key=lambda i: (cases[i][2], i))

    sys.path.insert(0, HERE)
    import vectors as cbm  # noqa: E402  (this file, as an importable module)

    os.makedirs(OUT_DIR, exist_ok=True)
    t_all = time.time()
    results = {}
    ok = True
    try:
        for rnd in range(2 if check else 1):
            for i in order:
                case = cases[i]
                t0 = time.time()
                try:
                    res = run_case(cbm, case)
                except Exception:
                    ok = False
                    log("%-36s FAILED\n%s" % (case[0], traceback.format_exc()))
                    continue
                log("%-36s %5.1fs  %s" % (case[0], time.time() - t0, res["records"]))
                if rnd == 0:
                    results[case[0]] = res
                    with open(os.path.join(OUT_DIR, case[0] + ".json"), "w") as f:
                        json.dump(res, f, indent=1, ensure_ascii=False)
                        f.write("\n")
                elif results.get(case[0]) != res:
                    ok = False
                    log("%s: NOT DETERMINISTIC\nfirst:  %r\nsecond: %r" % (case[0], results.get(case[0]), res))
    finally:
        stop_spark_context()
    log("total %.1fs" % (time.time() - t_all))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
