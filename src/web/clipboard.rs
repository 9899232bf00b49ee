//! The clipboard: a job's link or the share link put on it, and the browser's answer handed back (it may refuse:
//! no permission, or a page not served over https or from localhost).

use crate::host::clock::js_error;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Writes `text` to the clipboard, then gives `answer` the browser's answer.
pub fn copy(text: &str, answer: impl FnOnce(Result<(), String>) + 'static) {
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        return answer(Err("no window".to_string()));
    };
    // `navigator.clipboard` is undefined outside secure contexts: calling it would throw.
    if JsValue::from(clipboard.clone()).is_undefined() {
        return answer(Err("this page is not served over https".to_string()));
    }
    let written = JsFuture::from(clipboard.write_text(text));
    wasm_bindgen_futures::spawn_local(async move {
        answer(written.await.map(|_| ()).map_err(js_error));
    });
}
