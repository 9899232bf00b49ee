//! The input log: the lines of the last batches exactly as they entered the engine (from the built-in source,
//! the relay, or typed into "Inject a line"), with each batch's time, so a shared scenario replays them with the
//! same `Time:` lines. Bounded by [`SHARE_BATCHES`] batches and [`SHARE_BYTES`] bytes; the batches it does not
//! keep are counted.

use std::collections::VecDeque;

/// Batches the log keeps: the consoles' depth ([`super::CONSOLE_BLOCKS`]), so a link of a short lesson
/// reproduces every block the consoles show.
pub const SHARE_BATCHES: usize = super::CONSOLE_BLOCKS;

/// Bytes of lines the log keeps (each line counted with one byte for its end). Written as a scenario's JSON a
/// byte takes at most 6 (`\u001f`), so the page's own scenarios stay under [`super::share::MAX_SCENARIO_BYTES`].
pub const SHARE_BYTES: usize = 256 * 1024;

/// One batch as it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct InputBatch {
    /// 1-based batch number in its context.
    pub batch: u64,
    /// Batch time, local naive ms.
    pub time_ms: i64,
    /// The batch's lines, in arrival order.
    pub lines: Vec<String>,
    bytes: usize,
}

/// The lines of the open batch and of the last batches, oldest first. Start a new one with every context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputLog {
    open: Vec<String>,
    open_bytes: usize,
    /// The open batch outgrew [`SHARE_BYTES`]: its lines are no longer kept, and it cannot be replayed.
    open_incomplete: bool,
    batches: VecDeque<InputBatch>,
    bytes: usize,
    /// Batches of this context that ran but are not kept (pushed out, or too large to keep).
    pub not_kept: u64,
}

fn cost(line: &str) -> usize {
    line.len() + 1
}

impl InputLog {
    /// Lines that entered the open batch.
    pub fn push<S: AsRef<str>>(&mut self, lines: &[S]) {
        if self.open_incomplete {
            return;
        }
        let bytes: usize = lines.iter().map(|l| cost(l.as_ref())).sum();
        if self.open_bytes + bytes > SHARE_BYTES {
            // The batch cannot be kept whole: let go of its lines at once rather than hold them until it closes.
            self.open_incomplete = true;
            self.open = Vec::new();
            self.open_bytes = 0;
            return;
        }
        self.open
            .extend(lines.iter().map(|l| l.as_ref().to_string()));
        self.open_bytes += bytes;
    }

    /// The open batch ran as batch `batch` at `time_ms`: keep it, forgetting the oldest batches beyond the bounds.
    /// A batch too large to keep also breaks the chain: the batches before it cannot be replayed without it.
    pub fn close(&mut self, batch: u64, time_ms: i64) {
        let lines = std::mem::take(&mut self.open);
        let bytes = std::mem::take(&mut self.open_bytes);
        if std::mem::take(&mut self.open_incomplete) {
            self.not_kept += self.batches.len() as u64 + 1;
            self.batches.clear();
            self.bytes = 0;
            return;
        }
        self.bytes += bytes;
        self.batches.push_back(InputBatch {
            batch,
            time_ms,
            lines,
            bytes,
        });
        while self.batches.len() > SHARE_BATCHES || self.bytes > SHARE_BYTES {
            let Some(old) = self.batches.pop_front() else {
                break;
            };
            self.bytes -= old.bytes;
            self.not_kept += 1;
        }
    }

    /// The batches kept, oldest first (consecutive batches of one context).
    pub fn batches(&self) -> &VecDeque<InputBatch> {
        &self.batches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize, len: usize) -> Vec<String> {
        (0..n).map(|i| format!("{i:0len$}")).collect()
    }

    fn kept(log: &InputLog) -> Vec<u64> {
        log.batches().iter().map(|b| b.batch).collect()
    }

    #[test]
    fn batches_keep_their_lines_and_times_and_the_oldest_go_first() {
        let mut log = InputLog::default();
        for b in 1..=(SHARE_BATCHES as u64 + 3) {
            log.push(&[format!("line of batch {b}")]);
            log.push::<String>(&[]);
            log.close(b, b as i64 * 1_000);
        }
        assert_eq!(log.not_kept, 3);
        assert_eq!(
            kept(&log),
            (4..=SHARE_BATCHES as u64 + 3).collect::<Vec<_>>()
        );
        let first = &log.batches()[0];
        assert_eq!(
            (first.time_ms, &first.lines[..]),
            (4_000, &["line of batch 4".to_string()][..])
        );
    }

    #[test]
    fn the_byte_cap_pushes_out_old_batches_and_a_batch_too_large_breaks_the_chain() {
        let mut log = InputLog::default();
        // Four batches of a third of the cap each: only the last three fit.
        let third = SHARE_BYTES / 3 / 100;
        for b in 1..=4 {
            log.push(&lines(third, 99));
            log.close(b, b as i64);
        }
        assert_eq!((kept(&log), log.not_kept), (vec![2, 3, 4], 1));
        // A batch over the cap is not kept, nor are the batches before it; the next one is.
        log.push(&lines(SHARE_BYTES / 100, 99));
        log.push(&lines(1, 99));
        log.close(5, 5);
        assert_eq!((kept(&log), log.not_kept), (vec![], 5));
        log.push(&lines(2, 5));
        log.close(6, 6);
        assert_eq!((kept(&log), log.not_kept), (vec![6], 5));
        assert_eq!(log.batches()[0].lines, lines(2, 5));
    }
}
