//! The examples menu: ready programs a student can open, run and change.
//! Each is one of the programs whose output real PySpark recorded (the
//! goldens in `tests/programs/`), so what the menu offers is proven.

/// One example program.
pub struct Example {
    /// The `?example=` value: the file name, with `structured_` before the
    /// name of a Structured Streaming program (`tests/programs/structured/`).
    pub name: &'static str,
    /// What the menu shows.
    pub title: &'static str,
    /// The program's text.
    pub source: &'static str,
}

macro_rules! example {
    ($name:literal, $title:literal) => {
        Example {
            name: $name,
            title: $title,
            source: include_str!(concat!("../tests/programs/", $name, ".py")),
        }
    };
    (structured $name:literal, $title:literal) => {
        Example {
            name: concat!("structured_", $name),
            title: $title,
            source: include_str!(concat!("../tests/programs/structured/", $name, ".py")),
        }
    };
}

/// The menu, in the order shown: the notebook's three cells first, then
/// the same three jobs in Structured Streaming.
pub const EXAMPLES: &[Example] = &[
    example!(
        "notebook_stateless",
        "Notebook: counts per batch (reduceByKey)"
    ),
    example!(
        "notebook_cumulative",
        "Notebook: running totals (updateStateByKey)"
    ),
    example!(
        "notebook_window",
        "Notebook: windowed counts (reduceByKeyAndWindow)"
    ),
    example!(
        structured "per_trigger_counts",
        "Structured Streaming: counts per trigger (foreachBatch, udf)"
    ),
    example!(
        structured "running_complete",
        "Structured Streaming: running totals (complete mode)"
    ),
    example!(
        structured "windowed_update",
        "Structured Streaming: windowed counts (watermark, update mode)"
    ),
    example!("network_word_count", "NetworkWordCount"),
    example!("error_count", "Errors only, counted (filter + count)"),
    example!("count_by_value", "countByValue"),
    example!("top3_words", "Top 3 per batch (transform + sortBy)"),
    example!("state_drop_keys", "updateStateByKey that drops keys (None)"),
    example!("window_filter_func", "reduceByKeyAndWindow with filterFunc"),
    example!("window_and_count", "window + countByWindow"),
    example!("union_streams", "union of two filtered streams"),
];

/// The example named `name`.
pub fn example(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}
