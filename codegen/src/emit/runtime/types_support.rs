//! Serde plumbing shared by the generated types. Not part of the public API.

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
