//! `cargo xtask drift`: where the pinned specs describe the same API and
//! disagree. The comparison is `codegen::diff::drift`; this file picks the
//! pairs and prints.

use anyhow::{bail, Context, Result};
use std::process::ExitCode;

use codegen::diff::{self, drift};
use codegen::manifest::Manifest;

use crate::{read_overlays, workspace_root, USAGE};

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    let (mut format, mut fail_on, mut output) = (diff::Format::Text, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--format" => {
                let f = value("--format")?;
                format = diff::Format::parse(&f).with_context(|| format!("unknown --format `{f}`\n{USAGE}"))?;
            }
            "--fail-on" => {
                let l = value("--fail-on")?;
                fail_on = match l.as_str() {
                    "never" => None,
                    _ => Some(diff::Level::parse(&l).with_context(|| format!("unknown --fail-on `{l}`\n{USAGE}"))?),
                };
            }
            "--output" => output = Some(std::path::PathBuf::from(value("--output")?)),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let root = workspace_root();
    let manifest = Manifest::load(&root)?;
    let mut loaded = Vec::new();
    for entry in &manifest.specs {
        let resolved = entry.resolve(&root)?;
        let v = diff::SpecVersion {
            file: entry.file.clone(),
            bytes: resolved.bytes,
            overlays: read_overlays(&entry.overlay_paths(&root))?,
        };
        match diff::load(&v) {
            Ok(l) => loaded.push((entry.name.clone(), l)),
            Err(diff::LoadError(diags)) => {
                eprint!("{diags}");
                eprintln!("error: {} does not parse", v.file);
                return Ok(ExitCode::from(3));
            }
        }
    }
    // Every pair of specs in the orientation where one mounts the other's
    // operations; pairs that share no operation claim nothing in common.
    let mut reports = Vec::new();
    for i in 0..loaded.len() {
        for j in i + 1..loaded.len() {
            let (a, b) = (&loaded[i], &loaded[j]);
            let ab = drift::drift(&a.1, &b.1, &a.0, &b.0);
            let ba = drift::drift(&b.1, &a.1, &b.0, &a.0);
            let best = if ba.matched_operations > ab.matched_operations { ba } else { ab };
            if best.matched_operations > 0 {
                reports.push(best);
            }
        }
    }
    if reports.is_empty() {
        eprintln!("no two pinned specs describe the same operations; nothing to compare");
        return Ok(ExitCode::SUCCESS);
    }
    let rendered: Vec<String> = reports.iter().map(|r| drift::render_drift(r, format)).collect();
    let rendered = if format == diff::Format::Json && rendered.len() > 1 {
        format!("[\n{}]\n", rendered.iter().map(|s| s.trim_end()).collect::<Vec<_>>().join(",\n"))
    } else {
        rendered.join("\n")
    };
    match &output {
        Some(path) => std::fs::write(path, &rendered).with_context(|| format!("writing {}", path.display()))?,
        None => print!("{rendered}"),
    }
    for r in &reports {
        let c = r.counts;
        eprintln!(
            "{} vs {}: {} of {} operations matched under `{}`, {} shared schemas; {} error, {} warning, {} info",
            r.left,
            r.right,
            r.matched_operations,
            r.left_operations,
            r.prefix,
            r.shared_schemas,
            c.error,
            c.warning,
            c.info
        );
    }
    Ok(if reports.iter().any(|r| r.fails(fail_on)) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
