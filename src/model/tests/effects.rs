//! The effects each action returns: what the runtime (sockets, timers, the built-in source) and the page (storage,
//! clipboard, downloads) are asked to do, and when.

use super::*;

fn closed(lab: &mut Lab, code: u16) -> Vec<Effect> {
    let seq = lab.source.seq;
    lab.apply(Action::RelayClosed {
        seq,
        code,
        reason: String::new(),
    })
}

#[test]
fn start_opens_the_relay_and_arms_the_batch_timer() {
    let (_, effects) = boot_started();
    assert_eq!(
        effects,
        vec![
            Effect::OpenRelay {
                seq: 1,
                url: RELAY_URL.into()
            },
            Effect::ArmBatchTimer { at_ms: T0 + 10_000 },
        ]
    );
    let mut lab = Lab::boot(
        None,
        T0,
        &BootParams::from_query("source=sim&rate=20"),
        "ws://x/ws",
    );
    assert_eq!(
        lab.start(),
        vec![
            Effect::ArmBatchTimer { at_ms: T0 + 10_000 },
            Effect::StartSim { rate: 20.0 },
        ]
    );
}

#[test]
fn relay_closed_arms_the_retry_with_the_back_off_and_starts_the_built_in_source() {
    let mut lab = boot();
    assert_eq!(
        closed(&mut lab, 1006),
        vec![
            Effect::CloseRelay,
            Effect::ArmRetry {
                seq: 1,
                delay_ms: 1_000
            },
            Effect::StartSim {
                rate: DEFAULT_SIM_RATE
            },
        ]
    );
    // The retry cancels the timer and opens a new socket; the built-in source keeps feeding meanwhile.
    assert_eq!(
        lab.apply(Action::RelayRetryNow { seq: 1 }),
        vec![
            Effect::CancelRetry,
            Effect::OpenRelay {
                seq: 2,
                url: RELAY_URL.into()
            },
        ]
    );
    assert_eq!(
        closed(&mut lab, 1006),
        vec![
            Effect::CloseRelay,
            Effect::ArmRetry {
                seq: 2,
                delay_ms: backoff_ms(2)
            },
        ]
    );
    // The retry timer's countdown changes the header only.
    assert_eq!(lab.apply(Action::RelayRetrySecond { seq: 2 }), vec![]);
    // A stale timer of the first attempt does nothing.
    assert_eq!(lab.apply(Action::RelayRetryNow { seq: 1 }), vec![]);
    lab.apply(Action::RelayRetryNow { seq: 2 });
    // When the relay answers, Auto switches to it: the built-in source stops, the socket stays.
    assert_eq!(open_relay(&mut lab), vec![Effect::StopSim]);
}

#[test]
fn losing_an_open_relay_backs_off_from_the_first_delay() {
    let mut lab = boot_with("source=relay", T0);
    open_relay(&mut lab);
    assert_eq!(
        closed(&mut lab, 1008),
        vec![
            Effect::CloseRelay,
            Effect::ArmRetry {
                seq: 1,
                delay_ms: backoff_ms(1)
            },
        ],
        "Relay only: nothing else starts"
    );
}

#[test]
fn reconnect_replaces_the_socket_or_the_retry_timer() {
    let mut lab = boot();
    assert_eq!(
        lab.apply(Action::Reconnect),
        vec![
            Effect::CloseRelay,
            Effect::OpenRelay {
                seq: 2,
                url: RELAY_URL.into()
            },
        ]
    );
    assert_eq!(lab.source.link, RelayLink::Connecting { attempt: 1 });
    closed(&mut lab, 1006);
    let effects = lab.apply(Action::Reconnect);
    assert_eq!(effects[0], Effect::CancelRetry);
    assert!(matches!(effects[1], Effect::OpenRelay { seq: 3, .. }));
    // The built-in source keeps feeding: an attempt already failed, so Auto switches only when the relay
    // answers.
    assert_eq!(effects.len(), 2, "{effects:?}");
}

#[test]
fn choosing_the_built_in_source_lets_go_of_the_relay() {
    let mut lab = boot();
    assert_eq!(
        lab.apply(Action::SetSource(SourceChoice::Simulated)),
        vec![
            Effect::CloseRelay,
            Effect::StartSim {
                rate: DEFAULT_SIM_RATE
            }
        ]
    );
    assert_eq!(lab.apply(Action::Reconnect), vec![], "no relay wanted");
    assert_eq!(
        lab.apply(Action::SetSource(SourceChoice::Simulated)),
        vec![]
    );
    // Back to Auto: a fresh first attempt, and nothing feeds until it answers or fails.
    assert_eq!(
        lab.apply(Action::SetSource(SourceChoice::Auto)),
        vec![
            Effect::OpenRelay {
                seq: 3,
                url: RELAY_URL.into()
            },
            Effect::StopSim
        ]
    );
    // Events of the socket let go of are ignored.
    assert_eq!(lab.apply(Action::RelayRetryNow { seq: 1 }), vec![]);
    // While retrying, choosing the built-in source cancels the retry timer.
    closed(&mut lab, 1006);
    assert_eq!(
        lab.apply(Action::SetSource(SourceChoice::Simulated)),
        vec![Effect::CancelRetry]
    );
}

#[test]
fn a_relay_url_entered_is_remembered_and_used() {
    let mut lab = boot();
    assert_eq!(
        lab.apply(Action::SetRelayUrl("  ws://h:9/ws ".into())),
        vec![
            Effect::RememberRelayUrl("ws://h:9/ws".into()),
            Effect::CloseRelay,
            Effect::OpenRelay {
                seq: 2,
                url: "ws://h:9/ws".into()
            },
        ]
    );
    assert_eq!(lab.apply(Action::SetRelayUrl("http://h/ws".into())), vec![]);
    assert!(lab
        .notices()
        .any(|n| n.level == Level::Error && n.text.contains("not a WebSocket URL")));
    assert_eq!(lab.source.relay_url, "ws://h:9/ws");
    // With only the built-in source wanted, the URL is kept for later, and no socket opens.
    lab.apply(Action::SetSource(SourceChoice::Simulated));
    assert_eq!(
        lab.apply(Action::SetRelayUrl("wss://h/ws".into())),
        vec![Effect::RememberRelayUrl("wss://h/ws".into())]
    );
}

#[test]
fn changing_the_rate_restarts_the_built_in_source_only_while_it_runs() {
    let mut lab = boot_with("source=sim", T0);
    assert_eq!(
        lab.apply(Action::SetSimRate(50.0)),
        vec![Effect::StartSim { rate: 50.0 }]
    );
    assert_eq!(lab.apply(Action::SetSimRate(50.0)), vec![], "same rate");
    assert_eq!(lab.apply(Action::SetSimRate(-1.0)), vec![], "refused");
    assert_eq!(
        lab.apply(Action::SetSimRate(1e12)),
        vec![Effect::StartSim { rate: MAX_SIM_RATE }]
    );
    // Auto, relay not failed yet: the built-in source is not running, so only the rate changes.
    let mut lab = boot();
    assert_eq!(lab.apply(Action::SetSimRate(50.0)), vec![]);
    assert_eq!(lab.source.sim_rate, 50.0);
}

#[test]
fn a_tick_arms_the_next_batch_and_saves_a_checkpoint_when_a_batch_ran() {
    let mut lab = boot();
    // Early (the timer fired before the boundary): nothing ran, nothing to save, the timer is re-armed.
    assert_eq!(
        lab.apply(Action::Tick { now_ms: T0 + 9_999 }),
        vec![Effect::ArmBatchTimer { at_ms: T0 + 10_000 }]
    );
    let effects = lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    assert_eq!(effects.len(), 2, "{effects:?}");
    assert_eq!(effects[0], Effect::ArmBatchTimer { at_ms: T0 + 20_000 });
    let cp = saved_checkpoint(&effects).expect("a checkpoint after the batch");
    assert_eq!((cp.batch, &cp.config), (1, &NotebookConfig::default()));
}

#[test]
fn pause_stops_the_batch_timer_and_resume_rearms_it() {
    let mut lab = boot();
    assert_eq!(lab.apply(Action::Pause), vec![Effect::CancelBatchTimer]);
    assert_eq!(lab.apply(Action::Pause), vec![]);
    assert_eq!(
        lab.apply(Action::Tick {
            now_ms: T0 + 60_000
        }),
        vec![]
    );
    let effects = lab.apply(Action::Step);
    assert_eq!(effects.len(), 1);
    assert!(saved_checkpoint(&effects).is_some());
    // A restart while paused clears the checkpoint but leaves the clock stopped.
    assert_eq!(
        lab.apply(Action::Reset {
            now_ms: T0 + 61_000
        }),
        vec![Effect::ClearCheckpoint]
    );
    assert_eq!(
        lab.apply(Action::Resume),
        vec![Effect::ArmBatchTimer { at_ms: T0 + 70_000 }]
    );
    assert_eq!(lab.apply(Action::Resume), vec![]);
    assert_eq!(lab.apply(Action::Step), vec![], "steps only while paused");
}

#[test]
fn clearing_the_checkpoint_starts_a_new_context() {
    let mut lab = boot();
    lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    assert_eq!(
        lab.apply(Action::CheckpointCleared {
            now_ms: T0 + 12_000
        }),
        vec![
            Effect::ClearCheckpoint,
            Effect::ArmBatchTimer { at_ms: T0 + 20_000 }
        ]
    );
    assert_eq!(lab.context, 1);
    assert!(lab.log().entries().is_empty());
    assert!(lab
        .notices()
        .any(|n| n.text.starts_with("Checkpoint cleared")));
}
