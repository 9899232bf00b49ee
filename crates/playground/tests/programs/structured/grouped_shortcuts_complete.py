# Shows: GroupedData's shortcuts: groupBy("type").sum() adds up every numeric column (an int
# column's sum is a long, a double column's a double), in complete mode.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, length, when

spark = SparkSession.builder.appName("Structured Streaming - sums").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
typed = lines.select(
    when(col("value").contains("[error]"), "error").otherwise("other").alias("type"),
    length("value").alias("n"),
    length("value").cast("double").alias("x"),
)
totals = typed.groupBy("type").sum()
query = totals.writeStream.outputMode("complete").format("console").start()
query.awaitTermination()
