//! The page (wasm32 only): yew components rendering what the view model sends ([`crate::model::page`]), and
//! the page's own effects (localStorage, the clipboard, downloads). The view model, with the relay socket, the
//! built-in source and the batch clock, runs in a Web Worker ([`crate::host`]); [`backend`] starts it and carries
//! the messages.

pub mod app;
pub mod backend;
pub mod chart;
pub mod clipboard;
pub mod compare;
pub mod console;
pub mod controls;
pub mod copied_link;
pub mod editor;
pub mod effects;
pub mod inject;
pub mod jobs;
pub mod mistakes;
pub mod output_modes;
pub mod panel;
pub mod platform;
pub mod predict;
pub mod share;
pub mod svg_export;
pub mod travel;
pub mod windowed_compare;

pub use app::App;

/// Mounts the page on `<body>`, its view model in a Web Worker, after installing a panic hook that puts the
/// message on the page: a bug must never leave students looking at a blank page. The first render runs in a task of
/// its own: the wasm's instantiation and that render each hold the main thread for a while on a slow phone, and
/// one task holding both blocked input for their sum (README, "Budget, measured"). (The page's loader starts
/// the wasm once what index.html shows on its own has been painted: `scripts/build-web.sh`.)
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        show_crash(&crate::host::crash_message(info))
    }));
    platform::in_next_task(|| {
        yew::Renderer::<app::PageApp<backend::InWorker>>::new().render();
    });
}

/// Puts `message` (the page or its worker stopped) at the top of the page, and in the console.
pub fn show_crash(message: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let (Ok(div), Some(body)) = (doc.create_element("div"), doc.body()) {
            div.set_class_name("panic");
            let _ = div.set_attribute("role", "alert");
            div.set_text_content(Some(message));
            let _ = body.prepend_with_node_1(&div);
        }
    }
    web_sys::console::error_1(&message.into());
}
