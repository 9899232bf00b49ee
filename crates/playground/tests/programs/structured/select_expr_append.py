# Shows: selectExpr's SQL expressions (an alias, arithmetic, a division giving a double, a
# comparison with AND and IS NOT NULL, a CAST) and the Column methods isNull / isNotNull /
# cast on each new line, in append mode.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, length, when

spark = SparkSession.builder.appName("Structured Streaming - expressions").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
sized = lines.withColumn("n", length("value")).withColumn(
    "tag", when(col("value").contains("[error]"), "error")
)
computed = sized.selectExpr(
    "value AS line",
    "tag",
    "n * 2 + 1 AS odd",
    "n / 4",
    "n - 10 >= 0 AND tag IS NOT NULL",
    "CAST(n AS STRING) AS text",
)
shown = computed.select(
    "line",
    col("tag").isNull(),
    col("tag").isNotNull().alias("tagged"),
    col("odd").cast("double"),
    col("text").cast("long").alias("back"),
    "(n / 4)",
)
query = shown.writeStream.format("console").option("truncate", False).start()
query.awaitTermination()
