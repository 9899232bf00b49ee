//! The evaluator: runs compiled code in frames whose variables are slots.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use dstream_engine::python::PyRepr;

use crate::code::*;
use crate::error::{PyError, TraceEntry};
use crate::native::{Args, Caller, Host, Native, Runtime};
use crate::number::{self, ArithOp};
use crate::ops;
use crate::value::{Dict, Value};

/// A variable shared between a function and the functions defined in it.
pub(crate) type CellRef = Rc<RefCell<Option<Value>>>;

/// Python frames deeper than this raise `RecursionError` (the Rust stack,
/// 1 MB in the browser, must hold them all).
const MAX_DEPTH: u32 = 200;

/// The interpreter's state: module globals, builtins, the host.
pub(crate) struct Interp {
    /// Module globals by slot (`None`: not assigned yet).
    pub globals: RefCell<Vec<Option<Value>>>,
    /// Global names by slot.
    pub names: RefCell<Vec<Rc<str>>>,
    /// The builtins, by `builtins::builtin_index`.
    pub builtins: Vec<Value>,
    /// Imports and `print`.
    pub host: Rc<dyn Host>,
    depth: Cell<u32>,
    /// The line of the call expression most recently started ([`Caller::current_line`]).
    call_line: Cell<u32>,
    me: Weak<Interp>,
}

/// A `def` or a `lambda`, as a value.
pub(crate) struct Function {
    code: Rc<Code>,
    defaults: Vec<Value>,
    closure: Vec<CellRef>,
    interp: Weak<Interp>,
}

impl Native for Function {
    fn type_name(&self) -> &str {
        "function"
    }

    fn call(&self, _rt: &Runtime, args: Args) -> Result<Value, PyError> {
        match self.interp.upgrade() {
            Some(it) => it.call_function(self, args),
            None => Err(PyError::new(
                "RuntimeError",
                "the program this function belongs to has ended",
            )),
        }
    }

    /// `__code__.co_argcount`: PySpark's `transform`/`foreachRDD` read it.
    fn arg_count(&self) -> Option<usize> {
        Some(self.code.params.len())
    }

    fn repr(&self) -> String {
        format!(
            "<function {} at {:#x}>",
            self.code.name, self as *const _ as usize
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Where a block of statements ended.
pub(crate) enum Flow {
    Next,
    Break,
    Continue,
    Return(Value),
}

/// A frame's local variables: a small function's live inline, so a call
/// allocates nothing for them.
type Slots = smallvec::SmallVec<[Option<Value>; 6]>;

/// A running function's (or the module's) variables.
pub(crate) struct Frame<'a> {
    locals: Slots,
    cells: Vec<CellRef>,
    closure: &'a [CellRef],
    code: &'a Code,
    /// The line of the innermost expression that failed (0: none yet).
    fail_line: u32,
}

type R<T> = Result<T, PyError>;
/// The evaluator's own results: the error boxed, so the common, successful
/// path moves a few words instead of a whole `PyError` through every call.
type E<T> = Result<T, Box<PyError>>;

impl Caller for Interp {
    fn call(&self, f: &Value, args: Args) -> R<Value> {
        self.call_value(f, args)
    }

    fn call1(&self, f: &Value, a: Value) -> R<Value> {
        self.call_exact(f, [a])
    }

    fn call2(&self, f: &Value, a: Value, b: Value) -> R<Value> {
        self.call_exact(f, [a, b])
    }

    fn current_line(&self) -> u32 {
        self.call_line.get()
    }
}

/// The Python function `f` is, if it is one.
fn as_function(f: &Value) -> Option<&Function> {
    match f {
        Value::Native(n) => n.as_any().downcast_ref::<Function>(),
        _ => None,
    }
}

impl Interp {
    /// A new interpreter talking to `host`.
    pub fn new(host: Rc<dyn Host>) -> Rc<Interp> {
        Rc::new_cyclic(|me| Interp {
            globals: RefCell::new(Vec::new()),
            names: RefCell::new(Vec::new()),
            builtins: crate::builtins::make_builtins(host.clone()),
            host,
            depth: Cell::new(0),
            call_line: Cell::new(0),
            me: me.clone(),
        })
    }

    /// This interpreter as natives hold it.
    pub fn runtime(&self) -> Runtime {
        match self.me.upgrade() {
            Some(rc) => rc,
            // Unreachable while `&self` exists: the Rc it lives in is alive.
            None => Rc::new(Interp {
                globals: RefCell::new(Vec::new()),
                names: RefCell::new(Vec::new()),
                builtins: Vec::new(),
                host: self.host.clone(),
                depth: Cell::new(0),
                call_line: Cell::new(0),
                me: Weak::new(),
            }),
        }
    }

    /// Runs a module's top level.
    pub fn run_module(&self, code: &Code) -> R<()> {
        let mut frame = Frame {
            locals: std::iter::repeat_n(None, code.local_names.len()).collect(),
            cells: new_cells(code.cell_names.len()),
            closure: &[],
            code,
            fail_line: 0,
        };
        match self.block(&code.body, &mut frame) {
            Ok(_) => Ok(()),
            Err(mut e) => {
                e.trace.insert(
                    0,
                    TraceEntry {
                        line: frame.fail_line,
                        function: "<module>".to_string(),
                    },
                );
                Err(*e)
            }
        }
    }

    /// `f(*args)` for any callable.
    pub fn call_value(&self, f: &Value, args: Args) -> R<Value> {
        match f {
            Value::Native(n) => match n.as_any().downcast_ref::<Function>() {
                Some(func) => self.call_function(func, args),
                None => n.call(&self.runtime(), args),
            },
            other => Err(PyError::type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        }
    }

    /// `f(*args)` with exactly `N` positional arguments: a Python function
    /// taking `N` parameters gets them in its slots directly.
    fn call_exact<const N: usize>(&self, f: &Value, args: [Value; N]) -> R<Value> {
        match as_function(f) {
            Some(func) if func.code.params.len() == N => self
                .run(func, |locals| {
                    locals.extend(args.into_iter().map(Some));
                    Ok(())
                })
                .map_err(|e| *e),
            _ => self.call_value(f, Args::positional(args.into())),
        }
    }

    fn call_function(&self, func: &Function, args: Args) -> R<Value> {
        let code = &func.code;
        let n = code.params.len();
        if args.keyword.is_empty() && args.positional.len() == n {
            return self
                .run(func, |locals| {
                    locals.extend(args.positional.into_iter().map(Some));
                    Ok(())
                })
                .map_err(|e| *e);
        }
        let params: Vec<&str> = code.params.iter().map(|p| &**p).collect();
        let required = n - func.defaults.len();
        let slots = args.bind(&code.name, &params, required)?;
        self.run(func, |locals| {
            for (i, slot) in slots.into_iter().enumerate() {
                locals.push(slot.or_else(|| func.defaults.get(i - required).cloned()));
            }
            Ok(())
        })
        .map_err(|e| *e)
    }

    /// Runs `func` once `arguments` has pushed its parameters' values into
    /// the new frame's slots (the rest of its locals start unset).
    fn run(&self, func: &Function, arguments: impl FnOnce(&mut Slots) -> E<()>) -> E<Value> {
        let code = &*func.code;
        // The frame is built where it stays: its inline slots are never moved.
        let mut frame = Frame {
            locals: Slots::new(),
            cells: Vec::new(),
            closure: &func.closure,
            code,
            fail_line: 0,
        };
        arguments(&mut frame.locals)?;
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Err(Box::new(PyError::new(
                "RecursionError",
                "maximum recursion depth exceeded",
            )));
        }
        self.depth.set(depth + 1);
        while frame.locals.len() < code.local_names.len() {
            frame.locals.push(None);
        }
        if !code.cell_names.is_empty() {
            frame.cells = new_cells(code.cell_names.len());
            for &(local, cell) in &code.param_cells {
                frame.cells[cell as usize] =
                    Rc::new(RefCell::new(frame.locals[local as usize].take()));
            }
        }
        let result = match &code.body[..] {
            // A lambda's body, and many a def's: one expression's value.
            [St {
                kind: StK::Return(Some(e)),
                ..
            }] => self.eval(e, &mut frame),
            body => self.block(body, &mut frame).map(|flow| match flow {
                Flow::Return(v) => v,
                _ => Value::None,
            }),
        };
        self.depth.set(depth);
        let fail_line = frame.fail_line;
        match result {
            Ok(v) => Ok(v),
            Err(mut e) => {
                e.trace.insert(
                    0,
                    TraceEntry {
                        line: fail_line,
                        function: code.name.to_string(),
                    },
                );
                Err(e)
            }
        }
    }

    // ----- statements -----

    fn block(&self, body: &[St], f: &mut Frame) -> E<Flow> {
        for s in body {
            match self.stmt(s, f) {
                Ok(Flow::Next) => {}
                Ok(flow) => return Ok(flow),
                Err(e) => {
                    if f.fail_line == 0 {
                        f.fail_line = s.line;
                    }
                    return Err(e);
                }
            }
        }
        Ok(Flow::Next)
    }

    #[inline]
    fn stmt(&self, s: &St, f: &mut Frame) -> E<Flow> {
        match &s.kind {
            StK::Expr(e) => {
                self.eval(e, f)?;
            }
            StK::Assign(targets, value) => {
                let v = self.eval(value, f)?;
                if let [Target::Var(Var::Local(i))] = &targets[..] {
                    f.locals[*i as usize] = Some(v);
                } else if let [t] = &targets[..] {
                    self.assign(t, v, f)?;
                } else {
                    for t in targets {
                        self.assign(t, v.clone(), f)?;
                    }
                }
            }
            StK::AugAssign(target, op, value) => self.aug_assign(target, *op, value, f)?,
            StK::If(test, body, orelse) => {
                let branch = if self.test(test, f)? { body } else { orelse };
                return self.block(branch, f);
            }
            StK::While(test, body, orelse) => {
                while self.test(test, f)? {
                    match self.block(body, f)? {
                        Flow::Break => return Ok(Flow::Next),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Next | Flow::Continue => {}
                    }
                }
                return self.block(orelse, f);
            }
            StK::For(target, iter, body, orelse) => {
                return self.for_loop(target, iter, body, orelse, f)
            }
            StK::Return(value) => {
                let v = match value {
                    Some(e) => self.eval(e, f)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StK::Pass => {}
            StK::Break => return Ok(Flow::Break),
            StK::Continue => return Ok(Flow::Continue),
            StK::Import { .. } | StK::ImportFrom(..) => self.import(&s.kind, f)?,
        }
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn for_loop(
        &self,
        target: &Target,
        iter: &Ex,
        body: &[St],
        orelse: &[St],
        f: &mut Frame,
    ) -> E<Flow> {
        let iterable = self.eval(iter, f)?;
        let mut it = ops::iterate(&iterable)?;
        while let Some(item) = it.next_item() {
            self.assign(target, item, f)?;
            match self.block(body, f)? {
                Flow::Break => return Ok(Flow::Next),
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Next | Flow::Continue => {}
            }
        }
        self.block(orelse, f)
    }

    #[inline(never)]
    fn import(&self, kind: &StK, f: &mut Frame) -> E<()> {
        match kind {
            StK::Import { module, top, var } => {
                let m = self.host.import(module)?;
                let bound = if *top && module.contains('.') {
                    self.host
                        .import(module.split('.').next().unwrap_or(module))?
                } else {
                    m
                };
                self.store(*var, bound, f);
            }
            StK::ImportFrom(module, names) => {
                let m = self.host.import(module)?;
                for (name, var) in names {
                    let v = match &m {
                        Value::Native(n) => n.clone().get_attr(name),
                        _ => None,
                    };
                    let Some(v) = v else {
                        return Err(Box::new(PyError::new(
                            "ImportError",
                            format!(
                                "cannot import name '{name}' from '{module}' (unknown location)"
                            ),
                        )));
                    };
                    self.store(*var, v, f);
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[inline(never)]
    fn aug_assign(&self, target: &Target, op: ArithOp, value: &Ex, f: &mut Frame) -> E<()> {
        match target {
            Target::Var(var) => {
                let current = self.load(*var, f)?;
                let rhs = self.eval(value, f)?;
                let new = ops::inplace(op, current, &rhs)?;
                self.store(*var, new, f);
            }
            Target::Subscript(obj, index) => {
                let obj = self.eval(obj, f)?;
                let index = self.eval(index, f)?;
                let current = ops::getitem(&obj, &index)?;
                let rhs = self.eval(value, f)?;
                let new = ops::inplace(op, current, &rhs)?;
                ops::setitem(&obj, index, new)?;
            }
            Target::Attr(obj, name) => {
                let obj = self.eval(obj, f)?;
                self.getattr(&obj, name)?;
                return Err(no_setattr(&obj, name).into());
            }
            Target::Unpack(_) => {
                return Err(Box::new(PyError::new(
                    "SyntaxError",
                    "'tuple' is an illegal expression for augmented assignment",
                )))
            }
        }
        Ok(())
    }

    fn assign(&self, target: &Target, v: Value, f: &mut Frame) -> E<()> {
        match target {
            Target::Var(var) => {
                self.store(*var, v, f);
                Ok(())
            }
            Target::Subscript(obj, index) => {
                let obj = self.eval(obj, f)?;
                let index = self.eval(index, f)?;
                Ok(ops::setitem(&obj, index, v)?)
            }
            Target::Attr(obj, name) => {
                let obj = self.eval(obj, f)?;
                Err(no_setattr(&obj, name).into())
            }
            Target::Unpack(targets) => {
                let items = ops::unpack(&v, targets.len())?;
                for (t, item) in targets.iter().zip(items) {
                    self.assign(t, item, f)?;
                }
                Ok(())
            }
        }
    }

    fn store(&self, var: Var, v: Value, f: &mut Frame) {
        match var {
            Var::Local(i) => f.locals[i as usize] = Some(v),
            Var::Cell(i) => *f.cells[i as usize].borrow_mut() = Some(v),
            Var::Free(i) => *f.closure[i as usize].borrow_mut() = Some(v),
            Var::Global(i, _) => {
                let mut g = self.globals.borrow_mut();
                let i = i as usize;
                if g.len() <= i {
                    g.resize(i + 1, None);
                }
                g[i] = Some(v);
            }
        }
    }

    fn load(&self, var: Var, f: &Frame) -> E<Value> {
        let found = match var {
            Var::Local(i) => f.locals[i as usize].clone(),
            Var::Cell(i) => f.cells[i as usize].borrow().clone(),
            Var::Free(i) => f.closure[i as usize].borrow().clone(),
            Var::Global(i, builtin) => {
                let g = self.globals.borrow().get(i as usize).cloned().flatten();
                g.or_else(|| builtin.and_then(|b| self.builtins.get(b as usize).cloned()))
            }
        };
        found.ok_or_else(|| Box::new(self.unbound(var, f)))
    }

    fn unbound(&self, var: Var, f: &Frame) -> PyError {
        let name = |names: &[Rc<str>], i: u32| names.get(i as usize).cloned().unwrap_or_default();
        match var {
            Var::Local(i) => unbound_local(&name(&f.code.local_names, i)),
            Var::Cell(i) => unbound_local(&name(&f.code.cell_names, i)),
            Var::Free(i) => PyError::new(
                "NameError",
                format!(
                    "cannot access free variable '{}' where it is not associated with a value in enclosing scope",
                    name(&f.code.free_names, i)
                ),
            ),
            Var::Global(i, _) => PyError::new(
                "NameError",
                format!("name '{}' is not defined", name(&self.names.borrow(), i)),
            ),
        }
    }

    // ----- expressions -----

    /// Evaluates `e`; on failure, records the line of the innermost failing expression.
    #[inline]
    pub(crate) fn eval(&self, e: &Ex, f: &mut Frame) -> E<Value> {
        // Constants and set locals, the commonest leaves, without a call.
        match &e.kind {
            ExK::Const(v) => return Ok(v.clone()),
            ExK::Load(Var::Local(i)) => {
                if let Some(Some(v)) = f.locals.get(*i as usize) {
                    return Ok(v.clone());
                }
            }
            _ => {}
        }
        self.eval_node(e, f)
    }

    /// `bool(e)`: an `if`'s or a `while`'s test, without building a `bool`
    /// value for the tests that compute one.
    #[inline]
    fn test(&self, e: &Ex, f: &mut Frame) -> E<bool> {
        match &e.kind {
            ExK::InStr(search, container) => {
                let found = self.str_in(search, container, f);
                if found.is_err() && f.fail_line == 0 {
                    f.fail_line = e.line;
                }
                found
            }
            _ => Ok(self.eval(e, f)?.truthy()),
        }
    }

    /// `"literal" in container` (or `not in`).
    fn str_in(&self, search: &StrIn, container: &Ex, f: &mut Frame) -> E<bool> {
        // A local string is searched where it lies, without a reference count.
        if let ExK::Load(Var::Local(i)) = container.kind {
            if let Some(Some(Value::Str(s))) = f.locals.get(i as usize) {
                return Ok(search.finder.find(s.as_bytes()).is_some() != search.negated);
            }
        }
        let container = self.eval(container, f)?;
        let found = match &container {
            Value::Str(s) => search.finder.find(s.as_bytes()).is_some(),
            other => ops::contains(other, &search.needle)?,
        };
        Ok(found != search.negated)
    }

    fn eval_node(&self, e: &Ex, f: &mut Frame) -> E<Value> {
        match self.eval_inner(e, f) {
            Ok(v) => Ok(v),
            Err(err) => {
                if f.fail_line == 0 {
                    f.fail_line = e.line;
                }
                Err(err)
            }
        }
    }

    fn eval_inner(&self, e: &Ex, f: &mut Frame) -> E<Value> {
        Ok(match &e.kind {
            ExK::Const(v) => v.clone(),
            ExK::Load(var) => return self.load(*var, f),
            ExK::BigInt => return Err(number::int_overflow().into()),
            // A pair (`(x, 1)`, a key and its count) in one allocation.
            ExK::Tuple(items) if items.len() == 2 => {
                let a = self.eval(&items[0], f)?;
                let b = self.eval(&items[1], f)?;
                Value::Tuple(Rc::from([a, b]))
            }
            ExK::Tuple(items) => Value::tuple(self.eval_all(items, f)?),
            ExK::List(items) => Value::list(self.eval_all(items, f)?),
            ExK::Set(_) | ExK::Dict(_) => return self.display(&e.kind, items_of(&e.kind), f),
            ExK::Binary(op, a, b) => {
                let a = self.eval(a, f)?;
                let b = self.eval(b, f)?;
                return Ok(ops::binary(*op, &a, &b)?);
            }
            ExK::Neg(a) => ops::negate(&self.eval(a, f)?)?,
            ExK::Pos(a) => ops::positive(&self.eval(a, f)?)?,
            ExK::Not(a) => Value::Bool(!self.test(a, f)?),
            ExK::And(a, b) => {
                let a = self.eval(a, f)?;
                if !a.truthy() {
                    return Ok(a);
                }
                return self.eval(b, f);
            }
            ExK::Or(a, b) => {
                let a = self.eval(a, f)?;
                if a.truthy() {
                    return Ok(a);
                }
                return self.eval(b, f);
            }
            ExK::Compare(op, a, b) => {
                let a = self.eval(a, f)?;
                let b = self.eval(b, f)?;
                Value::Bool(ops::compare(*op, &a, &b)?)
            }
            ExK::InStr(search, container) => Value::Bool(self.str_in(search, container, f)?),
            ExK::Chain(first, rest) => {
                let mut left = self.eval(first, f)?;
                for (op, e) in rest {
                    let right = self.eval(e, f)?;
                    if !ops::compare(*op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            ExK::IfExp(test, body, orelse) => {
                return if self.test(test, f)? {
                    self.eval(body, f)
                } else {
                    self.eval(orelse, f)
                }
            }
            ExK::Function(code, defaults, captures) => {
                return self.make_function(code, defaults, captures, f)
            }
            ExK::Call(func, args) => return self.call_positional(func, args, e.line, f),
            ExK::CallArgs(func, args) => {
                let func = self.eval(func, f)?;
                let args = self.args(args, f)?;
                self.call_line.set(e.line);
                return Ok(self.call_value(&func, args)?);
            }
            ExK::CallMethod(obj, name, args) => {
                return self.call_method(obj, name, args, e.line, f)
            }
            ExK::Attr(obj, name) => {
                let obj = self.eval(obj, f)?;
                return Ok(self.getattr(&obj, name)?);
            }
            ExK::Subscript(obj, index) => {
                let obj = self.eval(obj, f)?;
                let index = self.eval(index, f)?;
                return Ok(ops::getitem(&obj, &index)?);
            }
            ExK::Slice(obj, bounds) => return self.slice(obj, bounds, f),
            ExK::FString(parts) => Value::str(&self.fstring(parts, f)?),
            ExK::Comp(comp) => return self.comprehension(comp, f),
        })
    }

    #[inline(never)]
    fn display(&self, kind: &ExK, items: &[Ex], f: &mut Frame) -> E<Value> {
        match kind {
            ExK::Dict(pairs) => {
                let mut d = Dict::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let k = ops::hashable(self.eval(k, f)?)?;
                    let v = self.eval(v, f)?;
                    d.insert(k, v);
                }
                Ok(Value::Dict(Rc::new(RefCell::new(d))))
            }
            _ => {
                let mut set = Dict::with_capacity(items.len());
                for i in items {
                    let v = ops::hashable(self.eval(i, f)?)?;
                    set.insert(v, Value::None);
                }
                Ok(Value::Set(Rc::new(RefCell::new(set))))
            }
        }
    }

    #[inline(never)]
    fn make_function(
        &self,
        code: &Rc<Code>,
        defaults: &[Ex],
        captures: &[Capture],
        f: &mut Frame,
    ) -> E<Value> {
        let defaults = self.eval_all(defaults, f)?;
        let closure = captures
            .iter()
            .map(|c| match c {
                Capture::Cell(i) => f.cells[*i as usize].clone(),
                Capture::Free(i) => f.closure[*i as usize].clone(),
            })
            .collect();
        Ok(Value::Native(Rc::new(Function {
            code: code.clone(),
            defaults,
            closure,
            interp: self.me.clone(),
        })))
    }

    /// `func(a, b)`: a Python function's frame is filled straight from the arguments.
    #[inline(never)]
    fn call_positional(&self, func: &Ex, args: &[Ex], line: u32, f: &mut Frame) -> E<Value> {
        let func = self.eval(func, f)?;
        if let Value::Native(n) = &func {
            if let Some(function) = n.as_any().downcast_ref::<Function>() {
                let code = &function.code;
                if code.params.len() == args.len() {
                    return self.run(function, |locals| {
                        for a in args {
                            locals.push(Some(self.eval(a, f)?));
                        }
                        self.call_line.set(line);
                        Ok(())
                    });
                }
            }
        }
        let args = Args::positional(self.eval_all(args, f)?);
        self.call_line.set(line);
        Ok(self.call_value(&func, args)?)
    }

    #[inline(never)]
    fn call_method(
        &self,
        obj: &Ex,
        name: &str,
        args: &[CArg],
        line: u32,
        f: &mut Frame,
    ) -> E<Value> {
        let obj = self.eval(obj, f)?;
        let args = self.args(args, f)?;
        self.call_line.set(line);
        if let Value::Native(n) = &obj {
            let method = n
                .clone()
                .get_attr(name)
                .ok_or_else(|| no_attribute(&obj, name))?;
            return Ok(self.call_value(&method, args)?);
        }
        Ok(crate::methods::call_method(self, &obj, name, args)?)
    }

    fn eval_all(&self, items: &[Ex], f: &mut Frame) -> E<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            out.push(self.eval(i, f)?);
        }
        Ok(out)
    }

    fn args(&self, args: &[CArg], f: &mut Frame) -> E<Args> {
        let mut out = Args::default();
        for a in args {
            match a {
                CArg::Pos(e) => out.positional.push(self.eval(e, f)?),
                CArg::Star(e) => {
                    let v = self.eval(e, f)?;
                    let mut it = ops::iterate(&v).map_err(|_| {
                        PyError::type_error(format!(
                            "Value after * must be an iterable, not {}",
                            v.type_name()
                        ))
                    })?;
                    while let Some(item) = it.next_item() {
                        out.positional.push(item);
                    }
                }
                CArg::Kw(name, e) => {
                    let v = self.eval(e, f)?;
                    out.keyword.push((name.clone(), v));
                }
            }
        }
        Ok(out)
    }

    /// `obj.name` as a value.
    pub(crate) fn getattr(&self, obj: &Value, name: &str) -> R<Value> {
        match obj {
            Value::Native(n) => n
                .clone()
                .get_attr(name)
                .ok_or_else(|| no_attribute(obj, name)),
            _ => crate::methods::bound_method(obj, name).ok_or_else(|| no_attribute(obj, name)),
        }
    }

    #[inline(never)]
    fn slice(&self, obj: &Ex, bounds: &[Option<Box<Ex>>; 3], f: &mut Frame) -> E<Value> {
        let obj = self.eval(obj, f)?;
        let mut b = [Value::None, Value::None, Value::None];
        for (slot, e) in b.iter_mut().zip(bounds) {
            if let Some(e) = e {
                *slot = self.eval(e, f)?;
            }
        }
        Ok(ops::slice(&obj, &b[0], &b[1], &b[2])?)
    }

    #[inline(never)]
    fn fstring(&self, parts: &[CFPart], f: &mut Frame) -> E<String> {
        let mut out = String::new();
        for p in parts {
            match p {
                CFPart::Lit(s) => out.push_str(s),
                CFPart::Field(e, conversion, spec) => {
                    let v = self.eval(e, f)?;
                    let v = match conversion {
                        Some('r') | Some('a') => Value::str(&v.repr_string()),
                        Some(_) => Value::str(&ops::to_str(&v)),
                        None => v,
                    };
                    if spec.is_empty() {
                        v.py_str(&mut out);
                    } else {
                        let spec = self.fstring(spec, f)?;
                        out.push_str(&crate::format::format_value(&v, &spec)?);
                    }
                }
            }
        }
        Ok(out)
    }

    #[inline(never)]
    fn comprehension(&self, comp: &Comp, f: &mut Frame) -> E<Value> {
        let mut out = CompOut::new(comp.kind);
        self.clauses(comp, 0, &mut out, f)?;
        Ok(out.finish())
    }

    fn clauses(&self, comp: &Comp, at: usize, out: &mut CompOut, f: &mut Frame) -> E<()> {
        let Some(clause) = comp.clauses.get(at) else {
            let element = self.eval(&comp.element, f)?;
            return match &comp.value {
                Some(v) => {
                    let value = self.eval(v, f)?;
                    out.push(element, Some(value))
                }
                None => out.push(element, None),
            };
        };
        let iterable = self.eval(&clause.iter, f)?;
        let mut it = ops::iterate(&iterable)?;
        'items: while let Some(item) = it.next_item() {
            self.assign(&clause.target, item, f)?;
            for cond in &clause.ifs {
                if !self.test(cond, f)? {
                    continue 'items;
                }
            }
            self.clauses(comp, at + 1, out, f)?;
        }
        Ok(())
    }
}

fn items_of(kind: &ExK) -> &[Ex] {
    match kind {
        ExK::Set(items) => items,
        _ => &[],
    }
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

fn new_cells(n: usize) -> Vec<CellRef> {
    (0..n).map(|_| Rc::new(RefCell::new(None))).collect()
}

fn unbound_local(name: &str) -> PyError {
    PyError::new(
        "UnboundLocalError",
        format!("cannot access local variable '{name}' where it is not associated with a value"),
    )
}

/// `AttributeError: 'str' object has no attribute 'foo'`.
pub(crate) fn no_attribute(obj: &Value, name: &str) -> PyError {
    PyError::new(
        "AttributeError",
        format!("'{}' object has no attribute '{name}'", obj.type_name()),
    )
}

fn no_setattr(obj: &Value, name: &str) -> PyError {
    match obj {
        Value::Native(_) => PyError::new(
            "AttributeError",
            format!(
                "'{}' object attribute '{name}' is read-only",
                obj.type_name()
            ),
        ),
        _ => no_attribute(obj, name),
    }
}
