//! The single door between the app and the engine: every module of the app imports the notebook's lab, its settings,
//! reports and explanations, the shared `LogGenerator` and `EngineError` from here, so the app depends on exactly this
//! surface of `dstream-notebook` (and of `dstream-engine`, only its error type and how a window was formed). Students' programs come through
//! here too: the lab's Python (`dstream-python`: errors, syntax colouring) and PySpark's streaming API on the
//! engine (`dstream-playground`: a program's job, the examples menu).

pub use dstream_engine::byte_scan;
pub use dstream_engine::EngineError;
pub use dstream_engine::{AfreshReason, WindowHow};
pub use dstream_notebook::explain::afresh_sentence;
pub use dstream_notebook::explain::{BatchCounts, UpdateCall, WindowExplain};
pub use dstream_notebook::generator::LogGenerator;
pub use dstream_notebook::program_text::{
    master_cores, notebook_cell, notebook_program, seconds_literal, window_call, Master, CODES,
    CODES_COUNT, CODES_COUNT_CUMU, GET_MESSAGE_TYPE, UPDATE_FUNCTION,
};
pub use dstream_notebook::{
    get_message_type, BatchReport, MessageType, Mode, ModeOutput, NotebookConfig, NotebookLab,
    NotebookState, ProgramStart,
};
pub use dstream_playground::examples::{example, Example, MenuItem, EXAMPLES, MENU};
pub use dstream_playground::traceback;
pub use dstream_playground::{windows_of, ModeBatch, ModeColumn, ModeOutcome, OutputModes};
pub use dstream_playground::{
    BatchResult, Input, Job, JobConfig, JobFailure, NodeBatch, NodeKind, QueryTrigger, RowChange,
    StreamNode, TriggerView, UpdateCall as ProgramUpdateCall, ViewTable, WindowCover,
};
pub use dstream_python::{highlight, Args, Host, Native, PyError, Runtime, Span, SpanKind, Value};
