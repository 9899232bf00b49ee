# Shows: countByValue on the message types (pairs (value, count), hash-partitioned order).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def message_type(line):
    for tag in ["info", "notice", "error", "warn"]:
        if "[" + tag + "]" in line:
            return tag
    return "unknown"


spark = SparkSession.builder.appName("CountByValue").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.map(message_type).countByValue().pprint()
ssc.start()
ssc.awaitTermination()
