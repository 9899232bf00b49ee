//! The row driven through the reducer, as the page drives it: the page's batches, the job's triggers, and every
//! sentence checked against the window mode's block and the trigger's output.

use super::*;
use crate::model::{Action, BootParams};

const T0: i64 = 1_795_000_000_000; // a multiple of 10 s

/// A started page with these URL parameters, and the row's job asked for before the first batch.
fn lab_comparing(query: &str) -> Lab {
    let params = BootParams::from_query(&format!("source=sim&view=compare&{query}"));
    let mut lab = Lab::boot(None, T0 + 3_000, &params, "ws://x/ws");
    lab.start();
    lab.apply(Action::WindowedCompareOpen);
    lab
}

/// Feeds `lines` and ends the page's batch `k` (batches of `interval_ms`).
fn batch(lab: &mut Lab, k: i64, interval_ms: i64, lines: &[&str]) {
    lab.apply(Action::SimLines(
        lines.iter().map(|l| l.to_string()).collect(),
    ));
    lab.apply(Action::Tick {
        now_ms: T0 + k * interval_ms,
    });
}

fn row(lab: &Lab) -> WindowedCompare {
    lab.compare_view()
        .expect("a batch ran")
        .windowed
        .expect("the row's job is open")
}

#[test]
fn dump() {
    let mut lab = lab_comparing("");
    batch(&mut lab, 1, 10_000, &["[error] a"]);
    println!("{:#?}", row(&lab));
    batch(&mut lab, 2, 10_000, &["[error] a", "[info] b", "[error] c"]);
    println!("{:#?}", row(&lab));
    batch(&mut lab, 3, 10_000, &["[notice] a", "[info] b"]);
    println!("{:#?}", row(&lab));
    for k in 4..8 {
        batch(&mut lab, k, 10_000, &["[info] b"]);
    }
    println!("{:#?}", row(&lab));
    let mut lab = lab_comparing("window=50&slide=10");
    batch(&mut lab, 1, 10_000, &[]);
    batch(&mut lab, 2, 10_000, &["[error] a", "[error] b", "[info] c"]);
    for k in 3..8 {
        batch(&mut lab, k, 10_000, &["[info] d"]);
    }
    println!("{:#?}", row(&lab));
}
