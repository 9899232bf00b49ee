//! Start-up settings from the page URL (`?source=relay&interval=1&rate=50&relay=ws://...`, `?job=`, `?example=`,
//! `?view=`, `?scenario=`),
//! decoded as browsers encode forms (`form_urlencoded`: `%XX` escapes and `+` for a space).

use super::compare::PageView;
use super::source::{SourceChoice, MAX_SIM_RATE};
use crate::timefmt::parse_seconds;

/// Start-up settings from the page URL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BootParams {
    /// `source=auto|relay|sim`.
    pub source: Option<SourceChoice>,
    /// `relay=` WebSocket URL.
    pub relay_url: Option<String>,
    /// `interval=` seconds.
    pub interval_ms: Option<i64>,
    /// `window=` seconds.
    pub window_ms: Option<i64>,
    /// `slide=` seconds.
    pub slide_ms: Option<i64>,
    /// `rate=` lines/s of the built-in source.
    pub sim_rate: Option<f64>,
    /// `job=`: a program, deflated and base64url-encoded (decoded at boot, see `job_link`).
    pub job: Option<String>,
    /// `example=`: the name of an example of the menu to open as a student job.
    pub example: Option<String>,
    /// `view=compare|full`: the page's layout.
    pub view: Option<PageView>,
    /// `scenario=`: a shared scenario, deflated and base64url-encoded (replayed at start, see `share`).
    pub scenario: Option<String>,
    /// Parameters that could not be understood, reported on screen.
    pub errors: Vec<String>,
}

impl BootParams {
    /// Parses a query string (with or without the leading `?`).
    pub fn from_query(query: &str) -> Self {
        let mut p = Self::default();
        let query = query.trim_start_matches('?');
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            let v = v.into_owned();
            match &*k {
                "source" => match SourceChoice::parse(&v) {
                    Some(c) => p.source = Some(c),
                    None => p.errors.push(format!("source={v}: use auto, relay or sim")),
                },
                "relay" => p.relay_url = Some(v),
                "job" => p.job = Some(v),
                "example" => p.example = Some(v),
                "scenario" => p.scenario = Some(v),
                "view" => match PageView::parse(&v) {
                    Some(view) => p.view = Some(view),
                    None => p.errors.push(format!("view={v}: use compare or full")),
                },
                "interval" | "window" | "slide" => match parse_seconds(&k, &v) {
                    Ok(ms) if k == "interval" => p.interval_ms = Some(ms),
                    Ok(ms) if k == "window" => p.window_ms = Some(ms),
                    Ok(ms) => p.slide_ms = Some(ms),
                    Err(e) => p.errors.push(e),
                },
                "rate" => match v.parse::<f64>() {
                    Ok(r) if r.is_finite() && r >= 0.0 => p.sim_rate = Some(r.min(MAX_SIM_RATE)),
                    _ => p
                        .errors
                        .push(format!("rate={v}: use a number of lines per second")),
                },
                _ => p.errors.push(format!("unknown URL parameter {k}")),
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_params_read_every_setting_and_report_unknown_ones() {
        let p = BootParams::from_query(
            "?source=relay&interval=1&rate=50&relay=ws%3A%2F%2Fh%3A1%2Fws&bogus=1",
        );
        assert_eq!(p.source, Some(SourceChoice::Relay));
        assert_eq!(p.interval_ms, Some(1_000));
        assert_eq!(p.sim_rate, Some(50.0));
        assert_eq!(p.relay_url.as_deref(), Some("ws://h:1/ws"));
        assert_eq!(p.errors, vec!["unknown URL parameter bogus".to_string()]);
    }

    #[test]
    fn boot_params_decode_plus_and_keep_a_bad_escape_as_typed() {
        let p = BootParams::from_query("relay=ws://h/a+b%zz%e2%82%ac&&window=30&slide=");
        assert_eq!(p.relay_url.as_deref(), Some("ws://h/a b%zz€"));
        assert_eq!(p.window_ms, Some(30_000));
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert!(p.errors[0].contains("slide"), "{:?}", p.errors);
    }

    #[test]
    fn boot_params_refuse_bad_values_in_words() {
        let p = BootParams::from_query("source=tcp&rate=-3&interval=x");
        assert_eq!((p.source, p.sim_rate, p.interval_ms), (None, None, None));
        assert_eq!(p.errors.len(), 3);
        assert!(p.errors[0].contains("use auto, relay or sim"));
        assert!(p.errors[1].contains("lines per second"));
        let p = BootParams::from_query("rate=1e9");
        assert_eq!(p.sim_rate, Some(MAX_SIM_RATE));
    }
}
