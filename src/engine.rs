//! The single door between the app and the engine's seed API: every other module imports from here, so the
//! app depends on exactly the seed-level surface (`dstream_engine::seed`, `EngineError`, `LogGenerator`).

pub use dstream_engine::generator::LogGenerator;
pub use dstream_engine::seed::{
    get_message_type, BatchReport, MessageType, Mode, ModeOutput, SeedConfig, SeedLab,
};
pub use dstream_engine::EngineError;
