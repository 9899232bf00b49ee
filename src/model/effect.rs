//! What the reducer asks the outside world to do: [`crate::model::Lab::apply`] returns these, and the runtime
//! carries them out (`crate::host::runtime`, the page's own through `crate::model::wire::carried`; natively,
//! tests read them).

use super::jobs::SavedJob;
use crate::checkpoint::SavedCheckpoint;

/// One side effect, in the order the reducer wants them carried out.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Open a relay socket to `url`; its events are dispatched tagged with `seq`.
    OpenRelay {
        /// The connection attempt's sequence number.
        seq: u64,
        /// The relay's WebSocket URL.
        url: String,
    },
    /// Close the relay socket held, if any, without reporting the close (the model already moved on).
    CloseRelay,
    /// Wait `delay_ms`, then dispatch `RelayRetryNow { seq }`; meanwhile dispatch `RelayRetrySecond { seq }`
    /// every second, for the header's countdown.
    ArmRetry {
        /// The failed attempt's sequence number.
        seq: u64,
        /// The back-off.
        delay_ms: u32,
    },
    /// Stop the retry timer, if armed.
    CancelRetry,
    /// Dispatch a `Tick` with the clock's time when the local naive time reaches `at_ms` (the next batch
    /// boundary), replacing any timer armed before.
    ArmBatchTimer {
        /// Local naive epoch ms.
        at_ms: i64,
    },
    /// Stop the batch timer (paused).
    CancelBatchTimer,
    /// Run the built-in source at `rate` lines per second, replacing a running one.
    StartSim {
        /// Lines per second.
        rate: f64,
    },
    /// Stop the built-in source.
    StopSim,
    /// Store this checkpoint (the notebook's `ssc.checkpoint("checkpoint")`) as JSON text, replacing the last one.
    SaveCheckpoint(Box<SavedCheckpoint>),
    /// Delete the stored checkpoint: a new context makes it stale.
    ClearCheckpoint,
    /// Remember this relay URL for the next visit.
    RememberRelayUrl(String),
    /// Store the student jobs' texts (they come back after a reload), replacing the last ones.
    SaveJobs(Vec<SavedJob>),
    /// Store the mode panels' code (it comes back after a reload), replacing the last.
    SaveModeCode(Vec<super::SavedModeCode>),
    /// Send this text message (a `dstream_protocol::ClientMessage`'s JSON) on the relay socket held.
    SendToRelay(String),
    /// Put job `id`'s link on the clipboard, then dispatch `JobLinkCopied` with the answer.
    CopyLink {
        /// The job.
        id: u64,
        /// The link.
        url: String,
    },
    // Share a scenario.
    /// Put the share link on the clipboard, then dispatch `ShareLinkCopied` with the answer.
    CopyShareLink(String),
    /// Save `text` as a file named `name` (a download).
    DownloadFile {
        /// The file name offered.
        name: String,
        /// Its MIME type.
        mime: String,
        /// Its content.
        text: String,
    },
}
