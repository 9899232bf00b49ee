//! Python exceptions as values: what went wrong, where, in Python's words.

use std::fmt;

/// One frame of a traceback: the program line and the function it was in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TraceEntry {
    /// 1-based line in the program.
    pub line: u32,
    /// `<module>`, `<lambda>` or the function's name, as CPython names frames.
    pub function: String,
}

/// A Python exception (or a Spark error surfaced as one), e.g.
/// `ZeroDivisionError: division by zero`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PyError {
    /// The exception's type name: `ZeroDivisionError`, `TypeError`, `SyntaxError`,
    /// or a Spark error's Java class name such as `IllegalArgumentException`.
    pub kind: String,
    /// The message, exactly as Python (or Spark) words it.
    pub message: String,
    /// Frames from the outermost to the innermost, as a traceback lists them.
    pub trace: Vec<TraceEntry>,
    /// For a `SyntaxError`: the 1-based column of CPython's caret and the line's text.
    pub syntax: Option<(u32, String)>,
}

impl PyError {
    /// An exception of type `kind` with `message` and no location yet.
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        PyError {
            kind: kind.to_string(),
            message: message.into(),
            trace: Vec::new(),
            syntax: None,
        }
    }

    /// `TypeError: message`.
    pub fn type_error(message: impl Into<String>) -> Self {
        Self::new("TypeError", message)
    }

    /// `ValueError: message`.
    pub fn value_error(message: impl Into<String>) -> Self {
        Self::new("ValueError", message)
    }

    /// The line of the innermost frame, where a student looks first.
    pub fn line(&self) -> Option<u32> {
        self.trace.last().map(|f| f.line)
    }
}

impl fmt::Display for PyError {
    /// The last line of a Python traceback: `ZeroDivisionError: division by zero`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.kind, self.message)
        }
    }
}

impl std::error::Error for PyError {}
