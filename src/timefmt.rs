//! Small time and duration formatters shared by the view model and the components.

/// `HH:MM:SS` of a "local naive" epoch-milliseconds value (the engine's clock), for chart axes and status text.
pub fn clock_label(ms: i64) -> String {
    let s = ms.rem_euclid(86_400_000) / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// The notebook's way of writing seconds (`10`, `0.5`), from the programs' generator.
pub use crate::engine::seconds_literal;

/// Parses a user-typed number of seconds (`"20"`, `"2.5"`) into milliseconds, with a student-readable error.
pub fn parse_seconds(field: &str, text: &str) -> Result<i64, String> {
    let t = text.trim();
    let v: f64 = t
        .parse()
        .map_err(|_| format!("{field} must be a number of seconds, not \"{t}\""))?;
    if !v.is_finite() {
        return Err(format!("{field} must be a finite number of seconds"));
    }
    // Spark durations are whole milliseconds; a day is far beyond any classroom window.
    if v.abs() > 86_400.0 {
        return Err(format!("{field} must be at most one day (86400 s)"));
    }
    Ok((v * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(clock_label(10_000), "00:00:10");
        assert_eq!(clock_label(86_400_000 + 3_723_000), "01:02:03");
        assert_eq!(parse_seconds("window", " 20 "), Ok(20_000));
        assert_eq!(parse_seconds("window", "2.5"), Ok(2_500));
        assert!(parse_seconds("window", "abc")
            .unwrap_err()
            .contains("window"));
        assert!(parse_seconds("window", "inf").is_err());
    }
}
