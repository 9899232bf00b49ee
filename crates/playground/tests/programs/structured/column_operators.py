# Shows: Python operators on columns (|, ==, &, ~, >, <, +, reflected /, unary -), as PySpark
# builds them, on each new line, in append mode.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, length

spark = SparkSession.builder.appName("Structured Streaming - column operators").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
kept = lines.where(col("value").contains("[error]") | (col("value") == "x") | (length("value") > 9))
sized = kept.withColumn("n", length(kept.value)).withColumn("n2", col("n") + 1)
shown = sized.select(
    "value",
    "n2",
    10 / col("n"),
    -col("n"),
    ~(col("n") > 3) & (col("value") != "x"),
    (3 < col("n")) | col("value").contains("b"),
    col("n") - 2 >= 1,
    2 * col("n") <= 12,
)
query = shown.writeStream.format("console").trigger(processingTime="10 seconds").start()
query.awaitTermination()
