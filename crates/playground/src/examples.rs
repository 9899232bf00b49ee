//! The examples menu: ready programs a student can open, run and change.
//! Each is one of the programs whose output real PySpark recorded (the
//! goldens in `tests/programs/`), so what the menu offers is proven.

/// One example program.
pub struct Example {
    /// The file name, also the `?example=` value.
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
}

/// The menu, in the order shown: the notebook's three cells first.
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
