//! "Output modes side by side": for the trigger the page shows, what Spark's console sink prints for a Structured
//! Streaming job's streaming aggregation in each output mode (complete | update | append) on the job's very lines,
//! from what the playground ran ([`OutputModes`], kept per batch in [`JobBatches`], so time travel shows the
//! trigger as of the viewed batch), and under each column a sentence, from the numbers, on why it differs.

use crate::engine::{ModeBatch, ModeColumn, ModeOutcome, OutputModes};
use crate::model::JobBatches;
use crate::teach::trigger::plural;
use crate::timefmt::clock_label;

/// What one column shows instead of (or as) the console's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColumnKind {
    /// The console sink's text for the batch Spark ran.
    Printed,
    /// Spark ran no batch in this mode: nothing is printed.
    Nothing,
    /// Spark refuses the mode for this query at `start()`.
    Refused,
}

impl ColumnKind {
    /// The value of `data-kind`, for tests and styles.
    pub fn name(self) -> &'static str {
        match self {
            ColumnKind::Printed => "printed",
            ColumnKind::Nothing => "nothing",
            ColumnKind::Refused => "refused",
        }
    }
}

/// One mode's column.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModeStory {
    /// `complete`, `update` or `append`.
    pub mode: std::borrow::Cow<'static, str>,
    /// The mode the job's program asked for.
    pub own: bool,
    /// What the column shows.
    pub kind: ColumnKind,
    /// The console's exact text (`Batch: N` and the table), Spark's error in Spark's words, or empty when
    /// nothing is printed.
    pub text: String,
    /// `12 more lines are not shown.`, when the text was cut.
    pub cut: Option<String>,
    /// Why this mode prints what it prints, from the trigger's numbers.
    pub why: String,
}

/// One query's three columns.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueryModes {
    /// `Query 1 (your program: update mode)`.
    pub title: String,
    /// Complete, update, append.
    pub columns: Vec<ModeStory>,
}

/// The view of a job at the trigger the page shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModesStory {
    /// The job's batch (trigger) number, 1-based.
    pub batch: u64,
    /// `HH:MM:SS`, when the trigger interval began.
    pub time: String,
    /// Lines the trigger read.
    pub lines: usize,
    /// One per started query that is a streaming aggregation written to the console.
    pub queries: Vec<QueryModes>,
}

/// A watermark as the sentences say it (Spark's is the epoch until a batch saw an event time).
fn watermark_label(ms: Option<i64>) -> String {
    match ms {
        Some(0) => "the epoch: no event time seen yet".to_string(),
        Some(ms) => clock_label(ms),
        None => "none".to_string(),
    }
}

/// Why complete printed `b`.
fn complete_why(b: &ModeBatch) -> String {
    let rows = plural(b.rows, "row", "rows");
    let mut why = format!(
        "complete prints the whole result table at every batch: all {rows}, changed or not."
    );
    if b.progress.watermark_ms.is_some() {
        why.push_str(" The watermark removes nothing in complete mode: closed windows stay and are printed again.");
    }
    why
}

/// Why update printed `b`.
fn update_why(b: &ModeBatch) -> String {
    let wm = watermark_label(b.progress.watermark_ms);
    if b.progress.input_rows == 0 {
        return format!(
            "No new lines, but the watermark moved to {wm}: Spark ran batch {} only to evict the windows it closed; \
             no count changed, so the table is empty.",
            b.progress.batch_id
        );
    }
    let mut why = format!(
        "update prints only the {} whose counts changed in this batch.",
        plural(b.rows, "row", "rows")
    );
    let dropped = b.progress.rows_dropped_by_watermark;
    if dropped > 0 {
        why.push_str(&format!(
            " {} dropped: their windows had ended by the watermark ({wm}).",
            plural(dropped as usize, "late row", "late rows")
        ));
    }
    why
}

/// Why append printed `b`.
fn append_why(b: &ModeBatch) -> String {
    let wm = watermark_label(b.progress.watermark_ms);
    if b.rows == 0 {
        let next = b
            .open_window_end_ms
            .map(|end| format!(" (the earliest window ends at {})", clock_label(end)))
            .unwrap_or_default();
        return format!(
            "append prints a window only once the watermark ({wm}) passed its end: nothing final yet{next}."
        );
    }
    format!(
        "append prints a window once, when the watermark ({wm}) passed its end: these {} final and leave the \
         state.",
        plural(b.rows, "count is", "counts are")
    )
}

/// Why a mode ran no batch at a trigger of `lines` lines.
fn nothing_why(mode: &str, lines: usize) -> String {
    match (mode, lines) {
        ("complete", 0) => "No new lines: complete mode runs no batch when only the watermark moves (it evicts \
                            nothing), so it prints nothing and uses no batch id."
            .to_string(),
        (_, 0) => "No new lines and the watermark did not move: Spark ran no batch, so nothing is printed.".to_string(),
        _ => "Spark ran no batch in this mode, so nothing is printed.".to_string(),
    }
}

fn refused_why(mode: &str) -> String {
    match mode {
        "append" => "Spark refuses append at start(): without a watermark a count can always change, so no row would \
                     ever be final."
            .to_string(),
        other => format!("Spark refuses {other} mode for this query at start()."),
    }
}

fn mode_story(c: &ModeColumn, lines: usize) -> ModeStory {
    let (kind, text, cut, why) = match &c.outcome {
        ModeOutcome::Printed(b) => {
            let why = match c.mode {
                "complete" => complete_why(b),
                "update" => update_why(b),
                _ => append_why(b),
            };
            let cut =
                (b.lines_cut > 0).then(|| format!("{} more lines are not shown.", b.lines_cut));
            (ColumnKind::Printed, b.text.clone(), cut, why)
        }
        ModeOutcome::NoBatch => (
            ColumnKind::Nothing,
            String::new(),
            None,
            nothing_why(c.mode, lines),
        ),
        ModeOutcome::Refused(message) => (
            ColumnKind::Refused,
            message.clone(),
            None,
            refused_why(c.mode),
        ),
    };
    ModeStory {
        mode: c.mode.into(),
        own: c.own,
        kind,
        text,
        cut,
        why,
    }
}

fn query_modes(query: usize, modes: &OutputModes, lines: usize) -> QueryModes {
    let own = modes.columns.iter().find(|c| c.own).map_or("", |c| c.mode);
    QueryModes {
        title: format!("Query {} (your program: {own} mode)", query + 1),
        columns: modes.columns.iter().map(|c| mode_story(c, lines)).collect(),
    }
}

/// The view of a job's batches as the page shows them (their last trigger); None for a DStream job, before its
/// first trigger, or when no query of the trigger is a streaming aggregation written to the console.
pub fn modes_story(b: &JobBatches) -> Option<ModesStory> {
    let last = b.last()?;
    let t = last.structured.as_ref()?;
    let queries: Vec<QueryModes> = t
        .queries
        .iter()
        .filter_map(|q| {
            Some(query_modes(
                q.query,
                q.output_modes.as_ref()?,
                t.input_lines,
            ))
        })
        .collect();
    if queries.is_empty() {
        return None;
    }
    Some(ModesStory {
        batch: last.batch,
        time: clock_label(last.time_ms),
        lines: t.input_lines,
        queries,
    })
}

#[cfg(test)]
mod tests;
