//! The notebook's three modes (chapter 10, "Spark Streaming"): its three
//! cells, which count the lines' message types per batch, keep running
//! totals, and count over a sliding window (their programs: `program_text`).

use serde::{Deserialize, Serialize};

/// The three modes of the notebook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `reduceByKey` per batch.
    Stateless,
    /// `updateStateByKey` running totals.
    Cumulative,
    /// `reduceByKeyAndWindow`.
    Window,
}

impl Mode {
    /// All modes, in the notebook's order.
    pub const ALL: [Mode; 3] = [Mode::Stateless, Mode::Cumulative, Mode::Window];

    /// The mode's name: `stateless`, `cumulative`, `window`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Stateless => "stateless",
            Mode::Cumulative => "cumulative",
            Mode::Window => "window",
        }
    }

    /// The mode's place in [`Mode::ALL`], to index per-mode arrays.
    pub fn index(self) -> usize {
        match self {
            Mode::Stateless => 0,
            Mode::Cumulative => 1,
            Mode::Window => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message_type::MessageType;

    #[test]
    fn each_mode_and_type_indexes_its_place_in_all() {
        for (i, m) in Mode::ALL.iter().enumerate() {
            assert_eq!(m.index(), i, "{}", m.as_str());
        }
        for (i, t) in MessageType::ALL.iter().enumerate() {
            assert_eq!(t.index(), i, "{}", t.as_str());
        }
    }
}
