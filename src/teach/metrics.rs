//! Batch metrics like Spark's Streaming tab: input rate, processing time and scheduling delay per batch as
//! small timelines, and a table of the recent batches.

use crate::model::BatchEntry;
use crate::timefmt::clock_label;

/// The SVG viewBox width of one timeline.
pub const SPARK_W: f64 = 240.0;
/// The SVG viewBox height of one timeline.
pub const SPARK_H: f64 = 48.0;
/// Rows of the recent-batches table.
pub const TABLE_ROWS: usize = 10;

/// One small timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sparkline {
    /// What it shows (`Input rate`).
    pub title: std::borrow::Cow<'static, str>,
    /// The unit (`records/s`, `ms`).
    pub unit: std::borrow::Cow<'static, str>,
    /// SVG path `d` (empty when there is nothing to draw); unmeasured batches leave a gap.
    pub path: String,
    /// The value at the top of the plot.
    pub max: f64,
    /// Average over the measured batches.
    pub avg: Option<f64>,
    /// The latest measured value.
    pub last: Option<f64>,
}

impl Sparkline {
    /// `avg 12.5 records/s`, or `not measured`.
    pub fn avg_text(&self) -> String {
        match self.avg {
            Some(a) => format!("avg {} {}", fmt_num(a), self.unit),
            None => "not measured".to_string(),
        }
    }
}

/// One row of the table, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricRow {
    /// 1-based batch number.
    pub batch: u64,
    /// `HH:MM:SS`.
    pub time: String,
    /// Records received.
    pub records: usize,
    /// Records per second of batch interval.
    pub input_rate: String,
    /// Scheduling delay (`12 ms`, or `—`).
    pub delay: String,
    /// Processing time (`0.4 ms`, or `—`).
    pub processing: String,
    /// Scheduling delay + processing time (`—` unless both are known).
    pub total: String,
}

/// Everything the metrics view draws.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricsView {
    /// Input rate, processing time, scheduling delay.
    pub lines: [Sparkline; 3],
    /// The most recent batches, newest first.
    pub rows: Vec<MetricRow>,
    /// Batches the timelines cover.
    pub batches: usize,
}

/// A number the way the table prints it: integers plainly, small values with up to 2 decimals.
pub fn fmt_num(v: f64) -> String {
    if v.fract().abs() < 1e-9 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Records per second over a batch of `interval_ms`.
pub fn input_rate(records: usize, interval_ms: i64) -> f64 {
    records as f64 * 1000.0 / interval_ms.max(1) as f64
}

fn sparkline(title: &'static str, unit: &'static str, values: &[Option<f64>]) -> Sparkline {
    let measured: Vec<f64> = values.iter().flatten().copied().collect();
    let max = measured.iter().copied().fold(0.0f64, f64::max);
    let top = if max > 0.0 { max } else { 1.0 };
    let n = values.len();
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else {
            pen_down = false;
            continue;
        };
        let x = if n <= 1 {
            SPARK_W / 2.0
        } else {
            SPARK_W * i as f64 / (n - 1) as f64
        };
        let y = 2.0 + (SPARK_H - 4.0) * (1.0 - (v / top).clamp(0.0, 1.0));
        path.push_str(&format!(
            "{}{x:.1} {y:.1}",
            if pen_down { 'L' } else { 'M' }
        ));
        pen_down = true;
    }
    let avg = (!measured.is_empty()).then(|| measured.iter().sum::<f64>() / measured.len() as f64);
    Sparkline {
        title: title.into(),
        unit: unit.into(),
        path,
        max,
        avg,
        last: measured.last().copied(),
    }
}

fn ms_text(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{} ms", fmt_num(v)))
}

/// The metrics of `batches` (oldest first), each `interval_ms` long.
pub fn metrics_view<'a>(
    batches: impl IntoIterator<Item = &'a BatchEntry>,
    interval_ms: i64,
) -> MetricsView {
    let batches: Vec<&BatchEntry> = batches.into_iter().collect();
    let rates: Vec<Option<f64>> = batches
        .iter()
        .map(|b| Some(input_rate(b.lines, interval_ms)))
        .collect();
    let processing: Vec<Option<f64>> = batches.iter().map(|b| b.timing.processing_ms).collect();
    let delay: Vec<Option<f64>> = batches.iter().map(|b| b.timing.delay_ms).collect();
    let rows = batches
        .iter()
        .rev()
        .take(TABLE_ROWS)
        .map(|b| MetricRow {
            batch: b.batch,
            time: clock_label(b.time_ms),
            records: b.lines,
            input_rate: fmt_num(input_rate(b.lines, interval_ms)),
            delay: ms_text(b.timing.delay_ms),
            processing: ms_text(b.timing.processing_ms),
            total: ms_text(
                b.timing
                    .delay_ms
                    .zip(b.timing.processing_ms)
                    .map(|(d, p)| d + p),
            ),
        })
        .collect();
    MetricsView {
        lines: [
            sparkline("Input rate", "records/s", &rates),
            sparkline("Processing time", "ms", &processing),
            sparkline("Scheduling delay", "ms", &delay),
        ],
        rows,
        batches: batches.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{NotebookConfig, NotebookLab};
    use crate::model::batch_log::{BatchLog, Timing};

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(12.34), "12.3");
        assert_eq!(fmt_num(1234.5), "1234");
        assert_eq!(input_rate(25, 10_000), 2.5);
    }

    #[test]
    fn table_and_timelines_follow_the_batches() {
        let c = NotebookConfig {
            batch_interval_ms: 2_000,
            window_ms: 4_000,
            slide_ms: 2_000,
            ..NotebookConfig::default()
        };
        let mut lab = NotebookLab::new(c, 0).unwrap();
        let mut log = BatchLog::default();
        for i in 0..12usize {
            for _ in 0..i {
                lab.push_line("[info] x");
            }
            let r = lab.run_batch();
            let timing = if i == 5 {
                Timing::default()
            } else {
                Timing {
                    processing_ms: Some(0.5 + i as f64),
                    delay_ms: Some(i as f64),
                }
            };
            log.record(&r, timing);
        }
        let v = metrics_view(log.entries(), 2_000);
        assert_eq!(v.batches, 12);
        assert_eq!(v.rows.len(), TABLE_ROWS);
        let newest = &v.rows[0];
        assert_eq!(newest.batch, 12);
        assert_eq!(newest.time, "00:00:24");
        assert_eq!(newest.records, 11);
        assert_eq!(newest.input_rate, "5.5");
        assert_eq!(newest.processing, "11.5 ms");
        assert_eq!(newest.delay, "11 ms");
        assert_eq!(newest.total, "22.5 ms");
        let unmeasured = v.rows.iter().find(|r| r.batch == 6).unwrap();
        assert_eq!(
            (unmeasured.processing.as_str(), unmeasured.delay.as_str()),
            ("—", "—")
        );
        assert_eq!(v.lines[0].max, 5.5);
        assert_eq!(v.lines[0].avg, Some(66.0 / 12.0 / 2.0));
        // The unmeasured batch leaves a gap: two pen-downs.
        assert_eq!(v.lines[1].path.matches('M').count(), 2);
        assert_eq!(v.lines[1].last, Some(11.5));
        assert_eq!(
            v.lines[2].avg_text(),
            format!("avg {} ms", fmt_num(61.0 / 11.0))
        );
        let empty = metrics_view(std::iter::empty(), 1_000);
        assert!(empty.rows.is_empty() && empty.lines[1].path.is_empty());
        assert_eq!(empty.lines[1].avg_text(), "not measured");
    }
}
