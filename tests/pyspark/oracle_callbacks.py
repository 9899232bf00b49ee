"""foreachRDD callbacks for oracle.py.

They live in an importable module (not __main__) so that, when checkpointing is on and
Spark serializes the DStream graph (including the Python foreachRDD functions), cloudpickle
pickles them *by reference* and never tries to pickle the driver-side state (locks, lists).
"""
import threading
import traceback

STATE = {}
COND = threading.Condition()


def reset(n_pipelines):
    with COND:
        STATE["results"] = [[] for _ in range(n_pipelines)]
        STATE["failures"] = []
        STATE["done"] = []


def collect(index, t, rdd):
    """foreachRDD body: remember (t, str(t), sorted repr of all records) for pipeline index."""
    try:
        recs = sorted(repr(r) for r in rdd.collect())
        with COND:
            STATE["results"][index].append((t, str(t), recs))
    except BaseException:
        with COND:
            STATE["failures"].append(traceback.format_exc())
        raise


def marker(t, rdd):
    """Registered last: runs after every other output of the batch (concurrentJobs=1)."""
    with COND:
        STATE["done"].append(t)
        COND.notify_all()
