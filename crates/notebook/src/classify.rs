//! `get_message_type`: the notebook's classifier, in one pass over the line.
//!
//! The notebook asks `"[info]" in line`, then `"[notice]"`, then `"[error]"`.
//! Three substring searches over a ~100-byte line spend more on setting each
//! search up than on scanning. All three tags start with `[`, so one scan for
//! `[` suffices: at each `[`, the next bytes say which tag (if any) starts
//! there. `[info]` wins at once; `[notice]` and `[error]` are remembered, since
//! a later `[info]` would still win.
//!
//! The scan is the engine's [`dstream_engine::byte_scan`]: 16 bytes per step
//! with SSE2 on x86_64, 8 bytes per step elsewhere (WebAssembly in the browser).

use dstream_engine::byte_scan::{ByteScan, Native};

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

/// Classifies `bytes`, finding the `[`s with `S`.
#[inline(always)]
fn classify<S: ByteScan>(bytes: &[u8]) -> MessageType {
    let (mut notice, mut error, mut info) = (false, false, false);
    S::each(bytes, b'[', |i| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::LogGenerator;
    use dstream_engine::byte_scan::{Bytes, Swar};

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
