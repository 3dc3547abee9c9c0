//! Drift between two specs that describe the same API in part: one mounts
//! the other's operations under a path prefix (the Configuration API carries
//! the public API under `/public/v1`) and both define schemas under the same
//! component names. Where they claim the same thing, they should agree.
//!
//! The prefix is found, not configured: the one that turns the most
//! operations of the second spec into operations of the first (same method,
//! same path after it). The second spec's operations under that prefix are
//! then compared with the first's by the diff walker, with the first spec as
//! "base" and the second as "head", together with every pair of same-named
//! components. Findings that only say the two specs are different crates
//! (Rust names, operationIds, types only one of them has) are left out.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{compare, group_key, Finding, Level, Loaded};

/// Where two specs disagree about what both describe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The spec whose operations are the reference (`base` of the findings).
    pub left: String,
    /// The spec that mounts them under `prefix` (`head` of the findings).
    pub right: String,
    pub prefix: String,
    /// Operations of `left` with a counterpart in `right`.
    pub matched_operations: usize,
    pub left_operations: usize,
    /// Component schemas defined under the same name in both.
    pub shared_schemas: usize,
    pub counts: DriftCounts,
    /// Sorted like a diff report; `old` is what `left` says, `new` what `right` says.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DriftCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl DriftReport {
    /// Whether a disagreement reaches `fail_on` (`None`: never fail).
    pub fn fails(&self, fail_on: Option<Level>) -> bool {
        fail_on.is_some_and(|t| self.findings.iter().any(|f| f.level <= t))
    }
}

/// Rule ids that only restate that the specs generate different crates.
fn irrelevant(id: &str) -> bool {
    matches!(id, "type-added" | "type-removed" | "type-renamed" | "operation-id-changed") || id.starts_with("rust-")
}

/// The path prefix under which `right` mounts `left`'s operations.
fn find_prefix(left: &Loaded, right: &Loaded) -> String {
    let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &right.api.operations {
        for l in left.api.operations.iter().filter(|l| l.method == r.method && l.path != "/") {
            if let Some(prefix) = r.path.strip_suffix(l.path.as_str()) {
                if prefix.is_empty() || prefix.starts_with('/') && !prefix.ends_with('/') {
                    *votes.entry(prefix).or_default() += 1;
                }
            }
        }
    }
    // Most votes; the shortest prefix among equals.
    let best = votes.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.len().cmp(&a.0.len())));
    best.map(|(p, _)| p.to_string()).unwrap_or_default()
}

/// Compare what `right` (under its mount prefix) and `left` both describe.
pub fn drift(left: &Loaded, right: &Loaded, left_name: &str, right_name: &str) -> DriftReport {
    let prefix = find_prefix(left, right);
    let mut mounted = right.clone();
    mounted.api.operations.retain(|o| o.path.starts_with(&prefix));
    for o in &mut mounted.api.operations {
        let rest = &o.path[prefix.len()..];
        o.path = if rest.is_empty() { "/".to_string() } else { rest.to_string() };
    }
    let matched_operations = left
        .api
        .operations
        .iter()
        .filter(|l| mounted.api.operations.iter().any(|r| r.method == l.method && r.path == l.path))
        .count();
    let names = |l: &Loaded| -> std::collections::BTreeSet<String> {
        l.api.types.iter().filter(|t| t.component).map(|t| t.origin.clone()).collect()
    };
    let shared_schemas = names(left).intersection(&names(right)).count();
    // Labels of mounted operations, back to the right spec's real paths.
    let real: BTreeMap<String, String> = mounted
        .api
        .operations
        .iter()
        .zip(right.api.operations.iter().filter(|o| o.path.starts_with(&prefix)))
        .map(|(m, r)| (format!("{} {} ({})", m.method, m.path, m.id), format!("{} {} ({})", r.method, r.path, r.id)))
        .collect();
    // One finding per disagreement: the same one on many operations (an
    // authentication alternative, say) is listed once with all of them. The
    // Rust axis is meaningless between two crates, so the level is the wire's.
    let mut merged: BTreeMap<(String, String, Option<String>, Option<String>), Finding> = BTreeMap::new();
    for mut f in compare::run(left, &mounted).into_iter().filter(|f| !irrelevant(&f.id)) {
        for o in f.operations.iter_mut() {
            if let Some(r) = real.get(o.as_str()) {
                *o = r.clone();
            }
        }
        f.level = f.wire;
        f.rust = super::RustImpact::None;
        let key = (f.id.clone(), f.message.clone(), f.old.clone(), f.new.clone());
        match merged.get_mut(&key) {
            Some(m) => {
                // The pointer shown is the one of the first operation listed.
                if f.operations.iter().min() < m.operations.iter().min() {
                    m.pointer = f.pointer.clone();
                }
                for o in f.operations {
                    if !m.operations.contains(&o) {
                        m.operations.push(o);
                    }
                }
            }
            None => {
                merged.insert(key, f);
            }
        }
    }
    let mut findings: Vec<Finding> = merged.into_values().collect();
    for f in &mut findings {
        f.operations.sort();
        f.operation = f.operations.first().cloned();
        f.fingerprint = super::fingerprint(&[&f.id, &f.pointer, &f.message]);
    }
    findings
        .sort_by(|a, b| (a.level, group_key(a), &a.pointer, &a.id).cmp(&(b.level, group_key(b), &b.pointer, &b.id)));
    let mut counts = DriftCounts::default();
    for f in &findings {
        match f.level {
            Level::Error => counts.error += 1,
            Level::Warning => counts.warning += 1,
            Level::Info => counts.info += 1,
        }
    }
    DriftReport {
        left: left_name.to_string(),
        right: right_name.to_string(),
        prefix,
        matched_operations,
        left_operations: left.api.operations.len(),
        shared_schemas,
        counts,
        findings,
    }
}

/// Plain text (for snapshots and logs), Markdown, or JSON.
pub fn render_drift(r: &DriftReport, format: super::Format) -> String {
    match format {
        super::Format::Json => serde_json::to_string_pretty(r).map(|s| s + "\n").unwrap_or_default(),
        super::Format::Markdown => markdown(r),
        super::Format::Text | super::Format::Github => text(r),
    }
}

fn header(r: &DriftReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "drift: {} vs {} (mounted under `{}`)", r.left, r.right, r.prefix);
    let _ = writeln!(
        out,
        "{} of {} {} operations have a counterpart in {}; {} component schemas share a name",
        r.matched_operations, r.left_operations, r.left, r.right, r.shared_schemas
    );
    let _ = writeln!(
        out,
        "read each finding as a change from {} (old) to {} (new): \"removed\" is only in {}, \"added\" only in {}",
        r.left, r.right, r.left, r.right
    );
    let c = r.counts;
    let _ = writeln!(out, "disagreements: {} error, {} warning, {} info", c.error, c.warning, c.info);
    out
}

fn text(r: &DriftReport) -> String {
    let mut out = header(r);
    for f in &r.findings {
        let _ = writeln!(out, "\n{} {}  wire: {} {}", f.level, f.id, f.wire, f.side.as_str());
        let _ = writeln!(out, "  {}", f.message);
        let _ = writeln!(out, "  at {}", f.pointer);
        if let Some(o) = &f.old {
            let _ = writeln!(out, "  {}: {o}", r.left);
        }
        if let Some(n) = &f.new {
            let _ = writeln!(out, "  {}: {n}", r.right);
        }
        match f.operations.as_slice() {
            [] => {}
            [one] => {
                let _ = writeln!(out, "  in {one}");
            }
            [first, rest @ ..] => {
                let _ = writeln!(out, "  in {first} and {} more", rest.len());
            }
        }
    }
    out
}

fn markdown(r: &DriftReport) -> String {
    let mut out = String::new();
    for line in header(r).lines() {
        let _ = writeln!(out, "{line}  ");
    }
    let _ = writeln!(out, "\n| level | rule | what | {} | {} | where |\n|---|---|---|---|---|---|", r.left, r.right);
    let cell = |s: &str| s.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;");
    for f in &r.findings {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | `{}` |",
            f.level,
            f.id,
            cell(&f.message),
            cell(f.old.as_deref().unwrap_or("")),
            cell(f.new.as_deref().unwrap_or("")),
            f.pointer
        );
    }
    out
}
