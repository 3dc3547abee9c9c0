//! The effective document (`cargo xtask spec`) is what other tools are
//! pointed at, so it must mean what the crates mean: generating from it
//! again, with no overlays, gives the same API surface as the pinned spec
//! with its overlays.

use codegen::diff::SpecVersion;

use crate::surface::pinned;

fn check(spec: &str) {
    let version = pinned(spec);
    let input = codegen::SpecInput {
        file: version.file.clone(),
        bytes: version.bytes.clone(),
        overlays: version.overlays.clone(),
        crates: codegen::emit::CrateNames::from_stem(spec),
    };
    let (doc, _) = codegen::effective_spec(&input, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.0")), "{spec}: effective document is not 3.0");
    let yaml = codegen::load::effective::to_yaml(&doc).unwrap();
    let again = SpecVersion { file: format!("{spec}.effective.yaml"), bytes: yaml.into_bytes(), overlays: vec![] };
    let original = codegen::diff::load(&version).unwrap_or_else(|e| panic!("{}", e.0));
    let reloaded = codegen::diff::load(&again).unwrap_or_else(|e| panic!("{}", e.0));
    let (a, b) = (codegen::surface::render(&original.api), codegen::surface::render(&reloaded.api));
    assert_eq!(a.len(), b.len(), "{spec}: number of surface areas differs");
    // The version line says 3.0.3 by design (see `load::effective`).
    let unversioned = |t: &str| t.lines().filter(|l| !l.contains("(OpenAPI 3.")).collect::<Vec<_>>().join("\n");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.name, y.name);
        let (xt, yt) = (unversioned(&x.text), unversioned(&y.text));
        if xt != yt {
            let diff = similar::TextDiff::from_lines(&xt, &yt).unified_diff().to_string();
            panic!(
                "{spec}: surface area {} differs after a round trip through the effective document:\n{diff}",
                x.name
            );
        }
    }
}

#[test]
fn airbyte_api_effective_document_generates_the_same_surface() {
    check("airbyte-api");
}

#[test]
fn config_api_effective_document_generates_the_same_surface() {
    check("config-api");
}
