# Shows: IndexError: list index out of range at batch 2 (the line "The Fox" has no third word).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


spark = SparkSession.builder.appName("IndexError").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
third = lines.map(lambda l: l.split()[2])
third.pprint()
ssc.start()
ssc.awaitTermination()
