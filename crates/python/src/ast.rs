//! The syntax tree of the lab's Python subset, as the parser builds it.

use crate::number::ArithOp;
use crate::value::Value;

/// A statement and its 1-based line.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Where it starts.
    pub line: u32,
}

/// The statements of the subset.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// An expression evaluated for its effect (a call, a docstring).
    Expr(Expr),
    /// `t1 = t2 = value`.
    Assign {
        /// The targets, left to right.
        targets: Vec<Expr>,
        /// The value assigned to each.
        value: Expr,
    },
    /// `target op= value`.
    AugAssign {
        /// A name, a subscription or an attribute.
        target: Expr,
        /// The operator.
        op: ArithOp,
        /// The right-hand side.
        value: Expr,
    },
    /// `if test: body else: orelse` (`elif` nests another `If` in `orelse`).
    If {
        /// The condition.
        test: Expr,
        /// Run when true.
        body: Vec<Stmt>,
        /// Run when false.
        orelse: Vec<Stmt>,
    },
    /// `while test: body else: orelse`.
    While {
        /// The condition.
        test: Expr,
        /// The loop body.
        body: Vec<Stmt>,
        /// Run when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `for target in iter: body else: orelse`.
    For {
        /// What each item is assigned to.
        target: Expr,
        /// What is iterated.
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
        /// Run when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `def name(params): body`.
    Def(Box<FunctionDef>),
    /// `return value`.
    Return(Option<Expr>),
    /// `pass`.
    Pass,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `import module [as alias]`.
    Import {
        /// The dotted module name.
        module: String,
        /// The name bound (`None`: the first component of the module name).
        alias: Option<String>,
    },
    /// `from module import name [as alias], ...`.
    ImportFrom {
        /// The dotted module name.
        module: String,
        /// The names imported and the names they are bound to.
        names: Vec<(String, String)>,
    },
}

/// A function: a `def` or a `lambda`.
#[derive(Debug, Clone)]
pub struct FunctionDef {
    /// The name (`<lambda>` for a lambda).
    pub name: String,
    /// The parameter names.
    pub params: Vec<String>,
    /// The defaults of the last `defaults.len()` parameters.
    pub defaults: Vec<Expr>,
    /// The body (a lambda's is one `return`).
    pub body: Vec<Stmt>,
    /// The line of `def` / `lambda`.
    pub line: u32,
}

/// An expression and its 1-based line.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it starts.
    pub line: u32,
    /// The 0-based column where it starts.
    pub col: u32,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `is`
    Is,
    /// `is not`
    IsNot,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `not x`
    Not,
    /// `~x`
    Invert,
}

/// An argument at a call site.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `f(x)`
    Positional(Expr),
    /// `f(*xs)`
    Star(Expr),
    /// `f(name=x)`
    Keyword(String, Expr),
}

/// One `for target in iter if cond...` clause of a comprehension.
#[derive(Debug, Clone)]
pub struct Comprehension {
    /// The loop target.
    pub target: Expr,
    /// What is iterated.
    pub iter: Expr,
    /// The `if` filters.
    pub ifs: Vec<Expr>,
}

/// One part of an f-string.
#[derive(Debug, Clone)]
pub enum FPart {
    /// Text as is.
    Literal(String),
    /// `{expr!conv:spec}`.
    Field {
        /// The expression.
        expr: Expr,
        /// `r`, `s` or `a`.
        conversion: Option<char>,
        /// The format specification (itself an f-string body).
        spec: Vec<FPart>,
    },
}

/// What a comprehension builds.
#[derive(Debug, Clone)]
pub enum CompKind {
    /// `[elt for ...]`
    List(Box<Expr>),
    /// `{elt for ...}`
    Set(Box<Expr>),
    /// `{key: value for ...}`
    Dict(Box<Expr>, Box<Expr>),
    /// `(elt for ...)`
    Generator(Box<Expr>),
}

/// The expressions of the subset.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A literal: number, string, `True`, `False`, `None`.
    Const(Value),
    /// An integer literal beyond 64 bits.
    BigInt,
    /// A name.
    Name(String),
    /// `(a, b)`
    Tuple(Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{k: v}`
    Dict(Vec<(Expr, Expr)>),
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `a op b` (`+` also concatenates, `*` repeats, `%` formats).
    Binary(Box<Expr>, ArithOp, Box<Expr>),
    /// `op a`
    Unary(UnaryOp, Box<Expr>),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
    /// `a < b < c`
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `body if test else orelse`
    IfExp {
        /// The condition.
        test: Box<Expr>,
        /// The value when true.
        body: Box<Expr>,
        /// The value when false.
        orelse: Box<Expr>,
    },
    /// `lambda params: body`
    Lambda(Box<FunctionDef>),
    /// `func(args)`
    Call(Box<Expr>, Vec<Arg>),
    /// `value.name`
    Attribute(Box<Expr>, String),
    /// `value[index]`
    Subscript(Box<Expr>, Box<Expr>),
    /// `lower:upper:step` inside a subscription.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `f"..."`
    FString(Vec<FPart>),
    /// A comprehension or generator expression.
    Comprehension(CompKind, Vec<Comprehension>),
}

impl Expr {
    /// An expression `kind` at `line`, `col`.
    pub fn new(kind: ExprKind, line: u32, col: u32) -> Expr {
        Expr { kind, line, col }
    }
}
