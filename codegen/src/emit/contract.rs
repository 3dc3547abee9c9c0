//! Sample values made from the IR, for tests that must exercise every
//! operation: the client↔server contract test and the mock-server check.
//!
//! Samples are JSON, deterministic, and as full as the schema allows: every
//! optional field is present (a few levels deep), arrays and maps have an
//! element, enums and unions rotate through their values so a whole spec
//! covers them, and optional nullable fields are sometimes `null`.

use serde_json::{Map, Value};

use crate::ir::*;

/// Optional fields are filled up to this depth; deeper, only required ones.
const FULL_DEPTH: usize = 4;
/// Past this depth arrays and maps are empty (recursive schemas end here).
const CONTAINER_DEPTH: usize = 6;
/// Hard stop for schemas that require themselves through unions.
const MAX_DEPTH: usize = 40;

/// Makes sample values; the counter varies values so fields are distinguishable.
#[derive(Debug)]
pub struct Sampler<'a> {
    api: &'a Api,
    counter: u64,
}

impl<'a> Sampler<'a> {
    pub fn new(api: &'a Api) -> Self {
        Sampler { api, counter: 0 }
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A full sample of `ty`.
    pub fn value(&mut self, ty: &Ty) -> Value {
        self.at(ty, 0)
    }

    fn at(&mut self, ty: &Ty, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let n = self.next();
        match ty {
            Ty::Any => Value::String(format!("any-{n}")),
            Ty::Object => {
                let mut m = Map::new();
                m.insert(format!("key{n}"), Value::from(n));
                Value::Object(m)
            }
            Ty::Bool => Value::Bool(n % 2 == 0),
            Ty::String | Ty::Binary => Value::String(format!("s{n}")),
            Ty::Base64 => Value::String("c2FtcGxl".into()),
            Ty::Int(_) => Value::from(n % 100 + 1),
            Ty::Float(_) => Value::from((n % 100) as f64 + 0.5),
            Ty::Uuid => Value::String(format!("00000000-0000-4000-8000-{n:012x}")),
            Ty::DateTime => Value::String(format!("2024-01-{:02}T10:{:02}:00Z", n % 28 + 1, n % 60)),
            Ty::Date => Value::String(format!("2024-02-{:02}", n % 28 + 1)),
            Ty::Option(inner) => self.at(inner, depth + 1),
            Ty::Array(inner) => {
                if depth >= CONTAINER_DEPTH {
                    Value::Array(Vec::new())
                } else {
                    Value::Array(vec![self.at(inner, depth + 1)])
                }
            }
            Ty::Map(inner) => {
                let mut m = Map::new();
                if depth < CONTAINER_DEPTH {
                    m.insert(format!("key{n}"), self.at(inner, depth + 1));
                }
                Value::Object(m)
            }
            Ty::Named(id) => self.named(*id, n, depth),
        }
    }

    fn named(&mut self, id: TypeId, n: u64, depth: usize) -> Value {
        let api = self.api;
        let Some(def) = api.types.get(id.index()) else { return Value::Null };
        match &def.kind {
            TypeKind::Alias(inner) => self.at(inner, depth + 1),
            TypeKind::Enum(e) => match e.variants.len() {
                0 => Value::String(format!("value{n}")),
                len => Value::String(e.variants[(n as usize) % len].wire.clone()),
            },
            TypeKind::Struct(s) => {
                let mut map = Map::new();
                for f in &s.flattened {
                    if let Value::Object(m) = self.at(&f.ty, depth + 1) {
                        map.extend(m);
                    }
                }
                let full = depth < FULL_DEPTH;
                for f in &s.fields {
                    if !(f.required || full) {
                        continue;
                    }
                    let k = self.next();
                    let value = if f.nullable && k % 3 == 0 { Value::Null } else { self.at(&f.ty, depth + 1) };
                    map.insert(f.wire.clone(), value);
                }
                if let (Some(extra), true, true) = (&s.additional, s.flattened.is_empty(), full) {
                    let mut key = format!("extra{n}");
                    while s.fields.iter().any(|f| f.wire == key) {
                        key.push('_');
                    }
                    let value = self.at(extra, depth + 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            TypeKind::Tagged(u) => {
                if u.variants.is_empty() {
                    return Value::Object(Map::new());
                }
                let v = &u.variants[(n as usize) % u.variants.len()];
                let mut value = self.at(&v.ty, depth + 1);
                if let (Value::Object(map), Some(tag)) = (&mut value, v.tags.first()) {
                    map.insert(u.property.clone(), Value::String(tag.clone()));
                }
                value
            }
            TypeKind::Untagged(u) => match u.variants.len() {
                0 => Value::Null,
                len => {
                    let v = &u.variants[(n as usize) % len];
                    self.at(&v.ty, depth + 1)
                }
            },
        }
    }
}
