# Shows: ZeroDivisionError in a lambda at batch 2 (a count of 1); batch 1's output is printed first.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def get_type(line):
    if "[error]" in line:
        return "error"
    elif "[notice]" in line:
        return "notice"
    return "other"


spark = SparkSession.builder.appName("ZeroDivision").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
counts = lines.map(lambda l: (get_type(l), 1)).reduceByKey(lambda a, b: a + b)
shares = counts.map(lambda kv: (kv[0], 100 / (kv[1] - 1)))
shares.pprint()
ssc.start()
ssc.awaitTermination()
