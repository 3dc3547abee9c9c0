//! The effective document: what the crates are generated from, written back
//! out as an OpenAPI document for tools we did not write (schemathesis, Prism)
//! to be pointed at.
//!
//! It is the normalised tree after overlays. Normalisation rewrites 3.1
//! spellings into the 3.0 model, so a 3.1 input is declared `3.0.3` here:
//! leaving `3.1.0` would make other tools ignore `nullable` and the boolean
//! exclusive bounds, and read the document differently from us. The few 3.1
//! sections that have no 3.0 home move under `x-` keys instead of vanishing.

use serde_json::{Map, Value};

use super::Loaded;

/// Where the effective document came from, recorded under
/// `info.x-effective-spec` so a reader can tell it from upstream's bytes.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub file: String,
    pub sha256: String,
    pub overlays: Vec<String>,
}

/// Build the effective document of a loaded spec.
pub fn effective(loaded: &Loaded, provenance: &Provenance) -> Value {
    let mut doc = loaded.raw.clone();
    let Some(root) = doc.as_object_mut() else { return doc };
    if loaded.openapi_version.starts_with("3.1") {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        root.remove("jsonSchemaDialect");
        move_key(root, "webhooks", "x-webhooks");
        if let Some(Value::Object(components)) = root.get_mut("components") {
            move_key(components, "pathItems", "x-pathItems");
        }
        if let Some(Value::Object(info)) = root.get_mut("info") {
            move_key(info, "summary", "x-summary");
            if let Some(Value::Object(license)) = info.get_mut("license") {
                move_key(license, "identifier", "x-identifier");
            }
        }
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        let mut p = Map::new();
        p.insert("file".into(), Value::String(provenance.file.clone()));
        p.insert("sha256".into(), Value::String(provenance.sha256.clone()));
        p.insert("openapi".into(), Value::String(loaded.openapi_version.clone()));
        p.insert("overlays".into(), Value::Array(provenance.overlays.iter().cloned().map(Value::String).collect()));
        info.insert("x-effective-spec".into(), Value::Object(p));
    }
    doc
}

/// The document as pretty JSON, `\n`-terminated.
pub fn to_json(doc: &Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The document as YAML.
pub fn to_yaml(doc: &Value) -> Result<String, serde_yaml::Error> {
    serde_yaml::to_string(doc)
}

fn move_key(map: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = map.remove(from) {
        map.insert(to.into(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;

    fn check(input: &str, expect: &str) {
        let mut diags = Diagnostics::new("t.yaml");
        let loaded = super::super::load("t.yaml", input.as_bytes(), &[], &mut diags).expect("fixture loads");
        let p = Provenance { file: "t.yaml".into(), sha256: "0".into(), overlays: vec![] };
        let out = effective(&loaded, &p);
        let got = serde_json::to_string(&out).unwrap_or_default();
        assert_eq!(got, expect);
    }

    #[test]
    fn declares_3_0_after_normalising_3_1() {
        check(
            r#"{"openapi":"3.1.0","info":{"title":"t","version":"1","summary":"s"},"paths":{},
               "webhooks":{},"components":{"schemas":{"A":{"type":["string","null"],"const":"x"}}}}"#,
            r#"{"components":{"schemas":{"A":{"enum":["x"],"nullable":true,"type":"string"}}},"info":{"title":"t","version":"1","x-effective-spec":{"file":"t.yaml","openapi":"3.1.0","overlays":[],"sha256":"0"},"x-summary":"s"},"openapi":"3.0.3","paths":{},"x-webhooks":{}}"#,
        );
    }

    #[test]
    fn keeps_3_0_version() {
        check(
            r#"{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{}}"#,
            r#"{"info":{"title":"t","version":"1","x-effective-spec":{"file":"t.yaml","openapi":"3.0.1","overlays":[],"sha256":"0"}},"openapi":"3.0.1","paths":{}}"#,
        );
    }
}
