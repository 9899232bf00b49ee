//! The order in which Spark's default state store hands back its rows.
//!
//! Spark's `HDFSBackedStateStoreProvider` keeps each shuffle partition's state in a
//! `java.util.concurrent.ConcurrentHashMap<UnsafeRow, UnsafeRow>`; every batch starts a new
//! map and copies the previous version into it with `putAll` (a fresh map with no copy for the
//! first batch). Complete mode prints `store.iterator()`, append mode the closed windows in
//! that order, so the order within a partition is the map's bin order, which depends on the
//! key's `UnsafeRow.hashCode()` and on the table's size history. This module reproduces
//! JDK 17's `ConcurrentHashMap` for one writer: `putAll`'s presizing (`tryPresize`, which
//! allocates and then doubles once), lazy 16-bin tables, resizing at three quarters full, and
//! `transfer`'s split of a bin (the nodes before the bin's last run are re-linked in reverse).
//! Bins never grow to 8 nodes here (trees are not modelled).

use crate::hash::{hash_bytes, SPARK_HASH_SEED};
use crate::value::Value;

/// One partition's state as Java's map holds it: bins of (key hash, key, aggregation buffers).
#[derive(Clone, Debug, Default)]
pub struct StateMap {
    table: Vec<Vec<Node>>,
    size_ctl: usize,
    count: usize,
}

#[derive(Clone, Debug, PartialEq)]
struct Node {
    hash: i32,
    key: Vec<Value>,
    buffers: Vec<Value>,
}

/// `ConcurrentHashMap.spread`.
fn spread(h: i32) -> usize {
    ((h ^ ((h as u32) >> 16) as i32) & 0x7fff_ffff) as usize
}

/// `ConcurrentHashMap.tableSizeFor`: the power of two at or above `c`.
fn table_size_for(c: usize) -> usize {
    c.max(1).next_power_of_two()
}

impl StateMap {
    /// The next version's map: a new map, filled from `previous` with `putAll` (Spark's
    /// `getStore(version > 0)`).
    pub fn copy_of(previous: &StateMap) -> StateMap {
        let mut map = StateMap::default();
        map.presize(previous.count);
        for node in previous.nodes() {
            map.put_node(node.clone());
        }
        map
    }

    /// `tryPresize(size)` on a new map: a table of `tableSizeFor(1.5 size + 1)` bins, then one
    /// doubling, because the threshold it leaves is below that size.
    fn presize(&mut self, size: usize) {
        let c = table_size_for(size + (size >> 1) + 1);
        self.table = vec![Vec::new(); c];
        self.size_ctl = c - (c >> 2);
        if c > self.size_ctl {
            self.transfer();
        }
    }

    fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.table.iter().flatten()
    }

    /// The rows in iteration order: (key, buffers).
    pub fn iter(&self) -> impl Iterator<Item = (&[Value], &[Value])> {
        self.nodes()
            .map(|n| (n.key.as_slice(), n.buffers.as_slice()))
    }

    /// How many keys the map holds.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the map holds no key.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The buffers of `key`, if present.
    pub fn get(&self, key: &[Value]) -> Option<&[Value]> {
        let hash = unsafe_row_hash(key);
        if self.table.is_empty() {
            return None;
        }
        let bin = spread(hash) & (self.table.len() - 1);
        self.table[bin]
            .iter()
            .find(|n| n.hash == hash && n.key == key)
            .map(|n| n.buffers.as_slice())
    }

    /// `put(key, buffers)`: replaces in place, or appends to the key's bin and resizes at
    /// three quarters full.
    pub fn put(&mut self, key: Vec<Value>, buffers: Vec<Value>) {
        let hash = unsafe_row_hash(&key);
        self.put_node(Node { hash, key, buffers });
    }

    fn put_node(&mut self, node: Node) {
        if self.table.is_empty() {
            // initTable: sizeCtl 0 means the default capacity.
            self.table = vec![Vec::new(); 16];
            self.size_ctl = 12;
        }
        let bin = spread(node.hash) & (self.table.len() - 1);
        if let Some(existing) = self.table[bin]
            .iter_mut()
            .find(|n| n.hash == node.hash && n.key == node.key)
        {
            existing.buffers = node.buffers;
            return;
        }
        self.table[bin].push(node);
        self.count += 1;
        while self.count >= self.size_ctl {
            self.transfer();
        }
    }

    /// `remove(key)`: unlinks the node, the others keep their order.
    pub fn remove(&mut self, key: &[Value]) {
        for bin in &mut self.table {
            if let Some(i) = bin.iter().position(|n| n.key == key) {
                bin.remove(i);
                self.count -= 1;
                return;
            }
        }
    }

    /// `transfer`: doubles the table; bin i splits into bins i and i + n.
    fn transfer(&mut self) {
        let n = self.table.len();
        let mut next = vec![Vec::new(); n * 2];
        for (i, bin) in std::mem::take(&mut self.table).into_iter().enumerate() {
            if bin.is_empty() {
                continue;
            }
            let high = |node: &Node| spread(node.hash) & n != 0;
            // The last run: the longest tail of nodes going to the same new bin; it moves as it
            // is, and the nodes before it are pushed on the front of their new bin one by one,
            // so they end up reversed.
            let mut last_run = 0;
            for j in 1..bin.len() {
                if high(&bin[j]) != high(&bin[j - 1]) {
                    last_run = j;
                }
            }
            let run_high = high(&bin[last_run]);
            let mut low: Vec<Node> = Vec::new();
            let mut high_nodes: Vec<Node> = Vec::new();
            for node in bin[..last_run].iter().rev() {
                if high(node) {
                    high_nodes.push(node.clone());
                } else {
                    low.push(node.clone());
                }
            }
            if run_high {
                high_nodes.extend_from_slice(&bin[last_run..]);
            } else {
                low.extend_from_slice(&bin[last_run..]);
            }
            next[i] = low;
            next[i + n] = high_nodes;
        }
        self.table = next;
        self.size_ctl = (n << 1) - (n >> 1);
    }
}

/// `UnsafeRow.hashCode()` of a grouping key: Murmur3 (seed 42) over the row's bytes as 4-byte
/// words. The row: a null bitset word, one 8-byte slot per field (`offset << 32 | size` for
/// variable-length fields), then the variable data (a nested struct row, string bytes padded
/// with zeros to 8). An array key (the playground refuses them) is laid out as a struct of its
/// elements, not as Spark's `UnsafeArrayData`: its order in the store is not Spark's.
pub fn unsafe_row_hash(key: &[Value]) -> i32 {
    let bytes = unsafe_row_bytes(key);
    // `hashUnsafeWords`: the row is a whole number of words, so this is `hashUnsafeBytes`.
    hash_bytes(&bytes, SPARK_HASH_SEED)
}

fn unsafe_row_bytes(fields: &[Value]) -> Vec<u8> {
    let bitset_words = fields.len().div_ceil(64);
    let fixed = 8 * bitset_words + 8 * fields.len();
    let mut row = vec![0u8; fixed];
    for (i, field) in fields.iter().enumerate() {
        let slot = 8 * bitset_words + 8 * i;
        let word: u64 = match field {
            Value::Null => {
                row[i / 8] |= 1 << (i % 8);
                0
            }
            Value::Long(n) | Value::Timestamp(n) => *n as u64,
            Value::Int(n) => *n as u32 as u64,
            Value::Boolean(b) => u64::from(*b),
            Value::Double(d) => d.to_bits(),
            Value::String(s) => {
                let offset = row.len() as u64;
                row.extend_from_slice(s.as_bytes());
                row.resize(row.len().next_multiple_of(8), 0);
                (offset << 32) | s.len() as u64
            }
            Value::Struct(inner) | Value::Array(inner) => {
                let offset = row.len() as u64;
                let nested = unsafe_row_bytes(inner);
                row.extend_from_slice(&nested);
                (offset << 32) | nested.len() as u64
            }
        };
        row[slot..slot + 8].copy_from_slice(&word.to_le_bytes());
    }
    row
}
