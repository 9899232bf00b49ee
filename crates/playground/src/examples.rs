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

/// One line of the menu: what a page lists, without the program's text (a page that only shows the menu, and
/// leaves opening the example to the worker that runs it, need not carry every program).
pub struct MenuItem {
    /// The example's name ([`Example::name`]).
    pub name: &'static str,
    /// What the menu shows.
    pub title: &'static str,
}

macro_rules! name {
    ($name:literal) => {
        $name
    };
    (structured $name:literal) => {
        concat!("structured_", $name)
    };
}

macro_rules! path {
    ($name:literal) => {
        concat!("../tests/programs/", $name, ".py")
    };
    (structured $name:literal) => {
        concat!("../tests/programs/structured/", $name, ".py")
    };
}

/// [`EXAMPLES`] and [`MENU`] from one list.
macro_rules! examples {
    ($( $([$kind:ident])? $name:literal => $title:literal, )*) => {
        /// The menu, in the order shown: the notebook's three cells first, then
        /// the same three jobs in Structured Streaming.
        pub const EXAMPLES: &[Example] = &[$(
            Example {
                name: name!($($kind)? $name),
                title: $title,
                source: include_str!(path!($($kind)? $name)),
            },
        )*];
        /// [`EXAMPLES`]' names and titles, in the same order.
        pub const MENU: &[MenuItem] = &[$(
            MenuItem { name: name!($($kind)? $name), title: $title },
        )*];
    };
}

examples! {
    "notebook_stateless" => "Notebook: counts per batch (reduceByKey)",
    "notebook_cumulative" => "Notebook: running totals (updateStateByKey)",
    "notebook_window" => "Notebook: windowed counts (reduceByKeyAndWindow)",
    [structured] "per_trigger_counts" => "Structured Streaming: counts per trigger (foreachBatch, udf)",
    [structured] "running_complete" => "Structured Streaming: running totals (complete mode)",
    [structured] "windowed_update" => "Structured Streaming: windowed counts (watermark, update mode)",
    "network_word_count" => "NetworkWordCount",
    "error_count" => "Errors only, counted (filter + count)",
    "count_by_value" => "countByValue",
    "top3_words" => "Top 3 per batch (transform + sortBy)",
    "state_drop_keys" => "updateStateByKey that drops keys (None)",
    "window_filter_func" => "reduceByKeyAndWindow with filterFunc",
    "window_and_count" => "window + countByWindow",
    "union_streams" => "union of two filtered streams",
}

/// The example named `name`.
pub fn example(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_lists_every_example_in_order() {
        let menu: Vec<_> = MENU.iter().map(|m| (m.name, m.title)).collect();
        let examples: Vec<_> = EXAMPLES.iter().map(|e| (e.name, e.title)).collect();
        assert_eq!(menu, examples);
        assert_eq!(
            example("structured_windowed_update").map(|e| e.title),
            Some("Structured Streaming: windowed counts (watermark, update mode)")
        );
    }
}
