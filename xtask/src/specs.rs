//! `cargo xtask specs update`: fetch a new version of a pinned spec, store
//! and pin it, regenerate, and print the pull-request body. The comparison,
//! the pin edit and the body are `codegen`'s; this file moves bytes.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use codegen::diff::{self, pr};
use codegen::manifest::{Manifest, MANIFEST_PATH};
use codegen::SpecInput;

use crate::{display_name, entry_crates, find_by_sha256, read_acks, read_overlays, workspace_root, USAGE};

#[derive(Default)]
struct Args {
    name: Option<String>,
    from: Option<String>,
    commit: Option<String>,
    fail_on: Option<String>,
    output: Option<std::path::PathBuf>,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--from" => a.from = Some(value("--from")?),
            "--commit" => a.commit = Some(value("--commit")?),
            "--fail-on" => a.fail_on = Some(value("--fail-on")?),
            "--output" => a.output = Some(value("--output")?.into()),
            other if other.starts_with("--") => bail!("unknown argument `{other}`\n{USAGE}"),
            other if a.name.is_none() => a.name = Some(other.to_string()),
            other => bail!("unexpected argument `{other}`\n{USAGE}"),
        }
    }
    if a.name.is_none() || a.from.is_none() {
        bail!("specs update needs a spec NAME and --from PATH_OR_URL\n{USAGE}");
    }
    if let Some(c) = &a.commit {
        if c.len() < 7 || c.len() > 64 || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("--commit `{c}` is not a hexadecimal commit id");
        }
    }
    Ok(a)
}

/// The new version's bytes: an HTTP(S) URL is fetched, anything else read as a file.
fn fetch(from: &str) -> Result<Vec<u8>> {
    if from.starts_with("http://") || from.starts_with("https://") {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .context("building the HTTP client")?;
        let resp = client.get(from).send().with_context(|| format!("fetching {from}"))?;
        let status = resp.status();
        if !status.is_success() {
            bail!("fetching {from}: HTTP {status}");
        }
        Ok(resp.bytes().with_context(|| format!("reading the body of {from}"))?.to_vec())
    } else {
        std::fs::read(from).with_context(|| format!("reading {from}"))
    }
}

pub(crate) fn update(args: &[String]) -> Result<ExitCode> {
    let started = Instant::now();
    let a = parse(args)?;
    let (name, from) = (a.name.unwrap_or_default(), a.from.unwrap_or_default());
    let fail_on = match a.fail_on.as_deref() {
        None => Some(diff::Level::Error),
        Some("never") => None,
        Some(l) => Some(diff::Level::parse(l).with_context(|| format!("unknown --fail-on `{l}`\n{USAGE}"))?),
    };
    let root = workspace_root();
    let manifest_path = root.join(MANIFEST_PATH);
    let manifest_text =
        std::fs::read_to_string(&manifest_path).with_context(|| format!("reading {}", manifest_path.display()))?;
    let manifest = Manifest::parse(&manifest_text, &manifest_path)?;
    let entry = manifest.spec(&name).with_context(|| format!("no spec named `{name}` in {MANIFEST_PATH}"))?;

    let old_bytes = match entry.resolve(&root) {
        Ok(r) => r.bytes,
        Err(e) => match find_by_sha256(&root, &entry.sha256) {
            Some(p) => std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?,
            None => {
                eprintln!("error: the pinned `{name}` spec cannot be read, so there is nothing to compare with: {e}");
                return Ok(ExitCode::from(3));
            }
        },
    };
    let new_bytes = fetch(&from)?;
    let new_sha = codegen::manifest::sha256_hex(&new_bytes);
    if new_sha == entry.sha256 && a.commit.as_deref().is_none_or(|c| c == entry.upstream.commit) {
        eprintln!("{name}: {from} is the pinned version already (sha256 {new_sha}); nothing to do");
        return Ok(ExitCode::SUCCESS);
    }

    let overlays = read_overlays(&entry.overlay_paths(&root))?;
    let base =
        diff::SpecVersion { file: format!("{} (pinned)", entry.file), bytes: old_bytes, overlays: overlays.clone() };
    let head = diff::SpecVersion { file: entry.file.clone(), bytes: new_bytes.clone(), overlays };
    let mut loaded = Vec::new();
    for v in [&base, &head] {
        match diff::load(v) {
            Ok(l) => loaded.push(l),
            Err(diff::LoadError(diags)) => {
                eprint!("{diags}");
                eprintln!("error: {} does not parse; nothing was changed", v.file);
                return Ok(ExitCode::from(3));
            }
        }
    }
    let (old, new) = (&loaded[0], &loaded[1]);

    // Store and pin: the new bytes where the resolver looks first, then the
    // manifest (only its sha256 and commit lines change).
    let stored = root.join("specs").join(&entry.file);
    std::fs::write(&stored, &new_bytes).with_context(|| format!("writing {}", stored.display()))?;
    let pinned = codegen::manifest::set_pin(&manifest_text, &manifest_path, &name, &new_sha, a.commit.as_deref())?;
    std::fs::write(&manifest_path, pinned).with_context(|| format!("writing {}", manifest_path.display()))?;

    // Regenerate this spec's crates.
    let mut generated = Vec::new();
    let mut generation_error = None;
    let input = SpecInput {
        file: entry.file.clone(),
        bytes: new_bytes,
        overlays: read_overlays(&entry.overlay_paths(&root))?,
        crates: entry_crates(entry),
    };
    match codegen::generate(&input) {
        Ok(output) => {
            let out_dir = root.join("generated");
            let w = codegen::write::write_files(&out_dir, &output.files, false)
                .with_context(|| format!("writing into {}", out_dir.display()))?;
            for p in w.changed.iter().chain(&w.removed) {
                generated.push(format!("generated/{}", p.display()));
            }
            generated.sort();
        }
        Err(codegen::Error::Spec(diags)) => {
            eprint!("{diags}");
            generation_error = Some(format!(
                "{} error(s) (see `cargo xtask codegen`); the first: {}",
                diags.errors().count(),
                diags.errors().next().map(|d| format!("{} at {}", d.message, d.pointer)).unwrap_or_default()
            ));
        }
        Err(e) => generation_error = Some(e.to_string()),
    }

    let ack = entry.acknowledged_path(&root);
    let options =
        diff::Options { spec: name.clone(), crates: entry_crates(entry), acknowledged: read_acks(ack.as_deref())? };
    let report = diff::compare(old, new, &options);
    let update = pr::Update {
        spec: name.clone(),
        source: from.clone(),
        old_sha256: entry.sha256.clone(),
        new_sha256: new_sha,
        old_commit: entry.upstream.commit.clone(),
        new_commit: a.commit.clone(),
        repository: entry.upstream.repository.clone(),
        path: entry.upstream.path.clone(),
        stale_overlay_actions: new.overlay_misses.clone(),
        surface: pr::surface_changes(&name, &old.api, &new.api),
        generated,
        generation_error: generation_error.clone(),
    };
    let body = pr::pr_body(&update, &report);
    match &a.output {
        Some(path) => std::fs::write(path, &body).with_context(|| format!("writing {}", path.display()))?,
        None => print!("{body}"),
    }
    let c = report.counts;
    eprintln!(
        "{name}: pinned {} in {}; {} error, {} warning, {} info ({} acknowledged); {} surface file(s), {} generated file(s) changed; {:.1}s",
        &update.new_sha256[..12],
        display_name(Path::new(MANIFEST_PATH)),
        c.error,
        c.warning,
        c.info,
        c.acknowledged,
        update.surface.len(),
        update.generated.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(e) = &generation_error {
        eprintln!("error: {name} did not regenerate: {e}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(if report.fails(fail_on) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
