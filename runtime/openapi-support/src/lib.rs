//! Serde plumbing shared by every generated types crate (and feature-gated
//! families crate): the code that is the same for every OpenAPI description,
//! so a generated crate holds only what its spec defines.
//!
//! Generated crates re-export this crate as their hidden `support` module and
//! call it from their serde attributes and hand-written `Deserialize`
//! implementations; it is public so that those crates can, not because users
//! need it. It never depends on the generator, on an HTTP stack or on any
//! generated crate.
//!
//! A tagged union decoded by its discriminator, the way generated code does it:
//!
//! ```
//! use serde::de::{Deserialize, Deserializer};
//!
//! #[derive(Debug, PartialEq, serde::Deserialize)]
//! struct Cat { kind: String, lives: u8 }
//!
//! #[derive(Debug, PartialEq)]
//! enum Pet { Cat(Cat), Unknown(serde_json::Value) }
//!
//! impl<'de> Deserialize<'de> for Pet {
//!     fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         let value = serde_json::Value::deserialize(deserializer)?;
//!         let tag = openapi_support::tag::<D::Error>(&value, "kind")?;
//!         match tag {
//!             "cat" => openapi_support::variant(value).map(Pet::Cat),
//!             _ => Ok(Pet::Unknown(value)),
//!         }
//!     }
//! }
//!
//! let pet: Pet = serde_json::from_str(r#"{"kind":"cat","lives":9}"#)?;
//! assert_eq!(pet, Pet::Cat(Cat { kind: "cat".into(), lives: 9 }));
//! let other: Pet = serde_json::from_str(r#"{"kind":"dog"}"#)?;
//! assert!(matches!(other, Pet::Unknown(_)));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! A field that is optional *and* nullable keeps absent and `null` apart:
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Patch {
//!     #[serde(default, skip_serializing_if = "Option::is_none", with = "openapi_support::double_option")]
//!     name: Option<Option<String>>,
//! }
//!
//! let absent: Patch = serde_json::from_str("{}")?;
//! let null: Patch = serde_json::from_str(r#"{"name":null}"#)?;
//! assert_eq!(absent.name, None);
//! assert_eq!(null.name, Some(None));
//! assert_eq!(serde_json::to_string(&null)?, r#"{"name":null}"#);
//! assert_eq!(serde_json::to_string(&absent)?, "{}");
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `Option<Option<T>>` for fields that are optional and nullable: absent is
/// `None`, `null` is `Some(None)`, a value is `Some(Some(v))`.
pub mod double_option {
    use super::*;

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &::std::option::Option<::std::option::Option<T>>,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {
        match value {
            ::std::option::Option::Some(inner) => inner.serialize(serializer),
            ::std::option::Option::None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<::std::option::Option<::std::option::Option<T>>, D::Error> {
        ::std::option::Option::<T>::deserialize(deserializer).map(::std::option::Option::Some)
    }
}

/// Read the discriminator of a tagged union. A missing or non-string tag is an error.
pub fn tag<'v, E: serde::de::Error>(value: &'v serde_json::Value, property: &str) -> ::std::result::Result<&'v str, E> {
    match value.get(property) {
        ::std::option::Option::Some(serde_json::Value::String(s)) => ::std::result::Result::Ok(s),
        ::std::option::Option::Some(_) => {
            ::std::result::Result::Err(E::custom(format_args!("discriminator `{property}` is not a string")))
        }
        ::std::option::Option::None => {
            ::std::result::Result::Err(E::custom(format_args!("missing discriminator `{property}`")))
        }
    }
}

/// Decode one variant of a tagged union from the whole JSON object.
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(value: serde_json::Value) -> ::std::result::Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Decode one variant of a tagged union whose tag is missing, if it fits.
pub fn try_variant<T: DeserializeOwned>(value: &serde_json::Value) -> ::std::option::Option<T> {
    T::deserialize(value).ok()
}

/// Write one variant of a tagged union, adding the tag when the variant's own
/// type does not carry it.
pub fn serialize_tagged<T: Serialize, S: Serializer>(
    serializer: S,
    property: &str,
    tag: &str,
    value: &T,
) -> ::std::result::Result<S::Ok, S::Error> {
    use serde::ser::Error as _;
    let mut json = serde_json::to_value(value).map_err(S::Error::custom)?;
    if let serde_json::Value::Object(map) = &mut json {
        if !map.contains_key(property) {
            map.insert(property.to_owned(), serde_json::Value::String(tag.to_owned()));
        }
    }
    json.serialize(serializer)
}

/// The impls of a string enum that do not depend on its values: `Eq`,
/// `From<&str>`, `FromStr`, `Display`, `Serialize` and `Deserialize`, all
/// through the enum's own `as_str` and `From<String>`, which the generator
/// writes out (they hold the values). Generated code calls it through its
/// `support` re-export of this crate.
///
/// No repetition: a `macro_rules!` that repeats over the values costs the
/// compiler more to expand than the written-out match it saves. The
/// conversions are `#[inline]`: a non-generic function that is not inline
/// is compiled in the crate that defines it, for every enum whether a user
/// needs it or not; inline, it is compiled where it is used, as the
/// derives' methods are. `Eq` is a plain impl: the derive adds a field
/// check function that would be compiled per enum.
///
/// ```
/// #[derive(Debug, Clone, PartialEq, Hash, PartialOrd, Ord)]
/// pub enum Status {
///     Active,
///     Unknown(String),
/// }
/// impl Status {
///     pub fn as_str(&self) -> &str {
///         match self {
///             Self::Active => "active",
///             Self::Unknown(other) => other.as_str(),
///         }
///     }
/// }
/// impl From<String> for Status {
///     fn from(value: String) -> Self {
///         match value.as_str() {
///             "active" => Self::Active,
///             _ => Self::Unknown(value),
///         }
///     }
/// }
/// openapi_support::string_enum!(Status);
///
/// assert_eq!(Status::from("active"), Status::Active);
/// assert_eq!("paused".parse::<Status>(), Ok(Status::Unknown("paused".into())));
/// assert_eq!(serde_json::to_string(&Status::Active)?, r#""active""#);
/// assert_eq!(serde_json::from_str::<Status>(r#""paused""#)?.to_string(), "paused");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! string_enum {
    ($ty:ident) => {
        #[allow(deprecated)]
        impl ::std::cmp::Eq for $ty {}
        #[allow(deprecated)]
        impl ::std::convert::From<&str> for $ty {
            #[inline]
            fn from(value: &str) -> Self {
                Self::from(::std::string::String::from(value))
            }
        }
        #[allow(deprecated)]
        impl ::std::str::FromStr for $ty {
            type Err = ::std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }
        #[allow(deprecated)]
        impl ::std::fmt::Display for $ty {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        #[allow(deprecated)]
        impl ::serde::Serialize for $ty {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::std::result::Result<Self, __D::Error> {
                $crate::enum_str(deserializer).map(Self::from)
            }
        }
    };
}

/// Read a string enum's wire value.
pub fn enum_str<'de, D: Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::string::String, D::Error> {
    ::std::string::String::deserialize(deserializer)
}

/// Shown by `Debug` in place of a secret.
pub struct Redacted;

impl ::std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

// Families crates (feature-gated unions) use these too.

/// Drop a struct-tag constant that serde handed to a flattened
/// `additionalProperties` map, so it is not written twice.
pub fn map_without<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
    deserializer: D,
    key: &str,
) -> ::std::result::Result<::std::collections::BTreeMap<::std::string::String, V>, D::Error> {
    let mut map = ::std::collections::BTreeMap::<::std::string::String, V>::deserialize(deserializer)?;
    map.remove(key);
    ::std::result::Result::Ok(map)
}

/// A configuration as the free-form JSON object the API's own types hold.
pub fn to_object<T: Serialize>(value: &T) -> serde_json::Map<::std::string::String, serde_json::Value> {
    match serde_json::to_value(value) {
        ::std::result::Result::Ok(serde_json::Value::Object(map)) => map,
        // Generated configurations always encode as objects; anything else is kept whole.
        ::std::result::Result::Ok(other) => {
            let mut map = serde_json::Map::new();
            map.insert("value".to_owned(), other);
            map
        }
        ::std::result::Result::Err(_) => serde_json::Map::new(),
    }
}

/// Decode a free-form configuration object, adding the family tag when the
/// object itself does not carry it (responses name it next to the object).
pub fn from_object<T: DeserializeOwned>(
    object: &serde_json::Map<::std::string::String, serde_json::Value>,
    property: &str,
    tag: ::std::option::Option<&str>,
) -> ::std::result::Result<T, serde_json::Error> {
    let mut object = object.clone();
    if let ::std::option::Option::Some(tag) = tag {
        object.entry(property.to_owned()).or_insert_with(|| serde_json::Value::String(tag.to_owned()));
    }
    serde_json::from_value(serde_json::Value::Object(object))
}

/// Why a family value is not the member asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct WrongMember {
    /// The tag the value carries, if any.
    pub found: ::std::option::Option<::std::string::String>,
    /// The tag that was expected.
    pub expected: &'static str,
}

impl ::std::fmt::Display for WrongMember {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match &self.found {
            ::std::option::Option::Some(found) => write!(f, "configuration is `{found}`, not `{}`", self.expected),
            ::std::option::Option::None => write!(f, "configuration has no tag; expected `{}`", self.expected),
        }
    }
}

impl ::std::error::Error for WrongMember {}

// ---------------------------------------------------------------------------
// Struct (de)serialization.
//
// The generated structs implement `Serialize`/`Deserialize` through
// `plain_struct!` instead of serde's derive: the derive writes a
// field-identifier enum, its visitor (three `match`es over the names), a
// sequence visitor and inline bookkeeping per field, and the compiler
// type-checks and borrow-checks all of it for every struct. Per struct the
// macro writes three small functions: `serialize`, a one-line `deserialize`
// and `PlainStruct::visit_map`. The visitor type, its `expecting`, the key
// lookup and the error plumbing are the helpers below, which every struct
// shares (generic only over the field type and the serde backend, so one copy
// serves every field of the same type). The per-struct bodies hold no `?`:
// the writer ([`StructOut`]) and the reader ([`Keys`]) keep the first error
// and skip the rest, which spares the compiler a `Try` desugaring per field.
// See "Build time" in ARCHITECTURE.md.
// ---------------------------------------------------------------------------

/// `Serialize` and `Deserialize` for a struct, one `field: kind index "wire"`
/// per field. The kind says how the field is present:
/// `required` (absent is an error), `nullable` (always written, absent reads
/// as `None`), `optional` (`Option`, skipped when `None`) and
/// `optional_nullable` (`Option<Option<_>>`: absent, `null` or a value).
/// Generated code calls it through its `support` re-export of this crate.
/// Decoding reads objects only; as with the derive, unknown properties are
/// skipped, a repeated one is an error, and so is a missing required one
/// (the first in declaration order), with serde's messages.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// pub struct Pet {
///     pub name: String,
///     pub tag: Option<String>,
///     pub owner: Option<Option<String>>,
/// }
/// openapi_support::plain_struct!(Pet { name: required 0 "name", tag: optional 1 "tag", owner: optional_nullable 2 "owner" });
///
/// let pet: Pet = serde_json::from_str(r#"{"name":"Rex","owner":null,"extra":1}"#)?;
/// assert_eq!(pet, Pet { name: "Rex".into(), tag: None, owner: Some(None) });
/// assert_eq!(serde_json::to_string(&pet)?, r#"{"name":"Rex","owner":null}"#);
/// assert!(serde_json::from_str::<Pet>(r#"{"tag":"x"}"#).is_err()); // `name` is required
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! plain_struct {
    ($ty:ident { $($field:ident: $kind:ident $index:literal $wire:literal),* $(,)? }) => {
        #[allow(deprecated)]
        impl ::serde::Serialize for $ty {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                #[allow(unused_mut)]
                let mut out = $crate::begin(
                    serializer,
                    ::std::stringify!($ty),
                    0 $(+ $crate::plain_struct!(@len $kind &self.$field))*,
                );
                $($crate::plain_struct!(@write $kind out $wire &self.$field);)*
                $crate::end(out)
            }
        }
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::deserialize_struct(deserializer, ::std::stringify!($ty), &[$($wire),*])
            }
        }
        #[allow(deprecated)]
        impl $crate::PlainStruct for $ty {
            fn visit_map<'de, __A: ::serde::de::MapAccess<'de>>(map: __A, fields: &'static [&'static str]) -> ::std::result::Result<Self, __A::Error> {
                $(let mut $field = ::std::option::Option::None;)*
                let mut map = $crate::Keys::new(map, fields);
                while let ::std::option::Option::Some(key) = $crate::next_key(&mut map) {
                    match key {
                        $($index => $crate::plain_struct!(@read $kind $field map $wire),)*
                        _ => $crate::skip(&mut map),
                    }
                }
                // One `match` on every slot: the first arm builds the struct, the
                // second (unreachable when nothing is required) names the first
                // required field that is missing.
                $crate::finish(map, match ($($field,)*) {
                    ($($crate::plain_struct!(@pat $kind $field),)*) => ::std::result::Result::Ok($ty { $($field: $crate::plain_struct!(@take $kind $field)),* }),
                    #[allow(unreachable_patterns)]
                    ($($crate::plain_struct!(@rest $kind $field),)*) => ::std::result::Result::Err($crate::missing(&[$($crate::plain_struct!(@absent $kind $field)),*], fields)),
                })
            }
        }
    };
    // Per kind, the code serde's derive would write for the field, so that
    // the compiler checks no more than it needs.
    (@len optional $value:expr) => { usize::from(::std::option::Option::is_some($value)) };
    (@len optional_nullable $value:expr) => { usize::from(::std::option::Option::is_some($value)) };
    (@len $kind:ident $value:expr) => { 1 };
    (@write optional $out:ident $wire:literal $value:expr) => { $crate::skip_none(&mut $out, $wire, $value) };
    (@write optional_nullable $out:ident $wire:literal $value:expr) => { $crate::skip_absent(&mut $out, $wire, $value) };
    (@write $kind:ident $out:ident $wire:literal $value:expr) => { $crate::field(&mut $out, $wire, $value) };
    (@read optional_nullable $slot:ident $map:ident $wire:literal) => { $crate::read_present(&mut $map, &mut $slot, $wire) };
    (@read $kind:ident $slot:ident $map:ident $wire:literal) => { $crate::read(&mut $map, &mut $slot, $wire) };
    (@pat required $slot:ident) => { ::std::option::Option::Some($slot) };
    (@pat $kind:ident $slot:ident) => { $slot };
    (@take required $slot:ident) => { $slot };
    (@take $kind:ident $slot:ident) => { ::std::option::Option::flatten($slot) };
    (@rest required $slot:ident) => { $slot };
    (@rest $kind:ident $slot:ident) => { _ };
    (@absent required $slot:ident) => { ::std::option::Option::is_none(&$slot) };
    (@absent $kind:ident $slot:ident) => { false };
}

/// Implemented by `plain_struct!`: a struct's half of decoding, called by the
/// visitor every plain struct shares.
#[doc(hidden)]
pub trait PlainStruct: Sized {
    /// Read the struct from a map whose keys are the wire names `fields`.
    fn visit_map<'de, A: serde::de::MapAccess<'de>>(
        map: A,
        fields: &'static [&'static str],
    ) -> ::std::result::Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a plain struct.
pub fn deserialize_struct<'de, T: PlainStruct, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    fields: &'static [&'static str],
) -> ::std::result::Result<T, D::Error> {
    deserializer.deserialize_struct(name, fields, StructVisitor { name, fields, marker: ::std::marker::PhantomData })
}

/// The visitor of every plain struct; its `expecting` reads `struct Name`,
/// as the derive's does, so error messages stay the same.
struct StructVisitor<T> {
    name: &'static str,
    fields: &'static [&'static str],
    marker: ::std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: PlainStruct> serde::de::Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("struct ")?;
        f.write_str(self.name)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<T, A::Error> {
        T::visit_map(map, self.fields)
    }
}

/// The error for the first required field that was absent.
pub fn missing<E: serde::de::Error>(absent: &[bool], fields: &'static [&'static str]) -> E {
    let i = absent.iter().position(|a| *a).unwrap_or(0);
    E::missing_field(fields.get(i).copied().unwrap_or(""))
}

/// A struct being written: the serializer's state, or the first error, after
/// which the remaining fields are not written.
pub struct StructOut<S: Serializer> {
    state: ::std::result::Result<S::SerializeStruct, S::Error>,
}

/// Start writing a struct of `len` fields.
pub fn begin<S: Serializer>(serializer: S, name: &'static str, len: usize) -> StructOut<S> {
    StructOut { state: serializer.serialize_struct(name, len) }
}

/// Write a field.
pub fn field<S: Serializer, T: Serialize + ?Sized>(out: &mut StructOut<S>, name: &'static str, value: &T) {
    use serde::ser::SerializeStruct as _;
    if let ::std::result::Result::Ok(state) = &mut out.state {
        if let ::std::result::Result::Err(e) = state.serialize_field(name, value) {
            out.state = ::std::result::Result::Err(e);
        }
    }
}

/// Skip a field that is absent.
fn skip_field<S: Serializer>(out: &mut StructOut<S>, name: &'static str) {
    use serde::ser::SerializeStruct as _;
    if let ::std::result::Result::Ok(state) = &mut out.state {
        if let ::std::result::Result::Err(e) = state.skip_field(name) {
            out.state = ::std::result::Result::Err(e);
        }
    }
}

/// Finish the struct, or return the first error.
pub fn end<S: Serializer>(out: StructOut<S>) -> ::std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct as _;
    out.state?.end()
}

/// A struct's map key read as the index of its wire name in the struct's
/// name table; a name the struct does not declare reads as the table length.
pub struct FieldIndex(pub &'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for FieldIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FieldIndex {
    type Value = usize;

    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> ::std::result::Result<usize, E> {
        ::std::result::Result::Ok(field_index(self.0, value.as_bytes()))
    }

    fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> ::std::result::Result<usize, E> {
        ::std::result::Result::Ok(field_index(self.0, value))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> ::std::result::Result<usize, E> {
        let len = self.0.len();
        ::std::result::Result::Ok(usize::try_from(value).map_or(len, |i| i.min(len)))
    }
}

/// Kept out of line: one copy for every struct and every serde backend.
#[inline(never)]
fn field_index(names: &[&str], key: &[u8]) -> usize {
    names.iter().position(|name| name.as_bytes() == key).unwrap_or(names.len())
}

/// A struct's map while it is read: the keys are looked up in `fields`,
/// and the first error ends the reading and is kept for [`finish`].
pub struct Keys<'de, A: serde::de::MapAccess<'de>> {
    map: A,
    fields: &'static [&'static str],
    error: ::std::option::Option<A::Error>,
    marker: ::std::marker::PhantomData<&'de ()>,
}

impl<'de, A: serde::de::MapAccess<'de>> Keys<'de, A> {
    /// Start reading `map`.
    pub fn new(map: A, fields: &'static [&'static str]) -> Self {
        Keys { map, fields, error: ::std::option::Option::None, marker: ::std::marker::PhantomData }
    }

    fn fail(&mut self, error: A::Error) {
        self.error = ::std::option::Option::Some(error);
    }
}

/// The index of the next key in the struct's name table (the table's length
/// for a name it does not declare), or `None` at the end or after an error.
pub fn next_key<'de, A: serde::de::MapAccess<'de>>(keys: &mut Keys<'de, A>) -> ::std::option::Option<usize> {
    if keys.error.is_some() {
        return ::std::option::Option::None;
    }
    match keys.map.next_key_seed(FieldIndex(keys.fields)) {
        ::std::result::Result::Ok(key) => key,
        ::std::result::Result::Err(e) => {
            keys.fail(e);
            ::std::option::Option::None
        }
    }
}

/// Skip the value of a key the struct does not declare.
pub fn skip<'de, A: serde::de::MapAccess<'de>>(keys: &mut Keys<'de, A>) {
    if let ::std::result::Result::Err(e) = keys.map.next_value::<serde::de::IgnoredAny>() {
        keys.fail(e);
    }
}

/// Decode a field's value into its slot; a field given twice is an error.
pub fn read<'de, T: Deserialize<'de>, A: serde::de::MapAccess<'de>>(
    keys: &mut Keys<'de, A>,
    slot: &mut ::std::option::Option<T>,
    name: &'static str,
) {
    if slot.is_some() {
        return keys.fail(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    match keys.map.next_value() {
        ::std::result::Result::Ok(value) => *slot = ::std::option::Option::Some(value),
        ::std::result::Result::Err(e) => keys.fail(e),
    }
}

/// [`read`] for an optional and nullable field (`Option<Option<T>>`):
/// present, even as `null`, is `Some`.
pub fn read_present<'de, T: Deserialize<'de>, A: serde::de::MapAccess<'de>>(
    keys: &mut Keys<'de, A>,
    slot: &mut ::std::option::Option<::std::option::Option<::std::option::Option<T>>>,
    name: &'static str,
) {
    if slot.is_some() {
        return keys.fail(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    match keys.map.next_value::<::std::option::Option<T>>() {
        ::std::result::Result::Ok(value) => *slot = ::std::option::Option::Some(::std::option::Option::Some(value)),
        ::std::result::Result::Err(e) => keys.fail(e),
    }
}

/// The struct read, or the first error met while reading it.
pub fn finish<'de, T, A: serde::de::MapAccess<'de>>(
    keys: Keys<'de, A>,
    value: ::std::result::Result<T, A::Error>,
) -> ::std::result::Result<T, A::Error> {
    match keys.error {
        ::std::option::Option::Some(e) => ::std::result::Result::Err(e),
        ::std::option::Option::None => value,
    }
}

/// Write an optional field (`Option<T>`), or skip it when `None`.
pub fn skip_none<S: Serializer, T: Serialize>(
    out: &mut StructOut<S>,
    name: &'static str,
    value: &::std::option::Option<T>,
) {
    match value {
        ::std::option::Option::Some(_) => field(out, name, value),
        ::std::option::Option::None => skip_field(out, name),
    }
}

/// Write an optional and nullable field (`Option<Option<T>>`): absent is
/// skipped, `Some(None)` is `null`.
pub fn skip_absent<S: Serializer, T: Serialize>(
    out: &mut StructOut<S>,
    name: &'static str,
    value: &::std::option::Option<::std::option::Option<T>>,
) {
    match value {
        ::std::option::Option::Some(inner) => field(out, name, inner),
        ::std::option::Option::None => skip_field(out, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Dog {
        name: String,
    }

    #[test]
    fn tag_reads_strings_only() {
        let value = json!({"kind": "dog", "n": 1});
        assert_eq!(tag::<serde_json::Error>(&value, "kind").unwrap(), "dog");
        let missing = tag::<serde_json::Error>(&value, "type").unwrap_err().to_string();
        assert_eq!(missing, "missing discriminator `type`");
        let not_string = tag::<serde_json::Error>(&value, "n").unwrap_err().to_string();
        assert_eq!(not_string, "discriminator `n` is not a string");
    }

    #[test]
    fn variants_decode_whole_objects() {
        let dog: Dog = variant::<_, serde_json::Error>(json!({"name": "rex", "kind": "dog"})).unwrap();
        assert_eq!(dog, Dog { name: "rex".into() });
        assert!(variant::<Dog, serde_json::Error>(json!({"kind": "dog"})).is_err());
        assert_eq!(try_variant::<Dog>(&json!({"name": "a"})), Some(Dog { name: "a".into() }));
        assert_eq!(try_variant::<Dog>(&json!([])), None);
    }

    #[test]
    fn serialize_tagged_adds_a_missing_tag_only() {
        let added = serialize_tagged(serde_json::value::Serializer, "kind", "dog", &Dog { name: "a".into() }).unwrap();
        assert_eq!(added, json!({"name": "a", "kind": "dog"}));
        let kept = serialize_tagged(serde_json::value::Serializer, "name", "other", &Dog { name: "a".into() }).unwrap();
        assert_eq!(kept, json!({"name": "a"}));
    }

    #[test]
    fn redacted_hides_its_value() {
        assert_eq!(format!("{:?}", Redacted), "\"<redacted>\"");
    }

    #[test]
    fn map_without_drops_the_key() {
        let map: std::collections::BTreeMap<String, i32> =
            map_without(&mut serde_json::Deserializer::from_str(r#"{"a":1,"b":2}"#), "a").unwrap();
        assert_eq!(map.into_iter().collect::<Vec<_>>(), vec![("b".to_string(), 2)]);
    }

    #[test]
    fn objects_round_trip_with_the_tag() {
        let object = to_object(&Dog { name: "a".into() });
        assert_eq!(serde_json::Value::Object(object.clone()), json!({"name": "a"}));
        assert_eq!(to_object(&3).get("value"), Some(&json!(3)));
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Tagged {
            name: String,
            kind: String,
        }
        let tagged: Tagged = from_object(&object, "kind", Some("dog")).unwrap();
        assert_eq!(tagged, Tagged { name: "a".into(), kind: "dog".into() });
        assert!(from_object::<Tagged>(&object, "kind", None).is_err());
    }

    #[test]
    fn wrong_member_explains_itself() {
        let found = WrongMember { found: Some("a".into()), expected: "b" };
        assert_eq!(found.to_string(), "configuration is `a`, not `b`");
        let none = WrongMember { found: None, expected: "b" };
        assert_eq!(none.to_string(), "configuration has no tag; expected `b`");
    }

    // `plain_struct!` against serde's derive on the same shape: the same
    // values, the same output and the same error messages (with positions).
    mod derived {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct Pet {
            name: String,
            #[serde(rename = "ownerId")]
            owner_id: u32,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            tag: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::double_option")]
            note: Option<Option<String>>,
            nickname: Option<String>,
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Pet {
        name: String,
        owner_id: u32,
        tag: Option<String>,
        note: Option<Option<String>>,
        nickname: Option<String>,
    }
    crate::plain_struct!(Pet { name: required 0 "name", owner_id: required 1 "ownerId", tag: optional 2 "tag",
        note: optional_nullable 3 "note", nickname: nullable 4 "nickname" });

    #[derive(Debug, PartialEq)]
    struct Empty {}
    crate::plain_struct!(Empty {});

    #[test]
    fn plain_structs_decode_and_encode_as_the_derive_does() {
        let cases = [
            r#"{"name":"a","ownerId":1}"#,
            r#"{"name":"a","ownerId":1,"tag":"t","note":null,"nickname":null,"other":[1,{"x":2}]}"#,
            r#"{"nickname":"n","note":"x","ownerId":2,"name":"b"}"#,
            r#"{"ownerId":1}"#,
            r#"{"name":"a"}"#,
            r#"{"tag":"t"}"#,
            r#"{"name":"a","name":"b","ownerId":1}"#,
            r#"{"name":"a","ownerId":1,"note":null,"note":null}"#,
            r#"{"name":1,"ownerId":1}"#,
            r#"{"name":"a","ownerId":-1}"#,
            r#"{"name":"a","ownerId":1,"tag":"t""#,
            r#"{"name":"a","ownerId":1,}"#,
            r#"["a",1]"#,
            r#""pet""#,
            "null",
            r#"{"name":"a","ownerId":1} x"#,
        ];
        for case in cases {
            let derived = serde_json::from_str::<derived::Pet>(case).map_err(|e| e.to_string());
            let plain = serde_json::from_str::<Pet>(case).map_err(|e| e.to_string());
            match (&derived, &plain) {
                (Ok(d), Ok(p)) => {
                    assert_eq!(serde_json::to_string(d).unwrap(), serde_json::to_string(p).unwrap(), "{case}");
                    assert_eq!(serde_json::to_value(d).unwrap(), serde_json::to_value(p).unwrap(), "{case}");
                }
                // The one intended difference: no positional decoding from an array.
                (_, Err(p)) if case.starts_with('[') => {
                    assert_eq!(p, "invalid type: sequence, expected struct Pet at line 1 column 1")
                }
                (Err(d), Err(p)) => assert_eq!(d, p, "{case}"),
                _ => panic!("{case}: derive {derived:?}, plain_struct {plain:?}"),
            }
        }
        let pet: Pet = serde_json::from_str(r#"{"name":"a","ownerId":1,"note":null}"#).unwrap();
        assert_eq!(pet.note, Some(None));
        assert_eq!(pet.nickname, None);
        assert_eq!(serde_json::from_str::<Empty>(r#"{"x":1}"#).unwrap(), Empty {});
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
    }
}
