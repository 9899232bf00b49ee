//! Functions whose whole body is a shape a host can run without a call:
//! `lambda x, y: x + y` on two ints, `lambda x: (x, 1)`, `return` of a
//! constant or a parameter, and the notebook's `get_message_type` (an
//! `if "lit" in line: t = "const"` / `elif` / `else` chain, then `return t`)
//! on a `str` (with the chain's prepared searches, as its lowered closure
//! runs them). A stream calls such a function once per record; [`Quick`]
//! gives the value the call would return straight from the arguments, with
//! no frame, no closures and no argument copies, or `None` where the call
//! could do anything else (another type, an int overflow, an unbound local):
//! then the host makes the real call, which raises Python's error.
//!
//! None of these shapes can have an effect the caller would see (they call
//! nothing, print nothing, raise nothing on the arguments they accept), so
//! a value from [`Quick`] is exactly what the call returns.

use std::rc::Rc;

use dstream_engine::Line;

use crate::code::{Ex, ExK, St, StK, Var};
use crate::eval::as_function;
use crate::lower::{str_chain, StrChain};
use crate::number::ArithOp;
use crate::value::Value;

/// A function's body as data the host runs without calling it (see the
/// module's description). Cloning it is cheap.
#[derive(Clone)]
pub struct Quick {
    /// How many positional parameters the function takes (a call with
    /// another count goes the general way, which binds defaults or raises).
    params: usize,
    shape: Rc<Shape>,
}

/// An operand: a parameter or a constant.
enum Item {
    Param(usize),
    Const(Value),
}

impl Item {
    /// The operand's value for `args`.
    #[inline]
    fn get(&self, args: &[&Value]) -> Value {
        match self {
            Item::Param(p) => args[*p].clone(),
            Item::Const(c) => c.clone(),
        }
    }
}

/// An int operation done inline: `+`, `-`, `*`.
#[derive(Clone, Copy)]
enum IntOp {
    Add,
    Sub,
    Mul,
}

/// What the body computes.
enum Shape {
    /// `return c` or `return p`.
    Item(Item),
    /// `return (a, b, ...)` of parameters and constants.
    Tuple(Vec<Item>),
    /// `return a op b` on two ints, when the result fits in 64 bits.
    Ints(IntOp, Item, Item),
    /// An `if "lit" in p: t = "const"` / `elif` / `else` chain, then `return r`.
    Chain { chain: StrChain, returned: usize },
}

/// A [`Quick`] chain on its one `str` parameter, as data (see [`Quick::text_chain`]).
#[derive(Clone)]
pub struct TextChain {
    /// Each arm's literal (`"[info]"`), in order: the first one the text contains decides.
    pub literals: Vec<Rc<str>>,
    /// Each arm's result, None where only the call gives it (the parameter, or an error).
    pub results: Vec<Option<Value>>,
    /// The result when no literal occurs, None where only the call gives it.
    pub otherwise: Option<Value>,
}

/// The [`Quick`] form of the Python function `f`, if it is one whose body
/// has one of the shapes.
pub fn quick(f: &Value) -> Option<Quick> {
    as_function(f)?.code.quick.clone()
}

impl Quick {
    /// `f(a)`, if the shape gives it for this argument.
    #[inline]
    pub fn call1(&self, a: &Value) -> Option<Value> {
        if self.params != 1 {
            return None;
        }
        self.run(&[a])
    }

    /// `f(a, b)`, if the shape gives it for these arguments.
    #[inline(always)]
    pub fn call2(&self, a: &Value, b: &Value) -> Option<Value> {
        if self.params != 2 {
            return None;
        }
        // The reducers' shape (`lambda x, y: x + y`), without the general dispatch.
        if let Shape::Ints(op, x, y) = &*self.shape {
            return ints(*op, x, y, &[a, b]);
        }
        self.run(&[a, b])
    }

    /// Puts `f(acc, b)` in `acc` when `acc` is an int and the shape gives
    /// an int for these arguments (a reduce's `lambda x, y: x + y`), and
    /// says so; otherwise leaves `acc` as it was (the caller makes the call).
    #[inline(always)]
    pub fn call2_into(&self, acc: &mut Value, b: &Value) -> bool {
        if self.params != 2 {
            return false;
        }
        let (Shape::Ints(op, x, y), Value::Int(slot)) = (&*self.shape, &mut *acc) else {
            return false;
        };
        let operand = |i: &Item| match i {
            Item::Param(0) => Some(*slot),
            Item::Param(_) => match b {
                Value::Int(n) => Some(*n),
                _ => None,
            },
            Item::Const(Value::Int(n)) => Some(*n),
            Item::Const(_) => None,
        };
        let operands = match (x, y, b) {
            // `lambda x, y: x + y`, tested first.
            (Item::Param(0), Item::Param(1), Value::Int(n)) => Some((*slot, *n)),
            _ => operand(x).zip(operand(y)),
        };
        match operands.and_then(|(x, y)| op.apply(x, y)) {
            Some(r) => {
                *slot = r;
                true
            }
            None => false,
        }
    }

    /// Whether the function takes one argument and returns a 2-tuple of it
    /// and constants (`lambda x: (x, 1)`): then [`Quick::call1_pair`]
    /// answers every call.
    pub fn makes_pair(&self) -> bool {
        self.params == 1 && matches!(&*self.shape, Shape::Tuple(items) if items.len() == 2)
    }

    /// The two items of the tuple `f(a)` returns, without the tuple, if
    /// [`Quick::makes_pair`].
    #[inline]
    pub fn call1_pair(&self, a: &Value) -> Option<(Value, Value)> {
        self.call1_pair_ref(a).map(|(x, y)| (x.clone(), y.clone()))
    }

    /// [`Quick::call1_pair`]'s items where they are: the argument or the
    /// function's constants (a reader that only looks copies nothing).
    #[inline]
    pub fn call1_pair_ref<'a>(&'a self, a: &'a Value) -> Option<(&'a Value, &'a Value)> {
        let item = |i: &'a Item| match i {
            Item::Param(_) => a,
            Item::Const(c) => c,
        };
        match &*self.shape {
            Shape::Tuple(items) if self.params == 1 => match &items[..] {
                [x, y] => Some((item(x), item(y))),
                _ => None,
            },
            _ => None,
        }
    }

    /// `f(str(line))` for a line of a batch, if the shape gives it without
    /// the argument as a value: a constant, or the chain's constant (a result
    /// that is the argument itself needs the value). A chain's scan of the
    /// line is made once per batch for every equal chain ([`dstream_engine::LineScan`]).
    #[inline]
    pub fn call1_line(&self, line: &Line) -> Option<Value> {
        if self.params != 1 {
            return None;
        }
        match &*self.shape {
            Shape::Item(Item::Const(c)) => Some(c.clone()),
            Shape::Chain { chain, returned } => {
                let (target, value) = match chain.first_arm_of_line(line) {
                    Some(arm) => (arm.target, &arm.value),
                    None => {
                        let (target, value) = chain.otherwise.as_ref()?;
                        (*target, value)
                    }
                };
                (target == *returned).then(|| value.clone())
            }
            _ => None,
        }
    }

    /// The chain of a one-parameter `get_message_type` as data, for a host that searches the
    /// text itself (one scan for every literal): [`Quick::call1`] on a `str` gives the first
    /// arm's result whose literal occurs in it, else the `otherwise`'s; None for another shape.
    pub fn text_chain(&self) -> Option<TextChain> {
        let Shape::Chain { chain, returned } = &*self.shape else {
            return None;
        };
        if self.params != 1 || chain.one_container() != Some(0) {
            return None;
        }
        // An arm that sets another local returns the parameter or raises: the call decides.
        let result = |target: usize, value: &Value| (target == *returned).then(|| value.clone());
        let mut literals = Vec::with_capacity(chain.arms.len());
        let mut results = Vec::with_capacity(chain.arms.len());
        for arm in &chain.arms {
            let Value::Str(literal) = &arm.search.needle else {
                return None;
            };
            if arm.search.negated {
                return None;
            }
            literals.push(literal.clone());
            results.push(result(arm.target, &arm.value));
        }
        let otherwise = chain.otherwise.as_ref().and_then(|(t, v)| result(*t, v));
        Some(TextChain {
            literals,
            results,
            otherwise,
        })
    }

    fn run(&self, args: &[&Value]) -> Option<Value> {
        let item = |i: &Item| i.get(args);
        match &*self.shape {
            Shape::Item(i) => Some(item(i)),
            Shape::Tuple(items) => Some(match &items[..] {
                [a, b] => Value::Tuple(Rc::from([item(a), item(b)])),
                _ => Value::tuple(items.iter().map(item).collect()),
            }),
            Shape::Ints(op, a, b) => ints(*op, a, b, args),
            Shape::Chain { chain, returned } => {
                if let Some(c) = chain.one_container() {
                    let Value::Str(s) = args[c] else {
                        return None;
                    };
                    return match chain.first_arm(s) {
                        Some(arm) => self.assigned(args, arm.target, &arm.value, *returned),
                        None => self.otherwise(args, chain, *returned),
                    };
                }
                for arm in &chain.arms {
                    let Value::Str(s) = args[arm.container] else {
                        return None;
                    };
                    if arm.search.in_str(s) {
                        return self.assigned(args, arm.target, &arm.value, *returned);
                    }
                }
                self.otherwise(args, chain, *returned)
            }
        }
    }

    /// `return returned` after the chain's arm set `target` to `value`.
    fn assigned(
        &self,
        args: &[&Value],
        target: usize,
        value: &Value,
        returned: usize,
    ) -> Option<Value> {
        if target == returned {
            Some(value.clone())
        } else {
            self.param(args, returned)
        }
    }

    /// `return returned` after no arm's test held.
    fn otherwise(&self, args: &[&Value], chain: &StrChain, returned: usize) -> Option<Value> {
        match &chain.otherwise {
            Some((target, value)) => self.assigned(args, *target, value, returned),
            None => self.param(args, returned),
        }
    }

    /// The local `slot` when nothing assigned it: a parameter's argument, or
    /// `None` for a local never bound (the real call raises `UnboundLocalError`).
    fn param(&self, args: &[&Value], slot: usize) -> Option<Value> {
        (slot < self.params).then(|| args[slot].clone())
    }
}

/// `a op b` for `args`, when both are ints and the result fits in 64 bits.
#[inline(always)]
fn ints(op: IntOp, a: &Item, b: &Item, args: &[&Value]) -> Option<Value> {
    let int = |i: &Item| match i {
        Item::Param(p) => match args[*p] {
            Value::Int(n) => Some(*n),
            _ => None,
        },
        Item::Const(Value::Int(n)) => Some(*n),
        Item::Const(_) => None,
    };
    op.apply(int(a)?, int(b)?).map(Value::Int)
}

impl IntOp {
    /// `a op b`, when it fits in 64 bits.
    #[inline(always)]
    fn apply(self, a: i64, b: i64) -> Option<i64> {
        match self {
            IntOp::Add => a.checked_add(b),
            IntOp::Sub => a.checked_sub(b),
            IntOp::Mul => a.checked_mul(b),
        }
    }
}

/// The [`Quick`] form of a body taking `params` parameters (the first local
/// slots), if it has one of the shapes. Docstrings (compiled to `pass`) are
/// skipped.
pub(crate) fn recognise(body: &[St], params: usize) -> Option<Quick> {
    let start = body
        .iter()
        .position(|s| !matches!(s.kind, StK::Pass))
        .unwrap_or(body.len());
    let shape = match &body[start..] {
        [St {
            kind: StK::Return(Some(e)),
            ..
        }] => expression(e, params)?,
        [St {
            kind: StK::If(test, then, orelse),
            ..
        }, St {
            kind:
                StK::Return(Some(Ex {
                    kind: ExK::Load(Var::Local(r)),
                    ..
                })),
            ..
        }] => {
            let chain = str_chain(test, then, orelse)?;
            if chain.arms.iter().any(|arm| arm.container >= params) {
                return None;
            }
            Shape::Chain {
                chain,
                returned: *r as usize,
            }
        }
        _ => return None,
    };
    Some(Quick {
        params,
        shape: Rc::new(shape),
    })
}

/// The shape of `return e`.
fn expression(e: &Ex, params: usize) -> Option<Shape> {
    Some(match &e.kind {
        ExK::Tuple(items) => Shape::Tuple(
            items
                .iter()
                .map(|i| item(i, params))
                .collect::<Option<_>>()?,
        ),
        ExK::Binary(op, a, b) => {
            let op = match op {
                ArithOp::Add => IntOp::Add,
                ArithOp::Sub => IntOp::Sub,
                ArithOp::Mul => IntOp::Mul,
                _ => return None,
            };
            Shape::Ints(op, item(a, params)?, item(b, params)?)
        }
        _ => Shape::Item(item(e, params)?),
    })
}

/// A parameter or a constant.
fn item(e: &Ex, params: usize) -> Option<Item> {
    match &e.kind {
        ExK::Load(Var::Local(i)) if (*i as usize) < params => Some(Item::Param(*i as usize)),
        ExK::Const(c) => Some(Item::Const(c.clone())),
        _ => None,
    }
}
