//! The generator library: OpenAPI 3.0/3.1 document in, Rust crates out.
//!
//! Stages, one module each: [`load`] → [`ir`] → [`naming`] → [`emit`].
//! See ARCHITECTURE.md for the map and its invariants.

pub mod diag;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod manifest;
pub mod naming;
pub mod pattern;
pub mod surface;

/// Method names the generated client uses for itself; operations get numbered
/// names instead of these.
pub const RESERVED_METHOD_NAMES: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "http_client",
    "with_auth",
    "with_options",
    "execute",
    "execute_streaming",
    "clone",
    "default",
];
pub mod write;

use diag::Diagnostics;
use emit::{CrateNames, GeneratedFile};
use load::{OverlayInput, Rewrite};
use std::path::PathBuf;

/// One spec to generate from.
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// How the spec is named in headers and diagnostics (a file name).
    pub file: String,
    pub bytes: Vec<u8>,
    pub overlays: Vec<OverlayInput>,
    pub crates: CrateNames,
}

/// What generation produced: files per crate directory and every finding.
#[derive(Debug)]
pub struct Output {
    /// Paths are relative to the output directory (`<crate>/src/lib.rs`).
    pub files: Vec<GeneratedFile>,
    pub diagnostics: Diagnostics,
    pub rewrites: Vec<Rewrite>,
    pub overlay_actions: usize,
    pub api: ir::Api,
}

/// Generation stopped: the document has errors (all in `diagnostics`), or the
/// emitter produced invalid Rust (a generator bug).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} has {} error(s)", .0.file(), .0.errors().count())]
    Spec(Diagnostics),
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
}

/// Load a document and build its IR, without emitting code.
pub fn load_api(input: &SpecInput) -> Result<(ir::Api, Diagnostics, Vec<Rewrite>, usize), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Some(loaded) = load::load(&input.file, &input.bytes, &input.overlays, &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    let api = ir::build::build(&loaded, &mut diags);
    load::add_lines(&input.bytes, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    Ok((api, diags, loaded.rewrites, loaded.overlay_actions))
}

/// The effective document of a spec: upstream bytes + overlays +
/// normalisations, as the crates see it (see [`load::effective`]).
pub fn effective_spec(input: &SpecInput) -> Result<(serde_json::Value, Diagnostics), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Some(loaded) = load::load(&input.file, &input.bytes, &input.overlays, &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    // The IR stage finds defects the loader cannot (required names that are
    // not properties…): the same findings as `codegen`, so a document that
    // does not generate is not handed to other tools either.
    let _ = ir::build::build(&loaded, &mut diags);
    load::add_lines(&input.bytes, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    let provenance = load::effective::Provenance {
        file: input.file.clone(),
        sha256: loaded.sha256.clone(),
        overlays: input.overlays.iter().map(|o| o.file.clone()).collect(),
    };
    Ok((load::effective::effective(&loaded, &provenance), diags))
}

/// The whole pipeline: load → ir → emit, for every crate of the spec.
pub fn generate(input: &SpecInput) -> Result<Output, Error> {
    let (api, diagnostics, rewrites, overlay_actions) = load_api(input)?;
    let mut files = Vec::new();
    for f in emit::types::emit(&api, &input.crates)? {
        files.push(GeneratedFile { path: PathBuf::from(&input.crates.types).join(f.path), contents: f.contents });
    }
    for f in emit::client::emit(&api, &input.crates)? {
        files.push(GeneratedFile { path: PathBuf::from(&input.crates.client).join(f.path), contents: f.contents });
    }
    for f in emit::server::emit(&api, &input.crates)? {
        files.push(GeneratedFile { path: PathBuf::from(&input.crates.server).join(f.path), contents: f.contents });
    }
    Ok(Output { files, diagnostics, rewrites, overlay_actions, api })
}
