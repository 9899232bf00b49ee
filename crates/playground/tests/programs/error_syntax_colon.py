# Shows: a SyntaxError (missing colon after def): nothing runs, nothing is printed.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def get_type(line)
    return line.split()[0]


spark = SparkSession.builder.appName("Syntax").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.map(get_type).pprint()
ssc.start()
ssc.awaitTermination()
