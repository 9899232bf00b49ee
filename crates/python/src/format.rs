//! Python's string formatting: `%`-formatting, `format(value, spec)` (also
//! f-strings' `{value:spec}`) and `str.format`.

mod fields;
mod float;
mod percent;
mod spec;

pub use fields::str_format;
pub use float::{float_to_string, FloatStyle};
pub use percent::percent_format;
pub use spec::format_value;

/// Python's `ascii()` of a `repr`: non-ASCII characters as `\x`, `\u` or `\U` escapes.
pub fn ascii(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        match c as u32 {
            0..=0x7f => out.push(c),
            n @ 0x80..=0xff => out.push_str(&format!("\\x{n:02x}")),
            n @ 0x100..=0xffff => out.push_str(&format!("\\u{n:04x}")),
            n => out.push_str(&format!("\\U{n:08x}")),
        }
    }
    out
}
