//! The messages cross as bytes unchanged, and a page's effect carries what the next load reads back.

use super::*;
use crate::model::page::PageViews;

const T0: i64 = 1_795_000_000_000;

fn inputs() -> PageInputs {
    PageInputs {
        query: "source=sim".to_string(),
        relay_url: "ws://x/ws".to_string(),
        now_ms: T0 + 3_000,
        ..PageInputs::default()
    }
}

/// The page's effects among `effects`, as the page gets them.
fn page_effects(effects: Vec<Effect>) -> Vec<PageEffect> {
    effects
        .into_iter()
        .filter_map(|e| match carried(e) {
            Carried::Page(p) => Some(p),
            _ => None,
        })
        .collect()
}

#[test]
fn messages_cross_as_bytes_unchanged() {
    let mut lab = Lab::boot_page(&inputs());
    lab.start();
    lab.apply(Action::SimLines(vec!["[error] a".to_string(); 3]));
    lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    let update = ToPage::Update(Box::new(PageViews::default().update(&lab, 7)));
    assert_eq!(decode::<ToPage>(&encode(&update).unwrap()), Ok(update));
    for message in [
        ToModel::Boot(inputs()),
        ToModel::Act {
            seq: 3,
            action: Action::JobEdit {
                id: 2,
                text: "lines = ssc.socketTextStream('localhost', 9999)\n".to_string(),
            },
        },
        ToModel::Act {
            seq: 4,
            action: Action::ShareLoad {
                file: "s.json".to_string(),
                text: Err("unreadable".to_string()),
            },
        },
    ] {
        assert_eq!(decode::<ToModel>(&encode(&message).unwrap()), Ok(message));
    }
    assert!(
        decode::<ToModel>(&[200, 1, 2]).is_err(),
        "garbage is an error, not a panic"
    );
}

#[test]
fn the_checkpoint_the_page_stores_is_the_one_the_next_load_restores() {
    let mut lab = Lab::boot_page(&inputs());
    lab.start();
    lab.apply(Action::SimLines(vec!["[error] a".to_string(); 3]));
    let effects = lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    let stored = page_effects(effects)
        .into_iter()
        .find_map(|e| match e {
            PageEffect::Store { key, text, failed } if key == STORAGE_KEY => {
                assert_eq!(failed, Some(Saved::Checkpoint));
                Some(text)
            }
            _ => None,
        })
        .expect("the batch's checkpoint, for the page to store");
    let reloaded = Lab::boot_page(&PageInputs {
        checkpoint: Some(stored),
        now_ms: T0 + 12_000,
        ..inputs()
    });
    let notices: Vec<_> = reloaded.notices().map(|n| n.text.clone()).collect();
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with("Restored from the checkpoint") && n.contains("as of batch 1")),
        "{notices:?}"
    );
}

#[test]
fn the_model_keeps_its_sockets_and_timers_and_the_page_answers_failures_and_copies() {
    let (_, effects) = {
        let mut lab = Lab::boot_page(&inputs());
        let effects = lab.start();
        (lab, effects)
    };
    assert!(effects
        .iter()
        .any(|e| matches!(carried(e.clone()), Carried::Model(Effect::StartSim { .. }))));
    assert_eq!(
        Saved::Jobs.failed("full".into()),
        Action::JobsSaveFailed("full".into())
    );
    assert_eq!(
        Copied::JobLink(4).answer(Ok(())),
        Action::JobLinkCopied {
            id: 4,
            result: Ok(())
        }
    );
}
