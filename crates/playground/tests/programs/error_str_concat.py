# Shows: TypeError: can only concatenate str (not "int") to str, in a function called by map (batch 1).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def describe(kv):
    word, count = kv
    return word + ": " + count


spark = SparkSession.builder.appName("Concat").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
counts = lines.flatMap(lambda l: l.split()).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b)
counts.map(describe).pprint()
ssc.start()
ssc.awaitTermination()
