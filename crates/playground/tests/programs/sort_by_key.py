# Shows: sortByKey inside transform (ascending, and descending on swapped (count, word) pairs).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


spark = SparkSession.builder.appName("SortByKey").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
counts = lines.flatMap(lambda l: l.split()).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b)
counts.transform(lambda rdd: rdd.sortByKey()).pprint(5)
counts.map(lambda kv: (kv[1], kv[0])).transform(lambda rdd: rdd.sortByKey(False)).pprint(5)
ssc.start()
ssc.awaitTermination()
