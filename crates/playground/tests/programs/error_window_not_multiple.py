# Shows: reduceByKeyAndWindow with a 25 s window over 10 s batches: PySpark raises ValueError when the window is declared (batch 0).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


spark = SparkSession.builder.appName("BadWindow").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
ssc.checkpoint("checkpoint")
lines = ssc.socketTextStream("127.0.0.1", 9999)
pairs = lines.map(lambda l: (l.split(" ")[0], 1))
windowed = pairs.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 25, 10)
windowed.pprint()
ssc.start()
ssc.awaitTermination()
