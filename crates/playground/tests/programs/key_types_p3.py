# Shows: the same keys as key_types.py with parallelism 3 (portable_hash(key) % 3 partition order).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def parse(t):
    if "." in t:
        return float(t)
    return int(t)


def sign(n):
    if n > 0:
        return "pos"
    elif n < 0:
        return "neg"
    return "zero"


spark = SparkSession.builder.appName("KeyTypes").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
nums = lines.flatMap(lambda l: l.split()).map(parse)
nums.map(lambda n: (n, 1)).reduceByKey(lambda a, b: a + b).pprint(20)
nums.map(lambda n: (n if n % 2 else n / 2, 1)).reduceByKey(lambda a, b: a + b).pprint(20)
nums.map(lambda n: ((sign(n), int(n) % 3), n)).reduceByKey(lambda a, b: a + b).pprint(20)
nums.map(lambda n: (None if n == 0 or n == 6 else str(n), 1)).reduceByKey(lambda a, b: a + b).pprint(20)
ssc.start()
ssc.awaitTermination()
