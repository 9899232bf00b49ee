//! Where the page's view model runs: in a Web Worker ([`InWorker`], the page as served), or on the page's own
//! thread ([`InThread`], for the component tests, which drive it without a worker script). Either way the page
//! only sends actions and receives [`ToPage`] messages.

use super::platform::in_next_task;
use crate::host::runtime::{Post, Runtime};
use crate::host::worker::{bytes_of, post_bytes};
use crate::model::wire::{decode, PageInputs, ToModel, ToPage};
use crate::model::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

/// A place the view model runs.
pub trait Backend: 'static {
    /// Starts the view model from what the page read at load; its messages go to `to_page`.
    fn start(inputs: PageInputs, to_page: Post) -> Self;
    /// Sends the page's `seq`th action.
    fn act(&self, seq: u64, action: Action);
}

/// The view model on the page's thread.
pub struct InThread(Runtime);

impl Backend for InThread {
    fn start(inputs: PageInputs, to_page: Post) -> Self {
        InThread(Runtime::start(&inputs, to_page))
    }

    fn act(&self, seq: u64, action: Action) {
        self.0.act(seq, action);
    }
}

/// The `<meta>` naming the worker's script, with `data-type` `module` (`scripts/build-web.sh`'s page) or
/// `classic` (trunk's loader script, named in index.html).
pub const WORKER_META: &str = "dstream-lab-worker";

/// The view model in a Web Worker.
pub struct InWorker {
    link: Rc<RefCell<Link>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

/// The worker, and what waits for it to listen.
struct Link {
    worker: Option<Worker>,
    /// Until the worker says it listens: the boot message and the actions, in order.
    waiting: Option<Vec<ToModel>>,
}

impl Link {
    fn send(&mut self, message: ToModel) {
        match (&mut self.waiting, &self.worker) {
            (Some(waiting), _) => waiting.push(message),
            (None, Some(worker)) => post(worker, &message),
            (None, None) => {}
        }
    }
}

fn post(worker: &Worker, message: &ToModel) {
    post_bytes(message, |m, t| worker.post_message_with_transfer(m, t));
}

/// Starts the worker the page's `<meta name="dstream-lab-worker">` names.
fn spawn() -> Result<Worker, String> {
    let meta = super::platform::meta(WORKER_META)
        .ok_or("this page names no worker script: build it with scripts/build-web.sh or trunk")?;
    let url = meta
        .get_attribute("content")
        .ok_or("the worker's <meta> has no content")?;
    let options = WorkerOptions::new();
    if meta.get_attribute("data-type").as_deref() == Some("module") {
        options.set_type(WorkerType::Module);
    }
    Worker::new_with_options(&url, &options).map_err(crate::host::clock::js_error)
}

impl Backend for InWorker {
    fn start(inputs: PageInputs, to_page: Post) -> Self {
        let link = Rc::new(RefCell::new(Link {
            worker: None,
            waiting: Some(vec![ToModel::Boot(inputs)]),
        }));
        let on_message = {
            let (link, to_page) = (link.clone(), to_page.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                match decode::<ToPage>(&bytes_of(&e.data())) {
                    Ok(ToPage::Ready) => {
                        let mut link = link.borrow_mut();
                        let waiting = link.waiting.take().unwrap_or_default();
                        for message in waiting {
                            link.send(message);
                        }
                    }
                    Ok(message) => to_page(message),
                    Err(e) => web_sys::console::error_1(&format!("The page got {e}").into()),
                }
            })
        };
        let on_error = {
            let to_page = to_page.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                to_page(ToPage::Crashed(format!(
                    "DStream Lab's worker stopped: {}\nReload the page to start again.",
                    e.message()
                )))
            })
        };
        // Made in a task after the page's first render, which runs where this is called: on a slow phone's first
        // load each takes a while, and one task holding both blocked input for their sum. Messages wait in the
        // link until the worker says it is ready.
        let handlers = (on_message.as_ref().clone(), on_error.as_ref().clone());
        let made = Rc::downgrade(&link);
        in_next_task(move || {
            // The page dropped its backend meanwhile: no worker to make.
            let Some(link) = made.upgrade() else { return };
            match spawn() {
                Ok(worker) => {
                    worker.set_onmessage(Some(handlers.0.unchecked_ref()));
                    worker.set_onerror(Some(handlers.1.unchecked_ref()));
                    link.borrow_mut().worker = Some(worker);
                }
                Err(e) => to_page(ToPage::Crashed(format!(
                    "DStream Lab could not start its worker: {e}"
                ))),
            }
        });
        InWorker {
            link,
            _on_message: on_message,
            _on_error: on_error,
        }
    }

    fn act(&self, seq: u64, action: Action) {
        self.link.borrow_mut().send(ToModel::Act { seq, action });
    }
}

impl Drop for InWorker {
    fn drop(&mut self) {
        if let Some(worker) = self.link.borrow_mut().worker.take() {
            worker.terminate();
        }
    }
}
