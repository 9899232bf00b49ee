# Shows: sorted (key=, reverse=), reversed, enumerate (start), zip, min/max with key= and default=.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def analyse(line):
    words = line.split()
    by_len = sorted(words, key=len)
    rev = list(reversed(words))
    indexed = [str(i) + ":" + w for i, w in enumerate(words, 1)]
    pairs = list(zip(words, by_len))
    longest = max(words, key=lambda w: (len(w), w)) if words else ""
    shortest = min(words, key=len, default="-")
    return (by_len, rev[:2], indexed[-1:], pairs[:2], longest, shortest, sorted(words, reverse=True)[:2])


spark = SparkSession.builder.appName("Builtins").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.map(analyse).pprint()
ssc.start()
ssc.awaitTermination()
