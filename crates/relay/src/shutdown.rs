//! Graceful shutdown: one trigger, any number of listeners.
//!
//! Like tokio's mini-redis, every long-running task holds a [`Shutdown`] and selects on [`Shutdown::wait`]; the
//! binary fires the [`ShutdownTrigger`] on Ctrl-C, the tasks finish what they are doing (close their clients
//! politely) and return.

use tokio::sync::watch;

/// Fires the shutdown of every task holding a matching [`Shutdown`].
#[derive(Debug)]
pub struct ShutdownTrigger {
    tx: watch::Sender<bool>,
}

/// A task's view of the shutdown signal. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

/// A new trigger and the first of its listeners.
pub fn channel() -> (ShutdownTrigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (ShutdownTrigger { tx }, Shutdown { rx })
}

impl ShutdownTrigger {
    /// Tells every listener to shut down. Calling it again does nothing more.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// Another listener of this trigger.
    pub fn subscribe(&self) -> Shutdown {
        Shutdown {
            rx: self.tx.subscribe(),
        }
    }
}

impl Shutdown {
    /// Whether shutdown has been triggered.
    pub fn is_triggered(&self) -> bool {
        *self.rx.borrow()
    }

    /// Completes once shutdown has been triggered (at once if it already was). If the trigger is dropped without
    /// firing, this never completes.
    pub async fn wait(&self) {
        let mut rx = self.rx.clone();
        if rx.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM. If signals cannot be watched, never completes.
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(term) => term,
            Err(e) => {
                tracing::warn!("cannot watch SIGTERM ({e}); only Ctrl-C stops this program");
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
