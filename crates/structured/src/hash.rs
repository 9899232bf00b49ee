//! Spark's `Murmur3Hash` expression (seed 42), which places a grouping key in one of
//! `spark.sql.shuffle.partitions` partitions (`pmod(hash(keys), n)`), and so decides the order
//! in which a streaming aggregation's rows reach the console sink.
//!
//! Hand-written because Spark's `Murmur3_x86_32.hashUnsafeBytes` is not the standard
//! MurmurHash3 (it mixes each trailing byte as a whole block, sign-extended), so no
//! general-purpose crate gives Spark's numbers.

use crate::value::Value;

/// The seed of Spark's `hash()` / `HashPartitioning`.
pub const SPARK_HASH_SEED: i32 = 42;

const C1: i32 = 0xcc9e2d51_u32 as i32;
const C2: i32 = 0x1b873593;

fn mix_k1(k1: i32) -> i32 {
    k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2)
}

fn mix_h1(h1: i32, k1: i32) -> i32 {
    (h1 ^ k1)
        .rotate_left(13)
        .wrapping_mul(5)
        .wrapping_add(0xe6546b64_u32 as i32)
}

fn fmix(h1: i32, length: i32) -> i32 {
    let mut h = (h1 ^ length) as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85ebca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2ae35);
    h ^= h >> 16;
    h as i32
}

/// `Murmur3_x86_32.hashInt`.
pub fn hash_int(input: i32, seed: i32) -> i32 {
    fmix(mix_h1(seed, mix_k1(input)), 4)
}

/// `Murmur3_x86_32.hashLong`: the low 32 bits first.
pub fn hash_long(input: i64, seed: i32) -> i32 {
    let h1 = mix_h1(seed, mix_k1(input as i32));
    let h1 = mix_h1(h1, mix_k1((input >> 32) as i32));
    fmix(h1, 8)
}

/// `Murmur3_x86_32.hashUnsafeBytes` over a string's UTF-8 bytes: little-endian 4-byte words,
/// then every remaining byte (sign-extended) as a block of its own.
pub fn hash_bytes(bytes: &[u8], seed: i32) -> i32 {
    let mut h1 = seed;
    let mut words = bytes.chunks_exact(4);
    for word in &mut words {
        let k = i32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        h1 = mix_h1(h1, mix_k1(k));
    }
    for byte in words.remainder() {
        h1 = mix_h1(h1, mix_k1(*byte as i8 as i32));
    }
    fmix(h1, bytes.len() as i32)
}

/// `Murmur3Hash` of one value with `seed`; NULL leaves the seed as it is, a struct hashes its
/// fields and an array its elements in order, a double hashes its bits (with -0.0 as 0.0, as
/// Spark normalises it).
pub fn hash_value(value: &Value, seed: i32) -> i32 {
    match value {
        Value::Null => seed,
        Value::Long(n) | Value::Timestamp(n) => hash_long(*n, seed),
        Value::Int(n) => hash_int(*n, seed),
        Value::Boolean(b) => hash_int(i32::from(*b), seed),
        Value::Double(d) => {
            let d = if *d == 0.0 { 0.0 } else { *d };
            hash_long(d.to_bits() as i64, seed)
        }
        Value::String(s) => hash_bytes(s.as_bytes(), seed),
        Value::Struct(fields) | Value::Array(fields) => hash_row(fields, seed),
    }
}

/// `Murmur3Hash(keys, 42)`: each key hashed with the previous key's hash as its seed.
pub fn hash_row(keys: &[Value], seed: i32) -> i32 {
    keys.iter().fold(seed, |h, v| hash_value(v, h))
}

/// The shuffle partition of a grouping key: `pmod(Murmur3Hash(keys, 42), partitions)`.
pub fn partition_of(keys: &[Value], partitions: u32) -> u32 {
    hash_row(keys, SPARK_HASH_SEED).rem_euclid(partitions as i32) as u32
}
