//! The student programs of `tests/programs/manifest.json`: their names, inputs and sources, as the test files
//! that run them read them.

use std::path::{Path, PathBuf};

use dstream_notebook::program_input::ProgramInput;
use serde_json::Value as Json;

/// `tests/programs`.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs")
}

/// The manifest's programs (names without `.py`) and their input files.
pub fn manifest() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(programs_dir().join("manifest.json")).unwrap();
    let entries: Vec<Json> = serde_json::from_str(&text).unwrap();
    entries
        .iter()
        .map(|e| {
            let program = e["program"].as_str().unwrap();
            (
                program.trim_end_matches(".py").to_string(),
                e["input"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Program `name`'s source and its manifest input.
pub fn program(name: &str) -> (String, ProgramInput) {
    let (_, input) = manifest()
        .into_iter()
        .find(|(p, _)| p == name)
        .unwrap_or_else(|| panic!("{name} is not in manifest.json"));
    let dir = programs_dir();
    let input = ProgramInput::parse(&std::fs::read_to_string(dir.join(input)).unwrap()).unwrap();
    let source = std::fs::read_to_string(dir.join(format!("{name}.py"))).unwrap();
    (source, input)
}
