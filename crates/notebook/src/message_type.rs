//! The notebook's message types, the keys of every pipeline, printed and
//! hashed as the Python strings `get_message_type` returns.

use dstream_engine::python::{repr_str, str_hash, PyHash, PyRepr};
use serde::{Deserialize, Serialize};

/// The notebook's message types: the keys of every pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageType {
    /// The line holds `[info]`.
    Info,
    /// The line holds `[notice]` (and no `[info]`).
    Notice,
    /// The line holds `[error]` (and neither of the above).
    Error,
    /// None of the three tags.
    Unknown,
}

impl MessageType {
    /// All types, in the order the notebook checks them.
    pub const ALL: [MessageType; 4] = [
        MessageType::Info,
        MessageType::Notice,
        MessageType::Error,
        MessageType::Unknown,
    ];

    /// The string `get_message_type` returns in Python.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Info => "info",
            MessageType::Notice => "notice",
            MessageType::Error => "error",
            MessageType::Unknown => "unknown",
        }
    }

    /// The type whose [`MessageType::as_str`] is `name`.
    pub fn named(name: &str) -> Option<MessageType> {
        MessageType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The type's place in [`MessageType::ALL`], to index per-type arrays.
    pub fn index(self) -> usize {
        match self {
            MessageType::Info => 0,
            MessageType::Notice => 1,
            MessageType::Error => 2,
            MessageType::Unknown => 3,
        }
    }
}

impl PyRepr for MessageType {
    fn py_repr(&self, out: &mut String) {
        repr_str(self.as_str(), out)
    }
    fn py_str(&self, out: &mut String) {
        out.push_str(self.as_str())
    }
}

impl PyHash for MessageType {
    /// The hash of the Python string, so keys land in PySpark's partitions.
    fn py_hash(&self) -> i64 {
        str_hash(self.as_str())
    }
}
