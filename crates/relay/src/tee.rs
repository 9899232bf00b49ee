//! `--tee`: re-serve the very same lines as plain TCP, for a real PySpark `socketTextStream`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::accept::accept_until_shutdown;
use crate::hub::{ClientCap, ClientKind, ClientQueue, Hub, Outgoing};
use crate::shutdown::Shutdown;

/// Accepts plain TCP clients on `listener` until shutdown; each gets every line from the moment it connects.
pub async fn run(listener: TcpListener, hub: Arc<Hub>, shutdown: Shutdown) {
    let stop = shutdown.clone();
    accept_until_shutdown(listener, "tee", shutdown, None, move |stream, peer| {
        let _ = stream.set_nodelay(true);
        // Tee clients are not capped by --max-clients (that is for browsers); each is bounded in memory.
        let queue = hub.register(ClientKind::Tee, peer, ClientCap::NONE).ok()?;
        tracing::info!(%peer, "tee client connected");
        Some(serve_client(stream, peer, queue, stop.clone()))
    })
    .await
}

async fn serve_client(
    stream: TcpStream,
    peer: SocketAddr,
    mut queue: ClientQueue,
    shutdown: Shutdown,
) {
    let (mut reader, mut writer) = stream.into_split();
    let mut scratch = [0u8; 4096];
    let mut kicked = queue.take_kicked();
    let end = loop {
        let outgoing = tokio::select! {
            biased;
            reason = kicked.wait() => break format!("closed by the relay ({reason})"),
            _ = shutdown.wait() => break "relay shutting down".to_string(),
            // Whatever the client sends is ignored; end of its stream means it left.
            read = reader.read(&mut scratch) => match read {
                Ok(0) | Err(_) => break "the client closed the connection".to_string(),
                Ok(_) => continue,
            },
            outgoing = queue.recv() => match outgoing {
                Some(outgoing) => outgoing,
                None => break "removed by the relay".to_string(),
            },
        };
        let Outgoing::Data { frame, .. } = outgoing else {
            continue;
        };
        let written = tokio::select! {
            biased;
            reason = kicked.wait() => break format!("closed by the relay ({reason})"),
            _ = shutdown.wait() => break "relay shutting down".to_string(),
            written = writer.write_all(&frame) => written,
        };
        if let Err(e) = written {
            break format!("sending failed ({e})");
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), writer.shutdown()).await;
    tracing::info!(%peer, "tee client gone: {end}");
}
