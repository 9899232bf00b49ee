#!/usr/bin/env python3
"""Fast consistency check of the playground programs and their goldens (no Spark, <1 s).

* manifest.json lists every NAME.py in the programs directory exactly once, and every
  input it names exists and has the input format (batches of str lines, optional start /
  parallelism / extra_batches);
* every program starts with a `# Shows:` comment line and stays in the playground's subset
  (only pyspark imports; no class/try/with/global/nonlocal; checked with `ast`, or for a
  program with a SyntaxError golden, that the golden agrees with `compile`);
* every program has NAME.stdout.txt; NAME.error.json, when present, has the error fields,
  and every pprint header in the stdout is a batch time of the input, in batch order, not
  after a failing batch.

Usage: python3 tests/pyspark/check_programs.py   (exit 1 and a list of problems if any)
"""
import ast
import calendar
import datetime
import glob
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PROGRAM_DIR = os.path.join(ROOT, "crates", "playground", "tests", "programs")
DEFAULT_START = "2026-11-24T10:00:00"
TIME_LINE = re.compile(r"^Time: (.*)$", re.M)
FORBIDDEN = (ast.ClassDef, ast.Try, ast.With, ast.Global, ast.Nonlocal)


def check_input(path, problems):
    with open(path) as f:
        inp = json.load(f)
    unknown = set(inp) - {"start", "parallelism", "batches", "extra_batches"}
    if unknown:
        problems.append("%s: unknown fields %s" % (path, sorted(unknown)))
    batches = inp.get("batches")
    if not isinstance(batches, list) or not batches or not all(
            isinstance(b, list) and all(isinstance(l, str) for l in b) for b in batches):
        problems.append("%s: batches must be a non-empty list of lists of str" % path)
        batches = []
    if any(len(b) > 40 for b in batches):
        problems.append("%s: more than 40 lines in a batch" % path)
    return inp


def check_subset(name, source, problems):
    tree = ast.parse(source, name)
    for node in ast.walk(tree):
        if isinstance(node, FORBIDDEN):
            problems.append("%s:%d: %s is outside the subset" % (name, node.lineno, type(node).__name__))
        if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and not (
                node.module or "").startswith("pyspark")):
            problems.append("%s:%d: only pyspark imports are allowed" % (name, node.lineno))


def batch_times(inp, interval_s):
    start = datetime.datetime.strptime(inp.get("start", DEFAULT_START), "%Y-%m-%dT%H:%M:%S")
    n = len(inp["batches"]) + int(inp.get("extra_batches", 0))
    return [str(start + datetime.timedelta(seconds=interval_s * k)) for k in range(1, n + 1)]


def check_program(name, inp, problems):
    path = os.path.join(PROGRAM_DIR, name)
    base = path[: -len(".py")]
    with open(path) as f:
        source = f.read()
    if not source.startswith("# Shows: "):
        problems.append("%s: first line must be a '# Shows: ...' comment" % name)
    error = None
    if os.path.exists(base + ".error.json"):
        with open(base + ".error.json") as f:
            error = json.load(f)
        if not {"type", "message", "line", "batch"} <= set(error):
            problems.append("%s: error.json lacks type/message/line/batch" % name)
    try:
        compile(source, name, "exec")
    except SyntaxError as e:
        if error is None or error.get("type") != "SyntaxError" or error.get("line") != e.lineno \
                or error.get("offset") != e.offset or error.get("message") != e.msg:
            problems.append("%s: SyntaxError %r at %s:%s not in its error.json" % (name, e.msg, e.lineno, e.offset))
    else:
        check_subset(name, source, problems)
    if not os.path.exists(base + ".stdout.txt"):
        problems.append("%s: no stdout.txt golden" % name)
        return
    with open(base + ".stdout.txt") as f:
        stdout = f.read()
    m = re.search(r"StreamingContext\(spark\.sparkContext, (\d+)\)", source)
    times = batch_times(inp, int(m.group(1))) if m else []
    seen = TIME_LINE.findall(stdout)
    index = [times.index(t) if t in times else None for t in seen]
    if None in index:
        problems.append("%s: pprint time not a batch time of its input: %s" % (name, seen[index.index(None)]))
    elif index != sorted(index):
        problems.append("%s: pprint times out of batch order" % name)
    elif error is not None and index and max(index) + 1 > error["batch"]:
        problems.append("%s: output after the failing batch %s" % (name, error["batch"]))


def main():
    problems = []
    with open(os.path.join(PROGRAM_DIR, "manifest.json")) as f:
        manifest = json.load(f)
    listed = [e["program"] for e in manifest]
    on_disk = sorted(os.path.basename(p) for p in glob.glob(os.path.join(PROGRAM_DIR, "*.py")))
    if sorted(listed) != on_disk or len(set(listed)) != len(listed):
        problems.append("manifest.json programs %s != programs on disk %s" % (sorted(listed), on_disk))
    for entry in manifest:
        inp_path = os.path.join(PROGRAM_DIR, entry["input"])
        if not os.path.exists(inp_path):
            problems.append("%s: input %s does not exist" % (entry["program"], entry["input"]))
            continue
        inp = check_input(inp_path, problems)
        if os.path.exists(os.path.join(PROGRAM_DIR, entry["program"])):
            check_program(entry["program"], inp, problems)
    for p in problems:
        print(p)
    print("%d programs, %d problems" % (len(manifest), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
