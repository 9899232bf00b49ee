//! How data frames travel: as they are, or LZ4-compressed for a client that asks for it.
//!
//! The generator's lines compress about 6.5 times with LZ4, and at a million lines a second a browser on a small
//! machine cannot take the plain bytes (about 100 MB/s) through its WebSocket, while it takes the compressed ones
//! with room to spare (README of the relay, "Compressed frames"). LZ4 rather than deflate, because the relay
//! compresses each frame once for all its clients: LZ4 (lz4_flex) does it at about 1.8 GiB/s of these lines on
//! one core, zlib's fastest level at about 0.16 GB/s.
//!
//! A client asks with the WebSocket subprotocol [`LZ4_SUBPROTOCOL`]; a relay that agrees names it in its answer,
//! and every binary frame it sends that client is then one LZ4 block with the frame's length in front (4 bytes,
//! little-endian: lz4_flex's "size prepended" layout). Text frames (status messages) are never compressed. A
//! client that asks for nothing gets the plain frames `websocat` and `nc`-like tools read.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The WebSocket subprotocol under which the relay sends LZ4-compressed data frames.
pub const LZ4_SUBPROTOCOL: &str = "dstream-lab.lz4";

/// LZ4 never compresses more than about 255 to 1 (a match of n bytes takes at least n / 255 bytes), so a frame that
/// claims more than this many bytes per compressed byte is not LZ4: it is refused before anything is allocated.
const MAX_LZ4_RATIO: usize = 255;

/// The bytes that precede an LZ4 block: the frame's length.
const SIZE_PREFIX: usize = 4;

/// How a connection's binary frames are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FrameEncoding {
    /// Plain `\n`-terminated lines.
    #[default]
    Plain,
    /// One LZ4 block per frame, its plain length in front ([`LZ4_SUBPROTOCOL`]).
    Lz4,
}

/// Why a binary frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The frame is shorter than its length prefix.
    Truncated {
        /// The frame's bytes.
        len: usize,
    },
    /// The length in front is more than LZ4 can compress into the frame.
    ImpossibleSize {
        /// The length the frame claims.
        claimed: usize,
        /// The frame's bytes.
        len: usize,
    },
    /// The LZ4 block itself is broken, or does not decode to the length in front.
    Corrupt(String),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Truncated { len } => write!(
                f,
                "a compressed frame of {len} bytes is shorter than its {SIZE_PREFIX}-byte length"
            ),
            FrameError::ImpossibleSize { claimed, len } => write!(
                f,
                "a compressed frame of {len} bytes claims {claimed} bytes of lines, more than LZ4 can hold"
            ),
            FrameError::Corrupt(why) => write!(f, "a compressed frame is broken ({why})"),
        }
    }
}

impl std::error::Error for FrameError {}

impl FrameEncoding {
    /// The encoding a relay uses for a client that offered `offered` (its `Sec-WebSocket-Protocol` values).
    pub fn chosen_from<'a>(offered: impl IntoIterator<Item = &'a str>) -> FrameEncoding {
        if offered
            .into_iter()
            .any(|p| p.trim().eq_ignore_ascii_case(LZ4_SUBPROTOCOL))
        {
            FrameEncoding::Lz4
        } else {
            FrameEncoding::Plain
        }
    }

    /// The encoding of a connection whose handshake agreed on `subprotocol` (empty when none was).
    pub fn of_subprotocol(subprotocol: &str) -> FrameEncoding {
        FrameEncoding::chosen_from([subprotocol])
    }

    /// The subprotocol that names this encoding in a handshake.
    pub fn subprotocol(self) -> Option<&'static str> {
        match self {
            FrameEncoding::Plain => None,
            FrameEncoding::Lz4 => Some(LZ4_SUBPROTOCOL),
        }
    }

    /// `frame` (plain lines) as this encoding sends it.
    pub fn encode(self, frame: &[u8]) -> Cow<'_, [u8]> {
        match self {
            FrameEncoding::Plain => Cow::Borrowed(frame),
            FrameEncoding::Lz4 => Cow::Owned(lz4_flex::block::compress_prepend_size(frame)),
        }
    }

    /// The plain lines of a frame received in this encoding.
    pub fn decode(self, data: &[u8]) -> Result<Cow<'_, [u8]>, FrameError> {
        match self {
            FrameEncoding::Plain => Ok(Cow::Borrowed(data)),
            FrameEncoding::Lz4 => decode_lz4(data).map(Cow::Owned),
        }
    }
}

fn decode_lz4(data: &[u8]) -> Result<Vec<u8>, FrameError> {
    let Some((size, block)) = data.split_first_chunk::<SIZE_PREFIX>() else {
        return Err(FrameError::Truncated { len: data.len() });
    };
    let claimed = u32::from_le_bytes(*size) as usize;
    if claimed > block.len().saturating_mul(MAX_LZ4_RATIO) + SIZE_PREFIX {
        return Err(FrameError::ImpossibleSize {
            claimed,
            len: data.len(),
        });
    }
    let mut plain = vec![0; claimed];
    let written = lz4_flex::block::decompress_into(block, &mut plain)
        .map_err(|e| FrameError::Corrupt(e.to_string()))?;
    if written != claimed {
        return Err(FrameError::Corrupt(format!(
            "{written} bytes of lines where the frame says {claimed}"
        )));
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<u8> {
        (0..n)
            .flat_map(|i| {
                format!("[Sun Dec 04 04:47:{:02} 2005] [error] line {i}\n", i % 60).into_bytes()
            })
            .collect()
    }

    #[test]
    fn a_frame_comes_back_as_it_was_sent_in_either_encoding() {
        for frame in [
            Vec::new(),
            b"one\n".to_vec(),
            lines(3000),
            "é€😀\n".repeat(99).into_bytes(),
        ] {
            for encoding in [FrameEncoding::Plain, FrameEncoding::Lz4] {
                let sent = encoding.encode(&frame).into_owned();
                assert_eq!(encoding.decode(&sent).unwrap(), frame.as_slice());
            }
        }
    }

    #[test]
    fn log_lines_travel_several_times_smaller_compressed() {
        let frame = lines(1000);
        let sent = FrameEncoding::Lz4.encode(&frame);
        assert!(
            sent.len() * 4 < frame.len(),
            "{} of {}",
            sent.len(),
            frame.len()
        );
    }

    #[test]
    fn the_lz4_subprotocol_is_chosen_only_when_offered() {
        assert_eq!(
            FrameEncoding::chosen_from(["chat", " dstream-lab.lz4"]),
            FrameEncoding::Lz4
        );
        assert_eq!(FrameEncoding::chosen_from(["chat"]), FrameEncoding::Plain);
        assert_eq!(FrameEncoding::chosen_from([]), FrameEncoding::Plain);
        assert_eq!(FrameEncoding::of_subprotocol(""), FrameEncoding::Plain);
        for encoding in [FrameEncoding::Plain, FrameEncoding::Lz4] {
            let named = encoding.subprotocol().unwrap_or("");
            assert_eq!(FrameEncoding::of_subprotocol(named), encoding);
        }
    }

    #[test]
    fn broken_compressed_frames_are_errors_not_panics() {
        assert_eq!(
            FrameEncoding::Lz4.decode(b"ab"),
            Err(FrameError::Truncated { len: 2 })
        );
        // A length no LZ4 block of one byte can reach: refused before allocating 4 GiB.
        let huge = [0xff, 0xff, 0xff, 0xff, 0x00];
        assert!(matches!(
            FrameEncoding::Lz4.decode(&huge),
            Err(FrameError::ImpossibleSize {
                claimed: 0xffff_ffff,
                len: 5
            })
        ));
        let mut sent = FrameEncoding::Lz4.encode(&lines(200)).into_owned();
        let cut = sent.len() / 2;
        assert!(matches!(
            FrameEncoding::Lz4.decode(&sent[..cut]),
            Err(FrameError::Corrupt(_))
        ));
        // A length in front that the block does not fill.
        sent[0] = sent[0].wrapping_add(1);
        assert!(matches!(
            FrameEncoding::Lz4.decode(&sent),
            Err(FrameError::Corrupt(_))
        ));
        // Every truncation and every flipped byte of a real frame decodes or fails, never panics.
        let sent = FrameEncoding::Lz4.encode(&lines(50)).into_owned();
        for end in 0..sent.len() {
            let _ = FrameEncoding::Lz4.decode(&sent[..end]);
        }
        for at in 0..sent.len() {
            let mut flipped = sent.clone();
            flipped[at] ^= 0x5a;
            let _ = FrameEncoding::Lz4.decode(&flipped);
        }
    }
}
