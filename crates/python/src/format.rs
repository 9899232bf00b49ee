//! Python's string formatting: `%`-formatting, `format(value, spec)` (also
//! f-strings' `{value:spec}`) and `str.format`.

use crate::error::PyError;
use crate::native::Args;
use crate::value::Value;

fn not_yet(what: &str) -> PyError {
    PyError::new(
        "NotImplementedError",
        format!("not supported in the lab yet: {what}"),
    )
}

/// `template % args` for a `str` template (`args` a tuple, a dict, or one value).
pub fn percent_format(template: &str, args: &Value) -> Result<String, PyError> {
    let _ = (template, args);
    Err(not_yet("%-formatting"))
}

/// `format(value, spec)`, which is also what `f"{value:spec}"` does.
pub fn format_value(value: &Value, spec: &str) -> Result<String, PyError> {
    let _ = (value, spec);
    Err(not_yet("format specifications"))
}

/// `template.format(*args, **kwargs)`.
pub fn str_format(template: &str, args: &Args) -> Result<String, PyError> {
    let _ = (template, args);
    Err(not_yet("str.format"))
}
