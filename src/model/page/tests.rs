//! The page's copy, kept by merging updates that crossed from the worker as bytes, equals the page built from the
//! view model at once; an update carries only what changed.

use super::*;
use crate::model::{Action, BootParams};

const T0: i64 = 1_795_000_000_000;

fn boot() -> Lab {
    let mut lab = Lab::boot(
        None,
        T0 + 3_000,
        &BootParams::from_query("source=sim"),
        "ws://x/ws",
    );
    lab.start();
    lab
}

/// `update` as the page receives it from the worker.
fn carried(update: &PageUpdate) -> PageUpdate {
    let bytes = crate::model::wire::encode(update).expect("an update is written");
    crate::model::wire::decode(&bytes).expect("an update is read")
}

/// The page a fresh page would get from `lab` now.
fn fresh(lab: &Lab, acked: u64) -> Page {
    Page::first(PageViews::default().update(lab, acked)).expect("a first update carries every part")
}

fn lines(lab: &mut Lab, lines: &[&str]) {
    lab.apply(Action::SimLines(
        lines.iter().map(|l| l.to_string()).collect(),
    ));
}

/// One thing the student or the clock does.
type Step = Box<dyn Fn(&mut Lab)>;

#[test]
fn merged_updates_that_crossed_as_bytes_equal_the_page_built_at_once() {
    let mut lab = boot();
    let mut views = PageViews::default();
    let mut page = Page::first(carried(&views.update(&lab, 0))).expect("every part");
    let steps: Vec<Step> = vec![
        Box::new(|lab| lines(lab, &["[error] a", "[info] b", "[error] c"])),
        Box::new(|lab| {
            lab.apply(Action::Tick {
                now_ms: T0 + 10_000,
            });
        }),
        Box::new(|lab| {
            lab.apply(Action::JobNew {
                example: "error_count".to_string(),
            });
        }),
        Box::new(|lab| {
            lab.apply(Action::JobNew {
                example: "structured_windowed_update".to_string(),
            });
        }),
        Box::new(|lab| {
            let id = lab.jobs().iter().next().expect("a job").id;
            lab.apply(Action::JobRun { id });
        }),
        Box::new(|lab| {
            let id = lab.jobs().iter().last().expect("a job").id;
            lab.apply(Action::JobRun { id });
        }),
        Box::new(|lab| lines(lab, &["[notice] x", "[error] y"])),
        Box::new(|lab| {
            lab.apply(Action::Tick {
                now_ms: T0 + 20_000,
            });
        }),
        Box::new(|lab| lines(lab, &["[error] z"])),
        Box::new(|lab| {
            lab.apply(Action::Tick {
                now_ms: T0 + 30_000,
            });
        }),
        Box::new(|lab| {
            lab.apply(Action::ModeEdit {
                mode: Mode::Stateless,
                text: "print('hi')".to_string(),
            });
        }),
        Box::new(|lab| {
            lab.apply(Action::SetView(PageView::Compare));
        }),
        Box::new(|lab| {
            lab.apply(Action::Travel(crate::model::TravelMove::Back));
        }),
        Box::new(|lab| {
            lab.apply(Action::Travel(crate::model::TravelMove::Now));
        }),
        Box::new(|lab| {
            lab.apply(Action::PredictStart);
        }),
        Box::new(|lab| {
            lab.apply(Action::Export(crate::teach::export::ExportForm {
                tee: true,
                tee_port: 9000,
                checkpoint_dir: " ".to_string(),
            }));
        }),
    ];
    for (i, step) in steps.iter().enumerate() {
        step(&mut lab);
        let acked = i as u64 + 1;
        page.merge(carried(&views.update(&lab, acked)));
        let at_once = fresh(&lab, acked);
        assert_eq!(page.live, at_once.live, "live, after step {i}");
        assert_eq!(page.panels, at_once.panels, "panels, after step {i}");
        assert_eq!(page.jobs, at_once.jobs, "jobs, after step {i}");
        assert_eq!(page.teach, at_once.teach, "teaching views, after step {i}");
        assert_eq!(page.csv, at_once.csv, "CSV, after step {i}");
        assert_eq!(page.export, at_once.export, "export, after step {i}");
    }
    assert_eq!(page.jobs.len(), 2);
    assert!(
        page.jobs[1].trigger.is_some(),
        "the structured job's trigger story crossed: {:?}",
        page.jobs[1].status
    );
    assert!(page.live.compare.is_some(), "the compare view crossed");
    assert!(page.panels[0].console.concat().contains("('error', 2)"));
    assert!(
        page.export.script.contains("PORT = 9000\n"),
        "{}",
        page.export.script
    );
    assert!(
        page.export
            .script
            .contains("CHECKPOINT_DIR = \"checkpoint\"\n"),
        "an empty directory is the notebook's"
    );
}

#[test]
fn lines_alone_update_only_the_live_part() {
    let mut lab = boot();
    let mut views = PageViews::default();
    views.update(&lab, 0);
    lines(&mut lab, &["[error] a"]);
    let update = views.update(&lab, 0);
    assert_eq!(update.live.controls.pending, 1);
    assert_eq!(
        (update.panels.is_some(), update.jobs.is_some()),
        (false, false)
    );
    assert_eq!(
        (update.teach.is_some(), update.csv.is_some()),
        (false, false)
    );
    lab.apply(Action::Tick {
        now_ms: T0 + 10_000,
    });
    let update = views.update(&lab, 0);
    assert!(update.panels.is_some() && update.jobs.is_some() && update.teach.is_some());
}

#[test]
fn the_source_bar_shown_while_the_worker_loads_is_the_one_it_starts_with() {
    for query in [
        "",
        "source=sim&rate=40",
        "source=relay&relay=ws%3A%2F%2Fh%3A1%2Fws",
    ] {
        let inputs = crate::model::wire::PageInputs {
            query: query.to_string(),
            relay_url: "ws://x/ws".to_string(),
            now_ms: T0 + 3_000,
            ..Default::default()
        };
        let mut lab = Lab::boot_page(&inputs);
        lab.start();
        assert_eq!(
            SourceView::at_load(&inputs),
            live_view(&lab).source,
            "{query:?}"
        );
    }
}
