//! The WebSocket side: the handshake on `/ws` (path, `Origin` and client-cap checks), then each client's queue
//! streamed to it. Connections arrive through [`crate::front`], which hands over the upgrade requests.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dstream_protocol::{
    ClientMessage, CloseReason, FrameEncoding, MAX_CLIENT_MESSAGE_BYTES, WS_PATH,
};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::header::SEC_WEBSOCKET_PROTOCOL;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use crate::handshakes::Ticket;
use crate::hub::{ClientCap, ClientKind, ClientQueue, Hub, Outgoing, Refused};
use crate::shutdown::Shutdown;
use crate::socket::{self, Watched};

/// How long a handshake may take.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest reason text a close frame may carry (RFC 6455: a control frame's payload is at most 125 bytes, two
/// of which are the code).
const MAX_CLOSE_REASON_BYTES: usize = 123;

type Stream = WebSocketStream<Watched<TcpStream>>;

/// Who may connect.
#[derive(Debug, Clone)]
pub struct WsConfig {
    /// Origins allowed to connect (exact match, e.g. `http://127.0.0.1:8080`); `*` allows every origin.
    pub allow_origins: Vec<String>,
    /// The most WebSocket clients at once, in all and from one IP address.
    pub cap: ClientCap,
    /// A client that takes no byte for this long while data waits for it is closed (`--stall-ms`).
    pub stall_timeout: Duration,
    /// How long a client has, once the relay closes it, to read up to the close frame and answer it before the
    /// connection is reset (`--close-timeout-ms`); also the bound on each client's goodbye at shutdown.
    pub close_timeout: Duration,
    /// Also allow the page's own origin: an `Origin` whose host and port are the request's `Host` (`--serve`, where
    /// the relay serves the page itself).
    pub allow_same_origin: bool,
}

/// Why a handshake is refused: the HTTP status and a sentence for the person at the other end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status of the refusal.
    pub status: StatusCode,
    /// What went wrong and what to do.
    pub message: String,
}

impl Refusal {
    fn into_response(self) -> ErrorResponse {
        let mut response = ErrorResponse::new(Some(self.message + "\n"));
        *response.status_mut() = self.status;
        response
    }
}

/// Decides whether a handshake request may proceed (path `/ws`, allowed `Origin`).
pub fn check_request(request: &Request, config: &WsConfig) -> Result<(), Refusal> {
    if request.uri().path() != WS_PATH {
        return Err(Refusal {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "no WebSocket here: the relay serves ws://HOST:PORT{WS_PATH}, not {}",
                request.uri().path()
            ),
        });
    }
    let origins = request.headers().get_all("origin").iter().count();
    if origins > 1 {
        return Err(Refusal {
            status: StatusCode::FORBIDDEN,
            message: format!(
                "the request has {origins} Origin headers; a browser sends one, and the relay checks exactly one"
            ),
        });
    }
    if let Some(origin) = request.headers().get("origin") {
        let origin = origin.to_str().unwrap_or("(not text)");
        let host = request.headers().get("host").and_then(|h| h.to_str().ok());
        let same_origin =
            config.allow_same_origin && host.is_some_and(|h| is_same_origin(origin, h));
        if !same_origin && !origin_allowed(origin, &config.allow_origins) {
            return Err(Refusal {
                status: StatusCode::FORBIDDEN,
                message: format!(
                    "origin {origin} is not allowed; start the relay with --allow-origin {origin} to allow it"
                ),
            });
        }
    }
    Ok(())
}

/// The handshake callback: checks the request and registers the client with the hub, storing its queue in `slot`.
/// A client that offers the LZ4 subprotocol gets it named in the answer, and its data frames compressed.
// The callback's signature, with its large error type, is fixed by tungstenite's `Callback` trait.
#[allow(clippy::result_large_err)]
fn handshake_callback(
    peer: SocketAddr,
    config: Arc<WsConfig>,
    hub: Arc<Hub>,
    slot: Arc<Mutex<Option<(ClientQueue, FrameEncoding)>>>,
) -> impl FnOnce(&Request, Response) -> Result<Response, ErrorResponse> + Unpin {
    move |request: &Request, mut response: Response| {
        if let Err(refusal) = check_request(request, &config) {
            tracing::info!(%peer, "refused a WebSocket handshake: {}", refusal.message);
            return Err(refusal.into_response());
        }
        let offered = request
            .headers()
            .get_all(SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','));
        let encoding = FrameEncoding::chosen_from(offered);
        if let Some(name) = encoding.subprotocol() {
            response
                .headers_mut()
                .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(name));
        }
        match hub.register_as(ClientKind::WebSocket, encoding, peer, config.cap) {
            Ok(queue) => {
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some((queue, encoding));
                Ok(response)
            }
            Err(refused) => {
                let refusal = refusal(refused);
                tracing::warn!(%peer, "refused a WebSocket client: {}", refusal.message);
                Err(refusal.into_response())
            }
        }
    }
}

/// The HTTP answer to a client the hub has no room for.
fn refusal(refused: Refused) -> Refusal {
    match refused {
        Refused::TooManyClients { max } => Refusal {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: format!("the relay already has {max} clients (--max-clients); try again later"),
        },
        Refused::TooManyFromPeer { max, ip } => Refusal {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: format!(
                "{ip} already has {max} connections to the relay (--max-clients-per-ip); close a tab, or start the \
                 relay with a higher --max-clients-per-ip if several people share this address"
            ),
        },
    }
}

/// Whether `origin` is in the allow-list (`*` allows all; a trailing `/` is ignored).
pub fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    let origin = origin.trim_end_matches('/');
    allowed
        .iter()
        .any(|a| a == "*" || a.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

/// Whether `origin` (`http://HOST:PORT` as a browser sends it) is the origin of a page served at `host` (the
/// request's `Host` header): the page the relay served itself.
pub fn is_same_origin(origin: &str, host: &str) -> bool {
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|authority| authority.trim_end_matches('/').eq_ignore_ascii_case(host))
}

/// Serves one connection whose request head (not yet read) is a WebSocket upgrade: the handshake with its checks,
/// then the client's stream until it leaves, is closed, or the relay stops.
/// `ticket` is the connection's place among the half-open ones: it is given up once the handshake is done, and
/// the handshake is abandoned if the connection is evicted first.
pub(crate) async fn serve_client(
    stream: TcpStream,
    peer: SocketAddr,
    config: Arc<WsConfig>,
    hub: Arc<Hub>,
    shutdown: Shutdown,
    mut ticket: Ticket,
) {
    let slot: Arc<Mutex<Option<(ClientQueue, FrameEncoding)>>> = Arc::new(Mutex::new(None));
    let callback = handshake_callback(peer, config.clone(), hub.clone(), slot.clone());
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(MAX_CLIENT_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_CLIENT_MESSAGE_BYTES))
        // Clients send (almost) nothing, and tungstenite zero-fills this many bytes of its read buffer on every
        // read attempt, which the relay makes each time it waits for data or a message: with the default 128 KiB
        // that memset was about 9 % of the relay's CPU at 10 k lines/s. Larger messages still arrive (in steps).
        .read_buffer_size(4 * 1024)
        // Frames are written to the socket once 256 KiB are buffered (or at the flush after each batch): up to
        // four 64 KiB frames per write call when a client lags, fewer system calls and wake-ups per byte (in one
        // profiled comparison, about 15 % less relay CPU per line than with 64 KiB). Costs up to 256 KiB per client.
        .write_buffer_size(256 * 1024);
    let handshake = tokio_tungstenite::accept_hdr_async_with_config(
        Watched::new(stream),
        callback,
        Some(ws_config),
    );
    let handshake = tokio::select! {
        _ = ticket.evicted() => {
            tracing::debug!(%peer, "WebSocket handshake abandoned to make room (--max-handshakes)");
            return;
        }
        _ = shutdown.wait() => return,
        handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake) => handshake,
    };
    drop(ticket);
    let ws = match handshake {
        Ok(Ok(ws)) => ws,
        Ok(Err(e)) => {
            tracing::debug!(%peer, "WebSocket handshake failed: {e}");
            return;
        }
        Err(_) => {
            tracing::info!(%peer, "WebSocket handshake timed out");
            return;
        }
    };
    let Some((queue, encoding)) = slot.lock().unwrap_or_else(|p| p.into_inner()).take() else {
        return;
    };
    let frames = encoding.subprotocol().unwrap_or("plain");
    tracing::info!(%peer, client = queue.id(), clients = hub.websocket_clients(), frames, "WebSocket client connected");
    let end = stream_to_client(ws, queue, &config, &shutdown).await;
    tracing::info!(%peer, clients = hub.websocket_clients(), "WebSocket client gone: {end}");
}

/// Sends the queue to the client until it leaves, is closed, or the relay stops; returns how it ended.
async fn stream_to_client(
    ws: Stream,
    mut queue: ClientQueue,
    config: &WsConfig,
    shutdown: &Shutdown,
) -> String {
    let clock = ws.get_ref().clock();
    let (mut sink, mut incoming) = ws.split();
    let mut kicked = queue.take_kicked();
    let stalled = CloseReason::Stalled {
        stall_ms: config.stall_timeout.as_millis() as u64,
        dropped: 0,
    };
    let close = loop {
        let first = tokio::select! {
            biased;
            reason = kicked.wait() => break Some(reason),
            _ = shutdown.wait() => break Some(CloseReason::Shutdown),
            message = incoming.next() => match message {
                Some(Ok(Message::Close(_))) | None => break None,
                Some(Ok(Message::Text(text))) => {
                    match ClientMessage::from_json(&text) {
                        Ok(ClientMessage::Inject { line }) => queue.inject(&line),
                        _ => tracing::debug!(client = queue.id(), "ignoring a text message from a client"),
                    }
                    continue;
                }
                Some(Ok(Message::Binary(_))) => {
                    tracing::debug!(client = queue.id(), "ignoring a binary message from a client");
                    continue;
                }
                Some(Ok(_)) => continue,
                Some(Err(WsError::Capacity(e))) => {
                    tracing::info!(client = queue.id(), "closing a client that sent too much: {e}");
                    break Some(CloseReason::MessageTooBig);
                }
                Some(Err(WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake))) => {
                    return "the client went away without a close frame".to_string();
                }
                Some(Err(WsError::Protocol(e))) => {
                    tracing::info!(client = queue.id(), "closing a client that broke the protocol: {e}");
                    break Some(CloseReason::ProtocolError(e.to_string()));
                }
                Some(Err(e)) => return format!("connection error ({e})"),
            },
            outgoing = queue.recv() => match outgoing {
                Some(outgoing) => outgoing,
                None => break None,
            },
        };
        // Data waits for the client from now on: the time it read nothing before does not count.
        clock.tick();
        // Send what is queued in one go, but stay ready to be kicked or stopped while the client is slow.
        let write = async {
            sink.feed(to_message(first)).await?;
            let mut batch = 1;
            while batch < 64 {
                let Some(next) = queue.try_recv() else { break };
                sink.feed(to_message(next)).await?;
                batch += 1;
            }
            sink.flush().await
        };
        let written = tokio::select! {
            biased;
            reason = kicked.wait() => break Some(reason),
            _ = shutdown.wait() => break Some(CloseReason::Shutdown),
            _ = clock.stalled(config.stall_timeout) => break Some(stalled.clone()),
            written = write => written,
        };
        if let Err(e) = written {
            return format!("sending failed ({e})");
        }
    };
    match close {
        Some(reason) => close_client(sink, incoming, queue, reason, config.close_timeout).await,
        None => "the client closed the connection".to_string(),
    }
}

/// Closes a client the relay is done with: throws its queue away, sends the close frame, and waits up to
/// `timeout` for the client to read up to it and answer. A client that does not is reset, so the kernel frees the
/// data it still holds for it. Returns how it ended, for the log.
async fn close_client(
    mut sink: SplitSink<Stream, Message>,
    mut incoming: SplitStream<Stream>,
    mut queue: ClientQueue,
    mut reason: CloseReason,
    timeout: Duration,
) -> String {
    let deadline = Instant::now() + timeout;
    let discarded = queue.discard_queued();
    if let CloseReason::Stalled { dropped, .. } = &mut reason {
        *dropped = discarded;
        queue.count_stalled(discarded);
        tracing::warn!(
            client = queue.id(),
            "closing a client that stopped reading: {reason}"
        );
    }
    let frame = CloseFrame {
        code: CloseCode::from(reason.code()),
        reason: close_reason_text(&reason).into(),
    };
    // The close frame follows only the bytes already on their way (the WebSocket write buffer and the socket's),
    // which a slow client reads first.
    let end = match tokio::time::timeout_at(deadline, sink.send(Message::Close(Some(frame)))).await
    {
        Ok(Ok(())) => match tokio::time::timeout_at(deadline, answered(&mut incoming)).await {
            Ok(()) => return format!("closed by the relay ({reason})"),
            Err(_) => "the client did not answer the close frame",
        },
        Ok(Err(WsError::Io(_) | WsError::ConnectionClosed | WsError::AlreadyClosed)) => {
            return format!("closed by the relay ({reason}); the client was gone");
        }
        Ok(Err(_)) => "the close frame could not be sent",
        Err(_) => "the client did not read up to the close frame",
    };
    if let Ok(ws) = sink.reunite(incoming) {
        socket::abort_on_close(ws.get_ref().get_ref());
    }
    format!(
        "closed by the relay ({reason}); {end} within {} ms, so the connection was reset",
        timeout.as_millis()
    )
}

/// Completes when the client has answered the relay's close frame (or left).
async fn answered(incoming: &mut SplitStream<Stream>) {
    while let Some(Ok(_)) = incoming.next().await {}
}

/// The reason text of the close frame, cut to what a close frame can carry (at a character boundary).
fn close_reason_text(reason: &CloseReason) -> String {
    let mut text = reason.to_string();
    if text.len() > MAX_CLOSE_REASON_BYTES {
        let mut end = MAX_CLOSE_REASON_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn to_message(outgoing: Outgoing) -> Message {
    match outgoing {
        Outgoing::Data { frame, .. } => Message::Binary(frame),
        Outgoing::Status(json) => Message::Text(json.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_exactly_or_by_star() {
        let allowed = vec![
            "http://127.0.0.1:8080".to_string(),
            "http://localhost:8080/".to_string(),
        ];
        assert!(origin_allowed("http://127.0.0.1:8080", &allowed));
        assert!(origin_allowed("http://localhost:8080", &allowed));
        assert!(!origin_allowed("http://evil.example", &allowed));
        assert!(!origin_allowed("http://127.0.0.1:8081", &allowed));
        assert!(origin_allowed("http://evil.example", &["*".to_string()]));
    }

    #[test]
    fn same_origin_means_the_origins_host_and_port_are_the_requests_host() {
        assert!(is_same_origin(
            "http://192.168.1.20:8080",
            "192.168.1.20:8080"
        ));
        assert!(is_same_origin("http://Lab.local:8080/", "lab.local:8080"));
        assert!(is_same_origin("http://lab.local", "lab.local"));
        assert!(!is_same_origin(
            "http://192.168.1.20:8081",
            "192.168.1.20:8080"
        ));
        assert!(!is_same_origin("http://evil.example", "192.168.1.20:8080"));
        assert!(!is_same_origin("null", "null"));
    }
}
