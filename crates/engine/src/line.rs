//! Lines of text as a live batch holds them: slices of one shared buffer.
//!
//! A receiver batch can hold a million lines. One `String` each costs an
//! allocation when the line arrives and a free when the batch is forgotten, and
//! scatters the text over the heap. A batch's lines are instead appended to one
//! buffer; each [`Line`] is a reference-counted view of its part of it.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::python::{repr_str, str_hash, PyHash, PyRepr};

/// One line of a batch: a slice of the batch's shared text.
#[derive(Clone)]
pub struct Line {
    buf: Rc<String>,
    start: usize,
    end: usize,
}

impl Line {
    /// The line's text.
    pub fn as_str(&self) -> &str {
        // The bounds are char boundaries: they were the buffer's length after a push.
        &self.buf[self.start..self.end]
    }
}

impl Deref for Line {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Line {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Line {
    fn from(text: String) -> Self {
        let end = text.len();
        Line {
            buf: Rc::new(text),
            start: 0,
            end,
        }
    }
}

impl From<&str> for Line {
    fn from(text: &str) -> Self {
        Line::from(text.to_string())
    }
}

impl PartialEq for Line {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Line {}

impl Hash for Line {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PyRepr for Line {
    fn py_repr(&self, out: &mut String) {
        repr_str(self, out)
    }
    fn py_str(&self, out: &mut String) {
        out.push_str(self)
    }
}

impl PyHash for Line {
    fn py_hash(&self) -> i64 {
        str_hash(self)
    }
}

impl Serialize for Line {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Line::from)
    }
}

/// The open batch of a live line input: one text buffer and where each line ends.
#[derive(Default)]
pub(crate) struct LineBuffer {
    text: String,
    ends: Vec<usize>,
}

impl LineBuffer {
    /// Appends one line.
    pub(crate) fn push(&mut self, line: &str) {
        self.text.push_str(line);
        self.ends.push(self.text.len());
    }

    /// How many lines are held.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Closes the batch: the lines, sharing one buffer; the buffer starts anew.
    pub(crate) fn take(&mut self) -> Vec<Line> {
        let ends = std::mem::take(&mut self.ends);
        let buf = Rc::new(std::mem::take(&mut self.text));
        let mut start = 0;
        ends.into_iter()
            .map(|end| {
                let line = Line {
                    buf: buf.clone(),
                    start,
                    end,
                };
                start = end;
                line
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_share_one_buffer_and_keep_their_text() {
        let mut b = LineBuffer::default();
        for l in ["[info] a", "", "日本 [error]", "x"] {
            b.push(l);
        }
        assert_eq!(b.len(), 4);
        let lines = b.take();
        let texts: Vec<&str> = lines.iter().map(|l| l.as_str()).collect();
        assert_eq!(texts, ["[info] a", "", "日本 [error]", "x"]);
        assert!(Rc::ptr_eq(&lines[0].buf, &lines[3].buf));
        assert_eq!(b.len(), 0);
        assert!(b.take().is_empty());
    }

    #[test]
    fn lines_print_hash_and_serialize_as_python_strings() {
        let l = Line::from("it's");
        assert_eq!(l.repr_string(), "\"it's\"");
        assert_eq!(l.str_string(), "it's");
        assert_eq!(l.py_hash(), str_hash("it's"));
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, "\"it's\"");
        assert_eq!(serde_json::from_str::<Line>(&json).unwrap(), l);
    }
}
