//! Snapshots of the fixture corpus: the generated code of every valid fixture
//! (`tests/fixtures/valid`, also compiled with warnings denied by build.rs)
//! and the diagnostics of every invalid one (`tests/fixtures/invalid`).
//!
//! One snapshot file per fixture, so a generator change shows up as a small,
//! reviewable diff next to the construct it affects.

use std::path::Path;

use codegen::emit::CrateNames;
use codegen::SpecInput;

fn input(path: &Path) -> SpecInput {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("fixture").to_string();
    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("fixture");
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    SpecInput { file, bytes, overlays: Vec::new(), crates: CrateNames::from_stem(stem) }
}

/// External references are read from beside the fixture.
fn options(path: &Path) -> codegen::LoadOptions {
    codegen::LoadOptions { base_dir: path.parent().map(Path::to_path_buf), allow_outside: false }
}

/// Warnings and notes first (they explain the code), then each generated
/// Rust file of the crate except the static runtime support module.
fn render_crate(output: &codegen::Output, krate: &str) -> String {
    let mut text = String::new();
    for d in output.diagnostics.sorted() {
        text.push_str(&format!("// {}: {} at {}\n", d.level, d.message, d.pointer));
    }
    let mut files: Vec<_> = output
        .files
        .iter()
        .filter(|f| f.path.starts_with(krate))
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .filter(|f| !f.path.ends_with("lib.rs"))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in files {
        let rel = f.path.strip_prefix(krate).unwrap_or(&f.path);
        text.push_str(&format!("\n// ==== {} ====\n", rel.display()));
        // The header names the fixture's sha256; it changes with every edit of
        // the fixture and says nothing about the generator.
        text.extend(f.contents.lines().filter(|l| !l.starts_with("// @generated")).map(|l| format!("{l}\n")));
    }
    text
}

#[test]
fn valid_fixtures_generate() {
    insta::glob!("../fixtures/valid", "*.{yaml,yml,json}", |path| {
        let input = input(path);
        let output = match codegen::generate_with(&input, &options(path)) {
            Ok(o) => o,
            Err(codegen::Error::Spec(d)) => panic!("{} is a valid fixture but was rejected:\n{d}", path.display()),
            Err(e) => panic!("{}: {e}", path.display()),
        };
        let again = codegen::generate_with(&input, &options(path)).expect("second run");
        assert!(again.files == output.files, "{}: generation is not deterministic", path.display());
        insta::assert_snapshot!("types", render_crate(&output, &input.crates.types));
    });
}

#[test]
fn invalid_fixtures_are_rejected_with_diagnostics() {
    insta::glob!("../fixtures/invalid", "*.{yaml,yml,json}", |path| {
        let input = input(path);
        let diags = match codegen::generate_with(&input, &options(path)) {
            Ok(_) => panic!("{} is an invalid fixture but generated code", path.display()),
            Err(codegen::Error::Spec(d)) => d,
            Err(e) => panic!("{}: the emitter failed instead of the loader: {e}", path.display()),
        };
        assert!(diags.has_errors(), "{}: rejected without an error", path.display());
        for e in diags.errors() {
            assert_eq!(e.file, input.file, "every error names the file");
        }
        insta::assert_snapshot!("diagnostics", diags.to_string());
    });
}
