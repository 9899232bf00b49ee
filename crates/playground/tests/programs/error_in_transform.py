# Shows: an error in a transform function (runs on the driver): rdd.first() on the empty batch 2.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def headline(rdd):
    first = rdd.first()
    print("first line:", first[:30])
    return rdd.map(lambda l: len(l))


spark = SparkSession.builder.appName("TransformError").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.transform(headline).pprint()
ssc.start()
ssc.awaitTermination()
