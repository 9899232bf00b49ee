//! axe-core (npm's `axe-core`, installed by `scripts/setup.sh test` under `target/tools/axe`) run on the page in a
//! WebDriver session: its violations.

use fantoccini::Client;
use std::path::PathBuf;

use super::support::workspace;

/// One axe-core finding: the rule, how bad, what it asks, where (a few CSS selectors).
#[derive(Debug, serde::Deserialize)]
pub struct Violation {
    /// The rule.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: Option<String>,
    /// What the rule asks.
    pub help: String,
    /// Where (CSS selectors of the first few elements).
    pub nodes: Vec<String>,
}

impl Violation {
    /// Serious or critical: the page must have none.
    pub fn blocks(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

/// Runs axe-core on the whole document and returns its violations.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }))))
  .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));
"#;

/// axe-core's script: `AXE_CORE_JS`, or the copy `scripts/setup.sh test` installs.
pub fn axe_source() -> Result<String, String> {
    let path = std::env::var("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace().join("target/tools/axe/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e}: install axe-core with `bash scripts/setup.sh test` (or set AXE_CORE_JS)",
            path.display()
        )
    })
}

/// Injects axe-core (the text of [`axe_source`]) into the page and returns its violations on the whole document.
pub async fn run_axe(c: &Client, axe: &str) -> Result<Vec<Violation>, String> {
    c.execute(&format!("{axe}\nreturn true;"), vec![])
        .await
        .map_err(|e| format!("injecting axe-core: {e}"))?;
    let found = c
        .execute_async(RUN_AXE, vec![])
        .await
        .map_err(|e| format!("running axe-core: {e}"))?;
    serde_json::from_value(found).map_err(|e| format!("axe-core's answer: {e}"))
}
