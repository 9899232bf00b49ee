//! Student jobs driven through the reducer, as the page drives them.

use super::*;
use crate::engine::{Mode, EXAMPLES};
use crate::model::job_link::encode_program;
use crate::model::{Action, DraftField, Lab};

const T0: i64 = 1_795_000_000_000; // a multiple of 10 s

/// Lines of the three message types and one the notebook calls unknown.
const LINES: [&str; 4] = [
    "[info] disk ok",
    "[error] disk full",
    "[notice] user login",
    "plain words here",
];

fn booted(query: &str, saved_jobs: Option<&str>) -> Lab {
    let params = BootParams::from_query(&format!("source=sim&{query}"));
    let mut lab = Lab::boot_with_jobs(None, saved_jobs, T0 + 3_000, &params, "ws://x/ws");
    lab.start();
    lab
}

fn source(name: &str) -> &'static str {
    example(name).expect("an example of the menu").source
}

/// Opens a job with example `name` and returns its id.
fn new_job(lab: &mut Lab, name: &str) -> u64 {
    lab.apply(Action::JobNew {
        example: name.to_string(),
    });
    lab.jobs().iter().last().expect("a job opened").id
}

/// A job with example `name`'s program changed by `edit` (`from` -> `to`), run.
fn run_edited(lab: &mut Lab, name: &str, from: &str, to: &str) -> u64 {
    let id = new_job(lab, name);
    let text = source(name).replacen(from, to, 1);
    assert_ne!(text, source(name), "{name} no longer contains {from:?}");
    lab.apply(Action::JobEdit { id, text });
    lab.apply(Action::JobRun { id });
    id
}

/// Feeds `lines` (the built-in source) and ends the page's batch `k` (1-based from boot).
fn batch(lab: &mut Lab, k: i64, lines: &[&str]) {
    lab.apply(Action::SimLines(
        lines.iter().map(|l| l.to_string()).collect(),
    ));
    lab.apply(Action::Tick {
        now_ms: T0 + k * 10_000,
    });
}

fn job(lab: &Lab, id: u64) -> &StudentJob {
    lab.jobs().get(id).expect("the job is open")
}

#[test]
fn a_job_of_the_notebooks_stateless_cell_prints_what_the_stateless_mode_prints() {
    let mut lab = booted("", None);
    let id = new_job(&mut lab, "notebook_stateless");
    lab.apply(Action::JobRun { id });
    assert_eq!(job(&lab, id).status, JobStatus::Waiting);
    // Lines of the batch open at Run are not the job's: it starts with the next batch, as Run says.
    batch(&mut lab, 1, &LINES);
    assert_eq!(job(&lab, id).status, JobStatus::Running { batches: 0 });
    assert_eq!(job(&lab, id).console.text(), "");
    batch(&mut lab, 2, &LINES[..2]);
    batch(&mut lab, 3, &[]);
    batch(&mut lab, 4, &LINES);
    assert_eq!(job(&lab, id).status, JobStatus::Running { batches: 3 });
    let modes: Vec<&str> = lab.console(Mode::Stateless).blocks().collect();
    assert_eq!(modes.len(), 4);
    assert_eq!(job(&lab, id).console.text(), modes[1..].concat());
}

#[test]
fn a_jobs_console_is_what_its_program_prints_for_the_same_lines() {
    let mut lab = booted("", None);
    let program = format!("print('top level')\n{}", source("network_word_count"));
    let id = new_job(&mut lab, "network_word_count");
    lab.apply(Action::JobEdit {
        id,
        text: program.clone(),
    });
    lab.apply(Action::JobRun { id });
    // The same program run alone on the same lines, batch for batch, from the job's zero time.
    let mut alone = ProgramJob::start(&program, T0 + 10_000, 2);
    let batches: [&[&str]; 3] = [&LINES, &["a b a", "b"], &[]];
    batch(&mut lab, 1, &["before the job"]);
    for (k, lines) in batches.iter().enumerate() {
        batch(&mut lab, k as i64 + 2, lines);
        alone.job().push_lines(lines.iter());
        alone.job_mut().run_batch();
    }
    assert!(
        alone.job().output().contains("('a', 2)"),
        "{}",
        alone.job().output()
    );
    assert_eq!(job(&lab, id).console.text(), alone.job().output());
}

#[test]
fn a_runtime_error_stops_only_its_job_and_says_where() {
    let mut lab = booted("", None);
    let good = new_job(&mut lab, "network_word_count");
    lab.apply(Action::JobRun { id: good });
    let bad = run_edited(
        &mut lab,
        "network_word_count",
        "lambda word: (word, 1)",
        "lambda word: (word, 1 // (len(word) - 4))",
    );
    batch(&mut lab, 1, &[]);
    batch(&mut lab, 2, &["abc"]);
    assert_eq!(job(&lab, bad).status, JobStatus::Running { batches: 1 });
    batch(&mut lab, 3, &["four"]);
    let JobStatus::Stopped {
        batch: at,
        error,
        traceback,
    } = &job(&lab, bad).status
    else {
        panic!("{:?}", job(&lab, bad).status);
    };
    assert_eq!(*at, 2);
    assert_eq!(error.kind, "ZeroDivisionError");
    let line = source("network_word_count")
        .lines()
        .position(|l| l.contains("lambda word: (word, 1)"))
        .unwrap() as u32
        + 1;
    assert_eq!(error.line(), Some(line));
    assert!(
        traceback.contains(&format!("line {line}, in <lambda>")),
        "{traceback}"
    );
    assert_eq!(job(&lab, bad).status.label(), "stopped at batch 2");
    let stopped_console = job(&lab, bad).console.text();
    // The page, the modes and the other job go on.
    batch(&mut lab, 4, &["four more words"]);
    assert_eq!(job(&lab, good).status, JobStatus::Running { batches: 3 });
    assert!(job(&lab, good).console.text().contains("('more', 1)"));
    assert_eq!(job(&lab, bad).console.text(), stopped_console);
    assert_eq!(lab.log().entries().len(), 4);
    assert_eq!(lab.console(Mode::Stateless).blocks().count(), 4);
    assert!(lab
        .console(Mode::Stateless)
        .text()
        .contains("('unknown', 1)"));
}

#[test]
fn a_syntax_error_stops_the_job_before_its_first_batch_at_its_line_and_column() {
    let mut lab = booted("", None);
    let id = run_edited(
        &mut lab,
        "network_word_count",
        "lambda x, y: x + y",
        "lambda x, y: x +* y",
    );
    let j = job(&lab, id);
    let error = j.error().expect("a syntax error");
    assert_eq!(error.kind, "SyntaxError");
    let line = j.text.lines().position(|l| l.contains("+*")).unwrap() + 1;
    assert_eq!(error.line(), Some(line as u32));
    let (column, text) = error.syntax.clone().expect("a caret");
    assert_eq!(&text[column as usize - 1..column as usize], "*");
    assert_eq!(j.status.label(), "stopped before its first batch");
    // Fixing the code and running again starts it.
    lab.apply(Action::JobReset { id });
    assert_eq!(job(&lab, id).text, source("network_word_count"));
    assert!(job(&lab, id).edited_since_run());
    lab.apply(Action::JobRun { id });
    assert_eq!(job(&lab, id).status, JobStatus::Waiting);
}

#[test]
fn a_program_with_another_batch_interval_is_refused_until_the_page_agrees() {
    let mut lab = booted("", None);
    let id = run_edited(
        &mut lab,
        "network_word_count",
        "StreamingContext(spark.sparkContext, 10)",
        "StreamingContext(spark.sparkContext, 5)",
    );
    assert_eq!(
        job(&lab, id).status,
        JobStatus::Refused {
            program_ms: 5_000,
            page_ms: 10_000
        }
    );
    let why = refusal(5_000, 10_000);
    assert!(
        why.contains("StreamingContext(spark.sparkContext, 10)"),
        "{why}"
    );
    assert!(
        why.contains("set the page's batch interval to 5 s"),
        "{why}"
    );
    assert!(!refusal(3_000, 10_000).contains("set the page's"));
    lab.apply(Action::Edit(DraftField::Interval(5_000)));
    lab.apply(Action::Apply { now_ms: T0 + 4_000 });
    assert_eq!(job(&lab, id).status, JobStatus::Waiting);
}

#[test]
fn new_job_stops_at_the_limit_and_says_so() {
    let mut lab = booted("", None);
    for e in EXAMPLES.iter().take(MAX_JOBS + 1) {
        lab.apply(Action::JobNew {
            example: e.name.to_string(),
        });
    }
    assert_eq!(lab.jobs().len(), MAX_JOBS);
    let last = lab.notices().last().expect("a notice").text.clone();
    assert!(
        last.contains(&format!("At most {MAX_JOBS} student jobs")),
        "{last}"
    );
    let first = lab.jobs().iter().next().unwrap().id;
    lab.apply(Action::JobRemove { id: first });
    assert_eq!(lab.jobs().len(), MAX_JOBS - 1);
    assert!(lab.jobs().get(first).is_none());
}

#[test]
fn a_job_link_opens_the_program_and_runs_it_once_however_often_the_page_reloads() {
    let program = source("count_by_value").replace("10)", "10)  # from the teacher");
    let mut lab = booted("", None);
    let id = new_job(&mut lab, "count_by_value");
    lab.apply(Action::JobEdit {
        id,
        text: program.clone(),
    });
    let effects = lab.apply(Action::JobCopyLink {
        id,
        page: "http://h:8080/".into(),
    });
    let [Effect::CopyLink { url, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(job(&lab, id).link.as_ref().map(|l| &l.url), Some(url));
    lab.apply(Action::JobLinkCopied {
        id,
        result: Err("denied".into()),
    });
    assert_eq!(
        job(&lab, id).link.as_ref().unwrap().copied,
        Some(Err("denied".to_string()))
    );
    let query = url.strip_prefix("http://h:8080/?").unwrap();
    let mut opened = booted(query, None);
    let [j] = &opened.jobs().iter().collect::<Vec<_>>()[..] else {
        panic!("one job");
    };
    assert_eq!(
        (j.text.as_str(), &j.status),
        (program.as_str(), &JobStatus::Waiting)
    );
    assert_eq!(j.example, None);
    // The opened job is kept at once; a reload of the same link finds it and does not open it twice.
    let saved = match opened.start().pop() {
        Some(Effect::SaveJobs(s)) => serde_json::to_string(&s).unwrap(),
        other => panic!("{other:?}"),
    };
    let reloaded = booted(query, Some(&saved));
    assert_eq!(reloaded.jobs().len(), 1);
    assert_eq!(
        reloaded.jobs().iter().next().unwrap().status,
        JobStatus::Waiting
    );
}

#[test]
fn a_malformed_or_unknown_link_says_what_went_wrong_and_opens_nothing() {
    let value = encode_program(source("count_by_value"));
    let lab = booted(&format!("job={}", &value[..value.len() - 8]), None);
    assert!(lab.jobs().is_empty());
    let notice = lab.notices().last().expect("a notice");
    assert_eq!(notice.level, Level::Error);
    assert!(
        notice
            .text
            .contains("could not be read: the compressed program is damaged or cut short"),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("copy the whole address"),
        "{}",
        notice.text
    );
    let lab = booted(&format!("job={}", &value[..value.len() - 7]), None);
    let notice = &lab.notices().last().expect("a notice").text;
    assert!(notice.contains("it was probably cut short"), "{notice}");
    let lab = booted("example=nope", None);
    assert!(lab.jobs().is_empty());
    let notice = &lab.notices().last().expect("a notice").text;
    assert!(
        notice.contains("no example named nope") && notice.contains("network_word_count"),
        "{notice}"
    );
    let lab = booted("example=error_count", None);
    let j = lab.jobs().iter().next().expect("the example opened");
    assert_eq!(
        (j.example.as_deref(), &j.status),
        (Some("error_count"), &JobStatus::Waiting)
    );
}

#[test]
fn job_texts_survive_a_reload_and_running_jobs_restart() {
    let mut lab = booted("", None);
    let running = new_job(&mut lab, "error_count");
    lab.apply(Action::JobRun { id: running });
    new_job(&mut lab, "window_and_count");
    let effects = lab.apply(Action::JobEdit {
        id: running,
        text: format!("{}# mine\n", source("error_count")),
    });
    let [Effect::SaveJobs(saved)] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(saved.len(), 2);
    let text = serde_json::to_string(saved).unwrap();
    let back = booted("", Some(&text));
    let jobs: Vec<_> = back.jobs().iter().collect();
    assert_eq!(jobs.len(), 2);
    assert!(jobs[0].text.ends_with("# mine\n"));
    assert_eq!(jobs[0].origin, source("error_count"));
    assert_eq!(jobs[0].status, JobStatus::Waiting);
    assert_eq!(jobs[1].status, JobStatus::Idle);
    let notice = &back.notices().last().unwrap().text;
    assert!(notice.contains("jobs restart on reload"), "{notice}");
    let damaged = booted("", Some("[{"));
    assert!(damaged.jobs().is_empty());
    assert!(damaged
        .notices()
        .last()
        .unwrap()
        .text
        .contains("could not be read"));
}

#[test]
fn a_jobs_batches_keep_its_graph_and_stop_at_the_last_batch_that_ran_through() {
    let mut lab = booted("", None);
    let id = run_edited(
        &mut lab,
        "network_word_count",
        "lambda word: (word, 1)",
        "lambda word: (word, 1 // (word != 'boom'))",
    );
    let ops: Vec<&str> = job(&lab, id)
        .batches
        .graph
        .iter()
        .map(|n| n.op.as_str())
        .collect();
    assert_eq!(
        ops,
        [
            "socketTextStream",
            "flatMap",
            "map",
            "reduceByKey",
            "pprint"
        ]
    );
    batch(&mut lab, 1, &[]);
    batch(&mut lab, 2, &LINES);
    assert_eq!(job(&lab, id).batches.last().map(|b| b.batch), Some(1));
    assert_eq!(
        job(&lab, id).batches.last().unwrap().nodes[0].records,
        Some(LINES.len() as u64)
    );
    batch(&mut lab, 3, &["boom"]);
    assert!(matches!(
        job(&lab, id).status,
        JobStatus::Stopped { batch: 2, .. }
    ));
    // The failed batch's counts are partial: the views stay at batch 1, the error tells the rest.
    assert_eq!(job(&lab, id).batches.recent().len(), 1);
    assert_eq!(job(&lab, id).batches.last().map(|b| b.batch), Some(1));
}

#[test]
fn the_compare_view_shows_each_jobs_output_of_the_batch_it_compares() {
    let mut lab = booted("", None);
    let id = new_job(&mut lab, "notebook_stateless");
    let idle = new_job(&mut lab, "error_count");
    lab.apply(Action::JobRun { id });
    batch(&mut lab, 1, &LINES);
    batch(&mut lab, 2, &LINES[..2]);
    let view = lab.compare_view().expect("a batch ran");
    assert_eq!(view.batch, 2);
    let numbers: Vec<(u64, usize)> = view.jobs.iter().map(|j| (j.id, j.number)).collect();
    assert_eq!(numbers, [(id, 1), (idle, 2)]);
    // The stateless job printed exactly the stateless mode's block of this batch; the job never run printed
    // nothing.
    let mode_block = lab
        .console(Mode::Stateless)
        .blocks()
        .last()
        .unwrap()
        .to_string();
    assert_eq!(view.jobs[0].text.as_deref(), Some(mode_block.as_str()));
    assert_eq!(view.jobs[1].text, None);
    // Batch 1 ran before the job's first batch: nothing of the job's at that batch.
    lab.apply(Action::Pause);
    lab.apply(Action::Travel(crate::model::travel::TravelMove::Back));
    let earlier = lab.compare_view().unwrap();
    assert_eq!((earlier.batch, earlier.jobs[0].text.as_deref()), (1, None));
}
