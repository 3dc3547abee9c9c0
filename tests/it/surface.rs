//! The API surface of both pinned specs as insta snapshots: one file per tag
//! (`ops-<tag>`) and per initial of the type names (`types-<letter>`), under
//! `snapshots/surface/<spec>/`. An unintended change to either spec's surface
//! fails here with a local, readable diff; `cargo insta review` accepts an
//! intended one.

use std::path::{Path, PathBuf};

use codegen::diff::SpecVersion;
use codegen::load::OverlayInput;
use codegen::manifest::Manifest;

pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// A spec file with the overlays the manifest names for `spec`.
pub fn version(spec: &str, path: &Path) -> SpecVersion {
    let root = root();
    let manifest = Manifest::load(&root).unwrap();
    let entry = manifest.spec(spec).unwrap_or_else(|| panic!("no spec `{spec}` in the manifest"));
    let overlays = entry
        .overlay_paths(&root)
        .iter()
        .map(|p| OverlayInput { file: p.display().to_string(), text: std::fs::read_to_string(p).unwrap() })
        .collect();
    // Named relative to the shared specs directory, so reports do not depend on the checkout's location.
    let shared = root.join("..").join("shared").join("specs");
    let file = match path.strip_prefix(&shared) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.file_name().unwrap().to_string_lossy().into_owned(),
    };
    SpecVersion { file, bytes: std::fs::read(path).unwrap(), overlays }
}

/// The pinned (hash-checked) version of `spec`.
pub fn pinned(spec: &str) -> SpecVersion {
    let root = root();
    let manifest = Manifest::load(&root).unwrap();
    let resolved = manifest.spec(spec).unwrap().resolve(&root).unwrap();
    version(spec, &resolved.path)
}

fn check(spec: &str) {
    let loaded = codegen::diff::load(&pinned(spec)).unwrap_or_else(|e| panic!("{}", e.0));
    let areas = codegen::surface::render(&loaded.api);
    assert!(areas.iter().any(|a| a.name.starts_with("ops/")) && areas.iter().any(|a| a.name.starts_with("types/")));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("snapshots/surface/{spec}"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for a in &areas {
            insta::assert_snapshot!(a.name.replace('/', "-"), a.text);
        }
    });
}

#[test]
fn config_api_surface() {
    check("config-api");
}

#[test]
fn airbyte_api_surface() {
    check("airbyte-api");
}

#[test]
fn surface_is_deterministic_and_ignores_docs() {
    let v = pinned("airbyte-api");
    let a = codegen::surface::render(&codegen::diff::load(&v).unwrap().api);
    let b = codegen::surface::render(&codegen::diff::load(&v).unwrap().api);
    assert_eq!(a, b);
    // Rewriting every description and summary leaves the surface as it was.
    let mut diags = codegen::diag::Diagnostics::new("edited");
    let mut doc = codegen::load::parse_document(std::str::from_utf8(&v.bytes).unwrap(), &mut diags).unwrap();
    let edits = edit_docs(&mut doc);
    assert!(edits > 100, "only {edits} descriptions edited");
    let bytes = serde_json::to_vec(&doc).unwrap();
    let c = codegen::surface::render(&codegen::diff::load(&SpecVersion { bytes, ..v }).unwrap().api);
    assert_eq!(a, c);
}

fn edit_docs(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(o) => {
            let mut n = 0;
            for (k, x) in o.iter_mut() {
                match (k.as_str(), &mut *x) {
                    ("description" | "summary", serde_json::Value::String(s)) => {
                        s.insert_str(0, "Edited. ");
                        n += 1;
                    }
                    _ => n += edit_docs(x),
                }
            }
            n
        }
        serde_json::Value::Array(a) => a.iter_mut().map(edit_docs).sum(),
        _ => 0,
    }
}
