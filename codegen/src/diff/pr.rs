//! The pull-request body of a spec update (`cargo xtask specs update`): what
//! moved (pin, source), the semver bump of each crate, the Markdown report,
//! the overlay actions that no longer apply, and which surface snapshot files
//! and generated files changed, so a reviewer knows what to look at.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{render, Format, Report};
use crate::ir::Api;

/// One surface snapshot file (`tests/it/snapshots/surface/<spec>/<area>.snap`)
/// whose content an update changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurfaceChange {
    pub file: String,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
}

/// The surface snapshot files of `spec` that differ between two versions,
/// by file name.
pub fn surface_changes(spec: &str, old: &Api, new: &Api) -> Vec<SurfaceChange> {
    let file = |area: &str| format!("tests/it/snapshots/surface/{spec}/{}.snap", area.replace('/', "-"));
    let before: BTreeMap<String, String> =
        crate::surface::render(old).into_iter().map(|a| (file(&a.name), a.text)).collect();
    let after: BTreeMap<String, String> =
        crate::surface::render(new).into_iter().map(|a| (file(&a.name), a.text)).collect();
    let mut out = Vec::new();
    for (f, text) in &before {
        match after.get(f) {
            None => out.push(SurfaceChange { file: f.clone(), change: "removed" }),
            Some(t) if t != text => out.push(SurfaceChange { file: f.clone(), change: "changed" }),
            Some(_) => {}
        }
    }
    for f in after.keys().filter(|f| !before.contains_key(*f)) {
        out.push(SurfaceChange { file: f.clone(), change: "added" });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// Everything the body says besides the report itself.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// Manifest name of the spec.
    pub spec: String,
    /// Where the new bytes came from (a path or URL), as given.
    pub source: String,
    pub old_sha256: String,
    pub new_sha256: String,
    pub old_commit: String,
    /// The new upstream commit, when given.
    pub new_commit: Option<String>,
    /// `owner/name` and path upstream, for links.
    pub repository: String,
    pub path: String,
    /// Overlay actions that match nothing in the new version: `file: message`.
    pub stale_overlay_actions: Vec<String>,
    pub surface: Vec<SurfaceChange>,
    /// Generated files written (changed or removed), relative to the root.
    pub generated: Vec<String>,
    /// Why regeneration did not happen, if it did not.
    pub generation_error: Option<String>,
}

/// The Markdown body of the pull request.
pub fn pr_body(u: &Update, report: &Report) -> String {
    let mut out = String::new();
    let short = |s: &str| s.get(..12).unwrap_or(s).to_string();
    let _ = writeln!(out, "# Update `{}` spec\n", u.spec);
    let _ = writeln!(out, "- source: `{}`", u.source);
    let _ = writeln!(out, "- sha256: `{}` → `{}`", short(&u.old_sha256), short(&u.new_sha256));
    match &u.new_commit {
        Some(c) => {
            let _ = writeln!(
                out,
                "- upstream: `{}` `{}` at `{}` → `{}` ([compare](https://github.com/{}/compare/{}...{}))",
                u.repository,
                u.path,
                short(&u.old_commit),
                short(c),
                u.repository,
                u.old_commit,
                c
            );
        }
        None => {
            let _ = writeln!(
                out,
                "- upstream: `{}` `{}`, commit not given (still pinned at `{}`)",
                u.repository,
                u.path,
                short(&u.old_commit)
            );
        }
    }
    let c = &report.counts;
    let unacked = report.findings.iter().filter(|f| f.level == super::Level::Error && !f.acknowledged).count();
    let _ = writeln!(
        out,
        "- findings: {} error ({} not acknowledged), {} warning, {} info",
        c.error, unacked, c.warning, c.info
    );

    let _ = writeln!(out, "\n## Semver\n\n| crate | bump | why |\n|---|---|---|");
    for a in &report.semver {
        let _ = writeln!(out, "| `{}` | **{}** | {} |", a.crate_name, a.bump, a.reason);
    }

    let _ = writeln!(out, "\n## Overlay actions that no longer apply\n");
    if u.stale_overlay_actions.is_empty() {
        let _ = writeln!(out, "None: every overlay action still matches.");
    } else {
        let _ = writeln!(
            out,
            "Upstream fixed or moved these defects; remove or retarget each action (generation refuses a stale one):\n"
        );
        for a in &u.stale_overlay_actions {
            let _ = writeln!(out, "- {a}");
        }
    }

    let _ = writeln!(out, "\n## Surface snapshots\n");
    if u.surface.is_empty() {
        let _ = writeln!(out, "No surface snapshot changes.");
    } else {
        let _ = writeln!(
            out,
            "{} file(s); accept with `INSTA_UPDATE=always cargo test -p tests --test it surface` and review the diff:\n",
            u.surface.len()
        );
        for s in &u.surface {
            let _ = writeln!(out, "- `{}` ({})", s.file, s.change);
        }
    }

    let _ = writeln!(out, "\n## Generated code\n");
    match &u.generation_error {
        Some(e) => {
            let _ = writeln!(out, "Not regenerated: {e}");
        }
        None if u.generated.is_empty() => {
            let _ = writeln!(out, "No generated file changed.");
        }
        None => {
            let _ = writeln!(out, "<details><summary>{} file(s) rewritten</summary>\n", u.generated.len());
            for g in &u.generated {
                let _ = writeln!(out, "- `{g}`");
            }
            let _ = writeln!(out, "\n</details>");
        }
    }

    let _ = writeln!(out, "\n## Report\n");
    // The report's own title is one level too high inside this body.
    for line in render(report, Format::Markdown).lines() {
        let deeper = if line.starts_with('#') { "#" } else { "" };
        let _ = writeln!(out, "{deeper}{line}");
    }
    out
}
