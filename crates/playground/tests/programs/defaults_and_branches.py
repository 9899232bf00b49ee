# Shows: def with default and keyword arguments, if/elif/else chains, and/or/not, a conditional expression.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def classify(line, strict=False, default="other"):
    if not line:
        return "empty"
    elif "[error]" in line and strict:
        return "ERROR"
    elif "[error]" in line:
        return "error"
    elif "[notice]" in line or "[info]" in line:
        return "note"
    else:
        return default


def label(kind, n, sep=": ", upper=False):
    text = kind + sep + str(n)
    if upper:
        text = text.upper()
    return text if n > 1 else "(" + text + ")"


spark = SparkSession.builder.appName("Branches").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
kinds = lines.map(lambda l: (classify(l, default="misc"), 1)).reduceByKey(lambda a, b: a + b)
kinds.map(lambda kv: label(kv[0], kv[1])).pprint()
lines.map(lambda l: classify(l, True)).map(lambda k: label(k, len(k), sep="=", upper=k == "ERROR")).pprint(4)
ssc.start()
ssc.awaitTermination()
