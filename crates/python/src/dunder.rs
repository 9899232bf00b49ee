//! Python's operators on native objects (PySpark's `Column`): `a + b` calls
//! `a.__add__(b)`, then the other operand's reflection `b.__radd__(a)`;
//! `a < b` calls `a.__lt__(b)`, then `b.__gt__(a)`; `-a` calls `a.__neg__()`.
//! A native without the method counts as Python's `NotImplemented`: the next
//! candidate is tried, and when none is left the caller raises Python's
//! `TypeError` (or, for `==` and `!=`, compares identities).

use crate::ast::CmpOp;
use crate::eval::{Interp, R};
use crate::native::Args;
use crate::number::ArithOp;
use crate::value::Value;

/// Whether either operand is a native object, whose methods decide the operator.
#[inline]
pub(crate) fn involved(a: &Value, b: &Value) -> bool {
    matches!(a, Value::Native(_)) || matches!(b, Value::Native(_))
}

/// `v.name`, when `v` is a native object that has it.
fn method(v: &Value, name: &str) -> Option<Value> {
    match v {
        Value::Native(n) => n.clone().get_attr(name),
        _ => None,
    }
}

/// `v.name(arg)`, when `v` is a native object that has the method.
fn call(it: &Interp, v: &Value, name: &str, arg: Option<&Value>) -> Option<R<Value>> {
    let m = method(v, name)?;
    let args = Args::positional(arg.into_iter().cloned().collect());
    Some(it.call_value(&m, args))
}

/// Python's method names for `op` and for its reflection.
fn names(op: ArithOp) -> (&'static str, &'static str) {
    match op {
        ArithOp::Add => ("__add__", "__radd__"),
        ArithOp::Sub => ("__sub__", "__rsub__"),
        ArithOp::Mul => ("__mul__", "__rmul__"),
        ArithOp::TrueDiv => ("__truediv__", "__rtruediv__"),
        ArithOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
        ArithOp::Mod => ("__mod__", "__rmod__"),
        ArithOp::Pow => ("__pow__", "__rpow__"),
        ArithOp::BitAnd => ("__and__", "__rand__"),
        ArithOp::BitOr => ("__or__", "__ror__"),
        ArithOp::BitXor => ("__xor__", "__rxor__"),
        ArithOp::LShift => ("__lshift__", "__rlshift__"),
        ArithOp::RShift => ("__rshift__", "__rrshift__"),
    }
}

/// `a op b` when an operand is native: `a.__op__(b)`, else `b.__rop__(a)`
/// (which Python skips when both operands have the same type); `None` when
/// neither applies.
pub(crate) fn binary(it: &Interp, op: ArithOp, a: &Value, b: &Value) -> Option<R<Value>> {
    let (name, reflected) = names(op);
    if let Some(r) = call(it, a, name, Some(b)) {
        return Some(r);
    }
    if same_type(a, b) {
        return None;
    }
    call(it, b, reflected, Some(a))
}

fn same_type(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Native(x), Value::Native(y)) => x.type_name() == y.type_name(),
        _ => false,
    }
}

/// `a op b` for `==`, `!=`, `<`, `<=`, `>`, `>=` when an operand is native:
/// `a.__op__(b)`, else the reflected comparison `b.__rop__(a)` (`<` and `>`
/// swap, `==` and `!=` are their own); the result is returned as is, a
/// `Column` for PySpark's columns. `None` when neither applies.
pub(crate) fn compare(it: &Interp, op: CmpOp, a: &Value, b: &Value) -> Option<R<Value>> {
    let (name, reflected) = match op {
        CmpOp::Eq => ("__eq__", "__eq__"),
        CmpOp::Ne => ("__ne__", "__ne__"),
        CmpOp::Lt => ("__lt__", "__gt__"),
        CmpOp::Le => ("__le__", "__ge__"),
        CmpOp::Gt => ("__gt__", "__lt__"),
        CmpOp::Ge => ("__ge__", "__le__"),
        CmpOp::In | CmpOp::NotIn | CmpOp::Is | CmpOp::IsNot => return None,
    };
    if let Some(r) = call(it, a, name, Some(b)) {
        return Some(r);
    }
    call(it, b, reflected, Some(a))
}

/// `-a`, `+a` or `~a` (`name` is `__neg__`, `__pos__` or `__invert__`) on a
/// native: `None` when `a` is not native or has no such method.
pub(crate) fn unary(it: &Interp, name: &str, a: &Value) -> Option<R<Value>> {
    call(it, a, name, None)
}
