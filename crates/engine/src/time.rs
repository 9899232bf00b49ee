//! Batch times and how PySpark prints them.

use chrono::DateTime;

/// Formats a batch time the way PySpark's `pprint()` does: `str(datetime)`,
/// `YYYY-MM-DD HH:MM:SS`, with `.ffffff` only when there are sub-seconds.
///
/// `ms` is a "local naive" epoch time: the engine prints it as is, so callers
/// that want local time (as PySpark prints) add their time-zone offset first.
pub fn format_batch_time(ms: i64) -> String {
    match DateTime::from_timestamp_millis(ms) {
        Some(t) => {
            let t = t.naive_utc();
            if ms.rem_euclid(1000) == 0 {
                t.format("%Y-%m-%d %H:%M:%S").to_string()
            } else {
                t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
            }
        }
        None => format!("{ms} ms"),
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS` (or with a space, optional `.fff`) into naive epoch ms.
pub fn parse_naive_time(text: &str) -> Option<i64> {
    let text = text.trim();
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, fmt) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_python_datetime_str() {
        let t = parse_naive_time("2026-11-24T10:00:00").unwrap();
        assert_eq!(format_batch_time(t + 10_000), "2026-11-24 10:00:10");
        assert_eq!(format_batch_time(t + 500), "2026-11-24 10:00:00.500000");
        assert_eq!(format_batch_time(0), "1970-01-01 00:00:00");
        assert_eq!(parse_naive_time("2026-11-24 10:00:01"), Some(t + 1000));
        assert_eq!(parse_naive_time("yesterday"), None);
    }
}
