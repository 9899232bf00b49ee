//! `selectExpr`'s SQL text, the simple part of Spark's grammar: column names (plain or in
//! back quotes), whole-number and string literals, `TRUE`/`FALSE`/`NULL`, `+ - * /`,
//! comparisons (`= == != <> < <= > >=`), `AND`/`OR`/`NOT`, `IS [NOT] NULL`,
//! `CAST(e AS STRING|INT|BIGINT|LONG|DOUBLE)`, `lower`/`upper`/`length(e)`, parentheses, and
//! `e [AS] alias`, with Spark's precedence (`NOT` below comparisons, `AND` above `OR`). The
//! rest (other functions, aggregates, decimals, `*`) is refused with the lab's words.

use crate::operators::{ArithOp, CmpOp};
use crate::plan::Expr;
use crate::value::{DataType, Value};

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Text(String),
    Number(String),
    Symbol(&'static str),
}

const SYMBOLS: &[&str] = &[
    "==", "!=", "<>", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "(", ")", ",",
];

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else {
            return Ok(out);
        };
        if c.is_ascii_alphabetic() || c == '_' {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            out.push(Token::Word(rest[..end].to_string()));
            rest = &rest[end..];
        } else if c.is_ascii_digit() {
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '.')
                .unwrap_or(rest.len());
            out.push(Token::Number(rest[..end].to_string()));
            rest = &rest[end..];
        } else if c == '`' || c == '\'' || c == '"' {
            let body = &rest[1..];
            let end = body
                .find(c)
                .ok_or_else(|| format!("an unclosed {c} in '{text}'"))?;
            let part = body[..end].to_string();
            if c != '`' && part.contains('\\') {
                return Err(format!("escapes in a string literal ('{text}')"));
            }
            out.push(if c == '`' {
                Token::Quoted(part)
            } else {
                Token::Text(part)
            });
            rest = &body[end + 1..];
        } else {
            let symbol = SYMBOLS
                .iter()
                .find(|s| rest.starts_with(**s))
                .ok_or_else(|| format!("'{c}' in '{text}'"))?;
            out.push(Token::Symbol(symbol));
            rest = &rest[symbol.len()..];
        }
    }
}

struct Parser<'t> {
    tokens: Vec<Token>,
    at: usize,
    text: &'t str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn keyword(&mut self, word: &str) -> bool {
        let hit = matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word));
        self.at += usize::from(hit);
        hit
    }

    fn symbol(&mut self, symbols: &[&'static str]) -> Option<&'static str> {
        match self.peek() {
            Some(Token::Symbol(s)) if symbols.contains(s) => {
                let s = *s;
                self.at += 1;
                Some(s)
            }
            _ => None,
        }
    }

    fn expect(&mut self, symbol: &'static str) -> Result<(), String> {
        self.symbol(&[symbol])
            .map(|_| ())
            .ok_or_else(|| format!("'{}' (expected '{symbol}')", self.text))
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.keyword("OR") {
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.not()?;
        while self.keyword("AND") {
            e = Expr::And(Box::new(e), Box::new(self.not()?));
        }
        Ok(e)
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.keyword("NOT") {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr, String> {
        let e = self.sum()?;
        if self.keyword("IS") {
            let negated = self.keyword("NOT");
            if !self.keyword("NULL") {
                return Err(format!("'{}' (only IS [NOT] NULL)", self.text));
            }
            return Ok(if negated {
                Expr::IsNotNull(Box::new(e))
            } else {
                Expr::IsNull(Box::new(e))
            });
        }
        let Some(op) = self.symbol(&["==", "=", "!=", "<>", "<=", ">=", "<", ">"]) else {
            return Ok(e);
        };
        let (a, b) = (Box::new(e), Box::new(self.sum()?));
        Ok(match op {
            "==" | "=" => Expr::Compare(CmpOp::Eq, a, b),
            "!=" | "<>" => Expr::Not(Box::new(Expr::Compare(CmpOp::Eq, a, b))),
            "<" => Expr::Compare(CmpOp::Lt, a, b),
            "<=" => Expr::Compare(CmpOp::Le, a, b),
            ">" => Expr::Compare(CmpOp::Gt, a, b),
            _ => Expr::Compare(CmpOp::Ge, a, b),
        })
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut e = self.product()?;
        while let Some(op) = self.symbol(&["+", "-"]) {
            let op = if op == "+" {
                ArithOp::Add
            } else {
                ArithOp::Sub
            };
            e = Expr::Arith(op, Box::new(e), Box::new(self.product()?));
        }
        Ok(e)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while let Some(op) = self.symbol(&["*", "/"]) {
            let op = if op == "*" {
                ArithOp::Mul
            } else {
                ArithOp::Div
            };
            e = Expr::Arith(op, Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.symbol(&["-"]).is_some() {
            // `-7` is one literal, as Spark's parser reads it.
            if let Some(Token::Number(n)) = self.peek().cloned() {
                self.at += 1;
                return number(&format!("-{n}"), self.text);
            }
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let token = self
            .peek()
            .cloned()
            .ok_or_else(|| format!("'{}' (it ends too soon)", self.text))?;
        self.at += 1;
        match token {
            Token::Number(n) => number(&n, self.text),
            Token::Text(s) => Ok(Expr::Literal(Value::String(s.into()))),
            Token::Quoted(name) => Ok(Expr::Column(name)),
            Token::Symbol("(") => {
                let e = self.or()?;
                self.expect(")")?;
                Ok(e)
            }
            Token::Symbol(s) => Err(format!("'{s}' in '{}'", self.text)),
            Token::Word(w) => self.word(w),
        }
    }

    fn word(&mut self, w: String) -> Result<Expr, String> {
        let upper = w.to_ascii_uppercase();
        match upper.as_str() {
            "TRUE" => return Ok(Expr::Literal(Value::Boolean(true))),
            "FALSE" => return Ok(Expr::Literal(Value::Boolean(false))),
            "NULL" => return Ok(Expr::Literal(Value::Null)),
            _ => {}
        }
        if self.symbol(&["("]).is_none() {
            return Ok(Expr::Column(w));
        }
        let e = Box::new(self.or()?);
        let e = match upper.as_str() {
            "CAST" => {
                if !self.keyword("AS") {
                    return Err(format!("'{}' (CAST(e AS type))", self.text));
                }
                let t = match self.peek() {
                    Some(Token::Word(t)) => t.to_ascii_lowercase(),
                    _ => String::new(),
                };
                self.at += 1;
                let t = match t.as_str() {
                    "string" => DataType::String,
                    "int" | "integer" => DataType::Int,
                    "bigint" | "long" => DataType::Long,
                    "double" => DataType::Double,
                    _ => return Err(format!("the cast to '{t}' in '{}'", self.text)),
                };
                Expr::Cast(e, t)
            }
            "LOWER" => Expr::Lower(e),
            "UPPER" => Expr::Upper(e),
            "LENGTH" => Expr::Length(e),
            _ => return Err(format!("the function {w}(...) in '{}'", self.text)),
        };
        self.expect(")")?;
        Ok(e)
    }
}

/// A whole-number literal: an int when it fits, else a bigint; decimals are refused.
fn number(n: &str, text: &str) -> Result<Expr, String> {
    if let Ok(i) = n.parse::<i32>() {
        return Ok(Expr::Literal(Value::Int(i)));
    }
    n.parse::<i64>()
        .map(|l| Expr::Literal(Value::Long(l)))
        .map_err(|_| format!("the number {n} in '{text}' (whole numbers only)"))
}

/// One of `selectExpr`'s texts as an expression, aliased when it says `AS name` (or
/// `expr name`). The error says what the lab does not read.
pub fn parse_select_expr(text: &str) -> Result<Expr, String> {
    let mut p = Parser {
        tokens: tokens(text)?,
        at: 0,
        text,
    };
    let e = p.or()?;
    let explicit = p.keyword("AS");
    let alias = match p.peek().cloned() {
        Some(Token::Word(name) | Token::Quoted(name)) => {
            p.at += 1;
            Some(name)
        }
        _ if explicit => return Err(format!("'{text}' (AS needs a name)")),
        _ => None,
    };
    if p.at < p.tokens.len() {
        return Err(format!("'{text}'"));
    }
    Ok(match alias {
        Some(name) => Expr::Alias(Box::new(e), name),
        None => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> String {
        parse_select_expr(text).unwrap().name()
    }

    #[test]
    fn names_are_sparks_for_the_expressions_pyspark_named() {
        // Each name as PySpark 4.0.1's selectExpr printed it.
        for (text, spark) in [
            ("i AS n", "n"),
            ("i * 2", "(i * 2)"),
            ("cast(i as string)", "i"),
            ("CAST(d AS INT) c", "c"),
            ("i IS NULL", "(i IS NULL)"),
            ("i IS NOT NULL", "(i IS NOT NULL)"),
            ("length(s)", "length(s)"),
            ("upper(s) AS u", "u"),
            ("i > 1 AND d > 0", "((i > 1) AND (d > 0))"),
            ("NOT i > 1", "(NOT (i > 1))"),
            ("-i", "(- i)"),
            ("'x'", "x"),
            ("s = 'ab'", "(s = ab)"),
            ("i <> 2", "(NOT (i = 2))"),
            ("i / 2", "(i / 2)"),
        ] {
            assert_eq!(name(text), spark, "{text}");
        }
    }

    #[test]
    fn precedence_is_sparks() {
        assert_eq!(name("1 + 2 * 3"), "(1 + (2 * 3))");
        assert_eq!(name("a OR b AND c"), "(a OR (b AND c))");
        assert_eq!(name("(1 + 2) * 3"), "((1 + 2) * 3)");
        assert_eq!(
            parse_select_expr("-7").unwrap(),
            Expr::Literal(Value::Int(-7))
        );
        assert_eq!(
            parse_select_expr("3000000000").unwrap(),
            Expr::Literal(Value::Long(3_000_000_000))
        );
    }

    #[test]
    fn what_the_lab_does_not_read_is_refused() {
        for text in [
            "count(*)",
            "sum(n)",
            "*",
            "n * 1.5",
            "n %2",
            "cast(n as date)",
            "n AS",
            "(n",
            "a b c",
            "'open",
        ] {
            assert!(parse_select_expr(text).is_err(), "{text}");
        }
    }
}
