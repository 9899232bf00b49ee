# Shows: updateStateByKey whose function returns None to drop a key (a type unseen in this batch).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def get_type(line):
    if "[error]" in line:
        return "error"
    elif "[notice]" in line:
        return "notice"
    elif "[info]" in line:
        return "info"
    return "other"


def update(new_values, state):
    if len(new_values) == 0:
        return None
    if state is None:
        state = 0
    return state + sum(new_values)


spark = SparkSession.builder.appName("DropKeys").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
ssc.checkpoint("checkpoint")
lines = ssc.socketTextStream("127.0.0.1", 9999)
running = lines.map(lambda l: (get_type(l), 1)).updateStateByKey(update)
running.pprint()
ssc.start()
ssc.awaitTermination()
