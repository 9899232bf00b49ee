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
    (+ "read_input_every_batch": false for the cases whose marker does not read the input)

Usage:
  python3 tests/pyspark/vectors.py            # every case
  python3 tests/pyspark/vectors.py NAME ...   # only these cases
  python3 tests/pyspark/vectors.py --check    # run everything twice, fail if any differ
                                              # (determinism check; writes the first run)
  python3 tests/pyspark/vectors.py --out DIR  # write the goldens into DIR instead

The Spark set-up (SparkContext, ManualClock, marker, run loop) is in spark_harness.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spark_harness as harness  # noqa: E402

# TZ=UTC before the JVM and any datetime conversion. PYTHONHASHSEED pinned to the value
# PySpark gives workers when the driver has none, so string/tuple partitioning (and
# therefore record order) is the seed-0 one.
harness.prepare_driver(pythonhashseed=0)

import argparse  # noqa: E402
import json  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT_DIR = os.path.join(ROOT, "crates", "engine", "tests", "vectors")
START_MS = 1_800_000_000_000  # a multiple of every batch interval used here
BATCH_TIMEOUT_S = 120.0


# --- the cases ----------------------------------------------------------------------------

RBKAW_INPUT = [[("a", 1)], [("b", 1)], [], [], [], [], [], []]
ORDER_STRINGS = [[("info", 1), ("error", 1), ("notice", 1), ("x", 1), ("unknown", 1), ("a", 1), ("error", 1)]]

# name: (interval_s, parallelism, inputs (list of batch lists, one per queue stream),
#        n batches, build(ssc-streams) -> output stream, pprint num[, options])
#
# options (all optional):
#   "read_input_every_batch": False -- the marker goes on a queue stream of its own instead
#       of the first input, so nothing reads the inputs at every batch: a queue then gives
#       up a batch only when the stream is computed (QueueInputDStream.compute), e.g. only
#       at the times a window covers. Default True: the input's batch k is batch k.
#   "one_at_a_time": queueStream's oneAtATime for every input (default True).
#   "default": queueStream's default (a list) for every input (default None).
LAZY = {"read_input_every_batch": False}
SIX = [[0], [1], [2], [3], [4], [5]]


def window_1_2_printed_then_2_3(s):
    """Two readers of one queue: window(1, 2) is registered (and computes) first."""
    s.window(1, 2).pprint()
    return s.window(2, 3)


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
    # A window shorter than its slide: with the marker the input's batch k is batch k
    # (the Scala WindowOperationsSuite result); without it the queue is only read at the
    # times the window covers, so the queued batches move onto those times.
    ("window_2_3_read_every_batch", 1, 1, [SIX], 9,
     lambda s: s.window(2, 3), 10),
    ("window_2_3_lazy", 1, 1, [SIX], 9,
     lambda s: s.window(2, 3), 10, LAZY),
    ("window_1_2_then_2_3_lazy", 1, 1, [SIX + [[6], [7]]], 6,
     window_1_2_printed_then_2_3, 10, LAZY),
    ("rbkaw_inverse_1_2_lazy", 1, 1, [[[("a", 1)], [("b", 1)], [("a", 1)], [("c", 1)], [("d", 1)]]], 6,
     lambda s: s.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 1, 2), 10, LAZY),
    ("state_window_1_3_lazy", 1, 1, [[[("k", 1)], [("k", 2)], [("k", 3)], [("k", 4)]]], 6,
     lambda s: s.updateStateByKey(lambda vs, st: sum(vs, st or 0)).window(1, 3), 10, LAZY),
    ("queue_all_at_once", 1, 2, [[[1, 2], [3]]], 3,
     lambda s: s, 10, {"one_at_a_time": False}),
    ("queue_all_at_once_default", 1, 2, [[[1, 2], [3]]], 3,
     lambda s: s, 10, {"one_at_a_time": False, "default": [9]}),
    ("queue_default", 1, 2, [[[1], [2]]], 4,
     lambda s: s, 10, {"default": [9, 8]}),
    ("queue_default_no_batches", 1, 2, [[]], 3,
     lambda s: s, 10, {"default": [9]}),
]


# --- running ------------------------------------------------------------------------------

def run_case(case):
    name, interval_s, par, inputs, n, build_out, num = case[:7]
    options = case[7] if len(case) > 7 else {}
    read_input = options.get("read_input_every_batch", True)

    def build(ssc):
        streams = [ssc.queueStream(batches, oneAtATime=options.get("one_at_a_time", True),
                                   default=options.get("default"))
                   for batches in inputs]
        out = build_out(*streams)
        out.pprint(num)
        out.foreachRDD(harness.collector(0, harness.strs))
        # The stream that carries the marker: the input, or a queue nothing else reads.
        return streams[0] if read_input else ssc.queueStream([[]])

    # Every case checkpoints, so reusing the SparkContext per parallelism is safe.
    sc = harness.spark_context(par, "dstream-lab-vectors", reuse=True)
    pprint_text, outputs = harness.run_stream(
        sc, interval_s, START_MS, n, build, 1, checkpoint=True,
        batch_timeout_s=BATCH_TIMEOUT_S, label=name + ": ")
    golden = {
        "name": name,
        "records": [recs for _, recs in outputs[0]],
        "pprint": pprint_text,
    }
    if not read_input:
        golden["read_input_every_batch"] = False
    return golden


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", metavar="NAME", help="only these cases (default: all)")
    ap.add_argument("--check", action="store_true",
                    help="run everything twice, fail if any differ (writes the first run)")
    ap.add_argument("--out", metavar="DIR", default=OUT_DIR, help="where to write NAME.json (default: %(default)s)")
    args = ap.parse_args()
    known = {c[0] for c in CASES}
    unknown = [x for x in args.names if x not in known]
    if unknown:
        sys.exit("unknown case(s): %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(known))))
    cases = [c for c in CASES if not args.names or c[0] in args.names]
    # Group by parallelism (one SparkContext per parallelism), keeping the file order within.
    order = sorted(range(len(cases)), key=lambda i: (cases[i][2], i))

    os.makedirs(args.out, exist_ok=True)
    results = {}

    def job(case, rnd):
        res = run_case(case)
        if rnd == 0:
            results[case[0]] = res
            with open(os.path.join(args.out, case[0] + ".json"), "w") as f:
                json.dump(res, f, indent=1, ensure_ascii=False)
                f.write("\n")
        elif results.get(case[0]) != res:
            raise RuntimeError("%s: NOT DETERMINISTIC\nfirst:  %r\nsecond: %r" % (case[0], results.get(case[0]), res))
        return res["records"]

    jobs = [(cases[i][0], lambda c=cases[i], r=rnd: job(c, r))
            for rnd in range(2 if args.check else 1) for i in order]
    sys.exit(0 if harness.run_jobs(jobs, 36) else 1)


if __name__ == "__main__":
    main()
