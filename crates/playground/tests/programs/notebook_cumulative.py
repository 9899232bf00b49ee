# Shows: the notebook's cumulative cell (updateStateByKey with checkpoint), code exactly as in the notebook.
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


def updateFunction(newValues, runningCount):
    """
    Accumulates an iterative counter
    """
    
    if runningCount is None:
        runningCount = 0
    return sum(newValues, runningCount) 


spark = SparkSession.builder.appName("Spark Streaming - Stateless").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
ssc.checkpoint("checkpoint")
lines = ssc.socketTextStream("127.0.0.1", 9999)
codes = lines.map(get_message_type).map(lambda x: (x, 1))
codes_count = codes.reduceByKey(lambda x, y: x + y)
codes_count_cumu = codes_count.updateStateByKey(updateFunction)
codes_count_cumu.pprint()
ssc.start()
ssc.awaitTermination()
