//! `?job=` links: a program packed into the link ([`super::packed`]: deflate and base64url), so a teacher can
//! hand a class a program as a link. Decoding a link that was cut short or mistyped says what went wrong, in words.

use super::packed::{pack, unpack};

/// The longest program a link may carry once inflated: far beyond any lab program, small enough that a
/// crafted link cannot make the page inflate megabytes.
pub const MAX_PROGRAM_BYTES: usize = 64 * 1024;

/// The `?job=` value carrying `program`.
pub fn encode_program(program: &str) -> String {
    pack(program)
}

/// The program a `?job=` value carries, or why it cannot be read.
pub fn decode_program(value: &str) -> Result<String, String> {
    unpack(value, MAX_PROGRAM_BYTES, "the program")
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
    fn a_malformed_link_says_what_is_wrong_about_the_program() {
        // The messages themselves are `packed`'s; here, that they name the program and its 64 KiB cap.
        let value = encode_program(EXAMPLES[0].source);
        let cut = decode_program(&value[..value.len() / 8 * 4]).unwrap_err();
        assert!(
            cut.contains("the compressed program is damaged or cut short"),
            "{cut}"
        );
        let bomb = encode_program(&"x".repeat(MAX_PROGRAM_BYTES + 1));
        let big = decode_program(&bomb).unwrap_err();
        assert_eq!(big, "the program would be longer than 64 KiB");
        let latin1 = crate::model::packed::pack_bytes(&[0xff, 0xfe]);
        assert_eq!(
            decode_program(&latin1).unwrap_err(),
            "the program is not UTF-8 text"
        );
    }
}
