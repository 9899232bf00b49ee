//! The state view: for the last batch, each call of the notebook's `updateFunction` as the notebook writes it.

use crate::engine::MessageType;
use crate::model::BatchEntry;

/// One call, ready to show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StateRow {
    /// The key the call was for.
    pub key: MessageType,
    /// `updateFunction(newValues=[3], runningCount=5) -> 8`.
    pub call: String,
    /// The key entered the state at this batch (`runningCount=None`).
    pub new_key: bool,
    /// No line of this type arrived (`newValues=[]`): the count is carried over unchanged.
    pub carried: bool,
    /// The running total after the call.
    pub result: Option<i64>,
}

/// Everything the state view draws.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StateView {
    /// 1-based batch number.
    pub batch: u64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub time_label: String,
    /// One row per call, in the order PySpark makes them.
    pub rows: Vec<StateRow>,
    /// One sentence on what the calls show.
    pub note: String,
}

/// The state view of the last batch.
pub fn state_view(last: &BatchEntry) -> StateView {
    let rows: Vec<StateRow> = last
        .state_calls
        .iter()
        .map(|c| StateRow {
            key: c.key,
            call: c.notebook_text(),
            new_key: c.running_count.is_none(),
            carried: c.new_values.is_empty(),
            result: c.result,
        })
        .collect();
    let note = if rows.is_empty() {
        "No key yet: updateStateByKey calls updateFunction only for keys in the state or in the batch.".to_string()
    } else {
        let carried = rows.iter().filter(|r| r.carried).count();
        let new = rows.iter().filter(|r| r.new_key).count();
        let mut s = format!(
            "updateStateByKey called updateFunction {} time{} at this batch: once per key in the state or in the batch.",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        );
        if new > 0 {
            s.push_str(" A key seen for the first time gets runningCount=None.");
        }
        if carried > 0 {
            s.push_str(" A key with no line in this batch gets newValues=[] and keeps its count.");
        }
        s
    };
    StateView {
        batch: last.batch,
        time_label: last.time_label.clone(),
        rows,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Mode, NotebookConfig, NotebookLab};
    use crate::model::batch_log::{BatchLog, Timing};

    #[test]
    fn calls_match_the_running_totals() {
        let mut lab = NotebookLab::new(NotebookConfig::default(), 0).unwrap();
        let mut log = BatchLog::default();
        let empty = state_view(&{
            let r = lab.run_batch();
            log.record(&r, Timing::default());
            log.last().unwrap().clone()
        });
        assert!(empty.rows.is_empty());
        assert!(empty.note.starts_with("No key yet"));
        for lines in [
            &["[info] a", "[info] b", "[error] c"][..],
            &["[notice] n", "[info] c"][..],
        ] {
            for l in lines {
                lab.push_line(l);
            }
            let r = lab.run_batch();
            log.record(&r, Timing::default());
        }
        let v = state_view(log.last().unwrap());
        assert_eq!(v.batch, 3);
        let calls: Vec<&str> = v.rows.iter().map(|r| r.call.as_str()).collect();
        assert!(calls.contains(&"updateFunction(newValues=[1], runningCount=2) -> 3"));
        assert!(calls.contains(&"updateFunction(newValues=[], runningCount=1) -> 1"));
        assert!(calls.contains(&"updateFunction(newValues=[1], runningCount=None) -> 1"));
        // The results, in call order, are the running totals the engine printed (same keys, same order).
        let last = log.last().unwrap();
        let totals = last.records(Mode::Cumulative).cloned().unwrap();
        let from_calls: Vec<(MessageType, i64)> =
            v.rows.iter().map(|r| (r.key, r.result.unwrap())).collect();
        let mut a = from_calls.clone();
        let mut b = totals.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert!(v.note.contains("3 times"));
        assert!(v.note.contains("runningCount=None"));
        assert!(v.note.contains("newValues=[]"));
    }
}
