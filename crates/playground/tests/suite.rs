//! Every integration test of `dstream-playground` in one test binary: one compile of what they share and one link
//! instead of one per file (the fresh-clone test time, README "How long the two commands take"). Each file
//! stays a module named as before: `cargo test -p dstream-playground --test suite <file>::`.

#[path = "behaviour.rs"]
mod behaviour;
#[path = "graph.rs"]
mod graph;
mod manifest;
#[path = "notebook_jobs.rs"]
mod notebook_jobs;
#[path = "programs.rs"]
mod programs;
#[path = "quick_paths.rs"]
mod quick_paths;
#[path = "restart.rs"]
mod restart;
#[path = "structured_behaviour.rs"]
mod structured_behaviour;
#[path = "structured_programs.rs"]
mod structured_programs;
mod support;
#[path = "throughput.rs"]
mod throughput;
