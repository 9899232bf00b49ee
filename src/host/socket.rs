//! The relay's WebSocket in a worker of its own (`www/relay-socket.js`), so the socket is read while the view
//! model runs a batch: the relay then never sees the page stop reading and close it as too slow. Its events come
//! back as the same [`Action`]s [`super::relay::RelaySocket`] makes; after each frame is applied the view model
//! tells the socket's worker the bytes it took, which bounds what may wait between the two.

use super::Dispatch;
use crate::model::Action;
use dstream_protocol::{FrameEncoding, LZ4_SUBPROTOCOL};
use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};

/// The socket's worker: one for the view model's life, opening and closing relay connections on request.
pub struct SocketWorker {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

fn field(data: &JsValue, name: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn number(data: &JsValue, name: &str) -> f64 {
    field(data, name).as_f64().unwrap_or(0.0)
}

fn text(data: &JsValue, name: &str) -> String {
    field(data, name).as_string().unwrap_or_default()
}

impl SocketWorker {
    /// Starts the worker from `script`; its events go to `dispatch`.
    pub fn start(script: &str, dispatch: Dispatch) -> Result<SocketWorker, String> {
        let worker = Worker::new(script).map_err(super::clock::js_error)?;
        let answer = worker.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            let seq = number(&data, "seq") as u64;
            match text(&data, "kind").as_str() {
                "open" => dispatch(Action::RelayOpened {
                    seq,
                    encoding: FrameEncoding::of_subprotocol(&text(&data, "protocol")),
                }),
                "text" => dispatch(Action::RelayText {
                    seq,
                    text: text(&data, "text"),
                }),
                "binary" => {
                    let bytes = js_sys::Uint8Array::new(&field(&data, "data")).to_vec();
                    let took = bytes.len();
                    dispatch(Action::RelayBinary { seq, data: bytes });
                    send(&answer, &[("kind", "took".into()), ("bytes", took.into())]);
                }
                "close" => dispatch(Action::RelayClosed {
                    seq,
                    code: number(&data, "code") as u16,
                    reason: text(&data, "reason"),
                }),
                _ => {}
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(SocketWorker {
            worker,
            _on_message: on_message,
        })
    }

    /// Opens connection `seq` to `url`, asking for LZ4 frames, and closes the one held.
    pub fn open(&self, seq: u64, url: &str) {
        send(
            &self.worker,
            &[
                ("kind", "open".into()),
                ("seq", (seq as f64).into()),
                ("url", url.into()),
                ("protocol", LZ4_SUBPROTOCOL.into()),
            ],
        );
    }

    /// Sends a text message on the connection held (lost with none, as [`super::relay::RelaySocket::send`]).
    pub fn send(&self, message: &str) {
        send(
            &self.worker,
            &[("kind", "send".into()), ("text", message.into())],
        );
    }

    /// Closes the connection held, without reporting the close.
    pub fn close(&self) {
        send(&self.worker, &[("kind", "close".into())]);
    }
}

fn send(worker: &Worker, fields: &[(&str, JsValue)]) {
    let message = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&message, &JsValue::from_str(name), value);
    }
    if let Err(e) = worker.post_message(&message) {
        web_sys::console::error_1(&e);
    }
}

impl Drop for SocketWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
