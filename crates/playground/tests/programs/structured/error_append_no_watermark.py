# Shows: Spark's analysis error: append mode refuses a streaming aggregation without a watermark
# (the counts could change forever, so no row could ever be appended).
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, when

spark = SparkSession.builder.appName("Structured Streaming - append").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
typed = lines.withColumn("type", when(col("value").contains("[error]"), "error").otherwise("other"))
counts = typed.groupBy("type").count()
query = counts.writeStream.outputMode("append").format("console").start()
query.awaitTermination()
