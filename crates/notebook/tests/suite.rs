//! Every integration test of `dstream-notebook` in one test binary: one compile of what they share and one link
//! instead of one per file (the fresh-clone test time, README "How long the two commands take"). Each file
//! stays a module named as before: `cargo test -p dstream-notebook --test suite <file>::`.

#[path = "explain.rs"]
mod explain;
#[path = "goldens.rs"]
mod goldens;
#[path = "memory.rs"]
mod memory;
#[path = "pipelining.rs"]
mod pipelining;
#[path = "replay_program.rs"]
mod replay_program;
