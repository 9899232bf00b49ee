//! The notebook's PySpark code for each mode, written out with the parameters currently running, so students
//! see exactly which program the panel reproduces.

use crate::engine::{Mode, NotebookConfig};
use crate::timefmt::seconds_literal;

/// The notebook's cell for `mode`, with the batch interval, window, slide, inverse and filter of `c`.
///
/// The notebook's third example says `sc = StreamingContext(...)` and then uses `ssc`; the code shown here
/// names it `ssc` throughout so it runs as written.
pub fn pyspark_code(mode: Mode, c: &NotebookConfig) -> String {
    let interval = seconds_literal(c.batch_interval_ms);
    let (app, extra_checkpoint) = match mode {
        Mode::Stateless => ("Spark Streaming - Stateless", false),
        Mode::Cumulative => ("Spark Streaming - Stateless", true),
        Mode::Window => ("Spark Streaming - Statefull", true),
    };
    let mut s = String::new();
    if mode == Mode::Cumulative {
        s.push_str(
            "def updateFunction(newValues, runningCount):\n    if runningCount is None:\n        runningCount = 0\n    return sum(newValues, runningCount)\n\n",
        );
    }
    s.push_str(&format!(
        "spark = SparkSession.builder.appName(\"{app}\").master(\"local[{}]\").getOrCreate()\n",
        c.parallelism
    ));
    s.push_str(&format!(
        "ssc = StreamingContext(spark.sparkContext, {interval})\n"
    ));
    if extra_checkpoint {
        s.push_str("ssc.checkpoint(\"checkpoint\")\n");
    }
    s.push_str("lines = ssc.socketTextStream(\"127.0.0.1\", 9999)\n");
    s.push_str("codes = lines.map(get_message_type).map(lambda x: (x, 1))\n");
    match mode {
        Mode::Stateless => {
            s.push_str("codes_count = codes.reduceByKey(lambda x, y: x + y)\n");
            s.push_str("codes_count.pprint()\n");
        }
        Mode::Cumulative => {
            s.push_str("codes_count = codes.reduceByKey(lambda x, y: x + y)\n");
            s.push_str("codes_count_cumu = codes_count.updateStateByKey(updateFunction)\n");
            s.push_str("codes_count_cumu.pprint()\n");
        }
        Mode::Window => {
            s.push_str(&window_call("codes_count", " = ", c));
            s.push_str("codes_count.pprint()\n");
        }
    }
    s.push_str("ssc.start()\nssc.awaitTermination()\n");
    s
}

/// `target = codes.reduceByKeyAndWindow(...)` for `c`, one keyword argument a
/// line, aligned under the first. `eq` joins keywords and values: `" = "` as the
/// notebook writes them, `"="` for PEP 8 in the exported script.
pub fn window_call(target: &str, eq: &str, c: &NotebookConfig) -> String {
    let head = format!("{target} = codes.reduceByKeyAndWindow(");
    let pad = " ".repeat(head.len());
    let inv = if c.inverse {
        "lambda x, y: x - y"
    } else {
        "None"
    };
    let mut args = vec![
        format!("func{eq}lambda x, y: x + y"),
        format!("invFunc{eq}{inv}"),
        format!("windowDuration{eq}{}", seconds_literal(c.window_ms)),
        format!("slideDuration{eq}{}", seconds_literal(c.slide_ms)),
    ];
    if c.filter_zero {
        args.push(format!("filterFunc{eq}lambda kv: kv[1] != 0"));
    }
    format!("{head}{})\n", args.join(&format!(",\n{pad}")))
}

/// The notebook's `get_message_type`, shared by the three programs.
pub const GET_MESSAGE_TYPE: &str = "def get_message_type(line):\n    if \"[info]\" in line:\n        message_type = \"info\"\n    elif \"[notice]\" in line:\n        message_type = \"notice\"\n    elif \"[error]\" in line:\n        message_type = \"error\"\n    else:\n        message_type = \"unknown\"\n    return message_type\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_notebook() {
        let c = NotebookConfig::default();
        let w = pyspark_code(Mode::Window, &c);
        assert!(w.contains("StreamingContext(spark.sparkContext, 10)"));
        assert!(w.contains("invFunc = lambda x, y: x - y,"));
        assert!(w.contains("windowDuration = 20,"));
        assert!(w.contains("slideDuration = 10)"));
        assert!(w.contains("ssc.checkpoint(\"checkpoint\")"));
        let s = pyspark_code(Mode::Stateless, &c);
        assert!(!s.contains("checkpoint"));
        assert!(pyspark_code(Mode::Cumulative, &c).contains("updateStateByKey(updateFunction)"));
    }

    #[test]
    fn parameters_follow_the_config() {
        let c = NotebookConfig {
            batch_interval_ms: 1_000,
            window_ms: 5_000,
            slide_ms: 2_000,
            inverse: false,
            filter_zero: true,
            parallelism: 4,
        };
        let w = pyspark_code(Mode::Window, &c);
        assert!(w.contains("StreamingContext(spark.sparkContext, 1)"));
        assert!(w.contains("invFunc = None,"));
        assert!(w.contains("windowDuration = 5,"));
        assert!(w.contains("slideDuration = 2,"));
        assert!(w.contains("filterFunc = lambda kv: kv[1] != 0)"));
        assert!(w.contains("local[4]"));
    }
}
