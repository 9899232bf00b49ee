//! Time as Spark SQL reads and prints it: timestamps in the session time zone (the lab's is
//! UTC) and the durations `window` and `withWatermark` take.

use crate::value::MICROS_PER_SECOND;

/// A timestamp as Spark's default formatter prints it in UTC: `2026-11-24 10:00:00`, with the
/// fraction of a second only when it is not zero and without trailing zeros (`.5`).
pub fn timestamp_text(micros: i64) -> String {
    let seconds = micros.div_euclid(MICROS_PER_SECOND);
    let fraction = micros.rem_euclid(MICROS_PER_SECOND);
    let Some(time) = chrono::DateTime::from_timestamp(seconds, 0) else {
        return micros.to_string();
    };
    let mut text = time.format("%Y-%m-%d %H:%M:%S").to_string();
    if fraction != 0 {
        let digits = format!("{fraction:06}");
        text.push('.');
        text.push_str(digits.trim_end_matches('0'));
    }
    text
}

/// A timestamp written as Spark prints it (`2026-11-24 10:00:00`, optionally with a fraction
/// `.5` ... `.123456`), read in UTC, in microseconds since the epoch.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) if !f.is_empty() && f.len() <= 6 && f.bytes().all(|b| b.is_ascii_digit()) => {
            (w, f)
        }
        Some(_) => return None,
        None => (text, ""),
    };
    let time = chrono::NaiveDateTime::parse_from_str(whole, "%Y-%m-%d %H:%M:%S").ok()?;
    let micros: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<6}").parse().ok()?
    };
    Some(time.and_utc().timestamp() * MICROS_PER_SECOND + micros)
}

/// A duration as `withWatermark` / `window` take it: `"10 seconds"`, `"1 minute"`, `"500
/// milliseconds"` (a number and a unit, singular or plural), in microseconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let mut parts = text.split_whitespace();
    let (Some(number), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "The duration '{text}' is not a number and a unit, e.g. '10 seconds'"
        ));
    };
    let n: i64 = number
        .parse()
        .map_err(|_| format!("'{number}' in the duration '{text}' is not a whole number"))?;
    let unit_micros = match unit.to_ascii_lowercase().trim_end_matches('s') {
        "microsecond" => 1,
        "millisecond" => 1_000,
        "second" => MICROS_PER_SECOND,
        "minute" => 60 * MICROS_PER_SECOND,
        "hour" => 3_600 * MICROS_PER_SECOND,
        "day" => 86_400 * MICROS_PER_SECOND,
        _ => {
            return Err(format!(
                "'{unit}' in the duration '{text}' is not a unit of time"
            ))
        }
    };
    Ok(n * unit_micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_spark_writes_them_and_bad_ones_say_why() {
        assert_eq!(parse_duration("10 seconds"), Ok(10 * MICROS_PER_SECOND));
        assert_eq!(parse_duration("1 minute"), Ok(60 * MICROS_PER_SECOND));
        assert_eq!(parse_duration("500 milliseconds"), Ok(500_000));
        assert!(parse_duration("ten seconds")
            .unwrap_err()
            .contains("not a whole number"));
        assert!(parse_duration("10 parsecs")
            .unwrap_err()
            .contains("not a unit of time"));
        assert!(parse_duration("10")
            .unwrap_err()
            .contains("a number and a unit"));
    }

    #[test]
    fn timestamps_print_back_as_they_were_read() {
        for text in [
            "2026-11-24 10:00:00",
            "2026-11-24 10:00:00.5",
            "1969-12-31 23:59:59.000001",
        ] {
            let micros = parse_timestamp(text).expect("a timestamp");
            assert_eq!(timestamp_text(micros), text);
        }
        assert_eq!(parse_timestamp("2026-11-24T10:00:00"), None);
        assert_eq!(parse_timestamp("2026-11-24 10:00:00.1234567"), None);
    }
}
