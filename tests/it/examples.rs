//! Every example in both pinned specs decodes into its generated type and
//! encodes back to the same JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub struct Example {
    pub pointer: &'static str,
    pub rust_type: &'static str,
    pub json: &'static str,
    pub roundtrip: fn(&str) -> Result<Value, String>,
}

fn roundtrip<T: DeserializeOwned + Serialize>(json: &str) -> Result<Value, String> {
    let decoded: T = serde_json::from_str(json).map_err(|e| format!("decode: {e}"))?;
    serde_json::to_value(&decoded).map_err(|e| format!("encode: {e}"))
}

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// Examples in the specs that are themselves wrong; each entry says why.
/// A listed example that starts passing fails the test, so the list stays true.
const INVALID_EXAMPLES: &[(&str, &str)] = &[];

/// Values equal as JSON data: numbers by value (`1` = `1.0`), timestamps by
/// instant (`…00.000Z` = `…00Z`).
fn canonical(v: &Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map(Value::from).unwrap_or_else(|| v.clone()),
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::String(t.with_timezone(&chrono::Utc).to_rfc3339()),
            Err(_) => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), canonical(v))).collect()),
        Value::Null | Value::Bool(_) => v.clone(),
    }
}

fn check(examples: Vec<Example>) -> usize {
    assert!(!examples.is_empty(), "the spec has examples; finding none means the collector broke");
    let mut failures = Vec::new();
    let mut allowed_seen = Vec::new();
    for ex in &examples {
        let original: Value = serde_json::from_str(ex.json).expect("examples are JSON written by build.rs");
        let result = (ex.roundtrip)(ex.json).and_then(|back| {
            if canonical(&back) == canonical(&original) {
                Ok(())
            } else {
                Err(format!("re-encoded differently:\n    before: {original}\n    after:  {back}"))
            }
        });
        let allowed = INVALID_EXAMPLES.iter().find(|(p, _)| *p == ex.pointer);
        match (result, allowed) {
            (Ok(()), None) => {}
            (Ok(()), Some(_)) => failures.push(format!("{}: listed as invalid but passes; remove it", ex.pointer)),
            (Err(_), Some(_)) => allowed_seen.push(ex.pointer),
            (Err(e), None) => failures.push(format!("{} as {}: {e}", ex.pointer, ex.rust_type)),
        }
    }
    assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), examples.len(), failures.join("\n"));
    examples.len()
}

#[test]
fn airbyte_api_examples_roundtrip() {
    let n = check(airbyte_api_examples());
    eprintln!("{n} examples");
}

#[test]
fn config_api_examples_roundtrip() {
    let n = check(config_api_examples());
    eprintln!("{n} examples");
}
