//! Time travel driven through the reducer: what the page shows as of batch k is what it showed right after
//! batch k ran, captured while the batches ran.

use super::*;
use crate::model::compare::CompareView;
use crate::model::{Action, BootParams, JobStatus, LOG_BATCHES};
use crate::teach::program::{program_views, ProgramViews};
use crate::teach::trigger::{trigger_story, TriggerStory};
use crate::teach::{views, TeachViews};

const T0: i64 = 1_795_000_000_000; // a multiple of 10 s

/// The page booted with the built-in source and these settings (10 s batches unless told).
fn booted(query: &str) -> Lab {
    let params = BootParams::from_query(&format!("source=sim&{query}"));
    let mut lab = Lab::boot(None, T0 + 3_000, &params, "ws://x/ws");
    lab.start();
    lab
}

/// Ends the page's batch `k` (1-based from boot, 10 s batches) after feeding lines that vary with `k`, so
/// consecutive batches differ.
fn batch(lab: &mut Lab, k: i64) {
    let lines: Vec<String> = (0..(k % 4))
        .map(|i| {
            format!(
                "[{}] line {k}.{i}",
                ["info", "error", "notice"][(i + k) as usize % 3]
            )
        })
        .chain(std::iter::once("no level".to_string()))
        .collect();
    lab.apply(Action::SimLines(lines));
    lab.apply(Action::Tick {
        now_ms: T0 + k * 10_000,
    });
}

/// Everything the page shows of one batch, read as the page reads it.
#[derive(Debug, PartialEq)]
struct Shown {
    batch: Option<u64>,
    consoles: Vec<ConsoleText>,
    jobs: Vec<ConsoleText>,
    job_views: Vec<ProgramViews>,
    job_triggers: Vec<Option<TriggerStory>>,
    compare: Option<CompareView>,
    teach: TeachViews,
    points: Vec<Vec<crate::chart::ChartPoint>>,
}

fn shown(lab: &Lab) -> Shown {
    let log = lab.viewed_log();
    Shown {
        batch: lab.viewed_batch(),
        consoles: Mode::ALL.map(|m| lab.viewed_console(m)).to_vec(),
        jobs: lab
            .jobs()
            .iter()
            .map(|j| lab.viewed_job_console(j))
            .collect(),
        job_views: lab
            .jobs()
            .iter()
            .map(|j| program_views(&lab.viewed_job_batches(j)))
            .collect(),
        job_triggers: lab
            .jobs()
            .iter()
            .map(|j| trigger_story(&lab.viewed_job_batches(j)))
            .collect(),
        compare: lab.compare_view(),
        teach: views(&log, lab.config(), &lab.mode_graphs()),
        points: Mode::ALL.map(|m| log.points(m)).to_vec(),
    }
}

fn travel(lab: &mut Lab, to: TravelMove) {
    assert_eq!(lab.apply(Action::Travel(to)), []);
}

#[test]
fn batch_k_shows_exactly_what_the_page_showed_right_after_batch_k_ran() {
    // The window (30 s, sliding every 20 s) prints every other batch; student jobs print their own consoles and
    // have their own views (windows, update calls, a Structured Streaming trigger's state store).
    let mut lab = booted("window=30&slide=20");
    for example in [
        "notebook_window",
        "notebook_cumulative",
        "structured_windowed_update",
    ] {
        lab.apply(Action::JobNew {
            example: example.to_string(),
        });
        let id = lab.jobs().iter().last().unwrap().id;
        lab.apply(Action::JobRun { id });
    }
    // More batches than the log keeps, so blocks had scrolled out of the consoles and batches out of the log
    // (charts, statistics) at the batches travelled to, and have been forgotten since.
    let n = (LOG_BATCHES + TRAVEL_BATCHES + 30) as i64;
    let mut captured = Vec::new();
    for k in 1..=n {
        batch(&mut lab, k);
        captured.push(shown(&lab));
    }
    for j in lab.jobs().iter() {
        assert!(matches!(j.status, JobStatus::Running { .. }));
    }
    let (first, last) = lab.travel_range().unwrap();
    assert_eq!(
        (first, last),
        (n as u64 - TRAVEL_BATCHES as u64 + 1, n as u64)
    );
    let oldest = &captured[first as usize - 1];
    assert!(oldest.consoles[0].dropped > 0);
    assert_eq!(oldest.teach.metrics.batches, LOG_BATCHES);
    assert_eq!(
        lab.log().entries().front().map(|e| e.batch),
        Some(n as u64 - LOG_BATCHES as u64 + 1)
    );
    for k in first..last {
        travel(&mut lab, TravelMove::To(k));
        assert_eq!(lab.viewed_batch(), Some(k));
        let now = shown(&lab);
        let then = &captured[k as usize - 1];
        assert!(!then.jobs[0].blocks.is_empty() && !then.consoles[2].blocks.is_empty());
        assert_ne!(then.job_views, captured[k as usize].job_views);
        assert_ne!(then.job_triggers[2], captured[k as usize].job_triggers[2]);
        assert!(then.job_triggers[2].is_some());
        assert_eq!(&now, then, "batch {k}");
    }
    travel(&mut lab, TravelMove::Now);
    assert_eq!(&shown(&lab), captured.last().unwrap());
}

#[test]
fn the_cursor_is_clamped_to_the_batches_kept_and_reaching_the_last_is_live() {
    let mut lab = booted("interval=1");
    assert_eq!(lab.travel_range(), None);
    travel(&mut lab, TravelMove::Back);
    assert_eq!((lab.viewed_batch(), lab.travel_span()), (None, None));
    let run = |lab: &mut Lab, batches: std::ops::RangeInclusive<i64>| {
        for k in batches {
            lab.apply(Action::SimLines(vec!["[info] a".to_string()]));
            lab.apply(Action::Tick {
                now_ms: T0 + 3_000 + k * 1_000,
            });
        }
    };
    run(&mut lab, 1..=5);
    travel(&mut lab, TravelMove::To(0));
    assert_eq!(lab.viewed_batch(), Some(1));
    travel(&mut lab, TravelMove::Back);
    assert_eq!(lab.viewed_batch(), Some(1));
    travel(&mut lab, TravelMove::Forward);
    let batch_two = lab.log().entries()[1].time_label.clone();
    assert_eq!(
        lab.travel_span(),
        Some(TravelSpan {
            first: 1,
            last: 5,
            viewed: 2,
            time_label: batch_two,
            past: true
        })
    );
    travel(&mut lab, TravelMove::To(99));
    assert_eq!(
        lab.travel_span().map(|s| (s.viewed, s.past)),
        Some((5, false))
    );
    travel(&mut lab, TravelMove::Back);
    travel(&mut lab, TravelMove::Forward);
    assert_eq!(
        lab.travel_span().map(|s| (s.viewed, s.past)),
        Some((5, false))
    );
    // Far more batches than time travel reaches: the oldest ones leave its range, and a view of one of them
    // moves to the oldest still kept.
    travel(&mut lab, TravelMove::To(3));
    run(&mut lab, 6..=(TRAVEL_BATCHES as i64 + 10));
    let (first, last) = lab.travel_range().unwrap();
    assert_eq!((first, last), (11, TRAVEL_BATCHES as u64 + 10));
    assert_eq!(lab.viewed_batch(), Some(first));
    travel(&mut lab, TravelMove::To(2));
    assert_eq!(lab.viewed_batch(), Some(first));
}

#[test]
fn live_follows_new_batches_the_past_stays_put_and_a_new_context_is_live() {
    let mut lab = booted("");
    for k in 1..=3 {
        batch(&mut lab, k);
    }
    assert_eq!(lab.viewed_batch(), Some(3));
    batch(&mut lab, 4);
    assert_eq!(lab.viewed_batch(), Some(4));
    travel(&mut lab, TravelMove::Back);
    let at_three = lab.viewed_console(Mode::Stateless);
    // The stream keeps running while the page shows batch 3.
    batch(&mut lab, 5);
    batch(&mut lab, 6);
    assert_eq!(lab.travel_span().map(|s| (s.viewed, s.last)), Some((3, 6)));
    assert_eq!(lab.viewed_console(Mode::Stateless), at_three);
    assert_ne!(lab.console(Mode::Stateless).text(), at_three.text());
    // Paused, a step runs one more batch and the view stays too.
    lab.apply(Action::Pause);
    lab.apply(Action::Step);
    assert_eq!(lab.travel_span().map(|s| (s.viewed, s.last)), Some((3, 7)));
    travel(&mut lab, TravelMove::Now);
    assert_eq!(lab.viewed_batch(), Some(7));
    assert_eq!(
        lab.viewed_console(Mode::Stateless).text(),
        lab.console(Mode::Stateless).text()
    );
    travel(&mut lab, TravelMove::To(2));
    lab.apply(Action::Reset {
        now_ms: T0 + 75_000,
    });
    assert_eq!((lab.viewed_batch(), lab.travel_range()), (None, None));
    lab.apply(Action::Resume);
    lab.apply(Action::Tick {
        now_ms: T0 + 80_000,
    });
    assert_eq!(
        lab.travel_span().map(|s| (s.viewed, s.past)),
        Some((1, false))
    );
}
