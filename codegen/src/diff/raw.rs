//! What the IR does not keep but the wire depends on, read from the
//! normalised JSON: constraints (lengths, bounds, patterns, item counts),
//! string formats without a Rust type of their own (`email`, `uri`…) and
//! enums of numbers or booleans.

use serde_json::Value;

use crate::diag::join_pointer;
use crate::load::resolve_pointer;

/// How a keyword's value moves the set of accepted values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Tightened,
    Loosened,
    /// Neither a subset nor a superset (a different pattern, format or multipleOf).
    Changed,
}

/// One keyword that differs between two schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintChange {
    pub keyword: &'static str,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub effect: Effect,
}

const LOWER: &[&str] = &["minLength", "minimum", "minItems", "minProperties"];
const UPPER: &[&str] = &["maxLength", "maximum", "maxItems", "maxProperties"];
/// Formats the IR turns into types; their changes are type changes.
const TYPED_FORMATS: &[&str] = &[
    "uuid",
    "date-time",
    "date",
    "byte",
    "binary",
    "int32",
    "int64",
    "int8",
    "int16",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float",
    "double",
];

/// Keyword-level differences between two schema objects (not following `$ref`:
/// a referenced schema is compared where it is defined).
pub fn constraint_changes(old: &Value, new: &Value) -> Vec<ConstraintChange> {
    let mut out = Vec::new();
    for kw in LOWER.iter().chain(UPPER) {
        let (o, n) = (num(old, kw), num(new, kw));
        let lower = LOWER.contains(kw);
        let effect = match (o, n) {
            (None, None) => continue,
            (Some(a), Some(b)) if a == b => continue,
            (None, Some(_)) => Effect::Tightened,
            (Some(_), None) => Effect::Loosened,
            (Some(a), Some(b)) => {
                if (b > a) == lower {
                    Effect::Tightened
                } else {
                    Effect::Loosened
                }
            }
        };
        out.push(change(kw, old, new, effect));
    }
    for (kw, lower) in [("exclusiveMinimum", true), ("exclusiveMaximum", false)] {
        let (o, n) = (old.get(kw), new.get(kw));
        if o == n {
            continue;
        }
        let effect = match (o, n) {
            // 3.0: a boolean that makes `minimum`/`maximum` exclusive.
            (_, Some(Value::Bool(true))) => Effect::Tightened,
            (Some(Value::Bool(true)), _) => Effect::Loosened,
            (None | Some(Value::Bool(false)), Some(Value::Number(_))) => Effect::Tightened,
            (Some(Value::Number(_)), None | Some(Value::Bool(false))) => Effect::Loosened,
            (Some(Value::Number(a)), Some(Value::Number(b))) => {
                let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
                if (b > a) == lower {
                    Effect::Tightened
                } else {
                    Effect::Loosened
                }
            }
            _ => continue,
        };
        out.push(change(kw, old, new, effect));
    }
    for kw in ["pattern", "multipleOf"] {
        let (o, n) = (old.get(kw), new.get(kw));
        let effect = match (o, n) {
            (a, b) if a == b => continue,
            (None, Some(_)) => Effect::Tightened,
            (Some(_), None) => Effect::Loosened,
            _ => Effect::Changed,
        };
        out.push(change(kw, old, new, effect));
    }
    let unique = |v: &Value| v.get("uniqueItems").and_then(Value::as_bool).unwrap_or(false);
    if unique(old) != unique(new) {
        let effect = if unique(new) { Effect::Tightened } else { Effect::Loosened };
        out.push(change("uniqueItems", old, new, effect));
    }
    let (of, nf) = (untyped_format(old), untyped_format(new));
    if of != nf {
        let effect = match (&of, &nf) {
            (None, Some(_)) => Effect::Tightened,
            (Some(_), None) => Effect::Loosened,
            _ => Effect::Changed,
        };
        out.push(ConstraintChange {
            keyword: "format",
            old: of.map(Value::String),
            new: nf.map(Value::String),
            effect,
        });
    }
    out
}

fn change(kw: &'static str, old: &Value, new: &Value, effect: Effect) -> ConstraintChange {
    ConstraintChange { keyword: kw, old: old.get(kw).cloned(), new: new.get(kw).cloned(), effect }
}

fn num(v: &Value, kw: &str) -> Option<f64> {
    v.get(kw).and_then(Value::as_f64)
}

/// A `format` the IR does not turn into a type; lowercased.
fn untyped_format(v: &Value) -> Option<String> {
    let f = v.get("format")?.as_str()?.to_ascii_lowercase();
    (!TYPED_FORMATS.contains(&f.as_str()) && f != "set").then_some(f)
}

/// Values of an `enum` that holds no strings (string enums are IR types).
pub fn scalar_enum(v: &Value) -> Option<Vec<Value>> {
    let values = v.get("enum")?.as_array()?;
    if values.iter().any(Value::is_string) {
        return None;
    }
    Some(values.iter().filter(|x| !x.is_null()).cloned().collect())
}

/// Follow a chain of `$ref`s (bounded) to the schema object itself.
pub fn deref<'a>(root: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str).and_then(|r| resolve_pointer(root, r)) {
            Some(target) => v = target,
            None => break,
        }
    }
    v
}

/// The schema of property `wire` of the object schema at `pointer`, and its
/// pointer, looking through `$ref` and `allOf` the way the IR builder merges
/// (own properties win over included ones, later `allOf` members over earlier).
pub fn property<'a>(root: &'a Value, pointer: &str, wire: &str) -> Option<(String, &'a Value)> {
    let schema = resolve_pointer(root, pointer)?;
    find_property(root, schema, pointer, wire, 0)
}

fn find_property<'a>(
    root: &'a Value,
    schema: &'a Value,
    pointer: &str,
    wire: &str,
    depth: usize,
) -> Option<(String, &'a Value)> {
    if depth > 32 {
        return None;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = resolve_pointer(root, r)?;
        return find_property(root, target, r, wire, depth + 1);
    }
    if let Some(p) = schema.get("properties").and_then(|p| p.get(wire)) {
        return Some((join_pointer(&format!("{pointer}/properties"), wire), p));
    }
    let members = schema.get("allOf").and_then(Value::as_array)?;
    for (i, m) in members.iter().enumerate().rev() {
        if let Some(found) = find_property(root, m, &format!("{pointer}/allOf/{i}"), wire, depth + 1) {
            return Some(found);
        }
    }
    None
}
