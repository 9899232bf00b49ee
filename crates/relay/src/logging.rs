//! Logging setup shared by the binaries.

use tracing_subscriber::EnvFilter;

/// Logs to stderr at `info` (or what `RUST_LOG` says, e.g. `RUST_LOG=debug`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
