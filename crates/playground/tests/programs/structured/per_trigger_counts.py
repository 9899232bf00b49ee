# Shows: the notebook's per-batch counts in Structured Streaming: foreachBatch hands each
# trigger's rows over as a DataFrame, counted by type and shown (the message type as a udf).
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf, col
from pyspark.sql.types import StringType


def get_message_type(line):
    if "[info]" in line:
        message_type = "info"
    elif "[notice]" in line:
        message_type = "notice"
    elif "[error]" in line:
        message_type = "error"
    else:
        message_type = "unknown"
    return message_type


def show_counts(df, batch_id):
    df.groupBy("type").count().show()


spark = SparkSession.builder.appName("Structured Streaming - per trigger").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
message_type = udf(get_message_type, StringType())
typed = lines.withColumn("type", message_type(col("value")))
query = typed.writeStream.foreachBatch(show_counts).trigger(processingTime="10 seconds").start()
query.awaitTermination()
