//! `cargo xtask`: the project's commands. Thin by design: argument parsing,
//! file I/O and messages; the work is in the `codegen` library.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::diff;
use codegen::emit::CrateNames;
use codegen::load::OverlayInput;
use codegen::manifest::Manifest;
use codegen::SpecInput;

mod drift;
mod specs;

// Generating from a large document allocates and frees millions of small
// token trees; the system allocator spent ~40% of `codegen`'s time there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub(crate) const USAGE: &str = "\
usage: cargo xtask [--root DIR] <command>

  --root DIR  work on the workspace at DIR (a scratch copy) instead of this one

commands:
  codegen [--check] [--explain] [--spec-name NAME[,NAME…]]...
      generate generated/<crate> for every spec in specs/manifest.toml (or
      only the ones named), all at once; --check writes nothing and fails
      when generated/ is stale
  codegen --spec FILE --out DIR [--name STEM] [--overlay FILE]... [--check] [--explain]
          [--allow-outside-refs]
      generate crates for any OpenAPI 3.0/3.1 document (crates STEM-types…;
      STEM defaults to one derived from the file name); relative `$ref`s to
      other files are read from the document's directory tree only, unless
      --allow-outside-refs
  try --spec FILE [--name STEM] [--overlay FILE]... [--keep DIR] [--explain] [--allow-outside-refs]
      generate the crates into a temporary workspace and `cargo check` each
      (warnings denied), one line per crate; exit 0 when all compile
  spec (--name NAME | --spec FILE [--overlay FILE]...) [--format yaml|json] [--output FILE]
      write the effective document the crates are generated from (upstream
      bytes + overlays + normalisations; a 3.1 input is written as 3.0.3):
      point schemathesis, Prism and other tools at this
  diff --base-rev REV [--spec NAME] [options]
      breaking-change report: each manifest spec as pinned at git revision REV
      (its bytes found by sha256 in specs/, ../shared/specs/ or
      ../shared/specs/history/) against the spec pinned now
  diff --base FILE --head FILE [--spec NAME] [options]
      the same for two files; --spec NAME takes crate names, overlays and the
      acknowledgements file from that manifest entry
    options: --format text|markdown|json|github   (default text)
             --fail-on error|warning|info|never   (default error)
             --overlay FILE, --base-overlay FILE, --head-overlay FILE
             --ack FILE   acknowledged fingerprints (default: the manifest's)
             --output FILE
    exit: 0 nothing reaches --fail-on, 1 something does, 2 usage, 3 a spec
          does not parse
  specs update NAME --from PATH_OR_URL [--commit SHA] [--fail-on LEVEL] [--output FILE]
      take a new version of a manifest spec (a file, or an http(s) URL),
      store it in specs/ (git-ignored), pin its sha256 (and upstream commit)
      in specs/manifest.toml, regenerate its crates, compare it with the old
      pin and print a pull-request body (Markdown); exit 1 when the update has
      unacknowledged errors (--fail-on, default error) or does not regenerate,
      3 when the new version does not parse (then nothing is changed)
  drift [--format text|markdown|json] [--fail-on LEVEL] [--output FILE]
      compare the two pinned specs where they describe the same thing (the
      public API under /public/v1 in config-api, shared schema names) and
      list where they disagree; exit 1 when a disagreement reaches --fail-on
      (default never)
";

/// The workspace this run works on (`--root`, else the one xtask was built in).
static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--root") {
        let Some(dir) = args.get(1).cloned() else {
            eprintln!("error: --root needs a value\n{USAGE}");
            return ExitCode::from(2);
        };
        let _ = ROOT.set(PathBuf::from(dir));
        args.drain(..2);
    }
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn workspace_root() -> PathBuf {
    if let Some(root) = ROOT.get() {
        return root.clone();
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// Where the runtime crates that generated crates depend on are: the
/// workspace's `runtime/`, else (a `--root` scratch copy without one) the
/// checkout this xtask was built from.
fn runtime_crates_dir() -> PathBuf {
    let dir = workspace_root().join("runtime");
    if dir.is_dir() {
        return dir;
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).join("runtime")
}

fn run(args: &[String]) -> Result<ExitCode> {
    match args.first().map(String::as_str) {
        Some("codegen") => codegen_cmd(&args[1..]),
        Some("diff") => diff_cmd(&args[1..]),
        Some("try") => try_cmd(&args[1..]),
        Some("spec") => spec_cmd(&args[1..]),
        Some("specs") => match args.get(1).map(String::as_str) {
            Some("update") => specs::update(&args[2..]),
            _ => bail!("usage: cargo xtask specs update NAME --from PATH_OR_URL [--commit SHA]\n{USAGE}"),
        },
        Some("drift") => drift::run(&args[1..]),
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
    spec_names: Vec<String>,
    overlays: Vec<PathBuf>,
    allow_outside_refs: bool,
}

fn parse_codegen(args: &[String]) -> Result<CodegenArgs> {
    let mut a = CodegenArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--check" => a.check = true,
            "--explain" => a.explain = true,
            "--allow-outside-refs" => a.allow_outside_refs = true,
            "--spec" => a.spec = Some(value("--spec")?.into()),
            "--out" => a.out = Some(value("--out")?.into()),
            "--name" => a.name = Some(value("--name")?),
            "--spec-name" => {
                a.spec_names.extend(value("--spec-name")?.split(',').filter(|n| !n.is_empty()).map(String::from))
            }
            "--overlay" => a.overlays.push(value("--overlay")?.into()),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    if a.spec.is_some() != a.out.is_some() {
        bail!("--spec and --out go together\n{USAGE}");
    }
    Ok(a)
}

pub(crate) fn read_overlays(paths: &[PathBuf]) -> Result<Vec<OverlayInput>> {
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading overlay {}", p.display()))?;
            Ok(OverlayInput { file: display_name(p), text })
        })
        .collect()
}

pub(crate) fn display_name(p: &Path) -> String {
    let root = workspace_root();
    p.strip_prefix(&root).unwrap_or(p).display().to_string()
}

/// Crate names for a spec given by path: from `--name` (which must be a
/// valid crate name), else derived from the file name, whatever it holds.
fn spec_crates(spec: &Path, name: Option<&str>) -> Result<CrateNames> {
    match name {
        Some(n) => CrateNames::from_name(n).map_err(|e| anyhow::anyhow!("--name: {e}")),
        None => {
            Ok(CrateNames::from_stem(&spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()))
        }
    }
}

/// External references are read beside the document.
fn load_options(spec: &Path, allow_outside: bool) -> codegen::LoadOptions {
    let dir = spec.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    codegen::LoadOptions { base_dir: Some(dir.to_path_buf()), allow_outside }
}

fn codegen_cmd(args: &[String]) -> Result<ExitCode> {
    let a = parse_codegen(args)?;
    // Each job with the directory its crates go to.
    let mut jobs: Vec<codegen::Job> = Vec::new();
    let mut out_dirs: Vec<PathBuf> = Vec::new();
    if let (Some(spec), Some(out)) = (&a.spec, &a.out) {
        let bytes = std::fs::read(spec).with_context(|| format!("reading {}", spec.display()))?;
        let mut crates = spec_crates(spec, a.name.as_deref())?;
        // The generated manifests name the runtime crates of this workspace by a relative path.
        crates.runtime_dir = codegen::write::runtime_dir_for(out, &runtime_crates_dir());
        let file = spec.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let options = load_options(spec, a.allow_outside_refs);
        let input = SpecInput { file, bytes, overlays: read_overlays(&a.overlays)?, crates };
        jobs.push(codegen::Job { input, options, kind: codegen::JobKind::Crates });
        out_dirs.push(out.clone());
    } else {
        let root = workspace_root();
        let manifest = Manifest::load(&root)?;
        for name in &a.spec_names {
            if manifest.spec(name).is_none() {
                bail!("no spec named `{name}` in specs/manifest.toml");
            }
        }
        let selected: Vec<_> =
            manifest.specs.iter().filter(|e| a.spec_names.is_empty() || a.spec_names.contains(&e.name)).collect();
        for entry in &selected {
            let (input, path) = entry_input(&root, entry)?;
            let kind = match entry.families_config(&manifest) {
                Some(config) => {
                    let linked = match entry.families.as_ref().and_then(|f| f.link.as_ref()) {
                        Some(name) => {
                            let target = manifest.spec(name).with_context(|| format!("no spec named `{name}`"))?;
                            // Generated in this run too: its IR is shared, not built twice.
                            let same_run = selected
                                .iter()
                                .position(|e| e.name == target.name && e.families_config(&manifest).is_none());
                            Some(match same_run {
                                Some(i) => codegen::Link::Job(i),
                                None => codegen::Link::Spec(Box::new(entry_input(&root, target)?.0)),
                            })
                        }
                        None => None,
                    };
                    codegen::JobKind::Families { config, linked }
                }
                None => codegen::JobKind::Crates,
            };
            jobs.push(codegen::Job { input, options: load_options(&path, false), kind });
            out_dirs.push(root.join("generated"));
        }
    }

    let results = codegen::generate_batch(&jobs);
    let mut failed = false;
    let mut stale = Vec::new();
    for ((job, out_dir), result) in jobs.iter().zip(&out_dirs).zip(results) {
        let input = &job.input;
        let output = match result {
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

/// `cargo xtask try`: does this spec work? Generate, then `cargo check` each
/// crate in a scratch workspace (dependencies built once, in
/// `target/xtask-try`, and shared by later runs).
fn try_cmd(args: &[String]) -> Result<ExitCode> {
    let (mut spec, mut name, mut keep, mut overlays, mut explain) = (None, None, None, Vec::new(), false);
    let mut allow_outside = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--spec" => spec = Some(PathBuf::from(value("--spec")?)),
            "--name" => name = Some(value("--name")?),
            "--keep" => keep = Some(PathBuf::from(value("--keep")?)),
            "--overlay" => overlays.push(PathBuf::from(value("--overlay")?)),
            "--explain" => explain = true,
            "--allow-outside-refs" => allow_outside = true,
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let spec = spec.with_context(|| format!("try needs --spec FILE\n{USAGE}"))?;
    let bytes = std::fs::read(&spec).with_context(|| format!("reading {}", spec.display()))?;
    let mut crates = spec_crates(&spec, name.as_deref())?;
    let scratch = match &keep {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("xtask-try-{}-{}", crates.types, std::process::id())),
    };
    crates.runtime_dir = codegen::write::runtime_dir_for(&scratch, &runtime_crates_dir());
    let file = spec.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let input = SpecInput { file: file.clone(), bytes, overlays: read_overlays(&overlays)?, crates: crates.clone() };
    let started = std::time::Instant::now();
    let output = match codegen::generate_with(&input, &load_options(&spec, allow_outside)) {
        Ok(o) => o,
        Err(codegen::Error::Spec(diags)) => {
            eprint!("{diags}");
            println!("{file}: generate FAILED ({} error(s)); nothing to check", diags.errors().count());
            return Ok(ExitCode::from(3));
        }
        Err(e) => {
            println!("{file}: generate FAILED: {e}");
            return Ok(ExitCode::from(3));
        }
    };
    if explain {
        eprint!("{}", output.diagnostics);
    }
    let warnings = output.diagnostics.iter().filter(|d| d.level == codegen::diag::Level::Warning).count();
    println!(
        "{file}: generate ok ({} types, {} operations, {warnings} warnings{}, {:.1}s)",
        output.api.types.len(),
        output.api.operations.len(),
        if warnings > 0 && !explain { "; --explain lists them" } else { "" },
        started.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    codegen::write::write_files(&scratch, &output.files, false)
        .with_context(|| format!("writing into {}", scratch.display()))?;
    let members = [&crates.types, &crates.client, &crates.server];
    std::fs::write(scratch.join("Cargo.toml"), codegen::write::scratch_workspace(&members))?;
    // The project's lock file pins the versions its own build already compiled.
    let root = workspace_root();
    let _ = std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("xtask-try");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut all_ok = true;
    for krate in members {
        let started = std::time::Instant::now();
        let out = std::process::Command::new(&cargo)
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .args(["check", "--quiet", "--all-targets", "--message-format", "short", "-p", krate])
            .output()
            .context("running cargo check")?;
        let secs = started.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            println!("{krate}: compile ok ({secs:.1}s)");
        } else {
            all_ok = false;
            let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
            let first = errors.first().map(|l| l.trim()).unwrap_or("cargo check failed");
            println!("{krate}: compile FAILED ({} error line(s); first: {first}) ({secs:.1}s)", errors.len());
            let log = scratch.join(format!("{krate}.check.log"));
            let _ = std::fs::write(&log, stderr.as_bytes());
        }
    }
    if keep.is_none() && all_ok {
        let _ = std::fs::remove_dir_all(&scratch);
    } else {
        eprintln!("workspace kept in {} (cargo check logs beside the crates)", scratch.display());
    }
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn spec_cmd(args: &[String]) -> Result<ExitCode> {
    let (mut name, mut spec, mut overlays, mut format, mut output) = (None, None, Vec::new(), None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--name" => name = Some(value("--name")?),
            "--spec" => spec = Some(PathBuf::from(value("--spec")?)),
            "--overlay" => overlays.push(PathBuf::from(value("--overlay")?)),
            "--format" => format = Some(value("--format")?),
            "--output" => output = Some(PathBuf::from(value("--output")?)),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let mut options = codegen::LoadOptions::default();
    let input = match (name, spec) {
        (Some(name), None) => {
            let root = workspace_root();
            let manifest = Manifest::load(&root)?;
            let Some(entry) = manifest.specs.iter().find(|e| e.name == name) else {
                let known: Vec<&str> = manifest.specs.iter().map(|e| e.name.as_str()).collect();
                bail!("no spec named `{name}` in specs/manifest.toml (known: {})", known.join(", "));
            };
            let mut paths = entry.overlay_paths(&root);
            paths.extend(overlays);
            SpecInput {
                file: entry.file.clone(),
                bytes: entry.resolve(&root)?.bytes,
                overlays: read_overlays(&paths)?,
                crates: CrateNames::from_stem(&entry.name),
            }
        }
        (None, Some(spec)) => {
            options = load_options(&spec, false);
            SpecInput {
                file: spec.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                bytes: std::fs::read(&spec).with_context(|| format!("reading {}", spec.display()))?,
                overlays: read_overlays(&overlays)?,
                crates: CrateNames::from_stem("api"),
            }
        }
        _ => bail!("give either --name NAME or --spec FILE\n{USAGE}"),
    };
    let json = match format.as_deref() {
        Some("json") => true,
        Some("yaml") => false,
        Some(other) => bail!("unknown format `{other}`: use yaml or json"),
        None => output.as_ref().and_then(|p| p.extension()).is_some_and(|e| e == "json"),
    };
    let doc = match codegen::effective_spec(&input, &options) {
        Ok((doc, _)) => doc,
        Err(codegen::Error::Spec(diags)) => {
            eprint!("{diags}");
            eprintln!("error: {} has {} error(s); no effective document", input.file, diags.errors().count());
            return Ok(ExitCode::from(3));
        }
        Err(e) => return Err(e.into()),
    };
    let text = if json { codegen::load::effective::to_json(&doc) } else { codegen::load::effective::to_yaml(&doc)? };
    match output {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
            eprintln!("{}: effective document written to {}", input.file, p.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The bytes (hash-checked) and overlays of a manifest entry, and where the
/// bytes were found.
fn entry_input(root: &Path, entry: &codegen::manifest::SpecEntry) -> Result<(SpecInput, PathBuf)> {
    let resolved = entry.resolve(root)?;
    let input = SpecInput {
        file: entry.file.clone(),
        bytes: resolved.bytes,
        overlays: read_overlays(&entry.overlay_paths(root))?,
        crates: entry_crates(entry),
    };
    Ok((input, resolved.path))
}

#[derive(Default)]
struct DiffArgs {
    base: Option<PathBuf>,
    head: Option<PathBuf>,
    base_rev: Option<String>,
    spec: Option<String>,
    overlays: Vec<PathBuf>,
    base_overlays: Vec<PathBuf>,
    head_overlays: Vec<PathBuf>,
    format: Option<String>,
    fail_on: Option<String>,
    ack: Option<PathBuf>,
    output: Option<PathBuf>,
}

fn parse_diff(args: &[String]) -> Result<DiffArgs> {
    let mut a = DiffArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--base" => a.base = Some(value("--base")?.into()),
            "--head" => a.head = Some(value("--head")?.into()),
            "--base-rev" => a.base_rev = Some(value("--base-rev")?),
            "--spec" => a.spec = Some(value("--spec")?),
            "--overlay" => a.overlays.push(value("--overlay")?.into()),
            "--base-overlay" => a.base_overlays.push(value("--base-overlay")?.into()),
            "--head-overlay" => a.head_overlays.push(value("--head-overlay")?.into()),
            "--format" => a.format = Some(value("--format")?),
            "--fail-on" => a.fail_on = Some(value("--fail-on")?),
            "--ack" => a.ack = Some(value("--ack")?.into()),
            "--output" => a.output = Some(value("--output")?.into()),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let files = a.base.is_some() || a.head.is_some();
    if files && (a.base.is_none() || a.head.is_none()) {
        bail!("--base and --head go together\n{USAGE}");
    }
    if files == a.base_rev.is_some() {
        bail!("give either --base-rev REV or --base FILE --head FILE\n{USAGE}");
    }
    Ok(a)
}

/// One comparison to run: the two versions and how to name and judge them.
struct DiffJob {
    base: diff::SpecVersion,
    head: diff::SpecVersion,
    options: diff::Options,
}

fn diff_cmd(args: &[String]) -> Result<ExitCode> {
    let a = parse_diff(args)?;
    let format = match a.format.as_deref() {
        None => diff::Format::Text,
        Some(f) => diff::Format::parse(f).with_context(|| format!("unknown --format `{f}`\n{USAGE}"))?,
    };
    let fail_on = match a.fail_on.as_deref() {
        None => Some(diff::Level::Error),
        Some("never") => None,
        Some(l) => Some(diff::Level::parse(l).with_context(|| format!("unknown --fail-on `{l}`\n{USAGE}"))?),
    };
    let root = workspace_root();
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    if let (Some(base), Some(head)) = (&a.base, &a.head) {
        let manifest = if a.spec.is_some() { Some(Manifest::load(&root)?) } else { None };
        let entry = match (&manifest, &a.spec) {
            (Some(m), Some(name)) => {
                Some(m.spec(name).with_context(|| format!("no spec named `{name}` in specs/manifest.toml"))?)
            }
            _ => None,
        };
        let mut common = a.overlays.clone();
        if let Some(e) = entry {
            common.splice(0..0, e.overlay_paths(&root));
        }
        let version = |path: &Path, extra: &[PathBuf]| -> Result<diff::SpecVersion> {
            let overlays = read_overlays(&[common.as_slice(), extra].concat())?;
            let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            Ok(diff::SpecVersion { file: display_name(path), bytes, overlays })
        };
        let (name, crates) = match entry {
            Some(e) => (e.name.clone(), entry_crates(e)),
            None => {
                let stem = head.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "api".into());
                (stem.clone(), CrateNames::from_stem(&stem))
            }
        };
        let ack = a.ack.clone().or_else(|| entry.and_then(|e| e.acknowledged_path(&root)));
        jobs.push(DiffJob {
            base: version(base, &a.base_overlays)?,
            head: version(head, &a.head_overlays)?,
            options: diff::Options { spec: name, crates, acknowledged: read_acks(ack.as_deref())? },
        });
    } else if let Some(rev) = &a.base_rev {
        let manifest = Manifest::load(&root)?;
        let old_text = git_show(&root, rev, codegen::manifest::MANIFEST_PATH)?;
        let old = Manifest::parse(&old_text, Path::new(&format!("{rev}:{}", codegen::manifest::MANIFEST_PATH)))?;
        for entry in &manifest.specs {
            if a.spec.as_deref().is_some_and(|n| n != entry.name) {
                continue;
            }
            let Some(before) = old.spec(&entry.name) else {
                skipped.push(format!("{}: not in the manifest at {rev}; nothing to compare", entry.name));
                continue;
            };
            let head_bytes = entry.resolve(&root)?;
            let base_bytes = match find_by_sha256(&root, &before.sha256) {
                Some(path) => std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
                None => {
                    eprintln!(
                        "error: the `{}` spec pinned at {rev} (file {}, sha256 {}) is not in specs/, ../shared/specs/ \
                         or ../shared/specs/history/; put a copy of those bytes in one of them",
                        entry.name, before.file, before.sha256
                    );
                    return Ok(ExitCode::from(3));
                }
            };
            let mut base_overlays = Vec::new();
            for o in &before.overlays {
                let path = format!("specs/{o}");
                base_overlays.push(OverlayInput { file: format!("{rev}:{path}"), text: git_show(&root, rev, &path)? });
            }
            base_overlays.extend(read_overlays(&[a.overlays.as_slice(), &a.base_overlays].concat())?);
            let mut head_overlays = read_overlays(&entry.overlay_paths(&root))?;
            head_overlays.extend(read_overlays(&[a.overlays.as_slice(), &a.head_overlays].concat())?);
            let ack = a.ack.clone().or_else(|| entry.acknowledged_path(&root));
            jobs.push(DiffJob {
                base: diff::SpecVersion {
                    file: format!("{rev}:{}", before.file),
                    bytes: base_bytes,
                    overlays: base_overlays,
                },
                head: diff::SpecVersion { file: entry.file.clone(), bytes: head_bytes.bytes, overlays: head_overlays },
                options: diff::Options {
                    spec: entry.name.clone(),
                    crates: entry_crates(entry),
                    acknowledged: read_acks(ack.as_deref())?,
                },
            });
        }
        if jobs.is_empty() && skipped.is_empty() {
            bail!("no spec named `{}` in specs/manifest.toml", a.spec.unwrap_or_default());
        }
    }
    for s in &skipped {
        eprintln!("note: {s}");
    }

    let mut reports = Vec::new();
    for job in &jobs {
        let mut loaded = Vec::new();
        for v in [&job.base, &job.head] {
            match diff::load(v) {
                Ok(l) => loaded.push(l),
                Err(diff::LoadError(diags)) => {
                    eprint!("{diags}");
                    eprintln!("error: {} has {} error(s); cannot compare it", v.file, diags.errors().count());
                    return Ok(ExitCode::from(3));
                }
            }
        }
        reports.push(diff::compare(&loaded[0], &loaded[1], &job.options));
    }
    let rendered = if format == diff::Format::Json && reports.len() != 1 {
        serde_json_array(&reports.iter().map(|r| diff::render(r, format)).collect::<Vec<_>>())
    } else {
        reports.iter().map(|r| diff::render(r, format)).collect::<Vec<_>>().join("\n")
    };
    match &a.output {
        Some(path) => std::fs::write(path, &rendered).with_context(|| format!("writing {}", path.display()))?,
        None => print!("{rendered}"),
    }
    for r in &reports {
        let c = r.counts;
        eprintln!(
            "{}: {} error, {} warning, {} info ({} acknowledged)",
            r.spec, c.error, c.warning, c.info, c.acknowledged
        );
    }
    Ok(if reports.iter().any(|r| r.fails(fail_on)) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The crates a finding can affect: the API crates, or the families crate for
/// an entry that generates only that.
pub(crate) fn entry_crates(e: &codegen::manifest::SpecEntry) -> CrateNames {
    e.crate_names().unwrap_or_else(|| {
        let name = e.crates.families.clone().unwrap_or_else(|| e.name.clone());
        CrateNames {
            types: name.clone(),
            client: name.clone(),
            server: name,
            runtime_dir: CrateNames::RUNTIME_DIR.to_string(),
            tag_features: false,
        }
    })
}

/// Join already-rendered JSON objects into one array.
fn serde_json_array(items: &[String]) -> String {
    format!("[\n{}]\n", items.iter().map(|s| s.trim_end()).collect::<Vec<_>>().join(",\n"))
}

pub(crate) fn read_acks(path: Option<&Path>) -> Result<Vec<diff::Acknowledgement>> {
    let Some(path) = path else { return Ok(Vec::new()) };
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(diff::parse_acknowledgements(&text, &display_name(path))?)
}

/// `git show REV:PATH` in the workspace.
fn git_show(root: &Path, rev: &str, path: &str) -> Result<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("show")
        .arg(format!("{rev}:{path}"))
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!("git show {rev}:{path} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    String::from_utf8(out.stdout).with_context(|| format!("{rev}:{path} is not utf-8"))
}

/// A spec file with the given sha256 in the places specs are kept (the git-
/// ignored specs/, the shared checkout and its history), since spec bytes
/// are never committed.
pub(crate) fn find_by_sha256(root: &Path, sha256: &str) -> Option<PathBuf> {
    let shared = root.join("..").join("shared").join("specs");
    for dir in [root.join("specs"), shared.clone(), shared.join("history")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "yaml" | "yml" | "json") || !f.is_file() {
                continue;
            }
            if std::fs::read(&f).is_ok_and(|b| codegen::manifest::sha256_hex(&b) == sha256) {
                return Some(f);
            }
        }
    }
    None
}
