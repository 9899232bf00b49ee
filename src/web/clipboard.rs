//! The clipboard effects: a job's link or the share link put on the clipboard, and the browser's answer
//! dispatched back (it may refuse: no permission, or a page not served over https or from localhost).

use crate::host::clock::js_error;
use crate::model::Action;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

/// The page's clipboard.
#[derive(Clone)]
pub struct Clipboard {
    /// Where the browser's answer goes.
    pub dispatch: Callback<Action>,
}

impl Clipboard {
    /// Writes `url` to the clipboard, then dispatches `JobLinkCopied` for job `id` with the answer.
    pub fn copy(&self, id: u64, url: &str) {
        self.write(url, move |result| Action::JobLinkCopied { id, result });
    }

    /// Writes the share link `url` to the clipboard, then dispatches `ShareLinkCopied` with the answer.
    pub fn copy_share_link(&self, url: &str) {
        self.write(url, Action::ShareLinkCopied);
    }

    /// Writes `text`, then dispatches what `answer` makes of the browser's answer.
    fn write(&self, text: &str, answer: impl FnOnce(Result<(), String>) -> Action + 'static) {
        let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
            return self.dispatch.emit(answer(Err("no window".to_string())));
        };
        // `navigator.clipboard` is undefined outside secure contexts: calling it would throw.
        if JsValue::from(clipboard.clone()).is_undefined() {
            return self.dispatch.emit(answer(Err(
                "this page is not served over https".to_string()
            )));
        }
        let written = JsFuture::from(clipboard.write_text(text));
        let dispatch = self.dispatch.clone();
        yew::platform::spawn_local(async move {
            let result = written.await.map(|_| ()).map_err(js_error);
            dispatch.emit(answer(result));
        });
    }
}
