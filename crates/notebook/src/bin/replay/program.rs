//! `replay --program JOB.py INPUT.json`: a student's program over an input
//! file's batches, printing what PySpark printed.

use std::path::Path;
use std::process::ExitCode;

use dstream_notebook::program_input::ProgramInput;
use dstream_playground::{traceback, Input, Job, JobConfig};
use serde_json::json;

use crate::Format;

/// Runs `program` over `input` and prints its stdout (and, on an error,
/// Python's error text on stderr). Exit 0, 1 for a program error, 2 for an
/// unreadable program or a malformed input.
pub fn replay(program: &Path, input: &Path, format: Format) -> ExitCode {
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map_err(|e| eprintln!("replay: cannot read {}: {e}", path.display()))
    };
    let (Ok(source), Ok(text)) = (read(program), read(input)) else {
        return ExitCode::from(2);
    };
    let input_data = match ProgramInput::parse(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("replay: {}: {e}", input.display());
            return ExitCode::from(2);
        }
    };
    // Tracebacks name the file as the oracle ran it: by its name alone.
    let filename = program.file_name().map_or_else(
        || program.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let batches = input_data.batches.len() as u64 + input_data.extra_batches;
    let config = JobConfig {
        start_ms: input_data.start_ms,
        parallelism: input_data.parallelism,
        input: Input::Queue(input_data.batches),
    };
    let mut job = Job::from_source(config, &source, &filename);
    // Batch 0 is the program's top level (what it printed before the batches).
    let mut texts = vec![json!({"batch": 0, "text": job.output()})];
    for _ in 0..batches {
        if job.failed().is_some() || !job.running() {
            break;
        }
        let result = job.run_batch();
        texts.push(json!({"batch": result.batch, "text": result.text}));
    }
    let failure = job.failed();
    match format {
        Format::Pprint => print!("{}", job.output()),
        Format::Json => {
            let error = failure.map(|f| {
                json!({
                    "type": f.error.kind,
                    "message": f.error.message,
                    "line": f.error.line(),
                    "batch": f.batch,
                    "traceback": traceback(&f.error, &filename, &source),
                })
            });
            let out = json!({"batches": texts, "error": error});
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    match failure {
        None => ExitCode::SUCCESS,
        Some(f) => {
            if matches!(format, Format::Pprint) {
                eprint!("{}", traceback(&f.error, &filename, &source));
            }
            ExitCode::from(1)
        }
    }
}
