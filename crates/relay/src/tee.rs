//! `--tee`: re-serve the very same lines as plain TCP, for a real PySpark `socketTextStream`.
//!
//! A tee client is held to the same bounds as a browser: the kernel send buffer (`--send-buffer-bytes`), the
//! queue (`--client-queue-bytes`) and the time it may read nothing while data waits (`--stall-ms`). Plain TCP has
//! no close frame to tell it why, so a client dropped for not reading is reset (the kernel frees what it held for
//! it at once) and the reason goes to the log and the counters.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::accept::accept_until_shutdown;
use crate::hub::{ClientCap, ClientKind, ClientQueue, Hub, Outgoing};
use crate::shutdown::Shutdown;
use crate::socket::{self, Watched};

/// The bounds of each tee client.
#[derive(Debug, Clone, Copy)]
pub struct TeeConfig {
    /// A client that takes no byte for this long while data waits for it is reset (`--stall-ms`).
    pub stall_timeout: Duration,
    /// The kernel send buffer of each connection (`--send-buffer-bytes`).
    pub send_buffer_bytes: usize,
}

/// Accepts plain TCP clients on `listener` until shutdown; each gets every line from the moment it connects.
pub async fn run(listener: TcpListener, hub: Arc<Hub>, config: TeeConfig, shutdown: Shutdown) {
    let stop = shutdown.clone();
    accept_until_shutdown(listener, "tee", shutdown, None, move |stream, peer| {
        socket::tune(&stream, config.send_buffer_bytes);
        // Tee clients are not capped by --max-clients (that is for browsers); each is bounded in memory and time.
        let queue = hub.register(ClientKind::Tee, peer, ClientCap::NONE).ok()?;
        tracing::info!(%peer, "tee client connected");
        Some(serve_client(stream, peer, queue, config, stop.clone()))
    })
    .await
}

/// How a tee client's connection ended.
enum End {
    /// It left, or the relay stops: a normal close.
    Closed(String),
    /// The relay dropped it (too slow, stalled): a reset, so the kernel keeps nothing for it.
    Dropped(String),
}

async fn serve_client(
    stream: TcpStream,
    peer: SocketAddr,
    mut queue: ClientQueue,
    config: TeeConfig,
    shutdown: Shutdown,
) {
    let watched = Watched::new(stream);
    let clock = watched.clock();
    let (mut reader, mut writer) = tokio::io::split(watched);
    let mut scratch = [0u8; 4096];
    let mut kicked = queue.take_kicked();
    let end = loop {
        let outgoing = tokio::select! {
            biased;
            reason = kicked.wait() => break End::Dropped(format!("closed by the relay ({reason})")),
            _ = shutdown.wait() => break End::Closed("relay shutting down".to_string()),
            // Whatever the client sends is ignored; end of its stream means it left.
            read = reader.read(&mut scratch) => match read {
                Ok(0) | Err(_) => break End::Closed("the client closed the connection".to_string()),
                Ok(_) => continue,
            },
            outgoing = queue.recv() => match outgoing {
                Some(outgoing) => outgoing,
                None => break End::Closed("removed by the relay".to_string()),
            },
        };
        let Outgoing::Data { frame, .. } = outgoing else {
            continue;
        };
        // Data waits for the client from now on: the time it read nothing before does not count.
        clock.tick();
        let written = tokio::select! {
            biased;
            reason = kicked.wait() => break End::Dropped(format!("closed by the relay ({reason})")),
            _ = shutdown.wait() => break End::Closed("relay shutting down".to_string()),
            _ = clock.stalled(config.stall_timeout) => {
                let dropped = queue.discard_queued();
                queue.count_stalled(dropped);
                break End::Dropped(format!(
                    "stalled: it read nothing for {} ms, {dropped} queued lines dropped",
                    config.stall_timeout.as_millis()
                ));
            }
            written = writer.write_all(&frame) => written,
        };
        if let Err(e) = written {
            break End::Closed(format!("sending failed ({e})"));
        }
    };
    match end {
        End::Closed(end) => {
            let _ = tokio::time::timeout(Duration::from_secs(1), writer.shutdown()).await;
            tracing::info!(%peer, "tee client gone: {end}");
        }
        End::Dropped(end) => {
            socket::abort_on_close(reader.unsplit(writer).get_ref());
            tracing::warn!(%peer, "tee client reset: {end}");
        }
    }
}
