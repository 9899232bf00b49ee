//! What the panels show of past batches: the bounded history the charts draw and the bounded `pprint`
//! consoles, one per mode. Memory stays flat however long the page runs; what is pushed out is counted.

use crate::chart::ChartPoint;
use crate::engine::{BatchReport, MessageType, Mode};
use std::collections::VecDeque;

/// Batches kept for the charts: 360 is an hour at 10 s, six minutes at 1 s; memory stays flat beyond it.
pub const HISTORY_BATCHES: usize = 360;
/// `pprint` blocks kept per console; older ones are counted and the count is shown.
pub const CONSOLE_BLOCKS: usize = 120;

/// One batch as the charts remember it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRecord {
    /// 1-based batch number.
    pub batch: u64,
    /// Batch time, local naive ms.
    pub time_ms: i64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub time_label: String,
    /// Lines in the batch.
    pub lines: usize,
    /// Per mode (in `Mode::ALL` order), the counts it output, or `None` when it did not emit.
    pub outputs: [Option<[i64; 4]>; 3],
}

/// A bounded console of `pprint` blocks.
#[derive(Debug, Clone, Default)]
pub struct Console {
    blocks: VecDeque<String>,
    /// Blocks pushed out of the console (older than the last [`CONSOLE_BLOCKS`]).
    pub dropped: u64,
}

impl Console {
    fn push(&mut self, block: String) {
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

/// The batches and consoles of the running context.
#[derive(Debug, Clone, Default)]
pub struct History {
    batches: VecDeque<BatchRecord>,
    consoles: [Console; 3],
}

fn mode_index(m: Mode) -> usize {
    Mode::ALL.iter().position(|x| *x == m).unwrap_or(0)
}

fn type_index(t: MessageType) -> usize {
    MessageType::ALL.iter().position(|x| *x == t).unwrap_or(3)
}

impl History {
    /// Remembers one batch's outputs: counts for the charts, `pprint` blocks for the consoles.
    pub fn record(&mut self, r: BatchReport) {
        let mut outputs = [None; 3];
        for o in r.outputs {
            let i = mode_index(o.mode);
            let mut counts = [0i64; 4];
            for (t, c) in &o.records {
                counts[type_index(*t)] += c;
            }
            outputs[i] = Some(counts);
            self.consoles[i].push(o.pprint);
        }
        if self.batches.len() == HISTORY_BATCHES {
            self.batches.pop_front();
        }
        self.batches.push_back(BatchRecord {
            batch: r.batch,
            time_ms: r.time_ms,
            time_label: r.time_label,
            lines: r.lines,
            outputs,
        });
    }

    /// The batches remembered, oldest first (at most [`HISTORY_BATCHES`]).
    pub fn batches(&self) -> &VecDeque<BatchRecord> {
        &self.batches
    }

    /// The console of `mode`.
    pub fn console(&self, mode: Mode) -> &Console {
        &self.consoles[mode_index(mode)]
    }

    /// The chart points of `mode`: one per batch at which it emitted.
    pub fn points(&self, mode: Mode) -> Vec<ChartPoint> {
        let i = mode_index(mode);
        self.batches
            .iter()
            .filter_map(|b| {
                b.outputs[i].map(|counts| ChartPoint {
                    time_ms: b.time_ms,
                    counts,
                })
            })
            .collect()
    }
}
