# Shows: pprint(3) takes 4 records, yet the whole partition of the mapped stream is computed: "2" (60 // 0.0) fails batch 1.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


spark = SparkSession.builder.appName("LazyTake").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
tokens = lines.flatMap(lambda l: l.split())
tokens.map(lambda t: 60 // (float(t) - 2)).pprint(3)
ssc.start()
ssc.awaitTermination()
