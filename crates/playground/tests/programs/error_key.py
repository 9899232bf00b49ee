# Shows: KeyError: 'info' from a dict lookup in a lambda at batch 2 (batch 1 has only error/notice lines).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


LEVELS = {"error": 3, "notice": 2}


def get_type(line):
    if "[info]" in line:
        return "info"
    elif "[notice]" in line:
        return "notice"
    return "error"


spark = SparkSession.builder.appName("KeyError").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
levels = lines.map(get_type).map(lambda t: (t, LEVELS[t]))
levels.pprint()
ssc.start()
ssc.awaitTermination()
