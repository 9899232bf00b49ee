//! A trigger's lines as the socket source reads them: every line's text kept in one buffer,
//! so that a line costs no allocation of its own when it arrives. A query makes a line's text
//! a value of its own (`Rc<str>`) only when a row keeps it; a query that reads the text only
//! to classify it reads it where it lies (see [`crate::lean`]).

use std::rc::Rc;

/// One line as the socket source gives it with `includeTimestamp`: its text and the time it
/// arrived (microseconds since the epoch), the event time of the windowed job.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The `timestamp` column.
    pub timestamp: i64,
    /// The `value` column.
    pub value: Rc<str>,
}

/// The lines that arrived since the last trigger, in their order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lines {
    /// Every line's text, one after another.
    text: String,
    /// Each line's end in `text` and its time.
    ends: Vec<(usize, i64)>,
}

impl Lines {
    /// No line yet.
    pub fn new() -> Lines {
        Lines::default()
    }

    /// Adds a line with its time (microseconds since the epoch).
    pub fn push(&mut self, text: &str, timestamp: i64) {
        self.text.push_str(text);
        self.ends.push((self.text.len(), timestamp));
    }

    /// No line any more, the room kept for the next trigger's.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// How many lines there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Each line's text and time, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> + '_ {
        self.spans()
            .map(|(start, end, timestamp)| (&self.text[start..end], timestamp))
    }

    /// Each line's text as bytes and its time, in order: for a scan that reads bytes, without
    /// the checks that a slice of a `str` ends at characters.
    pub(crate) fn iter_bytes(&self) -> impl Iterator<Item = (&[u8], i64)> + '_ {
        let bytes = self.text.as_bytes();
        self.spans()
            .map(move |(start, end, timestamp)| (&bytes[start..end], timestamp))
    }

    /// Each line's time, in order.
    pub fn timestamps(&self) -> impl Iterator<Item = i64> + '_ {
        self.ends.iter().map(|&(_, timestamp)| timestamp)
    }

    /// Each line's place in `text` and its time.
    fn spans(&self) -> impl Iterator<Item = (usize, usize, i64)> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&(end, timestamp)| {
            let span = (start, end, timestamp);
            start = end;
            span
        })
    }
}

impl<'a> FromIterator<&'a Line> for Lines {
    fn from_iter<I: IntoIterator<Item = &'a Line>>(lines: I) -> Lines {
        let mut all = Lines::new();
        for line in lines {
            all.push(&line.value, line.timestamp);
        }
        all
    }
}

impl From<Vec<Line>> for Lines {
    fn from(lines: Vec<Line>) -> Lines {
        lines.iter().collect()
    }
}

impl From<&[Line]> for Lines {
    fn from(lines: &[Line]) -> Lines {
        lines.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_back_each_text_and_time_in_order() {
        let given = [("[info] a", 5), ("", 5), ("é ü", -3), ("[error]", 7)];
        let mut lines = Lines::new();
        for (text, time) in given {
            lines.push(text, time);
        }
        assert_eq!(lines.len(), 4);
        assert_eq!(lines.iter().collect::<Vec<_>>(), given);
        let bytes: Vec<(&[u8], i64)> = given.iter().map(|(t, n)| (t.as_bytes(), *n)).collect();
        assert_eq!(lines.iter_bytes().collect::<Vec<_>>(), bytes);
        assert_eq!(lines.timestamps().collect::<Vec<_>>(), [5, 5, -3, 7]);
        assert!(Lines::new().is_empty());
        lines.clear();
        assert!(lines.is_empty());
        lines.push("x", 1);
        assert_eq!(lines.iter().collect::<Vec<_>>(), [("x", 1)]);
    }
}
