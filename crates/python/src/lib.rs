//! # dstream-python
//!
//! The Python the lab runs: a subset of Python 3 (the statements, expressions
//! and builtins a PySpark streaming job uses), with CPython's semantics and
//! CPython's error messages. It knows nothing of Spark: the host (the
//! playground crate) provides `pyspark`'s modules and objects as [`Native`]
//! values, and calls Python functions back through a [`Caller`].
//!
//! Values are records of the engine's streams, so [`Value`] implements the
//! engine's `PyRepr`, `PyHash`, serde (checkpoints) and `Eq`/`Hash`.

pub mod ast;
mod builtins;
mod code;
pub mod compare;
mod compile;
mod dunder;
pub mod error;
mod eval;
pub mod format;
pub mod highlight;
mod interp;
pub mod iterate;
pub mod lexer;
mod lower;
mod methods;
pub mod native;
pub mod number;
mod ops;
pub mod parser;
mod quick;
pub mod value;

pub use error::{PyError, TraceEntry};
pub use highlight::{highlight, Span, SpanKind};
pub use interp::{compile, eval_expression, Interpreter, Program};
pub use native::{Args, Caller, Host, Native, NativeFn, Runtime};
pub use quick::{quick, Quick, TextChain};
pub use value::{Dict, Value};
