//! Thin wrappers over the browser APIs the page needs (location, storage, downloads, a console's scrolling; the
//! clocks are `crate::host::clock`'s), each failing soft: a browser with storage disabled still runs the lab, it
//! only cannot checkpoint.

use crate::host::clock::js_error;
use wasm_bindgen::JsCast;

/// The relay URL on the page's own origin (`/ws`, proxied by `trunk serve` to the relay).
pub fn same_origin_ws_url() -> String {
    let loc = web_sys::window().map(|w| w.location());
    let host = loc
        .as_ref()
        .and_then(|l| l.host().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let secure = loc
        .as_ref()
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    format!("{}://{host}/ws", if secure { "wss" } else { "ws" })
}

/// The page's address without its query or fragment (`http://host:8080/`), for links to it.
pub fn page_address() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// The page's `<meta name="NAME">`, if it has one.
pub fn meta(name: &str) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()?
}

/// The content of the page's `<meta name="NAME">`, if it has one.
pub fn meta_content(name: &str) -> Option<String> {
    meta(name)?.get_attribute("content")
}

/// The page's query string (`?source=relay&interval=1`), or empty.
pub fn query_string() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

// Plain web-sys rather than gloo-storage: gloo-storage stores every value JSON-encoded (a stored URL would
// gain quotes, and existing saves would no longer read back), and its handle throws where localStorage is
// disabled, which the page must survive.
fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or("no window")?
        .local_storage()
        .map_err(js_error)?
        .ok_or_else(|| "localStorage is disabled in this browser".to_string())
}

/// Reads a stored string (`None` when absent or when storage is unavailable).
pub fn storage_get(key: &str) -> Option<String> {
    storage().ok()?.get_item(key).ok().flatten()
}

/// Stores a string; the error says why it could not be (quota, disabled storage).
pub fn storage_set(key: &str, value: &str) -> Result<(), String> {
    storage()?.set_item(key, value).map_err(js_error)
}

/// Deletes a stored string.
pub fn storage_remove(key: &str) -> Result<(), String> {
    storage()?.remove_item(key).map_err(js_error)
}

/// Saves `text` (of type `mime`) as a file named `file_name`, through a temporary download link.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlElement = document
        .create_element("a")
        .map_err(|_| "cannot make a link")?
        .dyn_into()
        .map_err(|_| "not a link")?;
    let _ = link.set_attribute("href", &crate::teach::export::data_url(mime, text));
    let _ = link.set_attribute("download", file_name);
    link.click();
    Ok(())
}

/// Runs `f` in a task of its own, after what the browser has queued (a zero-delay timer).
pub fn in_next_task(f: impl FnOnce() + 'static) {
    later(Box::new(f), Later::Task);
}

/// When [`later`] runs a function.
enum Later {
    /// In a task of its own, after what the browser has queued.
    Task,
    /// At the next frame, before the browser lays it out.
    Frame,
}

/// Runs `f` at `when` (one function for every caller: each closure type given to wasm-bindgen adds code to the
/// page's wasm).
fn later(f: Box<dyn FnOnce()>, when: Later) {
    let run = wasm_bindgen::closure::Closure::once_into_js(f);
    // Without a window there is no page to run it for.
    if let Some(window) = web_sys::window() {
        let _ = match when {
            Later::Task => window.set_timeout_with_callback(run.unchecked_ref()),
            Later::Frame => window.request_animation_frame(run.unchecked_ref()),
        };
    }
}

/// Scrolls `console` to its newest line, as a terminal does, at the next frame. Reading its height right after
/// a render would force the browser to lay the page out mid-task, once per console; at the frame the layout is
/// due anyway, and done once for all of them.
pub fn follow_newest(console: &yew::NodeRef) {
    let console = console.clone();
    later(
        Box::new(move || {
            if let Some(el) = console.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        }),
        Later::Frame,
    );
}
