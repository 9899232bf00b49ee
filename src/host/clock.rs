//! What every JavaScript global scope offers, a window's or a worker's: the clocks, and JavaScript errors as
//! words.

use wasm_bindgen::{JsCast, JsValue};

/// The engine's clock: local naive epoch ms (UTC ms shifted by the browser's timezone offset), so batch
/// times print as local time, like PySpark's pprint.
pub fn now_local_ms() -> i64 {
    let d = js_sys::Date::new_0();
    d.get_time() as i64 - (d.get_timezone_offset() * 60_000.0) as i64
}

/// Milliseconds from a monotonic clock (`performance.now()`, which a window and a worker both have), for pacing
/// the built-in source and timing each batch. Without `performance` it falls back to `Date.now()`, deliberately
/// rather than to NaN: every span is the difference of two readings of the same clock, so the pacing keeps
/// working and the spans stay real (millisecond resolution; the batch log counts a span a clock step made
/// negative as 0).
pub fn perf_now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// A JavaScript exception as words.
pub fn js_error(e: JsValue) -> String {
    // DOMException and Error both carry `message`; anything else is shown as-is.
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                .ok()?
                .as_string()
        })
        .unwrap_or_else(|| format!("{e:?}"))
}
