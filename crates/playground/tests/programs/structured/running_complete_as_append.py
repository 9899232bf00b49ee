# Shows: the example running_complete.py with only its output mode changed to append: Spark's
# analysis error (an aggregation without a watermark cannot append).
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, when

spark = SparkSession.builder.appName("Structured Streaming - running totals").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
lines = (
    spark.readStream.format("socket")
    .option("host", "127.0.0.1")
    .option("port", 9999)
    .load()
)
message_type = (
    when(col("value").contains("[info]"), "info")
    .when(col("value").contains("[notice]"), "notice")
    .when(col("value").contains("[error]"), "error")
    .otherwise("unknown")
)
counts = lines.withColumn("type", message_type).groupBy("type").count()
query = (
    counts.writeStream.outputMode("append")
    .format("console")
    .trigger(processingTime="10 seconds")
    .start()
)
query.awaitTermination()
