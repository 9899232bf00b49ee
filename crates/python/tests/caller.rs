//! What natives see of the interpreter through `Caller`: the line of the
//! call expression that reached them (a DStream built by `lines.map(f)` on
//! line 29 names line 29).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use dstream_python::{compile, Host, Interpreter, Native, NativeFn, PyError, Value};

/// The module `probe`: `probe.line()` returns the interpreter's current line.
struct Probe;

impl Native for Probe {
    fn type_name(&self) -> &str {
        "module"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        (name == "line")
            .then(|| NativeFn::value("line", |rt, _| Ok(Value::Int(rt.current_line().into()))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Imports `probe`; keeps what `print` writes.
#[derive(Default)]
struct ProbeHost(RefCell<String>);

impl Host for ProbeHost {
    fn import(&self, name: &str) -> Result<Value, PyError> {
        match name {
            "probe" => Ok(Value::Native(Rc::new(Probe))),
            _ => Err(PyError::new(
                "ModuleNotFoundError",
                format!("No module named '{name}'"),
            )),
        }
    }

    fn print(&self, text: &str) {
        self.0.borrow_mut().push_str(text);
    }
}

fn printed(src: &str) -> String {
    let host = Rc::new(ProbeHost::default());
    let interpreter = Interpreter::new(host.clone());
    interpreter
        .run(&compile(src, "job.py").expect("compiles"))
        .expect("runs");
    let out = host.0.borrow().clone();
    out
}

#[test]
fn a_native_sees_the_line_of_the_call_that_reached_it() {
    let src = "\
from probe import line
import probe
a = probe.line()
def f(x):
    return line()
b = f(0)

c = [probe.line() for _ in range(1)][0]
d = list(map(f, [1]))[0]
print(a, b, c, d)
";
    // `f`'s own call of `line()` (line 5) is the most recent call when the
    // native runs, not the call of `f` (lines 6 and 9).
    assert_eq!(printed(src), "3 5 8 5\n");
}

#[test]
fn the_current_line_stays_0_until_a_call_runs() {
    let host = Rc::new(ProbeHost::default());
    let interpreter = Interpreter::new(host);
    assert_eq!(interpreter.runtime().current_line(), 0);
    interpreter
        .run(&compile("x = 1\ny = (x,\n     2)\n", "job.py").expect("compiles"))
        .expect("runs");
    assert_eq!(interpreter.runtime().current_line(), 0);
}
