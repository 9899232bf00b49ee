//! "Predict, then reveal" in headless Chromium: the class predicts the next batch from the lines the page shows,
//! and Reveal marks each predicted record right or wrong.

use crate::axe_clean;
use crate::page::{click, open_subtracting_window, start_prediction, type_into, wait_js};
use dstream_notebook::{get_message_type, MessageType};
use fantoccini::{Client, Locator};
use std::time::Duration;

/// The lines the predict panel shows, and whether it shows them all.
const SHOWN: &str = r#"
const list = document.querySelector('[data-testid=predict-lines]');
return {
  lines: [...list.querySelectorAll('li code')].map(c => c.textContent),
  more: list.querySelector('.compare-more') !== null,
};
"#;

/// Each revealed mode's marks: `{mode: [[result, text], ...]}`.
const MARKS: &str = r#"
const out = {};
for (const box of document.querySelectorAll('[data-testid=predict] .predict-box[data-mode]')) {
  out[box.dataset.mode] = [...box.querySelectorAll('[data-testid=predict-mark]')]
    .map(m => [m.dataset.result, m.textContent]);
}
return out;
"#;

/// What the stateless mode's `pprint` prints for `lines`: the count per message type, by the notebook's rule.
fn stateless_answer(lines: &[String]) -> Vec<String> {
    let mut counts: Vec<(MessageType, usize)> = Vec::new();
    for l in lines {
        let t = get_message_type(l);
        match counts.iter_mut().find(|(k, _)| *k == t) {
            Some((_, c)) => *c += 1,
            None => counts.push((t, 1)),
        }
    }
    counts
        .iter()
        .map(|(k, c)| format!("('{}', {c})", k.as_str()))
        .collect()
}

async fn check(c: &Client, origin: &str, axe: &str) -> Result<(), String> {
    // The subtracting window: the hardest case to predict.
    open_subtracting_window(c, origin, &[("dstream-lab/theme", "light")]).await?;
    click(c, "pause").await?;
    // A known line in the open batch, so there is always something to predict.
    c.find(Locator::Css("[data-testid=inject-line]"))
        .await
        .map_err(|e| e.to_string())?
        .send_keys("[error] the class predicts this one")
        .await
        .map_err(|e| e.to_string())?;
    click(c, "inject-submit").await?;
    start_prediction(c).await?;
    let shown = c.execute(SHOWN, vec![]).await.map_err(|e| e.to_string())?;
    let lines: Vec<String> =
        serde_json::from_value(shown["lines"].clone()).map_err(|e| e.to_string())?;
    eprintln!("[predict] {} lines shown: {lines:?}", lines.len());
    let mut problems = Vec::new();
    if shown["more"].as_bool() != Some(false) {
        problems.push("the panel does not show every line of the batch".to_string());
    }
    let answer = stateless_answer(&lines);
    type_into(
        c,
        "[data-testid=predict-input][data-mode=stateless]",
        &answer.join("\n"),
    )
    .await?;
    // Deliberately wrong: no running total is ever negative.
    type_into(
        c,
        "[data-testid=predict-input][data-mode=cumulative]",
        "('error', -1)",
    )
    .await?;
    problems.extend(axe_clean(c, axe, "predicting").await);
    click(c, "predict-reveal").await?;
    wait_js(
        c,
        "return document.querySelectorAll('[data-testid=predict-mark]').length > 0;",
        Duration::from_secs(10),
        "the marks",
    )
    .await?;
    let marks = c.execute(MARKS, vec![]).await.map_err(|e| e.to_string())?;
    eprintln!("[predict] marks: {marks}");
    let of = |mode: &str| -> Vec<(String, String)> {
        serde_json::from_value(marks[mode].clone()).unwrap_or_default()
    };
    let stateless = of("stateless");
    if stateless.len() != answer.len() || stateless.iter().any(|(r, _)| r != "right") {
        problems.push(format!(
            "the right stateless prediction {answer:?} is not marked all right: {stateless:?}"
        ));
    }
    let cumulative = of("cumulative");
    let wrong = cumulative
        .iter()
        .find(|(_, text)| text.contains("('error', -1)"));
    match wrong {
        Some((r, text)) if r == "wrong" && text.contains("Spark printed ('error', ") => {}
        other => problems.push(format!(
            "the wrong running total is not marked wrong with Spark's record: {other:?}"
        )),
    }
    if !cumulative.iter().any(|(r, _)| r == "missed") {
        problems.push(format!(
            "the running totals nobody predicted are not listed as missed: {cumulative:?}"
        ));
    }
    if of("window").iter().any(|(r, _)| r != "missed") {
        problems.push("the window's records, not predicted, are not all missed".to_string());
    }
    problems.extend(axe_clean(c, axe, "revealed").await);
    crate::verdict(problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the release page (scripts/build-web.sh dist-web), axe-core and Debian chromium + chromedriver; run by scripts/test.sh"]
async fn a_prediction_of_the_shown_lines_is_marked_right_and_a_wrong_one_wrong() {
    crate::on_the_release_page("classroom-predict-logs", &["--window-size=1280,900"], check).await;
}
