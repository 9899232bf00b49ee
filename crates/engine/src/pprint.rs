//! The text PySpark's `DStream.pprint()` prints.

use crate::python::PyRepr;
use crate::time::format_batch_time;

/// The dashes PySpark prints above and below the time.
pub const RULE: &str = "-------------------------------------------";

/// One `pprint(num)` block, exactly as PySpark prints it:
///
/// ```text
/// -------------------------------------------
/// Time: 2026-11-24 10:00:10
/// -------------------------------------------
/// ('error', 2)
/// ...
///
/// ```
///
/// Records are printed with Python's `print(record)` (so strings bare, tuples
/// as their `repr`); `...` follows when more than `num` records exist; the block
/// ends with an empty line, and an empty batch still prints its header.
pub fn pprint_block<T: PyRepr>(time_ms: i64, records: &[T], num: usize) -> String {
    let mut out = String::with_capacity(128 + records.len().min(num) * 24);
    out.push_str(RULE);
    out.push_str("\nTime: ");
    out.push_str(&format_batch_time(time_ms));
    out.push('\n');
    out.push_str(RULE);
    out.push('\n');
    for record in records.iter().take(num) {
        record.py_str(&mut out);
        out.push('\n');
    }
    if records.len() > num {
        out.push_str("...\n");
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_naive_time;

    #[test]
    fn block_matches_pyspark_layout() {
        let t = parse_naive_time("2026-11-24T10:00:10").unwrap();
        let recs = vec![("error".to_string(), 2i64), ("info".to_string(), 1)];
        assert_eq!(
            pprint_block(t, &recs, 10),
            "-------------------------------------------\n\
             Time: 2026-11-24 10:00:10\n\
             -------------------------------------------\n\
             ('error', 2)\n\
             ('info', 1)\n\
             \n"
        );
    }

    #[test]
    fn empty_batch_prints_header_and_blank_line() {
        let block = pprint_block::<i64>(0, &[], 10);
        assert_eq!(
            block,
            format!("{RULE}\nTime: 1970-01-01 00:00:00\n{RULE}\n\n")
        );
    }

    #[test]
    fn more_than_num_records_end_with_ellipsis() {
        let recs: Vec<i64> = (0..12).collect();
        let block = pprint_block(0, &recs, 10);
        assert!(block.ends_with("8\n9\n...\n\n"));
        assert!(!block.contains("\n10\n"));
        let exactly: Vec<i64> = (0..3).collect();
        assert!(!pprint_block(0, &exactly, 3).contains("..."));
    }

    #[test]
    fn strings_print_bare_like_python_print() {
        let recs = vec!["a 'quoted' line".to_string()];
        assert!(pprint_block(0, &recs, 10).contains("\na 'quoted' line\n"));
    }
}
