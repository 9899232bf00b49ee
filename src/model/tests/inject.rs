//! "Inject a line": the built-in source's open batch takes it at once; the relay gets it only when it allows
//! this page to, and a refusal is shown.

use super::*;

const TYPED: &str = "[error] typed in class";

#[test]
fn a_line_injected_into_the_built_in_source_is_counted_in_the_next_batch_by_all_three_modes() {
    // A window that slides with every batch, so the window's console prints this batch too.
    let mut lab = boot_with("source=sim&interval=1&window=2&slide=1", T0);
    sim_lines(&mut lab, "[info] a", 2);
    let effects = lab.apply(Action::InjectLine(TYPED.to_string()));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(lab.pending_lines(), 3);
    assert_eq!(lab.source.injected_lines, 1);
    assert_eq!(lab.inject_unavailable(), None);
    lab.apply(Action::Tick { now_ms: T0 + 1_000 });
    let b = &lab.log().entries()[0];
    for mode in Mode::ALL {
        assert_eq!(b.counts(mode), Some([2, 0, 1, 0]), "{mode:?}");
        assert!(
            lab.console(mode).text().contains("('error', 1)"),
            "{mode:?}: {}",
            lab.console(mode).text()
        );
    }
}

#[test]
fn a_relay_that_allows_this_page_gets_the_line_as_an_inject_message() {
    let mut lab = boot();
    open_relay(&mut lab);
    let seq = lab.source.seq;
    lab.apply(Action::RelayText {
        seq,
        text: HELLO.replace(
            "\"max_line_bytes\":1048576",
            "\"max_line_bytes\":1048576,\"inject\":true",
        ),
    });
    assert_eq!(lab.inject_unavailable(), None);
    let effects = lab.apply(Action::InjectLine(TYPED.to_string()));
    assert_eq!(
        effects,
        vec![Effect::SendToRelay(format!(
            r#"{{"type":"inject","line":"{TYPED}"}}"#
        ))]
    );
    // Nothing enters the batch until the relay sends the line back in the stream.
    assert_eq!(lab.pending_lines(), 0);
    // A refusal comes back as a message for this page only, and is shown.
    lab.apply(Action::RelayText {
        seq,
        text: r#"{"type":"inject_refused","reason":"more than 10 lines in one second: wait a moment and inject again"}"#
            .to_string(),
    });
    assert!(lab.notices().any(|n| n.text
        == "The relay did not inject your line: more than 10 lines in one second: wait a moment and inject again."));
    assert_eq!(lab.source.bad_status_frames, 0);
}

#[test]
fn a_relay_without_allow_inject_sends_nothing_and_the_page_says_how_to_start_it() {
    let mut lab = boot();
    open_relay(&mut lab);
    let why = lab.inject_unavailable().expect("the relay said no");
    assert!(why.contains("--allow-inject"), "{why}");
    let effects = lab.apply(Action::InjectLine(TYPED.to_string()));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(lab.source.injected_lines, 0);
    assert!(lab.notices().any(|n| n.text == why));
}

#[test]
fn an_empty_line_is_refused_with_a_reason() {
    let mut lab = boot_with("source=sim&interval=1", T0);
    lab.apply(Action::InjectLine(String::new()));
    assert_eq!(lab.pending_lines(), 0);
    assert!(lab
        .notices()
        .any(|n| n.text == "Cannot inject that line: an empty line: type a log line first."));
}
