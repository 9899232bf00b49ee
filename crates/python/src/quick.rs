//! Functions whose whole body is a shape a host can run without a call:
//! `lambda x, y: x + y` on two ints, `lambda x: (x, 1)`, `return` of a
//! constant or a parameter, and the notebook's `get_message_type` (an
//! `if "lit" in line: t = "const"` / `elif` / `else` chain, then `return t`)
//! on a `str`. A stream calls such a function once per record; [`Quick`]
//! gives the value the call would return straight from the arguments, with
//! no frame, no closures and no argument copies, or `None` where the call
//! could do anything else (another type, an int overflow, an unbound local):
//! then the host makes the real call, which raises Python's error.
//!
//! None of these shapes can have an effect the caller would see (they call
//! nothing, print nothing, raise nothing on the arguments they accept), so
//! a value from [`Quick`] is exactly what the call returns.

use std::rc::Rc;

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
    Chain {
        chain: StrChain,
        returned: usize,
        /// The chain's literals found in one pass, when the arms allow it.
        scan: Option<Scan>,
    },
}

/// Every arm's literal looked for in one pass over the string (the arms
/// search the same parameter; the literals, at most 64, start with at most
/// three distinct bytes): each place one of those bytes occurs is compared
/// with the literals starting there. The arms then read which literals
/// occur, in their order, so the first arm whose test holds is taken, as in
/// the chain.
struct Scan {
    /// The literals, by arm.
    needles: Vec<Box<[u8]>>,
    /// Their distinct first bytes.
    firsts: Vec<u8>,
    /// The pass can stop once one of these literals is found (the first
    /// arm's, unless it is a `not in`) or all are.
    stop: u64,
}

impl Scan {
    /// For the chain's arms, if they allow one pass.
    fn new(chain: &StrChain) -> Option<Scan> {
        let first = chain.arms.first()?;
        if chain.arms.len() > 64 || chain.arms.iter().any(|a| a.container != first.container) {
            return None;
        }
        let needles: Vec<Box<[u8]>> = chain
            .arms
            .iter()
            .map(|a| match &a.search.needle {
                Value::Str(n) if !n.is_empty() => Some(n.as_bytes().into()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let mut firsts: Vec<u8> = needles.iter().map(|n| n[0]).collect();
        firsts.sort_unstable();
        firsts.dedup();
        if firsts.len() > 3 {
            return None;
        }
        let stop = if first.search.negated { 0 } else { 1 };
        Some(Scan {
            needles,
            firsts,
            stop,
        })
    }

    /// Bit `i` set: arm `i`'s literal occurs in `s`.
    fn found(&self, s: &[u8]) -> u64 {
        match self.firsts[..] {
            [a] => self.found_at(s, memchr::memchr_iter(a, s)),
            [a, b] => self.found_at(s, memchr::memchr2_iter(a, b, s)),
            [a, b, c] => self.found_at(s, memchr::memchr3_iter(a, b, c, s)),
            _ => 0,
        }
    }

    fn found_at(&self, s: &[u8], places: impl Iterator<Item = usize>) -> u64 {
        let all = u64::MAX >> (64 - self.needles.len());
        let mut found = 0;
        for at in places {
            let rest = &s[at..];
            for (i, needle) in self.needles.iter().enumerate() {
                if rest.starts_with(needle) {
                    found |= 1 << i;
                }
            }
            if found & self.stop != 0 || found == all {
                break;
            }
        }
        found
    }
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
    #[inline]
    pub fn call2(&self, a: &Value, b: &Value) -> Option<Value> {
        if self.params != 2 {
            return None;
        }
        self.run(&[a, b])
    }

    fn run(&self, args: &[&Value]) -> Option<Value> {
        let item = |i: &Item| match i {
            Item::Param(p) => args[*p].clone(),
            Item::Const(c) => c.clone(),
        };
        match &*self.shape {
            Shape::Item(i) => Some(item(i)),
            Shape::Tuple(items) => Some(match &items[..] {
                [a, b] => Value::Tuple(Rc::from([item(a), item(b)])),
                _ => Value::tuple(items.iter().map(item).collect()),
            }),
            Shape::Ints(op, a, b) => {
                let int = |i: &Item| match i {
                    Item::Param(p) => match args[*p] {
                        Value::Int(n) => Some(*n),
                        _ => None,
                    },
                    Item::Const(Value::Int(n)) => Some(*n),
                    Item::Const(_) => None,
                };
                let (a, b) = (int(a)?, int(b)?);
                let r = match op {
                    IntOp::Add => a.checked_add(b),
                    IntOp::Sub => a.checked_sub(b),
                    IntOp::Mul => a.checked_mul(b),
                }?;
                Some(Value::Int(r))
            }
            Shape::Chain {
                chain,
                returned,
                scan: Some(scan),
            } => {
                let Value::Str(s) = args[chain.arms[0].container] else {
                    return None;
                };
                let found = scan.found(s.as_bytes());
                for (i, arm) in chain.arms.iter().enumerate() {
                    if (found >> i & 1 == 1) != arm.search.negated {
                        return self.assigned(args, arm.target, &arm.value, *returned);
                    }
                }
                self.otherwise(args, chain, *returned)
            }
            Shape::Chain {
                chain,
                returned,
                scan: None,
            } => {
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
                scan: Scan::new(&chain),
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
