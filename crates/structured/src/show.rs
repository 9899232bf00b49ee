//! `Dataset.show()`'s text, as Spark 4.0.1's `Dataset.showString` builds it (the console sink
//! prints the same text after its `Batch: N` header).
//!
//! Spark's rules reproduced here: every cell goes through `ToPrettyString` (see [`cell_text`]),
//! then `SchemaUtils.escapeMetaCharacters`; with `truncate > 0` a cell longer than `truncate`
//! characters keeps `truncate - 3` of them and gets `...` (just `truncate` of them when
//! `truncate < 4`), header names are never cut; a column is as wide as its widest cell,
//! at least 3, where widths count East Asian full-width characters twice
//! (`Utils.stringHalfWidth`) and lengths count UTF-16 code units (Java's `String.length`);
//! cells are right-aligned with `truncate > 0` and left-aligned with `truncate = 0`; more rows
//! than `num_rows` add the footer `only showing top N rows`.

use crate::time::timestamp_text;
use crate::value::{Row, Schema, Value};

/// The smallest column width `showString` uses.
const MIN_COLUMN_WIDTH: usize = 3;

/// `df.show(num_rows, truncate)`'s text (`Dataset.showString(num_rows, truncate, false)`):
/// it ends with a newline, except after the `only showing top N rows` footer; `show()` prints
/// it with one more newline.
pub fn show_string(schema: &Schema, rows: &[Row], num_rows: usize, truncate: usize) -> String {
    let shown = &rows[..rows.len().min(num_rows)];
    let header: Vec<String> = schema
        .iter()
        .map(|f| escape_meta_characters(&f.name))
        .collect();
    let cells: Vec<Vec<String>> = shown
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| truncate_cell(escape_meta_characters(&cell_text(v)), truncate))
                .collect()
        })
        .collect();
    let mut widths = vec![MIN_COLUMN_WIDTH; schema.len()];
    for row in std::iter::once(&header).chain(&cells) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(half_width(cell));
        }
    }
    let mut out = String::new();
    let separator = separator_line(&widths);
    out.push_str(&separator);
    push_row(&mut out, &header, &widths, truncate > 0);
    out.push_str(&separator);
    for row in &cells {
        push_row(&mut out, row, &widths, truncate > 0);
    }
    out.push_str(&separator);
    if rows.len() > num_rows {
        let noun = if num_rows == 1 { "row" } else { "rows" };
        // Spark 4 ends the footer without a newline (the table's lines all end with one).
        out.push_str(&format!("only showing top {num_rows} {noun}"));
    }
    out
}

fn separator_line(widths: &[usize]) -> String {
    let mut line = String::from("+");
    for w in widths {
        line.push_str(&"-".repeat(*w));
        line.push('+');
    }
    line.push('\n');
    line
}

fn push_row(out: &mut String, cells: &[String], widths: &[usize], right_align: bool) {
    out.push('|');
    for (cell, width) in cells.iter().zip(widths) {
        let pad = " ".repeat(width - half_width(cell));
        if right_align {
            out.push_str(&pad);
            out.push_str(cell);
        } else {
            out.push_str(cell);
            out.push_str(&pad);
        }
        out.push('|');
    }
    out.push('\n');
}

/// Java's `String.length()`: UTF-16 code units.
fn java_length(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `Utils.stringHalfWidth`: the Java length plus one per full-width character (those take two
/// columns on a terminal).
fn half_width(s: &str) -> usize {
    java_length(s) + s.chars().filter(|c| is_full_width(*c)).count()
}

/// The ranges of Spark's `Utils.fullWidthRegex`.
fn is_full_width(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE10}'..='\u{FE19}'
        | '\u{FE30}'..='\u{FE6F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}')
}

/// Cuts a cell as `getRows` does: Java `substring` counts UTF-16 code units.
fn truncate_cell(cell: String, truncate: usize) -> String {
    if truncate == 0 || java_length(&cell) <= truncate {
        return cell;
    }
    let keep = if truncate < 4 { truncate } else { truncate - 3 };
    let units: Vec<u16> = cell.encode_utf16().take(keep).collect();
    // A cut through a surrogate pair leaves half a character, which Java's UTF-8 encoder
    // prints as `?`.
    let mut kept: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or('?'))
        .collect();
    if truncate >= 4 {
        kept.push_str("...");
    }
    kept
}

/// `SchemaUtils.escapeMetaCharacters`: control characters that would break the table.
fn escape_meta_characters(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{7}' => out.push_str("\\a"),
            c => out.push(c),
        }
    }
    out
}

/// A value as `ToPrettyString` prints it: NULL as `NULL`, numbers as Java prints them,
/// timestamps in the session time zone (UTC), structs as `{a, b}`, arrays as `[a, b]`.
pub fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        Value::Long(n) => n.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Double(d) => java_double(*d),
        Value::String(s) => s.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Timestamp(micros) => timestamp_text(*micros),
        Value::Struct(fields) => {
            let inner: Vec<String> = fields.iter().map(cell_text).collect();
            format!("{{{}}}", inner.join(", "))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(cell_text).collect();
            format!("[{}]", inner.join(", "))
        }
    }
}

/// Java's `Double.toString`: plain digits for 1e-3 <= |d| < 1e7, else `1.0E20` style; always a
/// fractional digit. The digits are the shortest that read back as `d`, except that Java
/// spends the one fractional digit it must print anyway on precision: a one-digit shortest form
/// becomes the two digits nearest the exact value (`Double.MIN_VALUE` is `4.9E-324`, not
/// `5.0E-324`). JDK 17 (Spark's) prints a few rare values with more digits than the shortest
/// (JDK-4511638); those are not reproduced.
pub fn java_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".to_string();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let sign = if d.is_sign_negative() { "-" } else { "" };
    let abs = d.abs();
    if abs == 0.0 {
        return format!("{sign}0.0");
    }
    let mut scientific = format!("{abs:e}");
    if !scientific.contains('.') {
        scientific = format!("{abs:.1e}");
    }
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let digits = match digits.trim_end_matches('0') {
        "" => "0",
        d => d,
    };
    if (1e-3..1e7).contains(&abs) {
        let point = exponent + 1;
        if point <= 0 {
            let zeros = "0".repeat((-point) as usize);
            format!("{sign}0.{zeros}{digits}")
        } else {
            let point = point as usize;
            let padded = format!("{digits:0<point$}");
            let (int, frac) = padded.split_at(point);
            let frac = if frac.is_empty() { "0" } else { frac };
            format!("{sign}{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exponent}")
    }
}
