//! The evaluator's runtime: the interpreter's state, frames whose variables
//! are slots, and calls (`lower.rs` turns each function body into the
//! closures a call runs).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use crate::code::*;
use crate::error::{PyError, TraceEntry};
use crate::native::{Args, Caller, Host, Native, Runtime};
use crate::value::Value;

/// A variable shared between a function and the functions defined in it.
pub(crate) type CellRef = Rc<RefCell<Option<Value>>>;

/// Python frames deeper than this raise `RecursionError` (the Rust stack,
/// 1 MB in the browser, must hold them all).
const MAX_DEPTH: u32 = 200;

/// Functions with at most this many local slots keep them in an array on
/// the Rust stack, so a call allocates nothing for them.
const INLINE_SLOTS: usize = 6;

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
    /// The line of the call expression most recently started ([`Caller::current_line`]).
    pub line: Cell<u32>,
    depth: Cell<u32>,
    me: Weak<Interp>,
}

/// A `def` or a `lambda`, as a value.
pub(crate) struct Function {
    pub code: Rc<Code>,
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

/// A running function's (or the module's) variables.
pub(crate) struct Frame<'a> {
    /// The local slots (`None`: unbound).
    pub locals: &'a mut [Option<Value>],
    /// The cells of variables that inner functions read.
    pub cells: &'a [CellRef],
    /// The running function's closure.
    pub closure: &'a [CellRef],
    /// The running code (names for error messages).
    pub code: &'a Code,
    /// The line of the innermost expression that failed (0: none yet).
    pub fail_line: u32,
}

pub(crate) type R<T> = Result<T, PyError>;
/// The evaluator's own results: the error boxed, so the common, successful
/// path moves a few words instead of a whole `PyError` through every call.
pub(crate) type E<T> = Result<T, Box<PyError>>;

/// Records `line` as where the running frame failed, unless an inner
/// expression already did: the traceback shows the innermost failing line.
#[cold]
#[inline(never)]
pub(crate) fn at(f: &mut Frame, line: u32, e: Box<PyError>) -> Box<PyError> {
    if f.fail_line == 0 {
        f.fail_line = line;
    }
    e
}

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
        self.line.get()
    }
}

/// The Python function `f` is, if it is one.
#[inline]
pub(crate) fn as_function(f: &Value) -> Option<&Function> {
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
            line: Cell::new(0),
            depth: Cell::new(0),
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
                line: Cell::new(0),
                depth: Cell::new(0),
                me: Weak::new(),
            }),
        }
    }

    /// Runs a module's top level.
    pub fn run_module(&self, code: &Code) -> R<()> {
        let mut locals = vec![None; code.local_names.len()];
        let cells = new_cells(code.cell_names.len());
        let mut frame = Frame {
            locals: &mut locals,
            cells: &cells,
            closure: &[],
            code,
            fail_line: 0,
        };
        match (code.body)(self, &mut frame) {
            Ok(_) => Ok(()),
            Err(e) => Err(*traced(e, frame.fail_line, "<module>")),
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
            // The arguments are the whole frame (a lambda's): they become its slots.
            Some(func) if func.code.local_names.len() == N && func.code.params.len() == N => {
                self.enter(func, &mut args.map(Some)).map_err(|e| *e)
            }
            Some(func) if func.code.params.len() == N => {
                let mut args = args.map(Some);
                self.run(func, |locals| {
                    for (slot, a) in locals.iter_mut().zip(&mut args) {
                        *slot = a.take();
                    }
                    Ok(())
                })
                .map_err(|e| *e)
            }
            _ => self.call_value(f, Args::positional(args.into())),
        }
    }

    fn call_function(&self, func: &Function, args: Args) -> R<Value> {
        let code = &func.code;
        let n = code.params.len();
        if args.keyword.is_empty() && args.positional.len() == n {
            return self
                .run(func, |locals| {
                    for (slot, a) in locals.iter_mut().zip(args.positional) {
                        *slot = Some(a);
                    }
                    Ok(())
                })
                .map_err(|e| *e);
        }
        let params: Vec<&str> = code.params.iter().map(|p| &**p).collect();
        let required = n - func.defaults.len();
        let slots = args.bind(&code.name, &params, required)?;
        self.run(func, |locals| {
            for (i, (local, slot)) in locals.iter_mut().zip(slots).enumerate() {
                *local = slot.or_else(|| func.defaults.get(i - required).cloned());
            }
            Ok(())
        })
        .map_err(|e| *e)
    }

    /// Runs `func` once `arguments` has filled its parameters' slots (the
    /// rest of its locals start unbound).
    #[inline]
    pub(crate) fn run(
        &self,
        func: &Function,
        arguments: impl FnOnce(&mut [Option<Value>]) -> E<()>,
    ) -> E<Value> {
        let n = func.code.local_names.len();
        // A lambda's one or two slots are all a call sets up and drops.
        if n <= 2 {
            self.run_inline::<2>(func, n, arguments)
        } else if n <= INLINE_SLOTS {
            self.run_inline::<INLINE_SLOTS>(func, n, arguments)
        } else {
            let mut slots = vec![None; n];
            arguments(&mut slots)?;
            self.enter(func, &mut slots)
        }
    }

    /// [`Self::run`] with the `n <= K` slots in an array on the stack.
    #[inline]
    fn run_inline<const K: usize>(
        &self,
        func: &Function,
        n: usize,
        arguments: impl FnOnce(&mut [Option<Value>]) -> E<()>,
    ) -> E<Value> {
        let mut slots: [Option<Value>; K] = std::array::from_fn(|_| None);
        arguments(&mut slots[..n])?;
        self.enter(func, &mut slots[..n])
    }

    /// Runs `func`'s body in a frame over `locals`, its parameters filled.
    fn enter(&self, func: &Function, locals: &mut [Option<Value>]) -> E<Value> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Err(Box::new(PyError::new(
                "RecursionError",
                "maximum recursion depth exceeded",
            )));
        }
        self.depth.set(depth + 1);
        let code = &*func.code;
        // Most functions have no cells: their frame owns none, nor drops any.
        let owned: Vec<CellRef>;
        let cells: &[CellRef] = if code.cell_names.is_empty() {
            &[]
        } else {
            let mut made = new_cells(code.cell_names.len());
            for &(local, cell) in &code.param_cells {
                made[cell as usize] = Rc::new(RefCell::new(locals[local as usize].take()));
            }
            owned = made;
            &owned
        };
        let mut frame = Frame {
            locals,
            cells,
            closure: &func.closure,
            code,
            fail_line: 0,
        };
        let result = (code.body)(self, &mut frame);
        self.depth.set(depth);
        result.map_err(|e| traced(e, frame.fail_line, &code.name))
    }

    /// A `def` or `lambda` evaluated: its defaults' values and its closure's cells.
    pub(crate) fn make_function(
        &self,
        code: &Rc<Code>,
        defaults: Vec<Value>,
        captures: &[Capture],
        f: &Frame,
    ) -> Value {
        let closure = captures
            .iter()
            .map(|c| match c {
                Capture::Cell(i) => f.cells[*i as usize].clone(),
                Capture::Free(i) => f.closure[*i as usize].clone(),
            })
            .collect();
        Value::Native(Rc::new(Function {
            code: code.clone(),
            defaults,
            closure,
            interp: self.me.clone(),
        }))
    }

    /// `import module` bound to `var` (`top`: the first component of a dotted name).
    pub(crate) fn import(&self, module: &str, top: bool, var: Var, f: &mut Frame) -> E<()> {
        let m = self.host.import(module)?;
        let bound = if top && module.contains('.') {
            self.host
                .import(module.split('.').next().unwrap_or(module))?
        } else {
            m
        };
        self.store(var, bound, f);
        Ok(())
    }

    /// `from module import name as var, ...`.
    pub(crate) fn import_from(
        &self,
        module: &str,
        names: &[(Rc<str>, Var)],
        f: &mut Frame,
    ) -> E<()> {
        let m = self.host.import(module)?;
        for (name, var) in names {
            let v = match &m {
                Value::Native(n) => n.clone().get_attr(name),
                _ => None,
            };
            let Some(v) = v else {
                return Err(Box::new(PyError::new(
                    "ImportError",
                    format!("cannot import name '{name}' from '{module}' (unknown location)"),
                )));
            };
            self.store(*var, v, f);
        }
        Ok(())
    }

    pub(crate) fn store(&self, var: Var, v: Value, f: &mut Frame) {
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

    pub(crate) fn load(&self, var: Var, f: &Frame) -> E<Value> {
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

    pub(crate) fn unbound(&self, var: Var, f: &Frame) -> PyError {
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
}

/// `e` with the frame of `function`, failed at `line`, outermost in its traceback.
#[cold]
#[inline(never)]
fn traced(mut e: Box<PyError>, line: u32, function: &str) -> Box<PyError> {
    e.trace.insert(
        0,
        TraceEntry {
            line,
            function: function.to_string(),
        },
    );
    e
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

/// `obj.name = ...`: the lab's objects have no attributes a program can set.
pub(crate) fn no_setattr(obj: &Value, name: &str) -> PyError {
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
