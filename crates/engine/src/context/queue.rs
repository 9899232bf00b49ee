//! `queueStream`: an input that takes its next queued batch when it is
//! computed, as Spark's `QueueInputDStream` does.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::StreamingContext;
use crate::dstream::{add_node, DStream, NodeSpec};
use crate::graph::Record;
use crate::rdd::Rdd;

/// PySpark's `queueStream(rdds, oneAtATime, default)` arguments besides the
/// batches. The default is PySpark's: one batch at a time, no default batch.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueOptions<T> {
    /// `oneAtATime`: each computation takes the next batch; when false, the
    /// first takes every queued batch as one, and later ones find it empty.
    pub one_at_a_time: bool,
    /// `default`: what a computation that finds the queue empty yields
    /// (parallelized like the batches). `None`, like PySpark's empty list,
    /// means Spark's own default: an empty RDD of one partition.
    pub default: Option<Vec<T>>,
}

impl<T> Default for QueueOptions<T> {
    fn default() -> Self {
        QueueOptions {
            one_at_a_time: true,
            default: None,
        }
    }
}

impl StreamingContext {
    /// `queueStream(rdds, oneAtATime=True)`: see [`StreamingContext::queue_stream_with`].
    pub fn queue_stream<T: Record>(&self, batches: Vec<Vec<T>>) -> DStream<T> {
        self.queue_stream_with(batches, QueueOptions::default())
    }

    /// `queueStream(rdds, oneAtATime, default)` over lists: each batch is
    /// parallelized into `defaultParallelism` partitions.
    ///
    /// Like Spark's `QueueInputDStream`, the stream takes from the queue when
    /// it is computed, not when a batch starts: a batch time at which nothing
    /// asks for the stream (say `window(2, 3)` over 1 s batches, which never
    /// reads the first of every three) takes nothing, and the next time that
    /// is asked for gets the next queued batch. To give batch k the k-th
    /// queued batch whatever else reads it, read the stream at every batch
    /// ([`DStream::read_every_batch`]). Times are taken in Spark's order: each
    /// output in registration order asks for what it needs, a window for its
    /// times oldest first.
    ///
    /// With no batches but a default, PySpark queues one empty batch first
    /// (its `rdds = [rdds]`), and so does this.
    pub fn queue_stream_with<T: Record>(
        &self,
        mut batches: Vec<Vec<T>>,
        options: QueueOptions<T>,
    ) -> DStream<T> {
        let QueueOptions {
            one_at_a_time,
            default,
        } = options;
        // PySpark tests `if default:`, so an empty list is no default.
        let default = default.filter(|d| !d.is_empty());
        if batches.is_empty() && default.is_some() {
            batches.push(Vec::new());
        }
        let queue = RefCell::new(VecDeque::from(batches));
        // Weak: the graph owns this closure, so a strong handle would be a cycle.
        let graph = Rc::downgrade(&self.graph);
        let take = Rc::new(move || {
            let partitions = graph.upgrade().map_or(1, |g| g.parallelism.get());
            let mut queue = queue.borrow_mut();
            let taken: Vec<Vec<T>> = if one_at_a_time {
                queue.pop_front().into_iter().collect()
            } else {
                queue.drain(..).collect()
            };
            if !taken.is_empty() {
                // Several batches at once are Spark's `UnionRDD` of them.
                let n = taken.len();
                Rdd::new(taken.into_iter().flatten().collect(), n * partitions)
            } else if let Some(records) = &default {
                Rdd::new(records.clone(), partitions)
            } else {
                // Spark's default RDD for an empty queue: `sc.makeRDD(Seq.empty, 1)`.
                Rdd::new(Vec::new(), 1)
            }
        });
        let piped = take.clone();
        add_node(
            &self.graph,
            NodeSpec {
                describe: "queueStream".to_string(),
                slide_ms: self.graph.batch_ms,
                parents: vec![],
                self_lookback_ms: 0,
                must_checkpoint: false,
                live_input: false,
            },
            Box::new(move |_, _| Some(Rc::new(take()))),
            // Piped only to a sole reader that keeps nothing, which asks for
            // each time once (see `Node::for_each`): the batch is taken once.
            Some(Box::new(move |_, sink| Some(piped().for_each(sink)))),
        )
    }
}
