# Shows: several aggregates per type in update mode: how many lines, their total and average
# length, and the first and last line in text order (groupBy(...).agg(...)).
from pyspark.sql import SparkSession
from pyspark.sql.functions import avg, col, count, length, max, min, sum, when

spark = SparkSession.builder.appName("Structured Streaming - aggregates").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
typed = lines.withColumn("type", when(col("value").contains("[error]"), "error").otherwise("other"))
stats = typed.groupBy("type").agg(
    count("*").alias("lines"),
    sum(length("value")),
    avg(length("value")).alias("avg_length"),
    min("value"),
    max("value"),
)
query = stats.writeStream.outputMode("update").format("console").option("truncate", False).start()
query.awaitTermination()
