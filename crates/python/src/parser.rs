//! The parser: tokens to the syntax tree, with CPython 3.11's syntax error
//! messages and caret positions where they are cheap to reproduce, and a
//! `NotSupportedError` for valid Python outside the lab's subset.

use crate::ast::*;
use crate::error::PyError;
use crate::lexer::{never_closed, syntax_error, tokenize, tokenize_open, Tok, Token};
use crate::number::ArithOp;
use crate::value::Value;

/// Python's reserved words (a name token that is one of these is not a name).
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// How deep brackets and nested expressions may go before the parser refuses
/// (it recurses, and must not overflow the stack on hostile input).
const MAX_DEPTH: u32 = 100;

/// `NotSupportedError: not supported in the lab: <construct> (line N)`.
pub(crate) fn not_supported(construct: &str, src: &str, line: u32, col: u32) -> PyError {
    let mut e = syntax_error(
        "NotSupportedError",
        &format!("not supported in the lab: {construct} (line {line})"),
        src,
        line,
        col,
    );
    e.kind = "NotSupportedError".to_string();
    e
}

/// Parses a module.
pub fn parse_module(src: &str) -> Result<Vec<Stmt>, PyError> {
    let (tokens, unclosed) = tokenize_open(src)?;
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        depth: 0,
        line_offset: 0,
    };
    let mut body = Vec::new();
    while !p.at(&Tok::End) {
        if p.at(&Tok::Newline) {
            p.pos += 1;
            continue;
        }
        match p.statement() {
            Ok(stmts) => body.extend(stmts),
            // CPython blames an unclosed bracket when the parser, failing, had
            // read up to the end of the source or a later line than the bracket.
            Err(e) => {
                return Err(match unclosed {
                    Some(b) if p.at(&Tok::End) || p.tok().line > b.1 => never_closed(src, b),
                    _ => e,
                })
            }
        }
    }
    match unclosed {
        Some(b) => Err(never_closed(src, b)),
        None => Ok(body),
    }
}

/// Parses one expression (the whole source), as `eval` does.
pub fn parse_expression(src: &str) -> Result<Expr, PyError> {
    parse_expression_at(src, 0)
}

fn parse_expression_at(src: &str, line_offset: u32) -> Result<Expr, PyError> {
    let tokens = tokenize(src).map_err(|e| shift(e, line_offset))?;
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        depth: 0,
        line_offset,
    };
    while p.at(&Tok::Newline) || p.at(&Tok::Indent) {
        p.pos += 1;
    }
    let e = p.star_expressions()?;
    while p.at(&Tok::Newline) || p.at(&Tok::Dedent) {
        p.pos += 1;
    }
    if !p.at(&Tok::End) {
        return Err(p.invalid());
    }
    Ok(e)
}

fn shift(mut e: PyError, lines: u32) -> PyError {
    for t in &mut e.trace {
        t.line += lines;
    }
    e
}

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: u32,
    /// Lines before this source (an f-string's expression inside a program).
    line_offset: u32,
}

type PResult<T> = Result<T, PyError>;

impl Parser<'_> {
    fn tok(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek_tok(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.pos + ahead).min(self.tokens.len() - 1)].tok
    }

    fn at(&self, t: &Tok) -> bool {
        self.tok().tok == *t
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.tok().tok, Tok::Op(o) if o == op)
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(&self.tok().tok, Tok::Name(n) if n == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn line(&self) -> u32 {
        self.tok().line + self.line_offset
    }

    fn error_at(&self, kind: &str, message: &str, line: u32, col: u32) -> PyError {
        shift(
            syntax_error(kind, message, self.src, line - self.line_offset, col),
            self.line_offset,
        )
    }

    /// CPython's generic error at the current token.
    fn invalid(&self) -> PyError {
        let t = self.tok();
        if t.tok == Tok::Indent {
            return self.error_at(
                "IndentationError",
                "unexpected indent",
                t.line + self.line_offset,
                t.end_col.saturating_sub(1),
            );
        }
        self.error_at(
            "SyntaxError",
            "invalid syntax",
            t.line + self.line_offset,
            t.col,
        )
    }

    fn unsupported(&self, construct: &str) -> PyError {
        let t = self.tok();
        shift(
            not_supported(construct, self.src, t.line, t.col),
            self.line_offset,
        )
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.invalid())
        }
    }

    fn expect_colon(&mut self) -> PResult<()> {
        if self.eat_op(":") {
            return Ok(());
        }
        let t = self.tok();
        Err(self.error_at("SyntaxError", "expected ':'", self.line(), t.col))
    }

    fn name(&mut self) -> PResult<String> {
        match &self.tok().tok {
            Tok::Name(n) if !KEYWORDS.contains(&n.as_str()) => {
                let n = n.clone();
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.invalid()),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.tok();
            return Err(self.error_at(
                "SyntaxError",
                "too many nested parentheses",
                self.line(),
                t.col,
            ));
        }
        Ok(())
    }

    // ----- statements -----

    fn statement(&mut self) -> PResult<Vec<Stmt>> {
        let line = self.line();
        let kw = match &self.tok().tok {
            Tok::Name(n) => n.clone(),
            Tok::Indent => return Err(self.invalid()),
            Tok::Op("@") => return self.decorated(),
            _ => String::new(),
        };
        let compound = match kw.as_str() {
            "if" => Some(self.if_statement("if")?),
            "while" => Some(self.while_statement()?),
            "for" => Some(self.for_statement()?),
            "def" => Some(self.def_statement()?),
            "class" => return Err(self.unsupported("classes")),
            "try" => return Err(self.unsupported("try statements")),
            "with" => return Err(self.unsupported("with statements")),
            "async" => return Err(self.unsupported("async")),
            _ => None,
        };
        if let Some(kind) = compound {
            return Ok(vec![Stmt { kind, line }]);
        }
        let mut out = Vec::new();
        loop {
            let line = self.line();
            let kind = self.simple_statement()?;
            out.push(Stmt { kind, line });
            if self.eat_op(";") {
                if self.at(&Tok::Newline) {
                    break;
                }
                continue;
            }
            break;
        }
        if !self.at(&Tok::Newline) {
            return Err(self.invalid());
        }
        self.pos += 1;
        Ok(out)
    }

    fn block(&mut self, after: &str, header_line: u32) -> PResult<Vec<Stmt>> {
        self.expect_colon()?;
        if !self.at(&Tok::Newline) {
            // `if x: y = 1` on one line.
            let mut out = Vec::new();
            loop {
                let line = self.line();
                let kind = self.simple_statement()?;
                out.push(Stmt { kind, line });
                if !self.eat_op(";") || self.at(&Tok::Newline) {
                    break;
                }
            }
            if !self.at(&Tok::Newline) {
                return Err(self.invalid());
            }
            self.pos += 1;
            return Ok(out);
        }
        self.pos += 1;
        if !self.at(&Tok::Indent) {
            let t = self.tok();
            return Err(self.error_at(
                "IndentationError",
                &format!("expected an indented block after {after} on line {header_line}"),
                self.line(),
                t.col,
            ));
        }
        self.pos += 1;
        let mut body = Vec::new();
        while !self.at(&Tok::Dedent) && !self.at(&Tok::End) {
            body.extend(self.statement()?);
        }
        self.eat_dedent();
        Ok(body)
    }

    fn eat_dedent(&mut self) {
        if self.at(&Tok::Dedent) {
            self.pos += 1;
        }
    }

    fn if_statement(&mut self, kw: &str) -> PResult<StmtKind> {
        let header = self.line();
        self.pos += 1;
        let test = self.condition()?;
        let body = self.block(&format!("'{kw}' statement"), header)?;
        let orelse = if self.at_kw("elif") {
            let line = self.line();
            vec![Stmt {
                kind: self.if_statement("elif")?,
                line,
            }]
        } else if self.at_kw("else") {
            let line = self.line();
            self.pos += 1;
            self.block("'else' statement", line)?
        } else {
            Vec::new()
        };
        Ok(StmtKind::If { test, body, orelse })
    }

    /// The condition of `if`/`while`, with CPython's hint for `if x = 1:`.
    fn condition(&mut self) -> PResult<Expr> {
        let test = self.named_expression()?;
        if self.at_op("=") {
            return Err(self.error_at(
                "SyntaxError",
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                test.line,
                test.col,
            ));
        }
        Ok(test)
    }

    fn named_expression(&mut self) -> PResult<Expr> {
        let e = self.expression()?;
        if self.at_op(":=") {
            return Err(self.unsupported("assignment expressions (:=)"));
        }
        Ok(e)
    }

    fn else_block(&mut self) -> PResult<Vec<Stmt>> {
        if self.at_kw("else") {
            let line = self.line();
            self.pos += 1;
            self.block("'else' statement", line)
        } else {
            Ok(Vec::new())
        }
    }

    fn while_statement(&mut self) -> PResult<StmtKind> {
        let header = self.line();
        self.pos += 1;
        let test = self.condition()?;
        let body = self.block("'while' statement", header)?;
        let orelse = self.else_block()?;
        Ok(StmtKind::While { test, body, orelse })
    }

    fn for_statement(&mut self) -> PResult<StmtKind> {
        let header = self.line();
        self.pos += 1;
        let target = self.target_list()?;
        if !self.eat_kw("in") {
            return Err(self.invalid());
        }
        let iter = self.star_expressions()?;
        let body = self.block("'for' statement", header)?;
        let orelse = self.else_block()?;
        Ok(StmtKind::For {
            target,
            iter,
            body,
            orelse,
        })
    }

    /// `a`, `a, b`, `(a, b)`: the targets of `for` and comprehensions.
    fn target_list(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        let mut items = vec![self.bitwise_or()?];
        let mut tuple = false;
        while self.eat_op(",") {
            tuple = true;
            if self.at_kw("in") {
                break;
            }
            items.push(self.bitwise_or()?);
        }
        let target = if tuple {
            Expr::new(ExprKind::Tuple(items), line, col)
        } else {
            items.pop().ok_or_else(|| self.invalid())?
        };
        self.check_target(&target, false)?;
        Ok(target)
    }

    /// `@d1 @d2 def f(...): ...` as `def f(...): ...` then `f = d1(d2(f))`. Python evaluates
    /// the decorators before it makes the function; the subset's decorators (`@udf(...)`) do
    /// not tell the difference.
    fn decorated(&mut self) -> PResult<Vec<Stmt>> {
        let first_line = self.line();
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.expression()?);
            if !self.at(&Tok::Newline) {
                return Err(self.invalid());
            }
            self.pos += 1;
        }
        let def_line = self.line();
        let def = match &self.tok().tok {
            Tok::Name(n) if n == "def" => self.def_statement()?,
            Tok::Name(n) if n == "class" => return Err(self.unsupported("classes")),
            _ => return Err(self.invalid()),
        };
        let StmtKind::Def(function) = &def else {
            return Err(self.invalid());
        };
        let name = |line| Expr::new(ExprKind::Name(function.name.clone()), line, 0);
        let mut value = name(def_line);
        for d in decorators.into_iter().rev() {
            let (line, col) = (d.line, d.col);
            value = Expr::new(
                ExprKind::Call(Box::new(d), vec![Arg::Positional(value)]),
                line,
                col,
            );
        }
        let assign = StmtKind::Assign {
            targets: vec![name(def_line)],
            value,
        };
        Ok(vec![
            Stmt {
                kind: def,
                line: def_line,
            },
            Stmt {
                kind: assign,
                line: first_line,
            },
        ])
    }

    fn def_statement(&mut self) -> PResult<StmtKind> {
        let line = self.line();
        self.pos += 1;
        let name = self.name()?;
        self.expect_op("(")?;
        let (params, defaults) = self.parameters(")")?;
        self.expect_op(")")?;
        if self.eat_op("->") {
            self.expression()?;
        }
        let body = self.block("function definition", line)?;
        Ok(StmtKind::Def(Box::new(FunctionDef {
            name,
            params,
            defaults,
            body,
            line,
        })))
    }

    /// Parameters up to `end` (`)` for a def, `:` for a lambda).
    fn parameters(&mut self, end: &str) -> PResult<(Vec<String>, Vec<Expr>)> {
        let mut params = Vec::new();
        let mut defaults = Vec::new();
        while !self.at_op(end) {
            if self.at_op("*") || self.at_op("**") || self.at_op("/") {
                return Err(self.unsupported("star parameters (*args, **kwargs)"));
            }
            let name = self.name()?;
            if end == ")" && self.eat_op(":") {
                self.expression()?;
            }
            if self.eat_op("=") {
                defaults.push(self.expression()?);
            } else if !defaults.is_empty() {
                let t = self.tok();
                return Err(self.error_at(
                    "SyntaxError",
                    "non-default argument follows default argument",
                    self.line(),
                    t.col.saturating_sub(name.chars().count() as u32),
                ));
            }
            if params.contains(&name) {
                return Err(self.error_at(
                    "SyntaxError",
                    &format!("duplicate argument '{name}' in function definition"),
                    self.line(),
                    0,
                ));
            }
            params.push(name);
            if !self.eat_op(",") {
                break;
            }
        }
        Ok((params, defaults))
    }

    fn simple_statement(&mut self) -> PResult<StmtKind> {
        let kw = match &self.tok().tok {
            Tok::Name(n) => n.clone(),
            _ => String::new(),
        };
        match kw.as_str() {
            "pass" => {
                self.pos += 1;
                return Ok(StmtKind::Pass);
            }
            "break" => {
                self.pos += 1;
                return Ok(StmtKind::Break);
            }
            "continue" => {
                self.pos += 1;
                return Ok(StmtKind::Continue);
            }
            "return" => {
                self.pos += 1;
                if self.at(&Tok::Newline) || self.at_op(";") {
                    return Ok(StmtKind::Return(None));
                }
                return Ok(StmtKind::Return(Some(self.star_expressions()?)));
            }
            "import" => return self.import(),
            "from" => return self.import_from(),
            "global" => return Err(self.unsupported("global statements")),
            "nonlocal" => return Err(self.unsupported("nonlocal statements")),
            "del" => return Err(self.unsupported("del statements")),
            "assert" => return Err(self.unsupported("assert statements")),
            "raise" => return Err(self.unsupported("raise statements")),
            "yield" => return Err(self.unsupported("generators (yield)")),
            _ => {}
        }
        let first = self.star_expressions()?;
        if let ExprKind::Name(n) = &first.kind {
            if (n == "print" || n == "exec") && self.starts_expression() {
                return Err(self.error_at(
                    "SyntaxError",
                    &format!("Missing parentheses in call to '{n}'. Did you mean {n}(...)?"),
                    first.line,
                    first.col,
                ));
            }
        }
        if self.at_op("=") {
            let mut targets = vec![first];
            let mut value;
            loop {
                self.pos += 1;
                value = self.star_expressions()?;
                if !self.at_op("=") {
                    break;
                }
                targets.push(value);
            }
            for t in &targets {
                self.check_target(t, true)?;
            }
            return Ok(StmtKind::Assign { targets, value });
        }
        if self.at_op(":") {
            // An annotated assignment: the annotation is read and dropped.
            self.check_target(&first, true)?;
            self.pos += 1;
            self.expression()?;
            if self.eat_op("=") {
                let value = self.star_expressions()?;
                return Ok(StmtKind::Assign {
                    targets: vec![first],
                    value,
                });
            }
            return Ok(StmtKind::Pass);
        }
        if let Tok::Op(op) = self.tok().tok {
            if let Some(arith) = op.strip_suffix('=').and_then(arith_op) {
                if let ExprKind::Tuple(_) | ExprKind::List(_) = first.kind {
                    let what = if matches!(first.kind, ExprKind::Tuple(_)) {
                        "tuple"
                    } else {
                        "list"
                    };
                    return Err(self.error_at(
                        "SyntaxError",
                        &format!("'{what}' is an illegal expression for augmented assignment"),
                        first.line,
                        first.col,
                    ));
                }
                self.check_target(&first, true)?;
                self.pos += 1;
                let value = self.star_expressions()?;
                return Ok(StmtKind::AugAssign {
                    target: first,
                    op: arith,
                    value,
                });
            }
            if op == "@=" {
                return Err(self.unsupported("the matrix multiplication operator (@)"));
            }
        }
        if self.starts_expression()
            && !matches!(self.tok().tok, Tok::Name(ref n) if KEYWORDS.contains(&n.as_str()))
        {
            return Err(self.invalid());
        }
        Ok(StmtKind::Expr(first))
    }

    fn dotted_name(&mut self) -> PResult<String> {
        let mut name = self.name()?;
        while self.eat_op(".") {
            name.push('.');
            name.push_str(&self.name()?);
        }
        Ok(name)
    }

    fn import(&mut self) -> PResult<StmtKind> {
        self.pos += 1;
        let module = self.dotted_name()?;
        let alias = if self.eat_kw("as") {
            Some(self.name()?)
        } else {
            None
        };
        if self.at_op(",") {
            return Err(self.unsupported("several modules in one import"));
        }
        Ok(StmtKind::Import { module, alias })
    }

    fn import_from(&mut self) -> PResult<StmtKind> {
        self.pos += 1;
        if self.at_op(".") {
            return Err(self.unsupported("relative imports"));
        }
        let module = self.dotted_name()?;
        if !self.eat_kw("import") {
            return Err(self.invalid());
        }
        if self.at_op("*") {
            return Err(self.unsupported("import *"));
        }
        let paren = self.eat_op("(");
        let mut names = Vec::new();
        loop {
            let name = self.name()?;
            let alias = if self.eat_kw("as") {
                self.name()?
            } else {
                name.clone()
            };
            names.push((name, alias));
            if !self.eat_op(",") || (paren && self.at_op(")")) {
                break;
            }
        }
        if paren {
            self.expect_op(")")?;
        }
        Ok(StmtKind::ImportFrom { module, names })
    }

    /// Refuses what cannot be assigned to, in CPython's words.
    fn check_target(&self, target: &Expr, assignment: bool) -> PResult<()> {
        let what = match &target.kind {
            ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => return Ok(()),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                return items
                    .iter()
                    .try_for_each(|t| self.check_target(t, assignment))
            }
            ExprKind::Call(..) => "function call",
            ExprKind::Const(_) | ExprKind::BigInt | ExprKind::FString(_) => "literal",
            ExprKind::Lambda(_) => "lambda",
            ExprKind::IfExp { .. } => "conditional expression",
            ExprKind::Compare(..) => "comparison",
            ExprKind::Comprehension(..) => "comprehension",
            ExprKind::Dict(_) => "dict literal",
            ExprKind::Set(_) => "set display",
            _ => "expression",
        };
        let message = if assignment {
            format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?")
        } else {
            format!("cannot assign to {what}")
        };
        Err(self.error_at("SyntaxError", &message, target.line, target.col))
    }

    // ----- expressions -----

    fn starts_expression(&self) -> bool {
        match &self.tok().tok {
            Tok::Name(n) => {
                !KEYWORDS.contains(&n.as_str())
                    || matches!(n.as_str(), "True" | "False" | "None" | "lambda" | "not")
            }
            Tok::Int(_) | Tok::BigInt | Tok::Float(_) | Tok::Str(_) => true,
            Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~"),
            _ => false,
        }
    }

    /// Expressions separated by commas: a tuple when there is a comma.
    fn star_expressions(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        let first = self.expression()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if !self.starts_expression() {
                break;
            }
            items.push(self.expression()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), line, col))
    }

    fn expression(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.expression_inner();
        self.depth -= 1;
        e
    }

    fn expression_inner(&mut self) -> PResult<Expr> {
        if self.at_kw("lambda") {
            return self.lambda();
        }
        if self.at_op("*") {
            return Err(self.unsupported("star expressions (*x)"));
        }
        if self.at_kw("yield") {
            return Err(self.unsupported("generators (yield)"));
        }
        if self.at_kw("await") {
            return Err(self.unsupported("async"));
        }
        let body = self.disjunction()?;
        if !self.at_kw("if") {
            return Ok(body);
        }
        self.pos += 1;
        let test = self.disjunction()?;
        if !self.eat_kw("else") {
            return Err(self.error_at(
                "SyntaxError",
                "expected 'else' after 'if' expression",
                body.line,
                body.col,
            ));
        }
        let orelse = self.expression()?;
        let (line, col) = (body.line, body.col);
        Ok(Expr::new(
            ExprKind::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
            line,
            col,
        ))
    }

    fn lambda(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        self.pos += 1;
        let (params, defaults) = self.parameters(":")?;
        self.expect_colon()?;
        let body = self.expression()?;
        let body_line = body.line;
        Ok(Expr::new(
            ExprKind::Lambda(Box::new(FunctionDef {
                name: "<lambda>".to_string(),
                params,
                defaults,
                body: vec![Stmt {
                    kind: StmtKind::Return(Some(body)),
                    line: body_line,
                }],
                line,
            })),
            line,
            col,
        ))
    }

    fn disjunction(&mut self) -> PResult<Expr> {
        let mut left = self.conjunction()?;
        while self.eat_kw("or") {
            let right = self.conjunction()?;
            let (line, col) = (left.line, left.col);
            left = Expr::new(ExprKind::Or(Box::new(left), Box::new(right)), line, col);
        }
        Ok(left)
    }

    fn conjunction(&mut self) -> PResult<Expr> {
        let mut left = self.inversion()?;
        while self.eat_kw("and") {
            let right = self.inversion()?;
            let (line, col) = (left.line, left.col);
            left = Expr::new(ExprKind::And(Box::new(left), Box::new(right)), line, col);
        }
        Ok(left)
    }

    fn inversion(&mut self) -> PResult<Expr> {
        if self.at_kw("not") {
            let (line, col) = (self.line(), self.tok().col);
            self.pos += 1;
            self.enter()?;
            let operand = self.inversion();
            self.depth -= 1;
            return Ok(Expr::new(
                ExprKind::Unary(UnaryOp::Not, Box::new(operand?)),
                line,
                col,
            ));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let left = self.bitwise_or()?;
        let mut rest = Vec::new();
        loop {
            let op = match &self.tok().tok {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Name(n) if n == "in" => CmpOp::In,
                Tok::Name(n) if n == "is" => {
                    if matches!(self.peek_tok(1), Tok::Name(n) if n == "not") {
                        self.pos += 1;
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                Tok::Name(n)
                    if n == "not" && matches!(self.peek_tok(1), Tok::Name(n) if n == "in") =>
                {
                    self.pos += 1;
                    CmpOp::NotIn
                }
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.bitwise_or()?));
        }
        if rest.is_empty() {
            return Ok(left);
        }
        let (line, col) = (left.line, left.col);
        Ok(Expr::new(
            ExprKind::Compare(Box::new(left), rest),
            line,
            col,
        ))
    }

    fn bitwise_or(&mut self) -> PResult<Expr> {
        self.binary(&["|"], Self::bitwise_xor)
    }

    fn bitwise_xor(&mut self) -> PResult<Expr> {
        self.binary(&["^"], Self::bitwise_and)
    }

    fn bitwise_and(&mut self) -> PResult<Expr> {
        self.binary(&["&"], Self::shift)
    }

    fn shift(&mut self) -> PResult<Expr> {
        self.binary(&["<<", ">>"], Self::sum)
    }

    fn binary(&mut self, ops: &[&str], next: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        let mut left = next(self)?;
        while let Tok::Op(op) = self.tok().tok {
            if !ops.contains(&op) {
                break;
            }
            if op == "@" {
                return Err(self.unsupported("the matrix multiplication operator (@)"));
            }
            let Some(arith) = arith_op(op) else { break };
            self.pos += 1;
            let right = next(self)?;
            let (line, col) = (left.line, left.col);
            left = Expr::new(
                ExprKind::Binary(Box::new(left), arith, Box::new(right)),
                line,
                col,
            );
        }
        Ok(left)
    }

    fn sum(&mut self) -> PResult<Expr> {
        self.binary(&["+", "-"], Self::term)
    }

    fn term(&mut self) -> PResult<Expr> {
        self.binary(&["*", "/", "//", "%", "@"], Self::factor)
    }

    fn factor(&mut self) -> PResult<Expr> {
        let op = match self.tok().tok {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("+") => UnaryOp::Pos,
            Tok::Op("~") => UnaryOp::Invert,
            _ => return self.power(),
        };
        let (line, col) = (self.line(), self.tok().col);
        self.pos += 1;
        self.enter()?;
        let operand = self.factor();
        self.depth -= 1;
        Ok(Expr::new(
            ExprKind::Unary(op, Box::new(operand?)),
            line,
            col,
        ))
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.primary()?;
        if !self.eat_op("**") {
            return Ok(base);
        }
        self.enter()?;
        let exponent = self.factor();
        self.depth -= 1;
        let (line, col) = (base.line, base.col);
        Ok(Expr::new(
            ExprKind::Binary(Box::new(base), ArithOp::Pow, Box::new(exponent?)),
            line,
            col,
        ))
    }

    fn primary(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        loop {
            let (line, col) = (e.line, e.col);
            if self.eat_op(".") {
                // CPython places an attribute (and a call of it) on its name's line when that is a later line:
                // an error in `.start()` of a chain spread over lines is reported at `.start()`'s line.
                let name_line = self.line();
                let name = self.name()?;
                e = Expr::new(ExprKind::Attribute(Box::new(e), name), name_line, col);
            } else if self.at_op("(") {
                let args = self.call_args()?;
                e = Expr::new(ExprKind::Call(Box::new(e), args), line, col);
            } else if self.eat_op("[") {
                let index = self.subscript()?;
                self.expect_op("]")?;
                e = Expr::new(ExprKind::Subscript(Box::new(e), Box::new(index)), line, col);
            } else {
                return Ok(e);
            }
        }
    }

    fn subscript(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        let first = self.slice()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") && !self.at_op("]") {
            items.push(self.slice()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), line, col))
    }

    fn slice(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        let lower = if self.at_op(":") {
            None
        } else {
            let e = self.named_expression()?;
            if !self.at_op(":") {
                return Ok(e);
            }
            Some(Box::new(e))
        };
        self.expect_op(":")?;
        let bound = |p: &mut Self| -> PResult<Option<Box<Expr>>> {
            if p.at_op(":") || p.at_op("]") || p.at_op(",") {
                Ok(None)
            } else {
                Ok(Some(Box::new(p.expression()?)))
            }
        };
        let upper = bound(self)?;
        let step = if self.eat_op(":") { bound(self)? } else { None };
        Ok(Expr::new(ExprKind::Slice(lower, upper, step), line, col))
    }

    fn call_args(&mut self) -> PResult<Vec<Arg>> {
        self.enter()?;
        self.pos += 1;
        let mut args = Vec::new();
        let mut generator_at = None;
        while !self.at_op(")") {
            if self.eat_op("*") {
                args.push(Arg::Star(self.expression()?));
            } else if self.at_op("**") {
                return Err(self.unsupported("keyword argument unpacking (**kwargs)"));
            } else if matches!(self.tok().tok, Tok::Name(_))
                && matches!(self.peek_tok(1), Tok::Op("="))
            {
                let name = self.name()?;
                self.pos += 1;
                args.push(Arg::Keyword(name, self.expression()?));
            } else {
                let e = self.expression()?;
                let e = if self.at_kw("for") {
                    generator_at = Some((e.line, e.col));
                    self.comprehension_tail(e, None, CompKindTag::Generator)?
                } else {
                    if self.at_op(":=") {
                        return Err(self.unsupported("assignment expressions (:=)"));
                    }
                    e
                };
                self.forgot_comma(&e)?;
                args.push(Arg::Positional(e));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        if let Some((line, col)) = generator_at {
            if args.len() > 1 {
                return Err(self.error_at(
                    "SyntaxError",
                    "Generator expression must be parenthesized",
                    line,
                    col,
                ));
            }
        }
        self.expect_op(")")?;
        self.depth -= 1;
        Ok(args)
    }

    /// CPython's hint when two expressions touch inside brackets.
    fn forgot_comma(&self, before: &Expr) -> PResult<()> {
        if !self.starts_expression() || self.at_op("-") || self.at_op("+") {
            return Ok(());
        }
        let name_then_string =
            matches!(before.kind, ExprKind::Name(_)) && matches!(self.tok().tok, Tok::Str(_));
        if name_then_string || matches!(&self.tok().tok, Tok::Name(n) if n == "not") {
            return Ok(());
        }
        Err(self.error_at(
            "SyntaxError",
            "invalid syntax. Perhaps you forgot a comma?",
            before.line,
            before.col,
        ))
    }

    fn atom(&mut self) -> PResult<Expr> {
        let t = self.tok().clone();
        let (line, col) = (t.line + self.line_offset, t.col);
        let kind = match t.tok {
            Tok::Int(i) => {
                self.pos += 1;
                ExprKind::Const(Value::Int(i))
            }
            Tok::BigInt => {
                self.pos += 1;
                ExprKind::BigInt
            }
            Tok::Float(f) => {
                self.pos += 1;
                ExprKind::Const(Value::Float(f))
            }
            Tok::Str(_) => return self.strings(),
            Tok::Name(ref n) => match n.as_str() {
                "True" => {
                    self.pos += 1;
                    ExprKind::Const(Value::Bool(true))
                }
                "False" => {
                    self.pos += 1;
                    ExprKind::Const(Value::Bool(false))
                }
                "None" => {
                    self.pos += 1;
                    ExprKind::Const(Value::None)
                }
                "yield" => return Err(self.unsupported("generators (yield)")),
                "await" | "async" => return Err(self.unsupported("async")),
                _ => ExprKind::Name(self.name()?),
            },
            Tok::Op("(") => return self.parenthesized(),
            Tok::Op("[") => return self.list_display(),
            Tok::Op("{") => return self.brace_display(),
            Tok::Op("...") => return Err(self.unsupported("Ellipsis (...)")),
            _ => return Err(self.invalid()),
        };
        Ok(Expr::new(kind, line, col))
    }

    fn strings(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        let mut parts: Vec<FPart> = Vec::new();
        let mut any_f = false;
        while let Tok::Str(s) = &self.tok().tok {
            let s = s.clone();
            let tok_line = self.tok().line + self.line_offset;
            let end_col = self.tok().end_col;
            if s.bytes {
                return Err(self.unsupported("bytes"));
            }
            self.pos += 1;
            if s.fstring {
                any_f = true;
                let fparts = self
                    .fstring(&s.value, s.raw, tok_line)
                    .map_err(|m| self.error_at("SyntaxError", &m, tok_line, end_col))??;
                parts.extend(fparts);
            } else {
                parts.push(FPart::Literal(s.value));
            }
        }
        if !any_f {
            let text: String = parts
                .into_iter()
                .map(|p| match p {
                    FPart::Literal(s) => s,
                    FPart::Field { .. } => String::new(),
                })
                .collect();
            return Ok(Expr::new(
                ExprKind::Const(Value::Str(text.into())),
                line,
                col,
            ));
        }
        Ok(Expr::new(ExprKind::FString(parts), line, col))
    }

    /// Splits an f-string body into literal parts and fields. The outer error
    /// is an f-string syntax message; the inner one an error of a field's expression.
    fn fstring(&self, body: &str, raw: bool, line: u32) -> Result<PResult<Vec<FPart>>, String> {
        let chars: Vec<char> = body.chars().collect();
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut i = 0;
        let flush = |literal: &mut String, parts: &mut Vec<FPart>| -> Result<(), String> {
            if !literal.is_empty() {
                let text = if raw {
                    std::mem::take(literal)
                } else {
                    crate::lexer::unescape(&std::mem::take(literal))?
                };
                parts.push(FPart::Literal(text));
            }
            Ok(())
        };
        while i < chars.len() {
            let c = chars[i];
            if c == '{' && chars.get(i + 1) == Some(&'{') {
                literal.push('{');
                i += 2;
                continue;
            }
            if c == '}' {
                if chars.get(i + 1) == Some(&'}') {
                    literal.push('}');
                    i += 2;
                    continue;
                }
                return Err("f-string: single '}' is not allowed".to_string());
            }
            if c != '{' {
                literal.push(c);
                i += 1;
                continue;
            }
            flush(&mut literal, &mut parts)?;
            i += 1;
            // The expression runs to a top-level `!`, `:` or `}`.
            let start = i;
            let mut depth = 0;
            let mut quote: Option<char> = None;
            while i < chars.len() {
                let c = chars[i];
                if let Some(q) = quote {
                    if c == q {
                        quote = None;
                    }
                } else if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if "([{".contains(c) {
                    depth += 1;
                } else if ")]}".contains(c) && depth > 0 {
                    depth -= 1;
                } else if depth == 0
                    && (c == '}' || c == ':' || (c == '!' && chars.get(i + 1) != Some(&'=')))
                {
                    break;
                }
                i += 1;
            }
            if i >= chars.len() {
                return Err("f-string: expecting '}'".to_string());
            }
            let mut text: String = chars[start..i].iter().collect();
            let mut debug = None;
            let trimmed = text.trim_end();
            if trimmed.ends_with('=')
                && !trimmed.ends_with("==")
                && !trimmed.ends_with("!=")
                && !trimmed.ends_with("<=")
                && !trimmed.ends_with(">=")
            {
                debug = Some(text.clone());
                text = trimmed[..trimmed.len() - 1].to_string();
            }
            if text.trim().is_empty() {
                return Err("f-string: empty expression not allowed".to_string());
            }
            let expr = match parse_expression_at(&format!("({text})"), line - 1) {
                Ok(e) => e,
                Err(e) => return Ok(Err(e)),
            };
            let mut conversion = None;
            if chars[i] == '!' {
                match chars.get(i + 1) {
                    Some(&c @ ('r' | 's' | 'a')) => conversion = Some(c),
                    _ => {
                        return Err(
                            "f-string: invalid conversion character: expected 's', 'r', or 'a'"
                                .to_string(),
                        )
                    }
                }
                i += 2;
            }
            let mut spec = Vec::new();
            if chars.get(i) == Some(&':') {
                i += 1;
                let spec_start = i;
                let mut depth = 0;
                while i < chars.len() && (chars[i] != '}' || depth > 0) {
                    match chars[i] {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                let spec_text: String = chars[spec_start..i].iter().collect();
                spec = match self.fstring(&spec_text, raw, line)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
            }
            if chars.get(i) != Some(&'}') {
                return Err("f-string: expecting '}'".to_string());
            }
            i += 1;
            if let Some(d) = debug {
                parts.push(FPart::Literal(d));
                if conversion.is_none() && spec.is_empty() {
                    conversion = Some('r');
                }
            }
            parts.push(FPart::Field {
                expr,
                conversion,
                spec,
            });
        }
        flush(&mut literal, &mut parts)?;
        Ok(Ok(parts))
    }

    fn parenthesized(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        self.enter()?;
        self.pos += 1;
        if self.eat_op(")") {
            self.depth -= 1;
            return Ok(Expr::new(ExprKind::Tuple(Vec::new()), line, col));
        }
        if self.at_kw("yield") {
            return Err(self.unsupported("generators (yield)"));
        }
        let first = self.named_expression()?;
        let e = if self.at_kw("for") {
            self.comprehension_tail(first, None, CompKindTag::Generator)?
        } else if self.at_op(",") {
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.at_op(")") {
                    break;
                }
                let item = self.expression()?;
                self.forgot_comma(&item)?;
                items.push(item);
            }
            Expr::new(ExprKind::Tuple(items), line, col)
        } else {
            self.forgot_comma(&first)?;
            first
        };
        self.expect_op(")")?;
        self.depth -= 1;
        Ok(e)
    }

    fn list_display(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        while !self.at_op("]") {
            let item = self.named_expression()?;
            if items.is_empty() && self.at_kw("for") {
                let e = self.comprehension_tail(item, None, CompKindTag::List)?;
                self.expect_op("]")?;
                self.depth -= 1;
                return Ok(Expr::new(e.kind, line, col));
            }
            self.forgot_comma(&item)?;
            items.push(item);
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op("]")?;
        self.depth -= 1;
        Ok(Expr::new(ExprKind::List(items), line, col))
    }

    fn brace_display(&mut self) -> PResult<Expr> {
        let (line, col) = (self.line(), self.tok().col);
        self.enter()?;
        self.pos += 1;
        if self.eat_op("}") {
            self.depth -= 1;
            return Ok(Expr::new(ExprKind::Dict(Vec::new()), line, col));
        }
        if self.at_op("**") {
            return Err(self.unsupported("dict unpacking (**d)"));
        }
        let first = self.expression()?;
        let kind = if self.eat_op(":") {
            let value = self.expression()?;
            if self.at_kw("for") {
                let e = self.comprehension_tail(first, Some(value), CompKindTag::Dict)?;
                e.kind
            } else {
                self.forgot_comma(&value)?;
                let mut pairs = vec![(first, value)];
                while self.eat_op(",") {
                    if self.at_op("}") {
                        break;
                    }
                    let k = self.expression()?;
                    self.expect_op(":")?;
                    let v = self.expression()?;
                    self.forgot_comma(&v)?;
                    pairs.push((k, v));
                }
                ExprKind::Dict(pairs)
            }
        } else if self.at_kw("for") {
            self.comprehension_tail(first, None, CompKindTag::Set)?.kind
        } else {
            self.forgot_comma(&first)?;
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.at_op("}") {
                    break;
                }
                let item = self.expression()?;
                self.forgot_comma(&item)?;
                items.push(item);
            }
            ExprKind::Set(items)
        };
        self.expect_op("}")?;
        self.depth -= 1;
        Ok(Expr::new(kind, line, col))
    }

    /// The `for ... in ... if ...` clauses after a comprehension's element.
    fn comprehension_tail(
        &mut self,
        element: Expr,
        value: Option<Expr>,
        tag: CompKindTag,
    ) -> PResult<Expr> {
        let (line, col) = (element.line, element.col);
        let mut clauses = Vec::new();
        while self.eat_kw("for") {
            let target = self.target_list()?;
            if !self.eat_kw("in") {
                return Err(self.invalid());
            }
            let iter = self.disjunction()?;
            let mut ifs = Vec::new();
            while self.eat_kw("if") {
                ifs.push(self.disjunction()?);
            }
            clauses.push(Comprehension { target, iter, ifs });
        }
        let element = Box::new(element);
        let kind = match (tag, value) {
            (CompKindTag::List, _) => CompKind::List(element),
            (CompKindTag::Set, _) => CompKind::Set(element),
            (CompKindTag::Generator, _) => CompKind::Generator(element),
            (CompKindTag::Dict, Some(v)) => CompKind::Dict(element, Box::new(v)),
            (CompKindTag::Dict, None) => return Err(self.invalid()),
        };
        Ok(Expr::new(ExprKind::Comprehension(kind, clauses), line, col))
    }
}

#[derive(Clone, Copy)]
enum CompKindTag {
    List,
    Set,
    Dict,
    Generator,
}

fn arith_op(op: &str) -> Option<ArithOp> {
    Some(match op {
        "+" => ArithOp::Add,
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        "/" => ArithOp::TrueDiv,
        "//" => ArithOp::FloorDiv,
        "%" => ArithOp::Mod,
        "**" => ArithOp::Pow,
        "&" => ArithOp::BitAnd,
        "|" => ArithOp::BitOr,
        "^" => ArithOp::BitXor,
        "<<" => ArithOp::LShift,
        ">>" => ArithOp::RShift,
        _ => return None,
    })
}
