//! Splitting a byte stream into clean lines.
//!
//! [`LineSplitter`] turns the bytes read from the TCP source into lines the way Java's
//! `BufferedReader.readLine()` (and so Spark's `socketTextStream`) does: `\n`, `\r\n` and a lone `\r` each end a
//! line, and a last line without a terminator still counts. On top of that it makes every line safe to forward:
//! invalid UTF-8 is replaced with U+FFFD and lines longer than a cap are cut (by the protocol's one rule for
//! over-long lines, [`PartialLine`]), and both are counted.

use dstream_protocol::PartialLine;
use memchr::{memchr, memchr2, memchr_iter, memrchr};

/// Where a [`LineSplitter`] puts its lines.
pub trait LineSink {
    /// One line, without terminator: valid UTF-8, no `\r` or `\n`, at most the cap long.
    fn line(&mut self, line: &[u8]);

    /// Several complete lines at once, each terminated by `\n`: valid UTF-8, no `\r`, none longer than the cap.
    /// `lines` is how many. The default hands them to [`LineSink::line`] one by one.
    fn block(&mut self, block: &[u8], lines: u64) {
        let _ = lines;
        for line in block.split_inclusive(|&b| b == b'\n') {
            self.line(&line[..line.len() - 1]);
        }
    }
}

impl<F: FnMut(&[u8])> LineSink for F {
    fn line(&mut self, line: &[u8]) {
        self(line)
    }
}

/// What happened to the lines handed out since the counts were last taken.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LineCounts {
    /// Lines handed out.
    pub lines: u64,
    /// Lines that were longer than the cap and were cut.
    pub cut: u64,
    /// Lines that contained invalid UTF-8 and were repaired.
    pub invalid_utf8: u64,
}

/// Splits a byte stream into lines, repairing and capping them (see the module docs).
///
/// Feed it bytes in chunks of any size with [`LineSplitter::feed`]; it hands every complete line to the given
/// [`LineSink`] (valid UTF-8, at most `max_line_bytes` long), in order. A chunk that is already clean (valid UTF-8,
/// only `\n` terminators, short lines: the common case) is handed over as one block without per-line work. At the
/// end of the stream call [`LineSplitter::finish`] to get the last, unterminated line.
#[derive(Debug)]
pub struct LineSplitter {
    /// The current line when it spans chunks, capped (it also remembers a cut line whose rest is skipped).
    partial: PartialLine,
    /// The previous byte was a `\r` that ended a line: a `\n` right after it belongs to the same terminator.
    after_cr: bool,
    counts: LineCounts,
}

impl LineSplitter {
    /// A splitter that cuts lines longer than `max_line_bytes` bytes (a cap of 0 is taken as 1).
    pub fn new(max_line_bytes: usize) -> LineSplitter {
        LineSplitter {
            partial: PartialLine::new(max_line_bytes),
            after_cr: false,
            counts: LineCounts::default(),
        }
    }

    /// Whether the splitter holds nothing of an unfinished line (so the next byte starts a new line).
    pub fn is_idle(&self) -> bool {
        self.partial.is_idle() && !self.after_cr
    }

    /// The cap on line length, in bytes.
    pub fn max_line_bytes(&self) -> usize {
        self.partial.max_line_bytes()
    }

    /// Returns the counts since the last call (or since the start) and resets them.
    pub fn take_counts(&mut self) -> LineCounts {
        std::mem::take(&mut self.counts)
    }

    /// Consumes `input`, handing every line it completes to `emit`.
    pub fn feed(&mut self, mut input: &[u8], emit: &mut impl LineSink) {
        let max = self.partial.max_line_bytes();
        let mut tried_block = false;
        while !input.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if input[0] == b'\n' {
                    input = &input[1..];
                    continue;
                }
            }
            if !tried_block && self.partial.is_idle() {
                // Fast path: all the complete lines of this chunk at once, when they need no repair.
                tried_block = true;
                if let Some(last) = memrchr(b'\n', input) {
                    let block = &input[..=last];
                    if block.len() <= max
                        && memchr(b'\r', block).is_none()
                        && simdutf8::basic::from_utf8(block).is_ok()
                    {
                        let lines = memchr_iter(b'\n', block).count() as u64;
                        self.counts.lines += lines;
                        emit.block(block, lines);
                        input = &input[last + 1..];
                        continue;
                    }
                }
            }
            match memchr2(b'\n', b'\r', input) {
                Some(i) => {
                    let body = &input[..i];
                    if self.partial.is_idle() && body.len() <= max {
                        // Fast path: the whole line is in this chunk.
                        emit_line(&mut self.counts, max, body, false, emit);
                    } else {
                        self.absorb(body, emit);
                        self.end_line(emit);
                    }
                    self.after_cr = input[i] == b'\r';
                    input = &input[i + 1..];
                }
                None => {
                    self.absorb(input, emit);
                    break;
                }
            }
        }
    }

    /// The stream has ended: hands out the last line if it had no terminator, and resets the splitter.
    pub fn finish(&mut self, emit: &mut impl LineSink) {
        if !self.partial.is_empty() {
            self.end_line(emit);
        }
        self.partial.clear();
        self.after_cr = false;
    }

    /// Adds bytes of the current line, cutting it when it grows past the cap.
    fn absorb(&mut self, body: &[u8], emit: &mut impl LineSink) {
        let max = self.partial.max_line_bytes();
        let counts = &mut self.counts;
        self.partial
            .extend(body, |line| emit_line(counts, max, line, true, emit));
    }

    /// The current line has ended with a terminator.
    fn end_line(&mut self, emit: &mut impl LineSink) {
        let max = self.partial.max_line_bytes();
        let counts = &mut self.counts;
        self.partial
            .end(|line| emit_line(counts, max, line, false, emit));
    }
}

/// Counts one line and hands it to `emit`, repairing invalid UTF-8 without letting it grow past `max`.
fn emit_line(
    counts: &mut LineCounts,
    max: usize,
    line: &[u8],
    cut: bool,
    emit: &mut impl LineSink,
) {
    counts.lines += 1;
    let mut cut = cut;
    match std::str::from_utf8(line) {
        Ok(_) => emit.line(line),
        Err(_) => {
            let mut repaired = String::from_utf8_lossy(line).into_owned();
            counts.invalid_utf8 += 1;
            if repaired.len() > max {
                // Each bad byte became a 3-byte U+FFFD: keep the cap, and count the line as cut, since it loses
                // what is past the cap like any over-long line (a line is counted as cut once).
                let mut end = max;
                while !repaired.is_char_boundary(end) {
                    end -= 1;
                }
                repaired.truncate(end);
                cut = true;
            }
            emit.line(repaired.as_bytes());
        }
    }
    if cut {
        counts.cut += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `chunks` and returns the lines as strings plus the counts.
    fn split(max: usize, chunks: &[&[u8]]) -> (Vec<String>, LineCounts) {
        let mut s = LineSplitter::new(max);
        let mut out = Vec::new();
        let mut emit = |l: &[u8]| out.push(String::from_utf8(l.to_vec()).expect("valid UTF-8"));
        for c in chunks {
            s.feed(c, &mut emit);
        }
        s.finish(&mut emit);
        let counts = s.take_counts();
        (out, counts)
    }

    /// Feeds `data` one byte at a time, which must give the same result as one chunk.
    fn split_bytewise(max: usize, data: &[u8]) -> (Vec<String>, LineCounts) {
        let chunks: Vec<&[u8]> = data.chunks(1).collect();
        split(max, &chunks)
    }

    #[test]
    fn terminators_are_like_java_readline() {
        let data = b"a\nb\r\nc\rd\n\ne\r\r\nf";
        let expect = vec!["a", "b", "c", "d", "", "e", "", "f"];
        assert_eq!(split(100, &[data]).0, expect);
        assert_eq!(split_bytewise(100, data).0, expect);
    }

    #[test]
    fn nul_and_empty_lines_pass_through() {
        let (lines, counts) = split(100, &[b"\n\0\nx\0y\n\n"]);
        assert_eq!(lines, vec!["", "\0", "x\0y", ""]);
        assert_eq!(counts.lines, 4);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted() {
        let data = b"ok\nbad \xff\xfe here\n\xe2\x82\n";
        for (lines, counts) in [split(100, &[data]), split_bytewise(100, data)] {
            assert_eq!(lines, vec!["ok", "bad \u{fffd}\u{fffd} here", "\u{fffd}"]);
            assert_eq!(counts.invalid_utf8, 2);
            assert_eq!(counts.cut, 0);
        }
    }

    #[test]
    fn long_lines_are_cut_and_counted() {
        let mut data = vec![b'x'; 25];
        data.extend_from_slice(b"\nshort\n");
        data.extend(std::iter::repeat_n(b'y', 11));
        for (lines, counts) in [split(10, &[&data]), split_bytewise(10, &data)] {
            assert_eq!(
                lines,
                vec!["x".repeat(10), "short".to_string(), "y".repeat(10)]
            );
            assert_eq!(
                counts,
                LineCounts {
                    lines: 3,
                    cut: 2,
                    invalid_utf8: 0
                }
            );
        }
        // Exactly at the cap is not cut.
        let (lines, counts) = split(5, &[b"12345\n"]);
        assert_eq!(lines, vec!["12345"]);
        assert_eq!(counts.cut, 0);
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        // "aé€" is 1 + 2 + 3 bytes; cut at 4 must keep "aé" (3 bytes), not half of "€".
        let data = "aé€x\n".as_bytes();
        for (lines, counts) in [split(4, &[data]), split_bytewise(4, data)] {
            assert_eq!(lines, vec!["aé"]);
            assert_eq!(counts.cut, 1);
            assert_eq!(counts.invalid_utf8, 0);
        }
    }

    #[test]
    fn a_repaired_cut_line_stays_within_the_cap() {
        let data = [0xffu8; 20];
        let (lines, counts) = split(10, &[&data]);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].len() <= 10 && lines[0].chars().all(|c| c == '\u{fffd}'));
        assert_eq!(counts.cut, 1);
        assert_eq!(counts.invalid_utf8, 1);
    }

    #[test]
    fn a_line_that_outgrows_the_cap_only_by_its_repair_is_counted_as_cut() {
        // 8 bad bytes are 8 U+FFFD (24 bytes) after repair: within the cap of 10 before, cut to 3 of them after.
        let data = b"\xff\xff\xff\xff\xff\xff\xff\xff\nok\n";
        for (lines, counts) in [split(10, &[data]), split_bytewise(10, data)] {
            assert_eq!(lines, vec!["\u{fffd}".repeat(3), "ok".to_string()]);
            assert_eq!(counts.invalid_utf8, 1);
            assert_eq!(counts.cut, 1);
        }
    }

    #[test]
    fn clean_chunks_and_line_by_line_agree() {
        let mut data = Vec::new();
        for i in 0..500 {
            data.extend_from_slice(format!("line {i} é\n").as_bytes());
            if i % 97 == 0 {
                data.extend_from_slice(b"\r\n\xff\n");
            }
        }
        let chunked: Vec<&[u8]> = data.chunks(777).collect();
        assert_eq!(split(1000, &chunked), split_bytewise(1000, &data));
        assert_eq!(split(1000, &[&data]), split_bytewise(1000, &data));
        let (lines, counts) = split(1000, &chunked);
        assert_eq!(lines.len(), 500 + 2 * 6);
        assert_eq!(counts.invalid_utf8, 6);
    }

    #[test]
    fn a_crlf_split_across_chunks_is_one_terminator() {
        let (lines, _) = split(100, &[b"a\r", b"\nb\r", b"", b"\nc"]);
        assert_eq!(lines, vec!["a", "b", "c"]);
    }
}
