//! Errors as values, worded as Spark words them where Spark has a message.

use std::fmt;

/// Everything the engine can refuse or fail at. Each message says what went
/// wrong and what to do, in Spark's words where Spark has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// A duration (batch interval, window, slide) that is zero or negative.
    NonPositiveDuration {
        /// Which duration, e.g. "batch interval".
        what: &'static str,
        /// The value given, in milliseconds.
        ms: i64,
    },
    /// `windowDuration` is not a multiple of the parent's slide (batch) duration.
    WindowNotMultiple {
        /// The window, in milliseconds.
        window_ms: i64,
        /// The parent stream's slide, in milliseconds.
        parent_ms: i64,
    },
    /// `slideDuration` is not a multiple of the parent's slide (batch) duration.
    SlideNotMultiple {
        /// The slide, in milliseconds.
        slide_ms: i64,
        /// The parent stream's slide, in milliseconds.
        parent_ms: i64,
    },
    /// A stateful stream was started with no `checkpoint(dir)`.
    CheckpointNotSet,
    /// `start()` with no output operation registered.
    NoOutputOperations,
    /// Streams of different slide durations were united.
    DifferentSlideDurations,
    /// The streams belong to another `StreamingContext`.
    ForeignStream,
    /// The graph was changed or queried in a state that does not allow it.
    IllegalState(String),
    /// A saved checkpoint could not be read or does not fit this pipeline.
    Checkpoint(String),
    /// A parameter outside what the engine supports (e.g. zero partitions).
    InvalidArgument(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::NonPositiveDuration { what, ms } => write!(
                f,
                "The {what} must be positive, but it is {ms} ms. Choose a duration above zero."
            ),
            EngineError::WindowNotMultiple { parent_ms, .. } => write!(
                f,
                "windowDuration must be multiple of the parent dstream's slide (batch) duration ({parent_ms} ms)"
            ),
            EngineError::SlideNotMultiple { parent_ms, .. } => write!(
                f,
                "slideDuration must be multiple of the parent dstream's slide (batch) duration ({parent_ms} ms)"
            ),
            EngineError::CheckpointNotSet => write!(
                f,
                "requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint()."
            ),
            EngineError::NoOutputOperations => write!(
                f,
                "requirement failed: No output operations registered, so nothing to execute"
            ),
            EngineError::DifferentSlideDurations => write!(
                f,
                "Some of the DStreams have different slide durations"
            ),
            EngineError::ForeignStream => write!(
                f,
                "These DStreams belong to different StreamingContexts; combine streams of one context only."
            ),
            EngineError::IllegalState(msg) => write!(f, "{msg}"),
            EngineError::Checkpoint(msg) => write!(
                f,
                "The saved checkpoint cannot be used: {msg}. Clear it to start fresh."
            ),
            EngineError::InvalidArgument(msg) => write!(f, "{msg}"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Checks that a duration (named `what` in the error, e.g. "window duration")
/// is above zero, as Spark checks every duration it is given.
pub fn positive(what: &'static str, ms: i64) -> Result<i64, EngineError> {
    if ms > 0 {
        Ok(ms)
    } else {
        Err(EngineError::NonPositiveDuration { what, ms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_use_sparks_words() {
        assert_eq!(
            EngineError::WindowNotMultiple { window_ms: 15000, parent_ms: 10000 }.to_string(),
            "windowDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
        );
        assert_eq!(
            EngineError::SlideNotMultiple { slide_ms: 15000, parent_ms: 10000 }.to_string(),
            "slideDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
        );
        assert!(EngineError::CheckpointNotSet
            .to_string()
            .contains("The checkpoint directory has not been set"));
        assert!(positive("batch interval", 0)
            .unwrap_err()
            .to_string()
            .contains("must be positive"));
        assert_eq!(positive("window", 5), Ok(5));
    }
}
