//! Helpers shared by the browser tests (`tests/web.rs`, `tests/teach_views.rs`):
//! a fresh mount point, a pause for yew to render, and DOM queries.

use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::Element;

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

/// Lets yew render what the last action scheduled.
pub async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

/// Every element under `root` matching the CSS `selector`.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

/// Every element under `root` with `data-testid="id"`.
#[allow(dead_code)] // used by tests/web.rs, not by every test crate that includes this module
pub fn by_testid(root: &Element, id: &str) -> Vec<Element> {
    all(root, &format!("[data-testid=\"{id}\"]"))
}
