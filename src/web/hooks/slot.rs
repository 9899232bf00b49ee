//! One thing held at a time (a socket, a timer, a running source): replaced or let go on request, and let
//! go when the app unmounts. Dropping what it holds stops it.

use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// A handle on the one value held; clones share it.
pub struct Slot<T>(Rc<RefCell<Option<T>>>);

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Slot<T> {
    /// Holds `value`, dropping what was held.
    pub fn put(&self, value: T) {
        // The old value is dropped after the borrow ends, in case dropping it calls back.
        drop(self.0.replace(Some(value)));
    }

    /// Runs `f` on what is held, if anything.
    pub fn with(&self, f: impl FnOnce(&T)) {
        if let Some(value) = self.0.borrow().as_ref() {
            f(value);
        }
    }

    /// Drops what is held, if anything.
    pub fn clear(&self) {
        drop(self.0.take());
    }
}

/// An empty slot for this component, cleared when the component unmounts.
#[hook]
pub fn use_slot<T>() -> Slot<T>
where
    T: 'static,
{
    let cell = use_mut_ref(|| None);
    {
        let cell = cell.clone();
        use_effect_with((), move |_| move || drop(cell.take()));
    }
    Slot(cell)
}
