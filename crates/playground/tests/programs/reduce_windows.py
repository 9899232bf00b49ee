# Shows: reduce, reduceByWindow (with and without an inverse), countByValueAndWindow on bool keys.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def parse(t):
    if "." in t:
        return float(t)
    return int(t)


spark = SparkSession.builder.appName("ReduceWindows").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
ssc.checkpoint("checkpoint")
lines = ssc.socketTextStream("127.0.0.1", 9999)
nums = lines.flatMap(lambda l: l.split()).map(parse)
nums.reduce(lambda a, b: a + b).pprint()
nums.reduceByWindow(lambda a, b: max(a, b), None, 20, 10).pprint()
nums.reduceByWindow(lambda a, b: a + b, lambda a, b: a - b, 30, 10).pprint()
nums.map(lambda n: n % 2 == 0).countByValueAndWindow(20, 10).pprint()
ssc.start()
ssc.awaitTermination()
