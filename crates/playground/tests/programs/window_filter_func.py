# Shows: reduceByKeyAndWindow(50, 10) with invFunc: zero counts stay unless filterFunc drops them.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def get_type(line):
    if "[info]" in line:
        return "info"
    elif "[notice]" in line:
        return "notice"
    elif "[error]" in line:
        return "error"
    else:
        return "unknown"


spark = SparkSession.builder.appName("WindowFilter").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
ssc.checkpoint("checkpoint")
lines = ssc.socketTextStream("127.0.0.1", 9999)
pairs = lines.map(lambda l: (get_type(l), 1))
windowed = pairs.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 50, 10,
                                      filterFunc=lambda kv: kv[1] > 0)
windowed.pprint()
unfiltered = pairs.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 50, 10)
unfiltered.pprint()
ssc.start()
ssc.awaitTermination()
