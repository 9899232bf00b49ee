//! Lines of text as a live batch holds them: slices of one shared buffer.
//!
//! A receiver batch can hold a million lines. One `String` each costs an
//! allocation when the line arrives and a free when the batch is forgotten, and
//! scatters the text over the heap. A batch's lines are instead appended to one
//! buffer; each [`Line`] is a reference-counted view of its part of it.
//!
//! Readers of one batch often ask the same of each line: the page's three
//! modes each run the notebook's `get_message_type` over the batch they share.
//! What a literal scan finds in a line is kept with the batch's text
//! ([`LineScan`]), so an equal scan by another reader is a lookup.

use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::{Rc, Weak};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::first_literal::FirstLiteral;
use crate::python::{repr_str, str_hash, PyHash, PyRepr};

/// One line of a batch: a slice of the batch's shared text.
#[derive(Clone)]
pub struct Line {
    buf: Rc<Text>,
    start: usize,
    end: usize,
    /// The line's place in its batch, where the batch's scans keep what they found in it.
    index: usize,
}

impl Line {
    /// The line's text.
    pub fn as_str(&self) -> &str {
        // The bounds are char boundaries: they were the buffer's length after a push.
        &self.buf.text[self.start..self.end]
    }
}

/// A batch's text, with what literal scans found in its lines.
struct Text {
    text: String,
    scans: RefCell<Vec<Rc<Scanned>>>,
}

impl Text {
    fn new(text: String) -> Text {
        Text {
            text,
            scans: RefCell::default(),
        }
    }

    /// What `scan`, or one with the same literals, found in this text's lines so far.
    fn scanned(&self, scan: &Rc<FirstLiteral>) -> Rc<Scanned> {
        let mut scans = self.scans.borrow_mut();
        if let Some(s) = scans.iter().find(|s| *s.scan == **scan) {
            return s.clone();
        }
        let s = Rc::new(Scanned {
            scan: scan.clone(),
            found: RefCell::default(),
        });
        scans.push(s.clone());
        s
    }
}

/// What one literal scan found in a batch's lines, from the first line on.
struct Scanned {
    scan: Rc<FirstLiteral>,
    /// Per line, in order: the literal found, or [`NOT_FOUND`].
    found: RefCell<Vec<u8>>,
}

/// No literal of the scan occurs in the line.
const NOT_FOUND: u8 = u8::MAX;

/// A literal scan of batches' lines ([`FirstLiteral::first_found`]) that shares what it finds:
/// a batch keeps it, line by line, and a scan with the same literals reading that batch
/// (another job's `get_message_type`) reads it instead of scanning the line again. That scan
/// was a third of the work of the page's worker at a million lines a second, once per mode.
pub struct LineScan {
    scan: Rc<FirstLiteral>,
    /// The batch read last and what was found in it, so that its next line finds its place at once.
    last: RefCell<Option<(Weak<Text>, Rc<Scanned>)>>,
}

impl LineScan {
    /// The scan for `scan`'s literals.
    pub fn new(scan: FirstLiteral) -> LineScan {
        LineScan {
            scan: Rc::new(scan),
            last: RefCell::default(),
        }
    }

    /// The scan of a string of no batch.
    #[inline]
    pub fn first_found(&self, s: &[u8]) -> Option<usize> {
        self.scan.first_found(s)
    }

    /// The index of the first literal, in their order, that occurs in `line`.
    pub fn in_line(&self, line: &Line) -> Option<usize> {
        if line.end - line.start == line.buf.text.len() {
            // A line alone in its text (made from a `String`): nothing to share, nothing to keep.
            return self.scan.first_found(line.as_bytes());
        }
        let mut last = self.last.borrow_mut();
        let scanned = match &*last {
            // The weak pointer keeps the batch's place from being reused: an equal pointer is the same batch.
            Some((text, scanned)) if std::ptr::eq(text.as_ptr(), Rc::as_ptr(&line.buf)) => scanned,
            _ => {
                let scanned = line.buf.scanned(&self.scan);
                &last.insert((Rc::downgrade(&line.buf), scanned)).1
            }
        };
        let mut found = scanned.found.borrow_mut();
        if let Some(&f) = found.get(line.index) {
            return (f != NOT_FOUND).then_some(usize::from(f));
        }
        let first = self.scan.first_found(line.as_bytes());
        // Kept while the lines come in order and the index fits in a byte (a chain of 255 literals is not kept).
        let code = match first {
            Some(i) => u8::try_from(i).ok().filter(|&c| c != NOT_FOUND),
            None => Some(NOT_FOUND),
        };
        if let (Some(code), true) = (code, line.index == found.len()) {
            found.push(code);
        }
        first
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
            buf: Rc::new(Text::new(text)),
            start: 0,
            end,
            index: 0,
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
    /// Whether the open batch has a partition even if no line is pushed.
    hold: bool,
    /// The last closed batch's buffers, to be reused once nobody reads them.
    last: Option<(Rc<Text>, Rc<Vec<usize>>)>,
    /// A closed batch handed over whole ([`LineBuffer::feed`]): the open batch, shared rather than copied, while
    /// nothing else is pushed.
    fed: Option<LineBatch>,
}

impl LineBuffer {
    /// Appends one line.
    #[inline]
    pub(crate) fn push(&mut self, line: &str) {
        self.unshare();
        self.text.push_str(line);
        self.ends.push(self.text.len());
    }

    /// Adds the lines of `batch`, after those held. When none are held, the batch itself becomes the open
    /// batch: its buffer is shared with whoever else was handed it, not copied.
    pub(crate) fn feed(&mut self, batch: &LineBatch) {
        self.hold |= batch.held;
        if self.fed.is_none() && self.ends.is_empty() {
            self.fed = Some(batch.clone());
            return;
        }
        self.unshare();
        batch.for_each(&mut |line| self.push(line));
    }

    /// Copies a fed batch into this buffer's own text, so that more lines can follow it.
    fn unshare(&mut self) {
        if let Some(fed) = self.fed.take() {
            fed.for_each(&mut |line| self.push(line));
        }
    }

    /// How many lines are held.
    pub(crate) fn len(&self) -> usize {
        self.ends.len() + self.fed.as_ref().map_or(0, LineBatch::len)
    }

    /// Gives the open batch one partition even if no line is pushed into it
    /// (see [`LineInput::hold_partition`](crate::LineInput::hold_partition)).
    pub(crate) fn hold_partition(&mut self) {
        self.hold = true;
    }

    /// Closes the batch: its lines, sharing one buffer.
    ///
    /// The next batch reuses the buffers of the batch before this one when no
    /// line of it is alive any more (the usual case: a batch is read, reduced
    /// and dropped), else it starts with room for as much as this one held.
    /// Rates change slowly; growing by doubling would copy the text again and
    /// again, and fresh large buffers cost the system a page fault per 4 KiB.
    pub(crate) fn take(&mut self) -> LineBatch {
        if let Some(mut fed) = self.fed.take() {
            fed.held |= std::mem::take(&mut self.hold);
            return fed;
        }
        let (len, count) = (self.text.len(), self.ends.len());
        let (mut text, mut ends) = match self.last.take() {
            Some((text, ends)) => match (Rc::try_unwrap(text), Rc::try_unwrap(ends)) {
                (Ok(text), Ok(ends)) => (text.text, ends),
                _ => (String::new(), Vec::new()),
            },
            None => (String::new(), Vec::new()),
        };
        // Keep the old room only while it is not far more than batches need now.
        if text.capacity() > 4 * len + (1 << 16) {
            text = String::new();
        }
        if ends.capacity() > 4 * count + (1 << 13) {
            ends = Vec::new();
        }
        text.clear();
        ends.clear();
        text.reserve(len);
        ends.reserve(count);
        let batch = LineBatch {
            buf: Rc::new(Text::new(std::mem::replace(&mut self.text, text))),
            ends: Rc::new(std::mem::replace(&mut self.ends, ends)),
            held: std::mem::take(&mut self.hold),
        };
        self.last = Some((batch.buf.clone(), batch.ends.clone()));
        batch
    }
}

/// Lines collected once for several live inputs: each is fed the closed batch ([`crate::LineInput::feed`]), which
/// they share instead of each holding a copy of every line.
#[derive(Default)]
pub struct LineCollector {
    buffer: LineBuffer,
}

impl LineCollector {
    /// Adds lines to the open batch, in order.
    pub fn push_all<S: AsRef<str>>(&mut self, lines: impl IntoIterator<Item = S>) {
        for line in lines {
            self.buffer.push(line.as_ref());
        }
    }

    /// How many lines the open batch holds.
    pub fn len(&self) -> usize {
        self.buffer.len()
    }

    /// Whether the open batch holds no line.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the open batch (its buffers are reused once no input holds the batch any more).
    pub fn take(&mut self) -> LineBatch {
        self.buffer.take()
    }
}

/// A closed batch of lines: the shared text and where each line ends. Cloning it shares the text.
#[derive(Clone)]
pub struct LineBatch {
    buf: Rc<Text>,
    ends: Rc<Vec<usize>>,
    /// Whether the batch has a partition even without lines.
    held: bool,
}

impl LineBatch {
    /// How many lines the batch holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the batch holds no line.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The lines' text, in order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| &self.buf.text[start..end])
    }

    /// How many partitions the batch has: one, unless it holds no line
    /// and was not given one (an idle receiver's batch has none).
    pub(crate) fn partitions(&self) -> usize {
        usize::from(!self.is_empty() || self.held)
    }

    /// Feeds each line to `sink` in order. One [`Line`] view is moved along the
    /// buffer, so reading a line costs neither an allocation nor a count.
    pub(crate) fn for_each(&self, sink: &mut dyn FnMut(&Line)) {
        let mut line = Line {
            buf: self.buf.clone(),
            start: 0,
            end: 0,
            index: 0,
        };
        for (index, &end) in self.ends.iter().enumerate() {
            line.start = line.end;
            line.end = end;
            line.index = index;
            sink(&line);
        }
    }

    /// The lines, each a view of the shared buffer.
    pub fn into_lines(self) -> Vec<Line> {
        let mut start = 0;
        self.ends
            .iter()
            .enumerate()
            .map(|(index, &end)| {
                let line = Line {
                    buf: self.buf.clone(),
                    start,
                    end,
                    index,
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
        let batch = b.take();
        assert_eq!(batch.len(), 4);
        let mut streamed = Vec::new();
        batch.for_each(&mut |l| streamed.push(l.clone()));
        let lines = batch.into_lines();
        assert_eq!(streamed, lines);
        let texts: Vec<&str> = lines.iter().map(|l| l.as_str()).collect();
        assert_eq!(texts, ["[info] a", "", "日本 [error]", "x"]);
        assert!(Rc::ptr_eq(&lines[0].buf, &lines[3].buf));
        assert_eq!(b.len(), 0);
        assert_eq!(b.take().len(), 0);
    }

    fn texts(batch: &LineBatch) -> Vec<String> {
        batch.texts().map(str::to_string).collect()
    }

    #[test]
    fn a_fed_batch_is_shared_by_the_buffers_it_is_fed_to_not_copied() {
        let mut collector = LineCollector::default();
        collector.push_all(["[info] a", "", "[error] b"]);
        assert_eq!(collector.len(), 3);
        let closed = collector.take();
        assert!(collector.is_empty());
        let (mut one, mut two) = (LineBuffer::default(), LineBuffer::default());
        one.feed(&closed);
        two.feed(&closed);
        assert_eq!((one.len(), two.len()), (3, 3));
        let (one, two) = (one.take(), two.take());
        assert!(Rc::ptr_eq(&one.buf, &two.buf) && Rc::ptr_eq(&one.buf, &closed.buf));
        assert_eq!(texts(&one), ["[info] a", "", "[error] b"]);
        assert_eq!(texts(&two), texts(&closed));
    }

    #[test]
    fn lines_pushed_around_a_fed_batch_keep_their_order() {
        let mut collector = LineCollector::default();
        collector.push_all(["b", "c"]);
        let closed = collector.take();
        let mut before = LineBuffer::default();
        before.push("a");
        before.feed(&closed);
        assert_eq!(texts(&before.take()), ["a", "b", "c"]);
        let mut after = LineBuffer::default();
        after.feed(&closed);
        after.push("d");
        after.feed(&closed);
        assert_eq!(after.len(), 5);
        assert_eq!(texts(&after.take()), ["b", "c", "d", "b", "c"]);
        // The next batch starts empty.
        assert_eq!(after.take().len(), 0);
    }

    #[test]
    fn a_fed_batch_keeps_a_held_partition() {
        let mut b = LineBuffer::default();
        b.hold_partition();
        b.feed(&LineCollector::default().take());
        let held = b.take();
        assert_eq!((held.len(), held.partitions()), (0, 1));
    }

    #[test]
    fn a_held_batch_has_one_partition_without_lines() {
        let mut b = LineBuffer::default();
        assert_eq!(b.take().partitions(), 0);
        b.hold_partition();
        let held = b.take();
        assert_eq!((held.len(), held.partitions()), (0, 1));
        // The hold is for one batch only.
        assert_eq!(b.take().partitions(), 0);
        b.push("x");
        assert_eq!(b.take().partitions(), 1);
    }

    #[test]
    fn buffers_are_reused_once_no_line_needs_them() {
        let mut b = LineBuffer::default();
        b.push("one");
        let one = b.take();
        let one_text = one.buf.text.as_ptr();
        drop(one);
        b.push("two");
        let two = b.take();
        // Nobody holds batch one: its buffer is the one batch three fills.
        assert_eq!(b.text.as_ptr(), one_text);
        let two_text = two.buf.text.as_ptr();
        let kept = two.into_lines();
        b.push("three");
        let three = b.take();
        // A line of batch two is alive: its buffer is not reused.
        assert_ne!(b.text.as_ptr(), two_text);
        assert_eq!(kept[0].as_str(), "two");
        assert_eq!(three.into_lines()[0].as_str(), "three");
    }

    fn scan(literals: &[&str]) -> LineScan {
        LineScan::new(FirstLiteral::new(literals.iter().map(|l| l.as_bytes())).expect("a scan"))
    }

    /// Each line's [`LineScan::in_line`], and what a scan of its text finds.
    fn found(lines: &[Line], scan: &LineScan) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
        let asked = lines.iter().map(|l| scan.in_line(l)).collect();
        let scanned = lines
            .iter()
            .map(|l| scan.first_found(l.as_bytes()))
            .collect();
        (asked, scanned)
    }

    /// What each scan of the batch of `line` found in it so far, by scan.
    fn kept(line: &Line) -> Vec<Vec<u8>> {
        let scans = line.buf.scans.borrow();
        scans.iter().map(|s| s.found.borrow().clone()).collect()
    }

    #[test]
    fn an_equal_scan_of_a_batch_reads_what_the_first_found_and_another_scan_finds_its_own() {
        let mut collector = LineCollector::default();
        collector.push_all([
            "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok",
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk child [info] x",
            "no bracket",
            "[info] [error]",
            "",
        ]);
        let closed = collector.take();
        let (mut one, mut two) = (LineBuffer::default(), LineBuffer::default());
        one.feed(&closed);
        two.feed(&closed);
        let (one, two) = (one.take().into_lines(), two.take().into_lines());
        let notebook = ["[info]", "[notice]", "[error]"];
        let first = scan(&notebook);
        let (asked, scanned) = found(&one, &first);
        assert_eq!(asked, scanned);
        assert_eq!(asked, [Some(1), Some(0), None, Some(0), None]);
        assert_eq!(kept(&one[0]), [vec![1, 0, NOT_FOUND, 0, NOT_FOUND]]);
        // Another job's equal scan reads what the first one found, and keeps nothing more.
        let equal = scan(&notebook);
        assert_eq!(found(&two, &equal), (asked.clone(), asked.clone()));
        assert_eq!(kept(&two[0]).len(), 1);
        // Other literals find other literals first: a scan of their own.
        let other = scan(&["[notice]", "[info]"]);
        let (asked, scanned) = found(&two, &other);
        assert_eq!(asked, scanned);
        assert_eq!(asked, [Some(0), Some(1), None, Some(1), None]);
        assert_eq!(kept(&one[0]).len(), 2);
    }

    #[test]
    fn a_scan_reading_batch_after_batch_finds_what_a_scan_of_each_line_finds() {
        let s = scan(&["[a]", "[b]"]);
        let mut b = LineBuffer::default();
        let batches = [
            vec!["[b] x", "[a]", "[c] [a]"],
            vec!["x [b]"],
            vec!["[a] [b]", "y"],
        ];
        let mut kept_batch = Vec::new();
        for texts in batches {
            for t in &texts {
                b.push(t);
            }
            let lines = b.take().into_lines();
            // Read backwards: nothing is kept, and each line finds what its scan finds.
            let backwards: Vec<Line> = lines.iter().rev().cloned().collect();
            let (asked, scanned) = found(&backwards, &s);
            assert_eq!(asked, scanned);
            let (asked, scanned) = found(&lines, &s);
            assert_eq!(asked, scanned);
            // Batch one stays alive, so batch three cannot reuse its buffer; batch two's is reused by three.
            if kept_batch.is_empty() {
                kept_batch = lines;
            }
        }
        assert_eq!(found(&kept_batch, &s).0, [Some(1), Some(0), Some(0)]);
    }

    #[test]
    fn a_line_made_from_a_string_is_scanned_and_nothing_is_kept() {
        let s = scan(&["[a]", "[b]"]);
        let lines: Vec<Line> = ["x [b]", "[a]", "y"].into_iter().map(Line::from).collect();
        let (asked, scanned) = found(&lines, &s);
        assert_eq!(asked, scanned);
        assert_eq!(asked, [Some(1), Some(0), None]);
        assert!(lines.iter().all(|l| kept(l).is_empty()));
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
