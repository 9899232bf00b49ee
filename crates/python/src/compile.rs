//! From the syntax tree to the compiled form: Python's scoping rules
//! (a name assigned anywhere in a function is local to it; inner functions
//! read the enclosing function's variables through shared cells; the rest is
//! global, then builtin) applied once, at compile time.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::ast::*;
use crate::builtins::builtin_index;
use crate::code::*;
use crate::error::PyError;
use crate::lexer::syntax_error;
use crate::parser::not_supported;
use crate::value::Value;

/// A compiled module and the names of its globals (the slot of each).
pub(crate) struct Module {
    /// The module's code (its local slots hold comprehension variables).
    pub code: Rc<Code>,
    /// Global names by slot.
    pub globals: Vec<Rc<str>>,
}

/// Compiles a parsed module; `globals` are global names already given slots.
pub(crate) fn compile_module(
    body: &[Stmt],
    src: &str,
    globals: &[Rc<str>],
) -> Result<Module, PyError> {
    let mut c = Compiler {
        src,
        globals: globals.to_vec(),
        global_index: globals
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i as u32))
            .collect(),
        scopes: Vec::new(),
    };
    let mut captured = HashSet::new();
    children_free(body, &mut captured);
    c.scopes.push(Scope::new(true, captured));
    let stmts = c.block(body)?;
    let scope = c
        .scopes
        .pop()
        .unwrap_or_else(|| Scope::new(true, HashSet::new()));
    let code = Rc::new(scope.into_code("<module>".into(), Vec::new(), Vec::new(), stmts));
    Ok(Module {
        code,
        globals: c.globals,
    })
}

struct Scope {
    module: bool,
    locals: HashMap<String, Var>,
    local_names: Vec<Rc<str>>,
    cell_names: Vec<Rc<str>>,
    captured: HashSet<String>,
    comprehensions: Vec<HashMap<String, Var>>,
    free: Vec<(String, Capture)>,
    loops: u32,
}

impl Scope {
    fn new(module: bool, captured: HashSet<String>) -> Scope {
        Scope {
            module,
            locals: HashMap::new(),
            local_names: Vec::new(),
            cell_names: Vec::new(),
            captured,
            comprehensions: Vec::new(),
            free: Vec::new(),
            loops: 0,
        }
    }

    /// A new variable slot: a cell when an inner function reads `name`.
    fn slot(&mut self, name: &str) -> Var {
        if self.captured.contains(name) {
            self.cell_names.push(name.into());
            Var::Cell(self.cell_names.len() as u32 - 1)
        } else {
            self.local_names.push(name.into());
            Var::Local(self.local_names.len() as u32 - 1)
        }
    }

    fn lookup(&self, name: &str) -> Option<Var> {
        for map in self.comprehensions.iter().rev() {
            if let Some(v) = map.get(name) {
                return Some(*v);
            }
        }
        self.locals.get(name).copied()
    }

    fn into_code(
        self,
        name: Rc<str>,
        params: Vec<Rc<str>>,
        param_cells: Vec<(u32, u32)>,
        body: Vec<St>,
    ) -> Code {
        let quick = crate::quick::recognise(&body, params.len());
        Code {
            name,
            quick,
            params,
            param_cells,
            local_names: self.local_names,
            cell_names: self.cell_names,
            free_names: self.free.iter().map(|(n, _)| n.as_str().into()).collect(),
            body: crate::lower::body(body),
        }
    }
}

struct Compiler<'a> {
    src: &'a str,
    globals: Vec<Rc<str>>,
    global_index: HashMap<String, u32>,
    scopes: Vec<Scope>,
}

impl Compiler<'_> {
    fn scope(&mut self) -> &mut Scope {
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }

    fn error(&self, message: &str, line: u32) -> PyError {
        let text = self.src.lines().nth(line as usize - 1).unwrap_or("");
        let col = text.chars().take_while(|c| c.is_whitespace()).count() as u32;
        syntax_error("SyntaxError", message, self.src, line, col)
    }

    fn global(&mut self, name: &str) -> Var {
        let slot = match self.global_index.get(name) {
            Some(&i) => i,
            None => {
                self.globals.push(name.into());
                let i = self.globals.len() as u32 - 1;
                self.global_index.insert(name.to_string(), i);
                i
            }
        };
        Var::Global(slot, builtin_index(name))
    }

    /// The variable `name` denotes in the current scope.
    fn resolve(&mut self, name: &str) -> Var {
        let top = self.scopes.len() - 1;
        if let Some(v) = self.scopes[top].lookup(name) {
            return v;
        }
        if self.scopes[top].module {
            return self.global(name);
        }
        match self.free_var(top, name) {
            Some(i) => Var::Free(i),
            None => self.global(name),
        }
    }

    /// The closure index of `name` in scope `at`, captured from the enclosing
    /// scopes (through every function in between), or `None` for a global.
    fn free_var(&mut self, at: usize, name: &str) -> Option<u32> {
        if let Some(i) = self.scopes[at].free.iter().position(|(n, _)| n == name) {
            return Some(i as u32);
        }
        let parent = at.checked_sub(1)?;
        let source = match self.scopes[parent].lookup(name) {
            Some(Var::Cell(j)) => Capture::Cell(j),
            // The capture analysis makes every variable an inner function reads a cell.
            Some(_) => return None,
            None if self.scopes[parent].module => return None,
            None => Capture::Free(self.free_var(parent, name)?),
        };
        self.scopes[at].free.push((name.to_string(), source));
        Some(self.scopes[at].free.len() as u32 - 1)
    }

    fn block(&mut self, body: &[Stmt]) -> Result<Vec<St>, PyError> {
        body.iter().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &Stmt) -> Result<St, PyError> {
        let line = s.line;
        let kind = match &s.kind {
            StmtKind::Expr(e) => match &e.kind {
                ExprKind::Const(_) => StK::Pass,
                _ => StK::Expr(self.expr(e)?),
            },
            StmtKind::Assign { targets, value } => {
                let value = self.expr(value)?;
                let targets = targets
                    .iter()
                    .map(|t| self.target(t))
                    .collect::<Result<_, _>>()?;
                StK::Assign(targets, value)
            }
            StmtKind::AugAssign { target, op, value } => {
                let value = self.expr(value)?;
                StK::AugAssign(self.target(target)?, *op, value)
            }
            StmtKind::If { test, body, orelse } => {
                StK::If(self.expr(test)?, self.block(body)?, self.block(orelse)?)
            }
            StmtKind::While { test, body, orelse } => {
                let test = self.expr(test)?;
                self.scope().loops += 1;
                let body = self.block(body);
                self.scope().loops -= 1;
                StK::While(test, body?, self.block(orelse)?)
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let iter = self.expr(iter)?;
                let target = self.target(target)?;
                self.scope().loops += 1;
                let body = self.block(body);
                self.scope().loops -= 1;
                StK::For(target, iter, body?, self.block(orelse)?)
            }
            StmtKind::Def(def) => {
                let function = self.function(def)?;
                let var = self.bind(&def.name);
                StK::Assign(vec![Target::Var(var)], function)
            }
            StmtKind::Return(value) => {
                if self.scope().module {
                    return Err(self.error("'return' outside function", line));
                }
                StK::Return(value.as_ref().map(|v| self.expr(v)).transpose()?)
            }
            StmtKind::Pass => StK::Pass,
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(s.kind, StmtKind::Break);
                if self.scope().loops == 0 {
                    let message = if is_break {
                        "'break' outside loop"
                    } else {
                        "'continue' not properly in loop"
                    };
                    return Err(self.error(message, line));
                }
                if is_break {
                    StK::Break
                } else {
                    StK::Continue
                }
            }
            StmtKind::Import { module, alias } => {
                let bound = alias
                    .clone()
                    .unwrap_or_else(|| module.split('.').next().unwrap_or("").to_string());
                StK::Import {
                    module: module.clone(),
                    top: alias.is_none(),
                    var: self.bind(&bound),
                }
            }
            StmtKind::ImportFrom { module, names } => StK::ImportFrom(
                module.clone(),
                names
                    .iter()
                    .map(|(n, a)| (n.as_str().into(), self.bind(a)))
                    .collect(),
            ),
        };
        Ok(St { kind, line })
    }

    /// The variable an assignment to `name` binds in the current scope.
    fn bind(&mut self, name: &str) -> Var {
        self.resolve(name)
    }

    fn target(&mut self, t: &Expr) -> Result<Target, PyError> {
        Ok(match &t.kind {
            ExprKind::Name(n) => Target::Var(self.bind(n)),
            ExprKind::Attribute(obj, name) => Target::Attr(self.expr(obj)?, name.as_str().into()),
            ExprKind::Subscript(obj, index) => {
                if let ExprKind::Slice(..) = index.kind {
                    return Err(not_supported("slice assignment", self.src, t.line, t.col));
                }
                Target::Subscript(self.expr(obj)?, self.expr(index)?)
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => Target::Unpack(
                items
                    .iter()
                    .map(|i| self.target(i))
                    .collect::<Result<_, _>>()?,
            ),
            _ => {
                return Err(not_supported(
                    "this assignment target",
                    self.src,
                    t.line,
                    t.col,
                ))
            }
        })
    }

    fn function(&mut self, def: &FunctionDef) -> Result<Ex, PyError> {
        let defaults = def
            .defaults
            .iter()
            .map(|d| self.expr(d))
            .collect::<Result<Vec<_>, _>>()?;
        let mut captured = HashSet::new();
        children_free(&def.body, &mut captured);
        let mut scope = Scope::new(false, captured);
        let mut param_cells = Vec::new();
        for p in &def.params {
            scope.local_names.push(p.as_str().into());
            let local = scope.local_names.len() as u32 - 1;
            let var = if scope.captured.contains(p) {
                scope.cell_names.push(p.as_str().into());
                let cell = scope.cell_names.len() as u32 - 1;
                param_cells.push((local, cell));
                Var::Cell(cell)
            } else {
                Var::Local(local)
            };
            scope.locals.insert(p.clone(), var);
        }
        let mut assigned = Vec::new();
        assigned_names(&def.body, &mut assigned);
        for name in assigned {
            if !scope.locals.contains_key(&name) {
                let var = scope.slot(&name);
                scope.locals.insert(name, var);
            }
        }
        self.scopes.push(scope);
        let body = self.block(&def.body);
        let scope = self
            .scopes
            .pop()
            .unwrap_or_else(|| Scope::new(false, HashSet::new()));
        let captures: Vec<Capture> = scope.free.iter().map(|(_, c)| *c).collect();
        let params = def.params.iter().map(|p| p.as_str().into()).collect();
        let code = scope.into_code(def.name.as_str().into(), params, param_cells, body?);
        Ok(Ex {
            kind: ExK::Function(Rc::new(code), defaults, captures),
            line: def.line,
        })
    }

    fn exprs(&mut self, items: &[Expr]) -> Result<Vec<Ex>, PyError> {
        items.iter().map(|e| self.expr(e)).collect()
    }

    fn boxed(&mut self, e: &Expr) -> Result<Box<Ex>, PyError> {
        Ok(Box::new(self.expr(e)?))
    }

    fn args(&mut self, args: &[Arg]) -> Result<Vec<CArg>, PyError> {
        args.iter()
            .map(|a| {
                Ok(match a {
                    Arg::Positional(e) => CArg::Pos(self.expr(e)?),
                    Arg::Star(e) => CArg::Star(self.expr(e)?),
                    Arg::Keyword(n, e) => CArg::Kw(n.as_str().into(), self.expr(e)?),
                })
            })
            .collect()
    }

    fn expr(&mut self, e: &Expr) -> Result<Ex, PyError> {
        let kind = match &e.kind {
            ExprKind::Const(v) => ExK::Const(v.clone()),
            ExprKind::BigInt => ExK::BigInt,
            ExprKind::Name(n) => ExK::Load(self.resolve(n)),
            ExprKind::Tuple(items) => {
                let items = self.exprs(items)?;
                match constants(&items) {
                    Some(values) => ExK::Const(Value::tuple(values)),
                    None => ExK::Tuple(items),
                }
            }
            ExprKind::List(items) => ExK::List(self.exprs(items)?),
            ExprKind::Set(items) => ExK::Set(self.exprs(items)?),
            ExprKind::Dict(pairs) => ExK::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| Ok((self.expr(k)?, self.expr(v)?)))
                    .collect::<Result<_, PyError>>()?,
            ),
            ExprKind::Binary(a, op, b) => ExK::Binary(*op, self.boxed(a)?, self.boxed(b)?),
            ExprKind::Unary(op, a) => {
                let a = self.boxed(a)?;
                match (op, &a.kind) {
                    (UnaryOp::Neg, ExK::Const(Value::Int(i))) if *i != i64::MIN => {
                        ExK::Const(Value::Int(-i))
                    }
                    (UnaryOp::Neg, ExK::Const(Value::Float(f))) => ExK::Const(Value::Float(-f)),
                    (UnaryOp::Neg, _) => ExK::Neg(a),
                    (UnaryOp::Pos, _) => ExK::Pos(a),
                    (UnaryOp::Not, _) => ExK::Not(a),
                    (UnaryOp::Invert, _) => ExK::Invert(a),
                }
            }
            ExprKind::And(a, b) => ExK::And(self.boxed(a)?, self.boxed(b)?),
            ExprKind::Or(a, b) => ExK::Or(self.boxed(a)?, self.boxed(b)?),
            ExprKind::Compare(first, rest) => {
                let first = self.boxed(first)?;
                if let (
                    [(op @ (CmpOp::In | CmpOp::NotIn), container)],
                    ExK::Const(Value::Str(needle)),
                ) = (&rest[..], &first.kind)
                {
                    ExK::InStr(
                        Box::new(StrIn {
                            finder: memchr::memmem::Finder::new(needle.as_bytes()).into_owned(),
                            needle: Value::Str(needle.clone()),
                            negated: *op == CmpOp::NotIn,
                        }),
                        self.boxed(container)?,
                    )
                } else if rest.len() == 1 {
                    ExK::Compare(rest[0].0, first, self.boxed(&rest[0].1)?)
                } else {
                    ExK::Chain(
                        first,
                        rest.iter()
                            .map(|(op, e)| Ok((*op, self.expr(e)?)))
                            .collect::<Result<_, PyError>>()?,
                    )
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                ExK::IfExp(self.boxed(test)?, self.boxed(body)?, self.boxed(orelse)?)
            }
            ExprKind::Lambda(def) => return self.function(def),
            ExprKind::Call(func, args) => match &func.kind {
                ExprKind::Attribute(obj, name) => {
                    ExK::CallMethod(self.boxed(obj)?, name.as_str().into(), self.args(args)?)
                }
                _ if args.iter().all(|a| matches!(a, Arg::Positional(_))) => {
                    let func = self.boxed(func)?;
                    let args = args
                        .iter()
                        .map(|a| match a {
                            Arg::Positional(e) | Arg::Star(e) | Arg::Keyword(_, e) => self.expr(e),
                        })
                        .collect::<Result<_, _>>()?;
                    ExK::Call(func, args)
                }
                _ => ExK::CallArgs(self.boxed(func)?, self.args(args)?),
            },
            ExprKind::Attribute(obj, name) => ExK::Attr(self.boxed(obj)?, name.as_str().into()),
            ExprKind::Subscript(obj, index) => match &index.kind {
                ExprKind::Slice(lower, upper, step) => {
                    let mut bound = |b: &Option<Box<Expr>>| -> Result<Option<Box<Ex>>, PyError> {
                        b.as_ref().map(|b| self.boxed(b)).transpose()
                    };
                    let bounds = [bound(lower)?, bound(upper)?, bound(step)?];
                    ExK::Slice(self.boxed(obj)?, bounds)
                }
                _ => ExK::Subscript(self.boxed(obj)?, self.boxed(index)?),
            },
            ExprKind::Slice(..) => {
                return Err(not_supported(
                    "slices inside tuples",
                    self.src,
                    e.line,
                    e.col,
                ))
            }
            ExprKind::FString(parts) => ExK::FString(self.fparts(parts)?),
            ExprKind::Comprehension(kind, clauses) => {
                ExK::Comp(Box::new(self.comprehension(kind, clauses)?))
            }
        };
        Ok(Ex { kind, line: e.line })
    }

    fn fparts(&mut self, parts: &[FPart]) -> Result<Vec<CFPart>, PyError> {
        parts
            .iter()
            .map(|p| {
                Ok(match p {
                    FPart::Literal(s) => CFPart::Lit(s.as_str().into()),
                    FPart::Field {
                        expr,
                        conversion,
                        spec,
                    } => CFPart::Field(self.expr(expr)?, *conversion, self.fparts(spec)?),
                })
            })
            .collect()
    }

    fn comprehension(
        &mut self,
        kind: &CompKind,
        clauses: &[Comprehension],
    ) -> Result<Comp, PyError> {
        let first_iter = match clauses.first() {
            Some(c) => self.expr(&c.iter)?,
            None => return Err(self.error("invalid syntax", 1)),
        };
        self.scope().comprehensions.push(HashMap::new());
        let result = self.comprehension_body(kind, clauses, first_iter);
        self.scope().comprehensions.pop();
        result
    }

    fn comprehension_body(
        &mut self,
        kind: &CompKind,
        clauses: &[Comprehension],
        first_iter: Ex,
    ) -> Result<Comp, PyError> {
        let mut compiled = Vec::new();
        let mut first_iter = Some(first_iter);
        for clause in clauses {
            let iter = match first_iter.take() {
                Some(i) => i,
                None => self.expr(&clause.iter)?,
            };
            let mut names = Vec::new();
            target_names(&clause.target, &mut names);
            for name in names {
                let var = self.scope().slot(&name);
                if let Some(map) = self.scope().comprehensions.last_mut() {
                    map.insert(name, var);
                }
            }
            let target = self.target(&clause.target)?;
            let ifs = self.exprs(&clause.ifs)?;
            compiled.push(Clause { target, iter, ifs });
        }
        let (kind, element, value) = match kind {
            CompKind::List(e) => (CompK::List, self.expr(e)?, None),
            CompKind::Set(e) => (CompK::Set, self.expr(e)?, None),
            CompKind::Generator(e) => (CompK::Generator, self.expr(e)?, None),
            CompKind::Dict(k, v) => (CompK::Dict, self.expr(k)?, Some(self.expr(v)?)),
        };
        Ok(Comp {
            kind,
            element,
            value,
            clauses: compiled,
        })
    }
}

fn constants(items: &[Ex]) -> Option<Vec<Value>> {
    items
        .iter()
        .map(|e| match &e.kind {
            ExK::Const(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

/// The names a target binds.
fn target_names(t: &Expr, out: &mut Vec<String>) {
    match &t.kind {
        ExprKind::Name(n) if !out.contains(n) => out.push(n.clone()),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            items.iter().for_each(|i| target_names(i, out))
        }
        _ => {}
    }
}

/// The names a function body binds (its locals, parameters aside), not
/// looking into inner functions or comprehensions, which have their own scopes.
fn assigned_names(body: &[Stmt], out: &mut Vec<String>) {
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| target_names(t, out)),
            StmtKind::AugAssign { target, .. } => target_names(target, out),
            StmtKind::For {
                target,
                body,
                orelse,
                ..
            } => {
                target_names(target, out);
                assigned_names(body, out);
                assigned_names(orelse, out);
            }
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                assigned_names(body, out);
                assigned_names(orelse, out);
            }
            StmtKind::Def(def) => {
                if !out.contains(&def.name) {
                    out.push(def.name.clone())
                }
            }
            StmtKind::Import { module, alias } => {
                let name = alias
                    .clone()
                    .unwrap_or_else(|| module.split('.').next().unwrap_or("").to_string());
                if !out.contains(&name) {
                    out.push(name)
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for (_, a) in names {
                    if !out.contains(a) {
                        out.push(a.clone())
                    }
                }
            }
            StmtKind::Expr(_)
            | StmtKind::Return(_)
            | StmtKind::Pass
            | StmtKind::Break
            | StmtKind::Continue => {}
        }
    }
}

/// The names the functions defined directly in `body` (defs and lambdas,
/// also inside comprehensions) read from outside themselves: the variables
/// of `body`'s scope that must live in cells.
fn children_free(body: &[Stmt], out: &mut HashSet<String>) {
    let mut walker = Walker {
        names: &mut HashSet::new(),
        free: out,
    };
    walker.stmts(body);
}

/// The names a function reads or writes from outside itself.
fn function_free(def: &FunctionDef) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut inner = HashSet::new();
    let mut walker = Walker {
        names: &mut names,
        free: &mut inner,
    };
    walker.stmts(&def.body);
    names.extend(inner);
    let mut local = def.params.clone();
    assigned_names(&def.body, &mut local);
    names.retain(|n| !local.contains(n));
    names
}

/// Collects the names used in a scope (`names`) and the free names of the
/// functions defined in it (`free`).
struct Walker<'a> {
    names: &'a mut HashSet<String>,
    free: &'a mut HashSet<String>,
}

impl Walker<'_> {
    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            match &s.kind {
                StmtKind::Expr(e) | StmtKind::Return(Some(e)) => self.expr(e),
                StmtKind::Assign { targets, value } => {
                    targets.iter().for_each(|t| self.expr(t));
                    self.expr(value);
                }
                StmtKind::AugAssign { target, value, .. } => {
                    self.expr(target);
                    self.expr(value);
                }
                StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                    self.expr(test);
                    self.stmts(body);
                    self.stmts(orelse);
                }
                StmtKind::For {
                    target,
                    iter,
                    body,
                    orelse,
                } => {
                    self.expr(target);
                    self.expr(iter);
                    self.stmts(body);
                    self.stmts(orelse);
                }
                StmtKind::Def(def) => self.function(def),
                StmtKind::Return(None)
                | StmtKind::Pass
                | StmtKind::Break
                | StmtKind::Continue
                | StmtKind::Import { .. }
                | StmtKind::ImportFrom { .. } => {}
            }
        }
    }

    fn function(&mut self, def: &FunctionDef) {
        def.defaults.iter().for_each(|d| self.expr(d));
        self.free.extend(function_free(def));
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Const(_) | ExprKind::BigInt => {}
            ExprKind::Name(n) => {
                self.names.insert(n.clone());
            }
            ExprKind::Tuple(items) | ExprKind::List(items) | ExprKind::Set(items) => {
                items.iter().for_each(|i| self.expr(i))
            }
            ExprKind::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
                self.expr(k);
                self.expr(v);
            }),
            ExprKind::Binary(a, _, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Subscript(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Unary(_, a) | ExprKind::Attribute(a, _) => self.expr(a),
            ExprKind::Compare(a, rest) => {
                self.expr(a);
                rest.iter().for_each(|(_, e)| self.expr(e));
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test);
                self.expr(body);
                self.expr(orelse);
            }
            ExprKind::Lambda(def) => self.function(def),
            ExprKind::Call(f, args) => {
                self.expr(f);
                for a in args {
                    match a {
                        Arg::Positional(e) | Arg::Star(e) | Arg::Keyword(_, e) => self.expr(e),
                    }
                }
            }
            ExprKind::Slice(a, b, c) => {
                [a, b, c].into_iter().flatten().for_each(|e| self.expr(e));
            }
            ExprKind::FString(parts) => self.fparts(parts),
            ExprKind::Comprehension(kind, clauses) => {
                match kind {
                    CompKind::List(e) | CompKind::Set(e) | CompKind::Generator(e) => self.expr(e),
                    CompKind::Dict(k, v) => {
                        self.expr(k);
                        self.expr(v);
                    }
                }
                for c in clauses {
                    self.expr(&c.target);
                    self.expr(&c.iter);
                    c.ifs.iter().for_each(|i| self.expr(i));
                }
            }
        }
    }

    fn fparts(&mut self, parts: &[FPart]) {
        for p in parts {
            if let FPart::Field { expr, spec, .. } = p {
                self.expr(expr);
                self.fparts(spec);
            }
        }
    }
}
