//! A client's TCP socket: the options that bound what the kernel holds for it, an abortive close, and a clock of
//! the last time the socket took bytes (how the relay sees that a client has stopped reading).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use socket2::SockRef;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Sets the options of an accepted client socket: no Nagle delay, and a send buffer of `send_buffer_bytes`, so
/// the data the kernel holds for a client that does not read is bounded (Linux doubles the figure for its
/// bookkeeping and otherwise grows the buffer up to `net.ipv4.tcp_wmem`, 4 MiB by default). Failures are logged:
/// the connection still works, only less bounded.
pub fn tune(stream: &TcpStream, send_buffer_bytes: usize) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!("cannot set TCP_NODELAY: {e}");
    }
    if let Err(e) = SockRef::from(stream).set_send_buffer_size(send_buffer_bytes) {
        tracing::warn!(
            "cannot set the send buffer of a client socket to {send_buffer_bytes} bytes: {e}"
        );
    }
}

/// Makes the coming close of `stream` abortive (`SO_LINGER` 0: a reset): the kernel frees at once what it still
/// holds for a client that stopped reading, instead of keeping it for as long as the client keeps the connection.
pub fn abort_on_close(stream: &TcpStream) {
    if let Err(e) = SockRef::from(stream).set_linger(Some(Duration::ZERO)) {
        tracing::debug!("cannot set SO_LINGER 0: {e}");
    }
}

/// When a [`Watched`] stream last took bytes (or was last told that data started waiting). Shared with the task
/// that watches it.
#[derive(Debug)]
pub struct WriteClock {
    start: Instant,
    /// Milliseconds since `start`.
    last_ms: AtomicU64,
}

impl WriteClock {
    fn new() -> WriteClock {
        WriteClock {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    /// Records progress now.
    pub fn tick(&self) {
        let ms = self.start.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    /// Completes once `timeout` has passed without progress. Call [`WriteClock::tick`] when data starts waiting,
    /// so the time before (when nothing waited) does not count.
    pub async fn stalled(&self, timeout: Duration) {
        loop {
            let deadline = self.last() + timeout;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A stream that records in its [`WriteClock`] every write that the socket took bytes from.
#[derive(Debug)]
pub struct Watched<S> {
    inner: S,
    clock: Arc<WriteClock>,
}

impl<S> Watched<S> {
    /// Wraps `inner`, with a new clock.
    pub fn new(inner: S) -> Watched<S> {
        Watched {
            inner,
            clock: Arc::new(WriteClock::new()),
        }
    }

    /// The clock, to watch from elsewhere.
    pub fn clock(&self) -> Arc<WriteClock> {
        self.clock.clone()
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = written {
            if n > 0 {
                self.clock.tick();
            }
        }
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = written {
            if n > 0 {
                self.clock.tick();
            }
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn writes_to_a_peer_that_reads_nothing_stall_once_the_timeout_passes() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let peer = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        tune(&stream, 16 * 1024);
        let mut watched = Watched::new(stream);
        let clock = watched.clock();
        clock.tick();
        watched.write_all(b"taken").await.unwrap();
        let stall = Duration::from_millis(300);
        // The peer reads nothing: writing soon blocks, and the clock says so after `stall`.
        let chunk = vec![0u8; 64 * 1024];
        let blocked = async {
            loop {
                watched.write_all(&chunk).await.unwrap();
            }
        };
        let began = std::time::Instant::now();
        tokio::select! {
            _ = blocked => unreachable!("writes to a peer that reads nothing never stop blocking"),
            _ = clock.stalled(stall) => {}
        }
        assert!(began.elapsed() >= stall);
        drop(peer);
    }
}
