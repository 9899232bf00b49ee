#!/usr/bin/env python3
"""Write the DStream Lab scenario files (deterministically) into crates/notebook/tests/scenarios/.

    python3 tests/pyspark/make_scenarios.py          # (re)write all scenario .json files
    python3 tests/pyspark/oracle.py --all            # then (re)compute their goldens

Only the scenario inputs are written here; goldens come from oracle.py (real PySpark).
"""
import json
import os
import random

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "crates", "notebook", "tests", "scenarios")

STATELESS = {"mode": "stateless"}
CUMULATIVE = {"mode": "cumulative"}


def window(w, s, inverse=None, filter_zero=None):
    p = {"mode": "window", "window_s": w, "slide_s": s}
    if inverse is not None:
        p["inverse"] = inverse
    if filter_zero is not None:
        p["filter_zero"] = filter_zero
    return p


# --- realistic Apache error-log lines ---------------------------------------------------

DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
TEMPLATES = {
    "error": [
        "mod_jk child workerEnv in error state 6",
        "mod_jk child workerEnv in error state 7",
        "mod_jk child init 1 -2",
        "[client 222.166.160.184] Directory index forbidden by rule: /var/www/html/",
        "[client 10.0.0.153] File does not exist: /var/www/html/robots.txt",
        "jk2_init() Can't find child 1566 in scoreboard",
    ],
    "notice": [
        "jk2_init() Found child 6725 in scoreboard slot 10",
        "workerEnv.init() ok /etc/httpd/conf/workers2.properties",
        "Apache/2.0.49 (Fedora) configured -- resuming normal operations",
        "caught SIGTERM, shutting down",
        "Digest: generating secret for digest authentication ...",
    ],
    "info": [
        "[client 127.0.0.1] File does not exist: /var/www/html/favicon.ico",
        "Server built: Jun 10 2004 15:44:47",
        "mod_jk: workerEnv.init() done",
    ],
    "warn": [
        "pid file /etc/httpd/run/httpd.pid overwritten -- Unclean shutdown of previous Apache run?",
        "[client 10.0.0.1] mod_security: Access denied with code 403",
    ],
}


def apache_line(rng, t):
    """t: seconds since 2005-12-04 04:47:44 (a Sunday)."""
    base = 4 * 3600 + 47 * 60 + 44 + t
    day = 4 + base // 86400
    hh, mm, ss = (base // 3600) % 24, (base // 60) % 60, base % 60
    stamp = "[%s Dec %02d %02d:%02d:%02d 2005]" % (DAYS[(day - 4) % 7], day, hh, mm, ss)
    r = rng.random()
    if r < 0.40:
        level = "error"
    elif r < 0.65:
        level = "notice"
    elif r < 0.80:
        level = "info"
    elif r < 0.90:
        level = "warn"
    else:
        level = None  # untagged continuation / garbage line
    if level is None:
        return rng.choice([
            "%s mod_jk child workerEnv in error state 6" % stamp,  # no tag at all
            "    at org.apache.jk.common.ChannelSocket.open(ChannelSocket.java:270)",
            "",
        ])
    return "%s [%s] %s" % (stamp, level, rng.choice(TEMPLATES[level]))


def apache_batches(seed, n, max_lines, empty_every=None):
    rng = random.Random(seed)
    t = 0
    out = []
    for k in range(1, n + 1):
        if empty_every and k % empty_every == 0:
            out.append([])
            continue
        batch = []
        for _ in range(rng.randint(0, max_lines)):
            t += rng.randint(0, 7)
            batch.append(apache_line(rng, t))
        out.append(batch)
    return out


# --- the scenarios ----------------------------------------------------------------------

NOTEBOOK_BATCHES = [
    ["[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
     "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
     "[Sun Dec 04 04:51:08 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10",
     "[Sun Dec 04 04:51:09 2005] [notice] jk2_init() Found child 6726 in scoreboard slot 8",
     "[Sun Dec 04 04:51:18 2005] [error] mod_jk child workerEnv in error state 6"],
    ["[Sun Dec 04 04:52:04 2005] [info] [client 127.0.0.1] File does not exist: /var/www/html/favicon.ico",
     "[Sun Dec 04 04:52:04 2005] [error] mod_jk child workerEnv in error state 7"],
    ["[Sun Dec 04 04:52:12 2005] [notice] jk2_init() Found child 6736 in scoreboard slot 10",
     "[Sun Dec 04 04:52:12 2005] [warn] [client 10.0.0.1] mod_security: Access denied with code 403",
     "[Sun Dec 04 04:52:15 2005] [info] workerEnv.init() ok /etc/httpd/conf/workers2.properties"],
    ["[Sun Dec 04 04:53:05 2005] [error] mod_jk child workerEnv in error state 6"],
]

# Short lines, one type per letter: e=error n=notice i=info u=unknown
SHORT = {"e": "[error] x", "n": "[notice] x", "i": "[info] x", "u": "[warn] x"}


def short(spec):
    """'eei|n||u' -> [[err, err, info], [notice], [], [unknown]]"""
    return [[SHORT[c] for c in part] for part in spec.split("|")]


SCENARIOS = {
    # The notebook: batch 10 s, the three pipelines, window 20/10 with inverse, parallelism 2.
    "notebook_defaults": {
        "batch_interval_s": 10,
        "batches": NOTEBOOK_BATCHES,
        "extra_batches": 3,
        "pipelines": [STATELESS, CUMULATIVE, window(20, 10)],
    },
    # window < 5*slide: never uses the inverse function, keys simply disappear.
    "window_20_10_no_subtract": {
        "batch_interval_s": 10,
        "batches": short("eeni|ee|i|nu||e"),
        "extra_batches": 3,
        "pipelines": [window(20, 10, inverse=True, filter_zero=False)],
    },
    # window >= 5*slide: incremental path with inverse; zero-count keys appear and stay.
    "window_50_10_subtract": {
        "batch_interval_s": 10,
        "batches": short("eeni|ee|i|nu||e|n"),
        "extra_batches": 7,
        "pipelines": [window(50, 10, inverse=True, filter_zero=False)],
    },
    # Same, but filterFunc drops the zero keys (filter_zero true on the subtracting path),
    # side by side with the unfiltered and the non-inverse variants.
    "window_50_10_filter_zero": {
        "batch_interval_s": 10,
        "batches": short("eeni|ee|i|nu||e|n"),
        "extra_batches": 7,
        "pipelines": [window(50, 10, inverse=True, filter_zero=True),
                      window(50, 10, inverse=True, filter_zero=False),
                      window(50, 10, inverse=False)],
    },
    # inverse false: window().reduceByKey() path (filter_zero is ignored by PySpark there).
    "window_no_inverse": {
        "batch_interval_s": 10,
        "batches": short("ei|e|n|u|ee"),
        "extra_batches": 6,
        "pipelines": [window(20, 10, inverse=False), window(50, 10, inverse=False, filter_zero=True)],
    },
    # slide > batch interval: windows only emit every 2nd batch.
    "slide_gt_batch": {
        "batch_interval_s": 10,
        "batches": short("e|n|ie|u|e|i|nn|e|u"),
        "extra_batches": 8,
        "pipelines": [STATELESS, window(40, 20), window(60, 20, inverse=True),
                      window(100, 20, inverse=True), window(100, 20, inverse=True, filter_zero=True)],
    },
    # empty batches in the middle, at the start and after the input.
    "empty_batches": {
        "batch_interval_s": 10,
        "batches": [[], ["[error] a", "[info] b"], [], [], ["[notice] c"], []],
        "extra_batches": 3,
        "pipelines": [STATELESS, CUMULATIVE, window(20, 10), window(50, 10)],
    },
    # empty / whitespace lines, unicode, two tags, case sensitivity, tags without brackets.
    "odd_lines": {
        "batch_interval_s": 10,
        "batches": [
            ["", "   ", "\t"],
            ["[Sun Dec 04 04:47:44 2005] [error] mod_jk ошибка ✓ 日本語 state 6",
             "[Mon Dec 05 10:00:00 2005] [info] café — naïve",
             "[error] something [info]",
             "[notice] and [error]",
             "[error] then [notice]"],
            ["[ERROR] upper case is unknown", "error without brackets", "[warn] x", "[crit] y",
             "[emerg] 💥", "[info]", "x[notice]x"],
            ["[error] " + "é" * 50, "\u00a0[info]\u00a0", "[error]\r"],
        ],
        "extra_batches": 1,
        "pipelines": [STATELESS, CUMULATIVE],
    },
    "parallelism_1": {
        "batch_interval_s": 10,
        "parallelism": 1,
        "batches": NOTEBOOK_BATCHES,
        "extra_batches": 2,
        "pipelines": [STATELESS, CUMULATIVE, window(20, 10), window(50, 10)],
    },
    "parallelism_3": {
        "batch_interval_s": 10,
        "parallelism": 3,
        "batches": NOTEBOOK_BATCHES,
        "extra_batches": 2,
        "pipelines": [STATELESS, CUMULATIVE, window(20, 10), window(50, 10)],
    },
    # updateStateByKey without ssc.checkpoint(): PySpark refuses to start.
    "error_cumulative_no_checkpoint": {
        "batch_interval_s": 10,
        "checkpoint": False,
        "batches": short("ei|n"),
        "pipelines": [STATELESS, CUMULATIVE],
    },
    # reduceByKeyAndWindow with invFunc without ssc.checkpoint(): also refused.
    "error_window_inverse_no_checkpoint": {
        "batch_interval_s": 10,
        "checkpoint": False,
        "batches": short("ei|n"),
        "pipelines": [window(20, 10, inverse=True)],
    },
    # Without checkpointing, stateless and non-inverse windows work fine.
    "no_checkpoint_ok": {
        "batch_interval_s": 10,
        "checkpoint": False,
        "batches": short("ei|n|ee"),
        "extra_batches": 2,
        "pipelines": [STATELESS, window(20, 10, inverse=False)],
    },
    # Fractional durations: batch 0.5 s; 2.5/0.5 is on the subtracting side of the 5x rule.
    "fractional_interval": {
        "batch_interval_s": 0.5,
        "start": "2026-11-24T23:59:58",
        "batches": short("en|e|i|u|n"),
        "extra_batches": 5,
        "pipelines": [STATELESS, CUMULATIVE, window(1, 0.5), window(2.5, 0.5)],
    },
    # Long realistic run: 30 batches of Apache error-log lines (+ 3 empty ones after).
    "long_apache_log": {
        "batch_interval_s": 10,
        "batches": apache_batches(seed=20051204, n=30, max_lines=14, empty_every=9),
        "extra_batches": 3,
        "pipelines": [STATELESS, CUMULATIVE, window(50, 10)],
    },
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, scen in SCENARIOS.items():
        path = os.path.join(OUT, name + ".json")
        with open(path, "w") as f:
            json.dump(scen, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(path)


if __name__ == "__main__":
    main()
