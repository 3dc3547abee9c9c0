//! `cargo xtask`: the project's commands. Thin by design: argument parsing,
//! file I/O and messages; the work is in the `codegen` library.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::emit::CrateNames;
use codegen::load::OverlayInput;
use codegen::manifest::Manifest;
use codegen::SpecInput;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check] [--explain] [--spec-name NAME]
      generate generated/<crate> for every spec in specs/manifest.toml;
      --check writes nothing and fails when generated/ is stale
  codegen --spec FILE --out DIR [--name STEM] [--overlay FILE]... [--check] [--explain]
      generate crates for any OpenAPI 3.0/3.1 document (crates STEM-types…)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

fn run(args: &[String]) -> Result<ExitCode> {
    match args.first().map(String::as_str) {
        Some("codegen") => codegen_cmd(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => bail!("unknown command `{other}`\n{USAGE}"),
    }
}

#[derive(Default)]
struct CodegenArgs {
    check: bool,
    explain: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
    spec_name: Option<String>,
    overlays: Vec<PathBuf>,
}

fn parse_codegen(args: &[String]) -> Result<CodegenArgs> {
    let mut a = CodegenArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--check" => a.check = true,
            "--explain" => a.explain = true,
            "--spec" => a.spec = Some(value("--spec")?.into()),
            "--out" => a.out = Some(value("--out")?.into()),
            "--name" => a.name = Some(value("--name")?),
            "--spec-name" => a.spec_name = Some(value("--spec-name")?),
            "--overlay" => a.overlays.push(value("--overlay")?.into()),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    if a.spec.is_some() != a.out.is_some() {
        bail!("--spec and --out go together\n{USAGE}");
    }
    Ok(a)
}

fn read_overlays(paths: &[PathBuf]) -> Result<Vec<OverlayInput>> {
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading overlay {}", p.display()))?;
            Ok(OverlayInput { file: display_name(p), text })
        })
        .collect()
}

fn display_name(p: &Path) -> String {
    let root = workspace_root();
    p.strip_prefix(&root).unwrap_or(p).display().to_string()
}

fn codegen_cmd(args: &[String]) -> Result<ExitCode> {
    let a = parse_codegen(args)?;
    let mut jobs: Vec<(SpecInput, PathBuf)> = Vec::new();
    if let (Some(spec), Some(out)) = (&a.spec, &a.out) {
        let bytes = std::fs::read(spec).with_context(|| format!("reading {}", spec.display()))?;
        let stem = match &a.name {
            Some(n) => n.clone(),
            None => spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "api".into()),
        };
        let file = spec.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        jobs.push((
            SpecInput { file, bytes, overlays: read_overlays(&a.overlays)?, crates: CrateNames::from_stem(&stem) },
            out.clone(),
        ));
    } else {
        let root = workspace_root();
        let manifest = Manifest::load(&root)?;
        for entry in &manifest.specs {
            if a.spec_name.as_deref().is_some_and(|n| n != entry.name) {
                continue;
            }
            let resolved = entry.resolve(&root)?;
            let crates = CrateNames {
                types: entry.crates.types.clone(),
                client: entry.crates.client.clone(),
                server: entry.crates.server.clone(),
            };
            jobs.push((
                SpecInput {
                    file: entry.file.clone(),
                    bytes: resolved.bytes,
                    overlays: read_overlays(&entry.overlay_paths(&root))?,
                    crates,
                },
                root.join("generated"),
            ));
        }
        if jobs.is_empty() {
            bail!("no spec named `{}` in specs/manifest.toml", a.spec_name.unwrap_or_default());
        }
    }

    let mut failed = false;
    let mut stale = Vec::new();
    for (input, out_dir) in &jobs {
        let output = match codegen::generate(input) {
            Ok(o) => o,
            Err(codegen::Error::Spec(diags)) => {
                eprint!("{diags}");
                eprintln!("error: {} has {} error(s); nothing generated from it", input.file, diags.errors().count());
                failed = true;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let warnings = output.diagnostics.iter().filter(|d| d.level == codegen::diag::Level::Warning).count();
        if a.explain {
            eprint!("{}", output.diagnostics);
            for r in &output.rewrites {
                eprintln!("rewrite: {} at {} ({})", r.kind, r.pointer, r.detail);
            }
        }
        let report = codegen::write::write_files(out_dir, &output.files, a.check)
            .with_context(|| format!("writing into {}", out_dir.display()))?;
        eprintln!(
            "{}: {} types, {} operations, {} rewrites, {} overlay actions, {} warnings{}; {} file(s) {}, {} unchanged",
            input.file,
            output.api.types.len(),
            output.api.operations.len(),
            output.rewrites.len(),
            output.overlay_actions,
            warnings,
            if a.explain || warnings == 0 { "" } else { " (--explain lists them)" },
            report.changed.len() + report.removed.len(),
            if a.check { "stale" } else { "written" },
            report.unchanged,
        );
        for p in report.changed.iter().chain(&report.removed) {
            stale.push(out_dir.join(p));
        }
    }
    if failed {
        return Ok(ExitCode::from(3));
    }
    if a.check && !stale.is_empty() {
        eprintln!("generated code is stale; run `cargo xtask codegen` and commit the result:");
        for p in &stale {
            eprintln!("  {}", display_name(p));
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
