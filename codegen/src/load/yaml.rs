//! YAML text straight into a JSON tree, in one pass over the parser's events.
//!
//! The general route (`serde_yaml::Value`, then [`super::overlay::yaml_to_json`])
//! builds a second, hashed tree and a JSON pointer for every node in case a
//! node cannot be converted; on a large document that costs more than parsing.
//! This pass builds the JSON tree directly and gives up at the first thing it
//! would have to explain (a tag, a null or compound key, a non-finite number,
//! an integer beyond 64 bits, two keys that collide once written as strings):
//! the caller then takes the general route, which explains it. So for every
//! text this gives the value the general route gives, or nothing.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// The JSON tree of a YAML text, or `None` where the general route must say why not.
pub(crate) fn to_json(text: &str) -> Option<Value> {
    serde_yaml::from_str::<Json>(text).ok().map(|j| j.0)
}

struct Json(Value);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor).map(Json)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value that JSON can hold")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(n).map(Value::Number).ok_or_else(|| E::custom("not finite"))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(NodeVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Json(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(Key(k)) = map.next_key()? {
            let Json(v) = map.next_value()?;
            if out.insert(k, v).is_some() {
                return Err(de::Error::custom("duplicate key"));
            }
        }
        Ok(Value::Object(out))
    }

    // Tags (`!custom`) arrive as enums: not JSON, so not handled here.
}

/// A mapping key as the general route writes it: scalars as strings.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeyVisitor).map(Key)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number or boolean key")
    }

    fn visit_bool<E>(self, b: bool) -> Result<String, E> {
        Ok(b.to_string())
    }

    fn visit_i64<E>(self, n: i64) -> Result<String, E> {
        Ok(n.to_string())
    }

    fn visit_u64<E>(self, n: u64) -> Result<String, E> {
        Ok(n.to_string())
    }

    fn visit_f64<E>(self, n: f64) -> Result<String, E> {
        // The general route writes the YAML number, in YAML's spelling.
        Ok(serde_yaml::Number::from(n).to_string())
    }

    fn visit_str<E>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }

    fn visit_string<E>(self, s: String) -> Result<String, E> {
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the general route gives: `Some(value)`, or `None` when it reports a problem.
    fn general(text: &str) -> Option<Value> {
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
        super::super::overlay::yaml_to_json(yaml).ok()
    }

    fn check(text: &str, expect_fast: bool) {
        let fast = to_json(text);
        assert_eq!(fast.is_some(), expect_fast, "{text:?}: {fast:?}");
        if let Some(v) = fast {
            assert_eq!(Some(v), general(text), "{text:?}");
        }
    }

    #[test]
    fn same_value_as_the_general_route_or_none() {
        for text in [
            "a: 1\nb: [1, -2, 2.5, null, true, ~, '', x]\nc: {d: e}",
            "200: {description: ok}\ntrue: yes\n1.5: f\n1e3: g\n-7: h\n0x1F: i\n18446744073709551615: j",
            "big: 18446744073709551615\nneg: -9223372036854775808\nf: 1e300\nz: -0.0\ns: '007'",
            "anchors: &a {x: 1}\nuse: *a\nmerge: {<<: *a, y: 2}",
            "",
            "just a string",
            "- 1\n- [2, [3]]",
            "long: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
        ] {
            check(text, true);
        }
        for text in [
            "a: !custom 1",
            "a: .nan",
            "a: .inf",
            "~: 1",
            "? [1, 2]\n: x",
            "? {a: 1}\n: x",
            "r:\n  200: a\n  '200': b",
            "r: {a: 1, a: 2}",
            "n: 170141183460469231731687303715884105727",
            "a: [unclosed",
            "--- 1\n--- 2",
        ] {
            check(text, false);
        }
    }
}
