//! Which of several literals sharing a first byte occurs first, by order, in a string: the
//! notebook's message type (`"[info]"`, `"[notice]"`, `"[error]"`), asked as a Python
//! `if ... in line: ... elif ...` chain or as a Structured Streaming
//! `when(col.contains(...))...` chain. A literal occurs only where its first byte does, so one
//! scan for that byte ([`crate::byte_scan`]) replaces a substring search per literal (the
//! notebook's generated lines hold `[` about three times each).

use crate::byte_scan::{ByteScan, Native};

/// The literals of a chain, prepared for one pass over a string. Two are equal when their
/// literals are, in the same order: they find the same in every string.
#[derive(PartialEq, Eq)]
pub struct FirstLiteral {
    first: u8,
    /// The literals' second bytes, one bit each (every bit when a literal
    /// is that one byte): most places of the first byte (a log line's
    /// `[Sun Dec 04 ...]`, `[client ...]`) start no literal, and their
    /// next byte says so without a comparison per literal.
    seconds: [u64; 4],
    literals: Vec<Literal>,
}

/// A literal with its first eight bytes as one word, so that testing it at
/// a place takes one comparison (the chains' literals are short).
#[derive(PartialEq, Eq)]
struct Literal {
    bytes: Box<[u8]>,
    /// The first bytes (up to eight), little-endian, and which of the word's bytes they are.
    head: u64,
    mask: u64,
}

impl Literal {
    fn new(bytes: &[u8]) -> Literal {
        let n = bytes.len().min(8);
        let mut word = [0u8; 8];
        word[..n].copy_from_slice(&bytes[..n]);
        Literal {
            bytes: Box::from(bytes),
            head: u64::from_le_bytes(word),
            mask: if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            },
        }
    }

    /// Whether `rest` starts with the literal, `word` being its first eight bytes.
    #[inline(always)]
    fn starts_word(&self, word: u64, rest: &[u8]) -> bool {
        word & self.mask == self.head && (self.bytes.len() <= 8 || rest.starts_with(&self.bytes))
    }
}

impl FirstLiteral {
    /// The prepared scan for `literals`, in order, if there is one at least, none is empty
    /// and all start with one byte.
    pub fn new<'a>(literals: impl IntoIterator<Item = &'a [u8]>) -> Option<FirstLiteral> {
        let literals: Vec<Literal> = literals.into_iter().map(Literal::new).collect();
        let first = *literals.first()?.bytes.first()?;
        if !literals.iter().all(|l| l.bytes.first() == Some(&first)) {
            return None;
        }
        let mut seconds = [0u64; 4];
        for l in &literals {
            match l.bytes.get(1) {
                Some(&b) => seconds[b as usize / 64] |= 1 << (b % 64),
                None => seconds = [u64::MAX; 4],
            }
        }
        Some(FirstLiteral {
            first,
            seconds,
            literals,
        })
    }

    /// Whether a literal may start at `at` (a place of the first byte), by the byte after it.
    #[inline(always)]
    fn may_start(&self, s: &[u8], at: usize) -> bool {
        match s.get(at + 1) {
            Some(&b) => self.seconds[b as usize / 64] & (1 << (b % 64)) != 0,
            // The string's last byte: only a one-byte literal starts there (the comparison says).
            None => true,
        }
    }

    /// The index of the first literal (in the order given) that occurs anywhere in `s`.
    /// Inlined into its callers: at opt-level "z" (the page's build) a call here costs as much
    /// as the scan of a short line.
    #[inline(always)]
    pub fn first_found(&self, s: &[u8]) -> Option<usize> {
        // Only literals before the best found so far can still change the answer.
        let mut best = self.literals.len();
        Native::each(s, self.first, |at| {
            if !self.may_start(s, at) {
                return false;
            }
            let rest = &s[at..];
            let candidates = &self.literals[..best];
            // The place's first eight bytes read once for every literal.
            let hit = match rest.first_chunk::<8>() {
                Some(word) => {
                    let word = u64::from_le_bytes(*word);
                    candidates.iter().position(|l| l.starts_word(word, rest))
                }
                None => candidates.iter().position(|l| rest.starts_with(&l.bytes)),
            };
            if let Some(i) = hit {
                best = i;
            }
            best == 0
        });
        (best < self.literals.len()).then_some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first literal, by order, that `s` contains, searched literal by literal.
    fn by_search(literals: &[&str], s: &str) -> Option<usize> {
        literals.iter().position(|l| s.contains(l))
    }

    #[test]
    fn the_first_literal_found_is_the_first_a_search_per_literal_finds() {
        let chains: [&[&str]; 5] = [
            &["[info]", "[notice]", "[error]"],
            &["[notice]", "[info]", "[err"],
            &["[e", "[error]"],
            &["[", "[info]"],
            &["[a long literal of more than eight bytes]", "[a long"],
        ];
        let strings = [
            "",
            "[",
            "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok",
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk child [info] x",
            "[info]",
            "x[err",
            "[[info]",
            "[noticed] [error]",
            "[a long literal of more than eight bytes] [info]",
            "[a long literal of more than eight byte",
            "no bracket at all",
        ];
        for literals in chains {
            let scan = FirstLiteral::new(literals.iter().map(|l| l.as_bytes())).expect("a chain");
            for s in strings {
                assert_eq!(
                    scan.first_found(s.as_bytes()),
                    by_search(literals, s),
                    "{literals:?} in {s:?}"
                );
            }
        }
    }

    #[test]
    fn literals_of_other_first_bytes_or_empty_have_no_scan() {
        let none = |literals: &[&str]| FirstLiteral::new(literals.iter().map(|l| l.as_bytes()));
        assert!(none(&["[info]", "(error)"]).is_none());
        assert!(none(&["[info]", ""]).is_none());
        assert!(none(&[]).is_none());
        assert!(none(&["[info]"]).is_some());
    }
}
