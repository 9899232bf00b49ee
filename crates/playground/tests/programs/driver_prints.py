# Shows: print() at top level before start() and inside a transform function (driver, every batch, before that batch's jobs).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def get_type(line):
    if "[error]" in line:
        return "error"
    return "other"


def show(rdd):
    n = rdd.count()
    print("transform sees", n, "lines", "(empty)" if rdd.isEmpty() else "")
    return rdd.filter(lambda l: "[error]" in l)


print("Starting the stream")
print("batch interval:", 10, "s", sep=" ", end="!\n")
spark = SparkSession.builder.appName("Prints").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
counts = lines.map(lambda l: (get_type(l), 1)).reduceByKey(lambda a, b: a + b)
counts.pprint()
lines.transform(show).count().pprint()
print(f"registered {2} outputs")
ssc.start()
print("started")
ssc.awaitTermination()
print("never printed: awaitTermination does not return")
