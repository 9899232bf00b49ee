//! The hub: who is connected, what each client still has to receive, and the relay-wide counters.
//!
//! The source task hands every data frame to [`Hub::broadcast_data`], which puts it (a cheap, shared [`Bytes`]) on
//! the queue of every client. Each client's queue is bounded in bytes: a client whose queue would grow past the
//! limit is removed and told to close with a reason, its queued lines are counted as dropped, and the other
//! clients are not affected. Status messages go through the same queues, so they are ordered with the data.
//! A frame is compressed once for all the clients that asked for LZ4 frames ([`FrameEncoding`]), and their queues
//! count the compressed bytes they hold.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use dstream_protocol::{
    inject_problem, CloseReason, FrameEncoding, SourceState, Status, StatusEvent, TextMessage,
    MAX_INJECTED_LINES_PER_SECOND,
};

use crate::inject::{InjectPolicy, InjectRate};

/// Something a client task has to send, in order.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A data frame: complete `\n`-terminated UTF-8 lines, in the client's [`FrameEncoding`].
    Data {
        /// The frame's bytes, shared between all clients of its encoding.
        frame: Bytes,
        /// How many lines the frame holds.
        lines: u64,
    },
    /// A status message (JSON), for WebSocket clients only.
    Status(String),
}

impl Outgoing {
    fn size(&self) -> usize {
        match self {
            Outgoing::Data { frame, .. } => frame.len(),
            Outgoing::Status(json) => json.len(),
        }
    }

    fn lines(&self) -> u64 {
        match self {
            Outgoing::Data { lines, .. } => *lines,
            Outgoing::Status(_) => 0,
        }
    }
}

/// The kind of a client: it decides whether it gets status messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// A WebSocket client: data and status.
    WebSocket,
    /// A plain TCP client of `--tee`: data only.
    Tee,
}

/// Relay-wide counters, reported in every status message.
#[derive(Debug, Default)]
pub struct Counters {
    /// Lines received from the source.
    pub lines_forwarded: AtomicU64,
    /// Lines lost by clients closed for being too slow.
    pub lines_dropped: AtomicU64,
    /// Lines cut to the length cap.
    pub lines_cut: AtomicU64,
    /// Lines whose invalid UTF-8 was repaired.
    pub invalid_utf8: AtomicU64,
    /// Clients closed for being too slow (`--client-queue-bytes`).
    pub slow_clients_closed: AtomicU64,
    /// Clients closed for reading nothing while data waited (`--stall-ms`).
    pub stalled_clients_closed: AtomicU64,
    /// Lines typed into a page and injected into the stream (`--allow-inject`).
    pub lines_injected: AtomicU64,
    /// Lines a page asked to inject that the relay refused (each refusal is answered to that page).
    pub injections_refused: AtomicU64,
}

/// Per-client numbers shared between the hub and the client's task.
#[derive(Debug, Default)]
struct ClientShared {
    queued_bytes: AtomicUsize,
    queued_lines: AtomicU64,
    lines_sent: AtomicU64,
}

#[derive(Debug)]
struct Client {
    id: u64,
    kind: ClientKind,
    encoding: FrameEncoding,
    peer: SocketAddr,
    tx: mpsc::UnboundedSender<Outgoing>,
    shared: Arc<ClientShared>,
    kick: Option<oneshot::Sender<CloseReason>>,
}

#[derive(Debug)]
struct Inner {
    clients: Vec<Client>,
    next_id: u64,
    source: SourceState,
    reason: Option<String>,
    demo: bool,
    inject: InjectPolicy,
    /// Lines sent into the stream so far: counted under the lock that queues them, so that a status message
    /// says exactly where in the stream the lines after it start.
    stream_lines: u64,
}

/// The shared state of one relay. See the module docs.
#[derive(Debug)]
pub struct Hub {
    inner: Mutex<Inner>,
    counters: Counters,
    address: String,
    queue_limit: usize,
    max_line_bytes: usize,
}

/// How many WebSocket clients the hub takes: in all, and from one IP address (one machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientCap {
    /// The most WebSocket clients at once (`--max-clients`).
    pub total: usize,
    /// The most WebSocket clients at once from one IP address (`--max-clients-per-ip`).
    pub per_ip: usize,
}

impl ClientCap {
    /// No cap (for `--tee` clients, which are bounded in memory only).
    pub const NONE: ClientCap = ClientCap {
        total: usize::MAX,
        per_ip: usize::MAX,
    };
}

impl From<usize> for ClientCap {
    /// At most `total` clients, with no cap per address.
    fn from(total: usize) -> ClientCap {
        ClientCap {
            total,
            per_ip: usize::MAX,
        }
    }
}

/// Why the hub refused a new WebSocket client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `--max-clients` are connected already.
    TooManyClients {
        /// The cap.
        max: usize,
    },
    /// `--max-clients-per-ip` are connected already from this client's IP address.
    TooManyFromPeer {
        /// The cap.
        max: usize,
        /// The client's IP address.
        ip: IpAddr,
    },
}

impl Hub {
    /// A hub for a relay reading from `address`, with per-client queues of at most `queue_limit` bytes.
    pub fn new(address: String, queue_limit: usize, max_line_bytes: usize) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                clients: Vec::new(),
                next_id: 1,
                source: SourceState::Disconnected,
                reason: Some(format!("connecting to {address}")),
                demo: false,
                inject: InjectPolicy::Off,
                stream_lines: 0,
            }),
            counters: Counters::default(),
            address,
            queue_limit,
            max_line_bytes,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the client list inconsistent in a way that matters here.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The relay-wide counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Adds the line counts of the source (cut and repaired lines).
    pub fn count_repairs(&self, cut: u64, invalid_utf8: u64) {
        if cut > 0 {
            self.counters.lines_cut.fetch_add(cut, Ordering::Relaxed);
        }
        if invalid_utf8 > 0 {
            self.counters
                .invalid_utf8
                .fetch_add(invalid_utf8, Ordering::Relaxed);
        }
    }

    /// Number of connected WebSocket clients.
    pub fn websocket_clients(&self) -> usize {
        self.lock()
            .clients
            .iter()
            .filter(|c| c.kind == ClientKind::WebSocket)
            .count()
    }

    /// Number of connected clients of every kind (WebSocket and tee).
    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }

    /// Registers a client that gets plain frames (see [`Hub::register_as`]).
    pub fn register(
        self: &Arc<Self>,
        kind: ClientKind,
        peer: SocketAddr,
        cap: impl Into<ClientCap>,
    ) -> Result<ClientQueue, Refused> {
        self.register_as(kind, FrameEncoding::Plain, peer, cap)
    }

    /// Registers a client that gets its data frames in `encoding`. WebSocket clients are refused when
    /// `cap.total` of them are connected already, or `cap.per_ip` from the same IP address; their queue starts
    /// with a `hello` status message.
    pub fn register_as(
        self: &Arc<Self>,
        kind: ClientKind,
        encoding: FrameEncoding,
        peer: SocketAddr,
        cap: impl Into<ClientCap>,
    ) -> Result<ClientQueue, Refused> {
        let cap = cap.into();
        let mut inner = self.lock();
        if kind == ClientKind::WebSocket {
            let same_kind = || inner.clients.iter().filter(|c| c.kind == kind);
            if same_kind().count() >= cap.total {
                return Err(Refused::TooManyClients { max: cap.total });
            }
            if same_kind().filter(|c| c.peer.ip() == peer.ip()).count() >= cap.per_ip {
                return Err(Refused::TooManyFromPeer {
                    max: cap.per_ip,
                    ip: peer.ip(),
                });
            }
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let (tx, rx) = mpsc::unbounded_channel();
        let (kick_tx, kick_rx) = oneshot::channel();
        let shared = Arc::new(ClientShared::default());
        inner.clients.push(Client {
            id,
            kind,
            encoding,
            peer,
            tx,
            shared: shared.clone(),
            kick: Some(kick_tx),
        });
        if kind == ClientKind::WebSocket {
            let hello = self.status_for(&inner, StatusEvent::Hello, 0, peer);
            if let Some(client) = inner.clients.last_mut() {
                push(client, Outgoing::Status(hello), usize::MAX, &self.counters);
            }
        }
        Ok(ClientQueue {
            id,
            hub: self.clone(),
            rx,
            kicked: Some(kick_rx),
            shared,
            inject_rate: InjectRate::default(),
        })
    }

    fn unregister(&self, id: u64) {
        self.lock().clients.retain(|c| c.id != id);
    }

    /// Sends a data frame holding `lines` lines to every client (and counts the lines as forwarded).
    pub fn broadcast_data(&self, frame: Bytes, lines: u64) {
        self.counters
            .lines_forwarded
            .fetch_add(lines, Ordering::Relaxed);
        self.broadcast_frame(frame, lines);
    }

    /// Sets who may inject lines (`--allow-inject`); the clients learn it from their next status.
    pub fn set_inject_policy(&self, policy: InjectPolicy) {
        self.lock().inject = policy;
    }

    /// Why client `client` may not inject `line`, in a sentence for its page; `None` when it may (its allowance
    /// per second aside).
    fn injection_refusal(&self, client: u64, line: &str) -> Option<String> {
        {
            let inner = self.lock();
            match inner.clients.iter().find(|c| c.id == client) {
                Some(c) => inner.inject.refusal(c.peer),
                None => Some("the connection is closing".to_string()),
            }
        }
        .or_else(|| inject_problem(line, self.max_line_bytes))
    }

    /// Puts `line` into the stream of every client (WebSocket and tee), after what they were already sent.
    fn inject_line(&self, line: &str) {
        self.counters.lines_injected.fetch_add(1, Ordering::Relaxed);
        let mut frame = Vec::with_capacity(line.len() + 1);
        frame.extend_from_slice(line.as_bytes());
        frame.push(b'\n');
        self.broadcast_frame(Bytes::from(frame), 1);
    }

    /// Counts a line client `client` may not inject, and tells that client why (an `inject_refused` message).
    pub fn refuse_injection(&self, client: u64, why: String) {
        self.counters
            .injections_refused
            .fetch_add(1, Ordering::Relaxed);
        tracing::info!(client, "refused a line to inject: {why}");
        let message = TextMessage::InjectRefused { reason: why };
        let mut inner = self.lock();
        let limit = self.queue_limit;
        if let Some(index) = inner.clients.iter().position(|c| c.id == client) {
            let json = Outgoing::Status(message.to_json());
            if !push(&mut inner.clients[index], json, limit, &self.counters) {
                inner.clients.remove(index);
            }
        }
    }

    fn broadcast_frame(&self, frame: Bytes, lines: u64) {
        let mut inner = self.lock();
        inner.stream_lines += lines;
        let limit = self.queue_limit;
        let counters = &self.counters;
        // Compressed at most once, and only when a client wants it.
        let mut lz4: Option<Bytes> = None;
        inner.clients.retain_mut(|client| {
            let frame = match client.encoding {
                FrameEncoding::Plain => frame.clone(),
                FrameEncoding::Lz4 => lz4
                    .get_or_insert_with(|| {
                        Bytes::from(FrameEncoding::Lz4.encode(&frame).into_owned())
                    })
                    .clone(),
            };
            push(client, Outgoing::Data { frame, lines }, limit, counters)
        });
    }

    /// Sends a status message for `event` to every WebSocket client.
    pub fn broadcast_status(&self, event: StatusEvent) {
        let mut inner = self.lock();
        let limit = self.queue_limit;
        let mut index = 0;
        while index < inner.clients.len() {
            let client = &inner.clients[index];
            if client.kind != ClientKind::WebSocket {
                index += 1;
                continue;
            }
            let sent = client.shared.lines_sent.load(Ordering::Relaxed);
            let json = self.status_for(&inner, event, sent, client.peer);
            if push(
                &mut inner.clients[index],
                Outgoing::Status(json),
                limit,
                &self.counters,
            ) {
                index += 1;
            } else {
                inner.clients.remove(index);
            }
        }
    }

    /// Records that the source is connected and tells the clients.
    pub fn source_connected(&self) {
        {
            let mut inner = self.lock();
            inner.source = SourceState::Connected;
            inner.reason = None;
        }
        self.broadcast_status(StatusEvent::SourceConnected);
    }

    /// Records that the source is not connected, and why; tells the clients if the state or reason changed.
    /// Returns whether it changed.
    pub fn source_disconnected(&self, reason: String) -> bool {
        {
            let mut inner = self.lock();
            if inner.source == SourceState::Disconnected && inner.reason.as_deref() == Some(&reason)
            {
                return false;
            }
            inner.source = SourceState::Disconnected;
            inner.reason = Some(reason);
        }
        self.broadcast_status(StatusEvent::SourceDisconnected);
        true
    }

    /// Records that the relay runs its built-in generator (`--demo`).
    pub fn set_demo(&self, demo: bool) {
        self.lock().demo = demo;
    }

    /// The status a client would get now (with `client_lines` 0).
    pub fn status(&self, event: StatusEvent) -> Status {
        let inner = self.lock();
        self.status_struct(&inner, event, 0, None)
    }

    /// The JSON text of a status message: the relay's one encoder of status frames.
    fn status_for(
        &self,
        inner: &Inner,
        event: StatusEvent,
        client_lines: u64,
        peer: SocketAddr,
    ) -> String {
        TextMessage::Status(self.status_struct(inner, event, client_lines, Some(peer))).to_json()
    }

    /// The status for the client at `peer` (`None`: no client in particular, which may not inject).
    fn status_struct(
        &self,
        inner: &Inner,
        event: StatusEvent,
        client_lines: u64,
        peer: Option<SocketAddr>,
    ) -> Status {
        let c = &self.counters;
        Status {
            event,
            source: inner.source,
            address: self.address.clone(),
            reason: inner.reason.clone(),
            demo: inner.demo,
            lines_forwarded: c.lines_forwarded.load(Ordering::Relaxed),
            lines_dropped: c.lines_dropped.load(Ordering::Relaxed),
            lines_cut: c.lines_cut.load(Ordering::Relaxed),
            invalid_utf8: c.invalid_utf8.load(Ordering::Relaxed),
            clients: inner
                .clients
                .iter()
                .filter(|c| c.kind == ClientKind::WebSocket)
                .count() as u64,
            client_lines,
            max_line_bytes: self.max_line_bytes as u64,
            lines_injected: c.lines_injected.load(Ordering::Relaxed),
            inject: peer.is_some_and(|peer| inner.inject.allows(peer)),
            stream_lines: inner.stream_lines,
        }
    }
}

/// Queues `message` for `client`; returns `false` when the client must be removed (too slow, or gone).
fn push(client: &mut Client, message: Outgoing, limit: usize, counters: &Counters) -> bool {
    let size = message.size();
    let lines = message.lines();
    let queued = client.shared.queued_bytes.load(Ordering::Acquire);
    if queued > 0 && queued.saturating_add(size) > limit {
        let dropped = client.shared.queued_lines.load(Ordering::Acquire) + lines;
        counters.lines_dropped.fetch_add(dropped, Ordering::Relaxed);
        counters.slow_clients_closed.fetch_add(1, Ordering::Relaxed);
        let reason = CloseReason::TooSlow {
            queued,
            limit,
            dropped,
        };
        tracing::warn!(
            client = client.id,
            peer = %client.peer,
            kind = ?client.kind,
            "closing a client that fell behind: {reason}"
        );
        if let Some(kick) = client.kick.take() {
            let _ = kick.send(reason);
        }
        return false;
    }
    client.shared.queued_bytes.fetch_add(size, Ordering::AcqRel);
    client
        .shared
        .queued_lines
        .fetch_add(lines, Ordering::AcqRel);
    client.shared.lines_sent.fetch_add(lines, Ordering::Relaxed);
    client.tx.send(message).is_ok()
}

/// A client's end of its queue. Dropping it unregisters the client.
#[derive(Debug)]
pub struct ClientQueue {
    id: u64,
    hub: Arc<Hub>,
    rx: mpsc::UnboundedReceiver<Outgoing>,
    kicked: Option<oneshot::Receiver<CloseReason>>,
    shared: Arc<ClientShared>,
    inject_rate: InjectRate,
}

/// Completes when the hub closes its client for being too slow (see [`ClientQueue::take_kicked`]).
#[derive(Debug)]
pub struct Kicked {
    rx: Option<oneshot::Receiver<CloseReason>>,
}

impl Kicked {
    /// Completes with the reason when the hub closed the client for being too slow; never completes otherwise.
    pub async fn wait(&mut self) -> CloseReason {
        match &mut self.rx {
            Some(rx) => match rx.await {
                Ok(reason) => reason,
                Err(_) => {
                    // The hub dropped the client without a reason (it left or the relay stops).
                    self.rx = None;
                    std::future::pending().await
                }
            },
            None => std::future::pending().await,
        }
    }
}

impl ClientQueue {
    /// The client's number, for logs.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Puts `line`, typed into this client's page, into every client's stream, or tells this client why not: the
    /// relay's `--allow-inject` policy, one non-empty line within the line cap, and at most
    /// [`MAX_INJECTED_LINES_PER_SECOND`] lines a second.
    pub fn inject(&mut self, line: &str) {
        let refusal = self.hub.injection_refusal(self.id, line).or_else(|| {
            (!self.inject_rate.take(Instant::now())).then(|| {
                format!(
                    "more than {MAX_INJECTED_LINES_PER_SECOND} lines in one second: wait a moment and inject again"
                )
            })
        });
        match refusal {
            None => self.hub.inject_line(line),
            Some(why) => self.hub.refuse_injection(self.id, why),
        }
    }

    /// The next message, waiting for one; `None` once the hub removed this client.
    pub async fn recv(&mut self) -> Option<Outgoing> {
        let message = self.rx.recv().await?;
        self.taken(&message);
        Some(message)
    }

    /// The next message if one is queued already.
    pub fn try_recv(&mut self) -> Option<Outgoing> {
        let message = self.rx.try_recv().ok()?;
        self.taken(&message);
        Some(message)
    }

    /// Removes the client from the hub and throws away every message still queued (the client will not get them:
    /// it is being closed), freeing their memory at once. Returns how many lines were thrown away.
    pub fn discard_queued(&mut self) -> u64 {
        self.hub.unregister(self.id);
        self.rx.close();
        let mut lines = 0;
        while let Some(message) = self.try_recv() {
            lines += message.lines();
        }
        lines
    }

    /// Counts this client as closed for reading nothing while data waited, and `dropped` lines it lost.
    pub fn count_stalled(&self, dropped: u64) {
        let counters = &self.hub.counters;
        counters.lines_dropped.fetch_add(dropped, Ordering::Relaxed);
        counters
            .stalled_clients_closed
            .fetch_add(1, Ordering::Relaxed);
    }

    fn taken(&self, message: &Outgoing) {
        self.shared
            .queued_bytes
            .fetch_sub(message.size(), Ordering::AcqRel);
        self.shared
            .queued_lines
            .fetch_sub(message.lines(), Ordering::AcqRel);
    }

    /// The signal that the hub closed this client for being too slow, to select on next to [`ClientQueue::recv`].
    /// The first call takes it; later calls get a signal that never fires.
    pub fn take_kicked(&mut self) -> Kicked {
        Kicked {
            rx: self.kicked.take(),
        }
    }
}

impl Drop for ClientQueue {
    fn drop(&mut self) {
        self.hub.unregister(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:1".parse().unwrap()
    }

    #[tokio::test]
    async fn a_full_queue_gets_its_client_kicked_and_counts_dropped_lines() {
        let hub = Arc::new(Hub::new("127.0.0.1:9".into(), 100, 1000));
        let mut slow = hub
            .register(ClientKind::Tee, peer(), ClientCap::NONE)
            .unwrap();
        let mut fast = hub
            .register(ClientKind::Tee, peer(), ClientCap::NONE)
            .unwrap();
        for _ in 0..5 {
            hub.broadcast_data(Bytes::from_static(&[b'x'; 30]), 3);
            while fast.try_recv().is_some() {}
        }
        let mut kicked = slow.take_kicked();
        let reason = tokio::time::timeout(std::time::Duration::from_secs(1), kicked.wait())
            .await
            .expect("slow client kicked");
        assert!(
            matches!(
                reason,
                CloseReason::TooSlow {
                    limit: 100,
                    dropped: 12,
                    ..
                }
            ),
            "{reason:?}"
        );
        assert_eq!(hub.counters().lines_dropped.load(Ordering::Relaxed), 3 * 4);
        assert_eq!(hub.counters().lines_forwarded.load(Ordering::Relaxed), 15);
        drop(slow);
        drop(fast);
        assert_eq!(hub.websocket_clients(), 0);
    }

    #[test]
    fn a_status_says_after_which_line_of_the_stream_the_next_data_comes() {
        let hub = Arc::new(Hub::new("127.0.0.1:9".into(), 1 << 20, 1000));
        let stream_lines = |outgoing: Option<Outgoing>| match outgoing {
            Some(Outgoing::Status(json)) => match TextMessage::from_json(&json) {
                Ok(TextMessage::Status(s)) => s.stream_lines,
                other => panic!("expected a status message, got {other:?}"),
            },
            other => panic!("expected a status, got {other:?}"),
        };
        // Lines with no client connected are in the stream too: a page that comes back has missed them.
        hub.broadcast_data(Bytes::from_static(b"a\nb\n"), 2);
        let mut page = hub
            .register(ClientKind::WebSocket, peer(), ClientCap::NONE)
            .unwrap();
        assert_eq!(stream_lines(page.try_recv()), 2);
        hub.broadcast_data(Bytes::from_static(b"c\n"), 1);
        hub.inject_line("typed");
        hub.broadcast_status(StatusEvent::Tick);
        assert!(matches!(
            page.try_recv(),
            Some(Outgoing::Data { lines: 1, .. })
        ));
        assert!(matches!(
            page.try_recv(),
            Some(Outgoing::Data { lines: 1, .. })
        ));
        assert_eq!(stream_lines(page.try_recv()), 4);
        let counters = hub.counters();
        assert_eq!(
            counters.lines_forwarded.load(Ordering::Relaxed)
                + counters.lines_injected.load(Ordering::Relaxed),
            4
        );
    }

    #[test]
    fn websocket_clients_are_capped_and_greeted() {
        let hub = Arc::new(Hub::new("127.0.0.1:9".into(), 1 << 20, 1000));
        let one = ClientCap {
            total: 1,
            per_ip: 5,
        };
        let mut a = hub.register(ClientKind::WebSocket, peer(), one).unwrap();
        assert_eq!(
            hub.register(ClientKind::WebSocket, peer(), one)
                .unwrap_err(),
            Refused::TooManyClients { max: 1 }
        );
        match a.try_recv() {
            Some(Outgoing::Status(json)) => match TextMessage::from_json(&json) {
                Ok(TextMessage::Status(s)) => assert_eq!(s.event, StatusEvent::Hello),
                other => panic!("expected a status message, got {other:?}"),
            },
            other => panic!("expected hello, got {other:?}"),
        }
        drop(a);
        assert!(hub.register(ClientKind::WebSocket, peer(), one).is_ok());
    }

    #[test]
    fn one_ip_address_gets_at_most_its_share_of_the_clients() {
        let hub = Arc::new(Hub::new("127.0.0.1:9".into(), 1 << 20, 1000));
        let cap = ClientCap {
            total: 10,
            per_ip: 2,
        };
        let from = |ip: &str| SocketAddr::new(ip.parse().unwrap(), 5000);
        let _a = hub
            .register(ClientKind::WebSocket, from("10.0.0.1"), cap)
            .unwrap();
        let _b = hub
            .register(ClientKind::WebSocket, from("10.0.0.1"), cap)
            .unwrap();
        assert_eq!(
            hub.register(ClientKind::WebSocket, from("10.0.0.1"), cap)
                .unwrap_err(),
            Refused::TooManyFromPeer {
                max: 2,
                ip: "10.0.0.1".parse().unwrap()
            }
        );
        assert!(hub
            .register(ClientKind::WebSocket, from("10.0.0.2"), cap)
            .is_ok());
        // Tee clients are not WebSocket clients: no cap.
        assert!(hub
            .register(ClientKind::Tee, from("10.0.0.1"), ClientCap::NONE)
            .is_ok());
    }
}
