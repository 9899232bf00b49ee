//! DStream engine
