//! The messages shown under the header: what happened, what failed, what the student should know.

use std::collections::VecDeque;

/// Notices kept on screen at once.
pub const MAX_NOTICES: usize = 4;

/// How loud a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Level {
    /// Something happened as asked.
    Info,
    /// Something the student should know (a restart, a reset).
    Warn,
    /// Something failed (a corrupt checkpoint, storage full).
    Error,
}

/// A message shown under the header until dismissed (or pushed out by newer ones).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Notice {
    /// Identity for dismissing.
    pub id: u64,
    /// How loud.
    pub level: Level,
    /// The words.
    pub text: String,
}

/// The notices on screen, newest last, at most [`MAX_NOTICES`].
#[derive(Debug, Clone, Default)]
pub struct Notices {
    shown: VecDeque<Notice>,
    last_id: u64,
}

impl Notices {
    /// Shows a notice, pushing out the oldest when full.
    pub fn push(&mut self, level: Level, text: String) {
        if self.shown.len() == MAX_NOTICES {
            self.shown.pop_front();
        }
        self.last_id += 1;
        self.shown.push_back(Notice {
            id: self.last_id,
            level,
            text,
        });
    }

    /// Hides notice `id`.
    pub fn dismiss(&mut self, id: u64) {
        self.shown.retain(|n| n.id != id);
    }

    /// The notices shown, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Notice> {
        self.shown.iter()
    }
}
