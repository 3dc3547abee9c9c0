//! The breaking-change report between two versions of a spec.
//!
//! Both versions are loaded through the normal pipeline (so `$ref`, `allOf`,
//! nullability spellings and 3.1 forms are resolved exactly as for code
//! generation) and compared structurally: operations by method and path, then
//! by operationId; types pairwise from the places that use them, so cycles
//! end at a pair already compared. Every change becomes a [`Finding`] with a
//! stable rule id, classified on two axes:
//!
//! - wire: can an old client fail against the new server (side `client`), or
//!   must existing server implementations change (side `server`)? The
//!   direction comes from reachability: a type used by requests and responses
//!   yields a finding for each direction.
//! - Rust source: does regenerating the crates break code that uses them?
//!
//! Submodules: `compare` (the walk), `rules` (classification), `raw` (keywords the IR
//! drops: constraints, formats, non-string enums), `render` (text, Markdown,
//! JSON, GitHub annotations), `ack` (acknowledged fingerprints).

mod ack;
mod compare;
pub mod drift;
pub mod pr;
mod raw;
mod render;
mod rules;
mod tolerant;

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

pub use ack::{parse_acknowledgements, AckError, Acknowledgement};
pub use render::{render, Format};
pub use tolerant::Defect;

use crate::diag::Diagnostics;
use crate::emit::CrateNames;
use crate::ir::{Api, TypeId};
use crate::load::OverlayInput;

/// How bad a finding is, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            _ => None,
        }
    }

    /// The more severe of two levels.
    pub fn max(self, other: Level) -> Level {
        std::cmp::min(self, other)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who breaks on the wire: old clients against the new server, existing
/// server implementations, both, or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
    Both,
    None,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
            Side::Both => "both",
            Side::None => "none",
        }
    }
}

/// What regenerating the crates does to code that uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RustImpact {
    /// Nothing in the generated API changes.
    None,
    /// New items only (types, methods, crates' minor bump).
    Additive,
    /// Breaks some code patterns only: exhaustive `match` on an enum that
    /// gained a variant, struct literals of a struct that gained a field.
    /// A major change under Rust's semver rules.
    Subtle,
    /// A type, field, variant or method renamed, removed or retyped.
    Breaking,
}

impl RustImpact {
    pub fn as_str(self) -> &'static str {
        match self {
            RustImpact::None => "none",
            RustImpact::Additive => "additive",
            RustImpact::Subtle => "subtle",
            RustImpact::Breaking => "breaking",
        }
    }

    /// The finding level this impact alone deserves.
    fn level(self) -> Level {
        match self {
            RustImpact::Breaking => Level::Error,
            RustImpact::Subtle => Level::Warning,
            RustImpact::None | RustImpact::Additive => Level::Info,
        }
    }
}

/// Which generated crates a change touches: types only, or operations
/// (client methods and server trait methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Types,
    Operations,
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `request-property-became-required`.
    pub id: String,
    /// The more severe of the wire and the Rust level.
    pub level: Level,
    /// Wire side (who breaks at run time).
    pub side: Side,
    /// Wire level alone.
    pub wire: Level,
    pub rust: RustImpact,
    pub scope: Scope,
    /// What changed, one line.
    pub message: String,
    /// JSON pointer in the head document (in the base document for removals).
    pub pointer: String,
    /// The first affected operation (`POST /v1/x (opId)`), if any.
    pub operation: Option<String>,
    /// Every affected operation, sorted by path and method.
    pub operations: Vec<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    /// Stable hash of rule id, pointer, subject and values: what an
    /// acknowledgement names.
    pub fingerprint: String,
    pub acknowledged: bool,
}

/// Semver advice for one generated crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrateAdvice {
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// `major`, `minor`, `patch` or `none`.
    pub bump: &'static str,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    pub file: String,
    pub sha256: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub acknowledged: usize,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Spec name (manifest name or file stem).
    pub spec: String,
    pub base: SourceInfo,
    pub head: SourceInfo,
    pub counts: Counts,
    pub semver: Vec<CrateAdvice>,
    /// Sorted: level, then operation/subject, then pointer and id.
    pub findings: Vec<Finding>,
    /// Things the reader should know that are not changes (overlays that
    /// did not apply to one version, unused acknowledgements).
    pub notes: Vec<String>,
}

impl Report {
    /// Whether an unacknowledged finding reaches `fail_on` (`None`: never fail).
    pub fn fails(&self, fail_on: Option<Level>) -> bool {
        let Some(threshold) = fail_on else { return false };
        self.findings.iter().any(|f| !f.acknowledged && f.level <= threshold)
    }
}

/// One version of a spec to load: bytes, a display name and its overlays.
#[derive(Debug, Clone)]
pub struct SpecVersion {
    pub file: String,
    pub bytes: Vec<u8>,
    pub overlays: Vec<OverlayInput>,
}

/// A loaded version: the IR and the normalised JSON it was built from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: String,
    pub sha256: String,
    pub api: Api,
    pub raw: Value,
    /// Overlay actions that did not apply to this version (not an error here:
    /// an overlay written for the head may not fit an older base).
    pub notes: Vec<String>,
    /// What generation would refuse in this version, and how the comparison
    /// worked around it.
    pub defects: Vec<Defect>,
    /// Types standing for references that could not be followed, with the
    /// reference text they are compared by.
    pub opaque: BTreeMap<TypeId, String>,
    /// Overlay actions that match nothing in this version: `file: message`.
    pub overlay_misses: Vec<String>,
}

/// A version does not parse as an OpenAPI document; `diagnostics` says why.
#[derive(Debug, thiserror::Error)]
#[error("{} has {} error(s)", .0.file(), .0.errors().count())]
pub struct LoadError(pub Diagnostics);

/// Load one version through the normal pipeline. Overlays are applied
/// tolerantly (an action that does not match this version becomes a note),
/// and so are the document's defects (see `tolerant`): only bytes that do
/// not parse as an OpenAPI 3.x document fail.
pub fn load(version: &SpecVersion) -> Result<Loaded, LoadError> {
    let sha256 = crate::manifest::sha256_hex(&version.bytes);
    let mut diags = Diagnostics::new(version.file.clone());
    let mut notes = Vec::new();
    let mut overlay_misses = Vec::new();
    let Ok(text) = std::str::from_utf8(&version.bytes) else {
        diags.error("", "document is not valid utf-8");
        return Err(LoadError(diags));
    };
    let Some(mut doc) = crate::load::parse_document(text, &mut diags) else {
        return Err(LoadError(diags));
    };
    for o in &version.overlays {
        let mut odiags = Diagnostics::new(o.file.clone());
        if let Some(ov) = crate::load::overlay::parse_overlay(&o.text, &o.file, &mut odiags) {
            crate::load::overlay::apply_overlay(&mut doc, &ov, &mut odiags);
        }
        for d in odiags.errors() {
            notes.push(format!("{}: overlay {} did not apply: {}", version.file, o.file, d.message));
            overlay_misses.push(format!("{}: {}", o.file, d.message));
        }
    }
    let mut repairs = tolerant::Repairs::default();
    // Each round drops what the loader could not read; references to it
    // then become opaque in the next.
    for _ in 0..4 {
        repairs.unresolved_refs(&mut doc);
        let bytes = match serde_json::to_vec(&doc) {
            Ok(b) => b,
            Err(e) => {
                diags.error("", format!("cannot re-serialise the document: {e}"));
                return Err(LoadError(diags));
            }
        };
        let mut round = Diagnostics::new(version.file.clone());
        let Some(loaded) = crate::load::load(&version.file, &bytes, &[], &mut round) else {
            if repairs.drop_unreadable(&mut doc, &round) {
                continue;
            }
            return Err(LoadError(round));
        };
        let mut api = crate::ir::build::build(&loaded, &mut round);
        repairs.ir_errors(&round);
        api.source.sha256 = sha256.clone();
        let opaque = repairs.opaque_types(&api);
        return Ok(Loaded {
            file: version.file.clone(),
            sha256,
            api,
            raw: loaded.raw,
            notes,
            defects: repairs.defects,
            opaque,
            overlay_misses,
        });
    }
    diags.error("", "the document still does not load after leaving out its unreadable parts");
    Err(LoadError(diags))
}

/// What to compare under which names.
#[derive(Debug, Clone)]
pub struct Options {
    /// Spec name for the report title.
    pub spec: String,
    /// Crates generated from the spec, for semver advice.
    pub crates: CrateNames,
    pub acknowledged: Vec<Acknowledgement>,
}

/// Compare two loaded versions.
pub fn compare(base: &Loaded, head: &Loaded, options: &Options) -> Report {
    let mut findings = compare::run(base, head);
    let defects = defect_findings(base, head);
    let semver = semver(&findings, &options.crates);
    findings.extend(defects);
    let mut notes: Vec<String> = base.notes.iter().chain(&head.notes).cloned().collect();
    for a in &options.acknowledged {
        let mut used = false;
        for f in findings.iter_mut().filter(|f| f.fingerprint == a.fingerprint) {
            f.acknowledged = true;
            used = true;
        }
        if !used {
            notes.push(format!(
                "acknowledgement {} matches no finding; remove it from the acknowledgements file",
                a.fingerprint
            ));
        }
    }
    let mut counts = Counts::default();
    for f in &findings {
        if f.acknowledged {
            counts.acknowledged += 1;
        }
        match f.level {
            Level::Error => counts.error += 1,
            Level::Warning => counts.warning += 1,
            Level::Info => counts.info += 1,
        }
    }
    findings.sort_by(|a, b| {
        (a.level, group_sort_key(a), &a.pointer, &a.id, &a.fingerprint).cmp(&(
            b.level,
            group_sort_key(b),
            &b.pointer,
            &b.id,
            &b.fingerprint,
        ))
    });
    let info =
        |l: &Loaded| SourceInfo { file: l.file.clone(), sha256: l.sha256.clone(), version: l.api.version.clone() };
    Report { spec: options.spec.clone(), base: info(base), head: info(head), counts, semver, findings, notes }
}

/// One warning per defect a version has (once when both have it): the
/// comparison worked around it, and the reader should know how.
fn defect_findings(base: &Loaded, head: &Loaded) -> Vec<Finding> {
    let mut by: BTreeMap<(&str, &str, &str), Vec<&str>> = BTreeMap::new();
    for (which, l) in [("base", base), ("head", head)] {
        for d in &l.defects {
            by.entry((d.id, d.pointer.as_str(), d.message.as_str())).or_default().push(which);
        }
    }
    by.into_iter()
        .map(|((id, pointer, message), versions)| {
            let versions = versions.join(" and ");
            let loaded = if versions == "head" { head } else { base };
            let operations: Vec<String> = loaded
                .api
                .operations
                .iter()
                .filter(|o| pointer == o.pointer || pointer.starts_with(&format!("{}/", o.pointer)))
                .map(|o| format!("{} {} ({})", o.method, o.path, o.id))
                .collect();
            Finding {
                id: id.to_string(),
                level: Level::Warning,
                side: Side::None,
                wire: Level::Warning,
                rust: RustImpact::None,
                scope: Scope::Types,
                message: format!("{versions}: {message}"),
                pointer: pointer.to_string(),
                operation: operations.first().cloned(),
                operations,
                old: None,
                new: None,
                fingerprint: fingerprint(&[id, pointer, message, &versions]),
                acknowledged: false,
            }
        })
        .collect()
}

/// What a finding is grouped under in reports: its only operation, a shared
/// schema, or the document.
pub fn group_key(f: &Finding) -> String {
    match f.operations.as_slice() {
        [one] => one.clone(),
        [] => String::from("~ (no operation)"),
        _ => format!("~ shared: {}", f.pointer),
    }
}

/// Groups in report order: single operations by path and method, then
/// shared schemas by pointer, then findings tied to no operation.
fn group_sort_key(f: &Finding) -> (u8, String, String) {
    match f.operations.as_slice() {
        [one] => {
            let mut parts = one.splitn(3, ' ');
            let method = parts.next().unwrap_or("").to_string();
            (0, parts.next().unwrap_or("").to_string(), method)
        }
        [] => (2, String::new(), String::new()),
        _ => (1, f.pointer.clone(), String::new()),
    }
}

fn semver(findings: &[Finding], crates: &CrateNames) -> Vec<CrateAdvice> {
    let worst = |pred: &dyn Fn(&Finding) -> bool| -> (RustImpact, usize) {
        let mut worst = RustImpact::None;
        let mut n = 0;
        for f in findings.iter().filter(|f| pred(f)) {
            // The server trait's methods have a default (501), so a new
            // operation is an addition there too, as cargo-semver-checks
            // agrees (scripts/semver-check.sh).
            let impact = f.rust;
            if impact == worst {
                n += 1;
            } else if impact > worst {
                worst = impact;
                n = 1;
            }
        }
        (worst, n)
    };
    let advice = |name: &str, (impact, n): (RustImpact, usize), any: bool| {
        let (bump, reason) = match impact {
            RustImpact::Breaking => ("major", format!("{n} breaking change(s) to the generated API")),
            RustImpact::Subtle => ("major", format!("{n} change(s) that break exhaustive matches or struct literals")),
            RustImpact::Additive => ("minor", format!("{n} addition(s)")),
            RustImpact::None if any => ("patch", "no change to the generated API's items".to_string()),
            RustImpact::None => ("none", "nothing changed".to_string()),
        };
        CrateAdvice { crate_name: name.to_string(), bump, reason }
    };
    let any = !findings.is_empty();
    vec![
        advice(&crates.types, worst(&|f| f.scope == Scope::Types), any),
        advice(&crates.client, worst(&|_| true), any),
        advice(&crates.server, worst(&|_| true), any),
    ]
}

/// Short, stable hash naming a finding.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let joined = parts.join("\u{1f}");
    crate::manifest::sha256_hex(joined.as_bytes())[..16].to_string()
}
