//! The settings form, as typed: applied only when valid, so a bad value never touches the running pipelines.

use crate::engine::NotebookConfig;
use crate::timefmt::{parse_seconds, seconds_literal};

/// The batch intervals offered, in seconds: the notebook's 10 s, and shorter ones for class.
pub const BATCH_INTERVALS_S: [i64; 4] = [1, 2, 5, 10];

/// The settings form's values.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    /// Batch interval in ms (picked from [`BATCH_INTERVALS_S`]).
    pub interval_ms: i64,
    /// Window length in seconds, as typed.
    pub window: String,
    /// Slide in seconds, as typed.
    pub slide: String,
    /// Use the inverse function.
    pub inverse: bool,
    /// Filter keys whose windowed count is zero.
    pub filter_zero: bool,
    /// Partitions (`local[N]`).
    pub parallelism: usize,
}

impl Draft {
    /// The form showing `c`.
    pub fn from_config(c: &NotebookConfig) -> Self {
        Self {
            interval_ms: c.batch_interval_ms,
            window: seconds_literal(c.window_ms),
            slide: seconds_literal(c.slide_ms),
            inverse: c.inverse,
            filter_zero: c.filter_zero,
            parallelism: c.parallelism,
        }
    }

    /// The configuration the form describes, or the error Spark (or the form) would give.
    pub fn to_config(&self) -> Result<NotebookConfig, String> {
        let c = NotebookConfig {
            batch_interval_ms: self.interval_ms,
            window_ms: parse_seconds("window duration", &self.window)?,
            slide_ms: parse_seconds("slide duration", &self.slide)?,
            inverse: self.inverse,
            filter_zero: self.filter_zero,
            parallelism: self.parallelism,
        };
        c.validate().map_err(|e| e.to_string())?;
        Ok(c)
    }

    /// Applies one edit of the form.
    pub fn edit(&mut self, field: DraftField) {
        match field {
            DraftField::Interval(v) => self.interval_ms = v,
            DraftField::Window(v) => self.window = v,
            DraftField::Slide(v) => self.slide = v,
            DraftField::Inverse(v) => self.inverse = v,
            DraftField::FilterZero(v) => self.filter_zero = v,
            DraftField::Parallelism(v) => self.parallelism = v,
        }
    }
}

/// One edit of the settings form.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DraftField {
    /// Batch interval in ms.
    Interval(i64),
    /// Window in seconds, as typed.
    Window(String),
    /// Slide in seconds, as typed.
    Slide(String),
    /// Inverse function on/off.
    Inverse(bool),
    /// Filter zero keys on/off.
    FilterZero(bool),
    /// Partitions.
    Parallelism(usize),
}

impl super::Lab {
    /// One edit of the form: the form shows it, and says at once why it could not be applied.
    pub(super) fn edit_settings(&mut self, field: DraftField) {
        self.draft.edit(field);
        self.draft_error = self.draft.to_config().err();
    }

    /// Applies the form: a valid change starts a new context (as in Spark, a running one cannot change its
    /// settings); an invalid one only shows its error.
    pub(super) fn apply_settings(&mut self, now_ms: i64) -> Vec<super::Effect> {
        match self.draft.to_config() {
            Err(e) => {
                self.draft_error = Some(e);
                Vec::new()
            }
            Ok(c) if &c == self.config() => {
                self.draft_error = None;
                Vec::new()
            }
            Ok(c) => {
                self.draft_error = None;
                let effects = self.restart(c, now_ms);
                self.notify(
                    super::Level::Warn,
                    "Started a new StreamingContext with the new settings: a running context cannot \
                     change them in Spark either, so the running totals and windows start over."
                        .to_string(),
                );
                effects
            }
        }
    }
}
