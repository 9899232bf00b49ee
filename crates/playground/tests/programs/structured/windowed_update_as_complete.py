# Shows: the example windowed_update.py with only its output mode changed to complete: every window
# still in the state store at every trigger; the watermark removes nothing and no no-data batch runs.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, when, window

spark = SparkSession.builder.appName("Structured Streaming - windowed counts").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
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
query = (
    counts.writeStream.outputMode("complete")
    .format("console")
    .option("truncate", False)
    .trigger(processingTime="10 seconds")
    .start()
)
query.awaitTermination()
