# Shows: pprint(1) reads only partition 0 of the reduced stream, so key 5 (partition 1, 12 // 0) is never computed: no error.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def parse(t):
    if "." in t:
        return float(t)
    return int(t)


spark = SparkSession.builder.appName("TakeSkipsPartition").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
counts = lines.flatMap(lambda l: l.split()).map(lambda t: (parse(t), 1)).reduceByKey(lambda a, b: a + b)
counts.map(lambda kv: (kv[0], 12 // (kv[0] - 5))).pprint(1)
ssc.start()
ssc.awaitTermination()
