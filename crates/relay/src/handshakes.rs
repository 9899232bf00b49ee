//! The cap on half-open connections: accepted, but not yet a WebSocket client or an HTTP request being answered.
//!
//! Each such connection holds a [`Ticket`] until its request head (and, for a WebSocket, its handshake) is done.
//! When `--max-handshakes` tickets are out, admitting one more evicts the oldest: a flood of connections that send
//! nothing then costs at most that many file descriptors, and a real client, which sends its request at once, is
//! not kept waiting behind them (refusing the newest instead would let the flood keep every newcomer out). The
//! accept loop also evicts the oldest when the process runs out of file descriptors ([`Handshakes::evict_oldest`]).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

/// The half-open connections of one listener. See the module docs.
#[derive(Debug)]
pub struct Handshakes {
    max: usize,
    inner: Mutex<Inner>,
    evicted: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    /// Oldest first.
    open: VecDeque<(u64, oneshot::Sender<()>)>,
}

/// One half-open connection's place; dropping it (the handshake is done, or failed) frees the place.
#[derive(Debug)]
pub struct Ticket {
    id: u64,
    handshakes: Arc<Handshakes>,
    evicted: Option<oneshot::Receiver<()>>,
}

impl Handshakes {
    /// At most `max` half-open connections (at least 1).
    pub fn new(max: usize) -> Handshakes {
        Handshakes {
            max: max.max(1),
            inner: Mutex::new(Inner::default()),
            evicted: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a new connection, evicting the oldest half-open one if all places are taken.
    pub fn admit(self: &Arc<Self>) -> Ticket {
        let mut inner = self.lock();
        if inner.open.len() >= self.max {
            self.evict(&mut inner);
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let (tx, rx) = oneshot::channel();
        inner.open.push_back((id, tx));
        Ticket {
            id,
            handshakes: self.clone(),
            evicted: Some(rx),
        }
    }

    /// Evicts the oldest half-open connection, if any; returns whether there was one.
    pub fn evict_oldest(&self) -> bool {
        self.evict(&mut self.lock())
    }

    fn evict(&self, inner: &mut Inner) -> bool {
        match inner.open.pop_front() {
            Some((_, tx)) => {
                let first = self.evicted.fetch_add(1, Ordering::Relaxed) == 0;
                if first {
                    tracing::warn!(
                        "more than {} connections are waiting to send their request (--max-handshakes): closing the \
                         oldest ones (logged once; the status page counts them)",
                        self.max
                    );
                }
                let _ = tx.send(());
                true
            }
            None => false,
        }
    }

    /// Half-open connections now.
    pub fn open(&self) -> usize {
        self.lock().open.len()
    }

    /// Half-open connections closed to make room, since the start.
    pub fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }
}

impl Ticket {
    /// Completes when this connection was evicted to make room; never completes otherwise.
    pub async fn evicted(&mut self) {
        match &mut self.evicted {
            Some(rx) => {
                // Only the registry drops the sender unsent, and only when the relay stops: same as evicted.
                let _ = rx.await;
                self.evicted = None;
            }
            None => std::future::pending().await,
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut inner = self.handshakes.lock();
        if let Some(at) = inner.open.iter().position(|(id, _)| *id == self.id) {
            inner.open.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn the_oldest_is_evicted_when_every_place_is_taken_and_a_finished_one_frees_its_place() {
        let handshakes = Arc::new(Handshakes::new(2));
        let mut first = handshakes.admit();
        let second = handshakes.admit();
        drop(second);
        let mut third = handshakes.admit();
        assert_eq!(handshakes.open(), 2);
        assert_eq!(handshakes.evicted(), 0);
        let _fourth = handshakes.admit();
        tokio::time::timeout(Duration::from_secs(1), first.evicted())
            .await
            .expect("the oldest is evicted");
        assert_eq!(handshakes.evicted(), 1);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), third.evicted())
                .await
                .is_err(),
            "the newer one keeps its place"
        );
        assert!(handshakes.evict_oldest());
        third.evicted().await;
        drop(first);
        drop(third);
        assert_eq!(handshakes.open(), 1);
    }
}
