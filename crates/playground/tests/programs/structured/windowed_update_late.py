# Shows: late rows in update mode: a row whose window ended before the previous trigger's
# watermark is dropped; one whose window is still open updates it.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, when, window

spark = SparkSession.builder.appName("Structured Streaming - late rows").getOrCreate()
lines = (
    spark.readStream.format("socket")
    .option("host", "127.0.0.1")
    .option("port", 9999)
    .option("includeTimestamp", True)
    .load()
)
value = col("value")
typed = lines.withColumn(
    "type",
    when(value.contains("[info]"), "info")
    .when(value.contains("[notice]"), "notice")
    .when(value.contains("[error]"), "error")
    .otherwise("unknown"),
)
counts = (
    typed.withWatermark("timestamp", "10 seconds")
    .groupBy(window("timestamp", "20 seconds", "10 seconds"), "type")
    .count()
)
query = counts.writeStream.outputMode("update").format("console").option("truncate", False).start()
query.awaitTermination()
