//! Helpers shared by the browser tests (`tests/web.rs`, `tests/teach_views.rs`): a fresh mount point, DOM
//! queries, and waits for what a test needs to see, so a test neither races yew's rendering nor sleeps longer
//! than the page takes.
// Each test crate includes this module and uses only some of it.
#![allow(dead_code)]

use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::Element;

/// How long a wait gives the page before failing: far beyond one render, so a loaded machine does not fail a
/// test, short enough that a page that never shows the thing fails fast.
const TIMEOUT_MS: f64 = 5_000.0;
/// Pause between two looks at the page.
const POLL: Duration = Duration::from_millis(4);
/// How much of the DOM a timed-out wait shows.
const SHOWN_CHARS: usize = 4_000;

/// The page's document.
pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A new empty `<div>` in the body, for one test's component.
pub fn fresh_root() -> Element {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

/// Every element under `root` matching the CSS `selector`.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

/// The CSS selector of `data-testid="id"`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Every element under `root` with `data-testid="id"`.
pub fn by_testid(root: &Element, id: &str) -> Vec<Element> {
    all(root, &testid(id))
}

/// `root`'s HTML, cut to a readable length, for a failed wait's message.
fn shown(root: &Element) -> String {
    let html = root.outer_html();
    match html.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{} … ({} more bytes)", &html[..cut], html.len() - cut),
        None => html,
    }
}

/// The elements under `root` matching `selector`, by their text, then `root`'s DOM: what a failed wait for
/// `selector` shows.
fn shown_matches(root: &Element, selector: &str) -> String {
    let texts: Vec<String> = all(root, selector)
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect();
    format!(
        "{} elements matched {selector}, with the texts {texts:?}; in\n{}",
        texts.len(),
        shown(root)
    )
}

/// Looks at the page every few milliseconds until `found` gives a value, and returns it. After
/// [`TIMEOUT_MS`] it panics, saying that `what` was awaited and what `showing` then says of the page.
async fn poll<T>(
    what: &str,
    mut found: impl FnMut() -> Option<T>,
    showing: impl FnOnce() -> String,
) -> T {
    let start = js_sys::Date::now();
    loop {
        if let Some(v) = found() {
            return v;
        }
        if js_sys::Date::now() - start > TIMEOUT_MS {
            panic!(
                "waited {TIMEOUT_MS} ms for {what}; the page showed:\n{}",
                showing()
            );
        }
        yew::platform::time::sleep(POLL).await;
    }
}

/// Waits until `found` gives a value, and returns it; on timeout the message shows `root`'s DOM.
pub async fn wait_for_some<T>(what: &str, root: &Element, found: impl FnMut() -> Option<T>) -> T {
    poll(what, found, || shown(root)).await
}

/// Waits until `ready` holds; on timeout the message shows `root`'s DOM.
pub async fn wait_for(what: &str, root: &Element, mut ready: impl FnMut() -> bool) {
    wait_for_some(what, root, || ready().then_some(())).await
}

/// Waits until exactly one element under `root` matches `selector`, and returns it.
pub async fn wait_for_one(root: &Element, selector: &str) -> Element {
    poll(
        &format!("exactly one {selector}"),
        || {
            let mut v = all(root, selector);
            (v.len() == 1).then(|| v.remove(0))
        },
        || shown_matches(root, selector),
    )
    .await
}

/// Waits until exactly one element under `root` has `data-testid="id"`, and returns it.
pub async fn wait_for_testid(root: &Element, id: &str) -> Element {
    wait_for_one(root, &testid(id)).await
}

/// Waits until exactly one element under `root` matches `selector` and its text contains `needle`, and returns
/// that text. The element is looked up at every try, since a render may replace it.
pub async fn wait_for_text(root: &Element, selector: &str, needle: &str) -> String {
    poll(
        &format!("exactly one {selector} containing {needle:?}"),
        || match &all(root, selector)[..] {
            [one] => one.text_content().filter(|t| t.contains(needle)),
            _ => None,
        },
        || shown_matches(root, selector),
    )
    .await
}
