//! `$ref` checks on the normalised tree: every reference is local and resolves,
//! and no reference chain loops back on itself.

use serde_json::Value;

use crate::diag::Diagnostics;

/// Why a `$ref` cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// Another document, or a `$id`/`$anchor` target `external::resolve`
    /// could not make local.
    External,
    /// Points to nothing in this document.
    Dangling,
    /// A chain of references that loops without reaching a value.
    Cycle(Vec<String>),
}

/// Every reference that cannot be followed: (where it is, its text, why).
pub fn unresolved(root: &Value) -> Vec<(String, String, Unresolved)> {
    let refs = collect_refs(root);
    let mut out = Vec::new();
    for (at, target) in refs {
        let why = if !target.starts_with("#/") && target != "#" {
            Unresolved::External
        } else if super::resolve_pointer(root, &target).is_none() {
            Unresolved::Dangling
        } else if let Some(cycle) = ref_cycle(root, &target) {
            Unresolved::Cycle(cycle)
        } else {
            continue;
        };
        out.push((at, target, why));
    }
    out
}

/// Report dangling, external and cyclic references, all of them at once.
pub fn check_refs(root: &Value, diags: &mut Diagnostics) {
    for (at, target, why) in unresolved(root) {
        match why {
            // `external::resolve` made every reference it could local and
            // reported the rest.
            Unresolved::External => {}
            Unresolved::Dangling => {
                diags
                    .error(at.clone(), format!("`$ref` points to nothing: `{target}`"))
                    .with_help("fix the reference, or add an overlay action in the spec's patch file that does");
            }
            Unresolved::Cycle(cycle) => {
                diags
                    .error(at.clone(), format!("`$ref` chain never reaches a value: {}", cycle.join(" → ")))
                    .with_help("point one reference of the loop at a real definition instead of another `$ref`");
            }
        }
    }
}

/// Every `$ref` of a document: (pointer of the object holding it, target).
pub fn collect_refs(root: &Value) -> Vec<(String, String)> {
    collect_refs_at(root, "#")
}

/// Every `$ref` of a value that will sit at `base` in a document.
pub fn collect_refs_at(v: &Value, base: &str) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    collect(v, &mut base.to_string(), Mode::Object, &mut refs);
    refs
}

/// What the object being walked is, which decides which of its keys hold
/// data (never references) rather than OpenAPI structure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A schema, operation, parameter… object.
    Object,
    /// A map from names to objects (`properties`, `responses`, `schemas`…):
    /// its keys are names, so `default` or `example` there are not keywords.
    Names,
    /// A map of Example objects (or references to them).
    Examples,
    /// One Example object: its `value` is data.
    Example,
}

/// Keys whose value maps names to objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "parameters",
    "headers",
    "responses",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "paths",
    "webhooks",
    "content",
    "encoding",
];

/// `ptr` is the pointer of `v`, extended and restored in place: only the
/// sites of references are allocated.
fn collect(v: &Value, ptr: &mut String, mode: Mode, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            if mode != Mode::Names {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push((ptr.clone(), r.clone()));
                }
            }
            for (k, child) in m {
                if !(child.is_object() || child.is_array()) {
                    continue;
                }
                let child_mode = match mode {
                    Mode::Names => Mode::Object,
                    Mode::Examples => Mode::Example,
                    Mode::Object | Mode::Example => {
                        // Examples, defaults, enums and extensions are data, not
                        // structure: a `$ref` key there is a value.
                        let data = matches!(k.as_str(), "example" | "enum" | "const" | "default")
                            || k.starts_with("x-")
                            || (mode == Mode::Example && k == "value")
                            || (k == "examples" && !child.is_object());
                        if data {
                            continue;
                        }
                        if k == "examples" {
                            Mode::Examples
                        } else if NAME_MAPS.contains(&k.as_str()) && child.is_object() {
                            Mode::Names
                        } else {
                            Mode::Object
                        }
                    }
                };
                let len = ptr.len();
                super::push_segment(ptr, k);
                collect(child, ptr, child_mode, out);
                ptr.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    let len = ptr.len();
                    super::push_index(ptr, i);
                    collect(child, ptr, Mode::Object, out);
                    ptr.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// Follow a chain of pure `$ref` objects; return the chain when it loops.
fn ref_cycle(root: &Value, start: &str) -> Option<Vec<String>> {
    let mut seen = vec![start.to_string()];
    let mut cur = start.to_string();
    loop {
        let v = super::resolve_pointer(root, &cur)?;
        let next = v.as_object()?.get("$ref")?.as_str()?;
        if seen.iter().any(|s| s == next) {
            seen.push(next.to_string());
            return Some(seen);
        }
        seen.push(next.to_string());
        cur = next.to_string();
    }
}
