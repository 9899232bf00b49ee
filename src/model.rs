//! The view model: everything the page shows, changed only through [`Lab::apply`] (the app's one reducer).
//!
//! It owns the engine, the bounded history the charts draw, the bounded consoles, the source's state and the
//! counters of anything dropped. It knows no web API: time comes in as numbers, frames as bytes, and side
//! effects (sockets, timers, storage) are driven by the web layer from this state, so all of it tests natively.

use crate::chart::ChartPoint;
use crate::checkpoint::{SavedCheckpoint, STORAGE_KEY};
use crate::code::pyspark_code;
use crate::engine::{BatchReport, MessageType, Mode, NotebookConfig, NotebookLab};
use crate::protocol::{LineDecoder, RelayStatus};
use crate::teach::memory::{TeachMemory, Timing};
use crate::timefmt::{clock_label, parse_seconds, seconds_literal};
use std::collections::VecDeque;

/// Batches kept for the charts: 360 is an hour at 10 s, six minutes at 1 s; memory stays flat beyond it.
pub const HISTORY_BATCHES: usize = 360;
/// `pprint` blocks kept per console; older ones are counted and the count is shown.
pub const CONSOLE_BLOCKS: usize = 120;
/// Lines the open batch may hold (it only grows this large while paused); further lines are counted as dropped.
pub const MAX_PENDING_LINES: usize = 1_000_000;
/// Batches run per timer tick when catching up (after a pause or a restore), so the page stays responsive.
pub const MAX_BATCHES_PER_TICK: usize = 250;
/// Notices kept on screen at once.
pub const MAX_NOTICES: usize = 4;
/// The batch intervals offered, in seconds: the notebook's 10 s, and shorter ones for class.
pub const BATCH_INTERVALS_S: [i64; 4] = [1, 2, 5, 10];
/// Default rate of the built-in source, in lines per second (a calm classroom pace, like `send-messages`).
pub const DEFAULT_SIM_RATE: f64 = 5.0;
/// Highest rate offered for the built-in source.
pub const MAX_SIM_RATE: f64 = 100_000.0;

/// Which source delivered some lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// The relay's WebSocket (lines from `send-messages` or any TCP source).
    Relay,
    /// The built-in simulated source running in the page.
    Simulated,
}

impl SourceKind {
    /// Words for the header.
    pub fn label(self) -> &'static str {
        match self {
            Self::Relay => "relay",
            Self::Simulated => "built-in simulated source",
        }
    }
}

/// What the user asked to feed the engine with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceChoice {
    /// The relay when it answers, the built-in source while it does not.
    Auto,
    /// Only the relay (nothing is fed while it is down).
    Relay,
    /// Only the built-in source.
    Simulated,
}

impl SourceChoice {
    /// All choices, in the order the picker shows them.
    pub const ALL: [SourceChoice; 3] = [Self::Auto, Self::Relay, Self::Simulated];

    /// The value used in the URL (`?source=`) and the picker.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Relay => "relay",
            Self::Simulated => "sim",
        }
    }

    /// Words for the picker.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "Auto (relay, else built-in)",
            Self::Relay => "Relay only",
            Self::Simulated => "Built-in only",
        }
    }

    /// Parses [`SourceChoice::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The relay connection's lifecycle; the web layer opens and closes the socket to match it.
#[derive(Debug, Clone, PartialEq)]
pub enum RelayLink {
    /// No relay wanted.
    Idle,
    /// A socket is being opened (attempt number, 1-based).
    Connecting {
        /// Which attempt since the last success.
        attempt: u32,
    },
    /// The socket is open.
    Open,
    /// The last attempt failed or the connection dropped; the next attempt starts after `delay_ms`.
    Retrying {
        /// The attempt that failed.
        attempt: u32,
        /// Back-off before the next attempt.
        delay_ms: u32,
        /// What is left of the back-off, counted down each second for the header.
        left_ms: u32,
        /// Why, in words.
        reason: String,
    },
}

/// Back-off before reconnecting after `failures` consecutive failures: 1, 2, 4, 8 s, then every 10 s.
pub fn backoff_ms(failures: u32) -> u32 {
    let exp = failures.saturating_sub(1).min(4);
    (1000u32 << exp).min(10_000)
}

/// The source side of the page.
#[derive(Debug, Clone)]
pub struct SourceState {
    /// What the user chose.
    pub choice: SourceChoice,
    /// The relay's WebSocket URL.
    pub relay_url: String,
    /// A relay URL entered in the page, for the page to remember across reloads.
    pub typed_url: Option<String>,
    /// The relay connection's state.
    pub link: RelayLink,
    /// Bumped for every connection attempt; events from an older socket are ignored.
    pub connect_seq: u64,
    /// Whether an attempt failed since the relay was last open (Auto feeds the built-in source then).
    pub relay_failed: bool,
    /// What the relay says about its TCP source.
    pub status: RelayStatus,
    /// Decoder of the relay's binary frames (holds its own counters).
    pub decoder: LineDecoder,
    /// Lines per second of the built-in source.
    pub sim_rate: f64,
    /// Lines received from the relay.
    pub relay_lines: u64,
    /// Lines produced by the built-in source.
    pub sim_lines: u64,
    /// Lines that arrived from a source not feeding the engine at that moment (after a switch).
    pub ignored_lines: u64,
    /// Status frames that could not be read.
    pub bad_status_frames: u64,
    /// Bytes of an unfinished line discarded when a connection dropped.
    pub lost_partial_bytes: u64,
    /// How many times the relay connection has opened.
    pub opens: u64,
    /// The current socket completed its handshake (the relay itself has not necessarily answered yet).
    pub handshake_done: bool,
}

impl SourceState {
    /// Whether the page should keep a relay connection (open or retrying).
    pub fn relay_wanted(&self) -> bool {
        self.choice != SourceChoice::Simulated
    }

    /// The source whose lines go into the engine right now, if any.
    pub fn feeding(&self) -> Option<SourceKind> {
        let open = self.link == RelayLink::Open;
        match self.choice {
            SourceChoice::Simulated => Some(SourceKind::Simulated),
            SourceChoice::Relay => open.then_some(SourceKind::Relay),
            // Auto waits for the first attempt before simulating, so a relay that answers never sees its
            // stream mixed with simulated lines.
            SourceChoice::Auto if open => Some(SourceKind::Relay),
            SourceChoice::Auto => self.relay_failed.then_some(SourceKind::Simulated),
        }
    }

    /// The header's sentence: which source feeds the engine, and what the relay is doing.
    pub fn headline(&self) -> String {
        let relay = match &self.link {
            RelayLink::Idle => String::new(),
            RelayLink::Connecting { attempt } => {
                format!("connecting to relay {} (attempt {attempt})", self.relay_url)
            }
            RelayLink::Open => format!("{}: {}", self.relay_url, self.status.summary()),
            RelayLink::Retrying {
                attempt,
                left_ms,
                reason,
                ..
            } => format!(
                "relay {} unreachable ({reason}); retry {} in {} s",
                self.relay_url,
                attempt + 1,
                seconds_literal(i64::from(*left_ms))
            ),
        };
        let feeding = match self.feeding() {
            Some(SourceKind::Relay) => "Source: relay".to_string(),
            Some(SourceKind::Simulated) => format!(
                "Source: built-in simulated source, {} lines/s",
                fmt_rate(self.sim_rate)
            ),
            None => "Source: none (waiting for the relay)".to_string(),
        };
        if relay.is_empty() {
            feeding
        } else {
            format!("{feeding} — {relay}")
        }
    }
}

fn fmt_rate(r: f64) -> String {
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

/// The settings form, as typed: applied only when valid, so a bad value never touches the running pipelines.
#[derive(Debug, Clone, PartialEq)]
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
}

/// One edit of the settings form.
#[derive(Debug, Clone, PartialEq)]
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

/// How loud a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something happened as asked.
    Info,
    /// Something the student should know (a restart, a reset).
    Warn,
    /// Something failed (a corrupt checkpoint, storage full).
    Error,
}

/// A message shown under the header until dismissed (or pushed out by newer ones).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Identity for dismissing.
    pub id: u64,
    /// How loud.
    pub level: Level,
    /// The words.
    pub text: String,
}

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

/// Counters of the pipeline side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// The number of the last batch run by this context, counted from its start:
    /// after a restore it goes on from the checkpoint's batch, as Spark's does.
    pub batches_run: u64,
    /// Lines put into the engine.
    pub lines_in: u64,
    /// Lines refused because the open batch was full (only possible while paused a long time).
    pub lines_dropped_full: u64,
    /// Lines of an open batch discarded when the context was replaced (apply, reset).
    pub lines_discarded_restart: u64,
    /// Lines in the last batch.
    pub last_batch_lines: usize,
    /// Batches the engine is behind the wall clock after the last tick.
    pub behind: u64,
    /// Timer ticks handled (the batch timer re-arms on each).
    pub ticks: u64,
}

/// Start-up settings from the page URL (`?source=relay&interval=1&rate=50&relay=ws://...`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BootParams {
    /// `source=auto|relay|sim`.
    pub source: Option<SourceChoice>,
    /// `relay=` WebSocket URL.
    pub relay_url: Option<String>,
    /// `interval=` seconds.
    pub interval_ms: Option<i64>,
    /// `window=` seconds.
    pub window_ms: Option<i64>,
    /// `slide=` seconds.
    pub slide_ms: Option<i64>,
    /// `rate=` lines/s of the built-in source.
    pub sim_rate: Option<f64>,
    /// Parameters that could not be understood, reported on screen.
    pub errors: Vec<String>,
}

impl BootParams {
    /// Parses a query string (with or without the leading `?`).
    pub fn from_query(query: &str) -> Self {
        let mut p = Self::default();
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|s| !s.is_empty())
        {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "source" => match SourceChoice::parse(&v) {
                    Some(c) => p.source = Some(c),
                    None => p.errors.push(format!("source={v}: use auto, relay or sim")),
                },
                "relay" => p.relay_url = Some(v),
                "interval" | "window" | "slide" => match parse_seconds(k, &v) {
                    Ok(ms) if k == "interval" => p.interval_ms = Some(ms),
                    Ok(ms) if k == "window" => p.window_ms = Some(ms),
                    Ok(ms) => p.slide_ms = Some(ms),
                    Err(e) => p.errors.push(e),
                },
                "rate" => match v.parse::<f64>() {
                    Ok(r) if r.is_finite() && r >= 0.0 => p.sim_rate = Some(r.min(MAX_SIM_RATE)),
                    _ => p
                        .errors
                        .push(format!("rate={v}: use a number of lines per second")),
                },
                _ => p.errors.push(format!("unknown URL parameter {k}")),
            }
        }
        p
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything that can change the page's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The batch timer fired at local naive time `now_ms`: run every batch that is due.
    Tick {
        /// Local naive epoch ms.
        now_ms: i64,
    },
    /// Lines from a source.
    Lines {
        /// Which source produced them.
        from: SourceKind,
        /// The lines, without terminators.
        lines: Vec<String>,
    },
    /// The relay socket with this sequence number opened.
    RelayOpened {
        /// Connection sequence number.
        seq: u64,
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
}

/// The page's whole state. See the module docs.
pub struct Lab {
    engine: NotebookLab,
    /// The settings form.
    pub draft: Draft,
    /// Why the form cannot be applied, in Spark's words where Spark has them.
    pub draft_error: Option<String>,
    /// Whether the batch clock is stopped.
    pub paused: bool,
    /// Bumped whenever the context is replaced (apply, reset, clear).
    pub generation: u64,
    history: VecDeque<BatchRecord>,
    consoles: [Console; 3],
    notices: VecDeque<Notice>,
    next_notice: u64,
    /// The source side.
    pub source: SourceState,
    /// Counters.
    pub stats: Stats,
    checkpoint: Option<String>,
    /// Bumped whenever [`Lab::checkpoint_to_save`] changes: the web layer saves on each bump.
    pub checkpoint_seq: u64,
    teach: TeachMemory,
    /// The page's high-resolution clock in ms (`performance.now()`), to time each batch for the streaming
    /// statistics; `None` natively (no processing time is shown then).
    pub perf_clock: Option<fn() -> f64>,
}

fn aligned_zero(now_ms: i64, interval_ms: i64) -> i64 {
    // Spark's RecurringTimer starts at the next multiple of the interval; the graph's zero time is one
    // interval before it, so batch 1 closes at the first interval boundary after start.
    now_ms.div_euclid(interval_ms) * interval_ms
}

fn mode_index(m: Mode) -> usize {
    Mode::ALL.iter().position(|x| *x == m).unwrap_or(0)
}

fn type_index(t: MessageType) -> usize {
    MessageType::ALL.iter().position(|x| *x == t).unwrap_or(3)
}

impl Lab {
    /// Starts the page: restores `saved` (the checkpoint text in storage) when it is usable, and says what
    /// happened either way; otherwise starts fresh with the URL's settings (or the notebook's defaults).
    pub fn boot(
        saved: Option<&str>,
        now_ms: i64,
        params: &BootParams,
        default_relay_url: &str,
    ) -> Self {
        let mut notices = Vec::new();
        for e in &params.errors {
            notices.push((Level::Warn, format!("Ignored URL parameter: {e}")));
        }
        let mut config = NotebookConfig::default();
        if let Some(i) = params.interval_ms {
            config.batch_interval_ms = i;
        }
        if let Some(w) = params.window_ms {
            config.window_ms = w;
        }
        if let Some(s) = params.slide_ms {
            config.slide_ms = s;
        }
        if let Err(e) = config.validate() {
            notices.push((
                Level::Error,
                format!("The URL's settings were refused ({e}); using the notebook's defaults."),
            ));
            config = NotebookConfig::default();
        }
        let restored = saved.map(|text| {
            SavedCheckpoint::parse(text).and_then(|cp| cp.restore().map(|lab| (cp, lab)))
        });
        let engine = match restored {
            Some(Ok((cp, lab))) => {
                notices.push((
                    Level::Info,
                    format!(
                        "Restored from the checkpoint: running totals and window state as of batch {} ({}). \
                         Batches missed while the page was closed run as empty batches, as Spark does on recovery.{}",
                        cp.batch,
                        cp.time_label,
                        if cp.config != config && params != &BootParams::default() {
                            " The checkpoint's settings win over the URL's, as with StreamingContext.getOrCreate."
                        } else {
                            ""
                        }
                    ),
                ));
                lab
            }
            Some(Err(e)) => {
                notices.push((
                    Level::Error,
                    format!("Could not restore: {e}. Starting fresh; the bad checkpoint will be overwritten after the first batch."),
                ));
                Self::fresh_engine(&config, now_ms)
            }
            None => Self::fresh_engine(&config, now_ms),
        };
        let mut lab = Lab {
            draft: Draft::from_config(engine.config()),
            engine,
            draft_error: None,
            paused: false,
            generation: 0,
            history: VecDeque::with_capacity(HISTORY_BATCHES),
            consoles: Default::default(),
            notices: VecDeque::new(),
            next_notice: 0,
            source: SourceState {
                choice: params.source.unwrap_or(SourceChoice::Auto),
                relay_url: params
                    .relay_url
                    .clone()
                    .unwrap_or_else(|| default_relay_url.to_string()),
                typed_url: None,
                link: RelayLink::Idle,
                connect_seq: 0,
                relay_failed: false,
                status: RelayStatus::default(),
                decoder: LineDecoder::default(),
                sim_rate: params.sim_rate.unwrap_or(DEFAULT_SIM_RATE),
                relay_lines: 0,
                sim_lines: 0,
                ignored_lines: 0,
                bad_status_frames: 0,
                lost_partial_bytes: 0,
                opens: 0,
                handshake_done: false,
            },
            stats: Stats::default(),
            checkpoint: None,
            checkpoint_seq: 0,
            teach: TeachMemory::default(),
            perf_clock: None,
        };
        for (level, text) in notices {
            lab.notify(level, text);
        }
        if lab.source.relay_wanted() {
            lab.connect();
        }
        lab
    }

    fn fresh_engine(config: &NotebookConfig, now_ms: i64) -> NotebookLab {
        let zero = aligned_zero(now_ms, config.batch_interval_ms);
        match NotebookLab::new(config.clone(), zero) {
            Ok(l) => l,
            // `config` was validated by every caller; the defaults are the notebook's and always valid.
            Err(_) => NotebookLab::new(NotebookConfig::default(), aligned_zero(now_ms, 10_000))
                .expect("the notebook's default settings are valid"),
        }
    }

    fn notify(&mut self, level: Level, text: String) {
        if self.notices.len() == MAX_NOTICES {
            self.notices.pop_front();
        }
        self.next_notice += 1;
        self.notices.push_back(Notice {
            id: self.next_notice,
            level,
            text,
        });
    }

    fn relay_answered(&mut self) {
        if matches!(self.source.link, RelayLink::Connecting { .. }) {
            self.source.link = RelayLink::Open;
            self.source.relay_failed = false;
            self.source.opens += 1;
            self.source.status = RelayStatus::default();
        }
    }

    fn connect(&mut self) {
        self.source.handshake_done = false;
        self.source.connect_seq += 1;
        let attempt = match &self.source.link {
            RelayLink::Retrying { attempt, .. } => attempt + 1,
            _ => 1,
        };
        self.source.link = RelayLink::Connecting { attempt };
    }

    /// The reducer: applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Tick { now_ms } => self.tick(now_ms),
            Action::Lines { from, lines } => {
                match from {
                    SourceKind::Relay => self.source.relay_lines += lines.len() as u64,
                    SourceKind::Simulated => self.source.sim_lines += lines.len() as u64,
                }
                self.ingest(from, &lines);
            }
            Action::RelayOpened { seq } if seq == self.source.connect_seq => {
                // `trunk serve`'s proxy completes the handshake even when no relay runs behind it, so an open
                // socket proves nothing yet: the link counts as open at the relay's first message (its hello).
                self.source.handshake_done = true;
            }
            Action::RelayBinary { seq, data } if seq == self.source.connect_seq => {
                self.relay_answered();
                let lines = self.source.decoder.decode(&data);
                self.source.relay_lines += lines.len() as u64;
                self.ingest(SourceKind::Relay, &lines);
            }
            Action::RelayText { seq, text } if seq == self.source.connect_seq => {
                self.relay_answered();
                if self.source.status.merge_frame(&text).is_err() {
                    self.source.bad_status_frames += 1;
                }
            }
            Action::RelayClosed { seq, code, reason } if seq == self.source.connect_seq => {
                let was_open = self.source.link == RelayLink::Open;
                self.source.lost_partial_bytes += self.source.decoder.reset_carry() as u64;
                let attempt = match &self.source.link {
                    RelayLink::Connecting { attempt } => *attempt,
                    _ => 1,
                };
                let why = match (was_open, reason.is_empty()) {
                    (true, true) => format!("connection closed, code {code}"),
                    (true, false) => format!("connection closed: {reason}"),
                    (false, false) => reason.clone(),
                    (false, true) if self.source.handshake_done => {
                        "no relay answered behind the proxy".to_string()
                    }
                    (false, true) => "no answer".to_string(),
                };
                self.source.handshake_done = false;
                if was_open {
                    self.notify(
                        Level::Warn,
                        format!("Lost the relay ({why}); reconnecting with back-off."),
                    );
                }
                self.source.relay_failed = true;
                self.source.link = RelayLink::Retrying {
                    attempt,
                    delay_ms: backoff_ms(attempt),
                    left_ms: backoff_ms(attempt),
                    reason: why,
                };
            }
            Action::RelayRetryNow { seq } if seq == self.source.connect_seq => {
                if matches!(self.source.link, RelayLink::Retrying { .. }) {
                    self.connect();
                }
            }
            Action::RelayRetrySecond { seq } if seq == self.source.connect_seq => {
                if let RelayLink::Retrying { left_ms, .. } = &mut self.source.link {
                    *left_ms = left_ms.saturating_sub(1000);
                }
            }
            // Events of an older socket (or stale timers): nothing to do.
            Action::RelayOpened { .. }
            | Action::RelayBinary { .. }
            | Action::RelayText { .. }
            | Action::RelayClosed { .. }
            | Action::RelayRetryNow { .. }
            | Action::RelayRetrySecond { .. } => {}
            Action::Reconnect => {
                if self.source.relay_wanted() {
                    self.source.link = RelayLink::Idle;
                    self.connect();
                }
            }
            Action::SetSource(choice) => {
                if choice == self.source.choice {
                    return;
                }
                self.source.choice = choice;
                if choice == SourceChoice::Simulated {
                    self.source.link = RelayLink::Idle;
                    self.source.connect_seq += 1;
                } else if self.source.link == RelayLink::Idle {
                    self.source.relay_failed = false;
                    self.connect();
                }
            }
            Action::SetRelayUrl(url) => {
                let url = url.trim().to_string();
                if !(url.starts_with("ws://") || url.starts_with("wss://")) {
                    self.notify(
                        Level::Error,
                        format!(
                            "\"{url}\" is not a WebSocket URL (ws://host:port/path or wss://…)."
                        ),
                    );
                    return;
                }
                self.source.relay_url = url.clone();
                self.source.typed_url = Some(url);
                if self.source.relay_wanted() {
                    self.source.link = RelayLink::Idle;
                    self.connect();
                }
            }
            Action::SetSimRate(r) => {
                if r.is_finite() && r >= 0.0 {
                    self.source.sim_rate = r.min(MAX_SIM_RATE);
                }
            }
            Action::Edit(field) => {
                match field {
                    DraftField::Interval(v) => self.draft.interval_ms = v,
                    DraftField::Window(v) => self.draft.window = v,
                    DraftField::Slide(v) => self.draft.slide = v,
                    DraftField::Inverse(v) => self.draft.inverse = v,
                    DraftField::FilterZero(v) => self.draft.filter_zero = v,
                    DraftField::Parallelism(v) => self.draft.parallelism = v,
                }
                self.draft_error = self.draft.to_config().err();
            }
            Action::Apply { now_ms } => match self.draft.to_config() {
                Err(e) => self.draft_error = Some(e),
                Ok(c) if &c == self.engine.config() => {
                    self.draft_error = None;
                }
                Ok(c) => {
                    self.draft_error = None;
                    self.restart(c, now_ms);
                    self.notify(
                        Level::Warn,
                        "Started a new StreamingContext with the new settings: a running context cannot \
                         change them in Spark either, so the running totals and windows start over."
                            .to_string(),
                    );
                }
            },
            Action::Pause => self.paused = true,
            Action::Resume => self.paused = false,
            Action::Step => {
                if self.paused {
                    let start = self.perf_clock.map(|c| c());
                    let r = self.engine.run_batch();
                    let timing = Timing {
                        processing_ms: self.elapsed_since(start),
                        delay_ms: None,
                    };
                    self.record(r, timing);
                    self.save_checkpoint();
                }
            }
            Action::Reset { now_ms } => {
                let c = self.engine.config().clone();
                self.restart(c, now_ms);
                self.notify(Level::Info, "Reset: the pipelines start over.".to_string());
            }
            Action::CheckpointCleared { now_ms } => {
                let c = self.engine.config().clone();
                self.restart(c, now_ms);
                self.notify(
                    Level::Info,
                    "Checkpoint cleared: running totals and window state start over.".to_string(),
                );
            }
            Action::CheckpointSaveFailed(e) => self.notify(
                Level::Error,
                format!("Could not save the checkpoint ({e}); a reload will start fresh."),
            ),
            Action::Dismiss(id) => self.notices.retain(|n| n.id != id),
        }
    }

    fn restart(&mut self, config: NotebookConfig, now_ms: i64) {
        self.stats.lines_discarded_restart += self.engine.pending_lines() as u64;
        self.engine = Self::fresh_engine(&config, now_ms);
        self.draft = Draft::from_config(&config);
        self.history.clear();
        self.consoles = Default::default();
        self.teach.clear();
        self.generation += 1;
        self.checkpoint = None;
        self.stats.behind = 0;
    }

    fn ingest(&mut self, from: SourceKind, lines: &[String]) {
        if self.source.feeding() != Some(from) {
            self.source.ignored_lines += lines.len() as u64;
            return;
        }
        let room = MAX_PENDING_LINES.saturating_sub(self.engine.pending_lines());
        let take = lines.len().min(room);
        for l in &lines[..take] {
            self.engine.push_line(l);
        }
        self.stats.lines_in += take as u64;
        self.stats.lines_dropped_full += (lines.len() - take) as u64;
    }

    fn tick(&mut self, now_ms: i64) {
        self.stats.ticks += 1;
        if self.paused {
            return;
        }
        let mut ran = 0;
        let tick_start = self.perf_clock.map(|c| c());
        while self.engine.next_batch_time_ms() <= now_ms && ran < MAX_BATCHES_PER_TICK {
            let start = self.perf_clock.map(|c| c());
            let r = self.engine.run_batch();
            // Spark's scheduling delay: from the batch time to the start of its processing (the timer fires
            // late, and a batch waits for the ones before it in this tick).
            let waited = start.zip(tick_start).map_or(0.0, |(s, t)| s - t);
            let timing = Timing {
                processing_ms: self.elapsed_since(start),
                delay_ms: Some((now_ms - r.time_ms) as f64 + waited),
            };
            self.record(r, timing);
            ran += 1;
        }
        let next = self.engine.next_batch_time_ms();
        let interval = self.engine.config().batch_interval_ms;
        self.stats.behind = if next <= now_ms {
            ((now_ms - next) / interval + 1) as u64
        } else {
            0
        };
        if ran > 0 {
            self.save_checkpoint();
        }
    }

    fn save_checkpoint(&mut self) {
        if let Some(last) = self.history.back() {
            let cp = SavedCheckpoint::capture(&self.engine, last.batch, &last.time_label);
            self.checkpoint = Some(cp.to_json());
            self.checkpoint_seq += 1;
        }
    }

    fn elapsed_since(&self, start: Option<f64>) -> Option<f64> {
        start.zip(self.perf_clock).map(|(s, clock)| clock() - s)
    }

    fn record(&mut self, r: BatchReport, timing: Timing) {
        self.teach.observe(&r, timing);
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
        if self.history.len() == HISTORY_BATCHES {
            self.history.pop_front();
        }
        self.stats.batches_run = r.batch;
        self.stats.last_batch_lines = r.lines;
        self.history.push_back(BatchRecord {
            batch: r.batch,
            time_ms: r.time_ms,
            time_label: r.time_label,
            lines: r.lines,
            outputs,
        });
    }

    /// The checkpoint text to save (changes with [`Lab::checkpoint_seq`]), and the storage key.
    pub fn checkpoint_to_save(&self) -> Option<(&'static str, &str)> {
        self.checkpoint.as_deref().map(|c| (STORAGE_KEY, c))
    }

    /// The running configuration.
    pub fn config(&self) -> &NotebookConfig {
        self.engine.config()
    }

    /// Lines in the open batch.
    pub fn pending_lines(&self) -> usize {
        self.engine.pending_lines()
    }

    /// When the open batch closes (local naive ms).
    pub fn next_batch_time_ms(&self) -> i64 {
        self.engine.next_batch_time_ms()
    }

    /// `HH:MM:SS` of [`Lab::next_batch_time_ms`].
    pub fn next_batch_label(&self) -> String {
        clock_label(self.engine.next_batch_time_ms())
    }

    /// The batches remembered for the charts, oldest first (at most [`HISTORY_BATCHES`]).
    pub fn history(&self) -> &VecDeque<BatchRecord> {
        &self.history
    }

    /// What the teaching views remember since this context started.
    pub fn teach(&self) -> &TeachMemory {
        &self.teach
    }

    /// The console of `mode`.
    pub fn console(&self, mode: Mode) -> &Console {
        &self.consoles[mode_index(mode)]
    }

    /// Current notices, oldest first.
    pub fn notices(&self) -> impl Iterator<Item = &Notice> {
        self.notices.iter()
    }

    /// The chart points of `mode`: one per batch at which it emitted.
    pub fn points(&self, mode: Mode) -> Vec<ChartPoint> {
        let i = mode_index(mode);
        self.history
            .iter()
            .filter_map(|b| {
                b.outputs[i].map(|counts| ChartPoint {
                    time_ms: b.time_ms,
                    counts,
                })
            })
            .collect()
    }

    /// The notebook's code for `mode` with the running settings.
    pub fn code(&self, mode: Mode) -> String {
        pyspark_code(mode, self.engine.config())
    }

    /// Everything lost or set aside so far, in words (empty when nothing was).
    pub fn losses(&self) -> Vec<String> {
        let s = &self.stats;
        let src = &self.source;
        let d = &src.decoder;
        let mut v = Vec::new();
        let mut add = |n: u64, what: &str| {
            if n > 0 {
                v.push(format!("{n} {what}"));
            }
        };
        add(
            s.lines_dropped_full,
            "lines dropped: the open batch was full while paused",
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
            src.status.lines_dropped,
            "lines the relay dropped for slow clients (all clients, since it started)",
        );
        add(src.status.lines_cut, "over-long lines cut by the relay");
        add(
            src.status.invalid_utf8,
            "lines whose invalid UTF-8 the relay repaired",
        );
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_000_000_000; // some local naive ms, a multiple of 10 s

    fn boot() -> Lab {
        Lab::boot(
            None,
            T0 + 3_000,
            &BootParams::default(),
            "ws://127.0.0.1:8080/ws",
        )
    }

    const HELLO: &str = r#"{"type":"status","event":"hello","source":"connected","address":"127.0.0.1:9999","reason":null,"demo":false,"lines_forwarded":0,"lines_dropped":0,"lines_cut":0,"invalid_utf8":0,"clients":1,"client_lines":0,"max_line_bytes":1048576}"#;

    fn open_relay(lab: &mut Lab) {
        let seq = lab.source.connect_seq;
        lab.apply(Action::RelayOpened { seq });
        lab.apply(Action::RelayText {
            seq,
            text: HELLO.to_string(),
        });
    }

    #[test]
    fn a_proxy_without_a_relay_is_not_an_open_relay() {
        let mut lab = boot();
        for attempt in 1..=3u32 {
            let seq = lab.source.connect_seq;
            lab.apply(Action::RelayOpened { seq });
            assert_ne!(lab.source.link, RelayLink::Open);
            lab.apply(Action::RelayClosed {
                seq,
                code: 1006,
                reason: String::new(),
            });
            match &lab.source.link {
                RelayLink::Retrying {
                    attempt: a,
                    delay_ms,
                    left_ms,
                    reason,
                } => {
                    assert_eq!(*a, attempt);
                    assert_eq!(*delay_ms, backoff_ms(attempt));
                    assert_eq!(left_ms, delay_ms);
                    assert!(reason.contains("behind the proxy"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
            lab.apply(Action::RelayRetryNow { seq });
        }
        // Failed attempts are not outages: no "Lost the relay" notice.
        assert!(lab.notices().all(|n| !n.text.contains("Lost")));
        assert_eq!(lab.source.feeding(), Some(SourceKind::Simulated));
    }

    #[test]
    fn batches_align_to_the_wall_clock() {
        let lab = boot();
        assert_eq!(lab.next_batch_time_ms(), T0 + 10_000);
        assert_eq!(lab.config(), &NotebookConfig::default());
    }

    #[test]
    fn auto_waits_for_the_relay_then_falls_back() {
        let mut lab = boot();
        assert_eq!(lab.source.link, RelayLink::Connecting { attempt: 1 });
        assert_eq!(lab.source.feeding(), None);
        let seq = lab.source.connect_seq;
        lab.apply(Action::RelayClosed {
            seq,
            code: 1006,
            reason: String::new(),
        });
        assert_eq!(lab.source.feeding(), Some(SourceKind::Simulated));
        assert!(matches!(
            lab.source.link,
            RelayLink::Retrying {
                attempt: 1,
                delay_ms: 1000,
                ..
            }
        ));
        assert!(lab.source.headline().contains("built-in"));
        lab.apply(Action::RelayRetryNow { seq });
        assert_eq!(lab.source.link, RelayLink::Connecting { attempt: 2 });
        assert!(lab.source.connect_seq > seq);
        let seq2 = lab.source.connect_seq;
        lab.apply(Action::RelayClosed {
            seq: seq2,
            code: 1006,
            reason: String::new(),
        });
        assert!(matches!(
            lab.source.link,
            RelayLink::Retrying {
                attempt: 2,
                delay_ms: 2000,
                ..
            }
        ));
        // The header counts the back-off down, second by second, to zero.
        assert!(
            lab.source.headline().ends_with("retry 3 in 2 s"),
            "{}",
            lab.source.headline()
        );
        lab.apply(Action::RelayRetrySecond { seq: seq2 });
        assert!(
            lab.source.headline().ends_with("retry 3 in 1 s"),
            "{}",
            lab.source.headline()
        );
        lab.apply(Action::RelayRetrySecond { seq }); // an older connection's timer: ignored
        lab.apply(Action::RelayRetrySecond { seq: seq2 });
        lab.apply(Action::RelayRetrySecond { seq: seq2 });
        assert!(
            lab.source.headline().ends_with("retry 3 in 0 s"),
            "{}",
            lab.source.headline()
        );
        // A stale event from the first socket changes nothing.
        lab.apply(Action::RelayText {
            seq,
            text: HELLO.to_string(),
        });
        assert_ne!(lab.source.link, RelayLink::Open);
        lab.apply(Action::RelayRetryNow { seq: seq2 });
        open_relay(&mut lab);
        assert_eq!(lab.source.feeding(), Some(SourceKind::Relay));
        assert!(lab.source.headline().starts_with("Source: relay"));
    }

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(
            (1..=7).map(backoff_ms).collect::<Vec<_>>(),
            vec![1000, 2000, 4000, 8000, 10000, 10000, 10000]
        );
    }

    #[test]
    fn relay_lines_feed_all_three_modes() {
        let mut lab = boot();
        open_relay(&mut lab);
        let seq = lab.source.connect_seq;
        lab.apply(Action::RelayBinary {
            seq,
            data: b"[info] a\n[error] b\n[error] c\nplain\n".to_vec(),
        });
        assert_eq!(lab.pending_lines(), 4);
        lab.apply(Action::Tick {
            now_ms: T0 + 10_000,
        });
        assert_eq!(lab.history().len(), 1);
        let b = &lab.history()[0];
        assert_eq!(b.lines, 4);
        assert_eq!(b.outputs[0], Some([1, 0, 2, 1]));
        assert_eq!(b.outputs[1], Some([1, 0, 2, 1]));
        // The 10 s slide emits at batch 1 (10 s after zero).
        assert!(b.outputs[2].is_some());
        assert!(lab.console(Mode::Stateless).text().contains("('error', 2)"));
        assert!(lab.checkpoint_to_save().is_some());
        assert_eq!(lab.checkpoint_seq, 1);
        lab.apply(Action::Tick {
            now_ms: T0 + 20_000,
        });
        let pts = lab.points(Mode::Cumulative);
        assert_eq!(pts.len(), 2);
        assert_eq!(pts[1].counts, [1, 0, 2, 1]);
    }

    #[test]
    fn simulated_lines_are_refused_while_the_relay_feeds() {
        let mut lab = boot();
        open_relay(&mut lab);
        lab.apply(Action::Lines {
            from: SourceKind::Simulated,
            lines: vec!["x".into()],
        });
        assert_eq!(lab.pending_lines(), 0);
        assert_eq!(lab.source.ignored_lines, 1);
        assert!(lab.losses().iter().any(|l| l.contains("ignored")));
    }

    #[test]
    fn a_rejected_setting_leaves_the_pipelines_alone() {
        let mut lab = boot();
        lab.apply(Action::SetSource(SourceChoice::Simulated));
        lab.apply(Action::Lines {
            from: SourceKind::Simulated,
            lines: vec!["[info] x".into()],
        });
        lab.apply(Action::Edit(DraftField::Window("25".into())));
        assert!(lab.draft_error.is_some());
        lab.apply(Action::Apply { now_ms: T0 + 4_000 });
        assert!(lab.draft_error.as_deref().unwrap().contains("multiple"));
        assert_eq!(lab.generation, 0);
        assert_eq!(lab.pending_lines(), 1);
        assert_eq!(lab.config(), &NotebookConfig::default());
        lab.apply(Action::Edit(DraftField::Window("abc".into())));
        assert!(lab.draft_error.as_deref().unwrap().contains("number"));
        // A valid change restarts with the new settings.
        lab.apply(Action::Edit(DraftField::Window("30".into())));
        lab.apply(Action::Edit(DraftField::Interval(1_000)));
        assert_eq!(lab.draft_error, None);
        lab.apply(Action::Apply { now_ms: T0 + 4_500 });
        assert_eq!(lab.generation, 1);
        assert_eq!(lab.config().window_ms, 30_000);
        assert_eq!(lab.next_batch_time_ms(), T0 + 5_000);
        assert_eq!(lab.stats.lines_discarded_restart, 1);
    }

    #[test]
    fn pause_step_resume() {
        let mut lab = boot();
        lab.apply(Action::SetSource(SourceChoice::Simulated));
        lab.apply(Action::Pause);
        lab.apply(Action::Lines {
            from: SourceKind::Simulated,
            lines: vec!["[notice] n".into(); 3],
        });
        lab.apply(Action::Tick {
            now_ms: T0 + 60_000,
        });
        assert!(lab.history().is_empty());
        lab.apply(Action::Step);
        assert_eq!(lab.history().len(), 1);
        assert_eq!(lab.history()[0].lines, 3);
        lab.apply(Action::Resume);
        lab.apply(Action::Tick {
            now_ms: T0 + 60_000,
        });
        // Catching up runs the batches missed while paused, as empty batches.
        assert_eq!(lab.history().len(), 6);
        assert_eq!(lab.stats.behind, 0);
    }

    #[test]
    fn history_and_consoles_stay_bounded() {
        let mut lab = Lab::boot(
            None,
            T0,
            &BootParams::from_query("source=sim&interval=1"),
            "ws://x/ws",
        );
        let mut now = T0;
        for _ in 0..(HISTORY_BATCHES + 50) {
            lab.apply(Action::Lines {
                from: SourceKind::Simulated,
                lines: vec!["[error] e".into(); 10],
            });
            now += 1_000;
            lab.apply(Action::Tick { now_ms: now });
        }
        assert_eq!(lab.history().len(), HISTORY_BATCHES);
        assert_eq!(
            lab.console(Mode::Stateless).blocks().count(),
            CONSOLE_BLOCKS
        );
        assert_eq!(
            lab.console(Mode::Stateless).dropped,
            (HISTORY_BATCHES + 50 - CONSOLE_BLOCKS) as u64
        );
        let total: i64 = lab
            .points(Mode::Cumulative)
            .last()
            .unwrap()
            .counts
            .iter()
            .sum();
        assert_eq!(total, 10 * (HISTORY_BATCHES as i64 + 50));
    }

    #[test]
    fn catch_up_is_chunked() {
        let mut lab = Lab::boot(
            None,
            T0,
            &BootParams::from_query("source=sim&interval=1"),
            "ws://x/ws",
        );
        lab.apply(Action::Tick {
            now_ms: T0 + 1_000 * (MAX_BATCHES_PER_TICK as i64 + 10),
        });
        assert_eq!(lab.history().len(), MAX_BATCHES_PER_TICK);
        assert_eq!(lab.stats.behind, 10);
    }

    #[test]
    fn checkpoint_round_trip_and_corruption() {
        let mut lab = boot();
        lab.apply(Action::SetSource(SourceChoice::Simulated));
        lab.apply(Action::Lines {
            from: SourceKind::Simulated,
            lines: vec!["[info] i".into(); 7],
        });
        lab.apply(Action::Tick {
            now_ms: T0 + 10_000,
        });
        let saved = lab.checkpoint_to_save().unwrap().1.to_string();
        let mut back = Lab::boot(
            Some(&saved),
            T0 + 12_000,
            &BootParams::default(),
            "ws://x/ws",
        );
        assert!(back.notices().any(|n| n.text.starts_with("Restored")));
        assert_eq!(back.next_batch_time_ms(), T0 + 20_000);
        back.apply(Action::SetSource(SourceChoice::Simulated));
        back.apply(Action::Tick {
            now_ms: T0 + 20_000,
        });
        assert_eq!(back.points(Mode::Cumulative)[0].counts, [7, 0, 0, 0]);
        // The batch count goes on from the checkpoint's batch 1.
        assert_eq!(back.stats.batches_run, 2);

        for bad in ["{not json", "{\"format\":99}", "{\"format\":1}", ""] {
            let lab = Lab::boot(Some(bad), T0, &BootParams::default(), "ws://x/ws");
            let n: Vec<_> = lab.notices().collect();
            assert_eq!(n.len(), 1, "{bad}");
            assert_eq!(n[0].level, Level::Error);
            assert!(n[0].text.contains("Starting fresh"));
            assert_eq!(lab.config(), &NotebookConfig::default());
        }
    }

    #[test]
    fn boot_params() {
        let p = BootParams::from_query(
            "?source=relay&interval=1&rate=50&relay=ws%3A%2F%2Fh%3A1%2Fws&bogus=1",
        );
        assert_eq!(p.source, Some(SourceChoice::Relay));
        assert_eq!(p.interval_ms, Some(1_000));
        assert_eq!(p.sim_rate, Some(50.0));
        assert_eq!(p.relay_url.as_deref(), Some("ws://h:1/ws"));
        assert_eq!(p.errors.len(), 1);
        let lab = Lab::boot(None, T0, &p, "ws://x/ws");
        assert_eq!(lab.config().batch_interval_ms, 1_000);
        assert_eq!(lab.source.relay_url, "ws://h:1/ws");
        assert!(lab.notices().any(|n| n.text.contains("bogus")));
        // An interval the window cannot follow is refused with the engine's words, defaults used.
        let lab = Lab::boot(None, T0, &BootParams::from_query("interval=3"), "ws://x/ws");
        assert_eq!(lab.config(), &NotebookConfig::default());
        assert!(lab.notices().any(|n| n.level == Level::Error));
    }

    #[test]
    fn relay_drop_is_reported() {
        let mut lab = Lab::boot(
            None,
            T0,
            &BootParams::from_query("source=relay"),
            "ws://x/ws",
        );
        open_relay(&mut lab);
        let seq = lab.source.connect_seq;
        lab.apply(Action::RelayBinary {
            seq,
            data: b"half a li".to_vec(),
        });
        lab.apply(Action::RelayClosed {
            seq,
            code: 1011,
            reason: "client too slow".into(),
        });
        assert_eq!(lab.source.feeding(), None);
        assert!(lab.source.headline().contains("client too slow"));
        assert!(lab.notices().any(|n| n.text.contains("Lost the relay")));
        assert_eq!(lab.source.lost_partial_bytes, 9);
    }
}
