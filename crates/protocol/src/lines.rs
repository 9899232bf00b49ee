//! How lines are framed, and the one rule for over-long lines.
//!
//! A data frame holds complete lines, each ending in `\n`. A line longer than the cap is cut to at most the cap (at
//! a UTF-8 character boundary), the rest of it up to its terminator is dropped, and it counts as one cut line. The
//! relay applies the rule to the source's lines (cap `--max-line-bytes`); the page applies it to a line it has to
//! join across frames (which only a misbehaving server makes it do). Both use [`PartialLine`], so the rule is
//! written once.

/// The relay's default cap on a line, in bytes, not counting its `\n` (`--max-line-bytes`, 1 MiB).
pub const DEFAULT_MAX_LINE_BYTES: usize = 1024 * 1024;

/// The beginning of a line that arrives in pieces, capped by the over-long-line rule (see the module docs).
///
/// Feed the pieces with [`PartialLine::extend`] and end the line with [`PartialLine::end`]. It holds at most the
/// cap: when the line grows past it, the kept part is handed out at once (as a cut line) and the rest of the line
/// is dropped until [`PartialLine::end`].
#[derive(Debug, Clone)]
pub struct PartialLine {
    max_line_bytes: usize,
    /// The line so far (never longer than `max_line_bytes`).
    bytes: Vec<u8>,
    /// The line was too long and has already been handed out cut: drop the rest of it.
    cut: bool,
}

impl PartialLine {
    /// An empty line with a cap of `max_line_bytes` bytes (a cap of 0 is taken as 1).
    pub fn new(max_line_bytes: usize) -> PartialLine {
        PartialLine {
            max_line_bytes: max_line_bytes.max(1),
            bytes: Vec::new(),
            cut: false,
        }
    }

    /// The cap, in bytes.
    pub fn max_line_bytes(&self) -> usize {
        self.max_line_bytes
    }

    /// Whether nothing of a line is held or being dropped, so the next byte starts a new line.
    pub fn is_idle(&self) -> bool {
        self.bytes.is_empty() && !self.cut
    }

    /// Bytes held for the current line.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether no byte of the current line is held (true too while the rest of a cut line is being dropped).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Adds `piece` (bytes without a terminator) to the current line. When the line grows past the cap, calls
    /// `cut` once with its first at most `max_line_bytes` bytes (never half a UTF-8 character), and drops the rest
    /// of the line. Returns whether the line was cut by this piece.
    pub fn extend(&mut self, piece: &[u8], cut: impl FnOnce(&[u8])) -> bool {
        if self.cut || piece.is_empty() {
            return false;
        }
        let room = self.max_line_bytes - self.bytes.len();
        if piece.len() <= room {
            self.bytes.extend_from_slice(piece);
            return false;
        }
        self.bytes.extend_from_slice(&piece[..room]);
        // Do not cut a UTF-8 character in two: back up over its start when the first byte left out continues it.
        let mut end = self.bytes.len();
        let mut next = piece[room];
        let lowest = end.saturating_sub(3);
        while end > lowest && is_continuation(next) {
            end -= 1;
            next = self.bytes[end];
        }
        cut(&self.bytes[..end]);
        self.bytes.clear();
        self.cut = true;
        true
    }

    /// The current line has ended (its terminator arrived, or the stream ended): calls `line` with it unless it
    /// was already handed out cut, and starts a new line.
    pub fn end(&mut self, line: impl FnOnce(&[u8])) {
        if !self.cut {
            line(&self.bytes);
        }
        self.clear();
    }

    /// Forgets the current line (held bytes and cut state); returns how many bytes were held.
    pub fn clear(&mut self) -> usize {
        let held = self.bytes.len();
        self.bytes.clear();
        self.cut = false;
        held
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `pieces` as one line, then ends it; returns what was handed out, each marked cut or whole.
    fn assemble(max: usize, pieces: &[&[u8]]) -> Vec<(Vec<u8>, bool)> {
        let mut p = PartialLine::new(max);
        let mut out = Vec::new();
        for piece in pieces {
            p.extend(piece, |l| out.push((l.to_vec(), true)));
        }
        p.end(|l| out.push((l.to_vec(), false)));
        assert!(p.is_idle());
        out
    }

    #[test]
    fn a_line_within_the_cap_is_handed_out_whole_at_its_end() {
        assert_eq!(
            assemble(5, &[b"12", b"345"]),
            vec![(b"12345".to_vec(), false)]
        );
    }

    #[test]
    fn an_over_long_line_is_cut_once_and_its_rest_dropped() {
        assert_eq!(
            assemble(4, &[b"123", b"45", b"6789"]),
            vec![(b"1234".to_vec(), true)]
        );
    }

    #[test]
    fn a_cut_backs_up_to_a_character_boundary() {
        // "aé€" is 1 + 2 + 3 bytes: a cap of 4 keeps "aé" (3 bytes), not half of "€".
        assert_eq!(
            assemble(4, &["aé€x".as_bytes()]),
            vec![("aé".as_bytes().to_vec(), true)]
        );
    }

    #[test]
    fn the_next_line_starts_clean_after_a_cut() {
        let mut p = PartialLine::new(2);
        assert!(p.extend(b"abc", |_| {}));
        assert!(!p.is_idle());
        assert!(!p.extend(b"more", |_| panic!("cut twice")));
        p.end(|_| panic!("a cut line is not handed out again"));
        let mut whole = Vec::new();
        p.extend(b"ok", |_| panic!("within the cap"));
        p.end(|l| whole.extend_from_slice(l));
        assert_eq!(whole, b"ok");
    }
}
