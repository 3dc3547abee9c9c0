//! A JSON body checked against its schema and decoded into its type in one
//! pass: a serde `Deserializer` around serde_json's that checks every value
//! the type reads (or skips) with the shapes and keyword checks of the
//! streaming check, while the type's own `Deserialize` builds the value.
//!
//! It only answers for a body that is valid and that the type accepts. On
//! any failure (a keyword, a shape, a part it cannot check in one pass, the
//! type refusing the text) it gives up and the caller takes the two-pass
//! path, which decides and words the answer as before. The wrapper hands
//! the type exactly what serde_json would (the same calls, borrowed or not),
//! so a value it returns is the one `serde_json::from_slice` returns for a
//! body that [`valid_json`](super::valid_json) accepts.

use std::fmt;

use serde_json::de::SliceRead;

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, Error, MapAccess, SeqAccess, Visitor};

use super::super::super::Spec;
use super::super::{Field, Kind, Ty};
use super::{invalid, shape, Base, Seed, Shape};

/// serde_json's reader of a body's bytes.
type JsonReader<'a> = serde_json::Deserializer<SliceRead<'a>>;

/// Whether `bytes` is one JSON value valid for `ty` that `decode` accepted,
/// handed serde_json's reader and the shape to check it against (see
/// [`Checking`]); `false` otherwise (then nothing is known either way).
/// Not generic: the caller's `decode` is the one place a type is named.
pub(crate) fn decode_checked(
    spec: &'static Spec,
    ty: &Ty,
    bytes: &[u8],
    decode: &mut dyn FnMut(&mut JsonReader<'_>, Option<Shape>) -> serde_json::Result<()>,
) -> bool {
    let seed = Seed { spec, ty: *ty, nullable: false, depth: 0 };
    let Ok(shape) = checked::<serde_json::Error>(seed) else { return false };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    decode(&mut de, shape).and_then(|()| de.end()).is_ok()
}

/// Whether every part of a value of `ty` can be checked in one pass (no union,
/// flattened struct or keyword that needs the whole value anywhere in it), so
/// that [`decode_checked`] is worth trying; worked out once per route.
pub(crate) fn one_pass(spec: &'static Spec, ty: &Ty) -> bool {
    let mut seen = Vec::new();
    walk(Seed { spec, ty: *ty, nullable: false, depth: 0 }, &mut seen)
}

fn walk(seed: Seed, seen: &mut Vec<*const super::super::TypeDef>) -> bool {
    let Some(shape) = shape(seed) else { return false };
    // Depth only matters for values, not for the schema's graph.
    let child = |ty: Ty, nullable| Seed { spec: seed.spec, ty, nullable, depth: 0 };
    match shape.base {
        Base::Array(inner) | Base::Map(inner) => walk(child(*inner, false), seen),
        Base::Struct(def) => {
            // A type met again is being checked further up (recursive schemas).
            if seen.contains(&std::ptr::from_ref(def)) {
                return true;
            }
            seen.push(def);
            let Kind::Struct { fields, additional, .. } = &def.kind else { return false };
            fields.iter().all(|f| walk(child(f.ty, f.nullable), seen))
                && additional.is_none_or(|extra| walk(child(*extra, false), seen))
        }
        Base::Any | Base::Object | Base::Bool | Base::Str(_) | Base::Int(_) | Base::Float | Base::Enum(_) => true,
    }
}

/// The shape of a value to check, `None` for one anything is valid for (read
/// as it is, without a wrapper), an error when it cannot be checked in one pass.
fn checked<E: Error>(seed: Seed) -> Result<Option<Shape>, E> {
    let shape = shape(seed).ok_or_else(invalid)?;
    let free = matches!(shape.base, Base::Any) && shape.checks.iter().all(Option::is_none);
    Ok(if free { None } else { Some(shape) })
}

/// A seed whose value is checked against `shape` (when there is one) as it is read.
/// Without a shape the value is still read through [`Checking`], which then
/// checks nothing: a type is then compiled for one deserializer, not two.
struct CheckedSeed<S> {
    seed: S,
    shape: Option<Shape>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for CheckedSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Checking { de, shape: self.shape })
    }
}

/// Every `deserialize_*` method but `ignored_any`, handed on unchanged to the
/// wrapped deserializer with the visitor wrapped by the type's `wrap`.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
                let (de, visitor) = self.wrap(visitor);
                de.$method($($arg,)* visitor)
            }
        )*
    };
}

macro_rules! forward_all {
    () => {
        forward! {
            deserialize_any();
            deserialize_bool();
            deserialize_i8();
            deserialize_i16();
            deserialize_i32();
            deserialize_i64();
            deserialize_i128();
            deserialize_u8();
            deserialize_u16();
            deserialize_u32();
            deserialize_u64();
            deserialize_u128();
            deserialize_f32();
            deserialize_f64();
            deserialize_char();
            deserialize_str();
            deserialize_string();
            deserialize_bytes();
            deserialize_byte_buf();
            deserialize_option();
            deserialize_unit();
            deserialize_unit_struct(name: &'static str);
            deserialize_newtype_struct(name: &'static str);
            deserialize_seq();
            deserialize_tuple(len: usize);
            deserialize_tuple_struct(name: &'static str, len: usize);
            deserialize_map();
            deserialize_struct(name: &'static str, fields: &'static [&'static str]);
            deserialize_enum(name: &'static str, variants: &'static [&'static str]);
            deserialize_identifier();
        }
    };
}

/// A deserializer whose value is checked against `shape` as the type reads it;
/// without a shape it hands on what the wrapped one reads, unchecked (how a
/// body that takes the two-pass path is decoded, by the same compiled code).
#[cfg_attr(not(feature = "one-pass"), allow(dead_code))]
pub(crate) struct Checking<D> {
    de: D,
    shape: Option<Shape>,
}

impl<D> Checking<D> {
    #[cfg_attr(not(feature = "one-pass"), allow(dead_code))]
    pub(crate) fn new(de: D, shape: Option<Shape>) -> Checking<D> {
        Checking { de, shape }
    }

    fn wrap<V>(self, visitor: V) -> (D, CheckVisitor<V>) {
        (self.de, CheckVisitor { inner: visitor, shape: self.shape })
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checking<D> {
    type Error = D::Error;

    forward_all!();

    /// A value the type skips is still checked, as the streaming check does.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        match self.shape {
            Some(shape) => {
                self.de.deserialize_any(shape)?;
                visitor.visit_unit()
            }
            None => self.de.deserialize_ignored_any(visitor),
        }
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// The type's visitor, given each value once it passed the checks.
struct CheckVisitor<V> {
    inner: V,
    shape: Option<Shape>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_bool::<E>(v)?;
        }
        self.inner.visit_bool(v)
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_i64::<E>(v)?;
        }
        self.inner.visit_i64(v)
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_u64::<E>(v)?;
        }
        self.inner.visit_u64(v)
    }

    // serde_json reads these only for a type that asks for 128-bit integers;
    // one beyond 64 bits is left to the two-pass path.
    fn visit_i128<E: Error>(self, v: i128) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_i64::<E>(i64::try_from(v).map_err(|_| invalid::<E>())?)?;
        }
        self.inner.visit_i128(v)
    }

    fn visit_u128<E: Error>(self, v: u128) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_u64::<E>(u64::try_from(v).map_err(|_| invalid::<E>())?)?;
        }
        self.inner.visit_u128(v)
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_f64::<E>(v)?;
        }
        self.inner.visit_f64(v)
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_str::<E>(v)?;
        }
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_str::<E>(v)?;
        }
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: Error>(self, v: String) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_str::<E>(&v)?;
        }
        self.inner.visit_string(v)
    }

    // A string read as bytes (serde_json does not check those are UTF-8; the
    // streaming check reads text, so one that is not is left to the two-pass path).
    fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_str::<E>(std::str::from_utf8(v).map_err(|_| invalid::<E>())?)?;
        }
        self.inner.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_str::<E>(std::str::from_utf8(v).map_err(|_| invalid::<E>())?)?;
        }
        self.inner.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_str::<E>(std::str::from_utf8(&v).map_err(|_| invalid::<E>())?)?;
        }
        self.inner.visit_byte_buf(v)
    }

    fn visit_none<E: Error>(self) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_unit::<E>()?;
        }
        self.inner.visit_none()
    }

    fn visit_unit<E: Error>(self) -> Result<V::Value, E> {
        if let Some(shape) = self.shape {
            shape.visit_unit::<E>()?;
        }
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Checking { de, shape: self.shape })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Checking { de, shape: self.shape })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        let Some(shape) = self.shape else {
            return self.inner.visit_seq(CheckSeq { seq, item: None, len: 0 });
        };
        let item = match shape.base {
            Base::Array(inner) => checked(shape.child(*inner, false))?,
            Base::Any => None,
            _ => return Err(invalid()),
        };
        let mut items = CheckSeq { seq, item, len: 0 };
        let value = self.inner.visit_seq(&mut items)?;
        shape.keywords(|c, check| c.items_keywords(check, items.len, ""))?;
        Ok(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let Some(shape) = self.shape else {
            return self.inner.visit_map(CheckMap { map, owner: None, entries: Entries::Free, len: 0, value: None });
        };
        let entries = match shape.base {
            Base::Any | Base::Object => Entries::Free,
            Base::Map(inner) => Entries::Values(checked(shape.child(*inner, false))?),
            Base::Struct(def) => match &def.kind {
                Kind::Struct { fields, additional, .. } => Entries::Struct {
                    fields,
                    closed: def.check.is_some_and(|c| c.closed) && additional.is_none(),
                    additional: *additional,
                    seen: 0,
                },
                _ => return Err(invalid()),
            },
            _ => return Err(invalid()),
        };
        let mut access = CheckMap { map, owner: Some(shape), entries, len: 0, value: None };
        let value = self.inner.visit_map(&mut access)?;
        if let Entries::Struct { fields, seen, .. } = access.entries {
            if fields.iter().enumerate().any(|(i, f)| f.required && seen & (1u128 << i) == 0) {
                return Err(invalid());
            }
        }
        shape.keywords(|c, check| c.properties_keywords(check, access.len, ""))?;
        Ok(value)
    }

    // The types read string enums as strings; anything else is left to the
    // two-pass path, which decodes it unchecked.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        match self.shape {
            Some(_) => Err(invalid()),
            None => self.inner.visit_enum(data),
        }
    }
}

/// An array's items, each checked against `item` (`None`: anything goes).
struct CheckSeq<A> {
    seq: A,
    item: Option<Shape>,
    len: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let item = self.seq.next_element_seed(CheckedSeed { seed, shape: self.item })?;
        self.len += usize::from(item.is_some());
        Ok(item)
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// How an object's entries are checked.
enum Entries {
    /// Any keys and values (a free-form object).
    Free,
    /// Any keys, every value of this shape (`additionalProperties` maps).
    Values(Option<Shape>),
    /// A struct's fields, by name; `seen` has a bit for each field met.
    Struct { fields: &'static [Field], closed: bool, additional: Option<&'static Ty>, seen: u128 },
}

struct CheckMap<A> {
    map: A,
    /// The object's shape; `None` when nothing is checked (entries are `Free`).
    owner: Option<Shape>,
    entries: Entries,
    len: usize,
    /// The shape the value of the key just read must have (`Some(None)`: any).
    value: Option<Option<Shape>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let (key, value) = match &mut self.entries {
            Entries::Free => (self.map.next_key_seed(seed)?, None),
            Entries::Values(shape) => (self.map.next_key_seed(seed)?, *shape),
            Entries::Struct { fields, closed, additional, seen } => {
                let mut found = None;
                let key = self.map.next_key_seed(KeySeed { seed, fields, found: &mut found })?;
                if key.is_none() {
                    return Ok(None);
                }
                let owner = self.owner.ok_or_else(invalid)?;
                let value = match found {
                    Some(Some(i)) => {
                        *seen |= 1u128 << i;
                        let f = &fields[i];
                        checked(owner.child(f.ty, f.nullable))?
                    }
                    Some(None) if *closed => return Err(invalid()),
                    Some(None) => match additional {
                        Some(extra) => checked(owner.child(**extra, false))?,
                        None => None,
                    },
                    // The type read the key as something other than text.
                    None => return Err(invalid()),
                };
                (key, value)
            }
        };
        if key.is_some() {
            self.len += 1;
            self.value = Some(value);
        }
        Ok(key)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let shape = self.value.take().ok_or_else(invalid)?;
        self.map.next_value_seed(CheckedSeed { seed, shape })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A struct's key, read by the type's seed, noting which field it names:
/// `Some(index)`, `Some(None)` for another name, left `None` when the type
/// did not read it as text.
struct KeySeed<'a, K> {
    seed: K,
    fields: &'static [Field],
    found: &'a mut Option<Option<usize>>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDe { de, fields: self.fields, found: self.found })
    }
}

struct KeyDe<'a, D> {
    de: D,
    fields: &'static [Field],
    found: &'a mut Option<Option<usize>>,
}

impl<'a, D> KeyDe<'a, D> {
    fn wrap<V>(self, visitor: V) -> (D, KeyVisitor<'a, V>) {
        (self.de, KeyVisitor { inner: visitor, fields: self.fields, found: self.found })
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDe<'_, D> {
    type Error = D::Error;

    forward_all!();

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (de, visitor) = self.wrap(visitor);
        de.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

struct KeyVisitor<'a, V> {
    inner: V,
    fields: &'static [Field],
    found: &'a mut Option<Option<usize>>,
}

impl<V> KeyVisitor<'_, V> {
    fn note(&mut self, key: &str) {
        *self.found = Some(self.fields.iter().position(|f| f.wire == key));
    }

    /// A key read as bytes counts only when it is text.
    fn note_bytes(&mut self, key: &[u8]) {
        if let Ok(key) = std::str::from_utf8(key) {
            self.note(key);
        }
    }
}

// Only the text a key is read as is noted; every other reading is an error
// (the visitor's default), which leaves the body to the two-pass path.
impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_str<E: Error>(mut self, v: &str) -> Result<V::Value, E> {
        self.note(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: Error>(mut self, v: &'de str) -> Result<V::Value, E> {
        self.note(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: Error>(mut self, v: String) -> Result<V::Value, E> {
        self.note(&v);
        self.inner.visit_string(v)
    }

    fn visit_bytes<E: Error>(mut self, v: &[u8]) -> Result<V::Value, E> {
        self.note_bytes(v);
        self.inner.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: Error>(mut self, v: &'de [u8]) -> Result<V::Value, E> {
        self.note_bytes(v);
        self.inner.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: Error>(mut self, v: Vec<u8>) -> Result<V::Value, E> {
        self.note_bytes(&v);
        self.inner.visit_byte_buf(v)
    }
}
