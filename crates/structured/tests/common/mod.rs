//! Reading the goldens of tests/pyspark/structured_oracle.py into the crate's types.

use std::path::PathBuf;

use dstream_structured::time::parse_timestamp;
use serde_json::Value as Json;

/// A directory of goldens below this crate's `tests/`.
pub fn golden_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

/// A golden file as JSON.
pub fn read_json(path: &std::path::Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A timestamp written by the oracle.
pub fn timestamp(json: &Json) -> i64 {
    let text = json.as_str().expect("a timestamp");
    parse_timestamp(text).unwrap_or_else(|| panic!("bad timestamp {text}"))
}
