# Shows: window(20, 10) on raw lines (first 2 shown) and countByWindow(20, 10).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

spark = SparkSession.builder.appName("Windows").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
ssc.checkpoint("checkpoint")
lines = ssc.socketTextStream("127.0.0.1", 9999)
short = lines.map(lambda l: l[27:40])
short.window(20, 10).pprint(2)
lines.countByWindow(20, 10).pprint()
ssc.start()
ssc.awaitTermination()
