//! "Take it to real Spark": a runnable PySpark script reproducing the page's configuration, a CSV of the charted
//! history, and the `data:` URLs the download links use (no server, works offline).

use crate::code::{window_call, GET_MESSAGE_TYPE};
use crate::engine::{Mode, NotebookConfig};
use crate::engine::{CODES, CODES_COUNT, CODES_COUNT_CUMU, UPDATE_FUNCTION};
use crate::model::BatchEntry;
use crate::timefmt::seconds_literal;

/// The port `send-messages` serves (the notebook's `socketTextStream("127.0.0.1", 9999)`).
pub const SOURCE_PORT: u16 = 9999;
/// The `--tee` port the relay's README uses (`relay --demo --tee 127.0.0.1:9997`).
pub const DEFAULT_TEE_PORT: u16 = 9997;
/// The file name of the downloaded script.
pub const SCRIPT_FILE: &str = "dstream_lab_job.py";
/// The file name of the downloaded CSV.
pub const CSV_FILE: &str = "dstream_lab_history.csv";

/// Where the exported job reads its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// `send-messages` (or `nc -lk 9999`) directly, as in the notebook.
    Source,
    /// The relay's `--tee` port: the very lines the page sees.
    Tee(u16),
}

impl Feed {
    /// The TCP port.
    pub fn port(self) -> u16 {
        match self {
            Feed::Source => SOURCE_PORT,
            Feed::Tee(p) => p,
        }
    }
}

/// What to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSpec {
    /// The page's running settings.
    pub config: NotebookConfig,
    /// Where the job reads.
    pub feed: Feed,
    /// `ssc.checkpoint(...)`'s directory.
    pub checkpoint_dir: String,
    /// The modes to run, in the page's order (all three by default).
    pub modes: Vec<Mode>,
}

impl ExportSpec {
    /// All three modes on `config`, reading `send-messages` on 9999, checkpointing to `checkpoint`.
    pub fn new(config: NotebookConfig) -> Self {
        ExportSpec {
            config,
            feed: Feed::Source,
            checkpoint_dir: "checkpoint".to_string(),
            modes: Mode::ALL.to_vec(),
        }
    }
}

/// "Take it to real Spark"'s form, as the student set it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportForm {
    /// Read from the relay's `--tee` port rather than from `send-messages`.
    pub tee: bool,
    /// The `--tee` port (kept while the form reads from `send-messages`).
    pub tee_port: u16,
    /// `ssc.checkpoint(...)`'s directory.
    pub checkpoint_dir: String,
}

impl Default for ExportForm {
    fn default() -> Self {
        ExportForm {
            tee: false,
            tee_port: DEFAULT_TEE_PORT,
            checkpoint_dir: "checkpoint".to_string(),
        }
    }
}

impl ExportForm {
    /// The form as the page keeps it: an empty checkpoint directory is the notebook's `checkpoint`.
    pub fn tidied(mut self) -> Self {
        if self.checkpoint_dir.trim().is_empty() {
            self.checkpoint_dir = "checkpoint".to_string();
        }
        self
    }

    /// What to export with these choices, for a page running `config`.
    pub fn spec(&self, config: &NotebookConfig) -> ExportSpec {
        ExportSpec {
            feed: if self.tee {
                Feed::Tee(self.tee_port)
            } else {
                Feed::Source
            },
            checkpoint_dir: self.checkpoint_dir.clone(),
            ..ExportSpec::new(config.clone())
        }
    }
}

/// What the export bar shows: the form and the script it exports.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExportView {
    /// The form.
    pub form: ExportForm,
    /// The PySpark script for the running settings and the form.
    pub script: std::rc::Rc<str>,
}

impl ExportView {
    /// The export bar for `form` on a page running `config`.
    pub fn of(form: &ExportForm, config: &NotebookConfig) -> Self {
        ExportView {
            form: form.clone(),
            script: pyspark_script(&form.spec(config)).into(),
        }
    }
}

/// A Python string literal for `s` (double-quoted, escaped).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// The exported script: the notebook's job with the page's settings, every chosen mode on one stream, each
/// `pprint()`ed in the page's order, so its console can be compared block by block with the page's consoles.
pub fn pyspark_script(spec: &ExportSpec) -> String {
    let c = &spec.config;
    let has = |m: Mode| spec.modes.contains(&m);
    let needs_checkpoint = has(Mode::Cumulative) || (has(Mode::Window) && c.inverse);
    let feed = match spec.feed {
        Feed::Source => format!(
            "send-messages (or `nc -lk {SOURCE_PORT}`) on 127.0.0.1:{SOURCE_PORT}, as in the notebook"
        ),
        Feed::Tee(p) => format!(
            "the relay's --tee port 127.0.0.1:{p} (`relay --demo --tee 127.0.0.1:{p}`): the very lines the page sees"
        ),
    };
    let mode_names: Vec<&str> = spec.modes.iter().map(|m| m.as_str()).collect();
    let mut s = String::new();
    s.push_str("#!/usr/bin/env python3\n");
    s.push_str(&format!(
        "\"\"\"DStream Lab, exported: the notebook's Spark Streaming job with the page's settings.\n\n\
         Settings: batch interval {} s, window {} s, slide {} s, inverse function {}, filter zero keys {},\n\
         {} partitions (the page's local[{}]). Modes: {}.\n\
         Reads {}.\n\n\
         Run it with a Spark that has PySpark's DStreams (pyspark.streaming), e.g.\n\
         \x20   spark-submit {SCRIPT_FILE}      (or: python3 {SCRIPT_FILE} with `pip install pyspark`)\n\
         Each batch prints one block per mode, in the page's order ({}), with the same\n\
         `Time:` lines as the page's consoles: batch times are multiples of the interval on the clock.\n\
         \"\"\"\n\n",
        seconds_literal(c.batch_interval_ms),
        seconds_literal(c.window_ms),
        seconds_literal(c.slide_ms),
        on_off(c.inverse),
        on_off(c.filter_zero),
        c.parallelism,
        c.parallelism,
        mode_names.join(", "),
        feed,
        mode_names.join(", "),
    ));
    s.push_str(
        "from pyspark.sql import SparkSession\nfrom pyspark.streaming import StreamingContext\n\n",
    );
    s.push_str(&format!(
        "HOST = \"127.0.0.1\"\nPORT = {}\nCHECKPOINT_DIR = {}\n\n\n",
        spec.feed.port(),
        py_str(&spec.checkpoint_dir)
    ));
    s.push_str(GET_MESSAGE_TYPE);
    s.push_str("\n\n");
    if has(Mode::Cumulative) {
        s.push_str(UPDATE_FUNCTION);
        s.push_str("\n\n");
    }
    // Keep the page's partition count (it decides the printed key order) on a master that can run batches.
    let cores = crate::code::master_cores(c.parallelism);
    s.push_str(&format!(
        "spark = (SparkSession.builder.appName(\"DStream Lab\")\n         .master(\"local[{cores}]\")\n"
    ));
    if cores != c.parallelism {
        s.push_str(&format!(
            "         .config(\"spark.default.parallelism\", \"{}\")\n",
            c.parallelism
        ));
    }
    s.push_str("         .getOrCreate())\n");
    s.push_str("spark.sparkContext.setLogLevel(\"WARN\")\n");
    s.push_str(&format!(
        "ssc = StreamingContext(spark.sparkContext, {})\n",
        seconds_literal(c.batch_interval_ms)
    ));
    if needs_checkpoint {
        s.push_str("ssc.checkpoint(CHECKPOINT_DIR)\n");
    }
    s.push_str("\nlines = ssc.socketTextStream(HOST, PORT)\n");
    s.push_str(CODES);
    if has(Mode::Stateless) || has(Mode::Cumulative) {
        s.push_str(CODES_COUNT);
    }
    for mode in &spec.modes {
        match mode {
            Mode::Stateless => {
                s.push_str("\n# Stateless: counts in each batch only.\ncodes_count.pprint()\n");
            }
            Mode::Cumulative => {
                s.push_str(
                    "\n# Running totals, carried from batch to batch in the checkpointed state.\n",
                );
                s.push_str(CODES_COUNT_CUMU);
                s.push_str("codes_count_cumu.pprint()\n");
            }
            Mode::Window => {
                s.push_str(&format!(
                    "\n# Window: counts over the last {} s, every {} s.\n",
                    seconds_literal(c.window_ms),
                    seconds_literal(c.slide_ms)
                ));
                s.push_str(&window_call("codes_count_window", "=", c));
                s.push_str("codes_count_window.pprint()\n");
            }
        }
    }
    s.push_str("\nssc.start()\nssc.awaitTermination()\n");
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The charted history as CSV: one row per batch, the counts of each mode per message type (empty cells when
/// the mode did not emit at that batch, as the window between slides).
pub fn history_csv<'a>(rows: impl IntoIterator<Item = &'a BatchEntry>) -> String {
    use crate::engine::MessageType;
    let mut header = vec!["batch".to_string(), "time".to_string(), "lines".to_string()];
    for m in Mode::ALL {
        for t in MessageType::ALL {
            header.push(format!("{}_{}", m.as_str(), t.as_str()));
        }
    }
    let mut out = header.join(",");
    out.push('\n');
    for r in rows {
        let mut f = vec![
            r.batch.to_string(),
            csv_field(&r.time_label),
            r.lines.to_string(),
        ];
        for m in Mode::ALL {
            match r.counts(m) {
                Some(counts) => f.extend(counts.iter().map(i64::to_string)),
                None => f.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    out
}

/// A `data:` URL holding `text` (UTF-8, percent-encoded), for an `<a download>` link.
pub fn data_url(mime: &str, text: &str) -> String {
    let mut out = format!("data:{mime};charset=utf-8,");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::NotebookLab;
    use crate::model::batch_log::record_batches;
    use crate::test_python::python_parses;
    use std::io::Write;
    use std::process::{Command, Stdio};

    fn configs() -> Vec<ExportSpec> {
        let mut v = vec![ExportSpec::new(NotebookConfig::default())];
        v.push(ExportSpec {
            config: NotebookConfig {
                batch_interval_ms: 1_000,
                window_ms: 5_000,
                slide_ms: 1_000,
                inverse: true,
                filter_zero: true,
                parallelism: 1,
            },
            feed: Feed::Tee(DEFAULT_TEE_PORT),
            checkpoint_dir: "/tmp/it's \"here\"\\now".to_string(),
            modes: Mode::ALL.to_vec(),
        });
        v.push(ExportSpec {
            config: NotebookConfig {
                batch_interval_ms: 500,
                window_ms: 3_000,
                slide_ms: 1_500,
                inverse: false,
                filter_zero: false,
                parallelism: 4,
            },
            feed: Feed::Tee(12345),
            checkpoint_dir: "cp".to_string(),
            modes: vec![Mode::Window],
        });
        v.push(ExportSpec {
            modes: vec![Mode::Stateless],
            ..ExportSpec::new(NotebookConfig::default())
        });
        v
    }

    #[test]
    fn scripts_parse_as_python() {
        for spec in configs() {
            let script = pyspark_script(&spec);
            if let Err(e) = python_parses(&script) {
                panic!("{e}\n--- script ---\n{script}");
            }
        }
    }

    #[test]
    fn scripts_carry_the_settings() {
        let [defaults, fast, no_inverse, stateless] = &configs()[..] else {
            unreachable!()
        };
        let d = pyspark_script(defaults);
        assert!(d.contains("PORT = 9999\n"));
        assert!(d.contains("ssc = StreamingContext(spark.sparkContext, 10)\n"));
        assert!(d.contains("ssc.checkpoint(CHECKPOINT_DIR)\n"));
        assert!(d.contains("CHECKPOINT_DIR = \"checkpoint\"\n"));
        assert!(d.contains(".master(\"local[2]\")"));
        assert!(!d.contains("spark.default.parallelism"));
        assert!(d.contains("invFunc=lambda x, y: x - y,"));
        assert!(d.contains("windowDuration=20,"));
        assert!(d.contains("slideDuration=10)"));
        assert!(d.contains("codes_count.updateStateByKey(updateFunction)"));
        // Output operations in the page's order: stateless, running totals, window.
        let p = |needle: &str| d.find(needle).unwrap();
        assert!(p("codes_count.pprint()") < p("codes_count_cumu.pprint()"));
        assert!(p("codes_count_cumu.pprint()") < p("codes_count_window.pprint()"));

        let f = pyspark_script(fast);
        assert!(f.contains("PORT = 9997\n"));
        assert!(f.contains("StreamingContext(spark.sparkContext, 1)\n"));
        assert!(f.contains(".master(\"local[2]\")"));
        assert!(f.contains(".config(\"spark.default.parallelism\", \"1\")"));
        assert!(f.contains("filterFunc=lambda kv: kv[1] != 0)"));
        assert!(f.contains(r#"CHECKPOINT_DIR = "/tmp/it's \"here\"\\now""#));

        let n = pyspark_script(no_inverse);
        assert!(n.contains("StreamingContext(spark.sparkContext, 0.5)\n"));
        assert!(n.contains("invFunc=None,"));
        assert!(n.contains("slideDuration=1.5)"));
        // Without the inverse and the running totals, Spark needs no checkpoint, as in the notebook.
        assert!(!n.contains("ssc.checkpoint("));
        assert!(!n.contains("updateFunction"));
        assert!(n.contains("local[4]"));

        let s = pyspark_script(stateless);
        assert!(!s.contains("ssc.checkpoint(") && !s.contains("reduceByKeyAndWindow"));
    }

    #[test]
    fn csv_has_one_row_per_batch_with_the_engine_counts() {
        let config = NotebookConfig {
            slide_ms: 20_000,
            ..NotebookConfig::default()
        };
        let (log, _) = record_batches(
            config,
            &[&["[info] a", "[error] b"][..], &["[error] c"][..]],
        );
        let csv = history_csv(log.entries());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("batch,time,lines,stateless_info,stateless_notice"));
        assert!(lines[0].ends_with("window_error,window_unknown"));
        assert_eq!(lines[0].split(',').count(), 15);
        assert_eq!(lines[1], "1,1970-01-01 00:00:10,2,1,0,1,0,1,0,1,0,,,,");
        assert_eq!(lines[2], "2,1970-01-01 00:00:20,1,0,0,1,0,1,0,2,0,1,0,2,0");
    }

    /// The exported script runs on a real PySpark against a TCP source, and its running totals are the
    /// engine's: `cargo test -p dstream-lab --lib teach::export -- --ignored` (needs pyspark and a JDK).
    #[test]
    #[ignore = "runs real PySpark (tens of seconds to minutes)"]
    fn exported_script_runs_on_real_pyspark() {
        use std::io::{BufRead, BufReader};
        use std::net::TcpListener;
        let lines: Vec<String> = (0..40)
            .map(|i| match i % 5 {
                0 | 1 => format!("[Sun Dec 04 04:47:{i:02} 2005] [info] line {i}"),
                2 => format!("[Sun Dec 04 04:47:{i:02} 2005] [error] line {i}"),
                3 => format!("[Sun Dec 04 04:47:{i:02} 2005] [notice] line {i}"),
                _ => format!("plain line {i}"),
            })
            .collect();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let to_send = lines.clone();
        std::thread::spawn(move || {
            if let Ok((mut sock, _)) = listener.accept() {
                for l in &to_send {
                    let _ = writeln!(sock, "{l}");
                }
                std::thread::sleep(std::time::Duration::from_secs(600));
            }
        });
        let dir = std::env::temp_dir().join(format!("dstream-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = NotebookConfig {
            batch_interval_ms: 2_000,
            window_ms: 4_000,
            slide_ms: 2_000,
            ..NotebookConfig::default()
        };
        let spec = ExportSpec {
            feed: Feed::Tee(port),
            checkpoint_dir: dir.join("checkpoint").display().to_string(),
            ..ExportSpec::new(config.clone())
        };
        let script = dir.join(SCRIPT_FILE);
        std::fs::write(&script, pyspark_script(&spec)).unwrap();
        let mut child = Command::new("python3")
            .arg("-u")
            .arg(&script)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts");
        // The engine's running totals for the same lines.
        let mut lab = NotebookLab::new(config, 0).unwrap();
        for l in &lines {
            lab.push_line(l);
        }
        let r = lab.run_batch();
        let mut want: Vec<String> = r.outputs[1]
            .records
            .iter()
            .map(|(k, v)| format!("('{}', {v})", k.as_str()))
            .collect();
        want.sort();
        // Blocks come three per batch (stateless, running totals, window); read until the totals add up.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
        let mut blocks: Vec<Vec<String>> = Vec::new();
        let mut got = Vec::new();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let Ok(line) = line else { break };
            if line.starts_with("Time: ") {
                blocks.push(Vec::new());
            } else if line.starts_with("('") {
                if let Some(b) = blocks.last_mut() {
                    b.push(line);
                }
            } else if line.is_empty() && blocks.len() % 3 == 2 {
                let mut totals = blocks.last().cloned().unwrap_or_default();
                totals.sort();
                if totals == want {
                    got = totals;
                    break;
                }
            }
            if std::time::Instant::now() > deadline {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            got,
            want,
            "PySpark's running totals after {} blocks",
            blocks.len()
        );
    }

    #[test]
    fn data_urls_round_trip() {
        let u = data_url("text/csv", "a,b\n1 é");
        assert_eq!(u, "data:text/csv;charset=utf-8,a%2Cb%0A1%20%C3%A9");
        assert_eq!(py_str("a\"b\\c\n"), r#""a\"b\\c\n""#);
    }
}
