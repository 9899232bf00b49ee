# Shows: windowed counts in append mode: a window is printed once, when the watermark closes it,
# and late rows for closed windows are dropped (the message type as a udf).
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf, window
from pyspark.sql.types import StringType


def get_message_type(line):
    if "[info]" in line:
        return "info"
    elif "[notice]" in line:
        return "notice"
    elif "[error]" in line:
        return "error"
    return "unknown"


spark = SparkSession.builder.appName("Structured Streaming - windowed append").getOrCreate()
lines = (
    spark.readStream.format("socket")
    .option("host", "127.0.0.1")
    .option("port", 9999)
    .option("includeTimestamp", True)
    .load()
)
typed = lines.withColumn("type", udf(get_message_type, StringType())("value"))
counts = (
    typed.withWatermark("timestamp", "10 seconds")
    .groupBy(window("timestamp", "20 seconds", "10 seconds"), "type")
    .count()
)
query = (
    counts.writeStream.outputMode("append")
    .format("console")
    .option("truncate", False)
    .trigger(processingTime="10 seconds")
    .start()
)
query.awaitTermination()
