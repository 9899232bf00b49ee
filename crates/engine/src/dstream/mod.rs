//! `DStream<T>`: Spark's discretized stream and its operations, with PySpark's
//! semantics (including where PySpark differs from the Scala API).
//!
//! This module holds the stream and how a new stream joins the graph; the
//! operations are grouped by concern, each adding to `DStream`'s methods:
//! `narrow` (per batch: `map`, `filter`, `reduce`, `count`, `union`, ...),
//! `by_key` (on pairs: `reduceByKey`, `updateStateByKey`, ...), `window`
//! (the window operations and the paths windows took) and `output`
//! (`foreachRDD`, `pprint`, `collect`). They depend on this module;
//! `by_key` also on `narrow`, and `window` on both; nothing depends on
//! `window` or `output`.

use std::cell::RefCell;
use std::rc::Rc;

use crate::duration::Duration;
use crate::graph::{ComputeFn, Graph, Node, NodeEntry, PipeFn, Record};
use crate::rdd::Rdd;

mod by_key;
mod narrow;
mod output;
mod window;

pub use output::Collected;
pub use window::{FilterFn, InvFn, WindowSpec};

/// A discretized stream: one RDD of `T` per batch (per slide for windows).
pub struct DStream<T> {
    pub(crate) graph: Rc<Graph>,
    pub(crate) node: Rc<Node<T>>,
}

impl<T> Clone for DStream<T> {
    fn clone(&self) -> Self {
        DStream {
            graph: self.graph.clone(),
            node: self.node.clone(),
        }
    }
}

/// What a new node is, apart from how it computes.
pub(crate) struct NodeSpec {
    /// What the node is, e.g. `map` (a checkpoint only fits the same graph).
    pub describe: String,
    /// How often it produces an RDD.
    pub slide_ms: i64,
    /// Parents, each with how far back before a time this node asks it.
    pub parents: Vec<(usize, i64)>,
    /// How far back, before the time being computed, it asks itself.
    pub self_lookback_ms: i64,
    /// Spark's `mustCheckpoint`: it carries state from batch to batch.
    pub must_checkpoint: bool,
    /// It is a live input: its batch of time `t` exists only while batch `t`
    /// runs (the receiver's blocks), unlike a queue's, which waits to be read.
    pub live_input: bool,
}

/// Adds a node to the graph and returns its stream.
pub(crate) fn add_node<T: Record>(
    graph: &Rc<Graph>,
    spec: NodeSpec,
    compute: ComputeFn<T>,
    pipe: Option<PipeFn<T>>,
) -> DStream<T> {
    let NodeSpec {
        describe,
        slide_ms,
        parents,
        self_lookback_ms,
        must_checkpoint,
        live_input,
    } = spec;
    let mut nodes = graph.nodes.borrow_mut();
    for &(parent, _) in &parents {
        nodes[parent].node.add_consumer();
    }
    let fed_live = live_input || parents.iter().any(|&(p, _)| nodes[p].fed_live);
    let node = Rc::new(Node {
        id: nodes.len(),
        clock: graph.clock.clone(),
        slide_ms,
        self_lookback_ms,
        keep_ms: std::cell::Cell::new(0),
        cache: RefCell::new(Default::default()),
        compute,
        pipe,
        consumers: std::cell::Cell::new(0),
    });
    nodes.push(NodeEntry {
        node: node.clone(),
        describe,
        parents,
        must_checkpoint,
        fed_live,
    });
    DStream {
        graph: graph.clone(),
        node,
    }
}

impl<T: Record> DStream<T> {
    /// How often this stream produces an RDD (Spark's `slideDuration`).
    pub fn slide_duration(&self) -> Duration {
        Duration::from_millis(self.node.slide_ms)
    }

    /// A stateless stream computed from this one at the same times.
    fn child_spec(&self, describe: &str) -> NodeSpec {
        NodeSpec {
            describe: describe.to_string(),
            slide_ms: self.node.slide_ms,
            parents: vec![(self.node.id, 0)],
            self_lookback_ms: 0,
            must_checkpoint: false,
            live_input: false,
        }
    }

    /// A stream derived record by record (Spark's narrow dependency):
    /// `each(x, emit)` emits any number of records for `x`, keeping the
    /// partitions. It can be piped into its reader (see `Node::for_each`).
    fn narrow<U: Record>(
        &self,
        describe: &str,
        each: impl Fn(&T, &mut dyn FnMut(U)) + 'static,
    ) -> DStream<U> {
        let each = Rc::new(each);
        let each_piped = each.clone();
        self.narrow_with(
            describe,
            move |x, records| each(x, &mut |u| records.push(u)),
            move |x, sink| each_piped(x, &mut |u| sink(&u)),
        )
    }

    /// [`DStream::narrow`] written twice: `build(x, records)` pushes the
    /// records of `x` when the stream is computed (and kept), `pipe(x, sink)`
    /// hands them to its one reader by reference when it is piped, so that a
    /// `map` gives its record straight to the reader and a `filter` the
    /// record it read, with no copy and no emitter in between.
    pub(super) fn narrow_with<U: Record>(
        &self,
        describe: &str,
        build: impl Fn(&T, &mut Vec<U>) + 'static,
        pipe: impl Fn(&T, &mut dyn FnMut(&U)) + 'static,
    ) -> DStream<U> {
        let (parent, piped) = (self.node.clone(), self.node.clone());
        add_node(
            &self.graph,
            self.child_spec(describe),
            Box::new(move |_, t| {
                let mut records = Vec::new();
                let partitions = parent.for_each(t, &mut |x| build(x, &mut records))?;
                Some(Rc::new(Rdd::new(records, partitions)))
            }),
            Some(Box::new(move |t, sink| {
                piped.for_each(t, &mut |x| pipe(x, sink))
            })),
        )
    }

    /// A stream computed at each time from this one's records at that time,
    /// read with `Node::for_each` (so a narrow parent is piped, not built).
    fn gather<U: Record>(
        &self,
        describe: &str,
        f: impl Fn(&Node<T>, i64) -> Option<Rdd<U>> + 'static,
    ) -> DStream<U> {
        let parent = self.node.clone();
        add_node(
            &self.graph,
            self.child_spec(describe),
            Box::new(move |_, t| f(&parent, t).map(Rc::new)),
            None,
        )
    }
}
