# Shows: a SyntaxError "invalid syntax" (two operators in a row): nothing runs.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

print("not printed either")
spark = SparkSession.builder.appName("Syntax").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
counts = lines.map(lambda l: (l, 1)).reduceByKey(lambda a, b: a +* b)
counts.pprint()
ssc.start()
ssc.awaitTermination()
