//! Writing generated files: only bytes that changed are written, and a check
//! mode reports stale files without touching the disk.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// What a write (or check) found, paths relative to the output directory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files whose contents differ (written, or stale in check mode).
    pub changed: Vec<PathBuf>,
    /// Files under a generated crate that generation no longer produces
    /// (removed, or stale in check mode).
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
}

impl WriteReport {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Write `files` under `out_dir`; `check` writes nothing and only reports.
/// Each top-level directory of the generated paths is owned by the generator:
/// files in it that are not generated are stale.
pub fn write_files(out_dir: &Path, files: &[GeneratedFile], check: bool) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    let mut owned_dirs = BTreeSet::new();
    let mut generated = BTreeSet::new();
    for f in files {
        if let Some(std::path::Component::Normal(first)) = f.path.components().next() {
            owned_dirs.insert(PathBuf::from(first));
        }
        generated.insert(f.path.clone());
        let path = out_dir.join(&f.path);
        let current = std::fs::read(&path).ok();
        if current.as_deref() == Some(f.contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        report.changed.push(f.path.clone());
        if !check {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &f.contents)?;
        }
    }
    for dir in owned_dirs {
        let mut existing = Vec::new();
        list_files(&out_dir.join(&dir), &dir, &mut existing)?;
        for rel in existing {
            if !generated.contains(&rel) {
                if !check {
                    std::fs::remove_file(out_dir.join(&rel))?;
                }
                report.removed.push(rel);
            }
        }
    }
    Ok(report)
}

fn list_files(abs: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries = match std::fs::read_dir(abs) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut names: Vec<_> = entries.collect::<Result<Vec<_>, _>>()?;
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let name = e.file_name();
        // Build output and editor state are not generated files.
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ty = e.file_type()?;
        if ty.is_dir() {
            list_files(&e.path(), &rel.join(&name), out)?;
        } else {
            out.push(rel.join(&name));
        }
    }
    Ok(())
}

/// The `runtime_dir` (see [`crate::emit::CrateNames`]) of crates written into
/// `out_dir` (each in its own subdirectory), for the runtime crates in
/// `runtime_dir`: the relative path from `out_dir/<crate>` to it, with `/`
/// separators. Both are made absolute first (`out_dir` need not exist); when
/// they share no prefix (other drives) the absolute path is returned.
pub fn runtime_dir_for(out_dir: &Path, runtime_dir: &Path) -> String {
    let absolute = |p: &Path| {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        // Canonical where it exists, so symlinked temp dirs compare equal.
        p.canonicalize().unwrap_or(p)
    };
    let from = absolute(out_dir).join("crate");
    let to = absolute(runtime_dir);
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to_parts[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// The `Cargo.toml` of a scratch workspace holding freshly generated crates
/// (`cargo xtask try`): the crates as members, nothing else.
pub fn scratch_workspace(members: &[&String]) -> String {
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n", list.join(", "))
}
