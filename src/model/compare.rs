//! The compare view (presentation mode): the three modes' output for the same batch side by side, and every
//! student job's, with the batch's input lines, and each record that one mode prints and another does not marked
//! with why, so the room sees where per-batch counts, running totals and the window part ways.

use super::batch_log::BatchEntry;
use super::travel::TRAVEL_BATCHES;
use super::windowed_compare::WindowedCompare;
use super::Lab;
use crate::engine::{MessageType, Mode};
use std::collections::VecDeque;

/// Input lines of a batch the compare view shows (the rest are counted).
pub const SAMPLE_LINES: usize = 3;
/// Input lines of a batch kept for the views: all of a batch up to this many (the rest are counted), so
/// "Predict the next batch" can show the whole open batch in class.
pub const KEPT_LINES: usize = 60;

/// How the page is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PageView {
    /// Every panel, chart and teaching view, one after the other.
    #[default]
    Full,
    /// The three consoles of one batch side by side, in large type, for a projector (`?view=compare`).
    Compare,
}

impl PageView {
    /// Parses the URL's `view=` value.
    pub fn parse(s: &str) -> Option<PageView> {
        match s {
            "full" => Some(PageView::Full),
            "compare" => Some(PageView::Compare),
            _ => None,
        }
    }
}

/// The first input lines (up to [`KEPT_LINES`]) of the open batch and of the last ones closed (as far back as time
/// travel reaches).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchSample {
    open: Vec<String>,
    /// Per batch closed, oldest first: its number and first lines.
    closed: VecDeque<(u64, Vec<String>)>,
}

impl BatchSample {
    /// Notes lines entering the open batch (only the first [`KEPT_LINES`] are kept).
    pub(super) fn push<S: AsRef<str>>(&mut self, lines: &[S]) {
        let room = KEPT_LINES.saturating_sub(self.open.len());
        self.open
            .extend(lines.iter().take(room).map(|l| l.as_ref().to_string()));
    }

    /// The open batch was closed (run) as batch `batch`.
    pub(super) fn close(&mut self, batch: u64) {
        if self.closed.len() == TRAVEL_BATCHES {
            self.closed.pop_front();
        }
        self.closed
            .push_back((batch, std::mem::take(&mut self.open)));
    }

    /// The first lines of the last batch run.
    pub fn last(&self) -> &[String] {
        self.closed.back().map_or(&[], |(_, lines)| lines)
    }

    /// The first lines of batch `batch`, if it is one of the last ones run.
    pub fn of(&self, batch: u64) -> &[String] {
        self.closed
            .iter()
            .rfind(|(b, _)| *b == batch)
            .map_or(&[], |(_, lines)| lines)
    }

    /// The first lines of the open batch.
    pub fn open(&self) -> &[String] {
        &self.open
    }
}

/// One record of one mode's output, as `pprint` prints it, and why it stands out, if it does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompareRow {
    /// The key (`'error'`).
    pub key: MessageType,
    /// The record as printed: `('error', 2)`.
    pub text: String,
    /// Why this record differs from what another mode prints for this batch.
    pub note: Option<std::borrow::Cow<'static, str>>,
}

/// One mode's column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompareColumn {
    /// The mode.
    pub mode: Mode,
    /// Its records at this batch; `None` when it printed nothing at this batch (a window sliding slower than
    /// the batches).
    pub rows: Option<Vec<CompareRow>>,
}

impl CompareColumn {
    /// Each note of this column once, with the keys it is about, in the order the records print.
    pub fn notes(&self) -> Vec<(Vec<MessageType>, &str)> {
        let mut notes: Vec<(Vec<MessageType>, &str)> = Vec::new();
        for row in self.rows.iter().flatten() {
            let Some(note) = row.note.as_deref() else {
                continue;
            };
            match notes.iter_mut().find(|(_, n)| *n == note) {
                Some((keys, _)) => keys.push(row.key),
                None => notes.push((vec![row.key], note)),
            }
        }
        notes
    }
}

/// A student job's column: what its program printed right after this batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompareJob {
    /// The job.
    pub id: u64,
    /// Its place on the page (1-based): "Job N".
    pub number: usize,
    /// What it printed after this batch (its `pprint` blocks and prints), exactly; `None` when it printed
    /// nothing then (its batches may be further apart than the page's, or it is not running).
    pub text: Option<String>,
}

/// The whole compare view for one batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompareView {
    /// 1-based batch number.
    pub batch: u64,
    /// `YYYY-MM-DD HH:MM:SS`, as the consoles' `Time:` line.
    pub time_label: String,
    /// Input lines of the batch.
    pub lines: usize,
    /// Its first input lines.
    pub sample: Vec<String>,
    /// The three modes, in [`Mode::ALL`] order.
    pub columns: Vec<CompareColumn>,
    /// Every student job, in the page's order (but the one the windowed row shows).
    pub jobs: Vec<CompareJob>,
    /// "Windowed counts: DStream vs Structured Streaming", once a job of its example is open.
    pub windowed: Option<WindowedCompare>,
}

/// A record as `pprint` prints it: `('error', 2)`.
pub fn record_text(key: MessageType, count: i64) -> String {
    format!("('{}', {count})", key.as_str())
}

/// What a record printed by `mode` (with `count`) means when the per-batch output printed `in_batch` for its key.
pub(super) fn note(mode: Mode, count: i64, in_batch: Option<i64>) -> Option<&'static str> {
    match (mode, in_batch) {
        (Mode::Stateless, _) => None,
        (Mode::Window, _) if count == 0 => {
            Some("0: the inverse function subtracted what left the window")
        }
        (Mode::Cumulative, None) => Some("kept by updateStateByKey, not in this batch"),
        (Mode::Window, None) => Some("from earlier batches of the window"),
        (_, Some(c)) if c != count => Some("earlier batches count too"),
        _ => None,
    }
}

impl CompareView {
    /// The view of `entry`, whose first input lines were `sample` (it shows the first [`SAMPLE_LINES`]).
    pub fn of(entry: &BatchEntry, sample: &[String]) -> CompareView {
        let in_batch = |key: MessageType| {
            entry
                .records(Mode::Stateless)
                .and_then(|r| r.iter().find(|(k, _)| *k == key).map(|(_, c)| *c))
        };
        let columns = Mode::ALL
            .into_iter()
            .map(|mode| CompareColumn {
                mode,
                rows: entry.records(mode).map(|records| {
                    records
                        .iter()
                        .map(|&(key, count)| CompareRow {
                            key,
                            text: record_text(key, count),
                            note: note(mode, count, in_batch(key)).map(Into::into),
                        })
                        .collect()
                }),
            })
            .collect();
        CompareView {
            batch: entry.batch,
            time_label: entry.time_label.clone(),
            lines: entry.lines,
            sample: sample[..sample.len().min(SAMPLE_LINES)].to_vec(),
            columns,
            jobs: Vec::new(),
            windowed: None,
        }
    }
}

impl Lab {
    /// The compare view of the batch viewed ([`Lab::viewed_batch`]: the last one run, unless time travel
    /// shows an earlier one), if one ran.
    pub fn compare_view(&self) -> Option<CompareView> {
        let batch = self.viewed_batch()?;
        let entry = self.log.entries().iter().rfind(|e| e.batch == batch)?;
        let windowed = self.windowed_compare(entry);
        let jobs = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, job)| windowed.as_ref().map(|w| w.job_id) != Some(job.id))
            .map(|(i, job)| CompareJob {
                id: job.id,
                number: i + 1,
                text: job.console.printed_at(batch).map(str::to_string),
            })
            .collect();
        Some(CompareView {
            jobs,
            windowed,
            ..CompareView::of(entry, self.sample.of(batch))
        })
    }

    /// Shows the page as `view`.
    pub(super) fn set_view(&mut self, view: PageView) {
        self.view = view;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, BootParams};

    const T0: i64 = 1_795_000_000_000;

    fn lab(query: &str) -> Lab {
        let mut lab = Lab::boot(None, T0, &BootParams::from_query(query), "ws://x/ws");
        lab.start();
        lab
    }

    fn batch(lab: &mut Lab, lines: &[&str], at_ms: i64) {
        lab.apply(Action::SimLines(
            lines.iter().map(|l| l.to_string()).collect(),
        ));
        lab.apply(Action::Tick { now_ms: at_ms });
    }

    fn rows(view: &CompareView, mode: Mode) -> Vec<(String, Option<&str>)> {
        view.columns[mode.index()]
            .rows
            .as_ref()
            .map(|r| {
                r.iter()
                    .map(|r| (r.text.clone(), r.note.as_deref()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn keys_kept_by_state_and_zeros_of_the_window_are_marked_and_the_batch_rows_are_not() {
        // 1 s batches, a 5 s window sliding every second, with the inverse function (the subtracting path):
        // batch 6's window no longer holds batch 1, and subtracts it.
        let mut lab = lab("source=sim&interval=1&window=5&slide=1&view=compare");
        assert_eq!(lab.view, PageView::Compare);
        assert_eq!(lab.compare_view(), None);
        batch(
            &mut lab,
            &["[error] a", "[error] b", "[info] c"],
            T0 + 1_000,
        );
        for k in 2..=6 {
            batch(&mut lab, &["[info] d"], T0 + k * 1_000);
        }
        let view = lab.compare_view().unwrap();
        assert_eq!((view.batch, view.lines), (6, 1));
        assert_eq!(view.sample, ["[info] d"]);
        assert_eq!(
            rows(&view, Mode::Stateless),
            [("('info', 1)".to_string(), None)]
        );
        let cumulative = rows(&view, Mode::Cumulative);
        assert!(
            cumulative.contains(&(
                "('error', 2)".to_string(),
                Some("kept by updateStateByKey, not in this batch")
            )),
            "{cumulative:?}"
        );
        assert!(
            cumulative.contains(&("('info', 6)".to_string(), Some("earlier batches count too"))),
            "{cumulative:?}"
        );
        let window = rows(&view, Mode::Window);
        assert!(
            window.contains(&(
                "('error', 0)".to_string(),
                Some("0: the inverse function subtracted what left the window")
            )),
            "{window:?}"
        );
    }

    #[test]
    fn a_columns_notes_name_each_reason_once_with_its_keys() {
        let row = |key, note: Option<&'static str>| CompareRow {
            key,
            text: String::new(),
            note: note.map(Into::into),
        };
        let column = CompareColumn {
            mode: Mode::Cumulative,
            rows: Some(vec![
                row(MessageType::Info, Some("b")),
                row(MessageType::Notice, Some("a")),
                row(MessageType::Error, None),
                row(MessageType::Unknown, Some("b")),
            ]),
        };
        assert_eq!(
            column.notes(),
            [
                (vec![MessageType::Info, MessageType::Unknown], "b"),
                (vec![MessageType::Notice], "a"),
            ]
        );
    }

    #[test]
    fn the_sample_keeps_the_first_lines_of_the_batch_and_the_view_toggles() {
        let mut lab = lab("source=sim&interval=1");
        assert_eq!(lab.view, PageView::Full);
        let many: Vec<String> = (0..20).map(|i| format!("[info] {i}")).collect();
        lab.apply(Action::SimLines(many.clone()));
        lab.apply(Action::Tick { now_ms: T0 + 1_000 });
        let view = lab.compare_view().unwrap();
        assert_eq!(view.lines, 20);
        assert_eq!(view.sample, many[..SAMPLE_LINES]);
        lab.apply(Action::SetView(PageView::Compare));
        assert_eq!(lab.view, PageView::Compare);
    }
}
