//! "Predict, then reveal": the batch clock stops, the page shows the lines that will form the next batch, the
//! students type what each mode's `pprint` will print, and "Reveal" runs that batch (the same path as Step) and
//! marks every predicted record right or wrong, and every printed record nobody predicted as missed.
//!
//! The predicted batch is the one open when the prediction starts: lines arriving while the class thinks wait
//! for the batch after it (counted on the panel), so the lines shown are exactly the lines the batch runs on.

use super::batch_log::Records;
use super::compare::{note, record_text};
use super::effect::Effect;
use super::pipeline::MAX_PENDING_LINES;
use super::Lab;
use crate::engine::{MessageType, Mode};

/// How a predicted (or printed) record came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    /// Predicted, and printed exactly so.
    Right,
    /// Predicted, but printed otherwise or not at all (or not a record).
    Wrong,
    /// Printed, but not predicted.
    Missed,
}

impl Verdict {
    /// `right`, `wrong` or `missed` (the page's `data-result`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Right => "right",
            Verdict::Wrong => "wrong",
            Verdict::Missed => "missed",
        }
    }
}

/// One mark of a revealed prediction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mark {
    /// How it came out.
    pub verdict: Verdict,
    /// The line the student typed (right, wrong), or the record printed (missed).
    pub record: String,
    /// Why, in words.
    pub why: String,
}

/// One mode's part of a revealed prediction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModeReveal {
    /// The mode.
    pub mode: Mode,
    /// The records it printed, as `pprint` prints them; `None` when it printed nothing at this batch.
    pub printed: Option<Vec<String>>,
    /// The marks, the typed lines' first, then the records missed.
    pub marks: Vec<Mark>,
}

/// A revealed prediction: what ran, and the marks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reveal {
    /// The batch (1-based).
    pub batch: u64,
    /// `YYYY-MM-DD HH:MM:SS`, as the consoles' `Time:` line.
    pub time_label: String,
    /// The three modes, in [`Mode::ALL`] order.
    pub modes: Vec<ModeReveal>,
}

/// A prediction: open while the class types, revealed once the batch ran.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prediction {
    /// The batch predicted (1-based).
    pub batch: u64,
    /// What was typed for each mode, in [`Mode::ALL`] order.
    pub typed: [String; 3],
    /// The marks, once revealed.
    pub revealed: Option<Reveal>,
    /// Lines that arrived while the prediction was open: they form the batch after the predicted one.
    held: Vec<String>,
    context: u64,
}

impl Prediction {
    /// Lines waiting for the batch after the predicted one.
    pub fn waiting(&self) -> usize {
        self.held.len()
    }
}

/// Reads one typed line as a record the way `pprint` prints it (`('error', 3)`), forgiving spaces, either quote
/// and missing parentheses; otherwise says in words why it is not one.
pub fn parse_record(line: &str) -> Result<(String, i64), String> {
    let not = |why: &str| {
        format!("not a record: {line:?} {why} (pprint prints a record as ('error', 3))")
    };
    let t = line.trim();
    let t = t.strip_prefix('(').unwrap_or(t);
    let t = t.strip_suffix(')').unwrap_or(t).trim();
    let Some((key, count)) = t.rsplit_once(',') else {
        return Err(not("has no comma between the key and the count"));
    };
    let key = key.trim();
    let key = ['\'', '"']
        .iter()
        .find_map(|q| key.strip_prefix(*q).and_then(|k| k.strip_suffix(*q)))
        .unwrap_or(key)
        .trim();
    if key.is_empty() {
        return Err(not("has no key"));
    }
    let count = count.trim();
    let count = count.parse::<i64>().map_err(|_| {
        not(&format!(
            "has {count:?} where the count, a whole number, goes"
        ))
    })?;
    Ok((key.to_string(), count))
}

/// Marks what was typed for `mode` against what it printed (`None`: nothing at this batch); `in_batch` gives the
/// per-batch count of a key, to say why a printed count differs from it.
fn mark(
    mode: Mode,
    typed: &str,
    printed: Option<&Records>,
    in_batch: impl Fn(MessageType) -> Option<i64>,
) -> Vec<Mark> {
    let because = |key: MessageType, count: i64| {
        note(mode, count, in_batch(key))
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    };
    let mut marks = Vec::new();
    let mut predicted: Vec<String> = Vec::new();
    for line in typed.lines().filter(|l| !l.trim().is_empty()) {
        let record = line.trim().to_string();
        let (verdict, why) = match parse_record(line) {
            Err(why) => (Verdict::Wrong, why),
            Ok(_) if printed.is_none() => (
                Verdict::Wrong,
                format!(
                    "the {} job printed nothing at this batch{}",
                    mode.as_str(),
                    silent_why(mode)
                ),
            ),
            Ok((key, _)) if predicted.contains(&key) => (
                Verdict::Wrong,
                format!("'{key}' is predicted twice: pprint prints each key once per batch"),
            ),
            Ok((key, count)) => {
                let found = printed
                    .into_iter()
                    .flatten()
                    .find(|(k, _)| k.as_str() == key);
                predicted.push(key.clone());
                match found {
                    Some(&(_, c)) if c == count => (Verdict::Right, "right".to_string()),
                    Some(&(k, c)) => (
                        Verdict::Wrong,
                        format!("Spark printed {}{}", record_text(k, c), because(k, c)),
                    ),
                    None => (
                        Verdict::Wrong,
                        format!("Spark printed no '{key}' record at this batch"),
                    ),
                }
            }
        };
        marks.push(Mark {
            verdict,
            record,
            why,
        });
    }
    let unpredicted = printed
        .into_iter()
        .flatten()
        .filter(|(k, _)| !predicted.iter().any(|p| p == k.as_str()));
    for &(k, c) in unpredicted {
        marks.push(Mark {
            verdict: Verdict::Missed,
            record: record_text(k, c),
            why: format!("printed, not predicted{}", because(k, c)),
        });
    }
    if marks.is_empty() {
        let why = match printed {
            None => format!(
                "printed nothing at this batch, as predicted{}",
                silent_why(mode)
            ),
            Some(_) => "printed its Time: header and no record, as predicted".to_string(),
        };
        marks.push(Mark {
            verdict: Verdict::Right,
            record: "(nothing)".to_string(),
            why,
        });
    }
    marks
}

/// Why `mode` can print nothing at a batch.
fn silent_why(mode: Mode) -> &'static str {
    match mode {
        Mode::Window => ": the window prints only when it slides",
        _ => "",
    }
}

impl Lab {
    /// The prediction open or last revealed, if any.
    pub fn prediction(&self) -> Option<&Prediction> {
        self.predict.as_ref()
    }

    /// Batches the running context has run (the page's counter keeps the last context's until a batch runs).
    fn batches_in_context(&self) -> u64 {
        self.log.last().map_or(0, |e| e.batch)
    }

    /// "Predict the next batch": stops the batch clock and opens a prediction of the open batch.
    pub(super) fn predict_start(&mut self) -> Vec<Effect> {
        if let Some(why) = self.no_batch_runs() {
            self.notify(super::Level::Warn, format!("Nothing to predict: {why}"));
            return Vec::new();
        }
        let effects = self.pause();
        if self.predict.as_ref().is_some_and(|p| p.revealed.is_none()) {
            return effects;
        }
        self.predict = Some(Prediction {
            batch: self.batches_in_context() + 1,
            typed: Default::default(),
            revealed: None,
            held: Vec::new(),
            context: self.context,
        });
        effects
    }

    /// The class typed `text` as `mode`'s output.
    pub(super) fn predict_type(&mut self, mode: Mode, text: String) {
        if let Some(p) = self.predict.as_mut().filter(|p| p.revealed.is_none()) {
            p.typed[mode.index()] = text;
        }
    }

    /// "Reveal": runs the predicted batch, marks the prediction, and lets the lines that waited into the next
    /// batch.
    pub(super) fn predict_reveal(&mut self) -> Vec<Effect> {
        if self.predict.as_ref().is_none_or(|p| p.revealed.is_some()) {
            return Vec::new();
        }
        let effects = self.step();
        let Some(p) = self.predict.take() else {
            return effects;
        };
        let entry = self.log.last().filter(|e| e.batch == p.batch);
        let Some(entry) = entry else {
            // The batch did not run (nothing should stop it once paused): say so rather than mark nothing.
            self.notify(
                super::Level::Warn,
                "The predicted batch did not run, so there is nothing to mark.".to_string(),
            );
            self.take_lines(&p.held);
            return effects;
        };
        let in_batch = |key: MessageType| {
            entry
                .records(Mode::Stateless)
                .and_then(|r| r.iter().find(|(k, _)| *k == key).map(|(_, c)| *c))
        };
        let modes = Mode::ALL
            .into_iter()
            .map(|mode| {
                let printed = entry.records(mode);
                ModeReveal {
                    mode,
                    printed: printed.map(|r| r.iter().map(|&(k, c)| record_text(k, c)).collect()),
                    marks: mark(mode, &p.typed[mode.index()], printed, in_batch),
                }
            })
            .collect();
        let reveal = Reveal {
            batch: entry.batch,
            time_label: entry.time_label.clone(),
            modes,
        };
        self.take_lines(&p.held);
        self.predict = Some(Prediction {
            revealed: Some(reveal),
            held: Vec::new(),
            ..p
        });
        effects
    }

    /// Closes the prediction; lines that waited enter the open batch.
    pub(super) fn predict_close(&mut self) {
        if let Some(p) = self.predict.take() {
            self.take_lines(&p.held);
        }
    }

    /// While a prediction is open, lines that arrive wait for the batch after it (at most
    /// [`MAX_PENDING_LINES`], the rest dropped and counted); returns whether it took them.
    pub(super) fn predict_hold<S: AsRef<str>>(&mut self, lines: &[S]) -> bool {
        let Some(p) = self.predict.as_mut().filter(|p| p.revealed.is_none()) else {
            return false;
        };
        let take = lines
            .len()
            .min(MAX_PENDING_LINES.saturating_sub(p.held.len()));
        p.held
            .extend(lines[..take].iter().map(|l| l.as_ref().to_string()));
        self.stats.lines_dropped_full += (lines.len() - take) as u64;
        true
    }

    /// After any action: an open prediction ends when its batch can no longer be the next one run by Reveal
    /// (the clock resumed, a batch was stepped, a new context started); a revealed one ends with its context.
    pub(super) fn predict_follow(&mut self) {
        let stale = self.predict.as_ref().is_some_and(|p| {
            p.context != self.context
                || (p.revealed.is_none()
                    && (!self.paused || self.batches_in_context() + 1 != p.batch))
        });
        if stale {
            self.predict_close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::get_message_type;
    use crate::model::{Action, BootParams};

    const T0: i64 = 1_795_000_000_000;

    fn lab(query: &str) -> Lab {
        let mut lab = Lab::boot(None, T0, &BootParams::from_query(query), "ws://x/ws");
        lab.start();
        lab
    }

    fn lines(lines: &[&str]) -> Action {
        Action::SimLines(lines.iter().map(|l| l.to_string()).collect())
    }

    fn typed(lab: &mut Lab, mode: Mode, text: &str) {
        lab.apply(Action::PredictType {
            mode,
            text: text.to_string(),
        });
    }

    fn marks(lab: &Lab, mode: Mode) -> Vec<(Verdict, String, String)> {
        let reveal = lab.prediction().unwrap().revealed.as_ref().unwrap();
        reveal.modes[mode.index()]
            .marks
            .iter()
            .map(|m| (m.verdict, m.record.clone(), m.why.clone()))
            .collect()
    }

    /// The per-batch counts of `lines`, with the notebook's own classifier, as `pprint` lines.
    fn stateless_answer(lines: &[String]) -> String {
        let mut counts: Vec<(MessageType, i64)> = Vec::new();
        for l in lines {
            let t = get_message_type(l);
            match counts.iter_mut().find(|(k, _)| *k == t) {
                Some((_, c)) => *c += 1,
                None => counts.push((t, 1)),
            }
        }
        counts
            .iter()
            .map(|&(k, c)| format!("(\"{}\",{c})\n", k.as_str()))
            .collect()
    }

    #[test]
    fn records_are_read_leniently_and_anything_else_is_named_in_words() {
        for ok in [
            "('error', 3)",
            "(\"error\",3)",
            "  ( 'error' , 3 )  ",
            "error, 3",
        ] {
            assert_eq!(parse_record(ok), Ok(("error".to_string(), 3)), "{ok}");
        }
        let e = parse_record("error 3").unwrap_err();
        assert!(
            e.starts_with("not a record: \"error 3\" has no comma"),
            "{e}"
        );
        let e = parse_record("('error', three)").unwrap_err();
        assert!(e.contains("\"three\" where the count"), "{e}");
        assert!(parse_record("(, 3)").unwrap_err().contains("has no key"));
    }

    #[test]
    fn a_correct_prediction_of_the_lines_shown_is_all_right() {
        let mut lab = lab("source=sim&interval=1&window=2&slide=1");
        lab.apply(lines(&["[error] a", "[info] b", "[error] c", "plain"]));
        lab.apply(Action::PredictStart);
        assert!(lab.paused);
        let shown = lab.sample.open().to_vec();
        assert_eq!(shown.len(), 4);
        let answer = stateless_answer(&shown);
        for mode in Mode::ALL {
            typed(&mut lab, mode, &answer);
        }
        lab.apply(Action::PredictReveal);
        assert_eq!(lab.stats.batches_run, 1);
        for mode in Mode::ALL {
            let m = marks(&lab, mode);
            assert_eq!(m.len(), 3, "{mode:?}: {m:?}");
            assert!(
                m.iter().all(|(v, ..)| *v == Verdict::Right),
                "{mode:?}: {m:?}"
            );
        }
    }

    #[test]
    fn a_wrong_count_is_marked_with_the_printed_record_and_a_missed_key_is_listed() {
        let mut lab = lab("source=sim&interval=1");
        lab.apply(lines(&["[error] a", "[info] b", "[error] c"]));
        lab.apply(Action::Tick { now_ms: T0 + 1_000 });
        lab.apply(lines(&["[error] d"]));
        lab.apply(Action::PredictStart);
        typed(&mut lab, Mode::Cumulative, "('error', 1)\nnonsense");
        lab.apply(Action::PredictReveal);
        let m = marks(&lab, Mode::Cumulative);
        assert_eq!(
            m[0],
            (
                Verdict::Wrong,
                "('error', 1)".to_string(),
                "Spark printed ('error', 3) (earlier batches count too)".to_string()
            )
        );
        assert_eq!(m[1].0, Verdict::Wrong);
        assert!(m[1].2.starts_with("not a record: \"nonsense\""), "{m:?}");
        assert_eq!(
            m[2],
            (
                Verdict::Missed,
                "('info', 1)".to_string(),
                "printed, not predicted (kept by updateStateByKey, not in this batch)".to_string()
            )
        );
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn lines_arriving_while_predicting_wait_for_the_batch_after_it() {
        let mut lab = lab("source=sim&interval=1");
        lab.apply(lines(&["[error] a"]));
        lab.apply(Action::PredictStart);
        lab.apply(lines(&["[info] late", "[info] later"]));
        assert_eq!(lab.pending_lines(), 1);
        assert_eq!(lab.prediction().unwrap().waiting(), 2);
        typed(&mut lab, Mode::Stateless, "('error', 1)");
        lab.apply(Action::PredictReveal);
        assert_eq!(marks(&lab, Mode::Stateless).len(), 1);
        assert_eq!(lab.log().last().unwrap().lines, 1);
        assert_eq!(lab.pending_lines(), 2);
        assert_eq!(lab.sample.open(), ["[info] late", "[info] later"]);
    }

    #[test]
    fn a_prediction_after_a_reset_is_of_the_new_contexts_first_batch() {
        let mut lab = lab("source=sim&interval=1");
        for k in 1..=2 {
            lab.apply(lines(&["[info] a"]));
            lab.apply(Action::Tick {
                now_ms: T0 + k * 1_000,
            });
        }
        lab.apply(Action::Reset { now_ms: T0 + 2_100 });
        lab.apply(lines(&["[error] b"]));
        lab.apply(Action::PredictStart);
        assert_eq!(lab.prediction().unwrap().batch, 1);
        typed(&mut lab, Mode::Cumulative, "('error', 1)");
        lab.apply(Action::PredictReveal);
        assert_eq!(
            lab.prediction().unwrap().revealed.as_ref().unwrap().batch,
            1
        );
        assert_eq!(marks(&lab, Mode::Cumulative)[0].0, Verdict::Right);
    }

    #[test]
    fn resuming_the_clock_abandons_the_prediction_and_keeps_the_lines_that_waited() {
        let mut lab = lab("source=sim&interval=1");
        lab.apply(Action::PredictStart);
        lab.apply(lines(&["[info] late"]));
        lab.apply(Action::Resume);
        assert_eq!(lab.prediction(), None);
        assert_eq!(lab.pending_lines(), 1);
    }

    #[test]
    fn the_subtracting_window_and_its_zero_key_are_marked_as_printed() {
        // 1 s batches, a 5 s window sliding every second (PySpark subtracts from 5 slides on), inverse on and
        // zero keys kept (the defaults): at batch 6 the window subtracts batch 1's error and prints ('error', 0).
        let mut lab = lab("source=sim&interval=1&window=5&slide=1");
        assert!(lab.config().inverse && !lab.config().filter_zero);
        lab.apply(lines(&["[error] a"]));
        lab.apply(Action::Tick { now_ms: T0 + 1_000 });
        for k in 2..=5 {
            lab.apply(lines(&["[info] b"]));
            lab.apply(Action::Tick {
                now_ms: T0 + k * 1_000,
            });
        }
        lab.apply(lines(&["[info] c"]));
        lab.apply(Action::PredictStart);
        typed(&mut lab, Mode::Window, "('info', 5)\n");
        typed(&mut lab, Mode::Stateless, "('info', 1)\n('error', 0)");
        lab.apply(Action::PredictReveal);
        let window = marks(&lab, Mode::Window);
        assert_eq!(
            window,
            [
                (Verdict::Right, "('info', 5)".to_string(), "right".to_string()),
                (
                    Verdict::Missed,
                    "('error', 0)".to_string(),
                    "printed, not predicted (0: the inverse function subtracted what left the window)"
                        .to_string()
                ),
            ]
        );
        let stateless = marks(&lab, Mode::Stateless);
        assert_eq!(stateless[0].0, Verdict::Right);
        assert_eq!(
            stateless[1],
            (
                Verdict::Wrong,
                "('error', 0)".to_string(),
                "Spark printed no 'error' record at this batch".to_string()
            )
        );
    }

    #[test]
    fn output_predicted_for_a_batch_where_the_window_does_not_slide_is_wrong() {
        // A 2 s slide on 1 s batches: the window prints at batches 2, 4, ... and nothing at batch 1.
        let mut lab = lab("source=sim&interval=1&window=2&slide=2");
        lab.apply(lines(&["[error] a"]));
        lab.apply(Action::PredictStart);
        typed(&mut lab, Mode::Window, "('error', 1)");
        lab.apply(Action::PredictReveal);
        let reveal = lab.prediction().unwrap().revealed.clone().unwrap();
        assert_eq!(reveal.modes[Mode::Window.index()].printed, None);
        assert_eq!(
            marks(&lab, Mode::Window),
            [(
                Verdict::Wrong,
                "('error', 1)".to_string(),
                "the window job printed nothing at this batch: the window prints only when it slides"
                    .to_string()
            )]
        );
        // Predicting silence for it is right.
        lab.apply(Action::PredictClose);
        lab.apply(Action::PredictStart);
        lab.apply(Action::PredictReveal);
        lab.apply(Action::PredictStart);
        lab.apply(Action::PredictReveal);
        assert_eq!(lab.stats.batches_run, 3);
        assert_eq!(marks(&lab, Mode::Window)[0].0, Verdict::Right);
    }
}
