# Shows: the notebook's window cells (reduceByKeyAndWindow 20/10 with invFunc), code as in the notebook.
# Corrected: the notebook's `sc = StreamingContext(...)` slip is `ssc = StreamingContext(...)` here.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def get_message_type(line):
    """
    Returns the type of message of an input line from log data deppending if the lines
    contains the "[info]" (type "info"), "[notice]" (type "notice") or "[error]" (type "error") 
    keyword. If none of them are found, the returned type is "unknown"
    
    :input line: input line
    :return: message type
    """
    
    if "[info]" in line:
        message_type = "info"
    elif "[notice]" in line:
        message_type = "notice"
    elif "[error]" in line:
        message_type = "error"
    else:
        message_type = "unknown"
    return message_type


spark = SparkSession.builder.appName("Spark Streaming - Statefull").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
ssc.checkpoint("checkpoint")
lines = ssc.socketTextStream("127.0.0.1", 9999)
codes = lines.map(get_message_type).map(lambda x: (x, 1))
codes_count = codes.reduceByKeyAndWindow(func = lambda x, y: x + y,
                                         invFunc = lambda x, y: x - y,
                                         windowDuration = 20,
                                         slideDuration = 10)
codes_count.pprint()
ssc.start()
ssc.awaitTermination()
