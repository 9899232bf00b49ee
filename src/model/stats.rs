//! The pipeline side's counters, and everything lost or set aside so far, in words for the page.

use super::pipeline::MAX_PENDING_LINES;
use super::source::SourceState;

/// Counters of the pipeline side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// The number of the last batch run by this context, counted from its start:
    /// after a restore it goes on from the checkpoint's batch, as Spark's does.
    pub batches_run: u64,
    /// Lines put into the engine.
    pub lines_in: u64,
    /// Lines refused because the open batch held [`MAX_PENDING_LINES`]: the rate times the batch interval passed it,
    /// or lines kept coming during a long pause.
    pub lines_dropped_full: u64,
    /// Lines of an open batch discarded when the context was replaced (apply, reset).
    pub lines_discarded_restart: u64,
    /// Lines in the last batch.
    pub last_batch_lines: usize,
    /// Batches the engine is behind the wall clock after the last tick.
    pub behind: u64,
}

/// Everything lost or set aside so far, in words (empty when nothing was): the page's and the relay's
/// counters, each shown once it is not zero.
pub fn losses(s: &Stats, src: &SourceState) -> Vec<String> {
    let d = &src.decoder;
    let mut v = Vec::new();
    let mut add = |n: u64, what: &str| {
        if n > 0 {
            v.push(format!("{n} {what}"));
        }
    };
    add(
        s.lines_dropped_full,
        &format!(
            "lines dropped: the open batch reached its cap of {MAX_PENDING_LINES} lines before it ran \
             (more lines per batch than the page holds): use a shorter batch interval or a lower rate"
        ),
    );
    add(
        s.lines_discarded_restart,
        "lines of an open batch discarded by a restart",
    );
    add(
        src.ignored_lines,
        "lines ignored from a source that no longer fed the engine",
    );
    add(
        d.invalid_utf8_lines,
        "lines with invalid UTF-8 (replaced with �)",
    );
    add(d.cut_lines, "over-long lines cut");
    add(
        d.split_frames,
        "frames that ended mid-line (joined with the next)",
    );
    add(
        src.lost_partial_bytes,
        "bytes of an unfinished line lost when the relay dropped",
    );
    add(src.bad_status_frames, "unreadable relay status frames");
    add(
        src.bad_data_frames,
        "unreadable relay data frames (their lines are lost)",
    );
    add(
        src.missed_lines,
        "lines the relay sent while this page was not connected (closed as too slow, or reconnecting)",
    );
    add(
        src.status.latest.lines_dropped,
        "lines the relay dropped for slow clients (all clients, since it started)",
    );
    add(
        src.status.latest.lines_cut,
        "over-long lines cut by the relay",
    );
    add(
        src.status.latest.invalid_utf8,
        "lines whose invalid UTF-8 the relay repaired",
    );
    v
}
