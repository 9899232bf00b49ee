//! The relay's one listening port: WebSocket upgrades on `/ws` go to [`crate::ws`] untouched; plain HTTP gets the
//! app (`--serve DIR`, see [`crate::site`]), a small status page, or an error that says what to do.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use dstream_protocol::{SourceState, StatusEvent, WS_PATH};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::http::StatusCode;

use crate::accept::accept_until_shutdown;
use crate::handshakes::{Handshakes, Ticket};
use crate::http::{self, Head, RequestHead, Response};
use crate::hub::Hub;
use crate::shutdown::Shutdown;
use crate::site::Site;
use crate::socket;
use crate::ws::{self, WsConfig, HANDSHAKE_TIMEOUT};

/// How long answering one plain HTTP request may take (the app's wasm to a slow phone included).
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// What the port serves besides the WebSocket.
#[derive(Debug, Clone)]
pub struct FrontConfig {
    /// Who may open a WebSocket.
    pub ws: Arc<WsConfig>,
    /// The built app (`--serve DIR`), if any.
    pub site: Option<Arc<Site>>,
    /// The connections that have not sent their request yet, capped (`--max-handshakes`).
    pub handshakes: Arc<Handshakes>,
    /// The kernel send buffer of each connection (`--send-buffer-bytes`).
    pub send_buffer_bytes: usize,
}

/// Accepts connections on `listener` until shutdown, and serves each as WebSocket or plain HTTP.
pub async fn run(listener: TcpListener, config: FrontConfig, hub: Arc<Hub>, shutdown: Shutdown) {
    let stop = shutdown.clone();
    let handshakes = config.handshakes.clone();
    accept_until_shutdown(
        listener,
        "WebSocket",
        shutdown,
        Some(handshakes),
        move |stream, peer| {
            socket::tune(&stream, config.send_buffer_bytes);
            let ticket = config.handshakes.admit();
            Some(serve_connection(
                stream,
                peer,
                config.clone(),
                hub.clone(),
                stop.clone(),
                ticket,
            ))
        },
    )
    .await
}

async fn serve_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    config: FrontConfig,
    hub: Arc<Hub>,
    shutdown: Shutdown,
    mut ticket: Ticket,
) {
    let head = tokio::select! {
        _ = shutdown.wait() => return,
        _ = ticket.evicted() => {
            tracing::debug!(%peer, "closing a connection that sent no request, to make room (--max-handshakes)");
            return;
        }
        head = tokio::time::timeout(HANDSHAKE_TIMEOUT, http::peek_head(&stream)) => head,
    };
    let head = match head {
        Ok(Ok(head)) => head,
        Ok(Err(e)) => {
            tracing::debug!(%peer, "reading a request failed: {e}");
            return;
        }
        Err(_) => {
            tracing::info!(%peer, "no complete request within {} s; closing", HANDSHAKE_TIMEOUT.as_secs());
            return;
        }
    };
    let (response, head_len, head_only) = match head {
        Head::Request(request) if request.is_websocket_upgrade() => {
            // Every byte of the handshake is still in the socket: tungstenite reads it as if nothing had looked.
            return ws::serve_client(stream, peer, config.ws, hub, shutdown, ticket).await;
        }
        Head::Request(request) => {
            let response = answer(&request, &config, &hub).await;
            tracing::debug!(%peer, "HTTP {} {} -> {}", request.method, request.target, response.status);
            (response, request.len, request.method == "HEAD")
        }
        Head::Malformed(why) => {
            tracing::debug!(%peer, "not an HTTP request: {why}");
            // Nothing is consumed: the request could not be delimited.
            let text = format!("this is not an HTTP request ({why})");
            (Response::text(StatusCode::BAD_REQUEST, text), 0, false)
        }
        Head::TooLarge => (
            Response::text(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!(
                    "the request head is larger than {} bytes or has too many headers",
                    http::MAX_HEAD_BYTES
                ),
            ),
            0,
            false,
        ),
        Head::Closed => return,
    };
    // The request is in: this connection is no longer half-open.
    drop(ticket);
    let send = response.send(&mut stream, head_len, head_only);
    tokio::select! {
        _ = shutdown.wait() => {}
        sent = tokio::time::timeout(HTTP_TIMEOUT, send) => match sent {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(%peer, "sending an HTTP response failed: {e}"),
            Err(_) => tracing::info!(%peer, "an HTTP response took longer than {} s; closing", HTTP_TIMEOUT.as_secs()),
        },
    }
}

/// The answer to a plain (not WebSocket) request.
async fn answer(request: &RequestHead, config: &FrontConfig, hub: &Hub) -> Response {
    if request.path() == WS_PATH {
        return Response::text(
            StatusCode::UPGRADE_REQUIRED,
            format!("this is the relay's WebSocket: connect with ws://HOST:PORT{WS_PATH}"),
        )
        .with_header("Upgrade", "websocket")
        .with_header("Connection", "Upgrade");
    }
    if request.method != "GET" && request.method != "HEAD" {
        return Response::text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "the relay only answers GET and HEAD, not {}",
                request.method
            ),
        )
        .with_header("Allow", "GET, HEAD");
    }
    match &config.site {
        Some(site) => site.respond(request).await,
        None if request.path() == "/" => Response::text(
            StatusCode::OK,
            status_page(request, hub, &config.handshakes),
        ),
        None => Response::text(
            StatusCode::NOT_FOUND,
            format!(
                "the relay serves only ws://HOST:PORT{WS_PATH} and a status page at /; start it with --serve DIR to \
                 serve the app too"
            ),
        ),
    }
}

/// A few lines saying what this relay is doing, for someone who opens its address in a browser.
fn status_page(request: &RequestHead, hub: &Hub, handshakes: &Handshakes) -> String {
    let status = hub.status(StatusEvent::Tick);
    let host = request.header("host").unwrap_or("HOST:PORT");
    let source = match status.source {
        SourceState::Connected => format!("{} (connected)", status.address),
        _ => format!(
            "{} (not connected: {})",
            status.address,
            status.reason.as_deref().unwrap_or("retrying")
        ),
    };
    format!(
        "DStream Lab relay\n\
         \n\
         WebSocket (for the page): ws://{host}{WS_PATH}\n\
         source: {source}{demo}\n\
         WebSocket clients: {clients}\n\
         lines forwarded: {forwarded}, dropped: {dropped}, cut: {cut}, with invalid UTF-8: {invalid}\n\
         connections that have not sent a request yet: {half_open} (closed to make room: {evicted})\n\
         \n\
         The app is not served here: open it with trunk serve, or start the relay with --serve dist.",
        demo = if status.demo { " (built-in demo generator)" } else { "" },
        clients = status.clients,
        forwarded = status.lines_forwarded,
        dropped = status.lines_dropped,
        cut = status.lines_cut,
        invalid = status.invalid_utf8,
        half_open = handshakes.open(),
        evicted = handshakes.evicted(),
    )
}
