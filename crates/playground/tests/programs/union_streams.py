# Shows: union of two filtered streams (records of the first stream, then the second's).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

spark = SparkSession.builder.appName("Union").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
errors = lines.filter(lambda l: "[error]" in l).map(lambda l: "E " + l.split("] ")[-1])
notices = lines.filter(lambda l: "[notice]" in l).map(lambda l: "N " + l.split("] ")[-1])
both = errors.union(notices)
both.pprint()
both.count().pprint()
ssc.start()
ssc.awaitTermination()
