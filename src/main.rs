//! DStream Lab's entry point: mounts the yew app in the browser (the native build only prints a pointer).

fn main() {
    #[cfg(target_arch = "wasm32")]
    dstream_lab::web::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("DStream Lab runs in the browser: `trunk serve`, then open http://127.0.0.1:8080");
}
