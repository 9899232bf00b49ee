//! The oracle: CPython 3.11 (`python3`), run once per test over a whole list
//! of cases.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `script` with `input` on stdin and returns its stdout. Panics (the
/// test fails) when `python3` is missing or the script fails: the oracle is
/// part of the test, CI machines have it.
pub fn run_python(script: &str, input: &str) -> String {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (CPython 3.11) must be installed: it is these tests' oracle");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to python3");
    let out = child.wait_with_output().expect("python3 ran");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 from python3")
}

/// One line per case: backslashes and newlines escaped (the Python side does the same).
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

/// The Python helper that escapes like [`escape`].
pub const PY_ESCAPE: &str =
    "def esc(s):\n    return s.replace('\\\\', '\\\\\\\\').replace('\\n', '\\\\n')\n";
