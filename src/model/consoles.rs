//! The bounded `pprint` consoles, one per mode (and one per student job, [`super::jobs`]): exactly what PySpark printed, the last [`CONSOLE_BLOCKS`]
//! blocks of each. Memory stays flat however long the page runs; what is pushed out is counted.

use crate::engine::{BatchReport, Mode};
use std::collections::VecDeque;

/// `pprint` blocks kept per console; older ones are counted and the count is shown.
pub const CONSOLE_BLOCKS: usize = 120;

/// A bounded console of `pprint` blocks.
#[derive(Debug, Clone, Default)]
pub struct Console {
    blocks: VecDeque<String>,
    /// Blocks pushed out of the console (older than the last [`CONSOLE_BLOCKS`]).
    pub dropped: u64,
}

impl Console {
    pub(super) fn push(&mut self, block: String) {
        if self.blocks.len() == CONSOLE_BLOCKS {
            self.blocks.pop_front();
            self.dropped += 1;
        }
        self.blocks.push_back(block);
    }

    /// The text shown: the kept blocks, exactly as PySpark printed them, oldest first.
    pub fn text(&self) -> String {
        self.blocks.iter().map(String::as_str).collect()
    }

    /// The kept blocks.
    pub fn blocks(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().map(String::as_str)
    }
}

/// The consoles of the running context, in [`Mode::ALL`] order.
#[derive(Debug, Clone, Default)]
pub struct Consoles([Console; 3]);

impl Consoles {
    /// Prints one batch: each mode that emitted gets its `pprint` block.
    pub fn record(&mut self, r: BatchReport) {
        for o in r.outputs {
            self.0[o.mode.index()].push(o.pprint);
        }
    }

    /// The console of `mode`.
    pub fn console(&self, mode: Mode) -> &Console {
        &self.0[mode.index()]
    }
}
