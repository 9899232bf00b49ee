//! Shared log-line generator (filled in by the relay issue).
