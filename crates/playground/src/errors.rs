//! Spark's refusals as Python sees them, and the lab's own limits.

use dstream_engine::EngineError;
use dstream_python::PyError;

/// Spark's error as PySpark raises it: the exception class PySpark shows
/// (`IllegalArgumentException` for a failed `require`, `ValueError` for the
/// window checks PySpark makes in Python) with Spark's message.
pub fn spark_error(e: &EngineError) -> PyError {
    let kind = match e {
        // `DStream._validate_window_param` raises these in Python.
        EngineError::WindowNotMultiple { .. } | EngineError::SlideNotMultiple { .. } => {
            "ValueError"
        }
        // `DStream.union` checks the slides in Python.
        EngineError::DifferentSlideDurations => {
            return PyError::value_error("the two DStream should have same slide duration")
        }
        EngineError::IllegalState(_) => "IllegalStateException",
        EngineError::NonPositiveDuration { .. }
        | EngineError::CheckpointNotSet
        | EngineError::NoOutputOperations
        | EngineError::InvalidArgument(_) => "IllegalArgumentException",
        EngineError::ForeignStream | EngineError::Checkpoint(_) => "RuntimeError",
    };
    PyError::new(kind, e.to_string())
}

/// A PySpark feature the lab does not offer: `NotImplementedError: not
/// supported in the lab: <what>`.
pub fn unsupported(what: &str) -> PyError {
    PyError::new(
        "NotImplementedError",
        format!("not supported in the lab: {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_errors_keep_sparks_message_under_pysparks_exception_class() {
        let e = spark_error(&EngineError::CheckpointNotSet);
        assert_eq!(e.kind, "IllegalArgumentException");
        assert!(e
            .message
            .starts_with("requirement failed: The checkpoint directory"));
        let w = spark_error(&EngineError::WindowNotMultiple {
            window_ms: 15_000,
            parent_ms: 10_000,
        });
        assert_eq!(
            w.to_string(),
            "ValueError: windowDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
        );
    }
}
