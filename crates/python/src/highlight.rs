//! Syntax colouring for the page's code editor: a scanner that never fails,
//! also on incomplete code (an unterminated string runs to the end of its
//! line, or of the source when triple-quoted).

use crate::lexer::{is_name_char, is_name_start};

/// What a span of source is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    /// `def`, `if`, `lambda`...
    Keyword,
    /// `len`, `print`, `True`...
    Builtin,
    /// A string literal (prefix and quotes included).
    String,
    /// A number literal.
    Number,
    /// `# ...`
    Comment,
    /// `+`, `(`, `:`...
    Operator,
    /// Any other name.
    Name,
    /// The name a `def` defines.
    DefName,
}

/// A coloured span: byte offsets into the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What it is.
    pub kind: SpanKind,
}

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// The constants coloured as builtins, beside the builtin functions and types
/// (`builtins::builtin_index` knows those).
const CONSTANTS: &[&str] = &["True", "False", "None"];

/// The coloured spans of `src`, in order (whitespace is not covered).
pub fn highlight(src: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut after_def = false;
    while i < src.len() {
        let c = src[i..].chars().next().unwrap_or(' ');
        let start = i;
        let kind = if c == '#' {
            i = src[i..].find('\n').map_or(src.len(), |n| i + n);
            SpanKind::Comment
        } else if c == '"' || c == '\'' {
            i = string_end(src, i);
            SpanKind::String
        } else if c.is_ascii_digit()
            || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while let Some(&b) = bytes.get(i) {
                let exponent_sign = (b == b'+' || b == b'-') && matches!(bytes[i - 1], b'e' | b'E');
                if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            SpanKind::Number
        } else if is_name_start(c) {
            while let Some(ch) = src[i..].chars().next().filter(|ch| is_name_char(*ch)) {
                i += ch.len_utf8();
            }
            let word = &src[start..i];
            let prefix = matches!(
                word.to_ascii_lowercase().as_str(),
                "r" | "u" | "f" | "b" | "rf" | "fr" | "rb" | "br"
            );
            if prefix && matches!(bytes.get(i), Some(b'"' | b'\'')) {
                i = string_end(src, i);
                SpanKind::String
            } else if after_def {
                SpanKind::DefName
            } else if KEYWORDS.contains(&word) {
                SpanKind::Keyword
            } else if CONSTANTS.contains(&word) || crate::builtins::builtin_index(word).is_some() {
                SpanKind::Builtin
            } else {
                SpanKind::Name
            }
        } else if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        } else {
            i += c.len_utf8();
            SpanKind::Operator
        };
        after_def = kind == SpanKind::Keyword && &src[start..i] == "def";
        spans.push(Span {
            start,
            end: i,
            kind,
        });
    }
    spans
}

/// The end of the string starting with the quote at `at`.
fn string_end(src: &str, at: usize) -> usize {
    let bytes = src.as_bytes();
    let quote = bytes[at];
    let triple = bytes.get(at + 1) == Some(&quote) && bytes.get(at + 2) == Some(&quote);
    let mut i = at + if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if !triple => return i,
            b if b == quote => {
                if !triple {
                    return i + 1;
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    src.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(&str, SpanKind)> {
        highlight(src)
            .into_iter()
            .map(|s| (&src[s.start..s.end], s.kind))
            .collect()
    }

    #[test]
    fn a_def_line_is_coloured_by_role() {
        use SpanKind::*;
        assert_eq!(
            kinds("def f(x=1.5e-3): return len('a') # done"),
            [
                ("def", Keyword),
                ("f", DefName),
                ("(", Operator),
                ("x", Name),
                ("=", Operator),
                ("1.5e-3", Number),
                (")", Operator),
                (":", Operator),
                ("return", Keyword),
                ("len", Builtin),
                ("(", Operator),
                ("'a'", String),
                (")", Operator),
                ("# done", Comment),
            ]
        );
    }

    #[test]
    fn incomplete_code_is_still_coloured_and_every_span_is_in_bounds() {
        for src in [
            "x = 'abc\ny = 1",
            "s = '''open\n\nstill",
            "f\"{x",
            "ü = 'é",
            "\\",
            "1e",
            "'\\",
        ] {
            let spans = highlight(src);
            assert!(
                spans.iter().all(|s| s.start < s.end
                    && s.end <= src.len()
                    && src.is_char_boundary(s.start)
                    && src.is_char_boundary(s.end)),
                "{src:?}"
            );
        }
        assert_eq!(kinds("x = 'abc\ny")[2], ("'abc", SpanKind::String));
        assert_eq!(
            kinds("s = '''a\nb").last().map(|s| s.1),
            Some(SpanKind::String)
        );
    }
}
