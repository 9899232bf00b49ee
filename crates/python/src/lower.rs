//! Turns a compiled body (`code.rs`'s tree) into closures, once, when the
//! function is compiled: a call then runs them straight, with no `match`
//! over node kinds per record. The shapes a record's functions are made of
//! get closures of their own: a local or a constant, `x + y` and `n - 1` on
//! locals, the pair `(x, 1)`, `"[info]" in line` (a prepared substring
//! search over the local string, in place), `x = "info"`, an `if "lit" in
//! x: t = "const"` / `elif` / `else` chain (one closure), `return x`.
//!
//! Every closure that fails records its line in the frame unless an inner
//! one already did ([`at`]), so tracebacks show the innermost failing line.

use std::cell::RefCell;
use std::rc::Rc;

use dstream_engine::first_literal::FirstLiteral;
use dstream_engine::python::PyRepr;
use dstream_engine::{Line, LineScan};

use crate::ast::CmpOp;
use crate::code::*;
use crate::dunder;
use crate::error::PyError;
use crate::eval::{as_function, at, no_attribute, no_setattr, Flow, Frame, Interp, E};
use crate::native::Args;
use crate::number::{self, ArithOp};
use crate::ops;
use crate::value::{Dict, Value};

/// A compiled piece of code run in a frame: what it yields, or the error.
type Run<T> = Box<dyn Fn(&Interp, &mut Frame<'_>) -> E<T>>;
/// An expression: its value.
pub(crate) type ExFn = Run<Value>;
/// An expression in a test (`if`, `while`, `not`, a comprehension's `if`): its truth.
type TestFn = Run<bool>;
/// A statement (or a block of them): where it ended.
type StFn = Run<Flow>;
/// An assignment target: stores the value.
type StoreFn = Box<dyn Fn(&Interp, &mut Frame<'_>, Value) -> E<()>>;

/// A function's (or the module's) body: its return value.
pub(crate) fn body(mut stmts: Vec<St>) -> ExFn {
    // The last statement's `return value` (a lambda's whole body) needs no `Flow`.
    let last = match stmts.last() {
        Some(St {
            kind: StK::Return(Some(_)),
            ..
        }) => stmts.pop().map(|s| s.kind),
        _ => None,
    };
    // `return x`, the frame's last act: the local's value moves out of its slot.
    if let Some(StK::Return(Some(Ex {
        kind: ExK::Load(Var::Local(i)),
        line,
    }))) = last
    {
        let (i, block) = (i as usize, block(stmts));
        return Box::new(move |it, f| match block(it, f)? {
            Flow::Next => match f.locals[i].take() {
                Some(v) => Ok(v),
                None => Err(at(f, line, Box::new(it.unbound(Var::Local(i as u32), f)))),
            },
            Flow::Return(v) => Ok(v),
            Flow::Break | Flow::Continue => Ok(Value::None),
        });
    }
    let value = match last {
        Some(StK::Return(Some(e))) => expr(e),
        _ => Box::new(|_: &Interp, _: &mut Frame<'_>| Ok(Value::None)),
    };
    if stmts.is_empty() {
        return value;
    }
    let block = block(stmts);
    Box::new(move |it, f| match block(it, f)? {
        Flow::Next => value(it, f),
        Flow::Return(v) => Ok(v),
        Flow::Break | Flow::Continue => Ok(Value::None),
    })
}

/// A closure whose own failures record `line`.
fn at_line<T: 'static>(line: u32, g: impl Fn(&Interp, &mut Frame<'_>) -> E<T> + 'static) -> Run<T> {
    Box::new(move |it, f| g(it, f).map_err(|e| at(f, line, e)))
}

/// The value of the local slot `i`, or `UnboundLocalError`.
#[inline]
fn local<'f>(it: &Interp, f: &'f Frame<'_>, i: usize) -> E<&'f Value> {
    match &f.locals[i] {
        Some(v) => Ok(v),
        None => Err(Box::new(it.unbound(Var::Local(i as u32), f))),
    }
}

/// The local slot an expression reads, if it is a plain local.
fn local_slot(e: &Ex) -> Option<usize> {
    match e.kind {
        ExK::Load(Var::Local(i)) => Some(i as usize),
        _ => None,
    }
}

fn exprs(items: Vec<Ex>) -> Vec<ExFn> {
    items.into_iter().map(expr).collect()
}

fn eval_all(items: &[ExFn], it: &Interp, f: &mut Frame<'_>) -> E<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        out.push(i(it, f)?);
    }
    Ok(out)
}

/// An expression's closure.
pub(crate) fn expr(e: Ex) -> ExFn {
    let line = e.line;
    match e.kind {
        ExK::Const(v) => Box::new(move |_, _| Ok(v.clone())),
        ExK::BigInt => at_line(line, |_, _| Err(number::int_overflow().into())),
        ExK::Load(Var::Local(i)) => {
            at_line(line, move |it, f| Ok(local(it, f, i as usize)?.clone()))
        }
        ExK::Load(var) => at_line(line, move |it, f| it.load(var, f)),
        ExK::Tuple(items) => tuple(line, items),
        ExK::List(items) => {
            let items = exprs(items);
            at_line(line, move |it, f| Ok(Value::list(eval_all(&items, it, f)?)))
        }
        ExK::Set(items) => {
            let items = exprs(items);
            at_line(line, move |it, f| {
                let mut set = Dict::with_capacity(items.len());
                for i in &items {
                    set.insert(ops::hashable(i(it, f)?)?, Value::None);
                }
                Ok(Value::Set(Rc::new(RefCell::new(set))))
            })
        }
        ExK::Dict(pairs) => {
            let pairs: Vec<(ExFn, ExFn)> =
                pairs.into_iter().map(|(k, v)| (expr(k), expr(v))).collect();
            at_line(line, move |it, f| {
                let mut d = Dict::with_capacity(pairs.len());
                for (k, v) in &pairs {
                    let k = ops::hashable(k(it, f)?)?;
                    let v = v(it, f)?;
                    d.insert(k, v);
                }
                Ok(Value::Dict(Rc::new(RefCell::new(d))))
            })
        }
        ExK::Binary(op, a, b) => binary(line, op, *a, *b),
        ExK::Neg(a) => unary(line, *a, "__neg__", ops::negate),
        ExK::Pos(a) => unary(line, *a, "__pos__", ops::positive),
        ExK::Invert(a) => unary(line, *a, "__invert__", ops::invert),
        ExK::Not(a) => {
            let a = test(*a);
            at_line(line, move |it, f| Ok(Value::Bool(!a(it, f)?)))
        }
        ExK::And(a, b) => {
            let (a, b) = (expr(*a), expr(*b));
            at_line(line, move |it, f| {
                let a = a(it, f)?;
                if !ops::truth(&a)? {
                    return Ok(a);
                }
                b(it, f)
            })
        }
        ExK::Or(a, b) => {
            let (a, b) = (expr(*a), expr(*b));
            at_line(line, move |it, f| {
                let a = a(it, f)?;
                if ops::truth(&a)? {
                    return Ok(a);
                }
                b(it, f)
            })
        }
        ExK::Compare(op, a, b) => {
            let (a, b) = (expr(*a), expr(*b));
            at_line(line, move |it, f| {
                let a = a(it, f)?;
                let b = b(it, f)?;
                compare(it, op, &a, &b)
            })
        }
        kind @ ExK::InStr(..) => {
            let t = test(Ex { kind, line });
            Box::new(move |it, f| Ok(Value::Bool(t(it, f)?)))
        }
        ExK::Chain(first, rest) => {
            let first = expr(*first);
            let rest: Vec<_> = rest.into_iter().map(|(op, e)| (op, expr(e))).collect();
            at_line(line, move |it, f| {
                // `a < b < c` is `a < b and b < c`, with `b` evaluated once.
                let mut left = first(it, f)?;
                let mut result = Value::Bool(true);
                for (op, e) in &rest {
                    let right = e(it, f)?;
                    result = compare(it, *op, &left, &right)?;
                    if !ops::truth(&result)? {
                        return Ok(result);
                    }
                    left = right;
                }
                Ok(result)
            })
        }
        ExK::IfExp(t, body, orelse) => {
            let (t, body, orelse) = (test(*t), expr(*body), expr(*orelse));
            at_line(line, move |it, f| {
                if t(it, f)? {
                    body(it, f)
                } else {
                    orelse(it, f)
                }
            })
        }
        ExK::Function(code, defaults, captures) => {
            let defaults = exprs(defaults);
            at_line(line, move |it, f| {
                let defaults = eval_all(&defaults, it, f)?;
                Ok(it.make_function(&code, defaults, &captures, f))
            })
        }
        ExK::Call(func, args) => call(line, *func, args),
        ExK::CallArgs(func, args) => {
            let (func, args) = (expr(*func), call_args(args));
            at_line(line, move |it, f| {
                let func = func(it, f)?;
                let args = eval_args(&args, it, f)?;
                it.line.set(line);
                Ok(it.call_value(&func, args)?)
            })
        }
        ExK::CallMethod(obj, name, args) => {
            let (obj, args) = (expr(*obj), call_args(args));
            at_line(line, move |it, f| {
                let obj = obj(it, f)?;
                let args = eval_args(&args, it, f)?;
                it.line.set(line);
                if let Value::Native(n) = &obj {
                    let method = n
                        .clone()
                        .get_attr(&name)
                        .ok_or_else(|| no_attribute(&obj, &name))?;
                    return Ok(it.call_value(&method, args)?);
                }
                Ok(crate::methods::call_method(it, &obj, &name, args)?)
            })
        }
        ExK::Attr(obj, name) => {
            let obj = expr(*obj);
            at_line(line, move |it, f| Ok(it.getattr(&obj(it, f)?, &name)?))
        }
        ExK::Subscript(obj, index) => {
            let (obj, index) = (expr(*obj), expr(*index));
            at_line(line, move |it, f| {
                let obj = obj(it, f)?;
                let index = index(it, f)?;
                Ok(ops::getitem(&obj, &index)?)
            })
        }
        ExK::Slice(obj, bounds) => {
            let obj = expr(*obj);
            let bounds = bounds.map(|b| b.map(|b| expr(*b)));
            at_line(line, move |it, f| {
                let obj = obj(it, f)?;
                let mut b = [Value::None, Value::None, Value::None];
                for (slot, e) in b.iter_mut().zip(&bounds) {
                    if let Some(e) = e {
                        *slot = e(it, f)?;
                    }
                }
                Ok(ops::slice(&obj, &b[0], &b[1], &b[2])?)
            })
        }
        ExK::FString(parts) => {
            let parts = fparts(parts);
            at_line(line, move |it, f| Ok(Value::str(&fstring(&parts, it, f)?)))
        }
        ExK::Comp(comp) => {
            let comp = comprehension(*comp);
            at_line(line, move |it, f| {
                let mut out = CompOut::new(comp.kind);
                clauses(&comp, 0, &mut out, it, f)?;
                Ok(out.finish())
            })
        }
    }
}

/// `(a, b)`, a pair (a key and its count) in one allocation; `(x, 1)` reads
/// its local and its constant in place.
fn tuple(line: u32, items: Vec<Ex>) -> ExFn {
    let [a, b]: [Ex; 2] = match items.try_into() {
        Ok(pair) => pair,
        Err(items) => {
            let items = exprs(items);
            return at_line(line, move |it, f| {
                Ok(Value::tuple(eval_all(&items, it, f)?))
            });
        }
    };
    if let (Some(i), ExK::Const(c)) = (local_slot(&a), &b.kind) {
        let c = c.clone();
        return at_line(line, move |it, f| {
            Ok(Value::Tuple(Rc::from([
                local(it, f, i)?.clone(),
                c.clone(),
            ])))
        });
    }
    let (a, b) = (expr(a), expr(b));
    at_line(line, move |it, f| {
        let a = a(it, f)?;
        let b = b(it, f)?;
        Ok(Value::Tuple(Rc::from([a, b])))
    })
}

/// `a op b`: on two locals (`x + y`) or a local and a constant (`n - 1`),
/// the operands are read where they lie, without a copy, and two ints are
/// added, subtracted or multiplied inline.
fn binary(line: u32, op: ArithOp, a: Ex, b: Ex) -> ExFn {
    match op {
        ArithOp::Add => binary_with(line, op, a, b, i64::checked_add),
        ArithOp::Sub => binary_with(line, op, a, b, i64::checked_sub),
        ArithOp::Mul => binary_with(line, op, a, b, i64::checked_mul),
        _ => binary_with(line, op, a, b, |_, _| None),
    }
}

/// [`binary`] with `ints`, `op` on two ints (`None`: not inline, as on
/// overflow, where `ops::binary` raises Python's error).
fn binary_with(
    line: u32,
    op: ArithOp,
    a: Ex,
    b: Ex,
    ints: impl Fn(i64, i64) -> Option<i64> + Copy + 'static,
) -> ExFn {
    let apply = move |it: &Interp, a: &Value, b: &Value| -> E<Value> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            if let Some(r) = ints(*x, *y) {
                return Ok(Value::Int(r));
            }
        }
        binary_value(it, op, a, b)
    };
    match (local_slot(&a), local_slot(&b), &b.kind) {
        (Some(i), Some(j), _) => at_line(line, move |it, f| {
            apply(it, local(it, f, i)?, local(it, f, j)?)
        }),
        (Some(i), None, ExK::Const(c)) => {
            let c = c.clone();
            at_line(line, move |it, f| apply(it, local(it, f, i)?, &c))
        }
        _ => {
            let (a, b) = (expr(a), expr(b));
            at_line(line, move |it, f| {
                let a = a(it, f)?;
                let b = b(it, f)?;
                apply(it, &a, &b)
            })
        }
    }
}

/// `a op b`: a native operand's method (`__add__`, `__radd__`), else Python's own operator.
fn binary_value(it: &Interp, op: ArithOp, a: &Value, b: &Value) -> E<Value> {
    if dunder::involved(a, b) {
        if let Some(r) = dunder::binary(it, op, a, b) {
            return Ok(r?);
        }
    }
    Ok(ops::binary(op, a, b)?)
}

/// `a op b` for a comparison, as a value: a native operand's method decides
/// (PySpark's `col("n") > 3` is a `Column`), else Python's own comparison.
fn compare(it: &Interp, op: CmpOp, a: &Value, b: &Value) -> E<Value> {
    if dunder::involved(a, b) {
        if let Some(r) = dunder::compare(it, op, a, b) {
            return Ok(r?);
        }
    }
    Ok(Value::Bool(ops::compare(op, a, b)?))
}

/// `bool(a op b)`: without a `bool` value unless a native operand decides.
#[inline]
fn test_compare(it: &Interp, op: CmpOp, a: &Value, b: &Value) -> E<bool> {
    if dunder::involved(a, b) {
        return Ok(ops::truth(&compare(it, op, a, b)?)?);
    }
    Ok(ops::compare(op, a, b)?)
}

/// `-a`, `+a` or `~a`: the native operand's `name` method, else `own`.
fn unary(line: u32, a: Ex, name: &'static str, own: fn(&Value) -> Result<Value, PyError>) -> ExFn {
    let a = expr(a);
    at_line(line, move |it, f| {
        let a = a(it, f)?;
        if let Some(r) = dunder::unary(it, name, &a) {
            return Ok(r?);
        }
        Ok(own(&a)?)
    })
}

/// `bool(e)` without building a `bool` value for the tests that compute one.
fn test(e: Ex) -> TestFn {
    let line = e.line;
    match e.kind {
        ExK::InStr(search, container) => str_in(line, *search, *container),
        ExK::Compare(op, a, b) => match (local_slot(&a), &b.kind) {
            (Some(i), ExK::Const(c)) => {
                let c = c.clone();
                at_line(line, move |it, f| {
                    test_compare(it, op, local(it, f, i)?, &c)
                })
            }
            _ => {
                let (a, b) = (expr(*a), expr(*b));
                at_line(line, move |it, f| {
                    let a = a(it, f)?;
                    let b = b(it, f)?;
                    test_compare(it, op, &a, &b)
                })
            }
        },
        ExK::Not(a) => {
            let a = test(*a);
            Box::new(move |it, f| Ok(!a(it, f)?))
        }
        kind => {
            let e = expr(Ex { kind, line });
            Box::new(move |it, f| Ok(ops::truth(&e(it, f)?)?))
        }
    }
}

/// `"literal" in container` (or `not in`): a local string is searched where
/// it lies, without a reference count.
fn str_in(line: u32, search: StrIn, container: Ex) -> TestFn {
    match local_slot(&container) {
        Some(i) => at_line(line, move |it, f| found(&search, local(it, f, i)?)),
        None => {
            let container = expr(container);
            at_line(line, move |it, f| found(&search, &container(it, f)?))
        }
    }
}

/// Whether `search` holds for `container`: its prepared search over a
/// string, Python's `in` over anything else.
#[inline]
fn found(search: &StrIn, container: &Value) -> E<bool> {
    let found = match container {
        Value::Str(s) => return Ok(search.in_str(s)),
        other => ops::contains(other, &search.needle)?,
    };
    Ok(found != search.negated)
}

/// One arm of an `if "lit" in x: y = "const"` / `elif ...` chain.
pub(crate) struct StrArm {
    pub search: StrIn,
    /// The local searched.
    pub container: usize,
    /// The test's line.
    line: u32,
    /// The local assigned and its constant.
    pub target: usize,
    pub value: Value,
}

/// A recognised [`str_chain`]: its arms, then the `else` assignment, if any.
pub(crate) struct StrChain {
    pub arms: Vec<StrArm>,
    pub otherwise: Option<(usize, Value)>,
    /// The arms' literals when one pass over a string tries them all (a line of a batch may hold what an
    /// equal chain found in it: [`LineScan`]).
    one_pass: Option<LineScan>,
}

/// The literals of a chain whose arms all test `"lit" in` one local, each
/// literal starting with the same byte (the notebook's `"[info]"`,
/// `"[notice]"`, `"[error]"`), prepared for one pass over the string.
fn one_pass(arms: &[StrArm]) -> Option<LineScan> {
    let container = arms.first()?.container;
    let mut literals = Vec::with_capacity(arms.len());
    for arm in arms {
        let Value::Str(lit) = &arm.search.needle else {
            return None;
        };
        if arm.search.negated || arm.container != container {
            return None;
        }
        literals.push(lit.as_bytes());
    }
    FirstLiteral::new(literals).map(LineScan::new)
}

impl StrChain {
    /// The first arm whose test holds for the string `s`, when every arm
    /// searches that one string (the caller checks the locals).
    #[inline]
    pub fn first_arm(&self, s: &str) -> Option<&StrArm> {
        match &self.one_pass {
            Some(scan) => scan.first_found(s.as_bytes()).map(|i| &self.arms[i]),
            None => self.arms.iter().find(|arm| arm.search.in_str(s)),
        }
    }

    /// [`StrChain::first_arm`] for a line of a batch, which may hold what an equal chain found in it.
    #[inline]
    pub fn first_arm_of_line(&self, line: &Line) -> Option<&StrArm> {
        match &self.one_pass {
            Some(scan) => scan.in_line(line).map(|i| &self.arms[i]),
            None => self.first_arm(line),
        }
    }

    /// The local every arm searches, if they all search one.
    pub fn one_container(&self) -> Option<usize> {
        let c = self.arms.first()?.container;
        self.arms.iter().all(|a| a.container == c).then_some(c)
    }
}

/// `if "[info]" in line: t = "info"` / `elif ...:` / `else: t = "unknown"`
/// (the notebook's `get_message_type`) as one closure: its arms as data,
/// tried in turn; `None` when the chain has another shape.
pub(crate) fn str_chain(test: &Ex, body: &[St], orelse: &[St]) -> Option<StrChain> {
    // `x = constant` into a local.
    fn assigned(body: &[St]) -> Option<(usize, Value)> {
        match body {
            [St {
                kind:
                    StK::Assign(
                        targets,
                        Ex {
                            kind: ExK::Const(c),
                            ..
                        },
                    ),
                ..
            }] => match targets[..] {
                [Target::Var(Var::Local(t))] => Some((t as usize, c.clone())),
                _ => None,
            },
            _ => None,
        }
    }
    let (mut test, mut body, mut orelse) = (test, body, orelse);
    let mut arms = Vec::new();
    loop {
        let ExK::InStr(search, container) = &test.kind else {
            return None;
        };
        let (target, value) = assigned(body)?;
        arms.push(StrArm {
            search: StrIn {
                needle: search.needle.clone(),
                finder: search.finder.clone(),
                negated: search.negated,
            },
            container: local_slot(container)?,
            line: test.line,
            target,
            value,
        });
        match orelse {
            [] => {
                return Some(StrChain {
                    one_pass: one_pass(&arms),
                    arms,
                    otherwise: None,
                })
            }
            [St {
                kind: StK::If(t, b, o),
                ..
            }] => (test, body, orelse) = (t, b, o),
            last => {
                return Some(StrChain {
                    one_pass: one_pass(&arms),
                    arms,
                    otherwise: Some(assigned(last)?),
                })
            }
        }
    }
}

/// The closure of a chain [`str_chain`] recognised.
fn str_chain_fn(
    line: u32,
    StrChain {
        arms, otherwise, ..
    }: StrChain,
) -> StFn {
    at_line(line, move |it, f| {
        for arm in &arms {
            let hit = match local(it, f, arm.container) {
                Ok(c) => found(&arm.search, c),
                Err(e) => Err(e),
            };
            match hit {
                Ok(true) => {
                    f.locals[arm.target] = Some(arm.value.clone());
                    return Ok(Flow::Next);
                }
                Ok(false) => {}
                Err(e) => return Err(at(f, arm.line, e)),
            }
        }
        if let Some((target, value)) = &otherwise {
            f.locals[*target] = Some(value.clone());
        }
        Ok(Flow::Next)
    })
}

/// `func(a, b)`: a Python function's slots are filled straight from the arguments.
fn call(line: u32, func: Ex, args: Vec<Ex>) -> ExFn {
    let func = expr(func);
    let args = exprs(args);
    at_line(line, move |it, f| {
        let func = func(it, f)?;
        if let Some(function) = as_function(&func) {
            if function.code.params.len() == args.len() {
                return it.run(function, |locals| {
                    for (slot, a) in locals.iter_mut().zip(&args) {
                        *slot = Some(a(it, f)?);
                    }
                    it.line.set(line);
                    Ok(())
                });
            }
        }
        let args = Args::positional(eval_all(&args, it, f)?);
        it.line.set(line);
        Ok(it.call_value(&func, args)?)
    })
}

/// A compiled argument.
enum ArgFn {
    Pos(ExFn),
    Star(ExFn),
    Kw(Rc<str>, ExFn),
}

fn call_args(args: Vec<CArg>) -> Vec<ArgFn> {
    args.into_iter()
        .map(|a| match a {
            CArg::Pos(e) => ArgFn::Pos(expr(e)),
            CArg::Star(e) => ArgFn::Star(expr(e)),
            CArg::Kw(name, e) => ArgFn::Kw(name, expr(e)),
        })
        .collect()
}

fn eval_args(args: &[ArgFn], it: &Interp, f: &mut Frame<'_>) -> E<Args> {
    let mut out = Args::default();
    for a in args {
        match a {
            ArgFn::Pos(e) => out.positional.push(e(it, f)?),
            ArgFn::Star(e) => {
                let v = e(it, f)?;
                let mut items = ops::iterate(&v).map_err(|_| {
                    crate::error::PyError::type_error(format!(
                        "Value after * must be an iterable, not {}",
                        v.type_name()
                    ))
                })?;
                while let Some(item) = items.next_item() {
                    out.positional.push(item);
                }
            }
            ArgFn::Kw(name, e) => {
                let v = e(it, f)?;
                out.keyword.push((name.clone(), v));
            }
        }
    }
    Ok(out)
}

/// A compiled f-string part.
enum FPartFn {
    Lit(Rc<str>),
    Field(ExFn, Option<char>, Vec<FPartFn>),
}

fn fparts(parts: Vec<CFPart>) -> Vec<FPartFn> {
    parts
        .into_iter()
        .map(|p| match p {
            CFPart::Lit(s) => FPartFn::Lit(s),
            CFPart::Field(e, conversion, spec) => FPartFn::Field(expr(e), conversion, fparts(spec)),
        })
        .collect()
}

fn fstring(parts: &[FPartFn], it: &Interp, f: &mut Frame<'_>) -> E<String> {
    let mut out = String::new();
    for p in parts {
        match p {
            FPartFn::Lit(s) => out.push_str(s),
            FPartFn::Field(e, conversion, spec) => {
                let v = e(it, f)?;
                let v = match conversion {
                    Some('r') | Some('a') => Value::str(&v.repr_string()),
                    Some(_) => Value::str(&ops::to_str(&v)),
                    None => v,
                };
                if spec.is_empty() {
                    v.py_str(&mut out);
                } else {
                    let spec = fstring(spec, it, f)?;
                    out.push_str(&crate::format::format_value(&v, &spec)?);
                }
            }
        }
    }
    Ok(out)
}

/// A compiled comprehension.
struct CompFn {
    kind: CompK,
    element: ExFn,
    value: Option<ExFn>,
    clauses: Vec<ClauseFn>,
}

/// A compiled `for target in iter if ...` clause.
struct ClauseFn {
    target: StoreFn,
    iter: ExFn,
    ifs: Vec<TestFn>,
}

fn comprehension(comp: Comp) -> CompFn {
    CompFn {
        kind: comp.kind,
        element: expr(comp.element),
        value: comp.value.map(expr),
        clauses: comp
            .clauses
            .into_iter()
            .map(|c| ClauseFn {
                target: target(c.target),
                iter: expr(c.iter),
                ifs: c.ifs.into_iter().map(test).collect(),
            })
            .collect(),
    }
}

fn clauses(comp: &CompFn, at: usize, out: &mut CompOut, it: &Interp, f: &mut Frame<'_>) -> E<()> {
    let Some(clause) = comp.clauses.get(at) else {
        let element = (comp.element)(it, f)?;
        return match &comp.value {
            Some(v) => {
                let value = v(it, f)?;
                out.push(element, Some(value))
            }
            None => out.push(element, None),
        };
    };
    let iterable = (clause.iter)(it, f)?;
    let mut items = ops::iterate(&iterable)?;
    'items: while let Some(item) = items.next_item() {
        (clause.target)(it, f, item)?;
        for cond in &clause.ifs {
            if !cond(it, f)? {
                continue 'items;
            }
        }
        clauses(comp, at + 1, out, it, f)?;
    }
    Ok(())
}

/// What a comprehension is building.
enum CompOut {
    Items(CompK, Vec<Value>),
    Map(CompK, Dict),
}

impl CompOut {
    fn new(kind: CompK) -> CompOut {
        match kind {
            CompK::List | CompK::Generator => CompOut::Items(kind, Vec::new()),
            CompK::Set | CompK::Dict => CompOut::Map(kind, Dict::new()),
        }
    }

    fn push(&mut self, element: Value, value: Option<Value>) -> E<()> {
        match self {
            CompOut::Items(_, items) => items.push(element),
            CompOut::Map(_, map) => {
                map.insert(ops::hashable(element)?, value.unwrap_or(Value::None));
            }
        }
        Ok(())
    }

    fn finish(self) -> Value {
        match self {
            CompOut::Items(CompK::Generator, items) => {
                crate::builtins::iterator_value("generator", items)
            }
            CompOut::Items(_, items) => Value::list(items),
            CompOut::Map(CompK::Dict, map) => Value::Dict(Rc::new(RefCell::new(map))),
            CompOut::Map(_, map) => Value::Set(Rc::new(RefCell::new(map))),
        }
    }
}

// ----- statements -----

/// A block's closure: one statement's own, or each in turn until one does
/// not end in `Flow::Next`.
fn block(stmts: Vec<St>) -> StFn {
    let mut stmts: Vec<StFn> = stmts.into_iter().map(stmt).collect();
    match stmts.len() {
        0 => Box::new(|_, _| Ok(Flow::Next)),
        1 => stmts.remove(0),
        _ => Box::new(move |it, f| {
            for s in &stmts {
                match s(it, f)? {
                    Flow::Next => {}
                    flow => return Ok(flow),
                }
            }
            Ok(Flow::Next)
        }),
    }
}

fn stmt(s: St) -> StFn {
    let line = s.line;
    match s.kind {
        StK::Expr(e) => {
            let e = expr(e);
            at_line(line, move |it, f| {
                e(it, f)?;
                Ok(Flow::Next)
            })
        }
        StK::Assign(targets, value) => assign(line, targets, value),
        StK::AugAssign(target, op, value) => aug_assign(line, target, op, value),
        StK::If(t, body, orelse) => {
            if let Some(chain) = str_chain(&t, &body, &orelse) {
                return str_chain_fn(line, chain);
            }
            let (t, body, orelse) = (test(t), block(body), block(orelse));
            at_line(line, move |it, f| {
                if t(it, f)? {
                    body(it, f)
                } else {
                    orelse(it, f)
                }
            })
        }
        StK::While(t, body, orelse) => {
            let (t, body, orelse) = (test(t), block(body), block(orelse));
            at_line(line, move |it, f| {
                while t(it, f)? {
                    match body(it, f)? {
                        Flow::Break => return Ok(Flow::Next),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Next | Flow::Continue => {}
                    }
                }
                orelse(it, f)
            })
        }
        StK::For(t, iter, body, orelse) => {
            let (t, iter, body, orelse) = (target(t), expr(iter), block(body), block(orelse));
            at_line(line, move |it, f| {
                let iterable = iter(it, f)?;
                let mut items = ops::iterate(&iterable)?;
                while let Some(item) = items.next_item() {
                    t(it, f, item)?;
                    match body(it, f)? {
                        Flow::Break => return Ok(Flow::Next),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Next | Flow::Continue => {}
                    }
                }
                orelse(it, f)
            })
        }
        StK::Return(value) => {
            let value = match value {
                Some(e) => expr(e),
                None => Box::new(|_: &Interp, _: &mut Frame<'_>| Ok(Value::None)),
            };
            at_line(line, move |it, f| Ok(Flow::Return(value(it, f)?)))
        }
        StK::Pass => Box::new(|_, _| Ok(Flow::Next)),
        StK::Break => Box::new(|_, _| Ok(Flow::Break)),
        StK::Continue => Box::new(|_, _| Ok(Flow::Continue)),
        StK::Import { module, top, var } => at_line(line, move |it, f| {
            it.import(&module, top, var, f)?;
            Ok(Flow::Next)
        }),
        StK::ImportFrom(module, names) => at_line(line, move |it, f| {
            it.import_from(&module, &names, f)?;
            Ok(Flow::Next)
        }),
    }
}

/// `targets = value`: a constant or a value into one local, in place.
fn assign(line: u32, mut targets: Vec<Target>, value: Ex) -> StFn {
    if let [Target::Var(Var::Local(i))] = targets[..] {
        let i = i as usize;
        if let ExK::Const(c) = value.kind {
            return Box::new(move |_, f| {
                f.locals[i] = Some(c.clone());
                Ok(Flow::Next)
            });
        }
        let value = expr(value);
        return at_line(line, move |it, f| {
            f.locals[i] = Some(value(it, f)?);
            Ok(Flow::Next)
        });
    }
    let value = expr(value);
    if targets.len() == 1 {
        if let Some(t) = targets.pop().map(target) {
            return at_line(line, move |it, f| {
                let v = value(it, f)?;
                t(it, f, v)?;
                Ok(Flow::Next)
            });
        }
    }
    let targets: Vec<StoreFn> = targets.into_iter().map(target).collect();
    at_line(line, move |it, f| {
        let v = value(it, f)?;
        for t in &targets {
            t(it, f, v.clone())?;
        }
        Ok(Flow::Next)
    })
}

/// `a op= b`: a list's own `+=` (which extends it with any iterable), else
/// a native operand's `__op__` / `__rop__` (the lab's natives have no
/// `__iop__`), else Python's own operator.
fn inplace(it: &Interp, op: ArithOp, a: Value, b: &Value) -> E<Value> {
    let list_extend = matches!((op, &a), (ArithOp::Add, Value::List(_)));
    if dunder::involved(&a, b) && !list_extend {
        if let Some(r) = dunder::binary(it, op, &a, b) {
            return Ok(r?);
        }
    }
    Ok(ops::inplace(op, a, b)?)
}

/// `target op= value`.
fn aug_assign(line: u32, target: Target, op: ArithOp, value: Ex) -> StFn {
    let value = expr(value);
    match target {
        Target::Var(var) => at_line(line, move |it, f| {
            let current = it.load(var, f)?;
            let rhs = value(it, f)?;
            let new = inplace(it, op, current, &rhs)?;
            it.store(var, new, f);
            Ok(Flow::Next)
        }),
        Target::Subscript(obj, index) => {
            let (obj, index) = (expr(obj), expr(index));
            at_line(line, move |it, f| {
                let obj = obj(it, f)?;
                let index = index(it, f)?;
                let current = ops::getitem(&obj, &index)?;
                let rhs = value(it, f)?;
                let new = inplace(it, op, current, &rhs)?;
                ops::setitem(&obj, index, new)?;
                Ok(Flow::Next)
            })
        }
        Target::Attr(obj, name) => {
            let obj = expr(obj);
            at_line(line, move |it, f| {
                let obj = obj(it, f)?;
                it.getattr(&obj, &name)?;
                Err(no_setattr(&obj, &name).into())
            })
        }
        Target::Unpack(_) => at_line(line, |_, _| {
            Err(Box::new(crate::error::PyError::new(
                "SyntaxError",
                "'tuple' is an illegal expression for augmented assignment",
            )))
        }),
    }
}

/// An assignment target's closure.
fn target(t: Target) -> StoreFn {
    match t {
        Target::Var(Var::Local(i)) => {
            let i = i as usize;
            Box::new(move |_, f, v| {
                f.locals[i] = Some(v);
                Ok(())
            })
        }
        Target::Var(var) => Box::new(move |it, f, v| {
            it.store(var, v, f);
            Ok(())
        }),
        Target::Subscript(obj, index) => {
            let (obj, index) = (expr(obj), expr(index));
            Box::new(move |it, f, v| {
                let obj = obj(it, f)?;
                let index = index(it, f)?;
                Ok(ops::setitem(&obj, index, v)?)
            })
        }
        Target::Attr(obj, name) => {
            let obj = expr(obj);
            Box::new(move |it, f, _| {
                let obj = obj(it, f)?;
                Err(no_setattr(&obj, &name).into())
            })
        }
        Target::Unpack(targets) => {
            let targets: Vec<StoreFn> = targets.into_iter().map(target).collect();
            Box::new(move |it, f, v| {
                let items = ops::unpack(&v, targets.len())?;
                for (t, item) in targets.iter().zip(items) {
                    t(it, f, item)?;
                }
                Ok(())
            })
        }
    }
}
