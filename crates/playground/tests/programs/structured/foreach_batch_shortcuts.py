# Shows: foreachBatch on each trigger's DataFrame: selectExpr (a length, a comparison), and
# GroupedData's shortcuts avg, max (every numeric column) and min, each shown.
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, when


def per_batch(df, batch_id):
    sized = df.selectExpr("value", "length(value) AS n")
    typed = sized.withColumn("type", when(col("value").contains("[error]"), "error").otherwise("other"))
    flagged = typed.selectExpr("type", "n", "n >= 20 AS long")
    flagged.groupBy("type").avg("n").show()
    flagged.groupBy("type", "long").max().show()
    typed.groupBy("type").min("n").show()


spark = SparkSession.builder.appName("Structured Streaming - batch shortcuts").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", 9999).load()
query = lines.writeStream.foreachBatch(per_batch).start()
query.awaitTermination()
