//! The compiled form the evaluator runs: the syntax tree with every name
//! resolved to a slot (a frame's local, a cell shared with inner functions,
//! a closure's free variable, a module global), so a call never looks a
//! local up by its name. `lower.rs` turns each body's tree into closures.

use std::fmt;
use std::rc::Rc;

use crate::ast::CmpOp;
use crate::lower::ExFn;
use crate::number::ArithOp;
use crate::value::Value;

/// Where a variable lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Var {
    /// A slot of the frame.
    Local(u32),
    /// A cell of the frame (the variable is read by an inner function).
    Cell(u32),
    /// A cell of the running function's closure.
    Free(u32),
    /// A module global; the builtin of the same name, if any, when unset.
    Global(u32, Option<u16>),
}

/// Where a new function's closure cell comes from in the frame creating it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Capture {
    /// The creating frame's own cell.
    Cell(u32),
    /// A cell of the creating function's closure.
    Free(u32),
}

/// A compiled function body (or the module's).
pub(crate) struct Code {
    /// `<module>`, `<lambda>` or the def's name.
    pub name: Rc<str>,
    /// Parameter names (the first `params.len()` local slots).
    pub params: Vec<Rc<str>>,
    /// Parameters whose value moves into a cell at the call: (local slot, cell).
    pub param_cells: Vec<(u32, u32)>,
    /// Names of the local slots (for `UnboundLocalError`).
    pub local_names: Vec<Rc<str>>,
    /// Names of the cells.
    pub cell_names: Vec<Rc<str>>,
    /// Names of the closure's cells.
    pub free_names: Vec<Rc<str>>,
    /// The statements, as closures: what a call runs (the return value;
    /// `None` when the body ends without a `return`).
    pub body: ExFn,
    /// The body as data a host runs without a call, when it has one of
    /// [`crate::quick`]'s shapes.
    pub quick: Option<crate::quick::Quick>,
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Code")
            .field("name", &self.name)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// A compiled statement and its line.
#[derive(Debug)]
pub(crate) struct St {
    /// What it does.
    pub kind: StK,
    /// Its line.
    pub line: u32,
}

/// Compiled statements.
#[derive(Debug)]
pub(crate) enum StK {
    /// An expression for its effect.
    Expr(Ex),
    /// `targets = value`.
    Assign(Vec<Target>, Ex),
    /// `target op= value`.
    AugAssign(Target, ArithOp, Ex),
    /// `if`.
    If(Ex, Vec<St>, Vec<St>),
    /// `while`.
    While(Ex, Vec<St>, Vec<St>),
    /// `for`.
    For(Target, Ex, Vec<St>, Vec<St>),
    /// `return`.
    Return(Option<Ex>),
    /// `pass` and docstrings.
    Pass,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `import module` bound to `var`; `top` when the binding is the first component.
    Import {
        /// The module's dotted name.
        module: String,
        /// Bind the first component (`import a.b` binds `a`).
        top: bool,
        /// The variable bound.
        var: Var,
    },
    /// `from module import name as var, ...`.
    ImportFrom(String, Vec<(Rc<str>, Var)>),
}

/// An assignment target.
#[derive(Debug)]
pub(crate) enum Target {
    /// A variable.
    Var(Var),
    /// `obj.name = ...`.
    Attr(Ex, Rc<str>),
    /// `obj[index] = ...`.
    Subscript(Ex, Ex),
    /// `a, b = ...`.
    Unpack(Vec<Target>),
}

/// A compiled expression and its line (the traceback's line when it fails).
#[derive(Debug)]
pub(crate) struct Ex {
    /// What it computes.
    pub kind: ExK,
    /// Its line.
    pub line: u32,
}

/// A compiled argument.
#[derive(Debug)]
pub(crate) enum CArg {
    /// `x`
    Pos(Ex),
    /// `*xs`
    Star(Ex),
    /// `name=x`
    Kw(Rc<str>, Ex),
}

/// A compiled f-string part.
#[derive(Debug)]
pub(crate) enum CFPart {
    /// Text.
    Lit(Rc<str>),
    /// `{expr!conv:spec}`.
    Field(Ex, Option<char>, Vec<CFPart>),
}

/// A compiled comprehension.
#[derive(Debug)]
pub(crate) struct Comp {
    /// What it builds.
    pub kind: CompK,
    /// The element (the key, for a dict).
    pub element: Ex,
    /// The value, for a dict.
    pub value: Option<Ex>,
    /// The `for` clauses, outermost first.
    pub clauses: Vec<Clause>,
}

/// What a comprehension builds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CompK {
    /// A list.
    List,
    /// A set.
    Set,
    /// A dict.
    Dict,
    /// A generator.
    Generator,
}

/// One `for target in iter if ...` clause.
#[derive(Debug)]
pub(crate) struct Clause {
    /// The loop target.
    pub target: Target,
    /// The iterable.
    pub iter: Ex,
    /// The filters.
    pub ifs: Vec<Ex>,
}

/// A constant string's prepared search, for `"literal" in x`.
#[derive(Debug)]
pub(crate) struct StrIn {
    /// The literal, for containers other than strings.
    pub needle: Value,
    /// Its search, over a string's bytes (a UTF-8 needle matches only at
    /// character boundaries).
    pub finder: memchr::memmem::Finder<'static>,
    /// `not in`.
    pub negated: bool,
}

impl StrIn {
    /// The test's truth for the string `s`.
    #[inline]
    pub fn in_str(&self, s: &str) -> bool {
        self.finder.find(s.as_bytes()).is_some() != self.negated
    }
}

/// Compiled expressions.
#[derive(Debug)]
pub(crate) enum ExK {
    /// A constant.
    Const(Value),
    /// An integer literal too big for the lab.
    BigInt,
    /// A variable.
    Load(Var),
    /// `(a, b)`
    Tuple(Vec<Ex>),
    /// `[a, b]`
    List(Vec<Ex>),
    /// `{k: v}`
    Dict(Vec<(Ex, Ex)>),
    /// `{a, b}`
    Set(Vec<Ex>),
    /// `a op b`
    Binary(ArithOp, Box<Ex>, Box<Ex>),
    /// `-a`
    Neg(Box<Ex>),
    /// `+a`
    Pos(Box<Ex>),
    /// `~a`
    Invert(Box<Ex>),
    /// `not a`
    Not(Box<Ex>),
    /// `a and b`
    And(Box<Ex>, Box<Ex>),
    /// `a or b`
    Or(Box<Ex>, Box<Ex>),
    /// `a op b`, one comparison.
    Compare(CmpOp, Box<Ex>, Box<Ex>),
    /// `"literal" in x` (`not in` when `negated`): the substring search
    /// prepared once, for the string `x` is on every record.
    InStr(Box<StrIn>, Box<Ex>),
    /// `a op b op c ...`
    Chain(Box<Ex>, Vec<(CmpOp, Ex)>),
    /// `body if test else orelse`
    IfExp(Box<Ex>, Box<Ex>, Box<Ex>),
    /// A `def` or `lambda`: the code, default values, closure cells.
    Function(Rc<Code>, Vec<Ex>, Vec<Capture>),
    /// `f(a, b)`: positional arguments only.
    Call(Box<Ex>, Vec<Ex>),
    /// `f(a, *b, k=c)`.
    CallArgs(Box<Ex>, Vec<CArg>),
    /// `obj.name(args)`.
    CallMethod(Box<Ex>, Rc<str>, Vec<CArg>),
    /// `obj.name`.
    Attr(Box<Ex>, Rc<str>),
    /// `obj[index]`.
    Subscript(Box<Ex>, Box<Ex>),
    /// `obj[lower:upper:step]`.
    Slice(Box<Ex>, [Option<Box<Ex>>; 3]),
    /// An f-string.
    FString(Vec<CFPart>),
    /// A comprehension.
    Comp(Box<Comp>),
}
