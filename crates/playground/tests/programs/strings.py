# Shows: slicing/indexing and str methods (strip/split/rsplit/lower/upper/title/replace/find/count/join/format/is*).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def shape(line):
    s = line.strip()
    if s == "":
        return "blank(%d)" % len(line)
    parts = [s[0], s[-1], s[1:4], s[::-1][:3], s[::2], s[-3:], s[:-3],
             s.upper(), s.lower(), s.title(), str(s.startswith("[")), str(s.endswith("c")),
             s.replace(" ", "_"), str(s.find("e")), str(s.count("a")),
             "|".join(s.split()), "/".join(s.rsplit(",", 1)), str(s.split(",", 2)),
             s.strip("-").strip(), "{}:{}".format(len(s), s.isdigit()), str(s.isalpha()),
             "{0}-{1}-{0}".format(s[:2], len(s.split()))]
    return " ".join(parts)


spark = SparkSession.builder.appName("Strings").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.map(shape).pprint()
lines.map(lambda l: (l, len(l), l.split(), l.rsplit(None, 1))).pprint()
ssc.start()
ssc.awaitTermination()
