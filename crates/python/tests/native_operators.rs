//! Differential test: Python's operators on host objects. A native `Sym`
//! whose `__add__`, `__radd__`, `__gt__`, `__and__`, `__invert__`... build
//! the text of the expression (as PySpark's `Column` builds `(n + 1)`) and
//! whose `bool()` raises, and a native `Plain` with no operators, run by the
//! lab and by CPython with classes defining the same methods: the same
//! printed output and the same final error line.

use crate::cpython;

use std::cell::RefCell;
use std::rc::Rc;

use cpython::{escape, run_python, PY_ESCAPE};
use dstream_engine::python::PyRepr;
use dstream_python::{compile, Args, Host, Interpreter, Native, NativeFn, PyError, Value};

/// Binary methods and the symbol their text shows; `__rX__` is each one's reflection.
const BINARY: &[(&str, &str)] = &[
    ("add", "+"),
    ("sub", "-"),
    ("mul", "*"),
    ("truediv", "/"),
    ("and", "&"),
    ("or", "|"),
    ("xor", "^"),
];

/// Comparison methods (no reflections: Python reflects `<` as `>`).
const COMPARE: &[(&str, &str)] = &[
    ("eq", "=="),
    ("ne", "!="),
    ("lt", "<"),
    ("le", "<="),
    ("gt", ">"),
    ("ge", ">="),
];

const TRUTH: &str = "Cannot convert column into bool";

/// An expression's text.
struct Sym(String);

impl Native for Sym {
    fn type_name(&self) -> &str {
        "Sym"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        let unary = match name {
            "__invert__" => Some("~"),
            "__neg__" => Some("-"),
            _ => None,
        };
        if let Some(symbol) = unary {
            let text = format!("({symbol}{})", self.0);
            return Some(NativeFn::value(name, move |_, _| Ok(sym(&text))));
        }
        let bare = name.strip_prefix("__")?.strip_suffix("__")?;
        let (op, reflected) = match BINARY.iter().chain(COMPARE).find(|(n, _)| *n == bare) {
            Some((_, s)) => (*s, false),
            None => {
                let (_, s) = BINARY
                    .iter()
                    .find(|(n, _)| Some(*n) == bare.strip_prefix('r'))?;
                (*s, true)
            }
        };
        let me = self.0.clone();
        Some(NativeFn::value(name, move |_, args: Args| {
            let other = args.positional[0].repr_string();
            Ok(sym(&if reflected {
                format!("({other} {op} {me})")
            } else {
                format!("({me} {op} {other})")
            }))
        }))
    }

    fn repr(&self) -> String {
        self.0.clone()
    }

    fn truth(&self) -> Result<bool, PyError> {
        Err(PyError::new("ValueError", TRUTH))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn sym(text: &str) -> Value {
    Value::Native(Rc::new(Sym(text.to_string())))
}

/// A host object without operators.
struct Plain;

impl Native for Plain {
    fn type_name(&self) -> &str {
        "Plain"
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The module `lab`, whose attributes `Sym` and `Plain` make the objects.
struct Lab;

impl Native for Lab {
    fn type_name(&self) -> &str {
        "module"
    }

    fn get_attr(self: Rc<Self>, name: &str) -> Option<Value> {
        match name {
            "Sym" => Some(NativeFn::value("Sym", |_, args: Args| {
                Ok(sym(&args.positional[0].repr_string()))
            })),
            "Plain" => Some(NativeFn::value("Plain", |_, _| {
                Ok(Value::Native(Rc::new(Plain)))
            })),
            _ => None,
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `import lab` gives [`Lab`]; `print` is kept.
#[derive(Default)]
struct LabHost(RefCell<String>);

impl Host for LabHost {
    fn import(&self, _name: &str) -> Result<Value, PyError> {
        Ok(Value::Native(Rc::new(Lab)))
    }

    fn print(&self, text: &str) {
        self.0.borrow_mut().push_str(text);
    }
}

/// The same objects as Python classes, in a module `lab`.
fn python_lab() -> String {
    let binary: Vec<String> = BINARY
        .iter()
        .map(|(n, s)| format!("('{n}', '{s}')"))
        .collect();
    let compare: Vec<String> = COMPARE
        .iter()
        .map(|(n, s)| format!("('{n}', '{s}')"))
        .collect();
    format!(
        "import types\n\
class Sym:\n    def __init__(self, t):\n        self.t = t\n    def __repr__(self):\n        return self.t\n    def __bool__(self):\n        raise ValueError('{TRUTH}')\n    def __invert__(self):\n        return Sym(f'(~{{self.t}})')\n    def __neg__(self):\n        return Sym(f'(-{{self.t}})')\n\
def make(s, reflected):\n    def f(self, other):\n        return Sym(f'({{other!r}} {{s}} {{self.t}})' if reflected else f'({{self.t}} {{s}} {{other!r}})')\n    return f\n\
for n, s in [{}]:\n    setattr(Sym, f'__{{n}}__', make(s, False))\n    setattr(Sym, f'__r{{n}}__', make(s, True))\n\
for n, s in [{}]:\n    setattr(Sym, f'__{{n}}__', make(s, False))\n\
class Plain:\n    pass\n\
lab = types.ModuleType('lab')\nlab.Sym = lambda t: Sym(repr(t))\nlab.Plain = Plain\nsys.modules['lab'] = lab\n",
        binary.join(", "),
        compare.join(", ")
    )
}

fn cpython(programs: &[&str]) -> Vec<String> {
    let script = format!(
        "import sys, io, contextlib, traceback\n{}{PY_ESCAPE}for src in sys.stdin.read().split('\\0')[:-1]:\n    out = io.StringIO()\n    err = ''\n    try:\n        with contextlib.redirect_stdout(out):\n            exec(compile(src, 'job.py', 'exec'), {{'__name__': '__main__'}})\n    except Exception as e:\n        line = [f.lineno for f in traceback.extract_tb(e.__traceback__) if f.filename == 'job.py'][-1]\n        m = str(e)\n        err = f'{{type(e).__name__}}{{\": \" + m if m else \"\"}} (line {{line}})'\n    print(esc(out.getvalue() + '#' + err))\n",
        python_lab()
    );
    let input: String = programs.iter().map(|s| format!("{s}\0")).collect();
    run_python(&script, &input)
        .lines()
        .map(str::to_string)
        .collect()
}

fn lab(src: &str) -> String {
    let host = Rc::new(LabHost::default());
    let interpreter = Interpreter::new(host.clone());
    let result = compile(src, "job.py").and_then(|p| interpreter.run(&p));
    let err = match result {
        Ok(()) => String::new(),
        Err(e) => format!("{e} (line {})", e.line().unwrap_or(0)),
    };
    let out = host.0.borrow().clone();
    escape(&format!("{out}#{err}"))
}

const PRELUDE: &str = "from lab import Sym, Plain\nn = Sym('n')\nok = Sym('ok')\np = Plain()\n";

const PROGRAMS: &[&str] = &[
    "print(n + 1, 1 + n, n - 2, 10 - n, n * n, n / 2, 2 / n, 'a' + n)\n",
    "print(n > 3, 3 < n, n <= 1, 1 >= n, n == 'x', 'x' == n, n != 1, 1 != n, n == n, n < ok)\n",
    "print((n > 1) & ok, True | ok, ok ^ n, 1 & ok, ~ok, -n, ~(n == 1) | (ok & ~ok))\n",
    "print(n + 1 > 2 & ok, n > 1 | 0, -n * 2, ~n + 1)\n",
    "x = n\nx += 1\nx -= ok\nx |= True\nprint(x)\nd = {'k': ok}\nd['k'] &= n\nprint(d)\n",
    "print(p == p, p != p, p == 1, 1 != p, p is p, p in [p], n in [n])\n",
    "print(ok if 1 else n, [x for x in [ok, n]], (n, 1) == (n, 1))\n",
    "print(1)\nif n > 1:\n    print(2)\n",
    "print(n and ok)\n",
    "print(n or ok)\n",
    "print(not n)\n",
    "print(bool(~ok))\n",
    "print(any([0, n]))\n",
    "print(list(filter(None, [n])))\n",
    "print(1 < n < 5)\n",
    "while ok:\n    pass\n",
    "print(ok if n else 1)\n",
    "print([x for x in [1] if n])\n",
    "print(p + 1)\n",
    "print(1 - p)\n",
    "print(p < 1)\n",
    "print(2 >= p)\n",
    "print(-p)\n",
    "print(~p)\n",
    "print(+n)\n",
    "x = p\nx += 1\n",
    "x = 1\nx -= p\n",
    "print(n % 2)\n",
    "print(n ** 2)\n",
];

#[test]
fn operators_on_host_objects_call_their_methods_as_cpython_does() {
    let programs: Vec<String> = PROGRAMS.iter().map(|p| format!("{PRELUDE}{p}")).collect();
    let sources: Vec<&str> = programs.iter().map(String::as_str).collect();
    let expected = cpython(&sources);
    assert_eq!(
        expected.len(),
        sources.len(),
        "one CPython result per program"
    );
    let mut failures = Vec::new();
    for (src, want) in sources.iter().zip(&expected) {
        let got = lab(src);
        if got != *want {
            failures.push(format!("{src}\n   cpython: {want}\n   lab:     {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
