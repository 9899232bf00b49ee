# Shows: the notebook's running totals in Structured Streaming: groupBy("type").count() in
# complete mode prints the whole result table at every trigger (the type as a when/contains column).
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
    counts.writeStream.outputMode("complete")
    .format("console")
    .trigger(processingTime="10 seconds")
    .start()
)
query.awaitTermination()
