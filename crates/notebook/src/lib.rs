//! # dstream-notebook
//!
//! The course notebook's Spark Streaming job (chapter 10): its three cells
//! (per batch, running totals, sliding window) as programs of the lab's
//! Python (`program_text`), `NotebookLab` running them as three
//! `dstream-playground` jobs on one live stream for the page (feature `lab`),
//! the explanations of what happened inside them, scenario files and the
//! `replay` tool that runs them, the `get_message_type` classifier, and the
//! log-line generator that feeds the page and the relay's `send-messages`.
//!
//! ```
//! # #[cfg(feature = "lab")] {
//! use dstream_notebook::{Mode, NotebookConfig, NotebookLab};
//!
//! let mut lab = NotebookLab::new(NotebookConfig::default(), 0).unwrap();
//! lab.push_line("[error] mod_jk child workerEnv in error state 6");
//! let report = lab.run_batch();
//! assert_eq!(report.outputs[0].mode, Mode::Stateless);
//! assert!(report.outputs[0].pprint.contains("('error', 1)"));
//! # }
//! ```

mod classify;
pub mod config;
pub mod explain;
pub mod generator;
#[cfg(feature = "lab")]
pub mod lab;
pub mod message_type;
pub mod mode;
pub mod program_input;
pub mod program_text;
pub mod scenario;

pub use classify::get_message_type;
pub use config::NotebookConfig;
#[cfg(feature = "lab")]
pub use lab::{BatchReport, ModeOutput, ModeState, NotebookLab, NotebookState, ProgramStart};
pub use message_type::MessageType;
pub use mode::Mode;
