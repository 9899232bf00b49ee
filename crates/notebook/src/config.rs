//! The lab's settings: the notebook's by default, checked as Spark checks them.

use dstream_engine::error::positive;
use dstream_engine::EngineError;
use serde::{Deserialize, Serialize};

/// The lab's settings, the notebook's by default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotebookConfig {
    /// `StreamingContext(sc, 10)`: the batch interval in milliseconds.
    pub batch_interval_ms: i64,
    /// `windowDuration` in milliseconds.
    pub window_ms: i64,
    /// `slideDuration` in milliseconds.
    pub slide_ms: i64,
    /// Whether the window takes the inverse function.
    pub inverse: bool,
    /// Whether the window filters out zero counts.
    pub filter_zero: bool,
    /// `defaultParallelism` (cores of `local[*]`): decides the printed key order.
    pub parallelism: usize,
}

impl Default for NotebookConfig {
    fn default() -> Self {
        NotebookConfig {
            batch_interval_ms: 10_000,
            window_ms: 20_000,
            slide_ms: 10_000,
            inverse: true,
            filter_zero: false,
            parallelism: 2,
        }
    }
}

impl NotebookConfig {
    /// Checks the settings as Spark would, with Spark's messages.
    pub fn validate(&self) -> Result<(), EngineError> {
        let batch = positive("batch interval", self.batch_interval_ms)?;
        let window = positive("window duration", self.window_ms)?;
        let slide = positive("slide duration", self.slide_ms)?;
        if window % batch != 0 {
            return Err(EngineError::WindowNotMultiple {
                window_ms: window,
                parent_ms: batch,
            });
        }
        if slide % batch != 0 {
            return Err(EngineError::SlideNotMultiple {
                slide_ms: slide,
                parent_ms: batch,
            });
        }
        if self.parallelism == 0 {
            return Err(EngineError::InvalidArgument(
                "The parallelism must be at least 1 partition.".to_string(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_are_sparks() {
        let bad = NotebookConfig {
            window_ms: 15_000,
            ..NotebookConfig::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "windowDuration must be multiple of the parent dstream's slide (batch) duration (10000 ms)"
        );
        let bad = NotebookConfig {
            slide_ms: 5_000,
            ..NotebookConfig::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(EngineError::SlideNotMultiple { .. })
        ));
        let bad = NotebookConfig {
            batch_interval_ms: 0,
            ..NotebookConfig::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(EngineError::NonPositiveDuration { .. })
        ));
    }
}
