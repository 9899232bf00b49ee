//! Wiring: bind the listeners, start the source, WebSocket, tee, status-tick and demo tasks.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dstream_protocol::{StatusEvent, DEFAULT_MAX_LINE_BYTES};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::error::Error;
use crate::front::{self, FrontConfig};
use crate::handshakes::Handshakes;
use crate::hub::{ClientCap, Hub};
use crate::inject::InjectPolicy;
use crate::serve::{self, ServeConfig};
use crate::shutdown::Shutdown;
use crate::site::Site;
use crate::source::{self, SourceConfig};
use crate::tee::{self, TeeConfig};
use crate::ws::WsConfig;

/// The `trunk serve` origins allowed by default.
pub const DEFAULT_ORIGINS: [&str; 2] = ["http://127.0.0.1:8080", "http://localhost:8080"];

/// Everything the relay can be told (the `relay` binary's flags).
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// The TCP source to read lines from.
    pub source: String,
    /// Where to serve WebSocket (`/ws`).
    pub listen: String,
    /// Also re-serve the lines as plain TCP here.
    pub tee: Option<String>,
    /// Origins allowed besides the defaults (`*` allows all).
    pub allow_origins: Vec<String>,
    /// The most WebSocket clients at once.
    pub max_clients: usize,
    /// The most WebSocket clients at once from one IP address (one machine; all of loopback is one).
    pub max_clients_per_ip: usize,
    /// The most connections at once that have not sent their request yet; one more evicts the oldest.
    pub max_handshakes: usize,
    /// A WebSocket client that takes no byte for this long while data waits for it is closed (1008).
    pub stall_timeout: Duration,
    /// How long a client the relay closes has to read up to its close frame and answer before it is reset; also
    /// the bound on every goodbye at shutdown.
    pub close_timeout: Duration,
    /// The kernel send buffer of each WebSocket connection (`SO_SNDBUF`).
    pub send_buffer_bytes: usize,
    /// Lines longer than this are cut.
    pub max_line_bytes: usize,
    /// Data frame size bound.
    pub frame_bytes: usize,
    /// Data frame time bound.
    pub max_delay: Duration,
    /// A client that falls this many bytes behind is closed.
    pub client_queue_bytes: usize,
    /// Pause between connection attempts to the source.
    pub retry_delay: Duration,
    /// Period of the `tick` status messages.
    pub status_interval: Duration,
    /// Start the built-in generator on the source address if nothing listens there.
    pub demo: bool,
    /// Lines per second of the built-in generator.
    pub demo_rate: f64,
    /// Serve the built app from this directory on the WebSocket port (`--serve DIR`).
    pub serve: Option<PathBuf>,
    /// Who may put a typed line into the stream (`--allow-inject`, `--allow-inject-from-all`).
    pub inject: InjectPolicy,
}

impl Default for RelayConfig {
    fn default() -> RelayConfig {
        RelayConfig {
            source: "127.0.0.1:9999".into(),
            listen: "127.0.0.1:9998".into(),
            tee: None,
            allow_origins: Vec::new(),
            max_clients: 64,
            max_clients_per_ip: 8,
            max_handshakes: 256,
            stall_timeout: Duration::from_secs(10),
            close_timeout: Duration::from_secs(5),
            send_buffer_bytes: 256 * 1024,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            frame_bytes: 64 * 1024,
            max_delay: Duration::ZERO,
            client_queue_bytes: 16 * 1024 * 1024,
            retry_delay: Duration::from_secs(2),
            status_interval: Duration::from_secs(1),
            demo: false,
            demo_rate: 5.0,
            serve: None,
            inject: InjectPolicy::Off,
        }
    }
}

/// A running relay.
#[derive(Debug)]
pub struct Relay {
    /// The address the WebSocket server listens on (useful with port 0).
    pub ws_addr: SocketAddr,
    /// The address of the `--tee` server, if any.
    pub tee_addr: Option<SocketAddr>,
    /// Whether the built-in generator was started (`--demo`).
    pub demo_started: bool,
    hub: Arc<Hub>,
    tasks: JoinSet<()>,
}

async fn bind(address: &str, what: &str, flag: &str) -> Result<TcpListener, Error> {
    TcpListener::bind(address).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(" (is another relay running? choose another address with {flag})")
        } else {
            String::new()
        };
        Error::msg(format!("cannot listen for {what} on {address}: {e}{hint}"))
    })
}

impl RelayConfig {
    /// Refuses settings that cannot work together, with a message saying which flag to change.
    pub fn validate(&self) -> Result<(), Error> {
        let at_least_one = [
            ("--max-line-bytes", self.max_line_bytes),
            ("--frame-bytes", self.frame_bytes),
            ("--client-queue-bytes", self.client_queue_bytes),
            ("--max-clients", self.max_clients),
            ("--max-clients-per-ip", self.max_clients_per_ip),
            ("--max-handshakes", self.max_handshakes),
            ("--send-buffer-bytes", self.send_buffer_bytes),
        ];
        for (flag, value) in at_least_one {
            if value == 0 {
                return Err(Error::msg(format!("{flag} must be at least 1")));
            }
        }
        for (flag, value) in [
            ("--stall-ms", self.stall_timeout),
            ("--close-timeout-ms", self.close_timeout),
        ] {
            if value.is_zero() {
                return Err(Error::msg(format!("{flag} must be at least 1")));
            }
        }
        // A queue must hold the largest frame (a frame of --frame-bytes, or one line at the cap with its \n) with
        // room to spare, or every client would be closed as too slow at the first such frame.
        let largest_frame = self.frame_bytes.max(self.max_line_bytes.saturating_add(1));
        if self.client_queue_bytes < largest_frame.saturating_mul(2) {
            let (flag, value) = if self.max_line_bytes.saturating_add(1) >= self.frame_bytes {
                ("--max-line-bytes", self.max_line_bytes)
            } else {
                ("--frame-bytes", self.frame_bytes)
            };
            return Err(Error::msg(format!(
                "--client-queue-bytes ({}) must be at least twice {flag} ({value}): a client's queue has to hold two \
                 of the largest frames, or every client would be closed as too slow at the first one; raise \
                 --client-queue-bytes or lower {flag}",
                self.client_queue_bytes
            )));
        }
        Ok(())
    }
}

impl Relay {
    /// Binds everything and starts the tasks; they run until `shutdown` fires. Fails (with a message saying what
    /// to change) when the settings cannot work together ([`RelayConfig::validate`]) or an address cannot be
    /// bound.
    pub async fn start(config: RelayConfig, shutdown: Shutdown) -> Result<Relay, Error> {
        config.validate()?;
        // Checked before anything is bound or started: a missing build is the likeliest mistake of a class set-up.
        let site = match &config.serve {
            Some(dir) => Some(Arc::new(Site::open(dir)?)),
            None => None,
        };
        let ws_listener = bind(&config.listen, "WebSocket clients", "--listen").await?;
        let ws_addr = ws_listener
            .local_addr()
            .map_err(|e| Error::msg(format!("cannot read the WebSocket address: {e}")))?;
        if !ws_addr.ip().is_loopback() {
            tracing::warn!(
                "listening on {ws_addr}, which is not loopback: other machines can connect (Origin checks still apply)"
            );
        }
        let tee_listener = match &config.tee {
            Some(addr) => Some(bind(addr, "--tee clients", "--tee").await?),
            None => None,
        };
        let tee_addr = tee_listener.as_ref().and_then(|l| l.local_addr().ok());

        let hub = Arc::new(Hub::new(
            config.source.clone(),
            config.client_queue_bytes,
            config.max_line_bytes,
        ));
        hub.set_inject_policy(config.inject);
        let mut tasks = JoinSet::new();

        let mut demo_started = false;
        if config.demo {
            if let Err(e) = TcpStream::connect(&config.source).await {
                if e.kind() == std::io::ErrorKind::ConnectionRefused {
                    let listener = serve::bind(&config.source).await?;
                    let serve_config = ServeConfig {
                        rate: config.demo_rate,
                        seed: None,
                        count: None,
                        file: None,
                        loop_file: false,
                    };
                    serve_config.validate()?;
                    tracing::info!(
                        "--demo: nothing listened on {}, so the built-in generator serves {} there",
                        config.source,
                        serve_config.describe()
                    );
                    tasks.spawn(serve::run(
                        listener,
                        Arc::new(serve_config),
                        shutdown.clone(),
                    ));
                    hub.set_demo(true);
                    demo_started = true;
                }
            }
        }

        let ws_config = WsConfig {
            allow_origins: DEFAULT_ORIGINS
                .iter()
                .map(|s| s.to_string())
                .chain(config.allow_origins.iter().cloned())
                .collect(),
            cap: ClientCap {
                total: config.max_clients,
                per_ip: config.max_clients_per_ip,
            },
            stall_timeout: config.stall_timeout,
            close_timeout: config.close_timeout,
            allow_same_origin: site.is_some(),
        };
        let front_config = FrontConfig {
            ws: Arc::new(ws_config),
            site,
            handshakes: Arc::new(Handshakes::new(config.max_handshakes)),
            send_buffer_bytes: config.send_buffer_bytes,
        };
        tasks.spawn(front::run(
            ws_listener,
            front_config,
            hub.clone(),
            shutdown.clone(),
        ));
        if let Some(listener) = tee_listener {
            let tee_config = TeeConfig {
                stall_timeout: config.stall_timeout,
                send_buffer_bytes: config.send_buffer_bytes,
            };
            tasks.spawn(tee::run(
                listener,
                hub.clone(),
                tee_config,
                shutdown.clone(),
            ));
        }
        let source_config = SourceConfig {
            address: config.source.clone(),
            max_line_bytes: config.max_line_bytes,
            frame_bytes: config.frame_bytes,
            max_delay: config.max_delay,
            retry_delay: config.retry_delay,
        };
        tasks.spawn(source::run(source_config, hub.clone(), shutdown.clone()));
        tasks.spawn(tick(hub.clone(), config.status_interval, shutdown));
        Ok(Relay {
            ws_addr,
            tee_addr,
            demo_started,
            hub,
            tasks,
        })
    }

    /// The hub (counters and clients), e.g. for a final report.
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Waits until every task has finished (after shutdown fired).
    pub async fn wait(mut self) {
        while let Some(result) = self.tasks.join_next().await {
            if let Err(e) = result {
                tracing::error!("a relay task failed: {e}");
            }
        }
    }
}

async fn tick(hub: Arc<Hub>, period: Duration, shutdown: Shutdown) {
    let mut interval = tokio::time::interval(period.max(Duration::from_millis(10)));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    interval.tick().await;
    loop {
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = interval.tick() => hub.broadcast_status(StatusEvent::Tick),
        }
    }
}
