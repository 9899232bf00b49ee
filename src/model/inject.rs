//! "Inject a line": a line typed in class enters the open batch. The built-in source takes it at once; the relay
//! takes it only when it allows this page to (`--allow-inject`), and then sends it to every page and to the
//! `--tee` Spark, so it comes back here in the stream like any other line.

use dstream_protocol::{inject_problem, ClientMessage, DEFAULT_MAX_LINE_BYTES};

use super::effect::Effect;
use super::notices::Level;
use super::source::SourceKind;
use super::Lab;

impl Lab {
    /// Puts `line` into the open batch through the source feeding the engine, or says why it cannot.
    pub(super) fn inject_line(&mut self, line: String) -> Vec<Effect> {
        if let Some(why) = self.inject_unavailable() {
            self.notify(Level::Warn, why);
            return Vec::new();
        }
        // Past that check, the built-in source feeds the engine, or a relay that takes this page's lines.
        let through_relay = self.source.feeding() == Some(SourceKind::Relay);
        let cap = if through_relay {
            usize::try_from(self.source.status.latest.max_line_bytes)
                .ok()
                .filter(|&cap| cap > 0)
                .unwrap_or(DEFAULT_MAX_LINE_BYTES)
        } else {
            DEFAULT_MAX_LINE_BYTES
        };
        if let Some(why) = inject_problem(&line, cap) {
            self.notify(Level::Error, format!("Cannot inject that line: {why}."));
            return Vec::new();
        }
        self.source.injected_lines += 1;
        if through_relay {
            vec![Effect::SendToRelay(
                ClientMessage::Inject { line }.to_json(),
            )]
        } else {
            self.ingest(SourceKind::Simulated, &[line]);
            Vec::new()
        }
    }

    /// Why a typed line cannot enter the stream right now, in a sentence for the form; `None` when it can.
    pub fn inject_unavailable(&self) -> Option<String> {
        match self.source.feeding() {
            Some(SourceKind::Simulated) => None,
            Some(SourceKind::Relay) if self.source.status.latest.inject => None,
            Some(SourceKind::Relay) => Some(
                "The relay does not take typed lines from this page: start it with --allow-inject (pages on its \
                 machine) or --allow-inject-from-all (every page)."
                    .to_string(),
            ),
            None => Some(
                "No source feeds the lab right now, so there is no batch to put a line in.".to_string(),
            ),
        }
    }
}
