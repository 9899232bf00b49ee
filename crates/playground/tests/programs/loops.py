# Shows: for over str/list/tuple/range/dict.items(), while with break and continue, augmented assignment.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def vowel_count(word):
    n = 0
    for ch in word:
        if ch in "aeiou":
            n += 1
    return n


def first_long(words, limit=4):
    i = 0
    found = None
    while i < len(words):
        w = words[i]
        i += 1
        if len(w) < limit:
            continue
        found = w
        break
    return found


def describe(line):
    words = line.split()
    stats = {"words": len(words), "vowels": 0}
    for w in words:
        stats["vowels"] += vowel_count(w)
    parts = []
    for key, value in stats.items():
        parts.append(key + "=" + str(value))
    for i in range(3, 0, -1):
        parts.append(str(i))
    for pair in (("first", first_long(words)), ("last", words[-1] if words else None)):
        parts.append("%s:%s" % pair)
    return " ".join(parts)


spark = SparkSession.builder.appName("Loops").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.map(describe).pprint()
ssc.start()
ssc.awaitTermination()
