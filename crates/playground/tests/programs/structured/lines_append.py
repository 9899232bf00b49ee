# Shows: a query without aggregation: every new line with its type, in append mode (the only
# mode it may use), two rows per trigger at most and no cut cells.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, when

spark = SparkSession.builder.appName("Structured Streaming - lines").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
kind = when(col("value").contains("[error]"), "error").otherwise("other")
typed = lines.select("value", kind.alias("type"))
query = (
    typed.writeStream.format("console")
    .option("numRows", 2)
    .option("truncate", False)
    .trigger(processingTime="10 seconds")
    .start()
)
query.awaitTermination()
