//! Spark's classic mistakes, safely: each one click away, each with Spark's own words, why, and an Undo back to
//! the working setup.
//!
//! `local[1]` changes the page's own StreamingContext (its master is `local[1]`: lines are received, batches
//! are queued, none runs). The other two open the notebook's program with the mistake as a student job, so the
//! wrong line is in the editor and the refusal comes from the engine's own path, as PySpark raises it.

use super::effect::Effect;
use super::Lab;
use crate::engine::example;

/// What Spark logs when a StreamingContext is created with the master `local` or `local[1]` (Spark's
/// `StreamingContext.scala`, Spark 4.0.1).
pub const LOCAL1_WARNING: &str = "WARN StreamingContext: spark.master should be set as local[n], n > 1 in \
     local mode if you have receivers to get data, otherwise Spark jobs will not get resources to process the \
     received data.";

/// One of Spark's classic mistakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mistake {
    /// `.master("local[1]")` with a socket receiver.
    Local1,
    /// `updateStateByKey` without `ssc.checkpoint(...)`.
    NoCheckpoint,
    /// A window that is not a multiple of the batch interval.
    WindowNotMultiple,
}

impl Mistake {
    /// The mistakes, in the order offered.
    pub const ALL: [Mistake; 3] = [
        Mistake::Local1,
        Mistake::NoCheckpoint,
        Mistake::WindowNotMultiple,
    ];

    /// Its name in the page's hooks: `local1`, `no-checkpoint`, `window-multiple`.
    pub fn id(self) -> &'static str {
        match self {
            Mistake::Local1 => "local1",
            Mistake::NoCheckpoint => "no-checkpoint",
            Mistake::WindowNotMultiple => "window-multiple",
        }
    }

    /// What the button says.
    pub fn label(self) -> &'static str {
        match self {
            Mistake::Local1 => "master(\"local[1]\")",
            Mistake::NoCheckpoint => "updateStateByKey without ssc.checkpoint(...)",
            Mistake::WindowNotMultiple => "A 25 s window on 10 s batches",
        }
    }

    /// Why Spark does what it does, in a sentence or two.
    pub fn why(self) -> &'static str {
        match self {
            Mistake::Local1 => {
                "The socket receiver is a task that runs as long as the stream does, so with one core it holds \
                 the only core: lines are received and every batch is queued, but no batch gets a core to run \
                 on, so pprint never prints."
            }
            Mistake::NoCheckpoint => {
                "updateStateByKey (and reduceByKeyAndWindow with an inverse function) keep state from batch to \
                 batch, and Spark must be able to save it: ssc.start() refuses to run without a checkpoint \
                 directory."
            }
            Mistake::WindowNotMultiple => {
                "A window is made of whole batches: 25 s of 10 s batches would be two and a half, so PySpark \
                 refuses the window when the program builds it."
            }
        }
    }

    /// How to fix it.
    pub fn fix(self) -> &'static str {
        match self {
            Mistake::Local1 => {
                "Give the batches a core: .master(\"local[2]\") (or local[*]). Undo does that; so does \
                 choosing 2 partitions and Apply."
            }
            Mistake::NoCheckpoint => {
                "Add ssc.checkpoint(\"checkpoint\") before ssc.start(), as the notebook does."
            }
            Mistake::WindowNotMultiple => {
                "Make the window (and the slide) a multiple of the batch interval: 20 or 30 s on 10 s batches."
            }
        }
    }

    /// The student program holding the mistake: the notebook's program with the one line changed (`None` for
    /// `local[1]`, which changes the page's own context, or should the example no longer hold that line).
    fn program(self) -> Option<String> {
        let (name, right, wrong) = match self {
            Mistake::Local1 => return None,
            Mistake::NoCheckpoint => (
                "notebook_cumulative",
                "ssc.checkpoint(\"checkpoint\")\n",
                "",
            ),
            Mistake::WindowNotMultiple => (
                "notebook_window",
                "windowDuration = 20",
                "windowDuration = 25",
            ),
        };
        let source = example(name)?.source;
        // The example's opening comment describes the working program: the mistake's says what changed.
        let body: String = source
            .lines()
            .skip_while(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        body.contains(right).then(|| {
            format!(
                "# Spark's classic mistake: {}. Run it to see Spark's error.\n{}",
                self.label(),
                body.replacen(right, wrong, 1)
            )
        })
    }
}

/// The mistake being tried, and what Undo restores.
#[derive(Debug, Clone, PartialEq)]
pub struct Tried {
    mistake: Mistake,
    /// The student job holding the mistake's program.
    job: Option<u64>,
    /// The settings before `local[1]`.
    before: Option<crate::engine::NotebookConfig>,
}

impl Lab {
    /// The mistake being tried, if one is.
    pub fn mistake(&self) -> Option<Mistake> {
        self.mistake.as_ref().map(|t| t.mistake)
    }

    /// What Spark said about the mistake being tried: the warning it logs, or the error its job stopped with.
    pub fn mistake_message(&self) -> Option<String> {
        let tried = self.mistake.as_ref()?;
        match tried.job {
            None => Some(LOCAL1_WARNING.to_string()),
            Some(id) => self
                .jobs
                .get(id)
                .and_then(|j| j.error())
                .map(|e| e.to_string()),
        }
    }

    /// Why no batch runs, when the page's master is `local[1]`; `None` when batches run.
    pub fn no_batch_runs(&self) -> Option<String> {
        let tried = self.mistake.as_ref()?;
        (tried.mistake == Mistake::Local1).then(|| {
            format!(
                "the master is local[1], so the receiver holds the only core and no batch runs ({} queued).",
                self.stats.behind
            )
        })
    }

    /// The batch timer fired while no batch can run: the batches due are queued (counted), and the timer waits
    /// for the next one.
    pub(super) fn starve(&mut self, now_ms: i64) -> Vec<Effect> {
        self.stats.behind = self.behind_at(now_ms);
        let interval = self.config().batch_interval_ms;
        vec![Effect::ArmBatchTimer {
            at_ms: self.next_batch_time_ms() + self.stats.behind as i64 * interval,
        }]
    }

    /// Tries `mistake`, after undoing the one tried before.
    pub(super) fn try_mistake(&mut self, mistake: Mistake, now_ms: i64) -> Vec<Effect> {
        let mut effects = self.undo_mistake(now_ms);
        if mistake == Mistake::Local1 {
            let before = self.config().clone();
            let local1 = crate::engine::NotebookConfig {
                parallelism: 1,
                ..before.clone()
            };
            effects.extend(self.restart(local1, now_ms));
            self.mistake = Some(Tried {
                mistake,
                job: None,
                before: Some(before),
            });
            return effects;
        }
        let Some(program) = mistake.program() else {
            self.notify(
                super::Level::Error,
                format!(
                    "The lab could not write the program for \"{}\": the notebook's example changed.",
                    mistake.label()
                ),
            );
            return effects;
        };
        self.open_linked(None, program.clone());
        // Opening fails only when the page runs its most jobs; the notice says so.
        if let Some(id) = self.jobs.iter().find(|j| j.text == program).map(|j| j.id) {
            self.mistake = Some(Tried {
                mistake,
                job: Some(id),
                before: None,
            });
        }
        effects.push(self.save_jobs());
        effects
    }

    /// Undo: back to the working setup (the settings before `local[1]`; the mistake's job removed).
    pub(super) fn undo_mistake(&mut self, now_ms: i64) -> Vec<Effect> {
        let Some(tried) = self.mistake.take() else {
            return Vec::new();
        };
        match (tried.job, tried.before) {
            (Some(id), _) => self.remove_job(id),
            (None, Some(before)) => self.restart(before, now_ms),
            (None, None) => Vec::new(),
        }
    }

    /// After any action: the mistake ends when what made it is gone (its job removed, or a new context with
    /// another master applied from the settings).
    pub(super) fn mistake_follow(&mut self) {
        let gone = self.mistake.as_ref().is_some_and(|t| match t.job {
            Some(id) => self.jobs.get(id).is_none(),
            None => self.config().parallelism != 1,
        });
        if gone {
            self.mistake = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, BootParams};

    const T0: i64 = 1_795_000_000_000;

    fn lab() -> Lab {
        let mut lab = Lab::boot(
            None,
            T0,
            &BootParams::from_query("source=sim&interval=1"),
            "ws://x/ws",
        );
        lab.start();
        lab
    }

    fn try_it(lab: &mut Lab, mistake: Mistake) -> Vec<Effect> {
        lab.apply(Action::MistakeTry {
            mistake,
            now_ms: T0 + 500,
        })
    }

    #[test]
    fn local1_receives_lines_queues_batches_and_runs_none_until_undone() {
        let mut lab = lab();
        try_it(&mut lab, Mistake::Local1);
        assert_eq!(lab.mistake(), Some(Mistake::Local1));
        assert_eq!(lab.config().parallelism, 1);
        assert!(lab
            .code(crate::engine::Mode::Stateless)
            .contains(".master(\"local[1]\")"));
        assert_eq!(lab.mistake_message().as_deref(), Some(LOCAL1_WARNING));
        lab.apply(Action::SimLines(vec!["[error] a".to_string()]));
        let effects = lab.apply(Action::Tick { now_ms: T0 + 3_200 });
        assert_eq!(lab.stats.batches_run, 0);
        assert_eq!(lab.pending_lines(), 1);
        assert_eq!(lab.stats.behind, 3);
        // The timer waits for the next batch time rather than firing again at once.
        assert_eq!(effects, [Effect::ArmBatchTimer { at_ms: T0 + 4_000 }]);
        assert!(lab.no_batch_runs().unwrap().contains("(3 queued)"));
        lab.apply(Action::Pause);
        lab.apply(Action::Step);
        assert_eq!(lab.stats.batches_run, 0);
        lab.apply(Action::Resume);
        lab.apply(Action::MistakeUndo { now_ms: T0 + 3_300 });
        assert_eq!((lab.mistake(), lab.config().parallelism), (None, 2));
        lab.apply(Action::SimLines(vec!["[error] a".to_string()]));
        lab.apply(Action::Tick { now_ms: T0 + 4_000 });
        assert_eq!(lab.stats.batches_run, 1);
    }

    #[test]
    fn applying_other_partitions_ends_local1() {
        let mut lab = lab();
        try_it(&mut lab, Mistake::Local1);
        lab.apply(Action::Edit(crate::model::DraftField::Parallelism(3)));
        lab.apply(Action::Apply { now_ms: T0 + 600 });
        assert_eq!(lab.mistake(), None);
        assert_eq!(lab.no_batch_runs(), None);
    }

    #[test]
    fn no_checkpoint_and_a_window_off_the_batches_stop_their_job_with_sparks_error() {
        let mut lab = lab();
        try_it(&mut lab, Mistake::NoCheckpoint);
        assert_eq!(
            lab.mistake_message().as_deref(),
            Some(
                "IllegalArgumentException: requirement failed: The checkpoint directory has not been set. \
                 Please set it by StreamingContext.checkpoint()."
            )
        );
        let job = lab.jobs().iter().next().unwrap();
        assert!(
            !job.text.lines().any(|l| l.starts_with("ssc.checkpoint(")),
            "{}",
            job.text
        );
        try_it(&mut lab, Mistake::WindowNotMultiple);
        assert_eq!(lab.jobs().len(), 1, "the mistake tried before is undone");
        assert_eq!(
            lab.mistake_message().as_deref(),
            Some(
                "ValueError: windowDuration must be multiple of the parent dstream's slide (batch) duration \
                 (10000 ms)"
            )
        );
        lab.apply(Action::MistakeUndo { now_ms: T0 + 700 });
        assert!(lab.jobs().is_empty());
        assert_eq!(lab.mistake(), None);
    }
}
