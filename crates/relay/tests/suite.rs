//! Every integration test of `dstream-relay` in one test binary: one compile of what they share and one link
//! instead of one per file (the fresh-clone test time, README "How long the two commands take"). Each file
//! stays a module named as before: `cargo test -p dstream-relay --test suite <file>::`.

#[path = "class.rs"]
mod class;
mod common;
#[path = "end_to_end.rs"]
mod end_to_end;
#[path = "inject.rs"]
mod inject;
#[path = "load.rs"]
mod load;
#[path = "serve.rs"]
mod serve;
