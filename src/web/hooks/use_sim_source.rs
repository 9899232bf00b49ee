//! The built-in simulated source, running only while it feeds the engine, at the rate asked.

use super::slot::{use_slot, Slot};
use crate::engine::LogGenerator;
use crate::model::Action;
use crate::web::sim::SimSource;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The built-in source (at most one running); its line generator lives as long as the app, so a restart
/// at a new rate goes on with the same stream.
#[derive(Clone)]
pub struct Sim {
    source: Slot<SimSource>,
    generator: Rc<RefCell<LogGenerator>>,
    dispatch: Callback<Action>,
}

impl Sim {
    /// Runs the source at `rate` lines per second, replacing the running one.
    pub fn start(&self, rate: f64) {
        self.source.clear();
        self.source.put(SimSource::start(
            self.generator.clone(),
            rate,
            self.dispatch.clone(),
        ));
    }

    /// Stops the source, if it runs.
    pub fn stop(&self) {
        self.source.clear();
    }
}

/// The built-in source of this app, seeded from the clock; it stops when the app unmounts.
#[hook]
pub fn use_sim_source(dispatch: Callback<Action>) -> Sim {
    let generator = use_mut_ref(|| LogGenerator::new(js_sys::Date::now() as u64));
    Sim {
        source: use_slot(),
        generator,
        dispatch,
    }
}
