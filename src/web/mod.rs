//! The browser side (wasm32 only): yew components, the relay socket, the built-in source, the batch clock
//! and localStorage. All state lives in [`crate::model::Lab`]; this layer only wires the outside world to it:
//! actions in, and the effects the reducer returns carried out by the hooks in [`hooks`].

pub mod app;
pub mod chart;
pub mod compare;
pub mod controls;
pub mod copied_link;
pub mod editor;
pub mod hooks;
pub mod inject;
pub mod jobs;
pub mod mistakes;
pub mod output_modes;
pub mod panel;
pub mod platform;
pub mod predict;
pub mod relay;
pub mod share;
pub mod sim;
pub mod svg_export;
pub mod travel;
pub mod windowed_compare;

pub use app::App;

/// Mounts the app on `<body>`, after installing a panic hook that puts the message on the page: a bug must
/// never leave students looking at a blank page.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!(
            "DStream Lab stopped on an internal error: {info}\nReload the page to start again \
             (the running totals come back from the checkpoint)."
        );
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let (Ok(div), Some(body)) = (doc.create_element("div"), doc.body()) {
                div.set_class_name("panic");
                let _ = div.set_attribute("role", "alert");
                div.set_text_content(Some(&msg));
                let _ = body.prepend_with_node_1(&div);
            }
        }
        web_sys::console::error_1(&msg.into());
    }));
    yew::Renderer::<App>::new().render();
}
