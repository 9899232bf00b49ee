//! `replay`: runs a scenario file through the engine and prints what PySpark
//! would print (`--format pprint`) or every emitted record (`--format json`);
//! with `--program JOB.py`, runs that program over the file's batches
//! instead (see `program`).
//!
//! Exit codes: 0 done, 1 Spark would refuse the configuration (or the
//! program raised), 2 the scenario (or the command line) is malformed.

mod program;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use dstream_notebook::scenario::{Scenario, ScenarioError};

/// Replays a DStream Lab scenario exactly as PySpark's DStreams would run it.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The scenario file (JSON: batch_interval_s, batches, pipelines, ...), or
    /// with --program the input file (start, parallelism, batches,
    /// extra_batches; a scenario file is read too; for a Structured Streaming
    /// program a list of triggers of [TIME, LINE] pairs).
    scenario: PathBuf,
    /// A PySpark program to run over the file's batches (what its
    /// `socketTextStream` yields) instead of the scenario's pipelines.
    #[arg(long, value_name = "JOB.py")]
    program: Option<PathBuf>,
    /// `pprint`: PySpark's console text; `json`: every record of every
    /// emitted batch (with --program: each batch's text and the error).
    #[arg(long, value_enum, default_value_t = Format::Pprint)]
    format: Format,
}

/// Output formats.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// Exactly what `pprint()` prints, batch by batch, pipeline by pipeline.
    Pprint,
    /// `{"pipelines": [{"spec", "batches": [{"batch", "time", "records"}]}]}`;
    /// with --program `{"batches": [{"batch", "text"}], "error"}`.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(job) = &cli.program {
        return program::replay(job, &cli.scenario, cli.format);
    }
    let text = match std::fs::read_to_string(&cli.scenario) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("replay: cannot read {}: {e}", cli.scenario.display());
            return ExitCode::from(2);
        }
    };
    let result = Scenario::parse(&text).and_then(|s| s.run());
    match result {
        Ok(replay) => {
            match cli.format {
                Format::Pprint => print!("{}", replay.pprint),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&replay.json).unwrap_or_default()
                ),
            }
            ExitCode::SUCCESS
        }
        Err(e @ ScenarioError::Malformed(_)) => {
            eprintln!("replay: {}: {e}", cli.scenario.display());
            ExitCode::from(2)
        }
        Err(e @ (ScenarioError::Spark(_) | ScenarioError::Stopped(_))) => {
            eprintln!("replay: {e}");
            ExitCode::from(1)
        }
    }
}
