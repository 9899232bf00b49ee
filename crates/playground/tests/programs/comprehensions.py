# Shows: list and dict comprehensions with conditions, generators in sum/max/min (with default=).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def numbers(line):
    return [float(t) if "." in t else int(t) for t in line.split()]


def stats(line):
    nums = numbers(line)
    squares = [n * n for n in nums if n > 0]
    by_sign = {("neg" if n < 0 else "pos"): n for n in nums}
    total = sum(n for n in nums)
    biggest = max((abs(n) for n in nums), default=0)
    smallest = min(n for n in nums)
    return (squares, sorted(by_sign.items()), total, biggest, smallest)


spark = SparkSession.builder.appName("Comprehensions").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.map(stats).pprint()
lines.map(lambda l: {w: len(w) for w in l.split() if not w.startswith("-")}).pprint()
ssc.start()
ssc.awaitTermination()
