#!/usr/bin/env python3
"""Cross-check the PySpark goldens against a tiny pure-Python model of the semantics.

    python3 tests/pyspark/check_goldens.py [SCENARIO.json ...]   (default: all scenarios)

The model (no Spark) is what we believe PySpark does; a mismatch means either the model or
the oracle run is wrong. It also checks that NAME.pprint.txt shows the same records as the
golden (first 10, '...' when more) in the same batch/pipeline sequence.

Model:
  stateless   counts of the batch's types (only keys present)
  cumulative  running totals of every key ever seen (updateFunction never returns None)
  window      emitted when (t - zero) % slide == 0. Full path (sum of the batches in
              (t-W, t], keys present only) unless inverse and W >= 5*slide and a previous
              window exists (t - slide > zero); then incremental: prev - batches in
              (t-slide-W, t-W] (leftOuterJoin keeps every prev key, zeros stay) + batches in
              (t-slide, t]; filterFunc (drop zeros) applied after the add step.
"""
import glob
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from notebook_code import get_message_type  # noqa: E402  (the same function oracle.py runs)

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCENARIO_DIR = os.path.join(ROOT, "crates", "notebook", "tests", "scenarios")


def ms(x):
    return int(round(float(x) * 1000))


def model(scen):
    if not scen.get("checkpoint", True) and any(
        p["mode"] == "cumulative" or (p["mode"] == "window" and p.get("inverse", True))
        for p in scen["pipelines"]
    ):
        return {"error": "requirement failed: The checkpoint directory has not been set. "
                         "Please set it by StreamingContext.checkpoint()."}
    interval = ms(scen["batch_interval_s"])
    n = len(scen["batches"]) + int(scen.get("extra_batches", 0))
    counts = {}
    for k in range(1, n + 1):
        lines = scen["batches"][k - 1] if k <= len(scen["batches"]) else []
        counts[k] = Counter(get_message_type(x) for x in lines)

    def batches_in(lo, hi):  # batch times in (lo, hi], relative ms
        c = Counter()
        for k in range(1, n + 1):
            if lo < k * interval <= hi:
                c.update(counts[k])
        return c

    out = []
    for p in scen["pipelines"]:
        emitted = []
        mode = p["mode"]
        if mode == "stateless":
            for k in range(1, n + 1):
                emitted.append((k, dict(counts[k])))
        elif mode == "cumulative":
            state = Counter()
            for k in range(1, n + 1):
                state.update(counts[k])
                emitted.append((k, dict(state)))
        else:
            W, S = ms(p.get("window_s", 20)), ms(p.get("slide_s", 10))
            inverse, fz = p.get("inverse", True), p.get("filter_zero", False)
            prev = None
            for k in range(1, n + 1):
                t = k * interval
                if t % S:
                    continue
                if inverse and W >= 5 * S and prev is not None:
                    cur = dict(prev)
                    for key, v in batches_in(t - S - W, t - W).items():
                        if key in cur:
                            cur[key] -= v
                    for key, v in batches_in(t - S, t).items():
                        cur[key] = cur.get(key, 0) + v
                    if fz:
                        cur = {a: b for a, b in cur.items() if b != 0}
                else:
                    cur = dict(batches_in(t - W, t))
                    if inverse and fz:
                        cur = {a: b for a, b in cur.items() if b != 0}
                prev = cur
                emitted.append((k, cur))
        out.append([(k, sorted(repr(kv) for kv in d.items())) for k, d in emitted])
    return out


def parse_pprint(text):
    blocks = text.split("-------------------------------------------\nTime: ")[1:]
    res = []
    for b in blocks:
        head, _, body = b.partition("\n-------------------------------------------\n")
        recs = body.split("\n")
        assert recs[-2:] == ["", ""] or recs[-1:] == [""], repr(body)
        res.append((head, [r for r in recs if r]))
    return res


def check(path):
    scen = json.load(open(path))
    base = path[: -len(".json")]
    golden = json.load(open(base + ".golden.json"))
    exp = model(scen)
    problems = []
    if "error" in golden or isinstance(exp, dict):
        if golden != exp:
            problems.append("error mismatch: golden %r model %r" % (golden, exp))
        return problems
    seq = []  # (batch, pipeline index, time, records) in output order
    for i, (gp, ep) in enumerate(zip(golden["pipelines"], exp)):
        if gp["spec"] != scen["pipelines"][i]:
            problems.append("pipeline %d: spec differs" % i)
        got = [(b["batch"], b["records"]) for b in gp["batches"]]
        if got != ep:
            for g, e in zip(got, ep):
                if g != e:
                    problems.append("pipeline %d %s: golden %s model %s" % (i, gp["spec"], g, e))
                    break
            if len(got) != len(ep):
                problems.append("pipeline %d: %d batches, model %d" % (i, len(got), len(ep)))
        for b in gp["batches"]:
            seq.append((b["batch"], i, b["time"], b["records"]))
    seq.sort(key=lambda x: (x[0], x[1]))
    pp = parse_pprint(open(base + ".pprint.txt").read())
    if len(pp) != len(seq):
        problems.append("pprint has %d blocks, golden %d" % (len(pp), len(seq)))
    for (time_s, recs), (k, i, gtime, grecs) in zip(pp, seq):
        if time_s != gtime:
            problems.append("pprint time %s != golden %s" % (time_s, gtime))
        shown = recs[:-1] if recs and recs[-1] == "..." else recs
        if len(grecs) > 10:
            if recs[-1:] != ["..."] or len(shown) != 10 or not set(shown) <= set(grecs):
                problems.append("batch %d pipeline %d: pprint truncation wrong" % (k, i))
        elif sorted(recs) != grecs:
            problems.append("batch %d pipeline %d: pprint %s golden %s" % (k, i, recs, grecs))
    return problems


def main():
    paths = sys.argv[1:] or sorted(
        p for p in glob.glob(os.path.join(SCENARIO_DIR, "*.json")) if not p.endswith(".golden.json")
    )
    bad = 0
    for p in paths:
        if not os.path.exists(p[: -len(".json")] + ".golden.json"):
            print("%-45s NO GOLDEN" % os.path.basename(p))
            bad += 1
            continue
        probs = check(p)
        print("%-45s %s" % (os.path.basename(p), "ok" if not probs else "MISMATCH"))
        for x in probs:
            print("    " + x)
        bad += bool(probs)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
