//! Output operations: `foreachRDD`, `pprint` and the collecting sink.

use std::cell::RefCell;
use std::rc::Rc;

use super::DStream;
use crate::graph::{AnyNode, Record};
use crate::pprint::pprint_block;

/// Emitted batches with their times, shared with a sink.
type Batches<T> = Rc<RefCell<Vec<(i64, Vec<T>)>>>;

/// The records an output saw, batch by batch: filled by [`DStream::collect`].
pub struct Collected<T> {
    batches: Batches<T>,
}

impl<T> Collected<T> {
    /// Takes what was collected so far: `(batch time in ms, records)` per emitted batch.
    pub fn take(&self) -> Vec<(i64, Vec<T>)> {
        std::mem::take(&mut *self.batches.borrow_mut())
    }
}

impl<T: Record> DStream<T> {
    /// `foreachRDD(func)`: calls `f(batch time in ms, records)` for every RDD
    /// this stream produces, in batch order.
    pub fn foreach_rdd(&self, f: impl FnMut(i64, &[T]) + 'static) {
        // An output reads the stream too, so it is no longer piped to one reader.
        self.node.add_consumer();
        let node = self.node.clone();
        let f = RefCell::new(f);
        self.graph.outputs.borrow_mut().push(Rc::new(move |t| {
            if let Some(rdd) = node.get_or_compute(t) {
                (f.borrow_mut())(t, &rdd.records);
            }
        }));
    }

    /// An output that only computes the stream at every batch, as the PySpark
    /// harness's marker `foreachRDD` does. On a queue stream (or a stream
    /// reading one) it makes batch k take the k-th queued batch whatever the
    /// other outputs ask for; registered last, it asks after all of them.
    pub fn read_every_batch(&self) {
        self.foreach_rdd(|_, _| {});
    }

    /// `pprint(num)`: prints each RDD's first `num` records as PySpark does, into
    /// the context's console (see `StreamingContext::take_console`).
    pub fn pprint(&self, num: usize) {
        let graph = Rc::downgrade(&self.graph);
        self.foreach_rdd(move |t, records| {
            if let Some(g) = graph.upgrade() {
                g.console
                    .borrow_mut()
                    .push_str(&pprint_block(t, records, num));
            }
        });
    }

    /// A collecting sink, for tests: every emitted RDD's records with its time.
    pub fn collect(&self) -> Collected<T> {
        let batches = Rc::new(RefCell::new(Vec::new()));
        let sink = batches.clone();
        self.foreach_rdd(move |t, records| sink.borrow_mut().push((t, records.to_vec())));
        Collected { batches }
    }
}
