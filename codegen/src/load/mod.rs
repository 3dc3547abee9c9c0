//! Loading: bytes → JSON tree → overlays → 3.1 normalisation → `$ref` checks
//! → `openapiv3::OpenAPI`.
//!
//! This is the only stage that sees the raw document. Everything it finds wrong
//! goes into [`Diagnostics`] with a JSON pointer; it never panics on input.

pub mod normalize;
pub mod overlay;
pub mod refs;

use serde_json::Value;

use crate::diag::Diagnostics;
pub use normalize::{Rewrite, RewriteKind};

/// An overlay document to apply before normalisation.
#[derive(Debug, Clone)]
pub struct OverlayInput {
    pub file: String,
    pub text: String,
}

/// A loaded, normalised document.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: String,
    pub sha256: String,
    /// The `openapi` version string as written.
    pub openapi_version: String,
    /// The normalised JSON tree (what `doc` was deserialised from).
    pub raw: Value,
    pub doc: openapiv3::OpenAPI,
    pub rewrites: Vec<Rewrite>,
    pub overlay_actions: usize,
}

/// Load a document. Returns `None` when an error makes further stages pointless;
/// all findings (errors and warnings) are in `diags` either way.
pub fn load(file: &str, bytes: &[u8], overlays: &[OverlayInput], diags: &mut Diagnostics) -> Option<Loaded> {
    let sha256 = crate::manifest::sha256_hex(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.error("", format!("document is not valid utf-8: {e}"));
            return None;
        }
    };
    let mut raw = parse_document(text, diags)?;
    let Some(root) = raw.as_object() else {
        diags
            .error("", "document root is not a mapping")
            .with_help("an OpenAPI document is a JSON object or YAML mapping");
        return None;
    };
    let openapi_version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(_) => {
            diags.error("#/openapi", "`openapi` must be a version string such as \"3.0.3\" or \"3.1.0\"");
            return None;
        }
        None => {
            let help = if root.contains_key("swagger") {
                "this looks like Swagger 2.0; convert it to OpenAPI 3 first"
            } else {
                "add `openapi: 3.0.3` or `openapi: 3.1.0` at the top"
            };
            diags.error("#", "missing `openapi` version field").with_help(help);
            return None;
        }
    };
    let is_31 = openapi_version.starts_with("3.1");
    if !is_31 && !openapi_version.starts_with("3.0") {
        diags
            .error("#/openapi", format!("unsupported OpenAPI version `{openapi_version}`"))
            .with_help("the generator reads OpenAPI 3.0.x and 3.1.x");
        return None;
    }

    let mut overlay_actions = 0;
    for o in overlays {
        let mut odiags = Diagnostics::new(o.file.clone());
        if let Some(ov) = overlay::parse_overlay(&o.text, &o.file, &mut odiags) {
            let report = overlay::apply_overlay(&mut raw, &ov, &mut odiags);
            overlay_actions += report.applied.len();
        }
        diags.extend(odiags);
    }

    let rewrites = normalize::normalize(&mut raw, is_31, diags);
    refs::check_refs(&raw, diags);
    if diags.has_errors() {
        return None;
    }
    let doc = deserialize(&raw, diags)?;
    Some(Loaded { file: file.to_string(), sha256, openapi_version, raw, doc, rewrites, overlay_actions })
}

/// Parse JSON or YAML into a JSON tree; numeric and boolean mapping keys
/// (YAML reads `200:` as a number) become strings.
pub fn parse_document(text: &str, diags: &mut Diagnostics) -> Option<Value> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => return Some(v),
            Err(e) => {
                diags
                    .error("", format!("invalid JSON: {e}"))
                    .with_line(e.line())
                    .with_help("fix the syntax at the given line; JSON documents must be one object");
                return None;
            }
        }
    }
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let d = diags.error("", format!("invalid YAML: {e}"));
            if let Some(loc) = e.location() {
                d.with_line(loc.line());
            }
            d.with_help("fix the syntax at the given line");
            return None;
        }
    };
    match overlay::yaml_to_json(yaml) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.error("", format!("unsupported YAML content: {e}"));
            None
        }
    }
}

fn deserialize(raw: &Value, diags: &mut Diagnostics) -> Option<openapiv3::OpenAPI> {
    // Deserialise section by section so that one bad operation does not hide
    // problems elsewhere: each failing path item or component is reported.
    let mut ok = true;
    if let Some(root) = raw.as_object() {
        for section in ["paths", "webhooks"] {
            if let Some(Value::Object(paths)) = root.get(section) {
                for (path, item) in paths {
                    let ptr = crate::diag::join_pointer(&format!("#/{section}"), path);
                    ok &= check_part::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item, &ptr, diags);
                }
            }
        }
        if let Some(Value::Object(components)) = root.get("components") {
            if let Some(Value::Object(schemas)) = components.get("schemas") {
                for (name, s) in schemas {
                    let ptr = crate::diag::join_pointer("#/components/schemas", name);
                    ok &= check_part::<openapiv3::ReferenceOr<openapiv3::Schema>>(s, &ptr, diags);
                }
            }
        }
    }
    let result: Result<openapiv3::OpenAPI, _> = serde_path_to_error::deserialize(raw);
    match result {
        Ok(doc) => ok.then_some(doc),
        Err(e) => {
            if ok {
                let ptr = path_to_pointer(&e.path().to_string());
                diags.error(ptr, format!("not a valid OpenAPI document: {}", e.inner()));
            }
            None
        }
    }
}

fn check_part<T: serde::de::DeserializeOwned>(v: &Value, ptr: &str, diags: &mut Diagnostics) -> bool {
    let result: Result<T, _> = serde_path_to_error::deserialize(v);
    match result {
        Ok(_) => true,
        Err(e) => {
            let inner = path_to_pointer(&e.path().to_string());
            let full = if inner == "#" { ptr.to_string() } else { format!("{ptr}{}", &inner[1..]) };
            diags.error(full, format!("invalid: {}", e.inner()));
            false
        }
    }
}

/// serde_path_to_error renders `a.b[0].c`; turn that into `#/a/b/0/c`.
fn path_to_pointer(path: &str) -> String {
    if path == "." || path.is_empty() {
        return "#".into();
    }
    let mut out = String::from("#");
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    out.push('/');
                    out.push_str(&crate::diag::escape_pointer(&cur));
                    cur.clear();
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push('/');
                    out.push_str(&crate::diag::escape_pointer(&cur));
                    cur.clear();
                }
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    cur.push(d);
                }
                out.push('/');
                out.push_str(&cur);
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push('/');
        out.push_str(&crate::diag::escape_pointer(&cur));
    }
    out
}

/// Resolve a local JSON pointer (`#/a/b`) in a tree.
pub fn resolve_pointer<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let frag = reference.strip_prefix('#')?;
    if frag.is_empty() {
        return Some(root);
    }
    let decoded = percent_decode(frag);
    root.pointer(&decoded)
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
