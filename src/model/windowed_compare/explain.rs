//! The row's explanations, each worded from the batch's and the trigger's data: [`Facts`] holds what they read.

use super::{Explanation, Topic, Window};
use crate::engine::{MessageType, Mode, NotebookConfig, QueryTrigger, WindowExplain};
use crate::model::batch_log::{BatchEntry, LastWindow};
use crate::model::job_batches::JobBatch;
use crate::teach::window::join_words;
use crate::timefmt::clock_label;

/// `[10:00:00, 10:00:20)`.
pub(super) fn span_text((start, end): Window) -> String {
    format!("[{}, {})", clock_label(start), clock_label(end))
}

/// `s` after a count other than 1.
pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The event-time windows (start, end) holding time `t`, with windows `duration` long sliding every `slide`
/// (Spark's `window`, no start offset, as the structured crate assigns them), oldest first.
pub fn windows_of(t: i64, (duration, slide): (i64, i64)) -> Vec<Window> {
    if slide <= 0 {
        return Vec::new();
    }
    let mut windows = crate::engine::windows_of(t, duration, slide);
    windows.reverse();
    windows
}

/// The distinct windows of `windows`, in time order.
pub(super) fn distinct(windows: impl Iterator<Item = Window>) -> Vec<Window> {
    let mut windows: Vec<Window> = windows.collect();
    windows.sort_unstable();
    windows.dedup();
    windows
}

/// `error 2, info 1` (or `no lines`).
pub(super) fn counts_text(counts: &[(MessageType, i64)]) -> String {
    if counts.is_empty() {
        return "no lines".to_string();
    }
    counts
        .iter()
        .map(|(k, c)| format!("{} {c}", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The (type, count) rows of window `w` in the query's state store after the trigger, by type name.
pub(super) fn state_counts(q: &QueryTrigger, w: Window) -> Option<Vec<(String, i64)>> {
    // The trigger view keeps the store's first rows only: with some hidden, the window's counts may be among them.
    if q.state_after.hidden > 0 {
        return None;
    }
    let ty = q.columns.iter().position(|c| c == "type")?;
    let count = q.columns.iter().position(|c| c == "count")?;
    let mut rows: Vec<(String, i64)> = q
        .state_after
        .rows
        .iter()
        .filter(|r| r.window_ms == Some(w))
        .filter_map(|r| Some((r.cells.get(ty)?.clone(), r.cells.get(count)?.parse().ok()?)))
        .collect();
    rows.sort();
    Some(rows)
}

/// Everything the explanations are worded from.
pub(super) struct Facts<'a> {
    pub(super) entry: &'a BatchEntry,
    pub(super) window: Option<&'a LastWindow>,
    pub(super) config: &'a NotebookConfig,
    pub(super) trigger: &'a JobBatch,
    pub(super) query: &'a QueryTrigger,
}

impl Facts<'_> {
    /// The DStream block's records (empty when the window printed nothing at this batch).
    fn records(&self) -> &[(MessageType, i64)] {
        self.entry
            .records(Mode::Window)
            .map_or(&[], |r| r.as_slice())
    }

    /// (1) The DStream window counts batches by their batch time; Structured Streaming counts lines by their
    /// own time, each in several windows; the window ending at the batch time holds the same lines.
    fn event_time(&self) -> Option<Explanation> {
        let (t, w) = (self.entry.time_ms, self.config.window_ms);
        let (duration, slide) = self.query.window_ms?;
        let view = self.trigger.structured.as_ref()?;
        let mut text = format!(
            "The DStream block is labelled with the batch time {} and counts every line of the batches after {} \
             up to {}: the last {} s of batches, whenever a line was written.",
            clock_label(t),
            clock_label(t - w),
            clock_label(t),
            w / 1000
        );
        let times: Vec<String> = view
            .event_times_ms
            .iter()
            .map(|e| clock_label(*e))
            .collect();
        if times.is_empty() {
            text.push_str(
                " Structured Streaming groups each line by its own timestamp; this trigger read no line, so it \
                 added to no window.",
            );
        } else {
            let windows = distinct(
                view.event_times_ms
                    .iter()
                    .flat_map(|e| windows_of(*e, (duration, slide))),
            );
            let per_line = windows_of(view.event_times_ms[0], (duration, slide)).len();
            text.push_str(&format!(
                " Structured Streaming groups each line by its own timestamp (here the time the trigger interval it \
                 arrived in began): this trigger's {} line{} the event time{} {}, and with {} s windows sliding every {} s each line \
                 lands in {per_line} overlapping windows: {}.",
                view.input_lines,
                if view.input_lines == 1 { " carries" } else { "s carry" },
                plural(times.len()),
                join_words(&times),
                duration / 1000,
                slide / 1000,
                join_words(&windows.iter().map(|w| span_text(*w)).collect::<Vec<_>>())
            ));
        }
        // The window ending at the batch time holds the lines stamped in the batches the DStream window covers.
        let same = (t - w, t);
        let printed = self.entry.records(Mode::Window).is_some();
        if printed && (duration, slide) == (w, self.config.slide_ms) {
            if let Some(rows) = state_counts(self.query, same).filter(|r| !r.is_empty()) {
                let ss: Vec<String> = rows.iter().map(|(k, c)| format!("{k} {c}")).collect();
                let mut dstream: Vec<(String, i64)> = self
                    .records()
                    .iter()
                    .filter(|(_, c)| *c != 0)
                    .map(|(k, c)| (k.as_str().to_string(), *c))
                    .collect();
                dstream.sort();
                let verdict = if dstream == rows {
                    "the same counts as the DStream block"
                } else {
                    "not the DStream block's: the job has not read every batch of that window"
                };
                text.push_str(&format!(
                    " The window {} holds the lines of the same batches as the DStream block: after this trigger it \
                     counts {}, {verdict}.",
                    span_text(same),
                    ss.join(", ")
                ));
            }
        }
        Some(Explanation {
            topic: Topic::EventTime,
            text,
        })
    }

    /// (2) How the DStream window was formed this batch, against Structured Streaming's state store.
    fn inverse(&self) -> Explanation {
        let t = clock_label(self.entry.time_ms);
        let labels = |batches: &[crate::engine::BatchCounts]| {
            batches
                .iter()
                .map(|b| format!("{} ({})", clock_label(b.time_ms), counts_text(&b.counts)))
                .collect::<Vec<_>>()
        };
        let mut text = match self.window.map(|w| &w.explain) {
            Some(WindowExplain::Subtract {
                leaving,
                arriving,
                keys,
            }) => {
                let steps: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        let value = k.old.unwrap_or(0) + k.arriving - k.leaving;
                        format!(
                            "{}: {} + {} − {} = {value}",
                            k.key.as_str(),
                            k.old.unwrap_or(0),
                            k.arriving,
                            k.leaving
                        )
                    })
                    .collect();
                let subtracted = if leaving.is_empty() {
                    "subtracted nothing with the inverse function (no batch has left the window yet)".to_string()
                } else {
                    format!(
                        "subtracted the batch{} at {} with the inverse function",
                        plural(leaving.len()),
                        join_words(&labels(leaving))
                    )
                };
                format!(
                    "DStream's window at {t} is the previous window plus the newest slide minus the slide that \
                     left: it added the batch{} at {} and {subtracted}, so {}.",
                    plural(arriving.len()),
                    join_words(&labels(arriving)),
                    join_words(&steps)
                )
            }
            Some(WindowExplain::Recompute { reason, batches }) => format!(
                "DStream's window at {t} subtracted nothing this batch. {reason} It reduced its {} batch{} again: \
                 {}.",
                batches.len(),
                if batches.len() == 1 { "" } else { "es" },
                join_words(&labels(batches))
            ),
            None => format!("DStream's window printed nothing at {t}: it prints only when it slides."),
        };
        let q = self.query;
        text.push_str(&format!(
            " Structured Streaming has no inverse function: it keeps one count per (window, type) in its state \
             store ({} row{} after this trigger: {} added, {} updated) and adds each new line to the counts of its \
             windows; it never subtracts.",
            q.state_after.total(),
            plural(q.state_after.total()),
            q.changes.added,
            q.changes.updated
        ));
        Explanation {
            topic: Topic::Inverse,
            text,
        }
    }

    /// (3) The keys the DStream block prints at 0, when it prints any.
    fn zero_keys(&self) -> Option<Explanation> {
        let zeros: Vec<String> = self
            .records()
            .iter()
            .filter(|(_, c)| *c == 0)
            .map(|(k, _)| format!("('{}', 0)", k.as_str()))
            .collect();
        if zeros.is_empty() {
            return None;
        }
        let q = self.query;
        let count = q.columns.iter().position(|c| c == "count");
        let shown: Vec<&String> = q
            .state_after
            .rows
            .iter()
            .chain(&q.sink.rows)
            .filter_map(|r| count.and_then(|i| r.cells.get(i)))
            .collect();
        let none_zero = if !shown.is_empty() && shown.iter().all(|c| c.as_str() != "0") {
            " (none of its rows this trigger is 0)"
        } else {
            ""
        };
        Some(Explanation {
            topic: Topic::ZeroKeys,
            text: format!(
                "{} print{} because the inverse function took the count back to 0 and, without a filterFunc, \
                 reduceByKeyAndWindow keeps the key in the window. Structured Streaming has no such row{none_zero}: \
                 a (window, type) row exists only once a line of that type fell in that window.",
                join_words(&zeros),
                if zeros.len() == 1 { "s" } else { "" }
            ),
        })
    }

    /// (4) The windows the watermark still lets Structured Streaming update, and those it dropped.
    fn watermark(&self) -> Option<Explanation> {
        let q = self.query;
        let delay = q.watermark_delay_ms?;
        let after = q.watermark_after_ms.filter(|w| *w > 0);
        let mut text = match after {
            None => format!(
                "The watermark (the latest event time seen minus {} s) has not started yet, so Structured \
                 Streaming can still update every window.",
                delay / 1000
            ),
            Some(wm) => {
                let kept = distinct(q.state_after.rows.iter().filter_map(|r| r.window_ms));
                let (open, closed): (Vec<Window>, Vec<Window>) =
                    kept.into_iter().partition(|(_, end)| *end > wm);
                let spans = |w: &[(i64, i64)]| {
                    join_words(&w.iter().map(|w| span_text(*w)).collect::<Vec<_>>())
                };
                let mut text = format!(
                    "The watermark is the latest event time seen minus {} s: {} after this trigger. Structured \
                     Streaming can still update the windows that end after it: {}.",
                    delay / 1000,
                    clock_label(wm),
                    if open.is_empty() {
                        "none".to_string()
                    } else {
                        spans(&open)
                    }
                );
                if !closed.is_empty() {
                    text.push_str(&format!(
                        " {} {} at or before it: a line for {} would be late, and the next trigger drops {} from \
                         the state store.",
                        spans(&closed),
                        if closed.len() == 1 { "ends" } else { "end" },
                        if closed.len() == 1 { "it" } else { "them" },
                        if closed.len() == 1 { "it" } else { "them" }
                    ));
                }
                let evicted = distinct(
                    q.state_before
                        .rows
                        .iter()
                        .filter(|r| r.change == crate::engine::RowChange::Evicted)
                        .filter_map(|r| r.window_ms),
                );
                if evicted.is_empty() {
                    text.push_str(" It dropped no window this trigger.");
                } else {
                    text.push_str(&format!(
                        " It dropped {} from its state store this trigger: the watermark this trigger used was at \
                         or past {} end, so no line could change {} any more.",
                        spans(&evicted),
                        if evicted.len() == 1 { "its" } else { "their" },
                        if evicted.len() == 1 { "it" } else { "them" }
                    ));
                }
                text
            }
        };
        let late = q
            .progress
            .as_ref()
            .map_or(0, |p| p.rows_dropped_by_watermark);
        if late > 0 {
            text.push_str(&format!(
                " {late} late row{} fell behind the watermark and {} dropped.",
                plural(late as usize),
                if late == 1 { "was" } else { "were" }
            ));
        }
        text.push_str(&format!(
            " The DStream window has no watermark: a batch leaves it {} s after its batch time, whatever its lines' \
             timestamps.",
            self.config.window_ms / 1000
        ));
        Some(Explanation {
            topic: Topic::Watermark,
            text,
        })
    }

    pub(super) fn all(&self) -> Vec<Explanation> {
        let mut all: Vec<Explanation> = self.event_time().into_iter().collect();
        all.push(self.inverse());
        all.extend(self.zero_keys());
        all.extend(self.watermark());
        all
    }
}
