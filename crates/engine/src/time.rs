//! Batch times and how PySpark prints them.

use chrono::{DateTime, Datelike, Timelike};

/// Formats a batch time the way PySpark's `pprint()` does: `str(datetime)`,
/// `YYYY-MM-DD HH:MM:SS`, with `.ffffff` only when there are sub-seconds.
///
/// `ms` is a "local naive" epoch time: the engine prints it as is, so callers
/// that want local time (as PySpark prints) add their time-zone offset first.
pub fn format_batch_time(ms: i64) -> String {
    match DateTime::from_timestamp_millis(ms) {
        // Written out rather than through chrono's `format`: its strftime interpreter is ~14 KB of the page's
        // wasm, for one fixed layout. The year as chrono's `%Y`: four digits, a sign outside 0..=9999.
        Some(t) => {
            let year = match t.year() {
                y @ 0..=9999 => format!("{y:04}"),
                y => format!("{y:+05}"),
            };
            let mut text = format!(
                "{year}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            );
            let sub_ms = ms.rem_euclid(1000);
            if sub_ms != 0 {
                text.push_str(&format!(".{:06}", sub_ms * 1000));
            }
            text
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
        assert_eq!(format_batch_time(-1), "1969-12-31 23:59:59.999000");
        assert_eq!(format_batch_time(t + 61_007), "2026-11-24 10:01:01.007000");
        assert_eq!(parse_naive_time("2026-11-24 10:00:01"), Some(t + 1000));
        assert_eq!(parse_naive_time("yesterday"), None);
    }

    #[test]
    fn writes_what_chrono_strftime_writes() {
        // Every layout the hand-written formatter handles: whole seconds, sub-seconds, before 1970, years
        // with five digits and before year 0.
        let span = 400_000 * 365 * 24 * 3_600_000_i64;
        for ms in [
            0,
            1,
            -1,
            999,
            1_764_000_000_123,
            span / 3,
            -span / 3,
            span / 2 + 17,
            -span / 2 - 17,
            -62_200_000_000_000,
            -62_170_000_000_000,
            -62_135_000_000_000,
        ] {
            let t = DateTime::from_timestamp_millis(ms).unwrap().naive_utc();
            let layout = if ms.rem_euclid(1000) == 0 {
                "%Y-%m-%d %H:%M:%S"
            } else {
                "%Y-%m-%d %H:%M:%S%.6f"
            };
            assert_eq!(
                format_batch_time(ms),
                t.format(layout).to_string(),
                "{ms} ms"
            );
        }
    }
}
