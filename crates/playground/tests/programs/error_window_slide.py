# Shows: window(30, 15) over 10 s batches: the slide is not a multiple of the batch interval (Spark's error).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


spark = SparkSession.builder.appName("BadSlide").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.window(30, 15).count().pprint()
ssc.start()
ssc.awaitTermination()
