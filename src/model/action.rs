//! Everything that can change the page's state: the app's one reducer, [`crate::model::Lab::apply`], takes
//! these.

use super::mistakes::Mistake;
use super::settings::DraftField;
use super::source::SourceChoice;
use crate::engine::Mode;
use dstream_protocol::FrameEncoding;

/// Everything that can change the page's state.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// The batch timer fired at local naive time `now_ms`: run every batch that is due.
    Tick {
        /// Local naive epoch ms.
        now_ms: i64,
    },
    /// Lines from the built-in source, without terminators (the relay's arrive as frames, in
    /// [`Action::RelayBinary`]).
    SimLines(Vec<String>),
    /// The relay socket with this sequence number opened.
    RelayOpened {
        /// Connection sequence number.
        seq: u64,
        /// How the relay agreed to send this connection's data frames (the subprotocol of its answer).
        encoding: FrameEncoding,
    },
    /// A binary (data) frame.
    RelayBinary {
        /// Connection sequence number.
        seq: u64,
        /// Frame payload.
        data: Vec<u8>,
    },
    /// A text (status) frame.
    RelayText {
        /// Connection sequence number.
        seq: u64,
        /// Frame payload.
        text: String,
    },
    /// The relay socket closed or failed to open.
    RelayClosed {
        /// Connection sequence number.
        seq: u64,
        /// WebSocket close code (1006 when the connection just failed).
        code: u16,
        /// Close reason sent by the relay, if any.
        reason: String,
    },
    /// The back-off of connection `seq` elapsed: try again.
    RelayRetryNow {
        /// Connection sequence number.
        seq: u64,
    },
    /// One more second of the back-off of connection `seq` passed (the header counts down).
    RelayRetrySecond {
        /// Connection sequence number.
        seq: u64,
    },
    /// Reconnect now (user asked).
    Reconnect,
    /// Choose the source.
    SetSource(SourceChoice),
    /// Use this relay URL (and reconnect).
    SetRelayUrl(String),
    /// Rate of the built-in source.
    SetSimRate(f64),
    /// Edit the settings form.
    Edit(DraftField),
    /// Apply the settings form (restarts the context if valid).
    Apply {
        /// Local naive epoch ms.
        now_ms: i64,
    },
    /// Stop the batch clock (lines keep collecting in the open batch).
    Pause,
    /// Restart the batch clock.
    Resume,
    /// While paused: close the open batch now.
    Step,
    /// Start the pipelines over with the current settings.
    Reset {
        /// Local naive epoch ms.
        now_ms: i64,
    },
    /// The saved checkpoint was deleted: start over, as after `rm -r checkpoint`.
    CheckpointCleared {
        /// Local naive epoch ms.
        now_ms: i64,
    },
    /// Saving the checkpoint failed (storage full or disabled).
    CheckpointSaveFailed(String),
    /// Hide a notice.
    Dismiss(u64),
    /// Lay the page out as this (the compare view's toggle).
    SetView(super::compare::PageView),
    /// "Inject a line": put this typed line into the open batch (the built-in source's at once; through the relay
    /// when it allows this page to, so every page and the `--tee` Spark get it too).
    InjectLine(String),
    /// "New job": open a student job with the example named `example` (see `crate::engine::EXAMPLES`).
    JobNew {
        /// The example's name.
        example: String,
    },
    /// The student changed job `id`'s code.
    JobEdit {
        /// The job.
        id: u64,
        /// The editor's whole text.
        text: String,
    },
    /// Run (or run again) job `id` with its editor's text, from the next batch.
    JobRun {
        /// The job.
        id: u64,
    },
    /// Put job `id`'s example (or link program) back in its editor.
    JobReset {
        /// The job.
        id: u64,
    },
    /// Remove job `id`.
    JobRemove {
        /// The job.
        id: u64,
    },
    /// The student changed `mode`'s panel's code.
    ModeEdit {
        /// The mode.
        mode: Mode,
        /// The editor's whole text.
        text: String,
    },
    /// Run `mode`'s panel's code as that mode's job, from the next batch.
    ModeRun {
        /// The mode.
        mode: Mode,
    },
    /// Put the notebook's program back in `mode`'s panel and run it.
    ModeReset {
        /// The mode.
        mode: Mode,
    },
    /// Storing the mode panels' code failed (storage full or disabled).
    ModeCodeSaveFailed(String),
    /// Make the link opening job `id`'s program and copy it.
    JobCopyLink {
        /// The job.
        id: u64,
        /// The page's address without its query (`http://host:8080/`).
        page: String,
    },
    /// Storing the student jobs' texts failed (storage full or disabled).
    JobsSaveFailed(String),
    /// The clipboard took job `id`'s link, or refused it (the browser's reason).
    JobLinkCopied {
        /// The job.
        id: u64,
        /// What the clipboard said.
        result: Result<(), String>,
    },
    // Share a scenario.
    /// "Copy link": make the `?scenario=` link of the last batches and copy it.
    ShareCopyLink {
        /// The page's address without its query (`http://host:8080/`).
        page: String,
    },
    /// The clipboard took the share link, or refused it (the browser's reason).
    ShareLinkCopied(Result<(), String>),
    /// "Download scenario": save the last batches as `replay`'s JSON file.
    ShareDownload,
    /// "Load scenario": the text of a scenario file the user picked (or why it could not be read), to replay.
    ShareLoad {
        /// The file's name.
        file: String,
        /// Its text.
        text: Result<String, String>,
    },
    // Time travel.
    /// Move the time travel cursor: show the page as of an earlier batch, or live again.
    Travel(super::travel::TravelMove),
    // Predict, then reveal (#16).
    /// "Predict the next batch": stop the batch clock and show the lines that will form the next batch.
    PredictStart,
    /// The class typed `text` as `mode`'s `pprint` output for the predicted batch.
    PredictType {
        /// The mode predicted.
        mode: Mode,
        /// The box's whole text: one record per line.
        text: String,
    },
    /// "Reveal": run the predicted batch and mark the prediction.
    PredictReveal,
    /// Close the prediction.
    PredictClose,
    // Spark's classic mistakes (#16).
    /// Try one of Spark's classic mistakes (undoing one tried before).
    MistakeTry {
        /// The mistake.
        mistake: Mistake,
        /// Local naive epoch ms.
        now_ms: i64,
    },
    /// Back to the working setup.
    MistakeUndo {
        /// Local naive epoch ms.
        now_ms: i64,
    },
    // DStream vs Structured Streaming (#12).
    /// "Compare with Structured Streaming": run the menu's windowed Structured Streaming count beside the window
    /// mode (reusing the job already open with that program).
    WindowedCompareOpen,
    /// "Take it to real Spark": the student changed the export form.
    Export(crate::teach::export::ExportForm),
}

impl Action {
    /// Lines from a source (a relay frame or the built-in source's tick): they fill the open batch and move the
    /// counters, and nothing on the page has to change the instant they arrive, so the page may show them a
    /// moment later, together with the frames after them.
    pub fn carries_lines(&self) -> bool {
        matches!(self, Action::RelayBinary { .. } | Action::SimLines(_))
    }
}
