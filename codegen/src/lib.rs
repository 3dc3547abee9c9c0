//! The generator library: OpenAPI 3.0/3.1 document in, Rust crates out.
//!
//! Stages, one module each: [`load`] → [`ir`] → [`naming`] → [`emit`].
//! See ARCHITECTURE.md for the map and its invariants.

pub mod diag;
pub mod diff;
pub mod emit;
pub mod family;
pub mod ir;
pub mod load;
pub mod manifest;
pub mod naming;
pub mod pattern;
pub mod surface;
pub mod tags;

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
    // Module names beside the per-operation modules of the server crate.
    "runtime",
    "types",
];
pub mod write;

use diag::Diagnostics;
use emit::{CrateNames, GeneratedFile};
pub use load::LoadOptions;
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
    /// The crate names asked for are not valid crate names.
    #[error("{0}")]
    CrateNames(String),
}

/// Load a document and build its IR, without emitting code.
pub fn load_api(input: &SpecInput) -> Result<(ir::Api, Diagnostics, Vec<Rewrite>, usize), Error> {
    load_api_with(input, &LoadOptions::default())
}

/// [`load_api`], reading files named by external references as `options` allow.
pub fn load_api_with(
    input: &SpecInput,
    options: &LoadOptions,
) -> Result<(ir::Api, Diagnostics, Vec<Rewrite>, usize), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Some(loaded) = load::load_with(&input.file, &input.bytes, &input.overlays, options, &mut diags) else {
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
/// External references are made local first, so the result stands alone.
pub fn effective_spec(input: &SpecInput, options: &LoadOptions) -> Result<(serde_json::Value, Diagnostics), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Some(loaded) = load::load_with(&input.file, &input.bytes, &input.overlays, options, &mut diags) else {
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

/// The whole pipeline: load → ir → emit, for every crate of the spec. External
/// references cannot be followed (there is no directory): see [`generate_with`].
pub fn generate(input: &SpecInput) -> Result<Output, Error> {
    generate_with(input, &LoadOptions::default())
}

/// [`generate`] for a document read from a file: `options.base_dir` is its
/// directory, where relative external references are read from.
pub fn generate_with(input: &SpecInput, options: &LoadOptions) -> Result<Output, Error> {
    input.crates.check().map_err(Error::CrateNames)?;
    let (api, diagnostics, rewrites, overlay_actions) = load_api_with(input, options)?;
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

/// Load a document and analyse its feature-gated families (see [`family`]).
/// `input.crates` is not used: a families entry generates only its families
/// crate. `linked` is the IR of the spec whose types crate the families
/// convert into.
pub fn load_families(
    input: &SpecInput,
    config: &family::FamiliesConfig,
    linked: Option<&ir::Api>,
) -> Result<(family::FamilyCrate, Diagnostics, Vec<Rewrite>, usize), Error> {
    let (api, mut diags, rewrites, overlay_actions) = load_family_schemas(input, config)?;
    let fc = family::analyse(&api, config, linked, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    Ok((fc, diags, rewrites, overlay_actions))
}

/// The families pipeline: load → ir → family analysis → emit the families crate.
pub fn generate_families(
    input: &SpecInput,
    config: &family::FamiliesConfig,
    linked: Option<&ir::Api>,
) -> Result<Output, Error> {
    let (fc, diagnostics, rewrites, overlay_actions) = load_families(input, config, linked)?;
    let files = emit::families::emit(&fc)?
        .into_iter()
        .map(|f| GeneratedFile { path: PathBuf::from(&fc.crate_name).join(f.path), contents: f.contents })
        .collect();
    Ok(Output { files, diagnostics, rewrites, overlay_actions, api: fc.api })
}

/// [`load_api`] for a families entry, which needs only the schemas its unions
/// reach: the document is parsed and patched as usual, then everything else
/// (paths, other schemas) is dropped before normalisation and the IR, which
/// halves the work on a large document. Pointers and lines in diagnostics
/// still name the original document.
fn load_family_schemas(
    input: &SpecInput,
    config: &family::FamiliesConfig,
) -> Result<(ir::Api, Diagnostics, Vec<Rewrite>, usize), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Ok(text) = std::str::from_utf8(&input.bytes) else {
        // `load` reports this (and everything else about an unreadable document) itself.
        return load_api(input);
    };
    let Some(mut raw) = load::parse_document(text, &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    let mut overlay_actions = 0;
    for o in &input.overlays {
        let mut odiags = Diagnostics::new(o.file.clone());
        if let Some(ov) = load::overlay::parse_overlay(&o.text, &o.file, &mut odiags) {
            overlay_actions += load::overlay::apply_overlay(&mut raw, &ov, &mut odiags).applied.len();
        }
        diags.extend(odiags);
    }
    let roots: Vec<&str> = config.families.iter().map(|f| f.union.as_str()).collect();
    family::prune_to(&mut raw, &roots);
    let json = serde_json::to_vec(&raw).unwrap_or_default();
    let Some(loaded) = load::load(&input.file, &json, &[], &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    let mut api = ir::build::build(&loaded, &mut diags);
    api.source.sha256 = manifest::sha256_hex(&input.bytes);
    load::add_lines(&input.bytes, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    Ok((api, diags, loaded.rewrites, overlay_actions))
}
