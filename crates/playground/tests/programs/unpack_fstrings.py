# Shows: tuple unpacking (nested, swap), augmented assignment, f-strings with format specs, %-formatting.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def parse(line):
    name, dept, score = line.split(",")
    return dept, (name, float(score))


def combine(a, b):
    total_a, count_a, best_a = a
    total_b, count_b, best_b = b
    total_a += total_b
    count_a += count_b
    if best_b > best_a:
        best_a, best_b = best_b, best_a
    return (total_a, count_a, best_a)


def summary(kv):
    dept, (total, count, best) = kv
    avg = total / count
    return f"{dept:<6}| n={count} avg={avg:.2f} best={best!r} total={total} {avg:>8.3f}|{count:03d}"


spark = SparkSession.builder.appName("Formatting").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
parsed = lines.map(parse)
stats = parsed.mapValues(lambda v: (v[1], 1, v[0])).reduceByKey(combine)
stats.map(summary).pprint()
parsed.map(lambda kv: "%s scored %5.1f (%d%%) in %s, %r" % (kv[1][0], kv[1][1], kv[1][1], kv[0], kv[1][1])).pprint()
ssc.start()
ssc.awaitTermination()
