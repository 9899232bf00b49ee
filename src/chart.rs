//! Geometry of the per-mode charts (counts by message type over batch time), computed in plain Rust so it is
//! tested natively; the chart component only turns it into SVG elements.

use crate::engine::MessageType;
use crate::timefmt::clock_label;

/// The SVG viewBox width; the element itself scales to its container.
pub const WIDTH: f64 = 640.0;
/// The SVG viewBox height.
pub const HEIGHT: f64 = 240.0;
/// Room for the y-axis labels.
pub const LEFT: f64 = 52.0;
/// Room at the right edge.
pub const RIGHT: f64 = 14.0;
/// Room above the plot.
pub const TOP: f64 = 12.0;
/// Room for the time labels.
pub const BOTTOM: f64 = 30.0;

/// One emitted batch of one mode: its time and the count per message type (in `MessageType::ALL` order; a
/// type absent from the output counts 0).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChartPoint {
    /// Batch time, local naive epoch ms.
    pub time_ms: i64,
    /// Counts for info, notice, error, unknown.
    pub counts: [i64; 4],
}

/// Everything the chart component draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The x coordinate of each point.
    pub xs: Vec<f64>,
    /// Horizontal grid lines: y coordinate and label.
    pub y_ticks: Vec<(f64, String)>,
    /// Time labels: x coordinate and `HH:MM:SS`.
    pub x_ticks: Vec<(f64, String)>,
    /// One SVG path `d` per message type.
    pub paths: [String; 4],
    /// The value at the top of the y axis.
    pub y_top: i64,
}

/// A "nice" axis top (1, 2 or 5 times a power of ten, times the tick count) at or above `max`, and its step.
pub fn nice_axis(max: i64, ticks: i64) -> (i64, i64) {
    let max = max.max(1);
    let raw = (max + ticks - 1) / ticks;
    let mut pow = 1i64;
    while pow * 10 <= raw {
        pow *= 10;
    }
    let step = [1, 2, 5, 10]
        .iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(10 * pow);
    (step * ticks, step)
}

/// The y coordinate of value `v` on an axis topped at `top`.
pub fn y_of(v: i64, top: i64) -> f64 {
    let plot = HEIGHT - TOP - BOTTOM;
    let frac = if top <= 0 {
        0.0
    } else {
        (v.max(0) as f64 / top as f64).min(1.0)
    };
    TOP + plot * (1.0 - frac)
}

/// Lays out `points` (oldest first).
pub fn layout(points: &[ChartPoint]) -> Layout {
    let plot_w = WIDTH - LEFT - RIGHT;
    let xs: Vec<f64> = match points {
        [] => Vec::new(),
        [_] => vec![LEFT + plot_w / 2.0],
        [first, .., last] => {
            let span = (last.time_ms - first.time_ms).max(1) as f64;
            points
                .iter()
                .map(|p| LEFT + plot_w * (p.time_ms - first.time_ms) as f64 / span)
                .collect()
        }
    };
    let max = points
        .iter()
        .flat_map(|p| p.counts.iter().copied())
        .max()
        .unwrap_or(0);
    let (y_top, step) = nice_axis(max, 4);
    let y_ticks = (0..=4)
        .map(|k| (y_of(k * step, y_top), (k * step).to_string()))
        .collect();
    let n = points.len();
    let mut x_ticks: Vec<(f64, String)> = Vec::new();
    if n > 0 {
        let want = 5.min(n);
        let mut last_i = usize::MAX;
        for k in 0..want {
            let i = if want == 1 {
                0
            } else {
                k * (n - 1) / (want - 1)
            };
            if i != last_i {
                x_ticks.push((xs[i], clock_label(points[i].time_ms)));
                last_i = i;
            }
        }
    }
    let paths = std::array::from_fn(|t| {
        let mut d = String::with_capacity(n * 16);
        for (i, p) in points.iter().enumerate() {
            let cmd = if i == 0 { 'M' } else { 'L' };
            d.push_str(&format!(
                "{cmd}{:.1} {:.1}",
                xs[i],
                y_of(p.counts[t], y_top)
            ));
        }
        d
    });
    Layout {
        xs,
        y_ticks,
        x_ticks,
        paths,
        y_top,
    }
}

/// The point nearest to a horizontal position given as a fraction (0..=1) of the rendered chart's width.
pub fn nearest_index(xs: &[f64], frac: f64) -> Option<usize> {
    let x = frac * WIDTH;
    xs.iter()
        .enumerate()
        .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
        .map(|(i, _)| i)
}

/// CSS class of a message type's colour, the same in the three charts and the teaching views.
pub fn type_class(t: MessageType) -> &'static str {
    match t {
        MessageType::Info => "t-info",
        MessageType::Notice => "t-notice",
        MessageType::Error => "t-error",
        MessageType::Unknown => "t-unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(t: i64, c: [i64; 4]) -> ChartPoint {
        ChartPoint {
            time_ms: t,
            counts: c,
        }
    }

    #[test]
    fn nice_axes() {
        assert_eq!(nice_axis(0, 4), (4, 1));
        assert_eq!(nice_axis(7, 4), (8, 2));
        assert_eq!(nice_axis(37, 4), (40, 10));
        assert_eq!(nice_axis(1234, 4), (2000, 500));
    }

    #[test]
    fn layout_spans_the_plot() {
        let l = layout(&[
            pt(10_000, [1, 2, 3, 4]),
            pt(20_000, [4, 3, 2, 1]),
            pt(30_000, [0; 4]),
        ]);
        assert_eq!(l.xs.len(), 3);
        assert!((l.xs[0] - LEFT).abs() < 1e-9);
        assert!((l.xs[2] - (WIDTH - RIGHT)).abs() < 1e-9);
        assert_eq!(l.y_top, 4);
        assert_eq!(l.x_ticks[0].1, "00:00:10");
        assert!(l.paths[0].starts_with('M'));
        assert_eq!(l.paths[0].matches('L').count(), 2);
        assert_eq!(y_of(0, 4), HEIGHT - BOTTOM);
        assert_eq!(y_of(4, 4), TOP);
    }

    #[test]
    fn empty_and_single() {
        let l = layout(&[]);
        assert!(l.xs.is_empty() && l.x_ticks.is_empty());
        let l = layout(&[pt(0, [5, 0, 0, 0])]);
        assert_eq!(l.x_ticks.len(), 1);
        assert_eq!(nearest_index(&l.xs, 0.0), Some(0));
    }

    #[test]
    fn nearest() {
        let l = layout(&[pt(0, [0; 4]), pt(1, [0; 4]), pt(2, [0; 4])]);
        assert_eq!(nearest_index(&l.xs, 0.99), Some(2));
        assert_eq!(nearest_index(&l.xs, 0.5), Some(1));
    }
}
