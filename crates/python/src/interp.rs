//! The run API: compile a program once, run it in an interpreter, call its
//! functions back from the host.

use std::rc::Rc;

use crate::ast::{Expr, Stmt, StmtKind};
use crate::compile::{compile_module, Module};
use crate::error::PyError;
use crate::eval::Interp;
use crate::native::{Host, Runtime};
use crate::parser::{parse_expression, parse_module};
use crate::value::Value;

/// A compiled program (a module).
#[derive(Clone)]
pub struct Program {
    source: Rc<str>,
    filename: Rc<str>,
    module: Rc<Module>,
}

impl Program {
    /// The file name it was compiled as (`job.py`).
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// Its source text.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Compiles `source`: a `SyntaxError` (or `IndentationError`) as CPython 3.11
/// reports it, or a `NotSupportedError` for Python outside the lab's subset.
pub fn compile(source: &str, filename: &str) -> Result<Program, PyError> {
    let body = parse_module(source)?;
    let module = compile_module(&body, source, &[])?;
    Ok(Program {
        source: source.into(),
        filename: filename.into(),
        module: Rc::new(module),
    })
}

/// A Python interpreter: module globals, builtins and the host. Cloning it is
/// cheap and shares the state.
#[derive(Clone)]
pub struct Interpreter {
    inner: Rc<Interp>,
}

impl Interpreter {
    /// An interpreter whose imports and `print` go to `host`.
    pub fn new(host: Rc<dyn Host>) -> Interpreter {
        Interpreter {
            inner: Interp::new(host),
        }
    }

    /// Executes the program's top level (its globals stay for [`Self::global`]
    /// and for the functions it defined).
    pub fn run(&self, program: &Program) -> Result<(), PyError> {
        let known = self.inner.names.borrow().clone();
        // Global slots are the program's own when it is the first one run here;
        // a later program is compiled again against the slots already in use.
        let module = if program.module.globals.starts_with(&known) {
            program.module.clone()
        } else {
            let body = parse_module(&program.source)?;
            Rc::new(compile_module(&body, &program.source, &known)?)
        };
        *self.inner.names.borrow_mut() = module.globals.clone();
        self.inner
            .globals
            .borrow_mut()
            .resize(module.globals.len(), None);
        self.inner.run_module(&module.code)
    }

    /// The handle natives keep to call Python functions later.
    pub fn runtime(&self) -> Runtime {
        self.inner.runtime()
    }

    /// The module global `name`, if the program assigned it.
    pub fn global(&self, name: &str) -> Option<Value> {
        let i = self
            .inner
            .names
            .borrow()
            .iter()
            .position(|n| &**n == name)?;
        self.inner.globals.borrow().get(i).cloned().flatten()
    }
}

/// A host with no modules whose `print` output is dropped.
struct NoHost;

impl Host for NoHost {
    fn import(&self, name: &str) -> Result<Value, PyError> {
        Err(PyError::new(
            "ModuleNotFoundError",
            format!("No module named '{name}'"),
        ))
    }

    fn print(&self, _text: &str) {}
}

/// The global an evaluated expression is stored in (not a valid Python name).
const RESULT: &str = "<expression>";

/// Evaluates one expression with the builtins only, as Python's `eval` would.
pub fn eval_expression(source: &str) -> Result<Value, PyError> {
    let expr: Expr = parse_expression(source)?;
    let line = expr.line;
    let target = Expr::new(crate::ast::ExprKind::Name(RESULT.to_string()), line, 0);
    let body = vec![Stmt {
        kind: StmtKind::Assign {
            targets: vec![target],
            value: expr,
        },
        line,
    }];
    let module = compile_module(&body, source, &[])?;
    let interpreter = Interpreter::new(Rc::new(NoHost));
    let program = Program {
        source: source.into(),
        filename: "<string>".into(),
        module: Rc::new(module),
    };
    interpreter.run(&program)?;
    Ok(interpreter.global(RESULT).unwrap_or(Value::None))
}
