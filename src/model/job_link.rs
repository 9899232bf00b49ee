//! `?job=` links: a program deflated (`miniz_oxide`) and written in base64url without padding (`base64`), so a
//! teacher can hand a class a program as a link. Decoding a link that was cut short or mistyped says what went
//! wrong, in words.

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{DecodeError, Engine};

/// The longest program a link may carry once inflated: far beyond any lab program, small enough that a
/// crafted link cannot make the page inflate megabytes.
pub const MAX_PROGRAM_BYTES: usize = 64 * 1024;

/// Deflate level: the best compression, since programs are small and links should be short.
const LEVEL: u8 = 9;

/// base64url; written without padding, read with or without it.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The `?job=` value carrying `program`.
pub fn encode_program(program: &str) -> String {
    BASE64URL.encode(miniz_oxide::deflate::compress_to_vec(
        program.as_bytes(),
        LEVEL,
    ))
}

/// The program a `?job=` value carries, or why it cannot be read.
pub fn decode_program(value: &str) -> Result<String, String> {
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
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_PROGRAM_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                "the program would be longer than {} KiB",
                MAX_PROGRAM_BYTES / 1024
            ),
            _ => "the compressed program is damaged or cut short".to_string(),
        })?;
    String::from_utf8(bytes).map_err(|_| "the program is not UTF-8 text".to_string())
}

/// The address of a link opening `program`: `page` (the page's address without its query) and `?job=`.
pub fn job_url(page: &str, program: &str) -> String {
    format!("{page}?job={}", encode_program(program))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EXAMPLES;
    use crate::model::BootParams;

    #[test]
    fn every_example_survives_a_link_round_trip_through_the_url_parser() {
        for e in EXAMPLES {
            let url = job_url("http://h:8080/", e.source);
            let query = url.split_once('?').unwrap().1;
            let params = BootParams::from_query(query);
            assert!(params.errors.is_empty(), "{:?}", params.errors);
            let value = params.job.expect("the job parameter");
            assert_eq!(
                decode_program(&value).as_deref(),
                Ok(e.source),
                "{}",
                e.name
            );
            // Deflate pays: the link is shorter than the program.
            assert!(value.len() < e.source.len(), "{}", e.name);
        }
    }

    #[test]
    fn non_ascii_programs_and_padded_values_decode() {
        let program = "print('é — ✓')\n";
        let value = encode_program(program);
        assert!(!value.contains('='), "{value}");
        let padded = format!("{value}{}", "=".repeat((4 - value.len() % 4) % 4));
        assert_eq!(decode_program(&padded).as_deref(), Ok(program));
    }

    #[test]
    fn a_malformed_link_says_what_is_wrong() {
        let e = decode_program("not*base64").unwrap_err();
        assert!(e.contains("the character '*' at position 4"), "{e}");
        let value = encode_program(EXAMPLES[0].source);
        let cut = decode_program(&value[..value.len() / 8 * 4]).unwrap_err();
        assert!(cut.contains("damaged or cut short"), "{cut}");
        let bomb = encode_program(&"x".repeat(MAX_PROGRAM_BYTES + 1));
        let big = decode_program(&bomb).unwrap_err();
        assert!(big.contains("longer than 64 KiB"), "{big}");
        let latin1 = BASE64URL.encode(miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe], 9));
        assert_eq!(
            decode_program(&latin1).unwrap_err(),
            "the program is not UTF-8 text"
        );
    }
}
