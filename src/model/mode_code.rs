//! The mode panels' code: each panel shows the whole program its mode's job runs, in the editor the student jobs
//! use. Run restarts that mode's job with the editor's text on the same live stream from the next batch (the
//! other modes untouched); Reset to the notebook puts the notebook's program back, with the running settings, and
//! restarts it. An error stops that mode alone, as it stops a student job.
//!
//! The settings bar's Apply rewrites the numbers of the modes that run the notebook's program; an edited program
//! keeps its text, and starts again in the new context when its `StreamingContext` interval is the page's; when it
//! is not, it is refused as a job is, and the notebook's program runs in that mode until the student fixes the
//! interval and presses Run, resets, or applies an interval it agrees with. The editors' texts survive a reload (localStorage); what runs comes back
//! from the saved checkpoint, which holds each mode's program.

use super::effect::Effect;
use super::jobs::refusal;
use super::notices::Level;
use super::Lab;
use crate::engine::{traceback, JobFailure, Mode, ProgramStart, PyError};
use serde::{Deserialize, Serialize};

/// The localStorage key of the mode panels' code.
pub const MODE_CODE_STORAGE_KEY: &str = "dstream-lab/mode-code";

/// One mode panel's code as localStorage keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedModeCode {
    /// The editor's text, when it is not the notebook's program.
    pub text: Option<String>,
    /// The student's program the mode ran (`None`: the notebook's).
    pub runs: Option<String>,
}

/// What a mode panel's code does.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ModeStatus {
    /// The notebook's program runs.
    Notebook,
    /// The student's program runs.
    Edited,
    /// The program started no StreamingContext: nothing runs batch by batch.
    Ended,
    /// An error stopped the mode's job.
    Stopped {
        /// The batch it stopped at (1-based); 0 for the program's top level, a syntax error included.
        batch: u64,
        /// The error.
        error: PyError,
        /// The error as Python prints it.
        traceback: String,
    },
}

impl ModeStatus {
    /// The status in a few words, as the panel shows it.
    pub fn label(&self) -> String {
        match self {
            ModeStatus::Notebook => "runs the notebook's program".to_string(),
            ModeStatus::Edited => "runs your edited program".to_string(),
            ModeStatus::Ended => "ended: the program started no StreamingContext".to_string(),
            ModeStatus::Stopped { batch: 0, .. } => "stopped before its first batch".to_string(),
            ModeStatus::Stopped { batch, .. } => format!("stopped at batch {batch}"),
        }
    }
}

/// One mode panel's code.
#[derive(Debug, Clone, Default)]
pub struct ModeCode {
    /// The editor's text, when the student changed it (`None`: the notebook's program, following the settings).
    pub text: Option<String>,
    /// Why the last Run did not run: its interval in ms (the page's is the settings').
    pub refused: Option<i64>,
    /// Records and `updateFunction` calls of the student's program that are not (message type, count) ones,
    /// since it started: printed in the console, left out of the chart and the teaching views.
    pub other_records: u64,
}

/// The three panels' code, in [`Mode::ALL`] order.
#[derive(Debug, Clone, Default)]
pub struct ModeCodes {
    codes: [ModeCode; 3],
    revision: u64,
}

impl ModeCodes {
    /// Changes with anything the panels' code parts show, so the page redraws them only then.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// `mode`'s code.
    pub fn get(&self, mode: Mode) -> &ModeCode {
        &self.codes[mode.index()]
    }

    fn get_mut(&mut self, mode: Mode) -> &mut ModeCode {
        self.revision += 1;
        &mut self.codes[mode.index()]
    }

    /// Counts the records a batch set aside for each mode running a student's program.
    pub(super) fn batch_ended(&mut self, r: &crate::engine::BatchReport) {
        for o in r.outputs.iter().filter(|o| o.other_records > 0) {
            self.get_mut(o.mode).other_records += o.other_records as u64;
        }
        if r.other_calls > 0 {
            self.get_mut(Mode::Cumulative).other_records += r.other_calls as u64;
        }
    }
}

impl Lab {
    /// The panels' code.
    pub fn mode_codes(&self) -> &ModeCodes {
        &self.mode_codes
    }

    /// The editor's text of `mode`'s panel: the student's, or the notebook's program with the running settings.
    pub fn mode_text(&self, mode: Mode) -> String {
        self.mode_codes
            .get(mode)
            .text
            .clone()
            .unwrap_or_else(|| self.code(mode))
    }

    /// Whether `mode`'s editor holds a text its job does not run.
    pub fn mode_edited_since_run(&self, mode: Mode) -> bool {
        // The notebook's text shown (even as a tried mistake shows it) is what runs while the mode runs the
        // notebook's program.
        self.mode_codes.get(mode).text.as_deref() != self.engine.program(mode)
    }

    /// The modes whose panel shows or runs a program that is not the notebook's: Apply leaves their numbers alone.
    pub fn edited_modes(&self) -> Vec<Mode> {
        Mode::ALL
            .into_iter()
            .filter(|m| self.mode_codes.get(*m).text.is_some() || self.engine.program(*m).is_some())
            .collect()
    }

    /// Why `mode`'s program was not run, in words, when it was refused for its interval.
    pub fn mode_refusal(&self, mode: Mode) -> Option<String> {
        let program_ms = self.mode_codes.get(mode).refused?;
        Some(format!(
            "{} Meanwhile this panel runs {}.",
            refusal(program_ms, self.config().batch_interval_ms),
            if self.engine.program(mode).is_some() {
                "the program that ran before"
            } else {
                "the notebook's program"
            }
        ))
    }

    /// What `mode`'s job does.
    pub fn mode_status(&self, mode: Mode) -> ModeStatus {
        if let Some(JobFailure { error, batch }) = self.engine.failure(mode) {
            let source = self.engine.source(mode);
            let text = traceback(error, &format!("{}.py", mode.as_str()), &source);
            ModeStatus::Stopped {
                batch: *batch,
                error: error.clone(),
                traceback: text.trim_end_matches('\n').to_string(),
            }
        } else if !self.engine.running(mode) && self.engine.program(mode).is_some() {
            ModeStatus::Ended
        } else if self.engine.program(mode).is_some() {
            ModeStatus::Edited
        } else {
            ModeStatus::Notebook
        }
    }

    /// The panels' code as localStorage keeps it.
    pub(super) fn save_mode_code(&self) -> Effect {
        Effect::SaveModeCode(
            Mode::ALL
                .map(|m| SavedModeCode {
                    text: self.mode_codes.get(m).text.clone(),
                    runs: self.engine.program(m).map(str::to_string),
                })
                .to_vec(),
        )
    }

    /// The student typed in `mode`'s editor.
    pub(super) fn edit_mode(&mut self, mode: Mode, text: String) -> Vec<Effect> {
        if text == self.mode_text(mode) {
            return Vec::new();
        }
        let notebook = text == self.code(mode);
        self.mode_codes.get_mut(mode).text = (!notebook).then_some(text);
        vec![self.save_mode_code()]
    }

    /// Run: restarts `mode`'s job with its editor's text from the next batch.
    pub(super) fn run_mode(&mut self, mode: Mode) -> Vec<Effect> {
        let program = self.mode_codes.get(mode).text.clone();
        self.start_mode(mode, program);
        vec![self.save_mode_code()]
    }

    /// Reset to the notebook: the notebook's program, with the running settings, back in `mode`'s editor, and
    /// restarted.
    pub(super) fn reset_mode(&mut self, mode: Mode) -> Vec<Effect> {
        self.mode_codes.get_mut(mode).text = None;
        self.start_mode(mode, None);
        vec![self.save_mode_code()]
    }

    /// Gives `program` (`None`: the notebook's) to `mode`'s job; what its top level printed goes to the console.
    fn start_mode(&mut self, mode: Mode, program: Option<String>) {
        let page_batch = self.log.last().map_or(0, |e| e.batch);
        let code = self.mode_codes.get_mut(mode);
        code.refused = None;
        match self.engine.run_program(mode, program) {
            ProgramStart::Started { printed } | ProgramStart::Stopped { printed, .. } => {
                code.other_records = 0;
                if !printed.is_empty() {
                    self.consoles.push(mode, page_batch, printed);
                }
            }
            ProgramStart::Refused { program_ms } => code.refused = Some(program_ms),
        }
    }

    /// A new context (new settings, reset, a mistake tried): the modes that ran a student's program (`programs`)
    /// run it again from its first batch, and a program refused for its interval, which may agree now, is tried
    /// again.
    pub(super) fn restart_modes(&mut self, programs: [Option<String>; 3]) {
        for (mode, ran) in Mode::ALL.into_iter().zip(programs) {
            let code = self.mode_codes.get(mode);
            let program = match code.refused {
                Some(_) => code.text.clone(),
                None => ran,
            };
            if program.is_some() {
                self.start_mode(mode, program);
            }
        }
    }

    /// At boot: the editors' texts saved before the reload, and the programs that ran (the saved checkpoint
    /// brought back what ran at its batch; a program run after it starts again).
    pub fn open_mode_code(&mut self, saved: Option<&str>) {
        let Some(text) = saved else { return };
        match serde_json::from_str::<Vec<SavedModeCode>>(text) {
            Ok(list) => {
                for (mode, s) in Mode::ALL.into_iter().zip(list) {
                    self.mode_codes.get_mut(mode).text = s.text;
                    if s.runs.as_deref() != self.engine.program(mode) {
                        self.start_mode(mode, s.runs);
                    }
                }
            }
            Err(e) => self.notify(
                Level::Error,
                format!("The saved code of the mode panels could not be read ({e}); they show the notebook's."),
            ),
        }
    }

    /// Storing the panels' code failed (storage full or disabled).
    pub(super) fn mode_code_save_failed(&mut self, why: &str) {
        self.notify(
            Level::Error,
            format!(
                "Could not keep the mode panels' code ({why}); a reload will not bring it back."
            ),
        );
    }
}

#[cfg(test)]
mod tests;
