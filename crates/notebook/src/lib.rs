//! # dstream-notebook
//!
//! The course notebook's Spark Streaming job (chapter 10), built on the generic
//! `dstream-engine`: the `get_message_type` classifier, the three pipelines
//! (per batch, running totals, sliding window), [`NotebookLab`] running all
//! three on one live stream for the page, the explanations of what happened
//! inside them, scenario files and the `replay` tool that runs them, and the
//! log-line generator that feeds the page and the relay's `send-messages`.
//!
//! ```
//! use dstream_notebook::{Mode, NotebookConfig, NotebookLab};
//!
//! let mut lab = NotebookLab::new(NotebookConfig::default(), 0).unwrap();
//! lab.push_line("[error] mod_jk child workerEnv in error state 6");
//! let report = lab.run_batch();
//! assert_eq!(report.outputs[0].mode, Mode::Stateless);
//! assert!(report.outputs[0].pprint.contains("('error', 1)"));
//! ```

mod classify;
pub mod config;
pub mod explain;
pub mod generator;
pub mod lab;
pub mod message_type;
pub mod pipelines;
pub mod program_input;
pub mod program_text;
pub mod scenario;

pub use classify::get_message_type;
pub use config::NotebookConfig;
pub use lab::{BatchReport, ModeOutput, NotebookLab, NotebookState};
pub use message_type::MessageType;
pub use pipelines::Mode;
