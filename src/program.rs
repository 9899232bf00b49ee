//! A student's program run as a job on the page's live stream: [`ProgramJob`] holds the playground's `Job` and
//! the batch interval the program asked for in `StreamingContext(sc, n)`, and [`traceback`] words an error as
//! Python prints it.

use crate::engine::{Args, Host, Input, Job, JobConfig, Native, PyError, Runtime, Value};
use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;

/// The file name tracebacks show for a student's program.
pub const FILENAME: &str = "job.py";

/// A program's job, built by running the program's top level once.
pub struct ProgramJob {
    job: Job,
    interval_ms: Option<i64>,
}

impl ProgramJob {
    /// Runs `source`'s top level for a job on the live stream whose batch 1 ends at `start_ms` + its interval,
    /// with `parallelism` partitions for keyed operations. Errors stop the job at batch 0 ([`Job::failed`]).
    pub fn start(source: &str, start_ms: i64, parallelism: usize) -> ProgramJob {
        let seen = Rc::new(Cell::new(None));
        let probe_seen = seen.clone();
        let config = JobConfig {
            start_ms,
            parallelism,
            input: Input::Live,
        };
        let job = Job::build(config, move |host| {
            let program = dstream_python::compile(source, FILENAME)?;
            let probe: Rc<dyn Host> = Rc::new(IntervalProbe {
                inner: host,
                seen: probe_seen,
            });
            dstream_python::Interpreter::new(probe).run(&program)
        });
        ProgramJob {
            job,
            interval_ms: seen.get(),
        }
    }

    /// The batch interval of the program's `StreamingContext(sc, n)` in ms, when it made one with a number.
    pub fn interval_ms(&self) -> Option<i64> {
        self.interval_ms
    }

    /// The job.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// The job, to run its batches.
    pub fn job_mut(&mut self) -> &mut Job {
        &mut self.job
    }
}

// The playground's `Job` does not say which interval its program chose, and the page must know it before
// running a single batch (see `model::jobs`). So the program's host is wrapped: imports pass through, and the
// `StreamingContext` class a module hands out notes its `batchDuration` and then does exactly what it did.

/// The job's host, noting `StreamingContext`'s `batchDuration`.
struct IntervalProbe {
    inner: Rc<dyn Host>,
    seen: Rc<Cell<Option<i64>>>,
}

impl Host for IntervalProbe {
    fn import(&self, name: &str) -> Result<Value, PyError> {
        Ok(wrap_module(self.inner.import(name)?, &self.seen))
    }

    fn print(&self, text: &str) {
        self.inner.print(text);
    }
}

fn wrap_module(value: Value, seen: &Rc<Cell<Option<i64>>>) -> Value {
    match value {
        Value::Native(inner) if inner.type_name() == "module" => Value::Native(Rc::new(Module {
            inner,
            seen: seen.clone(),
        })),
        other => other,
    }
}

/// A module passed through, its `StreamingContext` wrapped.
struct Module {
    inner: Rc<dyn Native>,
    seen: Rc<Cell<Option<i64>>>,
}

impl Native for Module {
    fn type_name(&self) -> &str {
        self.inner.type_name()
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        let value = self.inner.clone().get_attr(name)?;
        Some(match value {
            Value::Native(class) if name == "StreamingContext" => {
                Value::Native(Rc::new(StreamingContextClass {
                    inner: class,
                    seen: self.seen.clone(),
                }))
            }
            other => wrap_module(other, &self.seen),
        })
    }

    fn repr(&self) -> String {
        self.inner.repr()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `StreamingContext` passed through, noting the `batchDuration` it is called with.
struct StreamingContextClass {
    inner: Rc<dyn Native>,
    seen: Rc<Cell<Option<i64>>>,
}

impl Native for StreamingContextClass {
    fn type_name(&self) -> &str {
        self.inner.type_name()
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        self.inner.clone().get_attr(name)
    }

    fn call(&self, rt: &Runtime, args: Args) -> Result<Value, PyError> {
        let duration = args.positional.get(1).or_else(|| {
            args.keyword
                .iter()
                .find(|(k, _)| &**k == "batchDuration")
                .map(|(_, v)| v)
        });
        let ms = match duration {
            Some(Value::Int(s)) => s.checked_mul(1000),
            Some(Value::Float(s)) if s.is_finite() => Some((s * 1000.0).round() as i64),
            _ => None,
        };
        let made = self.inner.call(rt, args)?;
        self.seen.set(ms);
        Ok(made)
    }

    fn repr(&self) -> String {
        self.inner.repr()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `error` as Python prints it: `Traceback (most recent call last):`, one `File "job.py", line N, in f` per
/// frame with the program's line under it, then `Kind: message`; a `SyntaxError` as CPython shows it, its line
/// with a caret under the column. An error with no frame (Spark's own) is its last line alone.
pub fn traceback(error: &PyError, source: &str) -> String {
    let line_text = |n: u32| {
        source
            .lines()
            .nth(n.saturating_sub(1) as usize)
            .unwrap_or("")
    };
    let mut out = String::new();
    if let Some((column, text)) = &error.syntax {
        if let Some(line) = error.line() {
            out.push_str(&format!("  File \"{FILENAME}\", line {line}\n"));
        }
        // CPython shows the line without its indentation, the caret moved along.
        let trimmed = text.trim_start();
        let cut = text.len() - trimmed.len();
        let caret = (*column as usize).saturating_sub(1).saturating_sub(cut);
        out.push_str(&format!(
            "    {}\n    {}^\n",
            trimmed.trim_end(),
            " ".repeat(caret)
        ));
    } else if !error.trace.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        for frame in &error.trace {
            out.push_str(&format!(
                "  File \"{FILENAME}\", line {}, in {}\n",
                frame.line, frame.function
            ));
            let code = line_text(frame.line).trim();
            if !code.is_empty() {
                out.push_str(&format!("    {code}\n"));
            }
        }
    }
    out.push_str(&error.to_string());
    out
}

#[cfg(test)]
mod tests;
