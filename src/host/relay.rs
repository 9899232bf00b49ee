//! The relay's WebSocket, opened and closed as the reducer's effects say (see [`super::runtime`]); every
//! event becomes an [`Action`] tagged with the connection's sequence number, so late events of a replaced
//! socket are ignored.

use super::socket::SocketWorker;
use super::Dispatch;
use crate::model::Action;
use dstream_protocol::{FrameEncoding, LZ4_SUBPROTOCOL};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// An open (or opening) relay connection; dropping it closes the socket without reporting the close.
pub struct RelaySocket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl RelaySocket {
    /// Opens `url`, asking for LZ4 frames, and reports its events through `dispatch`; the result is `Err`,
    /// saying why, when the browser refuses the URL (then no event will follow: the caller reports the failed
    /// attempt).
    pub fn open(url: &str, seq: u64, dispatch: Dispatch) -> Result<RelaySocket, String> {
        let ws = WebSocket::new_with_str(url, LZ4_SUBPROTOCOL).map_err(super::clock::js_error)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let d = dispatch.clone();
        let opened = ws.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| {
            d(Action::RelayOpened {
                seq,
                encoding: FrameEncoding::of_subprotocol(&opened.protocol()),
            })
        });
        let d = dispatch.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            if let Some(text) = data.as_string() {
                d(Action::RelayText { seq, text });
            } else if let Ok(buf) = data.dyn_into::<js_sys::ArrayBuffer>() {
                d(Action::RelayBinary {
                    seq,
                    data: js_sys::Uint8Array::new(&buf).to_vec(),
                });
            }
        });
        let d = dispatch;
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            d(Action::RelayClosed {
                seq,
                code: e.code(),
                reason: e.reason(),
            })
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // A failed handshake fires `error` then `close`; `close` alone carries what we need.
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(RelaySocket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }
}

impl RelaySocket {
    /// Sends a text message (see `dstream_protocol::ClientMessage`); a socket not open yet or closing drops it,
    /// as the browser does.
    pub fn send(&self, text: &str) {
        let _ = self.ws.send_with_str(text);
    }
}

impl Drop for RelaySocket {
    fn drop(&mut self) {
        // Detach first: this close is ours, not an outage to report.
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// The relay connection the view model holds: in the socket's own worker when the page named its script
/// ([`SocketWorker`]), beside the view model otherwise (the component tests, or a worker that could not start).
pub enum RelayLine {
    /// The socket beside the view model, if one is open.
    Here(Option<RelaySocket>),
    /// The socket's own worker.
    Worker(SocketWorker),
}

impl RelayLine {
    /// Opens connection `seq` to `url`, closing the one held; its events go to `dispatch`. A URL the browser
    /// refuses is reported as that attempt closing.
    pub fn open(&mut self, seq: u64, url: &str, dispatch: Dispatch) {
        match self {
            RelayLine::Worker(worker) => worker.open(seq, url),
            RelayLine::Here(socket) => {
                drop(socket.take());
                match RelaySocket::open(url, seq, dispatch.clone()) {
                    Ok(open) => *socket = Some(open),
                    Err(e) => dispatch(Action::RelayClosed {
                        seq,
                        code: 1006,
                        reason: format!("bad URL: {e}"),
                    }),
                }
            }
        }
    }

    /// Sends a text message on the connection held; with none held (the link just dropped), the message is lost
    /// and the page's own counters still show what was typed.
    pub fn send(&self, text: &str) {
        match self {
            RelayLine::Worker(worker) => worker.send(text),
            RelayLine::Here(socket) => {
                if let Some(socket) = socket {
                    socket.send(text);
                }
            }
        }
    }

    /// Closes the connection held, without reporting the close.
    pub fn close(&mut self) {
        match self {
            RelayLine::Worker(worker) => worker.close(),
            RelayLine::Here(socket) => drop(socket.take()),
        }
    }
}
