//! The notebook's three cells as programs of the lab's Python: their text
//! exactly as in the course notebook, with the settings' numbers (batch
//! interval, window, slide, inverse, filter, parallelism) written in. The
//! lab runs these programs ([`crate::NotebookLab`]), the page shows them and
//! exports them; this is their one copy.

use crate::config::NotebookConfig;
use crate::mode::Mode;

/// The imports every program starts with.
pub const IMPORTS: &str =
    "from pyspark.sql import SparkSession\nfrom pyspark.streaming import StreamingContext\n";

/// The notebook's `get_message_type`, docstring (and its spelling) included.
pub const GET_MESSAGE_TYPE: &str = r#"def get_message_type(line):
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
"#;

/// The notebook's `updateFunction`, the cumulative cell's state function (its
/// trailing space included).
pub const UPDATE_FUNCTION: &str = r#"def updateFunction(newValues, runningCount):
    """
    Accumulates an iterative counter
    """
    
    if runningCount is None:
        runningCount = 0
    return sum(newValues, runningCount) 
"#;

/// The cells' pairs: each line's message type with a count of 1.
pub const CODES: &str = "codes = lines.map(get_message_type).map(lambda x: (x, 1))\n";

/// The counts per batch (the stateless cell's result, the cumulative cell's input).
pub const CODES_COUNT: &str = "codes_count = codes.reduceByKey(lambda x, y: x + y)\n";

/// The running totals of the cumulative cell.
pub const CODES_COUNT_CUMU: &str =
    "codes_count_cumu = codes_count.updateStateByKey(updateFunction)\n";

/// The window cell's note: the notebook names the context `sc` and then uses
/// `ssc`, which raises a `NameError`; the lab's program says so and runs.
pub const WINDOW_SLIP_NOTE: &str = "# Corrected: the notebook's `sc = StreamingContext(...)` slip is `ssc = StreamingContext(...)` here.\n";

/// The Spark master a program names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Master {
    /// The notebook's `local[*]`: as many partitions as the machine has cores.
    Notebook,
    /// `local[cores]`; when `cores` is not the settings' parallelism, the
    /// program sets `spark.default.parallelism`, which decides the printed
    /// key order.
    Cores(usize),
}

/// The cores of the master that runs `parallelism` partitions: the socket
/// receiver holds one core for good, so `local[1]` would never process a
/// batch (one of Spark's classic mistakes); Spark gets at least two.
pub fn master_cores(parallelism: usize) -> usize {
    parallelism.max(2)
}

/// A duration in milliseconds written as Python seconds, the way the
/// notebook writes them (`10`, `0.5`).
pub fn seconds_literal(ms: i64) -> String {
    if ms % 1000 == 0 {
        format!("{}", ms / 1000)
    } else {
        let s = format!("{:.3}", ms as f64 / 1000.0);
        s.trim_end_matches('0').to_string()
    }
}

/// The whole program of `mode`'s cell for settings `c`: imports, the
/// functions it calls, the cell. The window's carries the note on the slip
/// it corrects first.
pub fn notebook_program(mode: Mode, c: &NotebookConfig, master: Master) -> String {
    let mut s = String::new();
    if mode == Mode::Window {
        s.push_str(WINDOW_SLIP_NOTE);
    }
    s.push_str(IMPORTS);
    s.push_str("\n\n");
    s.push_str(GET_MESSAGE_TYPE);
    s.push_str("\n\n");
    if mode == Mode::Cumulative {
        s.push_str(UPDATE_FUNCTION);
        s.push_str("\n\n");
    }
    s.push_str(&cell(mode, c, master));
    s
}

/// What a mode's panel shows: the cell with the function it defines
/// (`updateFunction`) and, for the window, the note on the corrected slip;
/// `get_message_type`, shared by the three, and the imports are left out.
pub fn notebook_cell(mode: Mode, c: &NotebookConfig, master: Master) -> String {
    let mut s = String::new();
    match mode {
        Mode::Stateless => {}
        Mode::Cumulative => {
            s.push_str(UPDATE_FUNCTION);
            s.push('\n');
        }
        Mode::Window => s.push_str(WINDOW_SLIP_NOTE),
    }
    s.push_str(&cell(mode, c, master));
    s
}

/// The cell itself, from `spark = ...` to `ssc.awaitTermination()`.
fn cell(mode: Mode, c: &NotebookConfig, master: Master) -> String {
    let app = match mode {
        Mode::Stateless | Mode::Cumulative => "Spark Streaming - Stateless",
        Mode::Window => "Spark Streaming - Statefull",
    };
    let master = match master {
        Master::Notebook => "local[*]".to_string(),
        Master::Cores(cores) if cores == c.parallelism => format!("local[{cores}]"),
        Master::Cores(cores) => format!(
            "local[{cores}]\").config(\"spark.default.parallelism\", \"{}",
            c.parallelism
        ),
    };
    let mut s = format!(
        "spark = SparkSession.builder.appName(\"{app}\").master(\"{master}\").getOrCreate()\n"
    );
    s.push_str(&format!(
        "ssc = StreamingContext(spark.sparkContext, {})\n",
        seconds_literal(c.batch_interval_ms)
    ));
    if mode != Mode::Stateless {
        s.push_str("ssc.checkpoint(\"checkpoint\")\n");
    }
    s.push_str("lines = ssc.socketTextStream(\"127.0.0.1\", 9999)\n");
    s.push_str(CODES);
    match mode {
        Mode::Stateless => {
            s.push_str(CODES_COUNT);
            s.push_str("codes_count.pprint()\n");
        }
        Mode::Cumulative => {
            s.push_str(CODES_COUNT);
            s.push_str(CODES_COUNT_CUMU);
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
/// line, aligned under the first. `eq` joins keywords and values: `" = "` as
/// the notebook writes them, `"="` for PEP 8 in the exported script.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The playground's copy of a notebook program (an example of the menu,
    /// with PySpark's output recorded), without its `# Shows:` line.
    fn example(name: &str) -> String {
        let path = format!(
            "{}/../playground/tests/programs/{name}.py",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (shows, rest) = text.split_once('\n').expect("a first line");
        assert!(shows.starts_with("# Shows: "), "{path}");
        rest.to_string()
    }

    #[test]
    fn the_default_programs_are_the_notebook_examples_pyspark_ran() {
        let c = NotebookConfig::default();
        for (mode, name) in [
            (Mode::Stateless, "notebook_stateless"),
            (Mode::Cumulative, "notebook_cumulative"),
            (Mode::Window, "notebook_window"),
        ] {
            assert_eq!(
                notebook_program(mode, &c, Master::Notebook),
                example(name),
                "{name}"
            );
        }
    }

    #[test]
    fn a_master_unlike_the_parallelism_sets_the_parallelism() {
        let c = NotebookConfig {
            parallelism: 1,
            ..NotebookConfig::default()
        };
        let s = notebook_cell(Mode::Stateless, &c, Master::Cores(master_cores(1)));
        assert!(s.contains(
            ".master(\"local[2]\").config(\"spark.default.parallelism\", \"1\").getOrCreate()"
        ));
        let s = notebook_cell(
            Mode::Stateless,
            &NotebookConfig::default(),
            Master::Cores(2),
        );
        assert!(s.contains(".master(\"local[2]\").getOrCreate()"));
    }

    #[test]
    fn seconds_are_written_as_the_notebook_writes_them() {
        assert_eq!(seconds_literal(10_000), "10");
        assert_eq!(seconds_literal(500), "0.5");
        assert_eq!(seconds_literal(1_250), "1.25");
    }
}
