"""The notebook's own functions, shared by oracle.py (run through PySpark) and
check_goldens.py (pure-Python model, no Spark).

This module must stay free of pyspark imports, so that check_goldens.py runs without Spark.

Why it is not part of spark_harness.py: these functions run inside the Python *workers*
(`lines.map(get_message_type)`, `updateStateByKey(updateFunction)`). cloudpickle pickles a
function of an importable module *by reference* (module name + function name), and the
workers cannot import this module (tests/pyspark is on the driver's sys.path only). So
oracle.py registers this module with `cloudpickle.register_pickle_by_value` (see
`spark_harness.ship_by_value`), which makes cloudpickle send the code itself, exactly as it
did when the functions lived in oracle.py's `__main__`. The foreachRDD callbacks in
spark_harness.py need the opposite (by reference, see there), hence two modules.
"""


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
