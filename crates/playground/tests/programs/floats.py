# Shows: float arithmetic and reprs (averages with /, round, 0.1+0.2, 1e16), int/float mixing, // and % on negatives, **.
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext


def average(values):
    return sum(values) / len(values)


def facts(line):
    nums = [float(t) for t in line.split()]
    n = int(nums[0])
    avg = average(nums)
    return [avg, round(avg, 1), round(avg), round(n / 4), n // 2, n % 3, n // -2, n % -3, -n // 4,
            n ** 2, 2 ** -n if n > 0 else 2 ** n, n / 4, n * 0.1, 0.1 * 3, 0.1 + 0.2, n * 1e15, 1e16 + n,
            n + 0.0, n / 3, 2 ** 0.5, 1e-7 * n, float(n) == n, n * 1e300 * 1e10]


spark = SparkSession.builder.appName("Floats").master("local[*]").getOrCreate()
ssc = StreamingContext(spark.sparkContext, 10)
lines = ssc.socketTextStream("127.0.0.1", 9999)
lines.map(facts).pprint()
values = lines.flatMap(lambda l: l.split()).map(lambda t: (float(t), 1))
totals = values.reduce(lambda a, b: (a[0] + b[0], a[1] + b[1]))
totals.map(lambda t: ("mean", t[0] / t[1], "sum", t[0], "count", t[1])).pprint()
ssc.start()
ssc.awaitTermination()
