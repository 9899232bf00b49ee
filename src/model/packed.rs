//! Text packed into a link: deflated (`miniz_oxide`) and written in base64url without padding (`base64`). `?job=`
//! links carry a program this way and `?scenario=` links a scenario. Unpacking a value that was cut short or
//! mistyped says what went wrong, in words, and never inflates more than the caller allows.

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{DecodeError, Engine};

/// Deflate level: the best compression, since links should be short.
const LEVEL: u8 = 9;

/// base64url; written without padding, read with or without it.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// `bytes` deflated and written in base64url, as a link's value.
pub fn pack_bytes(bytes: &[u8]) -> String {
    BASE64URL.encode(miniz_oxide::deflate::compress_to_vec(bytes, LEVEL))
}

/// `text` packed as a link's value.
pub fn pack(text: &str) -> String {
    pack_bytes(text.as_bytes())
}

/// The text a link's value carries, or why it cannot be read: `what` names it in the message ("the program"),
/// and a text longer than `max_bytes` once inflated is refused before it is inflated further.
pub fn unpack(value: &str, max_bytes: usize, what: &str) -> Result<String, String> {
    let packed = BASE64URL.decode(value.trim()).map_err(|e| match e {
        DecodeError::InvalidByte(at, byte) => format!(
            "the character {:?} at position {} is not one a link uses (letters, digits, - and _)",
            char::from(byte),
            at + 1
        ),
        DecodeError::InvalidLength(_) | DecodeError::InvalidLastSymbol(..) => {
            "it ends in the middle of a character: it was probably cut short".to_string()
        }
        DecodeError::InvalidPadding => "its = padding is wrong".to_string(),
    })?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, max_bytes).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                format!("{what} would be longer than {} KiB", max_bytes / 1024)
            }
            _ => format!("the compressed {} is damaged or cut short", noun(what)),
        },
    )?;
    String::from_utf8(bytes).map_err(|_| format!("{what} is not UTF-8 text"))
}

/// "the program" without its article, for "the compressed program".
fn noun(what: &str) -> &str {
    what.strip_prefix("the ").unwrap_or(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_texts_and_padded_values_unpack() {
        let text = "print('é — ✓')\n";
        let value = pack(text);
        assert!(!value.contains('='), "{value}");
        let padded = format!("{value}{}", "=".repeat((4 - value.len() % 4) % 4));
        assert_eq!(unpack(&padded, 1024, "the text").as_deref(), Ok(text));
    }

    #[test]
    fn a_malformed_value_says_what_is_wrong_naming_what_it_carries() {
        let e = unpack("not*base64", 1024, "the text").unwrap_err();
        assert!(e.contains("the character '*' at position 4"), "{e}");
        let value = pack(&"a line of a log\n".repeat(40));
        let cut = unpack(&value[..value.len() / 8 * 4], 1024, "the scenario").unwrap_err();
        assert!(
            cut.contains("the compressed scenario is damaged or cut short"),
            "{cut}"
        );
        let big = unpack(&pack(&"x".repeat(2049)), 2048, "the scenario").unwrap_err();
        assert_eq!(big, "the scenario would be longer than 2 KiB");
        assert_eq!(
            unpack(&pack_bytes(&[0xff, 0xfe]), 1024, "the program").unwrap_err(),
            "the program is not UTF-8 text"
        );
    }
}
