//! A batch's rows grouped by key, in the order the batch first saw the keys (Spark's
//! aggregation hash maps iterate in insertion order), without building a key per row: a row's
//! key is looked up by parts borrowed from the row (and the windows its time falls in), and
//! made into values only the first time the batch sees it. A row whose key columns are known
//! by identity (a shared text by its pointer, a whole number or a time by its value) finds the
//! keys of an earlier row of the same identities in a small memo, without hashing its text
//! or working out its windows again.

use std::hash::Hasher;
use std::rc::Rc;

use hashbrown::HashTable;
use rustc_hash::FxHasher;

use crate::plan::{windows_containing, GroupKey};
use crate::value::{KeyPart, Row, Schema, Value};

/// One part of a row's grouping key.
#[derive(Clone, Copy)]
enum Part<'r> {
    /// A column's value, borrowed from the row.
    Value(&'r Value),
    /// A `window(...)` key's `struct<start, end>`.
    Window(i64, i64),
}

impl Part<'_> {
    fn value(self) -> Value {
        match self {
            Part::Value(v) => v.clone(),
            Part::Window(start, end) => window_value(start, end),
        }
    }

    #[inline(always)]
    fn hash(self, h: &mut FxHasher) {
        match self {
            Part::Value(v) => hash_value(v, h),
            // As hash_value hashes the struct window_value makes, without making it.
            Part::Window(start, end) => {
                h.write_u8(STRUCT);
                h.write_usize(2);
                for time in [start, end] {
                    h.write_u8(NUMBER + TIMESTAMP);
                    h.write_i64(time);
                }
            }
        }
    }

    /// Whether this part groups with `value` (as [`KeyPart`]s compare).
    #[inline(always)]
    fn groups_with(self, value: &Value) -> bool {
        match (self, value) {
            (Part::Window(start, end), Value::Struct(fields)) => {
                matches!(fields.as_slice(), [Value::Timestamp(s), Value::Timestamp(e)] if *s == start && *e == end)
            }
            (Part::Window(..), _) => false,
            // A key's text is most often the very text of the literal or UDF result it was made of.
            (Part::Value(Value::String(a)), Value::String(b)) => Rc::ptr_eq(a, b) || a == b,
            (Part::Value(Value::Long(a)), Value::Long(b))
            | (Part::Value(Value::Timestamp(a)), Value::Timestamp(b)) => a == b,
            (Part::Value(a), b) => KeyPart::of(a) == KeyPart::of(b),
        }
    }
}

/// A key column's value known by identity: a kind, then a word. Equal identities are equal
/// values: a text's pointer is one the grouping holds (in a key it keeps), so no other text
/// lives there while the memo does.
type Identity = [u64; 2];

// The kinds of an identity (0: NULL).
const ID_TEXT: u64 = 1;
/// Plus [`KeyPart::Number`]'s tag.
const ID_NUMBER: u64 = 2;

/// `v`'s identity, if it has one (texts, whole numbers, timestamps, NULL).
#[inline(always)]
fn identity(v: &Value) -> Option<Identity> {
    Some(match v {
        Value::Null => [0, 0],
        Value::String(s) => [ID_TEXT, s.as_ptr() as u64],
        Value::Long(n) => [ID_NUMBER, *n as u64],
        Value::Int(n) => [ID_NUMBER + 1, i64::from(*n) as u64],
        Value::Timestamp(n) => [ID_NUMBER + u64::from(TIMESTAMP), *n as u64],
        _ => return None,
    })
}

/// Slots of the memo (a power of two): more than the keys a trigger's rows usually share.
const MEMO_SLOTS: usize = 64;
/// The most keys a row adds to that the memo keeps for it.
const MEMO_IDS: usize = 4;

/// The identities of a row's key columns, one after another (unused places zero).
type Identities = [u64; 2 * FEW_KEYS];

/// The keys an earlier row added to, by the identities of its key columns, in a slot chosen by
/// their hash (a newer row takes an older one's slot).
#[derive(Clone, Copy)]
struct Slot {
    columns: Identities,
    ids: [usize; MEMO_IDS],
    /// How many of `ids` there are: 0 for an empty slot (a row that adds to no key is not kept).
    len: usize,
}

impl Slot {
    const EMPTY: Slot = Slot {
        columns: [0; 2 * FEW_KEYS],
        ids: [0; MEMO_IDS],
        len: 0,
    };
}

/// The slot of identities whose FxHash is `hash`.
#[inline(always)]
fn slot_of(hash: u64) -> usize {
    // FxHash's high bits are its best mixed.
    (hash >> (64 - MEMO_SLOTS.trailing_zeros())) as usize
}

fn window_value(start: i64, end: i64) -> Value {
    Value::Struct(vec![Value::Timestamp(start), Value::Timestamp(end)])
}

// The first byte hash_value writes for a kind of value.
const STRUCT: u8 = 5;
const ARRAY: u8 = 6;
/// Plus the number's tag in [`KeyPart::Number`].
const NUMBER: u8 = 10;
/// [`KeyPart::of`]'s tag of a timestamp.
const TIMESTAMP: u8 = 2;

/// Hashes `v` so that values that group together (equal [`KeyPart`]s) hash alike.
#[inline]
fn hash_value(v: &Value, h: &mut FxHasher) {
    match v {
        Value::String(s) => {
            h.write_u8(3);
            h.write(s.as_bytes());
            h.write_u8(0xff);
        }
        Value::Struct(items) | Value::Array(items) => {
            h.write_u8(if matches!(v, Value::Struct(_)) {
                STRUCT
            } else {
                ARRAY
            });
            h.write_usize(items.len());
            for item in items {
                hash_value(item, h);
            }
        }
        leaf => match KeyPart::of(leaf) {
            KeyPart::Number(tag, n) => {
                h.write_u8(NUMBER + tag);
                h.write_i64(n);
            }
            KeyPart::Double(bits) => {
                h.write_u8(2);
                h.write_u64(bits);
            }
            KeyPart::Boolean(b) => {
                h.write_u8(4);
                h.write_u8(u8::from(b));
            }
            _ => h.write_u8(0),
        },
    }
}

/// A missing column's key part.
const NULL: &Value = &Value::Null;

/// Up to this many keys, a combination's parts are gathered without an allocation.
const FEW_KEYS: usize = 4;

/// The distinct grouping keys of a batch's rows, in the order first seen.
pub(crate) struct Grouping<'k> {
    keys: &'k [GroupKey],
    /// Each key's column in the schema (None: the column is missing, the key is NULL).
    columns: Vec<Option<usize>>,
    found: Vec<Vec<Value>>,
    /// (hash, index in `found`).
    table: HashTable<(u64, usize)>,
    /// An array, so that a slot's index (below [`MEMO_SLOTS`] by its making) needs no check.
    memo: Box<[Slot; MEMO_SLOTS]>,
    /// The keys of the row at hand, when the memo did not hold them.
    ids: Vec<usize>,
    // Buffers of `add`, kept between rows: the windows of each window key, and which of them
    // the combination at hand takes.
    windows: Vec<Vec<(i64, i64)>>,
    /// The time each key's `windows` are of.
    windows_of: Vec<Option<i64>>,
    at: Vec<usize>,
}

impl<'k> Grouping<'k> {
    /// No key seen yet, for `keys` over `schema`.
    pub(crate) fn new(keys: &'k [GroupKey], schema: &Schema) -> Grouping<'k> {
        let columns = keys
            .iter()
            .map(|key| {
                let name = match key {
                    GroupKey::Column(name) | GroupKey::Window(name, _) => name,
                };
                schema.iter().position(|f| f.name == *name)
            })
            .collect();
        Grouping {
            keys,
            columns,
            found: Vec::new(),
            table: HashTable::new(),
            memo: Box::new([Slot::EMPTY; MEMO_SLOTS]),
            ids: Vec::new(),
            windows: vec![Vec::new(); keys.len()],
            windows_of: vec![None; keys.len()],
            at: vec![0; keys.len()],
        }
    }

    /// The index of each key `row` adds to, in [`crate::plan::keys_of`]'s order (one per
    /// window of a `window(...)` key, the latest first; none for a NULL time); a key not seen
    /// before gets the next index.
    pub(crate) fn add(&mut self, row: &Row) -> &[usize] {
        let mut columns = [0; 2 * FEW_KEYS];
        let Some(at) = self.identities(row, &mut columns) else {
            self.add_by_parts(row);
            return &self.ids;
        };
        let words = 2 * self.keys.len();
        let slot = &self.memo[at];
        let held = slot.len > 0 && (0..words).all(|i| slot.columns[i] == columns[i]);
        if held {
            let slot = &self.memo[at];
            return &slot.ids[..slot.len];
        }
        self.add_by_parts(row);
        self.remember(at, columns);
        &self.ids
    }

    /// Writes the identities of `row`'s key columns in `columns`; their slot in the memo, when
    /// it may hold them: every column has one, the keys are few, and so are the keys found so
    /// far (beyond, rows of many keys would take each other's slots).
    #[inline(always)]
    fn identities(&self, row: &Row, columns: &mut Identities) -> Option<usize> {
        if self.keys.len() > FEW_KEYS || self.found.len() > MEMO_SLOTS {
            return None;
        }
        let mut h = FxHasher::default();
        for k in 0..self.keys.len() {
            let [kind, word] = identity(self.value(row, k))?;
            columns[2 * k] = kind;
            columns[2 * k + 1] = word;
            h.write_u64(kind);
            h.write_u64(word);
        }
        Some(slot_of(h.finish()))
    }

    /// Keeps in slot `at` of the memo the keys of the row at hand (`ids`), whose key columns
    /// are `columns`, when there are some and few, and every text of `columns` is one a kept
    /// key holds (so it lives as long as the memo: no other text can take its place).
    fn remember(&mut self, at: usize, columns: Identities) {
        let ids = &self.ids;
        let (Some(&first), true) = (ids.first(), ids.len() <= MEMO_IDS) else {
            return;
        };
        let key = &self.found[first];
        // A text column is a `GroupKey::Column`: its value is the key's own part.
        let held = |k: usize| {
            columns[2 * k] != ID_TEXT
                || matches!(&key[k], Value::String(s) if s.as_ptr() as u64 == columns[2 * k + 1])
        };
        if !(0..self.keys.len()).all(held) {
            return;
        }
        let mut slot = Slot {
            columns,
            ids: [0; MEMO_IDS],
            len: ids.len(),
        };
        slot.ids[..ids.len()].copy_from_slice(ids);
        self.memo[at] = slot;
    }

    /// [`Grouping::add`] by the parts of the row's keys, hashed: the keys in `ids`.
    fn add_by_parts(&mut self, row: &Row) {
        self.ids.clear();
        for (k, key) in self.keys.iter().enumerate() {
            if let GroupKey::Window(_, w) = key {
                let Value::Timestamp(ts) = self.value(row, k) else {
                    return;
                };
                // Lines of a trigger often share their time (pushed together).
                if self.windows_of[k] != Some(*ts) {
                    self.windows_of[k] = Some(*ts);
                    self.windows[k].clear();
                    self.windows[k].extend(windows_containing(*ts, w.duration, w.slide));
                }
                if self.windows[k].is_empty() {
                    return;
                }
            }
        }
        // The combination at hand's parts: in place for a few keys, on the heap beyond.
        let n = self.keys.len();
        let mut few = [Part::Value(NULL); FEW_KEYS];
        let mut many = Vec::new();
        let parts = if n <= FEW_KEYS {
            &mut few[..n]
        } else {
            many.resize(n, Part::Value(NULL));
            &mut many[..]
        };
        for (k, part) in parts.iter_mut().enumerate() {
            *part = self.part(row, k, 0);
        }
        // Every combination, the first key varying slowest (keys_of's flat_map order).
        self.at.fill(0);
        loop {
            let id = self.id_of(parts);
            self.ids.push(id);
            let mut k = n;
            loop {
                if k == 0 {
                    return;
                }
                k -= 1;
                if let GroupKey::Window(..) = self.keys[k] {
                    self.at[k] += 1;
                    if self.at[k] < self.windows[k].len() {
                        parts[k] = self.part(row, k, self.at[k]);
                        break;
                    }
                    self.at[k] = 0;
                    parts[k] = self.part(row, k, 0);
                }
            }
        }
    }

    /// Key `k`'s column in `row` (NULL when the schema lacks it).
    #[inline(always)]
    fn value<'r>(&self, row: &'r Row, k: usize) -> &'r Value {
        self.columns[k].map_or(NULL, |i| &row[i])
    }

    /// Key `k`'s part of `row`, its window number `at` for a window key.
    fn part<'r>(&self, row: &'r Row, k: usize, at: usize) -> Part<'r> {
        match self.keys[k] {
            GroupKey::Column(_) => Part::Value(self.value(row, k)),
            GroupKey::Window(..) => {
                let (start, end) = self.windows[k][at];
                Part::Window(start, end)
            }
        }
    }

    /// The index of the key of `parts`, a new one if the batch has not seen it.
    fn id_of(&mut self, parts: &[Part]) -> usize {
        let mut h = FxHasher::default();
        for part in parts {
            part.hash(&mut h);
        }
        let hash = h.finish();
        let found = &self.found;
        let matches = |&(hh, i): &(u64, usize)| {
            let key = &found[i];
            hh == hash
                && key.len() == parts.len()
                && parts.iter().zip(key).all(|(p, v)| p.groups_with(v))
        };
        if let Some(&(_, i)) = self.table.find(hash, matches) {
            return i;
        }
        let i = self.found.len();
        self.found.push(parts.iter().map(|p| p.value()).collect());
        self.table.insert_unique(hash, (hash, i), |&(hh, _)| hh);
        i
    }

    /// The keys, in the order first seen.
    pub(crate) fn into_keys(self) -> Vec<Vec<Value>> {
        self.found
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::plan::{keys_of, Window};
    use crate::value::{DataType, Field};

    /// Numbers below `m` from a linear congruential generator started at `seed` (the same
    /// numbers at every run).
    pub(crate) fn pseudo_random(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        }
    }

    /// The general path: every key of every row built with `keys_of` and compared as
    /// `KeyPart`s; the keys in the order first seen, and each row's key indices.
    fn by_keys_of(
        keys: &[GroupKey],
        schema: &Schema,
        rows: &[Row],
    ) -> (Vec<Vec<Value>>, Vec<usize>) {
        let mut found: Vec<Vec<Value>> = Vec::new();
        let mut index: HashMap<Vec<KeyPart>, usize> = HashMap::new();
        let mut ids = Vec::new();
        for row in rows {
            for key in keys_of(keys, schema, row) {
                let id = KeyPart::of_key(&key);
                let i = *index.entry(id).or_insert_with(|| {
                    found.push(key);
                    found.len() - 1
                });
                ids.push(i);
            }
        }
        (found, ids)
    }

    fn by_grouping(
        keys: &[GroupKey],
        schema: &Schema,
        rows: &[Row],
    ) -> (Vec<Vec<Value>>, Vec<usize>) {
        let mut grouping = Grouping::new(keys, schema);
        let mut ids = Vec::new();
        for row in rows {
            ids.extend_from_slice(grouping.add(row));
        }
        (grouping.into_keys(), ids)
    }

    /// Rows of every kind of key value, from a small linear congruential generator: strings,
    /// doubles (0.0 and -0.0, NaNs), ints, NULLs, timestamps (some NULL, some negative, in
    /// runs of one time).
    fn generated_rows(n: usize) -> Vec<Row> {
        let mut next = pseudo_random(42);
        let mut time = 0;
        (0..n)
            .map(|_| {
                let text = match next(5) {
                    0 => Value::Null,
                    k => {
                        Value::String(["info", "notice", "error", "unknown"][k as usize - 1].into())
                    }
                };
                let number = match next(6) {
                    0 => Value::Double(0.0),
                    1 => Value::Double(-0.0),
                    2 => Value::Double(f64::NAN),
                    3 => Value::Double(-f64::NAN),
                    4 => Value::Null,
                    _ => Value::Double(next(3) as f64),
                };
                let small = Value::Int(next(3) as i32);
                // Runs of rows at one time, as lines pushed together arrive.
                if next(3) == 0 {
                    time = next(60_000_000) as i64 - 10_000_000;
                }
                let time = match next(10) {
                    0 => Value::Null,
                    _ => Value::Timestamp(time),
                };
                vec![text, number, small, time]
            })
            .collect()
    }

    fn schema() -> Schema {
        vec![
            Field::new("type", DataType::String),
            Field::new("x", DataType::Double),
            Field::new("n", DataType::Int),
            Field::new("timestamp", DataType::Timestamp),
        ]
    }

    #[test]
    fn a_text_freed_and_its_place_taken_by_another_is_not_grouped_as_the_first() {
        // Each row's text is made for it and freed once the row is grouped, as a trigger's
        // lines are: the allocator hands a freed text's place to the next ones.
        let keys = [GroupKey::Column("type".to_string())];
        let schema = schema();
        let words = ["info", "notice", "error", "unknown", "warn"];
        let mut next = pseudo_random(7);
        let texts: Vec<&str> = (0..5000).map(|_| words[next(5) as usize]).collect();
        let row = |text: &str| {
            vec![
                Value::String(text.into()),
                Value::Null,
                Value::Null,
                Value::Null,
            ]
        };
        let mut grouping = Grouping::new(&keys, &schema);
        let mut fast_ids = Vec::new();
        for text in &texts {
            let row = row(text);
            fast_ids.extend_from_slice(grouping.add(&row));
        }
        let rows: Vec<Row> = texts.iter().map(|t| row(t)).collect();
        let (general, general_ids) = by_keys_of(&keys, &schema, &rows);
        assert_eq!(fast_ids, general_ids);
        let as_parts =
            |ks: &[Vec<Value>]| ks.iter().map(|k| KeyPart::of_key(k)).collect::<Vec<_>>();
        assert_eq!(as_parts(&grouping.into_keys()), as_parts(&general));
    }

    #[test]
    fn a_window_part_hashes_as_the_struct_it_stands_for() {
        let hash = |part: Part| {
            let mut h = FxHasher::default();
            part.hash(&mut h);
            h.finish()
        };
        for (start, end) in [
            (0, 20_000_000),
            (-10_000_000, 10_000_000),
            (i64::MAX - 1, i64::MAX),
        ] {
            let value = window_value(start, end);
            assert_eq!(hash(Part::Window(start, end)), hash(Part::Value(&value)));
            assert!(Part::Window(start, end).groups_with(&value));
        }
        assert_ne!(
            hash(Part::Window(0, 20)),
            hash(Part::Value(&window_value(0, 21)))
        );
    }

    #[test]
    fn grouping_by_borrowed_parts_equals_grouping_by_keys_of() {
        let rows = generated_rows(5000);
        let column = |name: &str| GroupKey::Column(name.to_string());
        let window = |duration: i64, slide: i64| {
            GroupKey::Window(
                "timestamp".to_string(),
                Window {
                    duration: duration * 1_000_000,
                    slide: slide * 1_000_000,
                },
            )
        };
        let groupings = [
            vec![column("type")],
            vec![column("x")],
            vec![column("type"), column("n"), column("x")],
            vec![window(20, 10), column("type")],
            vec![column("type"), window(20, 10)],
            vec![window(20, 10), window(30, 10), column("n")],
            vec![window(5, 10)],
            vec![column("missing"), column("type")],
            // More keys than FEW_KEYS.
            vec![
                column("type"),
                column("n"),
                window(20, 10),
                column("x"),
                window(30, 10),
            ],
            vec![],
        ];
        for keys in groupings {
            let (general, general_ids) = by_keys_of(&keys, &schema(), &rows);
            let (fast, fast_ids) = by_grouping(&keys, &schema(), &rows);
            assert_eq!(fast_ids, general_ids, "{keys:?}");
            let as_parts =
                |ks: &[Vec<Value>]| ks.iter().map(|k| KeyPart::of_key(k)).collect::<Vec<_>>();
            assert_eq!(as_parts(&fast), as_parts(&general), "{keys:?}");
            assert!(
                fast.len() > 1 || keys.is_empty(),
                "{keys:?} made {} keys",
                fast.len()
            );
        }
    }
}
