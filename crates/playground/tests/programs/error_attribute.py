# Shows: AttributeError: 'str' object has no attribute 'foo' inside a def used by flatMap (batch 1).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def tokens(line):
    cleaned = line.strip()
    return cleaned.foo()


spark = SparkSession.builder.appName("AttributeError").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.flatMap(tokens).pprint()
ssc.start()
ssc.awaitTermination()
