//! The accept loop every listener of the relay shares: take connections until
//! shutdown, hand each to its server task, then let those tasks finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

use crate::handshakes::Handshakes;
use crate::shutdown::Shutdown;

/// The pause after a failed accept (usually "too many open files") when nothing could be freed: long enough not
/// to spin, short enough that a descriptor freed elsewhere is used soon.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// The pause after a failed accept that evicted a half-open connection: time for its task to close it. Short,
/// because the connections waiting in the kernel's queue are taken one per attempt, a real client behind a flood.
const EVICTED_BACKOFF: Duration = Duration::from_millis(1);
/// Failed accepts less than this far apart are one burst, logged once.
const BURST_GAP: Duration = Duration::from_secs(10);

/// Accepts connections on `listener` until `shutdown`. `serve` turns each one
/// into the task that serves it, or `None` to drop it. After shutdown it waits
/// for the tasks, so that clients receive their goodbye (close frame, last lines).
/// `what` names the kind of connection in the log ("WebSocket", "tee", ...).
///
/// When accepting fails (out of file descriptors, most often) it evicts the oldest of `handshakes`, if given, to
/// free one, pauses briefly instead of spinning, and logs once per burst of failures, not once per failure.
pub async fn accept_until_shutdown<F, T>(
    listener: TcpListener,
    what: &'static str,
    shutdown: Shutdown,
    handshakes: Option<Arc<Handshakes>>,
    mut serve: F,
) where
    F: FnMut(TcpStream, SocketAddr) -> Option<T>,
    T: Future<Output = ()> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    // The last failed accept, and the failures of the burst it belongs to.
    let mut last_failure: Option<tokio::time::Instant> = None;
    let mut failures: u64 = 0;
    loop {
        let accepted = tokio::select! {
            _ = shutdown.wait() => break,
            accepted = listener.accept() => accepted,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
        };
        match accepted {
            Ok((stream, peer)) => {
                if let Some(task) = serve(stream, peer) {
                    tasks.spawn(task);
                }
            }
            Err(e) => {
                let now = tokio::time::Instant::now();
                if last_failure.is_none_or(|last| now - last >= BURST_GAP) {
                    let before = if failures > 0 {
                        format!(" ({failures} failures in the previous burst)")
                    } else {
                        String::new()
                    };
                    let relief = if handshakes.is_some() {
                        "closing the oldest half-open connections and retrying"
                    } else {
                        "retrying"
                    };
                    tracing::warn!(
                        "accepting a {what} connection failed: {e}; {relief} (logged once per burst of failures){before}"
                    );
                    failures = 0;
                }
                last_failure = Some(now);
                failures += 1;
                let freed = handshakes.as_ref().is_some_and(|h| h.evict_oldest());
                let pause = if freed {
                    EVICTED_BACKOFF
                } else {
                    ACCEPT_BACKOFF
                };
                tokio::select! {
                    _ = shutdown.wait() => break,
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}
