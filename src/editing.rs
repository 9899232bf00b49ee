//! What the code editor (`web::editor`) does to its text, in plain Rust so it tests natively: the coloured
//! lines it draws under the textarea (from the lab's Python highlighter), Tab and Shift-Tab, Enter keeping the
//! indentation, and the conversion between the browser's UTF-16 selection offsets and byte offsets.

use crate::engine::{highlight, SpanKind};

/// Spaces one indentation level inserts (PEP 8's four).
pub const INDENT: &str = "    ";

/// A piece of one line: its text and what it is (`None`: text drawn plain: whitespace, names, operators, and
/// whatever the highlighter leaves alone).
pub type Piece = (String, Option<SpanKind>);

/// The source split into lines (without their `\n`), each line cut into coloured pieces; the pieces of all the
/// lines, joined with `\n`, are the source again. Always at least one line.
pub fn coloured_lines(src: &str) -> Vec<Vec<Piece>> {
    let spans = highlight(src);
    let mut lines: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut push = |text: &str, kind: Option<SpanKind>| {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if part.is_empty() {
                continue;
            }
            // A kind without a colour of its own joins the plain text beside it: one text node, not an
            // element per name and operator (they were half the page's elements, and cost its first load).
            let kind = kind.filter(|k| kind_class(*k).is_some());
            let line = lines.last_mut().expect("one line at least");
            match line.last_mut() {
                Some((text, None)) if kind.is_none() => text.push_str(part),
                _ => line.push((part.to_string(), kind)),
            }
        }
    };
    let mut at = 0;
    for s in spans {
        // The highlighter gives ordered, non-overlapping spans on char boundaries; anything else is shown plain.
        if s.start < at
            || s.end > src.len()
            || !src.is_char_boundary(s.start)
            || !src.is_char_boundary(s.end)
        {
            continue;
        }
        push(&src[at..s.start], None);
        push(&src[s.start..s.end], Some(s.kind));
        at = s.end;
    }
    push(&src[at..], None);
    lines
}

/// The CSS class of a kind of span (`tok-keyword`...), styled in `www/style.css`; `None` for the kinds drawn in
/// the text's own colour (names and operators).
pub fn kind_class(kind: SpanKind) -> Option<&'static str> {
    match kind {
        SpanKind::Keyword => Some("tok-keyword"),
        SpanKind::Builtin => Some("tok-builtin"),
        SpanKind::String => Some("tok-string"),
        SpanKind::Number => Some("tok-number"),
        SpanKind::Comment => Some("tok-comment"),
        SpanKind::DefName => Some("tok-defname"),
        SpanKind::Operator | SpanKind::Name => None,
    }
}

/// The text after an edit, and the selection (byte offsets) to put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The whole new text.
    pub text: String,
    /// Selection start.
    pub start: usize,
    /// Selection end.
    pub end: usize,
}

/// Byte offset of the start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The starts of the lines the selection `start..end` touches.
fn touched_lines(text: &str, start: usize, end: usize) -> Vec<usize> {
    let mut starts = vec![line_start(text, start)];
    starts.extend(
        text[start..end]
            .match_indices('\n')
            .map(|(i, _)| start + i + 1)
            .filter(|&s| s < end),
    );
    starts
}

/// Tab: four spaces in place of the selection; with a selection over several lines, each of them indented.
pub fn tab(text: &str, start: usize, end: usize) -> Edit {
    if !text[start..end].contains('\n') {
        let mut t = String::with_capacity(text.len() + INDENT.len());
        t.push_str(&text[..start]);
        t.push_str(INDENT);
        t.push_str(&text[end..]);
        let at = start + INDENT.len();
        return Edit {
            text: t,
            start: at,
            end: at,
        };
    }
    let lines = touched_lines(text, start, end);
    let mut t = text.to_string();
    for &s in lines.iter().rev() {
        t.insert_str(s, INDENT);
    }
    Edit {
        text: t,
        start: start + INDENT.len(),
        end: end + INDENT.len() * lines.len(),
    }
}

/// Shift-Tab: up to four leading spaces off each line the selection touches.
pub fn dedent(text: &str, start: usize, end: usize) -> Edit {
    let mut t = text.to_string();
    let (mut new_start, mut new_end) = (start, end);
    for s in touched_lines(text, start, end).into_iter().rev() {
        let n = text[s..]
            .bytes()
            .take(INDENT.len())
            .take_while(|&b| b == b' ')
            .count();
        t.replace_range(s..s + n, "");
        new_start = moved_back(new_start, s, n);
        new_end = moved_back(new_end, s, n);
    }
    Edit {
        text: t,
        start: new_start,
        end: new_end.max(new_start),
    }
}

/// Where offset `at` goes when the `n` bytes at `removed` go: back by those of them before it.
fn moved_back(at: usize, removed: usize, n: usize) -> usize {
    if at > removed {
        at - (at - removed).min(n)
    } else {
        at
    }
}

/// Enter: a new line with the current line's indentation, one level more after a line ending in `:`.
pub fn newline(text: &str, start: usize, end: usize) -> Edit {
    let line = &text[line_start(text, start)..start];
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let mut insert = format!("\n{indent}");
    if line.trim_end().ends_with(':') {
        insert.push_str(INDENT);
    }
    let mut t = String::with_capacity(text.len() + insert.len());
    t.push_str(&text[..start]);
    t.push_str(&insert);
    t.push_str(&text[end..]);
    let at = start + insert.len();
    Edit {
        text: t,
        start: at,
        end: at,
    }
}

/// The byte offset of the browser's UTF-16 offset `units` (clamped to the text).
pub fn byte_offset(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in text.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16() as u32;
    }
    text.len()
}

/// The browser's UTF-16 offset of byte offset `at`.
pub fn utf16_offset(text: &str, at: usize) -> u32 {
    text[..at].encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coloured_lines_give_back_the_source_and_colour_keywords_strings_and_comments() {
        let src = "def f(x):\n    return x + 1  # one\n\ns = 'é\\n'\n";
        let lines = coloured_lines(src);
        let joined: Vec<String> = lines
            .iter()
            .map(|l| l.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        assert_eq!(joined.join("\n"), src);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0][0], ("def".to_string(), Some(SpanKind::Keyword)));
        assert!(lines[1].contains(&("# one".to_string(), Some(SpanKind::Comment))));
        assert!(lines[3].contains(&("'é\\n'".to_string(), Some(SpanKind::String))));
        assert_eq!(coloured_lines(""), vec![Vec::<Piece>::new()]);
    }

    #[test]
    fn names_operators_and_spaces_between_coloured_pieces_are_one_plain_piece() {
        let lines = coloured_lines("    return x + 1");
        assert_eq!(
            lines[0],
            vec![
                ("    ".to_string(), None),
                ("return".to_string(), Some(SpanKind::Keyword)),
                (" x + ".to_string(), None),
                ("1".to_string(), Some(SpanKind::Number)),
            ]
        );
    }

    #[test]
    fn a_triple_quoted_string_is_coloured_on_each_of_its_lines() {
        let lines = coloured_lines("x = \"\"\"a\nb\"\"\"\n");
        assert_eq!(
            lines[1],
            vec![("b\"\"\"".to_string(), Some(SpanKind::String))]
        );
    }

    #[test]
    fn tab_inserts_four_spaces_or_indents_the_selected_lines() {
        assert_eq!(
            tab("ab", 1, 1),
            Edit {
                text: "a    b".into(),
                start: 5,
                end: 5
            }
        );
        let e = tab("a\nb\nc", 0, 3);
        assert_eq!(e.text, "    a\n    b\nc");
        assert_eq!((e.start, e.end), (4, 11));
    }

    #[test]
    fn shift_tab_dedents_the_line_by_at_most_one_level() {
        let e = dedent("if x:\n      y", 13, 13);
        assert_eq!(e.text, "if x:\n  y");
        assert_eq!((e.start, e.end), (9, 9));
        assert_eq!(dedent("  a", 3, 3).text, "a");
        assert_eq!(dedent("a", 1, 1).text, "a");
        let e = dedent("    a\n    b", 0, 11);
        assert_eq!((e.text.as_str(), e.start, e.end), ("a\nb", 0, 3));
    }

    #[test]
    fn enter_keeps_the_indentation_and_adds_a_level_after_a_colon() {
        assert_eq!(newline("    x = 1", 9, 9).text, "    x = 1\n    ");
        let e = newline("    if x:  ", 11, 11);
        assert_eq!(e.text, "    if x:  \n        ");
        assert_eq!(e.start, e.text.len());
        assert_eq!(newline("ab", 1, 2).text, "a\n");
    }

    #[test]
    fn utf16_offsets_and_byte_offsets_convert_both_ways() {
        let t = "é𝄞x";
        assert_eq!(byte_offset(t, 0), 0);
        assert_eq!(byte_offset(t, 1), 2);
        assert_eq!(byte_offset(t, 3), 6);
        assert_eq!(byte_offset(t, 99), t.len());
        assert_eq!(utf16_offset(t, 6), 3);
    }
}
