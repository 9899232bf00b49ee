//! "Share a scenario": the last batches' settings and input, as a link or `replay`'s JSON file, replay to the very
//! consoles the page printed; a link or file that cannot be replayed is a notice, and the page runs on.

use super::*;
use crate::model::share::{ShareSummary, MAX_SCENARIO_BATCHES, MAX_SCENARIO_BYTES, SCENARIO_FILE};
use dstream_notebook::generator::LogGenerator;
use dstream_notebook::scenario::Scenario;

const PAGE: &str = "http://127.0.0.1:8080/";

/// A lesson on the built-in source: 1 s batches, a 4 s window sliding every 2 s, generated lines, a typed line,
/// an empty batch and a tick that catches up two batches.
fn lesson() -> Lab {
    let mut lab = boot_with("source=sim&interval=1&window=4&slide=2", T0);
    let mut gen = LogGenerator::new(16);
    for k in 1..=8_i64 {
        if k == 5 {
            continue;
        }
        let lines = (0..k * 3).map(|_| gen.next_line()).collect();
        lab.apply(Action::SimLines(lines));
        if k == 3 {
            lab.apply(Action::InjectLine("[error] typed in class".to_string()));
        }
        lab.apply(Action::Tick {
            now_ms: T0 + k * 1_000,
        });
    }
    assert_eq!(lab.stats.batches_run, 8);
    lab
}

fn consoles(lab: &Lab) -> Vec<String> {
    Mode::ALL.map(|m| lab.console(m).text()).to_vec()
}

/// The page's console blocks in the order `replay` prints them: batch by batch, mode by mode.
fn printed_in_replay_order(lab: &Lab) -> String {
    let mut blocks = Mode::ALL.map(|m| lab.console(m).blocks());
    let mut text = String::new();
    for entry in lab.log().entries() {
        for mode in Mode::ALL {
            if entry.records(mode).is_some() {
                text.push_str(
                    blocks[mode.index()]
                        .next()
                        .expect("a block per emitting batch"),
                );
            }
        }
    }
    text
}

fn downloaded(lab: &mut Lab) -> String {
    let effects = lab.apply(Action::ShareDownload);
    let [Effect::DownloadFile { name, mime, text }] = &effects[..] else {
        panic!("expected one download, got {effects:?}");
    };
    assert_eq!(
        (name.as_str(), mime.as_str()),
        (SCENARIO_FILE, "application/json")
    );
    text.clone()
}

fn copied_link(lab: &mut Lab) -> String {
    let effects = lab.apply(Action::ShareCopyLink {
        page: PAGE.to_string(),
    });
    let [Effect::CopyShareLink(url)] = &effects[..] else {
        panic!("expected the link copied, got {effects:?}");
    };
    assert_eq!(lab.share_link().map(|l| &l.url), Some(url));
    url.clone()
}

fn last_notice(lab: &Lab) -> String {
    lab.notices()
        .last()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_downloaded_scenario_replays_in_the_notebooks_replay_to_the_page_consoles_byte_for_byte() {
    let mut lab = lesson();
    let text = downloaded(&mut lab);
    let scenario = Scenario::parse(&text).expect("replay reads the page's scenario");
    assert_eq!(scenario.batches.len(), 8);
    assert!(scenario.batches[2].contains(&"[error] typed in class".to_string()));
    // The tick that caught up batches 5 and 6 left batch 6 empty.
    assert!(scenario.batches[5].is_empty(), "{:?}", scenario.batches[5]);
    // What `replay FILE` prints: every pipeline's blocks, batch by batch.
    let replay = scenario.run().expect("replay runs it");
    assert_eq!(replay.pprint, printed_in_replay_order(&lab));
    // And each pipeline alone prints its mode's console.
    for (mode, console) in Mode::ALL.into_iter().zip(consoles(&lab)) {
        let alone = Scenario {
            pipelines: vec![scenario.pipelines[mode.index()].clone()],
            ..scenario.clone()
        };
        assert_eq!(alone.run().unwrap().pprint, console, "{mode:?}");
        assert!(console.contains("Time: "), "{mode:?}: {console}");
    }
}

#[test]
fn a_copied_link_opens_on_the_same_consoles_paused_at_the_end() {
    let mut lab = lesson();
    let url = copied_link(&mut lab);
    lab.apply(Action::ShareLinkCopied(Ok(())));
    assert_eq!(lab.share_link().unwrap().copied, Some(Ok(())));
    let query = url.strip_prefix(PAGE).unwrap();
    // Opened an hour later: its batches keep their own times.
    let params = BootParams::from_query(query);
    assert!(params.errors.is_empty(), "{:?}", params.errors);
    let mut opened = Lab::boot(None, T0 + 3_600_000, &params, RELAY_URL);
    let effects = opened.start();
    assert_eq!(consoles(&opened), consoles(&lab));
    assert!(opened.paused);
    assert_eq!(opened.config(), lab.config());
    let times = |l: &Lab| -> Vec<String> {
        l.log()
            .entries()
            .iter()
            .map(|e| e.time_label.clone())
            .collect()
    };
    assert_eq!(times(&opened), times(&lab));
    assert!(effects.contains(&Effect::CancelBatchTimer), "{effects:?}");
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ArmBatchTimer { .. })),
        "{effects:?}"
    );
    assert!(saved_checkpoint(&effects).is_some(), "{effects:?}");
    let notice = last_notice(&opened);
    assert!(
        notice.starts_with("Replayed the scenario of the link: 8 batches, "),
        "{notice}"
    );
    assert!(notice.contains("Paused at its end"), "{notice}");
    // Shared again, the replay gives the same scenario.
    assert_eq!(downloaded(&mut opened), downloaded(&mut lab));
}

#[test]
fn a_loaded_file_replays_in_a_new_context_and_the_next_step_goes_on_from_its_clock() {
    let mut lab = lesson();
    let text = downloaded(&mut lab);
    let mut other = boot_with("source=sim", T0);
    let context = other.context;
    other.apply(Action::ShareLoad {
        file: "lesson.json".to_string(),
        text: Ok(text),
    });
    assert_eq!(other.context, context + 1);
    assert_eq!(consoles(&other), consoles(&lab));
    assert!(
        last_notice(&other).contains("from lesson.json"),
        "{}",
        last_notice(&other)
    );
    other.apply(Action::Step);
    assert_eq!(other.log().last().unwrap().time_ms, T0 + 9_000);
}

#[test]
fn a_cut_link_is_a_notice_and_the_page_runs_live() {
    let mut lab = lesson();
    let url = copied_link(&mut lab);
    let cut = &url[..url.len() - url.len() / 3];
    let mut opened = Lab::boot(
        None,
        T0,
        &BootParams::from_query(cut.strip_prefix(PAGE).unwrap()),
        RELAY_URL,
    );
    let effects = opened.start();
    assert!(!opened.paused);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ArmBatchTimer { .. })),
        "{effects:?}"
    );
    let notice = last_notice(&opened);
    assert!(
        notice.starts_with("Could not open the shared scenario: "),
        "{notice}"
    );
    assert!(notice.contains("cut short"), "{notice}");
}

#[test]
fn files_that_cannot_be_replayed_say_why_and_leave_the_page_as_it_was() {
    let mut lab = lesson();
    let before = consoles(&lab);
    let context = lab.context;
    let scenario = |rest: &str| {
        format!(r#"{{"batch_interval_s": 10, "batches": [["[info] a"]], "pipelines": [{rest}]}}"#)
    };
    let cases = [
        ("{".to_string(), "malformed scenario"),
        (scenario(r#"{"mode": "sliding"}"#), "pipelines[0]"),
        (
            scenario(r#"{"mode": "window", "window_s": 15}"#),
            "windowDuration must be multiple",
        ),
        (
            scenario(r#"{"mode": "stateless"}"#).replace(
                "\"batches\"",
                &format!("\"extra_batches\": {MAX_SCENARIO_BATCHES}, \"batches\""),
            ),
            "more than the 10000 the page replays",
        ),
        (" ".repeat(MAX_SCENARIO_BYTES + 1), "longer than 2 MiB"),
    ];
    for (text, why) in cases {
        lab.apply(Action::ShareLoad {
            file: "x.json".to_string(),
            text: Ok(text),
        });
        let notice = last_notice(&lab);
        assert!(
            notice.starts_with("Could not load the scenario x.json: "),
            "{notice}"
        );
        assert!(notice.contains(why), "{why}: {notice}");
    }
    lab.apply(Action::ShareLoad {
        file: "y.json".to_string(),
        text: Err("the file could not be read".to_string()),
    });
    assert!(
        last_notice(&lab).contains("y.json: the file could not be read"),
        "{}",
        last_notice(&lab)
    );
    assert_eq!(
        (consoles(&lab), lab.context, lab.paused),
        (before, context, false)
    );
}

#[test]
fn relay_lines_are_recorded_and_a_new_context_starts_the_record_over() {
    let mut lab = boot();
    assert_eq!(lab.share_summary(), ShareSummary::default());
    assert!(lab
        .apply(Action::ShareCopyLink {
            page: PAGE.to_string()
        })
        .is_empty());
    assert!(
        last_notice(&lab).contains("nothing to share"),
        "{}",
        last_notice(&lab)
    );
    open_relay(&mut lab);
    let seq = lab.source.seq;
    lab.apply(Action::RelayBinary {
        seq,
        data: b"[info] a\n[error] b\n".to_vec(),
    });
    lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    let s = lab.scenario().unwrap();
    assert_eq!(
        s.batches,
        vec![vec!["[info] a".to_string(), "[error] b".to_string()]]
    );
    assert_eq!(
        lab.share_summary().sentence(),
        "The link holds the last batch (batch 1)."
    );
    lab.apply(Action::Reset {
        now_ms: T0 + 12_000,
    });
    assert_eq!(
        lab.share_summary().sentence(),
        "No batch has run yet in this context: nothing to share."
    );
}

#[test]
fn the_share_box_says_how_many_batches_the_link_holds_and_what_it_leaves_out() {
    let mut lab = boot_with("source=sim&interval=1&window=2&slide=1", T0);
    let runs = crate::model::input_log::SHARE_BATCHES as i64 + 2;
    lab.apply(Action::Tick {
        now_ms: T0 + runs * 1_000,
    });
    let summary = lab.share_summary();
    assert_eq!((summary.batches as i64, summary.not_kept), (runs - 2, 2));
    assert_eq!(
        summary.sentence(),
        "The link holds the last 120 batches (batches 3 to 122); 2 earlier batches are not in it (too many lines, \
         or before a reload), so its replay starts from empty running totals and windows."
    );
    // The scenario's first batch keeps its time.
    let s = lab.scenario().unwrap();
    assert_eq!(s.start_ms() + 1_000, lab.log().entries()[2].time_ms);
}
