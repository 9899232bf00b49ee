# Shows: mapValues, flatMapValues, groupByKey().mapValues(list) and mapValues(len), int keys.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


spark = SparkSession.builder.appName("PairOps").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
by_size = lines.map(lambda l: (len(l.split()), l))
by_size.mapValues(lambda l: l.upper()[:12]).pprint()
by_size.flatMapValues(lambda l: l.split()[1:3]).pprint()
words = lines.flatMap(lambda l: l.split()).map(lambda w: (w[0], w))
grouped = words.groupByKey()
grouped.mapValues(list).pprint()
grouped.mapValues(len).pprint()
ssc.start()
ssc.awaitTermination()
