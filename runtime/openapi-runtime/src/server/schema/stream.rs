//! A JSON body checked against its schema while it is parsed, without building
//! a `serde_json::Value`: the fast path for the requests that are valid.
//!
//! It only answers "valid" or "not shown valid". Parts it cannot check in one
//! pass (unions, non-string `enum` lists, `uniqueItems`, `minProperties`,
//! flattened structs, very wide structs) are parsed into a `Value` on their
//! own and checked by the [`Checker`]. On any doubt the caller takes the slow
//! path, which parses the whole body into a `Value` and finds and words every
//! problem; so a body is never taken as valid here when the slow path would
//! refuse it, and a refused body gets the same answer as before.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Number, Value};

use super::super::Spec;
use super::{check_format, int_range, ty_def, Check, Checker, Int, Kind, Ty, TypeDef, MAX_DEPTH};

mod decode;
#[cfg(feature = "one-pass")]
pub(crate) use decode::Checking;
pub(crate) use decode::{decode_checked, one_pass};

/// Whether `bytes` is one JSON value valid for `ty`; `false` when malformed,
/// invalid, or too deep to tell.
pub fn valid_json(spec: &'static Spec, ty: &Ty, bytes: &[u8]) -> bool {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = Seed { spec, ty: *ty, nullable: false, depth: 0 };
    seed.deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// A parameter's text read as its schema reads it: the JSON value
/// [`param_value`](super::param_value) would build, without building it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scalar<'a> {
    Str(&'a str),
    Bool(bool),
    /// A non-negative integer (serde_json keeps those unsigned, whatever they were parsed as).
    U64(u64),
    I64(i64),
    F64(f64),
}

/// Whether `scalar` is valid for `ty`; `false` when invalid or when the
/// check needs a `Value` (the caller then builds one and asks [`super::validate`]).
pub(crate) fn valid_scalar(spec: &'static Spec, ty: &Ty, scalar: Scalar<'_>) -> bool {
    let Some(shape) = shape(Seed { spec, ty: *ty, nullable: false, depth: 0 }) else { return false };
    let checked: Result<(), serde_json::Error> = match scalar {
        Scalar::Str(s) => shape.visit_str(s),
        Scalar::Bool(b) => shape.visit_bool(b),
        Scalar::U64(n) => shape.visit_u64(n),
        Scalar::I64(n) => shape.visit_i64(n),
        Scalar::F64(x) => shape.visit_f64(x),
    };
    checked.is_ok()
}

/// Keyword sets that can apply to one value (aliases of checked aliases…); more go through a `Value`.
const MAX_CHECKS: usize = 4;

/// Fields a struct can have for its required ones to be tracked in a bit set.
const MAX_FIELDS: usize = 128;

fn invalid<E: Error>() -> E {
    E::custom("not valid for its schema")
}

/// One value to check: its use site, and whether `null` is allowed there
/// whatever the shape says (a nullable struct field).
#[derive(Clone, Copy)]
struct Seed {
    spec: &'static Spec,
    ty: Ty,
    nullable: bool,
    /// As the [`Checker`] counts it, so "nests too deeply" is decided alike.
    depth: usize,
}

/// What a value must be once aliases, `Checked` and `Nullable` are peeled off.
#[derive(Clone, Copy)]
enum Base {
    Any,
    Object,
    Bool,
    /// A string of this shape (`Uuid`, `DateTime`, `Date` are parsed).
    Str(Ty),
    Int(Int),
    Float,
    Array(&'static Ty),
    Map(&'static Ty),
    Enum(&'static [&'static str]),
    Struct(&'static TypeDef),
}

/// A value's type and keyword checks, as the streaming check and [`Checking`] read them.
#[derive(Clone, Copy)]
pub(crate) struct Shape {
    spec: &'static Spec,
    base: Base,
    nullable: bool,
    checks: [Option<&'static Check>; MAX_CHECKS],
    /// Depth of the base's check; its items and fields are one deeper.
    depth: usize,
}

/// The shape of `seed`, or `None` when the value is checked through a `Value` instead.
fn shape(seed: Seed) -> Option<Shape> {
    let mut shape = Shape {
        spec: seed.spec,
        base: Base::Any,
        nullable: seed.nullable,
        checks: [None; MAX_CHECKS],
        depth: seed.depth,
    };
    let mut n = 0;
    let mut push = |checks: &mut [Option<&'static Check>; MAX_CHECKS], c: &'static Check| {
        // Keywords that need the whole value, or duplicate keys counted apart.
        if !c.values.is_empty() || c.unique_items || c.min_properties.is_some() || n == MAX_CHECKS {
            return None;
        }
        checks[n] = Some(c);
        n += 1;
        Some(())
    };
    let mut ty = seed.ty;
    loop {
        if shape.depth > MAX_DEPTH {
            return None;
        }
        shape.base = match ty {
            Ty::Any => Base::Any,
            Ty::Object => Base::Object,
            Ty::Bool => Base::Bool,
            Ty::String | Ty::Base64 | Ty::Binary | Ty::Uuid | Ty::DateTime | Ty::Date => Base::Str(ty),
            Ty::Int(kind) => Base::Int(kind),
            Ty::F32 | Ty::F64 => Base::Float,
            Ty::Array(inner) => Base::Array(inner),
            Ty::Map(inner) => Base::Map(inner),
            Ty::Nullable(inner) => {
                shape.nullable = true;
                ty = *inner;
                shape.depth += 1;
                continue;
            }
            Ty::Checked(inner, c) => {
                push(&mut shape.checks, c)?;
                ty = *inner;
                shape.depth += 1;
                continue;
            }
            Ty::Named(id) => {
                // The checker accepts anything for a type it cannot find.
                let Some(def) = ty_def(seed.spec, id) else { return Some(shape) };
                if let Some(c) = def.check {
                    push(&mut shape.checks, c)?;
                }
                match &def.kind {
                    Kind::Alias(inner) => {
                        ty = *inner;
                        shape.depth += 1;
                        continue;
                    }
                    Kind::Enum(values) => Base::Enum(values),
                    Kind::Struct { fields, flattened: [], .. } if fields.len() <= MAX_FIELDS => Base::Struct(def),
                    Kind::Struct { .. } | Kind::Tagged { .. } | Kind::Untagged(_) => return None,
                }
            }
        };
        return Some(shape);
    }
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if let Some(shape) = shape(self) {
            return d.deserialize_any(shape);
        }
        let value = Value::deserialize(d)?;
        if value.is_null() && self.nullable {
            return Ok(());
        }
        let mut checker = Checker { spec: self.spec, problems: Vec::new() };
        checker.check(&self.ty, &value, &mut String::new(), self.depth);
        if checker.problems.is_empty() {
            Ok(())
        } else {
            Err(invalid())
        }
    }
}

impl Shape {
    /// The stacked keyword sets, applied by `apply` to one value.
    fn keywords<E: Error>(&self, apply: impl Fn(&mut Checker, &Check)) -> Result<(), E> {
        let mut checker = Checker { spec: self.spec, problems: Vec::new() };
        for check in self.checks.iter().flatten() {
            apply(&mut checker, check);
        }
        if checker.problems.is_empty() {
            Ok(())
        } else {
            Err(invalid())
        }
    }

    fn integer<E: Error>(self, n: i128, number: Number) -> Result<(), E> {
        match self.base {
            Base::Int(kind) => {
                let (lo, hi) = int_range(kind);
                if n < lo || n > hi {
                    return Err(invalid());
                }
            }
            Base::Float | Base::Any => {}
            _ => return Err(invalid()),
        }
        self.keywords(|c, check| c.number_keywords(check, &number, ""))
    }

    fn child(&self, ty: Ty, nullable: bool) -> Seed {
        Seed { spec: self.spec, ty, nullable, depth: self.depth + 1 }
    }
}

impl<'de> Visitor<'de> for Shape {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value of the schema's shape")
    }

    fn visit_unit<E: Error>(self) -> Result<(), E> {
        if self.nullable || matches!(self.base, Base::Any) {
            Ok(())
        } else {
            Err(invalid())
        }
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<(), E> {
        match self.base {
            Base::Any | Base::Bool => Ok(()),
            _ => Err(invalid()),
        }
    }

    fn visit_i64<E: Error>(self, n: i64) -> Result<(), E> {
        self.integer(i128::from(n), Number::from(n))
    }

    fn visit_u64<E: Error>(self, n: u64) -> Result<(), E> {
        self.integer(i128::from(n), Number::from(n))
    }

    fn visit_f64<E: Error>(self, x: f64) -> Result<(), E> {
        if !matches!(self.base, Base::Any | Base::Float) {
            return Err(invalid());
        }
        let number = Number::from_f64(x).ok_or_else(invalid)?;
        self.keywords(|c, check| c.number_keywords(check, &number, ""))
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<(), E> {
        let ok = match self.base {
            Base::Any => true,
            Base::Str(ty) => check_format(&ty, s).is_ok(),
            Base::Enum(values) => values.contains(&s),
            _ => false,
        };
        if !ok {
            return Err(invalid());
        }
        self.keywords(|c, check| c.string_keywords(check, s, ""))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut len = 0;
        match self.base {
            Base::Array(inner) => {
                let item = self.child(*inner, false);
                while seq.next_element_seed(item)?.is_some() {
                    len += 1;
                }
            }
            Base::Any => {
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    len += 1;
                }
            }
            _ => return Err(invalid()),
        }
        self.keywords(|c, check| c.items_keywords(check, len, ""))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut len = 0;
        match self.base {
            Base::Any | Base::Object => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                    len += 1;
                }
            }
            Base::Map(inner) => {
                let value = self.child(*inner, false);
                while map.next_key::<IgnoredAny>()?.is_some() {
                    map.next_value_seed(value)?;
                    len += 1;
                }
            }
            Base::Struct(def) => {
                let Kind::Struct { fields, additional, .. } = &def.kind else { return Err(invalid()) };
                let closed = def.check.is_some_and(|c| c.closed) && additional.is_none();
                let mut seen: u128 = 0;
                while let Some(key) = map.next_key_seed(FieldIndex(fields))? {
                    len += 1;
                    match key {
                        Some(i) => {
                            seen |= 1u128 << i;
                            let f = &fields[i];
                            map.next_value_seed(self.child(f.ty, f.nullable))?;
                        }
                        None if closed => return Err(invalid()),
                        None => match additional {
                            Some(extra) => map.next_value_seed(self.child(**extra, false))?,
                            None => {
                                map.next_value::<IgnoredAny>()?;
                            }
                        },
                    }
                }
                let missing = fields.iter().enumerate().any(|(i, f)| f.required && seen & (1u128 << i) == 0);
                if missing {
                    return Err(invalid());
                }
            }
            _ => return Err(invalid()),
        }
        self.keywords(|c, check| c.properties_keywords(check, len, ""))
    }
}

/// A struct's key: the index of the field it names, `None` for another key.
struct FieldIndex(&'static [super::Field]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| f.wire == key))
    }
}
