# Shows: string functions on each new line (upper, lower, length), lines without "[" filtered
# out, in append mode.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, length, lit, lower, upper

spark = SparkSession.builder.appName("Structured Streaming - strings").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
tagged = lines.where(col("value").contains("["))
shown = tagged.select(
    upper("value").alias("upper"),
    length(col("value")).alias("n"),
    lower(lit("ABC")),
    col("value").contains("error"),
)
query = shown.writeStream.format("console").trigger(processingTime="10 seconds").start()
query.awaitTermination()
