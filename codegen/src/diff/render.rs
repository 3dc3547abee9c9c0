//! Report renderers: plain text (deterministic, for snapshots and logs),
//! Markdown (a pull-request comment), JSON, and GitHub Actions annotations.

use std::fmt::Write as _;

use super::{group_key, Finding, Level, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Github,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// GitHub rejects comments over 65536 characters; stay clear of it.
const MARKDOWN_LIMIT: usize = 60_000;
/// Operations listed per finding in text and Markdown (JSON has all).
const OPS_SHOWN: usize = 3;

pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => serde_json::to_string_pretty(report).map(|s| s + "\n").unwrap_or_default(),
        Format::Github => github(report),
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn ops_line(f: &Finding) -> Option<String> {
    let (shown, rest) = f.operations.split_at(f.operations.len().min(OPS_SHOWN));
    if shown.is_empty() {
        return None;
    }
    let mut s = shown.join(", ");
    if !rest.is_empty() {
        let _ = write!(s, " and {} more", rest.len());
    }
    Some(s)
}

fn text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "spec diff: {}", r.spec);
    let _ = writeln!(out, "  base: {} (version {}, sha256 {})", r.base.file, r.base.version, short(&r.base.sha256));
    let _ = writeln!(out, "  head: {} (version {}, sha256 {})", r.head.file, r.head.version, short(&r.head.sha256));
    let c = &r.counts;
    let _ = writeln!(
        out,
        "findings: {} error, {} warning, {} info ({} acknowledged)",
        c.error, c.warning, c.info, c.acknowledged
    );
    let _ = writeln!(out, "semver:");
    for a in &r.semver {
        let _ = writeln!(out, "  {}: {} ({})", a.crate_name, a.bump, a.reason);
    }
    for n in &r.notes {
        let _ = writeln!(out, "note: {n}");
    }
    for f in &r.findings {
        out.push('\n');
        let _ = writeln!(
            out,
            "{} {}  wire: {} {}, rust: {}{}",
            f.level,
            f.id,
            f.wire,
            f.side.as_str(),
            f.rust.as_str(),
            if f.acknowledged { "  [acknowledged]" } else { "" }
        );
        let _ = writeln!(out, "  {}", f.message);
        let _ = writeln!(out, "  at {}", f.pointer);
        if let Some(o) = &f.old {
            let _ = writeln!(out, "  old: {o}");
        }
        if let Some(n) = &f.new {
            let _ = writeln!(out, "  new: {n}");
        }
        if let Some(ops) = ops_line(f) {
            let _ = writeln!(out, "  in {ops}");
        }
        let _ = writeln!(out, "  fingerprint {}", f.fingerprint);
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}

fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## API changes: {}\n", r.spec);
    let _ = writeln!(
        out,
        "{} → {} (sha256 {} → {})\n",
        code(&r.base.file),
        code(&r.head.file),
        code(short(&r.base.sha256)),
        code(short(&r.head.sha256))
    );
    let c = &r.counts;
    let _ = writeln!(out, "| level | findings | acknowledged |\n|---|---:|---:|");
    for level in [Level::Error, Level::Warning, Level::Info] {
        let n = r.findings.iter().filter(|f| f.level == level).count();
        let acked = r.findings.iter().filter(|f| f.level == level && f.acknowledged).count();
        let _ = writeln!(out, "| {level} | {n} | {acked} |");
    }
    let _ = writeln!(out, "\n| crate | semver bump | why |\n|---|---|---|");
    for a in &r.semver {
        let _ = writeln!(out, "| {} | **{}** | {} |", code(&a.crate_name), a.bump, md_escape(&a.reason));
    }
    if c.error + c.warning + c.info == 0 {
        let _ = writeln!(out, "\nNo changes to the API surface.");
    }
    for n in &r.notes {
        let _ = writeln!(out, "\n> note: {}", md_escape(n));
    }
    let mut truncated = 0;
    for level in [Level::Error, Level::Warning, Level::Info] {
        let items: Vec<&Finding> = r.findings.iter().filter(|f| f.level == level).collect();
        if items.is_empty() {
            continue;
        }
        let title = match level {
            Level::Error => "Errors",
            Level::Warning => "Warnings",
            Level::Info => "Info",
        };
        let mut section = String::new();
        let collapsed = level == Level::Info;
        if collapsed {
            let _ = writeln!(section, "\n<details><summary>{title} ({})</summary>\n", items.len());
        } else {
            let _ = writeln!(section, "\n### {title} ({})", items.len());
        }
        let mut group = String::new();
        for f in items {
            let g = group_key(f);
            if g != group {
                group = g;
                let heading = match f.operations.as_slice() {
                    [one] => code(one),
                    [] => "Not tied to an operation".to_string(),
                    many => format!("Shared schema ({} operations)", many.len()),
                };
                let _ = writeln!(section, "\n#### {heading}\n");
            }
            let mut line = format!("- {} {}", code(&f.id), md_escape(&f.message));
            match (&f.old, &f.new) {
                (Some(o), Some(n)) => {
                    let _ = write!(line, ": {} → {}", code(o), code(n));
                }
                (Some(o), None) => {
                    let _ = write!(line, " (was {})", code(o));
                }
                (None, Some(n)) => {
                    let _ = write!(line, " (now {})", code(n));
                }
                (None, None) => {}
            }
            let _ = write!(line, " — wire: {} {}, rust: {}", f.wire, f.side.as_str(), f.rust.as_str());
            if f.operations.len() > 1 {
                if let Some(ops) = ops_line(f) {
                    let _ = write!(line, "; in {}", md_escape(&ops));
                }
            }
            let _ = write!(line, "; {} {}", code(&f.pointer), code(&f.fingerprint));
            if f.acknowledged {
                line.push_str(" (acknowledged)");
            }
            line.push('\n');
            if out.len() + section.len() + line.len() > MARKDOWN_LIMIT {
                truncated += 1;
                continue;
            }
            section.push_str(&line);
        }
        if collapsed {
            section.push_str("\n</details>\n");
        }
        out.push_str(&section);
    }
    if truncated > 0 {
        let _ = writeln!(
            out,
            "\n_{truncated} more finding(s) left out to fit a comment; run `cargo xtask diff` for the full report._"
        );
    }
    out
}

/// Workflow-command escaping for a message.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow-command escaping for a property value.
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(r: &Report) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let cmd = match (f.level, f.acknowledged) {
            (_, true) | (Level::Info, _) => continue,
            (Level::Error, false) => "error",
            (Level::Warning, false) => "warning",
        };
        let mut msg = f.message.clone();
        if let Some(ops) = ops_line(f) {
            let _ = write!(msg, " (in {ops})");
        }
        let _ = write!(msg, " at {}; fingerprint {}", f.pointer, f.fingerprint);
        let title = format!("{}: {}", r.spec, f.id);
        let _ = writeln!(out, "::{cmd} title={}::{}", gh_prop(&title), gh_data(&msg));
    }
    let c = &r.counts;
    let summary = format!(
        "{}: {} error, {} warning, {} info ({} acknowledged)",
        r.spec, c.error, c.warning, c.info, c.acknowledged
    );
    let _ = writeln!(out, "::notice title={}::{}", gh_prop(&format!("spec diff {}", r.spec)), gh_data(&summary));
    out
}
