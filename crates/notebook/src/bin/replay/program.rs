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
    // A trigger input feeds the live stream trigger by trigger, each line at
    // its arrival time; other inputs are `socketTextStream`'s fixed batches.
    let triggers = input_data.triggers.unwrap_or_default();
    let config = JobConfig {
        start_ms: input_data.start_ms,
        parallelism: input_data.parallelism,
        input: if triggers.is_empty() {
            Input::Queue(input_data.batches)
        } else {
            Input::Live
        },
    };
    let mut job = Job::from_source(config, &source, &filename);
    // Batch 0 is the program's top level (what it printed before the batches).
    let mut texts = vec![json!({"batch": 0, "text": job.output()})];
    for k in 0..batches as usize {
        if job.failed().is_some() || !job.running() {
            break;
        }
        for line in triggers.get(k).into_iter().flatten() {
            job.push_lines_at([&line.line], line.arrival_ms);
        }
        let result = job.run_batch();
        texts.push(json!({"batch": result.batch, "text": result.text}));
    }
    if job.unread_lines() > 0 {
        // A trigger input's lines reach only a `readStream` socket source.
        eprintln!(
            "replay: {} lines of {} no socket source read",
            job.unread_lines(),
            input.display()
        );
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
