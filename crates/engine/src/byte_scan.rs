//! Finding the places of one byte in a short string, in one pass.
//!
//! A host that tests a line for several literals sharing a first byte (the
//! notebook's `"[info]"`, `"[notice]"`, `"[error]"`) looks for that byte once
//! and compares the literals where it is, instead of one substring search per
//! literal: on a ~100-byte line, setting a search up costs more than scanning.
//! A general `memchr` iterator also sets itself up again at every place it
//! returns; these scans keep the byte's mask of a whole step and walk its bits.
//!
//! The scan looks at 16 bytes per step with SSE2 on x86_64 (part of every
//! x86_64 CPU) and at 8 bytes per step with plain integer arithmetic elsewhere
//! (WebAssembly in the browser).

/// A way to find the places of a byte: [`ByteScan::each`] calls `found(i)`
/// for each `i` where `bytes[i] == byte`, in order, until it returns true.
/// Generic rather than `dyn` so that the caller's check at each place is
/// inlined into the scan loop.
pub trait ByteScan {
    /// Calls `found` at each place of `byte` in `bytes`, first to last, until it returns true.
    fn each(bytes: &[u8], byte: u8, found: impl FnMut(usize) -> bool);
}

/// The fastest scan for the target: SSE2 on x86_64, [`Swar`] elsewhere.
pub struct Native;

/// The portable scan: 8 bytes per step in a `u64` ("SIMD within a
/// register"). Used where there is no SSE2; also tested natively against
/// the SSE2 scan.
pub struct Swar;

/// Byte by byte: the reference the other scans are tested against.
pub struct Bytes;

impl ByteScan for Native {
    #[inline(always)]
    fn each(bytes: &[u8], byte: u8, found: impl FnMut(usize) -> bool) {
        #[cfg(target_arch = "x86_64")]
        sse2_each(bytes, byte, found);
        #[cfg(not(target_arch = "x86_64"))]
        Swar::each(bytes, byte, found);
    }
}

impl ByteScan for Swar {
    #[inline(always)]
    fn each(bytes: &[u8], byte: u8, found: impl FnMut(usize) -> bool) {
        swar_each(bytes, byte, found)
    }
}

impl ByteScan for Bytes {
    #[inline(always)]
    fn each(bytes: &[u8], byte: u8, found: impl FnMut(usize) -> bool) {
        scalar_each(bytes, byte, 0, found)
    }
}

/// The SSE2 scan: 16 bytes per step.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn sse2_each(bytes: &[u8], byte: u8, mut found: impl FnMut(usize) -> bool) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let n = bytes.len();
    if n < 16 {
        return scalar_each(bytes, byte, 0, found);
    }
    // Bit k of the mask: byte `at + k` is the one looked for.
    let mask_at = |at: usize| -> u32 {
        debug_assert!(at + 16 <= n);
        // SAFETY: SSE2 is in the x86_64 baseline, so these intrinsics exist on
        // every x86_64 CPU; the unaligned load reads bytes[at..at + 16], which is
        // inside the slice because at + 16 <= n (checked by every caller).
        unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().add(at) as *const __m128i);
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8))) as u32
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
#[inline(always)]
fn swar_each(bytes: &[u8], byte: u8, mut found: impl FnMut(usize) -> bool) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let wanted = 0x0101_0101_0101_0101 * byte as u64;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ wanted;
        // The top bit of each byte is set exactly where x has a zero byte (no
        // carry can cross bytes: (x & LOW7) + LOW7 <= 0xfe per byte).
        let m = !(((x & LOW7) + LOW7) | x | LOW7);
        if each_bit(m, 8, at, &mut found) {
            return;
        }
        at += 8;
    }
    scalar_each(chunks.remainder(), byte, at, found);
}

/// The byte-by-byte scan for short tails; `offset` is where `bytes` starts.
#[inline(always)]
fn scalar_each(bytes: &[u8], byte: u8, offset: usize, mut found: impl FnMut(usize) -> bool) {
    for (k, &b) in bytes.iter().enumerate() {
        if b == byte && found(offset + k) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The places `S` reports, up to and including the one where `stop_after` places were seen.
    fn places<S: ByteScan>(bytes: &[u8], byte: u8, stop_after: usize) -> Vec<usize> {
        let mut seen = Vec::new();
        S::each(bytes, byte, |i| {
            seen.push(i);
            seen.len() == stop_after
        });
        seen
    }

    #[test]
    fn every_scan_finds_the_places_the_byte_by_byte_scan_finds() {
        // The byte at every pair of offsets of strings of every length up to 70
        // bytes, so places straddle the 8- and 16-byte steps and the
        // overlapping tail; bytes with the top bit set test the SWAR carries.
        for byte in [b'[', 0x80, 0xff, 0] {
            for len in 0..70 {
                let base: Vec<u8> = b"a]b\x7f\xfe\x01"
                    .iter()
                    .copied()
                    .filter(|&b| b != byte)
                    .cycle()
                    .take(len)
                    .collect();
                for a in 0..len {
                    for b in a..len {
                        let mut bytes = base.clone();
                        bytes[a] = byte;
                        bytes[b] = byte;
                        let want = places::<Bytes>(&bytes, byte, usize::MAX);
                        assert_eq!(want, if a == b { vec![a] } else { vec![a, b] });
                        for stop in [1, usize::MAX] {
                            let want = places::<Bytes>(&bytes, byte, stop);
                            assert_eq!(places::<Native>(&bytes, byte, stop), want, "{bytes:?}");
                            assert_eq!(places::<Swar>(&bytes, byte, stop), want, "{bytes:?}");
                        }
                    }
                }
            }
        }
    }
}
