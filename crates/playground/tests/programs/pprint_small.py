# Shows: pprint(num) with fewer slots than records ("..." line), pprint(1) and pprint(0).
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


spark = SparkSession.builder.appName("PprintNum").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
words = lines.flatMap(lambda l: l.split())
words.pprint(2)
words.map(lambda w: (w, len(w))).pprint(1)
lines.pprint(0)
ssc.start()
ssc.awaitTermination()
