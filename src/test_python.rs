//! Test support: the Python code the page shows and exports, read by the real `python3` parser (`ast`), so
//! tests check it is Python and which arguments land in which call, not just which substrings it holds.

use serde::Deserialize;
use std::io::Write;
use std::process::{Command, Stdio};

/// Reads the program on stdin and prints, one JSON object a line in source order, every call in it. A call
/// that is the whole right-hand side of an assignment carries the assigned name, so a test can follow the
/// DStreams from one statement to the next.
const LIST_CALLS: &str = r#"
import ast, json, sys
tree = ast.parse(sys.stdin.read())
assigned = {}
for node in ast.walk(tree):
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        assigned[id(node.value)] = ast.unparse(node.targets[0])
calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
calls.sort(key=lambda n: (n.end_lineno, n.end_col_offset))
for n in calls:
    f = n.func
    print(json.dumps({
        "name": f.attr if isinstance(f, ast.Attribute) else ast.unparse(f),
        "receiver": ast.unparse(f.value) if isinstance(f, ast.Attribute) else None,
        "args": [ast.unparse(a) for a in n.args],
        "keywords": [[k.arg, ast.unparse(k.value)] for k in n.keywords],
        "assigned_to": assigned.get(id(n)),
    }))
"#;

/// One call in a Python program, as `ast` parsed it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct PyCall {
    /// The called name: `reduceByKeyAndWindow` for `codes.reduceByKeyAndWindow(...)`.
    pub name: String,
    /// What it is called on (`codes`), `None` for a plain function call.
    pub receiver: Option<String>,
    /// The positional arguments, as Python source (`ast.unparse`).
    pub args: Vec<String>,
    /// The keyword arguments, name and value as Python source.
    pub keywords: Vec<(String, String)>,
    /// The name the call's result is assigned to, when the statement is `name = call(...)`.
    pub assigned_to: Option<String>,
}

impl PyCall {
    /// The value passed as keyword `name`, if any.
    pub fn keyword(&self, name: &str) -> Option<&str> {
        self.keywords
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Runs `python3 -c script` with `src` on stdin: its stdout, or its stderr (the parser's or the program's
/// error) as the error.
pub(crate) fn python_output(script: &str, src: &str) -> Result<String, String> {
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("python3 could not start: {e}"))?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(src.as_bytes())
        .map_err(|e| format!("could not write to python3: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("python3 did not finish: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// `Ok` when `src` is syntactically valid Python, else the parser's message.
pub(crate) fn python_parses(src: &str) -> Result<(), String> {
    python_output("import ast,sys; ast.parse(sys.stdin.read())", src).map(drop)
}

/// Every call in the Python program `src`, ordered by where it ends (so an inner call of a chain comes before
/// the outer one), or the parser's message when `src` is not Python.
pub(crate) fn python_calls(src: &str) -> Result<Vec<PyCall>, String> {
    python_output(LIST_CALLS, src)?
        .lines()
        .map(|l| serde_json::from_str(l).map_err(|e| format!("unreadable call listing {l:?}: {e}")))
        .collect()
}
