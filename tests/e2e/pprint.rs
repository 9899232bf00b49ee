//! Reading what the page's consoles show: PySpark `pprint()` blocks, their records, and per-type counts.

use dstream_engine::pprint::RULE;
use dstream_notebook::generator::LogGenerator;
use dstream_notebook::{get_message_type, MessageType};
use std::collections::BTreeMap;

/// Per message type counts (`info`, `notice`, `error`, `unknown`), types with no line left out, as pprint shows.
pub type Counts = BTreeMap<String, i64>;

/// One `pprint()` block as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// `YYYY-MM-DD HH:MM:SS` from the block's `Time:` line.
    pub time: String,
    /// The whole block text, header to the trailing empty line.
    pub raw: String,
    /// The `('type', n)` records it printed, in order.
    pub records: Vec<(String, i64)>,
}

impl Block {
    /// The records as counts.
    pub fn counts(&self) -> Counts {
        self.records.iter().cloned().collect()
    }

    /// The sum of the printed counts.
    pub fn total(&self) -> i64 {
        self.records.iter().map(|(_, n)| n).sum()
    }
}

/// Splits a console's text into its blocks (oldest first); `Err` names text that is not pprint output.
pub fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let header = format!("{RULE}\nTime: ");
    let mut starts: Vec<usize> = text.match_indices(&header).map(|(i, _)| i).collect();
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    if starts.first() != Some(&0) {
        return Err(format!(
            "console text does not start with a pprint header: {:?}",
            text.chars().take(120).collect::<String>()
        ));
    }
    starts.push(text.len());
    let mut out = Vec::new();
    for w in starts.windows(2) {
        let raw = &text[w[0]..w[1]];
        let mut lines = raw.lines();
        let _rule = lines.next();
        let time = lines
            .next()
            .and_then(|l| l.strip_prefix("Time: "))
            .ok_or_else(|| format!("block without a Time line: {raw:?}"))?
            .to_string();
        if lines.next() != Some(RULE) {
            return Err(format!("block without its second rule: {raw:?}"));
        }
        let mut records = Vec::new();
        for line in lines {
            if line.is_empty() {
                break;
            }
            records.push(
                parse_record(line)
                    .ok_or_else(|| format!("unreadable record {line:?} in {raw:?}"))?,
            );
        }
        out.push(Block {
            time,
            raw: raw.to_string(),
            records,
        });
    }
    Ok(out)
}

/// `('info', 12)` -> `("info", 12)`.
fn parse_record(line: &str) -> Option<(String, i64)> {
    let inner = line.strip_prefix("('")?.strip_suffix(')')?;
    let (key, n) = inner.split_once("', ")?;
    Some((key.to_string(), n.trim().parse().ok()?))
}

/// The first `n` lines of the seeded generator (what `send-messages --seed seed --count n` sends).
pub fn generated_lines(seed: u64, n: usize) -> Vec<String> {
    let mut g = LogGenerator::new(seed);
    (0..n).map(|_| g.next_line()).collect()
}

/// Per-type counts of `lines`, classified as the notebook's `get_message_type` does.
pub fn count_types<'a>(lines: impl IntoIterator<Item = &'a String>) -> Counts {
    let mut c = Counts::new();
    for l in lines {
        *c.entry(get_message_type(l).as_str().to_string())
            .or_default() += 1;
    }
    c
}

/// Sum of several blocks' counts, per type.
pub fn sum_counts<'a>(blocks: impl IntoIterator<Item = &'a Block>) -> Counts {
    let mut c = Counts::new();
    for b in blocks {
        for (k, n) in &b.records {
            *c.entry(k.clone()).or_default() += n;
        }
    }
    c.retain(|_, n| *n != 0);
    c
}

/// Synthetic lines that classify to `counts` (`[info] x`, `[notice] x`, `[error] x`, `x`).
pub fn lines_for(counts: &Counts) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (k, &n) in counts {
        let line = match k.as_str() {
            "info" => "[info] x",
            "notice" => "[notice] x",
            "error" => "[error] x",
            "unknown" => "x",
            other => return Err(format!("unexpected key {other:?} in a stateless block")),
        };
        if n < 0 {
            return Err(format!("negative stateless count {k}: {n}"));
        }
        out.extend(std::iter::repeat_n(line.to_string(), n as usize));
    }
    debug_assert!(MessageType::ALL.len() == 4);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_records() {
        let text = format!(
            "{RULE}\nTime: 2026-11-24 10:00:01\n{RULE}\n('info', 3)\n('error', 1)\n\n\
             {RULE}\nTime: 2026-11-24 10:00:02\n{RULE}\n\n"
        );
        let b = blocks(&text).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].time, "2026-11-24 10:00:01");
        assert_eq!(b[0].records, vec![("info".into(), 3), ("error".into(), 1)]);
        assert_eq!(b[0].total(), 4);
        assert!(b[1].records.is_empty());
        assert_eq!(b.iter().map(|b| b.raw.as_str()).collect::<String>(), text);
        let lines = lines_for(&b[0].counts()).unwrap();
        assert_eq!(count_types(&lines), b[0].counts());
    }
}
