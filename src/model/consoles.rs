//! The bounded `pprint` consoles, one per mode (and one per student job, [`super::jobs`]): exactly what PySpark printed, the last [`CONSOLE_BLOCKS`]
//! blocks of each. Memory stays flat however long the page runs; what is pushed out is counted.
//!
//! Each block is tagged with the page's batch after which it was printed, and a console keeps
//! [`TRAVEL_BATCHES`] blocks more than it shows: so the console as of any batch time travel reaches
//! ([`Console::as_of`]) is exactly the text the page showed right after that batch ran, never a recomputation.

use super::travel::TRAVEL_BATCHES;
use crate::engine::{BatchReport, Mode};
use std::collections::VecDeque;
use std::rc::Rc;

/// `pprint` blocks shown per console; older ones are counted and the count is shown.
pub const CONSOLE_BLOCKS: usize = 120;

/// Blocks a console keeps: those shown, and those it showed as of the oldest batch time travel reaches (each
/// batch prints at most one block per console).
const KEPT_BLOCKS: usize = CONSOLE_BLOCKS + TRAVEL_BATCHES;

/// A bounded console of `pprint` blocks.
#[derive(Debug, Clone, Default)]
pub struct Console {
    /// The kept blocks, oldest first, each with the page's batch after which it was printed.
    blocks: VecDeque<(u64, String)>,
    /// Blocks forgotten (older than the last [`KEPT_BLOCKS`]).
    forgotten: u64,
}

/// A console as it was shown at one batch: its blocks and how many older blocks had scrolled out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleText {
    /// The blocks shown, exactly as PySpark printed them, oldest first.
    pub blocks: Rc<Vec<String>>,
    /// Blocks that had scrolled out (older than the last [`CONSOLE_BLOCKS`]): the number of the first block shown,
    /// counting every block the console printed from 0.
    pub dropped: u64,
}

impl ConsoleText {
    /// The text shown: the blocks one after the other, as a terminal prints them.
    pub fn text(&self) -> String {
        self.blocks.concat()
    }
}

impl Console {
    /// Prints `block` after the page's batch `batch` (0 before the first).
    pub(super) fn push(&mut self, batch: u64, block: String) {
        if self.blocks.len() == KEPT_BLOCKS {
            self.blocks.pop_front();
            self.forgotten += 1;
        }
        self.blocks.push_back((batch, block));
    }

    /// The blocks shown as of the page's batch `batch` (`None`: now), oldest first, and how many printed by
    /// then are older.
    fn shown(&self, batch: Option<u64>) -> (impl Iterator<Item = &String>, u64) {
        let printed = match batch {
            Some(k) => self.blocks.partition_point(|(b, _)| *b <= k),
            None => self.blocks.len(),
        };
        let from = printed.saturating_sub(CONSOLE_BLOCKS);
        let blocks = self.blocks.range(from..printed).map(|(_, s)| s);
        (blocks, self.forgotten + from as u64)
    }

    /// The text shown: the last [`CONSOLE_BLOCKS`] blocks, exactly as PySpark printed them, oldest first.
    pub fn text(&self) -> String {
        self.shown(None).0.map(|s| &**s).collect()
    }

    /// The blocks shown, oldest first.
    pub fn blocks(&self) -> impl Iterator<Item = &str> {
        self.shown(None).0.map(|s| &**s)
    }

    /// Blocks scrolled out of the console (older than the last [`CONSOLE_BLOCKS`]).
    pub fn dropped(&self) -> u64 {
        self.shown(None).1
    }

    /// The block printed right after the page's batch `batch`, if one was and it is still kept.
    pub fn printed_at(&self, batch: u64) -> Option<&str> {
        self.blocks
            .iter()
            .rfind(|(b, _)| *b == batch)
            .map(|(_, s)| &**s)
    }

    /// The console exactly as the page showed it right after its batch `batch` ran (`None`: now). A batch
    /// older than time travel reaches shows what is left of it.
    pub fn as_of(&self, batch: Option<u64>) -> ConsoleText {
        let (blocks, dropped) = self.shown(batch);
        ConsoleText {
            blocks: Rc::new(blocks.cloned().collect()),
            dropped,
        }
    }
}

/// The consoles of the running context, in [`Mode::ALL`] order.
#[derive(Debug, Clone, Default)]
pub struct Consoles([Console; 3]);

impl Consoles {
    /// Prints one batch: each mode that emitted gets its `pprint` block.
    pub fn record(&mut self, r: BatchReport) {
        for o in r.outputs {
            self.0[o.mode.index()].push(r.batch, o.pprint);
        }
    }

    /// Prints `text` in `mode`'s console after the page's batch `batch` (a program's top level's prints).
    pub(super) fn push(&mut self, mode: Mode, batch: u64, text: String) {
        self.0[mode.index()].push(batch, text);
    }

    /// The console of `mode`.
    pub fn console(&self, mode: Mode) -> &Console {
        &self.0[mode.index()]
    }
}
