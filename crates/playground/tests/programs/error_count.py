# Shows: counting only the error lines with filter(...).count(); an empty batch prints no count at all.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

spark = SparkSession.builder.appName("ErrorCount").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
errors = lines.filter(lambda line: "[error]" in line)
errors.count().pprint()
ssc.start()
ssc.awaitTermination()
