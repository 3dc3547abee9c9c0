//! The Prism client test of every pinned spec (`codegen::emit::prism`), one
//! file each: generated from the IR and the effective document, so it always
//! covers every operation the clients have.

use std::path::Path;

use codegen::load::OverlayInput;
use codegen::manifest::Manifest;
use codegen::SpecInput;

pub fn prism_tests(root: &Path, out: &Path) {
    let manifest = Manifest::load(root).unwrap_or_else(|e| panic!("{e}"));
    for entry in &manifest.specs {
        // Entries that generate only a families crate have no client.
        let Some(crates) = entry.crate_names() else { continue };
        let resolved = entry.resolve(root).unwrap_or_else(|e| panic!("{e}"));
        let overlays = entry
            .overlay_paths(root)
            .iter()
            .map(|p| OverlayInput {
                file: p.display().to_string(),
                text: std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            })
            .collect();
        let input = SpecInput { file: entry.file.clone(), bytes: resolved.bytes, overlays, crates };
        let (api, _, _, _) = codegen::load_api(&input).unwrap_or_else(|e| panic!("{e}"));
        let (doc, _) = codegen::effective_spec(&input, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
        let code = codegen::emit::prism::prism_test(&api, &doc, &input.crates.client).unwrap_or_else(|e| panic!("{e}"));
        let code: String =
            code.lines().filter(|l| !l.starts_with("#![") && !l.starts_with("//!")).fold(String::new(), |mut s, l| {
                s.push_str(l);
                s.push('\n');
                s
            });
        let name = entry.name.replace('-', "_");
        std::fs::write(out.join(format!("prism_{name}.rs")), code).expect("write prism file");
    }
}
