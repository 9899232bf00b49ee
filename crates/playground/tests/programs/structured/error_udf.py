# Shows: a Python error inside a udf stops the query at the trigger whose line raised it
# (a "[warn]" line has no entry in the dict), after the earlier triggers were printed.
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf
from pyspark.sql.types import StringType

KINDS = {"[info]": "info", "[notice]": "notice", "[error]": "error"}


def get_message_type(line):
    return KINDS[line.split(" ")[0]]


spark = SparkSession.builder.appName("Structured Streaming - udf error").getOrCreate()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
typed = lines.select("value", udf(get_message_type, StringType())("value").alias("type"))
query = typed.writeStream.format("console").start()
query.awaitTermination()
