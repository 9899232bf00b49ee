//! The relay socket: one per connection attempt, as the reducer's `OpenRelay` and `CloseRelay` say.

use super::slot::{use_slot, Slot};
use crate::model::Action;
use crate::web::relay::RelaySocket;
use yew::prelude::*;

/// The relay socket held (at most one).
#[derive(Clone)]
pub struct Relay {
    socket: Slot<RelaySocket>,
    dispatch: Callback<Action>,
}

impl Relay {
    /// Opens the socket of attempt `seq` to `url`, closing the one held; a URL the browser refuses is
    /// reported as that attempt failing.
    pub fn open(&self, seq: u64, url: &str) {
        self.socket.clear();
        match RelaySocket::open(url, seq, self.dispatch.clone()) {
            Ok(socket) => self.socket.put(socket),
            Err(e) => self.dispatch.emit(Action::RelayClosed {
                seq,
                code: 1006,
                reason: format!("bad URL: {e}"),
            }),
        }
    }

    /// Sends a text message on the socket held; with none held (the link just dropped), the message is lost and
    /// the page's own counters still show what was typed.
    pub fn send(&self, text: &str) {
        self.socket.with(|socket| socket.send(text));
    }

    /// Closes the socket held, without reporting the close.
    pub fn close(&self) {
        self.socket.clear();
    }
}

/// The relay socket of this app; it is closed when the app unmounts.
#[hook]
pub fn use_relay(dispatch: Callback<Action>) -> Relay {
    Relay {
        socket: use_slot(),
        dispatch,
    }
}
