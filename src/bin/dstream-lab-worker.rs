//! DStream Lab's Web Worker: the view model, the relay socket and the batches, off the page's thread
//! (`dstream_lab::host::worker`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    dstream_lab::host::worker::run();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("The DStream Lab worker runs in the browser, started by the page.");
}
