//! The rows a batch hands its sink: made at once, or kept lean ([`LeanRows`]: a lean query's
//! lines and classes for `foreachBatch`) and made the first time they are read. A lean batch
//! is counted by its classes without its rows ([`SinkRows::group`]).

use std::cell::OnceCell;
use std::fmt;
use std::ops::Deref;

use crate::aggregate::{Aggregation, Group};
use crate::lean::LeanRows;
use crate::value::{Row, Schema};

/// A batch's rows; they read as a slice of rows (`&rows[..]`, `rows.iter()`), made then.
#[derive(Clone)]
pub struct SinkRows {
    made: OnceCell<Vec<Row>>,
    lean: Option<LeanRows>,
}

impl SinkRows {
    /// A lean batch's rows, made when read.
    pub(crate) fn lean(rows: LeanRows) -> SinkRows {
        SinkRows {
            made: OnceCell::new(),
            lean: Some(rows),
        }
    }

    /// How many rows there are (none made).
    pub fn len(&self) -> usize {
        match (&self.lean, self.made.get()) {
            (Some(lean), _) => lean.len(),
            (None, made) => made.map_or(0, Vec::len),
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `n` rows (the rest not made).
    pub fn first_rows(&self, n: usize) -> Vec<Row> {
        match (&self.lean, self.made.get()) {
            (Some(lean), None) => lean.first_rows(n),
            _ => self.iter().take(n).cloned().collect(),
        }
    }

    /// The rows (of `schema`) grouped by `aggregation` as [`Aggregation::group`] groups them,
    /// without making them, when the batch is lean and the aggregation leaves the lines' text
    /// unread; None otherwise (then group the rows).
    pub fn group(&self, aggregation: &Aggregation, schema: &Schema) -> Option<Vec<Group>> {
        self.lean.as_ref()?.group(aggregation, schema)
    }
}

impl From<Vec<Row>> for SinkRows {
    fn from(rows: Vec<Row>) -> SinkRows {
        SinkRows {
            made: OnceCell::from(rows),
            lean: None,
        }
    }
}

impl Deref for SinkRows {
    type Target = [Row];

    fn deref(&self) -> &[Row] {
        let lean = self.lean.as_ref();
        self.made
            .get_or_init(|| lean.map_or_else(Vec::new, |l| l.first_rows(l.len())))
    }
}

impl PartialEq for SinkRows {
    fn eq(&self, other: &SinkRows) -> bool {
        **self == **other
    }
}

impl fmt::Debug for SinkRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
