# Shows: updateStateByKey without ssc.checkpoint(): Spark refuses at ssc.start() (batch 0), after the top-level print.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def update(new_values, total):
    return sum(new_values) + (total or 0)


print("building the stream")
spark = SparkSession.builder.appName("NoCheckpoint").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
running = lines.map(lambda l: (l.split()[0] if l else "", 1)).updateStateByKey(update)
running.pprint()
ssc.start()
ssc.awaitTermination()
