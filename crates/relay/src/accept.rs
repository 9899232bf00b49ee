//! The accept loop every listener of the relay shares: take connections until
//! shutdown, hand each to its server task, then let those tasks finish.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

use crate::shutdown::Shutdown;

/// Accepts connections on `listener` until `shutdown`. `serve` turns each one
/// into the task that serves it, or `None` to drop it. After shutdown it waits
/// for the tasks, so that clients receive their goodbye (close frame, last lines).
/// `what` names the kind of connection in the log ("WebSocket", "tee", ...).
pub async fn accept_until_shutdown<F, T>(
    listener: TcpListener,
    what: &'static str,
    shutdown: Shutdown,
    mut serve: F,
) where
    F: FnMut(TcpStream, SocketAddr) -> Option<T>,
    T: Future<Output = ()> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
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
                // Usually "too many open files": wait a little instead of spinning.
                tracing::warn!("accepting a {what} connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}
