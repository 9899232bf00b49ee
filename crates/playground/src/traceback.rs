//! A job's error as Python prints it: `Traceback (most recent call last):`,
//! one `File "job.py", line N, in <lambda>` frame per call with its source
//! line, then `Type: message`; a `SyntaxError` as its line with a caret.

use dstream_python::PyError;

/// The text CPython writes to stderr for `error` raised by the program
/// `source` named `filename`. Frames show no column markers (the lab does
/// not record columns).
pub fn traceback(error: &PyError, filename: &str, source: &str) -> String {
    let line_text = |n: u32| source.lines().nth((n as usize).wrapping_sub(1));
    let mut out = String::new();
    if let Some((offset, text)) = &error.syntax {
        if let Some(line) = error.line() {
            out.push_str(&format!("  File \"{filename}\", line {line}\n"));
        }
        let stripped = text.trim_start();
        let indent = text.chars().count() - stripped.chars().count();
        let caret = (*offset as usize).saturating_sub(1 + indent);
        out.push_str(&format!(
            "    {}\n    {}^\n",
            stripped.trim_end(),
            " ".repeat(caret)
        ));
    } else if !error.trace.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        for frame in &error.trace {
            out.push_str(&format!(
                "  File \"{filename}\", line {}, in {}\n",
                frame.line, frame.function
            ));
            if let Some(text) = line_text(frame.line)
                .map(str::trim)
                .filter(|t| !t.is_empty())
            {
                out.push_str(&format!("    {text}\n"));
            }
        }
    }
    out.push_str(&format!("{error}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_errors_list_their_frames_with_the_source_lines() {
        let program = "x = 1\ndef f(a):\n    return a // 0\nprint(f(3))\n";
        let error = dstream_python::compile(program, "t.py")
            .and_then(|p| dstream_python::Interpreter::new(std::rc::Rc::new(NoHost)).run(&p))
            .unwrap_err();
        assert_eq!(
            traceback(&error, "t.py", program),
            "Traceback (most recent call last):\n  File \"t.py\", line 4, in <module>\n    print(f(3))\n  \
             File \"t.py\", line 3, in f\n    return a // 0\n\
             ZeroDivisionError: integer division or modulo by zero\n"
        );
    }

    #[test]
    fn syntax_errors_show_the_line_and_a_caret_under_the_offending_token() {
        let program = "if True:\n    x = (1 +* 2)\n";
        let error = dstream_python::compile(program, "s.py").err().unwrap();
        assert_eq!(
            traceback(&error, "s.py", program),
            "  File \"s.py\", line 2\n    x = (1 +* 2)\n            ^\nSyntaxError: invalid syntax\n"
        );
    }

    struct NoHost;

    impl dstream_python::Host for NoHost {
        fn import(&self, name: &str) -> Result<dstream_python::Value, PyError> {
            Err(PyError::new(
                "ModuleNotFoundError",
                format!("No module named '{name}'"),
            ))
        }
        fn print(&self, _text: &str) {}
    }
}
