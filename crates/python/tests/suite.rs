//! Every integration test of `dstream-python` in one test binary: one compile of what they share and one link
//! instead of one per file (the fresh-clone test time, README "How long the two commands take"). Each file
//! stays a module named as before: `cargo test -p dstream-python --test suite <file>::`.

#[path = "call_rate.rs"]
mod call_rate;
#[path = "caller.rs"]
mod caller;
mod cpython;
#[path = "expressions.rs"]
mod expressions;
#[path = "formatting.rs"]
mod formatting;
#[path = "native_operators.rs"]
mod native_operators;
#[path = "numbers.rs"]
mod numbers;
#[path = "programs.rs"]
mod programs;
#[path = "quick.rs"]
mod quick;
#[path = "syntax_errors.rs"]
mod syntax_errors;
