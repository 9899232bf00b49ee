//! The accept loop every listener of the relay shares: take connections until
//! shutdown, hand each to its server task, then let those tasks finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

use crate::handshakes::Handshakes;
use crate::shutdown::Shutdown;

/// The pause after a failed accept (usually "too many open files"): long enough not to spin, short enough that a
/// freed file descriptor is used soon.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Accepts connections on `listener` until `shutdown`. `serve` turns each one
/// into the task that serves it, or `None` to drop it. After shutdown it waits
/// for the tasks, so that clients receive their goodbye (close frame, last lines).
/// `what` names the kind of connection in the log ("WebSocket", "tee", ...).
///
/// When accepting fails (out of file descriptors, most often) it evicts the oldest of `handshakes`, if given, to
/// free one, pauses briefly instead of spinning, and logs once per run of failures, not once per failure.
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
    let mut failures: u64 = 0;
    loop {
        let accepted = tokio::select! {
            _ = shutdown.wait() => break,
            accepted = listener.accept() => accepted,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
        };
        match accepted {
            Ok((stream, peer)) => {
                if failures > 0 {
                    tracing::warn!("accepting {what} connections works again after {failures} failed attempts");
                    failures = 0;
                }
                if let Some(task) = serve(stream, peer) {
                    tasks.spawn(task);
                }
            }
            Err(e) => {
                if failures == 0 {
                    tracing::warn!(
                        "accepting a {what} connection failed: {e}; retrying every {} ms (logged once until it \
                         works again)",
                        ACCEPT_BACKOFF.as_millis()
                    );
                }
                failures += 1;
                if let Some(handshakes) = &handshakes {
                    handshakes.evict_oldest();
                }
                tokio::select! {
                    _ = shutdown.wait() => break,
                    _ = tokio::time::sleep(ACCEPT_BACKOFF) => {}
                }
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}
