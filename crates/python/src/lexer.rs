//! Python's tokens: names, numbers, strings (every prefix, f-strings kept
//! raw for the parser), operators, and the NEWLINE / INDENT / DEDENT tokens
//! that make indentation part of the grammar. Errors are CPython 3.11's
//! tokenizer errors, with its line and caret column.

use crate::error::PyError;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name or a keyword (the parser tells them apart).
    Name(String),
    /// An integer literal that fits in 64 bits.
    Int(i64),
    /// An integer literal beyond 64 bits (an `OverflowError` when evaluated).
    BigInt,
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(StrTok),
    /// An operator or delimiter, e.g. `+=`, `(`, `:`.
    Op(&'static str),
    /// The end of a logical line.
    Newline,
    /// The indentation grew.
    Indent,
    /// The indentation shrank by one level.
    Dedent,
    /// The end of the source.
    End,
}

/// A string literal.
#[derive(Debug, Clone, PartialEq)]
pub struct StrTok {
    /// The decoded value; for an f-string, the body as written (the parser
    /// splits it into literal parts and expressions).
    pub value: String,
    /// An `f` prefix.
    pub fstring: bool,
    /// An `r` prefix (escapes kept as written).
    pub raw: bool,
    /// A `b` prefix (bytes are not in the lab's subset).
    pub bytes: bool,
}

/// A token and where it is: 1-based lines, 0-based character columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Line of its first character.
    pub line: u32,
    /// Column (in characters) of its first character.
    pub col: u32,
    /// Line after its last character.
    pub end_line: u32,
    /// Column (in characters) after its last character.
    pub end_col: u32,
}

/// Python's operators and delimiters, longest first so the first match is the longest.
const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "@=", ":=", "<<", ">>", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=", "!",
];

/// Python's keywords that may directly follow a number (`1if x else 2`).
const KEYWORDS_AFTER_NUMBER: &[&str] = &["and", "or", "if", "else", "in", "is", "not", "for"];

/// A `SyntaxError` (or `kind`) at `line`, 0-based `col`, with the line's text.
pub(crate) fn syntax_error(kind: &str, message: &str, src: &str, line: u32, col: u32) -> PyError {
    let mut e = PyError::new(kind, message);
    let text = src
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    e.syntax = Some((col + 1, text.to_string()));
    e.trace.push(crate::error::TraceEntry {
        line,
        function: "<module>".to_string(),
    });
    e
}

struct Lexer<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
    line: u32,
    line_start: usize,
    tokens: Vec<Token>,
    indents: Vec<u32>,
    /// Open brackets: the character, its line and column.
    brackets: Vec<(char, u32, u32)>,
}

/// A bracket left open at the end of the source: the character, its line and column.
pub type Unclosed = Option<(char, u32, u32)>;

/// `'(' was never closed`, at the bracket.
pub(crate) fn never_closed(src: &str, (open, line, col): (char, u32, u32)) -> PyError {
    syntax_error(
        "SyntaxError",
        &format!("'{open}' was never closed"),
        src,
        line,
        col,
    )
}

/// Splits `src` into tokens, or returns CPython's tokenizer error.
pub fn tokenize(src: &str) -> Result<Vec<Token>, PyError> {
    let (tokens, unclosed) = tokenize_open(src)?;
    match unclosed {
        Some(b) => Err(never_closed(src, b)),
        None => Ok(tokens),
    }
}

/// Splits `src` into tokens, also when a bracket is left open (the parser
/// decides, as CPython does, whether that or its own error is reported).
pub fn tokenize_open(src: &str) -> Result<(Vec<Token>, Unclosed), PyError> {
    let mut lx = Lexer {
        src,
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        line_start: 0,
        tokens: Vec::new(),
        indents: vec![0],
        brackets: Vec::new(),
    };
    lx.run()?;
    Ok((lx.tokens, lx.brackets.last().copied()))
}

impl Lexer<'_> {
    fn col(&self) -> u32 {
        (self.pos - self.line_start) as u32
    }

    fn peek(&self, ahead: usize) -> char {
        self.chars.get(self.pos + ahead).copied().unwrap_or('\0')
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn err(&self, kind: &str, message: &str, line: u32, col: u32) -> PyError {
        syntax_error(kind, message, self.src, line, col)
    }

    fn push(&mut self, tok: Tok, line: u32, col: u32) {
        self.tokens.push(Token {
            tok,
            line,
            col,
            end_line: self.line,
            end_col: self.col(),
        });
    }

    /// The line CPython reports the end of the source at: a final line end
    /// does not start a new line.
    fn eof_line(&self) -> u32 {
        if self.src.ends_with('\n') && self.line > 1 {
            self.line - 1
        } else {
            self.line
        }
    }

    fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    fn run(&mut self) -> Result<(), PyError> {
        let mut at_line_start = true;
        loop {
            if at_line_start && self.brackets.is_empty() {
                // A blank or comment-only line leaves the next one at a line start.
                at_line_start = self.indentation()?;
                if at_line_start {
                    continue;
                }
            }
            if self.at_end() {
                break;
            }
            let c = self.peek(0);
            let (line, col) = (self.line, self.col());
            match c {
                ' ' | '\t' | '\x0c' | '\r' => self.pos += 1,
                '#' => {
                    while !self.at_end() && self.peek(0) != '\n' {
                        self.pos += 1;
                    }
                }
                '\n' => {
                    if self.brackets.is_empty() {
                        self.push(Tok::Newline, line, col);
                        at_line_start = true;
                    }
                    self.newline();
                }
                '\\' => {
                    let next = self.peek(1);
                    if next == '\n' {
                        self.pos += 1;
                        self.newline();
                    } else if next == '\r' && self.peek(2) == '\n' {
                        self.pos += 2;
                        self.newline();
                    } else {
                        return Err(self.err(
                            "SyntaxError",
                            "unexpected character after line continuation character",
                            line,
                            col + 1,
                        ));
                    }
                }
                c if c.is_ascii_digit() || (c == '.' && self.peek(1).is_ascii_digit()) => {
                    let tok = self.number()?;
                    self.push(tok, line, col);
                }
                c if is_name_start(c) => {
                    let start = self.pos;
                    while is_name_char(self.peek(0)) {
                        self.pos += 1;
                    }
                    let q = self.peek(0);
                    let word: String = self.chars[start..self.pos].iter().collect();
                    if (q == '\'' || q == '"') && is_string_prefix(&word) {
                        let tok = self.string(&word, line, col)?;
                        self.push(tok, line, col);
                    } else {
                        self.push(Tok::Name(word), line, col);
                    }
                }
                '\'' | '"' => {
                    let tok = self.string("", line, col)?;
                    self.push(tok, line, col);
                }
                _ => self.operator(line, col)?,
            }
        }
        let (line, col) = (self.line, self.col());
        if !matches!(
            self.tokens.last().map(|t| &t.tok),
            None | Some(Tok::Newline) | Some(Tok::Dedent)
        ) {
            self.push(Tok::Newline, line, col);
        }
        let eof = self.eof_line();
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, eof, 0);
        }
        self.push(Tok::End, eof, 0);
        Ok(())
    }

    /// Measures a line's indentation and emits INDENT/DEDENT. Returns true when
    /// the line is blank or a comment (no tokens, the caller goes on).
    fn indentation(&mut self) -> Result<bool, PyError> {
        let mut width = 0u32;
        loop {
            match self.peek(0) {
                ' ' => width += 1,
                '\t' => width = (width / 8 + 1) * 8,
                '\x0c' => width = 0,
                _ => break,
            }
            self.pos += 1;
        }
        match self.peek(0) {
            '#' | '\n' | '\r' => {
                while !self.at_end() && self.peek(0) != '\n' {
                    self.pos += 1;
                }
                if !self.at_end() {
                    self.newline();
                    return Ok(true);
                }
                return Ok(false);
            }
            '\0' if self.at_end() => return Ok(false),
            _ => {}
        }
        let (line, col) = (self.line, self.col());
        let current = *self.indents.last().unwrap_or(&0);
        if width > current {
            self.indents.push(width);
            self.push(Tok::Indent, line, 0);
        } else if width < current {
            while *self.indents.last().unwrap_or(&0) > width {
                self.indents.pop();
                self.push(Tok::Dedent, line, col);
            }
            if *self.indents.last().unwrap_or(&0) != width {
                let len = self
                    .src
                    .lines()
                    .nth(line as usize - 1)
                    .map_or(0, |l| l.chars().count());
                return Err(self.err(
                    "IndentationError",
                    "unindent does not match any outer indentation level",
                    line,
                    len as u32,
                ));
            }
        }
        Ok(false)
    }

    fn operator(&mut self, line: u32, col: u32) -> Result<(), PyError> {
        let rest = &self.chars[self.pos..];
        let Some(op) = OPERATORS
            .iter()
            .find(|op| op.chars().zip(rest).filter(|(a, b)| a == *b).count() == op.chars().count())
        else {
            let c = self.peek(0);
            let message = if c.is_ascii() {
                "invalid syntax".to_string()
            } else {
                format!("invalid character '{c}' (U+{:04X})", c as u32)
            };
            return Err(self.err("SyntaxError", &message, line, col));
        };
        self.pos += op.chars().count();
        match *op {
            "(" | "[" | "{" => self
                .brackets
                .push((op.chars().next().unwrap_or('('), line, col)),
            ")" | "]" | "}" => {
                let close = op.chars().next().unwrap_or(')');
                match self.brackets.pop() {
                    None => {
                        return Err(self.err(
                            "SyntaxError",
                            &format!("unmatched '{close}'"),
                            line,
                            col,
                        ))
                    }
                    Some((open, open_line, _)) if matching(open) != close => {
                        let message = if open_line == line {
                            format!(
                                "closing parenthesis '{close}' does not match opening parenthesis '{open}'"
                            )
                        } else {
                            format!("closing parenthesis '{close}' does not match opening parenthesis '{open}' on line {open_line}")
                        };
                        return Err(self.err("SyntaxError", &message, line, col));
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
        self.push(Tok::Op(op), line, col);
        Ok(())
    }

    fn digits(&mut self, ok: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        loop {
            let c = self.peek(0);
            if ok(c) {
                out.push(c);
                self.pos += 1;
            } else if c == '_' && ok(self.peek(1)) && !out.is_empty() {
                self.pos += 1;
            } else {
                return out;
            }
        }
    }

    fn number(&mut self) -> Result<Tok, PyError> {
        let (line, col) = (self.line, self.col());
        let invalid = |lx: &Self, what: &str| lx.err("SyntaxError", what, line, col);
        let radix = match (self.peek(0), self.peek(1).to_ascii_lowercase()) {
            ('0', 'x') => 16,
            ('0', 'o') => 8,
            ('0', 'b') => 2,
            _ => 10,
        };
        let tok = if radix != 10 {
            self.pos += 2;
            if self.peek(0) == '_' {
                self.pos += 1;
            }
            let digits = self.digits(|c| c.is_digit(radix));
            if digits.is_empty() {
                let name = match radix {
                    16 => "hexadecimal",
                    8 => "octal",
                    _ => "binary",
                };
                return Err(self.err(
                    "SyntaxError",
                    &format!("invalid {name} literal"),
                    line,
                    col + 1,
                ));
            }
            match i64::from_str_radix(&digits, radix) {
                Ok(v) => Tok::Int(v),
                Err(_) => Tok::BigInt,
            }
        } else {
            let int_part = self.digits(|c| c.is_ascii_digit());
            let mut text = int_part.clone();
            let mut is_float = false;
            if self.peek(0) == '.' {
                is_float = true;
                self.pos += 1;
                text.push('.');
                text.push_str(&self.digits(|c| c.is_ascii_digit()));
            }
            if matches!(self.peek(0), 'e' | 'E')
                && (self.peek(1).is_ascii_digit()
                    || (matches!(self.peek(1), '+' | '-') && self.peek(2).is_ascii_digit()))
            {
                is_float = true;
                text.push('e');
                self.pos += 1;
                if matches!(self.peek(0), '+' | '-') {
                    text.push(self.peek(0));
                    self.pos += 1;
                }
                text.push_str(&self.digits(|c| c.is_ascii_digit()));
            }
            if matches!(self.peek(0), 'j' | 'J') {
                self.pos += 1;
                return Err(crate::parser::not_supported(
                    "complex numbers",
                    self.src,
                    line,
                    col,
                ));
            }
            if is_float {
                Tok::Float(text.parse().unwrap_or(f64::NAN))
            } else {
                if int_part.len() > 1
                    && int_part.starts_with('0')
                    && int_part.chars().any(|c| c != '0')
                {
                    return Err(invalid(
                        self,
                        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                    ));
                }
                match int_part.parse::<i64>() {
                    Ok(v) => Tok::Int(v),
                    Err(_) => Tok::BigInt,
                }
            }
        };
        if is_name_char(self.peek(0)) {
            let start = self.pos;
            let mut end = start;
            while is_name_char(self.chars.get(end).copied().unwrap_or(' ')) {
                end += 1;
            }
            let word: String = self.chars[start..end].iter().collect();
            if !KEYWORDS_AFTER_NUMBER.contains(&word.as_str()) {
                let what = match radix {
                    16 => "invalid hexadecimal literal",
                    8 => "invalid octal literal",
                    2 => "invalid binary literal",
                    _ => "invalid decimal literal",
                };
                return Err(invalid(self, what));
            }
        }
        Ok(tok)
    }

    fn string(&mut self, prefix: &str, line: u32, col: u32) -> Result<Tok, PyError> {
        let lower = prefix.to_ascii_lowercase();
        let raw = lower.contains('r');
        let fstring = lower.contains('f');
        let bytes = lower.contains('b');
        let quote = self.peek(0);
        let triple = self.peek(1) == quote && self.peek(2) == quote;
        self.pos += if triple { 3 } else { 1 };
        let mut body = String::new();
        loop {
            if self.at_end() {
                let message = if triple {
                    format!(
                        "unterminated triple-quoted string literal (detected at line {})",
                        self.eof_line()
                    )
                } else {
                    format!(
                        "unterminated string literal (detected at line {})",
                        self.line
                    )
                };
                return Err(self.err("SyntaxError", &message, line, col));
            }
            let c = self.peek(0);
            if c == quote && (!triple || (self.peek(1) == quote && self.peek(2) == quote)) {
                self.pos += if triple { 3 } else { 1 };
                break;
            }
            if c == '\n' {
                if !triple {
                    return Err(self.err(
                        "SyntaxError",
                        &format!(
                            "unterminated string literal (detected at line {})",
                            self.line
                        ),
                        line,
                        col,
                    ));
                }
                body.push(c);
                self.newline();
                continue;
            }
            if c == '\\' && !self.at_end() {
                body.push(c);
                self.pos += 1;
                let next = self.peek(0);
                if next == '\n' {
                    body.push(next);
                    self.newline();
                } else if !(self.at_end()) {
                    body.push(next);
                    self.pos += 1;
                }
                continue;
            }
            body.push(c);
            self.pos += 1;
        }
        let value = if raw || fstring {
            body
        } else {
            unescape(&body).map_err(|m| self.err("SyntaxError", &m, line, col))?
        };
        Ok(Tok::Str(StrTok {
            value,
            fstring,
            raw,
            bytes,
        }))
    }
}

fn matching(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn is_string_prefix(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "r" | "u" | "f" | "b" | "rf" | "fr" | "rb" | "br"
    )
}

/// Whether `c` may start a Python name.
pub(crate) fn is_name_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Whether `c` may continue a Python name.
pub(crate) fn is_name_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Decodes Python's backslash escapes in a (non-raw) string body.
pub(crate) fn unescape(body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                let v = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == n && hex.chars().all(|c| c.is_ascii_hexdigit()));
                let Some(v) = v else {
                    let (kind, width) = match e {
                        'x' => ("x", "XX"),
                        'u' => ("u", "uXXXX"),
                        _ => ("U", "UXXXXXXXX"),
                    };
                    let _ = kind;
                    return Err(format!(
                        "(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\{width} escape"
                    ));
                };
                match char::from_u32(v) {
                    Some(c) => out.push(c),
                    None => {
                        return Err("(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character".to_string())
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}
