# Shows: running totals in update mode: each trigger prints only the types whose count changed
# (the message type as a udf made with the decorator form).
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf
from pyspark.sql.types import StringType


@udf(returnType=StringType())
def message_type(line):
    for kind in ["info", "notice", "error"]:
        if "[" + kind + "]" in line:
            return kind
    return "unknown"


spark = SparkSession.builder.appName("Structured Streaming - running totals").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
counts = lines.select(message_type("value").alias("type")).groupBy("type").count()
query = counts.writeStream.outputMode("update").format("console").start()
query.awaitTermination()
