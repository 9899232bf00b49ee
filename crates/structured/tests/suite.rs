//! Every integration test of `dstream-structured` in one test binary: one compile of what they share and one link
//! instead of one per file (the fresh-clone test time, README "How long the two commands take"). Each file
//! stays a module named as before: `cargo test -p dstream-structured --test suite <file>::`.

mod common;
#[path = "plan.rs"]
mod plan;
#[path = "query_goldens.rs"]
mod query_goldens;
#[path = "show_goldens.rs"]
mod show_goldens;
