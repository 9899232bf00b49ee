//! The window timeline: which recent batches the last window covers, and how PySpark formed it — by
//! subtracting the batches that left and adding the ones that arrived, or by reducing the whole window again.

use crate::engine::{BatchCounts, MessageType, Mode, NotebookConfig, WindowExplain};
use crate::model::BatchLog;
use crate::timefmt::{clock_label, seconds_literal};

/// The most recent batches the strip shows: enough for the window, one slide before it and a few after, up
/// to a minute of 1 s batches; the older batches of a longer window are counted as hidden.
pub const STRIP_BATCHES: usize = 64;
/// The most per-batch terms a recompute row writes out before eliding the middle ones.
const MAX_TERMS: usize = 8;

/// What one batch of the strip is to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CellRole {
    /// Older than anything this window touched.
    Earlier,
    /// Subtracting path: left the window at this slide (its counts are subtracted).
    Leaving,
    /// Subtracting path: in both the previous and this window (untouched).
    Kept,
    /// Subtracting path: entered the window at this slide (its counts are added).
    Arriving,
    /// Recompute path: one of the batches reduced again.
    Reduced,
    /// Came after the window was emitted (the window slides later).
    Later,
}

impl CellRole {
    /// The CSS class and `data-role` of the cell.
    pub fn as_str(self) -> &'static str {
        match self {
            CellRole::Earlier => "earlier",
            CellRole::Leaving => "leaving",
            CellRole::Kept => "kept",
            CellRole::Arriving => "arriving",
            CellRole::Reduced => "reduced",
            CellRole::Later => "later",
        }
    }

    /// Words for the legend and tooltips.
    pub fn label(self) -> &'static str {
        match self {
            CellRole::Earlier => "before the window",
            CellRole::Leaving => "left the window: subtracted",
            CellRole::Kept => "still in the window: untouched",
            CellRole::Arriving => "entered the window: added",
            CellRole::Reduced => "in the window: reduced again",
            CellRole::Later => "after this window",
        }
    }
}

/// One batch of the strip.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    /// Batch time, local naive ms.
    pub time_ms: i64,
    /// `HH:MM:SS`.
    pub label: String,
    /// Records of the batch (sum of its counts).
    pub total: i64,
    /// Per type, in PySpark's printed order.
    pub counts: Vec<(MessageType, i64)>,
    /// What the batch is to the window.
    pub role: CellRole,
}

/// One batch in a list of batches added, subtracted or reduced.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BatchChip {
    /// Batch time, local naive ms.
    pub time_ms: i64,
    /// `HH:MM:SS`.
    pub label: String,
    /// Per type, in PySpark's printed order.
    pub counts: Vec<(MessageType, i64)>,
}

impl BatchChip {
    fn of(b: &BatchCounts) -> Self {
        BatchChip {
            time_ms: b.time_ms,
            label: clock_label(b.time_ms),
            counts: b.counts.clone(),
        }
    }

    /// `info 3, error 2`, or `empty batch`.
    pub fn counts_text(&self) -> String {
        if self.counts.is_empty() {
            return "empty batch".to_string();
        }
        self.counts
            .iter()
            .map(|(k, v)| format!("{} {v}", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One key's arithmetic.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KeyRow {
    /// The key.
    pub key: MessageType,
    /// The count it ends with in the window (before the filter).
    pub value: i64,
    /// Whether the filter removed it from the output.
    pub filtered: bool,
    /// The arithmetic, e.g. `info: 12 + 3 − 4 = 11` or `info = 3 + 4 = 7`.
    pub text: String,
}

/// How the window was formed, ready to draw.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum PathView {
    /// The whole window was reduced again.
    Recompute {
        /// Why, in one sentence (the engine's).
        reason: String,
        /// The batches reduced, oldest first.
        batches: Vec<BatchChip>,
        /// Per key of the result, the sum over the batches.
        rows: Vec<KeyRow>,
    },
    /// Previous window + arriving batches − leaving batches.
    Subtract {
        /// The batches added, oldest first.
        arriving: Vec<BatchChip>,
        /// The batches subtracted, oldest first.
        leaving: Vec<BatchChip>,
        /// Per key, `old + arriving − leaving = result`.
        rows: Vec<KeyRow>,
    },
}

/// Everything the window timeline draws.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Timeline {
    /// The batch at which the window was emitted.
    pub batch: u64,
    /// Its time (the window's end), local naive ms.
    pub time_ms: i64,
    /// One sentence: which span the window covers.
    pub summary: String,
    /// The recent batches, oldest first.
    pub cells: Vec<Cell>,
    /// Batches of the window older than the strip reaches (a long window with a short interval).
    pub hidden: usize,
    /// How the window was formed.
    pub path: PathView,
    /// Why some keys print with 0 or vanished, when that happens.
    pub zero_notes: Vec<String>,
}

fn secs(ms: i64) -> String {
    format!("{} s", seconds_literal(ms))
}

/// What the batch at `time_ms` was to the window emitted at `t`, read from the batches the engine recorded it
/// reduced, subtracted or added (the batches between the last one that left and the first that arrived were kept).
fn role_of(explain: &WindowExplain, t: i64, time_ms: i64) -> CellRole {
    let has = |batches: &[BatchCounts]| batches.iter().any(|b| b.time_ms == time_ms);
    if time_ms > t {
        return CellRole::Later;
    }
    match explain {
        WindowExplain::Recompute { batches, .. } if has(batches) => CellRole::Reduced,
        WindowExplain::Recompute { .. } => CellRole::Earlier,
        WindowExplain::Subtract { arriving, .. } if has(arriving) => CellRole::Arriving,
        WindowExplain::Subtract { leaving, .. } if has(leaving) => CellRole::Leaving,
        WindowExplain::Subtract { leaving, .. }
            if leaving.last().is_none_or(|b| time_ms > b.time_ms) =>
        {
            CellRole::Kept
        }
        WindowExplain::Subtract { .. } => CellRole::Earlier,
    }
}

fn sum_text(terms: &[i64]) -> String {
    let parts: Vec<String> = if terms.len() <= MAX_TERMS {
        terms.iter().map(i64::to_string).collect()
    } else {
        let mut p: Vec<String> = terms[..3].iter().map(i64::to_string).collect();
        p.push("…".to_string());
        p.extend(terms[terms.len() - 2..].iter().map(i64::to_string));
        p
    };
    let s = parts.join(" + ");
    if terms.len() > MAX_TERMS {
        format!("{s} ({} batches)", terms.len())
    } else {
        s
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Lays out the timeline of the last window in `log`, emitted with settings `c`, over the last
/// [`STRIP_BATCHES`] batches of the log; `None` before the window first emits.
pub fn timeline(c: &NotebookConfig, log: &BatchLog) -> Option<Timeline> {
    let w = log.last_window()?;
    let t = w.time_ms;
    let (win, slide, interval) = (c.window_ms, c.slide_ms, c.batch_interval_ms.max(1));
    // Context: the window, the slide before it (what left), one more batch, and whatever came after.
    let from = t - win - slide - interval;
    let cells: Vec<Cell> = log
        .recent(STRIP_BATCHES)
        .filter(|b| b.time_ms > from)
        .map(|b| {
            let counts = b.records(Mode::Stateless).cloned().unwrap_or_default();
            Cell {
                time_ms: b.time_ms,
                label: clock_label(b.time_ms),
                total: counts.iter().map(|(_, v)| v).sum(),
                counts,
                role: role_of(&w.explain, t, b.time_ms),
            }
        })
        .collect();
    let in_window = cells
        .iter()
        .filter(|x| {
            matches!(
                x.role,
                CellRole::Reduced | CellRole::Kept | CellRole::Arriving
            )
        })
        .count();
    // Batches before the context started never existed: the window at batch n spans at most n batches.
    let expected = ((win / interval) as usize).min(usize::try_from(w.batch).unwrap_or(usize::MAX));
    let oldest = cells.first().map_or(t, |x| x.time_ms);
    let hidden = if oldest > t - win + interval {
        expected.saturating_sub(in_window)
    } else {
        0
    };
    let summary = format!(
        "The window emitted at {} covers the batches after {} up to {} ({} window, sliding every {}, {}-s batches).",
        clock_label(t),
        clock_label(t - win),
        clock_label(t),
        secs(win),
        secs(slide),
        seconds_literal(interval)
    );
    let mut zero_notes = Vec::new();
    let path = match &w.explain {
        WindowExplain::Recompute { reason, batches } => {
            let rows = w
                .records
                .iter()
                .map(|(key, _)| {
                    let terms: Vec<i64> = batches.iter().map(|b| b.get(*key)).collect();
                    let value: i64 = terms.iter().sum();
                    KeyRow {
                        key: *key,
                        value,
                        filtered: false,
                        text: format!("{} = {} = {value}", key.as_str(), sum_text(&terms)),
                    }
                })
                .collect();
            PathView::Recompute {
                reason: reason.clone(),
                batches: batches.iter().map(BatchChip::of).collect(),
                rows,
            }
        }
        WindowExplain::Subtract {
            leaving,
            arriving,
            keys,
        } => {
            let rows: Vec<KeyRow> = keys
                .iter()
                .map(|k| {
                    let value = k.old.unwrap_or(0) + k.arriving - k.leaving;
                    let name = k.key.as_str();
                    let mut text = match k.old {
                        Some(old) => {
                            format!("{name}: {old} + {} − {} = {value}", k.arriving, k.leaving)
                        }
                        None => format!(
                            "{name}: new in the window, 0 + {} − 0 = {value}",
                            k.arriving
                        ),
                    };
                    if k.result.is_none() {
                        text.push_str(", removed by filterFunc");
                    }
                    KeyRow {
                        key: k.key,
                        value,
                        filtered: k.result.is_none(),
                        text,
                    }
                })
                .collect();
            let kept_zero: Vec<String> = rows
                .iter()
                .filter(|r| r.value == 0 && !r.filtered)
                .map(|r| format!("('{}', 0)", r.key.as_str()))
                .collect();
            if !kept_zero.is_empty() {
                zero_notes.push(format!(
                    "{} still {}: the batches that left the window took the count back to 0, but PySpark subtracts \
                     rather than forgets, so a key stays in the window's state until filterFunc removes it. \
                     Turn on \"filter zero keys\" (filterFunc = lambda kv: kv[1] != 0) to drop it.",
                    join_words(&kept_zero),
                    if kept_zero.len() == 1 { "prints" } else { "print" }
                ));
            }
            let filtered: Vec<String> = rows
                .iter()
                .filter(|r| r.filtered)
                .map(|r| r.key.as_str().to_string())
                .collect();
            if !filtered.is_empty() {
                zero_notes.push(format!(
                    "{} fell to 0 and filterFunc (lambda kv: kv[1] != 0) removed {} from the window, so {} not printed.",
                    join_words(&filtered),
                    if filtered.len() == 1 { "it" } else { "them" },
                    if filtered.len() == 1 { "it is" } else { "they are" }
                ));
            }
            PathView::Subtract {
                arriving: arriving.iter().map(BatchChip::of).collect(),
                leaving: leaving.iter().map(BatchChip::of).collect(),
                rows,
            }
        }
    };
    Some(Timeline {
        batch: w.batch,
        time_ms: t,
        summary,
        cells,
        hidden,
        path,
        zero_notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::BatchReport;
    use crate::model::batch_log::record_batches;

    fn window_records(r: &BatchReport) -> Vec<(MessageType, i64)> {
        r.outputs
            .iter()
            .find(|o| o.mode == Mode::Window)
            .map(|o| o.records.clone())
            .unwrap()
    }

    #[test]
    fn notebook_defaults_recompute_and_say_why() {
        let (log, reports) = record_batches(
            NotebookConfig::default(),
            &[
                &["[info] a", "[error] b"],
                &["[info] c"],
                &["[notice] d", "[info] e"],
            ],
        );
        let tl = timeline(&NotebookConfig::default(), &log).unwrap();
        assert_eq!(tl.time_ms, 30_000);
        // The first window spans the only batch there is: nothing is hidden.
        let (first, _) = record_batches(NotebookConfig::default(), &[&["[info] a"]]);
        let first = timeline(&NotebookConfig::default(), &first).unwrap();
        assert_eq!((first.cells.len(), first.hidden), (1, 0));
        let PathView::Recompute {
            reason,
            batches,
            rows,
        } = &tl.path
        else {
            panic!("20 s / 10 s recomputes: {:?}", tl.path)
        };
        assert!(reason.contains("shorter than 5 x the slide"), "{reason}");
        assert_eq!(
            batches.iter().map(|b| b.time_ms).collect::<Vec<_>>(),
            [20_000, 30_000]
        );
        // Each row's sum is the engine's window count, in the engine's printed order.
        let printed = window_records(reports.last().unwrap());
        assert_eq!(
            rows.iter().map(|r| (r.key, r.value)).collect::<Vec<_>>(),
            printed
        );
        let info = rows.iter().find(|r| r.key == MessageType::Info).unwrap();
        assert_eq!(info.text, "info = 1 + 1 = 2");
        let roles: Vec<_> = tl.cells.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [CellRole::Earlier, CellRole::Reduced, CellRole::Reduced]
        );
        assert_eq!(tl.cells[2].total, 2);
        assert_eq!(tl.hidden, 0);
        assert!(tl.zero_notes.is_empty());
        assert!(tl.summary.contains("after 00:00:10 up to 00:00:30"));
    }

    #[test]
    fn subtracting_path_shows_arithmetic_and_zero_keys() {
        let config = NotebookConfig {
            window_ms: 50_000,
            ..NotebookConfig::default()
        };
        let mut batches: Vec<&[&str]> = vec![&["[error] x", "[info] y"], &["[info] z"]];
        batches.extend(std::iter::repeat_n(&["[info] w"][..], 5));
        let (log, reports) = record_batches(config.clone(), &batches);
        assert_eq!(log.last_window().unwrap().time_ms, 70_000);
        let tl = timeline(&config, &log).unwrap();
        let PathView::Subtract {
            arriving,
            leaving,
            rows,
        } = &tl.path
        else {
            panic!("50 s / 10 s subtracts: {:?}", tl.path)
        };
        assert_eq!(arriving.len(), 1);
        assert_eq!(arriving[0].time_ms, 70_000);
        assert_eq!(leaving[0].time_ms, 20_000);
        let printed = window_records(reports.last().unwrap());
        assert_eq!(
            rows.iter().map(|r| (r.key, r.value)).collect::<Vec<_>>(),
            printed
        );
        let info = rows.iter().find(|r| r.key == MessageType::Info).unwrap();
        assert_eq!(info.text, "info: 5 + 1 − 1 = 5");
        // At 60 s the error batch (10 s) left; at 70 s error is still printed with 0.
        let error = rows.iter().find(|r| r.key == MessageType::Error).unwrap();
        assert_eq!(error.text, "error: 0 + 0 − 0 = 0");
        assert_eq!(tl.zero_notes.len(), 1);
        assert!(tl.zero_notes[0].starts_with("('error', 0) still prints"));
        let roles: Vec<_> = tl.cells.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                CellRole::Earlier,
                CellRole::Leaving,
                CellRole::Kept,
                CellRole::Kept,
                CellRole::Kept,
                CellRole::Kept,
                CellRole::Arriving
            ]
        );
    }

    #[test]
    fn filtered_keys_are_explained() {
        let config = NotebookConfig {
            window_ms: 50_000,
            filter_zero: true,
            ..NotebookConfig::default()
        };
        let mut batches: Vec<&[&str]> = vec![&["[error] x", "[info] y"]];
        batches.extend(std::iter::repeat_n(&["[info] w"][..], 5));
        let (log, reports) = record_batches(config.clone(), &batches);
        let tl = timeline(&config, &log).unwrap();
        let PathView::Subtract { rows, .. } = &tl.path else {
            panic!("subtracts")
        };
        let error = rows.iter().find(|r| r.key == MessageType::Error).unwrap();
        assert!(error.filtered);
        assert_eq!(error.text, "error: 1 + 0 − 1 = 0, removed by filterFunc");
        assert!(!window_records(reports.last().unwrap())
            .iter()
            .any(|(k, _)| *k == MessageType::Error));
        assert_eq!(
            tl.zero_notes,
            ["error fell to 0 and filterFunc (lambda kv: kv[1] != 0) removed it from the window, so it is not printed."]
        );
    }

    #[test]
    fn long_windows_elide_terms_and_count_hidden_batches() {
        let config = NotebookConfig {
            batch_interval_ms: 1_000,
            window_ms: 100_000,
            slide_ms: 50_000,
            ..NotebookConfig::default()
        };
        let lines: Vec<&[&str]> = vec![&["[info] a"]; 150];
        let (log, reports) = record_batches(config.clone(), &lines);
        let tl = timeline(&config, &log).unwrap();
        // The strip shows the last STRIP_BATCHES of the log (which holds all 150 batches).
        assert_eq!(log.entries().len(), 150);
        assert_eq!(tl.cells.len(), STRIP_BATCHES);
        assert_eq!(tl.hidden, 100 - tl.cells.len());
        let PathView::Recompute { rows, batches, .. } = &tl.path else {
            panic!("recompute")
        };
        assert_eq!(batches.len(), 100);
        assert_eq!(
            rows[0].text,
            "info = 1 + 1 + 1 + … + 1 + 1 (100 batches) = 100"
        );
        assert_eq!(
            window_records(reports.last().unwrap()),
            [(MessageType::Info, 100)]
        );
    }
}
