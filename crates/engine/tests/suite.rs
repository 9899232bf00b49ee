//! Every integration test of `dstream-engine` in one test binary: one compile of what they share and one link
//! instead of one per file (the fresh-clone test time, README "How long the two commands take"). Each file
//! stays a module named as before: `cargo test -p dstream-engine --test suite <file>::`.

#[path = "config_errors.rs"]
mod config_errors;
#[path = "pyspark_vectors.rs"]
mod pyspark_vectors;
#[path = "vectors.rs"]
mod vectors;
#[path = "window_path.rs"]
mod window_path;
