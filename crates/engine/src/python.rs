//! Python's view of values: `repr()`, `str()` and PySpark's `portable_hash`.
//!
//! PySpark prints records with `print(record)`, so a tuple shows its items as
//! `repr()` (`('info', 3)`) while a bare string shows as itself. Record order in
//! `pprint()` comes from hash partitioning with `portable_hash(key) % partitions`,
//! and PySpark runs its workers with `PYTHONHASHSEED=0`, so Python's string hash
//! (SipHash-1-3 with a zero key, over the string's compact storage) is
//! deterministic and reproduced here bit for bit.

use std::hash::Hasher;

use siphasher::sip::SipHasher13;
use unicode_general_category::{get_general_category, GeneralCategory};

/// A value as Python shows it: `repr()` and `str()`.
pub trait PyRepr {
    /// Appends Python's `repr(self)` to `out`.
    fn py_repr(&self, out: &mut String);

    /// Appends Python's `str(self)`; equal to `repr` except for strings.
    fn py_str(&self, out: &mut String) {
        self.py_repr(out)
    }

    /// Python's `repr(self)` as a new string.
    fn repr_string(&self) -> String {
        let mut s = String::new();
        self.py_repr(&mut s);
        s
    }

    /// Python's `str(self)` as a new string (what `print(record)` shows).
    fn str_string(&self) -> String {
        let mut s = String::new();
        self.py_str(&mut s);
        s
    }
}

/// PySpark's `portable_hash`: the hash its `partitionBy` uses to place a key.
pub trait PyHash {
    /// The value of `pyspark.rdd.portable_hash(self)` with `PYTHONHASHSEED=0`.
    fn py_hash(&self) -> i64;

    /// An address standing for the key while it lives, if it has one: the
    /// keys of one immutable allocation (a string every record shares, made
    /// by a constant) give that allocation's address, so two keys giving the
    /// same address while both live are equal. A combiner holding a key
    /// finds it again by its address without hashing it. `None` (the
    /// default) for keys without one; equal keys may give different
    /// addresses.
    #[inline]
    fn shared_address(&self) -> Option<usize> {
        None
    }
}

/// The partition PySpark puts `key` in: Python's `portable_hash(key) % partitions`
/// (Python's `%` is never negative for a positive divisor).
pub fn partition_of<K: PyHash + ?Sized>(key: &K, partitions: usize) -> usize {
    if partitions <= 1 {
        return 0;
    }
    key.py_hash().rem_euclid(partitions as i64) as usize
}

/// Python's `hash(str)` with `PYTHONHASHSEED=0` (CPython >= 3.11, SipHash-1-3).
///
/// CPython hashes the string's compact storage: one byte per character when all
/// are below U+0100, two (little-endian) when all are below U+10000, else four.
pub fn str_hash(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let max = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let mut h = SipHasher13::new_with_keys(0, 0);
    if max < 0x100 {
        if s.is_ascii() {
            h.write(s.as_bytes());
        } else {
            let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
            h.write(&bytes);
        }
    } else if max < 0x10000 {
        let bytes: Vec<u8> = s
            .chars()
            .flat_map(|c| (c as u32 as u16).to_le_bytes())
            .collect();
        h.write(&bytes);
    } else {
        let bytes: Vec<u8> = s.chars().flat_map(|c| (c as u32).to_le_bytes()).collect();
        h.write(&bytes);
    }
    fix_minus_one(h.finish() as i64)
}

/// Python's `hash(int)`: the value modulo the Mersenne prime 2**61 - 1, sign kept.
pub fn int_hash(n: i64) -> i64 {
    const MODULUS: i128 = (1 << 61) - 1;
    let v = n as i128;
    let h = if v >= 0 {
        v % MODULUS
    } else {
        -((-v) % MODULUS)
    };
    fix_minus_one(h as i64)
}

/// CPython reserves -1 as an error marker, so a hash of -1 becomes -2.
fn fix_minus_one(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `portable_hash` of a tuple: PySpark's own loop, not Python's tuple hash.
pub fn tuple_hash(items: &[i64]) -> i64 {
    const MAXSIZE: u64 = i64::MAX as u64;
    let mut h: u64 = 0x345678;
    for &item in items {
        h ^= item as u64;
        h = h.wrapping_mul(1_000_003);
        h &= MAXSIZE;
    }
    h ^= items.len() as u64;
    h as i64
}

/// Appends Python's `repr()` of a string: single quotes unless the text holds a
/// single quote and no double quote, with Python's escapes for the rest.
pub fn repr_str(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let v = c as u32;
                if v < 0x100 {
                    out.push_str(&format!("\\x{v:02x}"));
                } else if v < 0x10000 {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
        }
    }
    out.push(quote);
}

/// Python's `str.isprintable()` for one character: everything but the "Other"
/// and "Separator" categories, except the plain space.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    !matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

impl PyRepr for str {
    fn py_repr(&self, out: &mut String) {
        repr_str(self, out)
    }
    fn py_str(&self, out: &mut String) {
        out.push_str(self)
    }
}

impl PyRepr for String {
    fn py_repr(&self, out: &mut String) {
        repr_str(self, out)
    }
    fn py_str(&self, out: &mut String) {
        out.push_str(self)
    }
}

impl PyHash for str {
    fn py_hash(&self) -> i64 {
        str_hash(self)
    }
}

impl PyHash for String {
    fn py_hash(&self) -> i64 {
        str_hash(self)
    }
}

impl<T: PyRepr + ?Sized> PyRepr for std::rc::Rc<T> {
    fn py_repr(&self, out: &mut String) {
        (**self).py_repr(out)
    }
    fn py_str(&self, out: &mut String) {
        (**self).py_str(out)
    }
}

impl<T: PyHash + ?Sized> PyHash for std::rc::Rc<T> {
    fn py_hash(&self) -> i64 {
        (**self).py_hash()
    }
}

macro_rules! py_int {
    ($($t:ty),*) => {$(
        impl PyRepr for $t {
            fn py_repr(&self, out: &mut String) {
                out.push_str(&self.to_string())
            }
        }
        impl PyHash for $t {
            fn py_hash(&self) -> i64 {
                int_hash(*self as i64)
            }
        }
    )*};
}
py_int!(i8, i16, i32, i64, u8, u16, u32, usize, isize);

impl PyRepr for u64 {
    fn py_repr(&self, out: &mut String) {
        out.push_str(&self.to_string())
    }
}

impl PyHash for u64 {
    fn py_hash(&self) -> i64 {
        fix_minus_one((*self as u128 % ((1u128 << 61) - 1)) as i64)
    }
}

impl PyRepr for bool {
    fn py_repr(&self, out: &mut String) {
        out.push_str(if *self { "True" } else { "False" })
    }
}

impl PyHash for bool {
    fn py_hash(&self) -> i64 {
        i64::from(*self)
    }
}

impl PyRepr for () {
    fn py_repr(&self, out: &mut String) {
        out.push_str("()")
    }
}

/// The shortest decimal digits that read back as `|v|` (finite, non-zero
/// digits first, no point) and the exponent of the first digit, as CPython's
/// `repr` picks them (dtoa's mode 0): among the shortest strings, the one
/// nearest the float's exact value, an exact tie going to the even digit.
/// Zero gives `("0", 0)`.
pub fn shortest_digits(v: f64) -> (String, i32) {
    let v = v.abs();
    let split = |s: &str| {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        (mantissa.replace('.', ""), exp.parse::<i32>().unwrap_or(0))
    };
    // Rust's shortest form has the right length but, on an exact tie between
    // two shortest candidates, not always dtoa's choice; the correctly rounded
    // value of that length is dtoa's choice whenever it reads back as `v`.
    let (shortest, exp) = split(&format!("{v:e}"));
    let nearest = format!("{v:.prec$e}", prec = shortest.len() - 1);
    if nearest.parse::<f64>() == Ok(v) {
        return split(&nearest);
    }
    (shortest, exp)
}

impl PyRepr for f64 {
    /// Python's shortest round-trip `repr(float)`: positional notation from
    /// 1e-4 up to 1e16, exponent notation (`1e+16`, `1.5e-05`) outside.
    fn py_repr(&self, out: &mut String) {
        let v = *self;
        if v.is_nan() {
            out.push_str("nan");
            return;
        }
        if v.is_infinite() {
            out.push_str(if v > 0.0 { "inf" } else { "-inf" });
            return;
        }
        if v.is_sign_negative() {
            out.push('-');
        }
        let (digits, exp) = shortest_digits(v);
        let n = digits.len() as i32;
        if (-4..16).contains(&exp) {
            if exp < 0 {
                out.push_str("0.");
                out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
                out.push_str(&digits);
            } else if exp + 1 >= n {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', (exp + 1 - n) as usize));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..=exp as usize]);
                out.push('.');
                out.push_str(&digits[exp as usize + 1..]);
            }
        } else {
            out.push_str(&digits[..1]);
            if n > 1 {
                out.push('.');
                out.push_str(&digits[1..]);
            }
            let sign = if exp < 0 { '-' } else { '+' };
            out.push_str(&format!("e{sign}{:02}", exp.abs()));
        }
    }
}

impl<T: PyRepr> PyRepr for Option<T> {
    fn py_repr(&self, out: &mut String) {
        match self {
            Some(v) => v.py_repr(out),
            None => out.push_str("None"),
        }
    }
    fn py_str(&self, out: &mut String) {
        match self {
            Some(v) => v.py_str(out),
            None => out.push_str("None"),
        }
    }
}

impl<T: PyHash> PyHash for Option<T> {
    fn py_hash(&self) -> i64 {
        self.as_ref().map_or(0, PyHash::py_hash)
    }
}

impl<T: PyRepr> PyRepr for Vec<T> {
    fn py_repr(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            v.py_repr(out);
        }
        out.push(']');
    }
}

macro_rules! py_tuple {
    ($($name:ident : $idx:tt),+) => {
        impl<$($name: PyRepr),+> PyRepr for ($($name,)+) {
            fn py_repr(&self, out: &mut String) {
                out.push('(');
                let mut _first = true;
                $(
                    if !_first { out.push_str(", "); }
                    _first = false;
                    self.$idx.py_repr(out);
                )+
                if [$(stringify!($name)),+].len() == 1 { out.push(','); }
                out.push(')');
            }
        }
        impl<$($name: PyHash),+> PyHash for ($($name,)+) {
            fn py_hash(&self) -> i64 {
                tuple_hash(&[$(self.$idx.py_hash()),+])
            }
        }
    };
}
py_tuple!(A: 0);
py_tuple!(A: 0, B: 1);
py_tuple!(A: 0, B: 1, C: 2);
py_tuple!(A: 0, B: 1, C: 2, D: 3);

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by CPython 3.11 with PYTHONHASHSEED=0.
    #[test]
    fn string_hashes_match_cpython() {
        assert_eq!(str_hash("info"), -6337906258493025537);
        assert_eq!(str_hash("notice"), -5539591469690990827);
        assert_eq!(str_hash("error"), 2880487344141564);
        assert_eq!(str_hash("unknown"), 1812747506516733638);
        assert_eq!(str_hash(""), 0);
        assert_eq!(str_hash("a"), 4644417185603328019);
        assert_eq!(str_hash("héllo"), 6395329678795984700);
        assert_eq!(str_hash("日本"), 6243316497235261705);
        assert_eq!(str_hash("😀x"), -8926728262118538918);
        assert_eq!(
            str_hash("long string here 1234567890"),
            -5478088119133354747
        );
    }

    #[test]
    fn tuple_hashes_match_pyspark_portable_hash() {
        assert_eq!(("info".to_string(), 1i64).py_hash(), 2988696310559929598);
        assert_eq!((1i64,).py_hash(), 3430019290026);
        assert_eq!(
            ("a".to_string(), "b".to_string()).py_hash(),
            3497230889658484783
        );
    }

    #[test]
    fn partitions_use_python_modulo() {
        assert_eq!(partition_of("info", 2), 1);
        assert_eq!(partition_of("notice", 3), 2);
        assert_eq!(partition_of("error", 2), 0);
        assert_eq!(partition_of("unknown", 3), 2);
        assert_eq!(partition_of("anything", 1), 0);
    }

    #[test]
    fn int_hashes_match_cpython() {
        assert_eq!(int_hash(-1), -2);
        assert_eq!(int_hash(1 << 61), 1);
        assert_eq!(int_hash(-5), -5);
        assert_eq!(int_hash(1 << 62), 2);
    }

    #[test]
    fn string_repr_follows_python_quoting() {
        assert_eq!("it's".repr_string(), "\"it's\"");
        assert_eq!("a\"b".repr_string(), "'a\"b'");
        assert_eq!("both'\"".repr_string(), "'both\\'\"'");
        assert_eq!("\0\x7f\n\t\\".repr_string(), "'\\x00\\x7f\\n\\t\\\\'");
        assert_eq!("\u{200b}\u{a0}é日😀".repr_string(), "'\\u200b\\xa0é日😀'");
        assert_eq!("\u{e0001}".repr_string(), "'\\U000e0001'");
    }

    #[test]
    fn tuples_and_values_print_like_python() {
        assert_eq!(("info".to_string(), 3i64).repr_string(), "('info', 3)");
        assert_eq!((1i64,).repr_string(), "(1,)");
        assert_eq!("plain".to_string().str_string(), "plain");
        assert_eq!(Some(2i64).repr_string(), "2");
        assert_eq!(None::<i64>.repr_string(), "None");
        assert_eq!(vec![1i64, 2].repr_string(), "[1, 2]");
        assert_eq!(true.repr_string(), "True");
        assert_eq!(1.0f64.repr_string(), "1.0");
        assert_eq!(0.5f64.repr_string(), "0.5");
        assert_eq!(1e16f64.repr_string(), "1e+16");
        assert_eq!(1.5e-5f64.repr_string(), "1.5e-05");
        assert_eq!((-0.0f64).repr_string(), "-0.0");
        assert_eq!(1e-4f64.repr_string(), "0.0001");
        assert_eq!(123.0f64.repr_string(), "123.0");
        assert_eq!(f64::NAN.repr_string(), "nan");
        assert_eq!(5e-324f64.repr_string(), "5e-324");
        assert_eq!(f64::MAX.repr_string(), "1.7976931348623157e+308");
    }

    #[test]
    fn float_repr_breaks_a_tie_between_shortest_digits_to_even_as_cpython() {
        // Exactly ...232.25: .2 and .3 both read back; CPython prints .2.
        let v = -(1_389_860_075_497_232.0f64 + 0.25);
        assert_eq!(v.repr_string(), "-1389860075497232.2");
        assert_eq!(shortest_digits(v), ("13898600754972322".to_string(), 15));
    }
}
