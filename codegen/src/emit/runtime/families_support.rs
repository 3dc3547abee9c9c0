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
