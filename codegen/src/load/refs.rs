//! `$ref` checks on the normalised tree: every reference is local and resolves,
//! and no reference chain loops back on itself.

use serde_json::Value;

use crate::diag::{join_pointer, Diagnostics};

/// Report dangling, external and cyclic references, all of them at once.
pub fn check_refs(root: &Value, diags: &mut Diagnostics) {
    let mut refs = Vec::new();
    collect(root, "#", &mut refs);
    for (at, target) in &refs {
        if !target.starts_with('#') {
            let file = target.split('#').next().unwrap_or_default();
            diags
                .error(at.clone(), format!("external reference `{target}` is not supported"))
                .with_help(format!(
                    "bundle the document first (for example with `redocly bundle`) so that `{file}` is inlined under `components`"
                ));
            continue;
        }
        match super::resolve_pointer(root, target) {
            None => {
                diags
                    .error(at.clone(), format!("`$ref` points to nothing: `{target}`"))
                    .with_help("fix the reference, or add an overlay action in the spec's patch file that does");
            }
            Some(_) => {
                if let Some(cycle) = ref_cycle(root, target) {
                    diags.error(at.clone(), format!("`$ref` chain never reaches a value: {}", cycle.join(" → ")));
                }
            }
        }
    }
}

fn collect(v: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push((ptr.to_string(), r.clone()));
            }
            for (k, child) in m {
                // Examples and extensions are data, not schema: a `$ref` key there is a value.
                if k == "example" || k == "examples" || k == "default" || k == "enum" || k.starts_with("x-") {
                    continue;
                }
                collect(child, &join_pointer(ptr, k), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                collect(child, &format!("{ptr}/{i}"), out);
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
