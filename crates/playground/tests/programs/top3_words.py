# Shows: top 3 words per batch: transform(lambda rdd: rdd.sortBy(...)) and pprint(3) ("..." when more).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

spark = SparkSession.builder.appName("TopWords").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
counts = lines.flatMap(lambda line: line.lower().split()).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b)
top = counts.transform(lambda rdd: rdd.sortBy(lambda kv: -kv[1]))
top.pprint(3)
ranked = counts.transform(lambda rdd: rdd.sortBy(lambda kv: (kv[1], kv[0]), ascending=False))
ranked.pprint(3)
ssc.start()
ssc.awaitTermination()
