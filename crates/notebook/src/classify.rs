//! `get_message_type`: the notebook's classifier, in one pass over the line.
//!
//! The notebook asks `"[info]" in line`, then `"[notice]"`, then `"[error]"`.
//! Three substring searches over a ~100-byte line spend more on setting each
//! search up than on scanning. All three tags start with `[`, so one scan for
//! `[` suffices: at each `[`, the next bytes say which tag (if any) starts
//! there. `[info]` wins at once; `[notice]` and `[error]` are remembered, since
//! a later `[info]` would still win.
//!
//! The scan looks at 16 bytes per step with SSE2 on x86_64 (part of every
//! x86_64 CPU) and at 8 bytes per step with plain integer arithmetic elsewhere
//! (WebAssembly in the browser).

use crate::message_type::MessageType;

/// The bytes after `[` of each tag, packed little-endian, and how many there are.
const INFO: (u64, u64) = pack(b"info]");
const NOTICE: (u64, u64) = pack(b"notice]");
const ERROR: (u64, u64) = pack(b"error]");

/// Packs up to 8 bytes into a little-endian word and the mask of their bytes.
const fn pack(tag: &[u8]) -> (u64, u64) {
    let mut word = 0u64;
    let mut i = 0;
    while i < tag.len() {
        word |= (tag[i] as u64) << (8 * i);
        i += 1;
    }
    (word, u64::MAX >> (8 * (8 - tag.len())))
}

/// The notebook's `get_message_type(line)`: `"[info]" in line` first, then
/// `[notice]`, then `[error]`, else unknown (case-sensitive substrings).
pub fn get_message_type(line: &str) -> MessageType {
    classify::<Native>(line.as_bytes())
}

/// A way to find the `[`s of a line: calls `found(i)` for each `[` at `i`, in
/// order, until it returns true. Generic rather than `dyn` so that the
/// per-bracket check is inlined into the scan loop.
trait Scan {
    fn brackets(bytes: &[u8], found: impl FnMut(usize) -> bool);
}

/// The fastest scan for the target: SSE2 on x86_64, SWAR elsewhere.
struct Native;
/// The portable scan: 8 bytes per step in a `u64` ("SIMD within a register").
/// Used where there is no SSE2; also tested natively against the SSE2 scan.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
struct Swar;
/// Byte by byte: the reference scan for tests.
#[cfg(test)]
struct Bytes;

impl Scan for Native {
    #[inline(always)]
    fn brackets(bytes: &[u8], found: impl FnMut(usize) -> bool) {
        #[cfg(target_arch = "x86_64")]
        sse2_brackets(bytes, found);
        #[cfg(not(target_arch = "x86_64"))]
        Swar::brackets(bytes, found);
    }
}

impl Scan for Swar {
    #[inline(always)]
    fn brackets(bytes: &[u8], found: impl FnMut(usize) -> bool) {
        swar_brackets(bytes, found)
    }
}

#[cfg(test)]
impl Scan for Bytes {
    fn brackets(bytes: &[u8], found: impl FnMut(usize) -> bool) {
        scalar_brackets(bytes, 0, found)
    }
}

/// Classifies `bytes`, finding the `[`s with `S`.
#[inline(always)]
fn classify<S: Scan>(bytes: &[u8]) -> MessageType {
    let (mut notice, mut error, mut info) = (false, false, false);
    S::brackets(bytes, |i| {
        let next = word_after(bytes, i);
        if next & INFO.1 == INFO.0 {
            info = true;
            return true;
        }
        notice |= next & NOTICE.1 == NOTICE.0;
        error |= next & ERROR.1 == ERROR.0;
        false
    });
    if info {
        MessageType::Info
    } else if notice {
        MessageType::Notice
    } else if error {
        MessageType::Error
    } else {
        MessageType::Unknown
    }
}

/// The (up to) 8 bytes after position `i`, little-endian, zero-padded past the
/// end. No tag holds a zero byte, so the padding never completes one.
#[inline(always)]
fn word_after(bytes: &[u8], i: usize) -> u64 {
    let rest = &bytes[i + 1..];
    match rest.get(..8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or([0; 8])),
        None => {
            let mut padded = [0u8; 8];
            padded[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(padded)
        }
    }
}

/// The SSE2 scan: 16 bytes per step.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn sse2_brackets(bytes: &[u8], mut found: impl FnMut(usize) -> bool) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let n = bytes.len();
    if n < 16 {
        return scalar_brackets(bytes, 0, found);
    }
    // Bit k of the mask: byte `at + k` is '['.
    let mask_at = |at: usize| -> u32 {
        debug_assert!(at + 16 <= n);
        // SAFETY: SSE2 is in the x86_64 baseline, so these intrinsics exist on
        // every x86_64 CPU; the unaligned load reads bytes[at..at + 16], which is
        // inside the slice because at + 16 <= n (checked by every caller).
        unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().add(at) as *const __m128i);
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'[' as i8))) as u32
        }
    };
    let mut at = 0;
    while at + 16 <= n {
        if each_bit(mask_at(at) as u64, 1, at, &mut found) {
            return;
        }
        at += 16;
    }
    if at < n {
        // The last 16 bytes, overlapping the bytes already seen: drop those.
        let m = mask_at(n - 16) & (u32::MAX << (at + 16 - n));
        each_bit(m as u64, 1, n - 16, &mut found);
    }
}

/// Calls `found(base + bit / bits_per_byte)` for each set bit of `mask`, lowest
/// first, until it returns true (and then returns true).
#[inline(always)]
fn each_bit(
    mut mask: u64,
    bits_per_byte: u32,
    base: usize,
    found: &mut impl FnMut(usize) -> bool,
) -> bool {
    while mask != 0 {
        if found(base + (mask.trailing_zeros() / bits_per_byte) as usize) {
            return true;
        }
        mask &= mask - 1;
    }
    false
}

/// The SWAR scan (see [`Swar`]).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn swar_brackets(bytes: &[u8], mut found: impl FnMut(usize) -> bool) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const BRACKETS: u64 = 0x5b5b_5b5b_5b5b_5b5b; // b'[' in every byte
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ BRACKETS;
        // The top bit of each byte is set exactly where x has a zero byte (no
        // carry can cross bytes: (x & LOW7) + LOW7 <= 0xfe per byte).
        let m = !(((x & LOW7) + LOW7) | x | LOW7);
        if each_bit(m, 8, at, &mut found) {
            return;
        }
        at += 8;
    }
    scalar_brackets(chunks.remainder(), at, found);
}

/// The byte-by-byte scan for short tails; `offset` is where `bytes` starts.
#[inline(always)]
fn scalar_brackets(bytes: &[u8], offset: usize, mut found: impl FnMut(usize) -> bool) {
    for (k, &b) in bytes.iter().enumerate() {
        if b == b'[' && found(offset + k) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::LogGenerator;

    /// The notebook's definition, word for word.
    fn reference(line: &str) -> MessageType {
        if line.contains("[info]") {
            MessageType::Info
        } else if line.contains("[notice]") {
            MessageType::Notice
        } else if line.contains("[error]") {
            MessageType::Error
        } else {
            MessageType::Unknown
        }
    }

    fn check(line: &str) {
        let want = reference(line);
        assert_eq!(get_message_type(line), want, "{line:?}");
        assert_eq!(
            classify::<Swar>(line.as_bytes()),
            want,
            "portable scan, {line:?}"
        );
        assert_eq!(
            classify::<Bytes>(line.as_bytes()),
            want,
            "byte scan, {line:?}"
        );
    }

    #[test]
    fn follows_the_notebook_order() {
        for line in [
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk",
            "[error] then [info]",
            "[error] then [notice]",
            "[INFO] shouting",
            "[info",
            "info]",
            "",
            "[",
            "x[[notice]]",
            "日本 [info] é",
            "[notice][error]",
            "[error][notice]",
            "[errorr] [notic] [inf]",
            "[\0info]",
        ] {
            check(line);
        }
    }

    #[test]
    fn finds_tags_at_every_position_and_length() {
        // Each tag at every offset of lines of every length up to 70 bytes, so
        // tags straddle the 8- and 16-byte steps and the overlapping tail.
        for tag in ["[info]", "[notice]", "[error]", "[info", "[notice", "[x]"] {
            for len in 0..70 {
                for at in 0..=len {
                    let mut line: String = "a[b".chars().cycle().take(len).collect();
                    line.insert_str(at, tag);
                    check(&line);
                    let mut with_error = line.clone();
                    with_error.insert_str(0, "[error]");
                    check(&with_error);
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_notebook_on_generated_lines() {
        let mut g = LogGenerator::new(7);
        for _ in 0..20_000 {
            check(&g.next_line());
        }
    }
}
