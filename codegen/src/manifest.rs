//! The spec manifest (`specs/manifest.toml`) and the resolver that finds a
//! spec's bytes and proves they are the pinned ones.
//!
//! The project never commits the OpenAPI documents themselves: the manifest
//! pins each one by upstream commit and sha256, and [`SpecEntry::resolve`]
//! reads the bytes from a git-ignored local copy in `specs/` or from the shared
//! checkout at `../shared/specs/`. A hash mismatch is an error, so generation
//! can never silently run against a spec nobody reviewed.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Where the manifest lives, relative to the workspace root.
pub const MANIFEST_PATH: &str = "specs/manifest.toml";

/// The parsed `specs/manifest.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// One entry per `[[spec]]` table, in file order.
    #[serde(rename = "spec", default)]
    pub specs: Vec<SpecEntry>,
}

/// One pinned OpenAPI document and the crates generated from it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecEntry {
    /// Stable identifier used on the command line (`airbyte-api`).
    pub name: String,
    /// Human-readable title for reports and generated docs.
    pub title: String,
    /// Bare file name, looked up in `specs/` then `../shared/specs/`.
    pub file: String,
    /// Lowercase hex sha256 of the pinned bytes.
    pub sha256: String,
    /// Overlay files, relative to `specs/`, applied in order.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// File (relative to `specs/`) of acknowledged breaking-change
    /// fingerprints, for the spec-diff tool.
    #[serde(default)]
    pub acknowledged: Option<String>,
    pub upstream: Upstream,
    pub crates: Crates,
    /// Feature-gated families: `oneOf`s keyed by a constant property whose
    /// members each become a module behind their own cargo feature.
    #[serde(default)]
    pub families: Option<Families>,
}

/// Where the pinned bytes came from, so an update can be traced and repeated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// `owner/name` on GitHub.
    pub repository: String,
    /// Path of the file inside the upstream repository.
    pub path: String,
    /// Upstream commit the bytes were copied from.
    pub commit: String,
}

/// Names of the crates generated from one spec: the types, client and server
/// crates (all three or none), and the families crate when the entry has
/// `[spec.families]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crates {
    #[serde(default)]
    pub types: Option<String>,
    #[serde(default)]
    pub client: Option<String>,
    #[serde(default)]
    pub server: Option<String>,
    #[serde(default)]
    pub families: Option<String>,
    /// One cargo feature per tag on the types, client and server crates
    /// (ARCHITECTURE.md, "Per-tag features").
    #[serde(default)]
    pub tag_features: bool,
}

/// `[spec.families]`: which unions of the document become feature-gated
/// families, and the spec whose types crate they convert into.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Families {
    /// Name of another manifest entry whose types crate holds the wire form
    /// of each family union (a schema with the union's name); conversions
    /// into and out of that crate's types are generated.
    #[serde(default)]
    pub link: Option<String>,
    /// One table per union, in the order the crate lists them.
    #[serde(rename = "family", default)]
    pub families: Vec<Family>,
}

/// One union that becomes a family.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Component schema name of the `oneOf`.
    pub union: String,
    /// Cargo feature that turns on every member of the family.
    pub feature: String,
}

/// A spec whose bytes were found and whose hash matches the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedSpec {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("spec manifest not found at {}; the workspace root must contain specs/manifest.toml", path.display())]
    Missing { path: PathBuf },

    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("cannot parse spec manifest {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },

    #[error("invalid spec manifest {}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },

    #[error(
        "spec file `{file}` for `{name}` not found; looked in {}; copy the file into specs/ \
         (git-ignored) or check out the shared specs beside the project so that ../shared/specs/{file} exists",
        display_paths(looked)
    )]
    SpecNotFound { name: String, file: String, looked: Vec<PathBuf> },

    #[error(
        "sha256 mismatch for {}: manifest expects {expected}, file has {actual}; if this update is intended, \
         set sha256 = \"{actual}\" and the upstream commit in specs/manifest.toml, then run `cargo xtask codegen`",
        path.display()
    )]
    HashMismatch { path: PathBuf, expected: String, actual: String },
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

impl Manifest {
    /// Read and validate `root/specs/manifest.toml`.
    pub fn load(root: &Path) -> Result<Manifest, ManifestError> {
        let path = root.join(MANIFEST_PATH);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ManifestError::Missing { path }),
            Err(source) => return Err(ManifestError::Io { path, source }),
        };
        Manifest::parse(&text, &path)
    }

    /// Parse and validate manifest text; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| ManifestError::Parse {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        manifest.validate().map_err(|message| ManifestError::Invalid { path: path.to_path_buf(), message })?;
        Ok(manifest)
    }

    pub fn spec(&self, name: &str) -> Option<&SpecEntry> {
        self.specs.iter().find(|s| s.name == name)
    }

    fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        let mut names = BTreeSet::new();
        for spec in &self.specs {
            if spec.name.is_empty() {
                problems.push("a spec has an empty name".to_string());
            } else if !names.insert(spec.name.as_str()) {
                problems.push(format!("spec name `{}` is used more than once", spec.name));
            }
            if !is_sha256_hex(&spec.sha256) {
                problems.push(format!("spec `{}`: sha256 `{}` is not 64 lowercase hex digits", spec.name, spec.sha256));
            }
            // The resolver joins `file` onto two directories; a path here would
            // let it escape them or find different files in each.
            if !is_bare_file_name(&spec.file) {
                problems.push(format!("spec `{}`: file `{}` must be a bare file name", spec.name, spec.file));
            }
            let c = &spec.crates;
            let api_crates = [&c.types, &c.client, &c.server].iter().filter(|n| n.is_some()).count();
            if api_crates != 0 && api_crates != 3 {
                problems.push(format!(
                    "spec `{}`: name all of crates.types, crates.client and crates.server, or none",
                    spec.name
                ));
            }
            if api_crates == 0 && c.families.is_none() {
                problems.push(format!(
                    "spec `{}`: generates no crate; name crates.types/client/server or crates.families",
                    spec.name
                ));
            }
            match (&c.families, &spec.families) {
                (Some(_), None) => problems.push(format!(
                    "spec `{}`: crates.families is named but there is no [spec.families] table",
                    spec.name
                )),
                (None, Some(_)) => problems
                    .push(format!("spec `{}`: [spec.families] needs a crate name in crates.families", spec.name)),
                (Some(_), Some(f)) if f.families.is_empty() => {
                    problems.push(format!("spec `{}`: [spec.families] lists no [[spec.families.family]]", spec.name))
                }
                _ => {}
            }
        }
        for spec in &self.specs {
            let Some(link) = spec.families.as_ref().and_then(|f| f.link.as_ref()) else { continue };
            match self.spec(link) {
                Some(target) if target.crates.types.is_some() => {}
                Some(_) => problems.push(format!("spec `{}`: families.link `{link}` has no types crate", spec.name)),
                None => problems
                    .push(format!("spec `{}`: families.link `{link}` is not a spec of this manifest", spec.name)),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

impl SpecEntry {
    /// Places the resolver looks for the spec file, in priority order.
    pub fn candidate_paths(&self, root: &Path) -> Vec<PathBuf> {
        vec![root.join("specs").join(&self.file), root.join("..").join("shared").join("specs").join(&self.file)]
    }

    /// Find the spec bytes and check them against the pinned hash.
    ///
    /// A local copy in `specs/` wins over the shared checkout, and a local copy
    /// with the wrong hash is an error rather than a reason to fall back: the
    /// user put it there on purpose, so silently using other bytes would hide
    /// their update.
    pub fn resolve(&self, root: &Path) -> Result<ResolvedSpec, ManifestError> {
        let looked = self.candidate_paths(root);
        let Some(path) = looked.iter().find(|p| p.is_file()).cloned() else {
            return Err(ManifestError::SpecNotFound { name: self.name.clone(), file: self.file.clone(), looked });
        };
        let bytes = std::fs::read(&path).map_err(|source| ManifestError::Io { path: path.clone(), source })?;
        let actual = sha256_hex(&bytes);
        if actual != self.sha256 {
            return Err(ManifestError::HashMismatch { path, expected: self.sha256.clone(), actual });
        }
        Ok(ResolvedSpec { path, bytes, sha256: actual })
    }

    /// Overlay files for this spec, in the order they must be applied.
    pub fn overlay_paths(&self, root: &Path) -> Vec<PathBuf> {
        self.overlays.iter().map(|o| root.join("specs").join(o)).collect()
    }

    /// Names of the types, client and server crates, when the entry generates them.
    pub fn crate_names(&self) -> Option<crate::emit::CrateNames> {
        let c = &self.crates;
        Some(crate::emit::CrateNames {
            types: c.types.clone()?,
            client: c.client.clone()?,
            server: c.server.clone()?,
            runtime_dir: crate::emit::CrateNames::RUNTIME_DIR.to_string(),
            tag_features: c.tag_features,
        })
    }

    /// What `[spec.families]` asks for, with the linked types crate's name
    /// looked up in `manifest`; `None` when the entry has no families.
    pub fn families_config(&self, manifest: &Manifest) -> Option<crate::family::FamiliesConfig> {
        let f = self.families.as_ref()?;
        Some(crate::family::FamiliesConfig {
            crate_name: self.crates.families.clone()?,
            link_crate: f.link.as_ref().and_then(|l| manifest.spec(l)).and_then(|l| l.crates.types.clone()),
            families: f
                .families
                .iter()
                .map(|x| crate::family::FamilyConfig { union: x.union.clone(), feature: x.feature.clone() })
                .collect(),
        })
    }

    /// The acknowledged-breaking-changes file, if the manifest names one.
    pub fn acknowledged_path(&self, root: &Path) -> Option<PathBuf> {
        self.acknowledged.as_ref().map(|a| root.join("specs").join(a))
    }
}

/// Set a spec's pinned `sha256` (and `upstream.commit` when given) in the
/// manifest's text, changing nothing else: comments, order and spacing stay
/// as the reviewer knows them. The result is parsed and checked before it
/// is returned.
pub fn set_pin(
    text: &str,
    path: &Path,
    name: &str,
    sha256: &str,
    commit: Option<&str>,
) -> Result<String, ManifestError> {
    let invalid = |message: String| ManifestError::Invalid { path: path.to_path_buf(), message };
    // Which `[[spec]]` table each line is in, and which sub-table.
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut block: Vec<Option<(usize, String)>> = Vec::with_capacity(lines.len());
    let mut names: Vec<Option<String>> = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for line in &lines {
        let t = line.trim();
        if t.starts_with('[') {
            let header = t.split('#').next().unwrap_or("").trim();
            if header == "[[spec]]" {
                names.push(None);
                cur = Some((names.len() - 1, String::new()));
            } else if let Some((i, _)) = cur {
                let table = header.trim_start_matches('[').trim_end_matches(']').trim().to_string();
                cur = if table.starts_with("spec.") { Some((i, table)) } else { None };
            }
        } else if let (Some((i, table)), Some((key, value))) = (&cur, key_value(t)) {
            if table.is_empty() && key == "name" {
                names[*i] = Some(value);
            }
        }
        block.push(cur.clone());
    }
    let Some(target) = names.iter().position(|n| n.as_deref() == Some(name)) else {
        return Err(invalid(format!("no spec named `{name}`")));
    };
    let mut out = String::with_capacity(text.len());
    let (mut set_sha, mut set_commit) = (false, commit.is_none());
    for (line, at) in lines.iter().zip(&block) {
        let edit = match (at, key_value(line.trim())) {
            (Some((i, table)), Some((key, _))) if *i == target => match (table.as_str(), key.as_str()) {
                ("", "sha256") => {
                    set_sha = true;
                    Some(sha256)
                }
                ("spec.upstream", "commit") => commit.inspect(|_| set_commit = true),
                _ => None,
            },
            _ => None,
        };
        match edit {
            Some(v) => out.push_str(&replace_value(line, v)),
            None => out.push_str(line),
        }
    }
    if !set_sha || !set_commit {
        let what = if set_sha { "upstream.commit" } else { "sha256" };
        return Err(invalid(format!("spec `{name}` has no `{what}` line to update")));
    }
    let parsed = Manifest::parse(&out, path)?;
    let entry = parsed.spec(name).ok_or_else(|| invalid(format!("spec `{name}` lost in the update")))?;
    if entry.sha256 != sha256 || commit.is_some_and(|c| c != entry.upstream.commit) {
        return Err(invalid(format!("spec `{name}`: the updated pin does not read back")));
    }
    Ok(out)
}

/// `key = "value"` (a basic string) on one line, comments ignored.
fn key_value(line: &str) -> Option<(String, String)> {
    let (key, rest) = line.split_once('=')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    let value = rest.split_once('"')?.0;
    Some((key.trim().to_string(), value.to_string()))
}

/// The same line with its basic-string value replaced; indentation, spacing
/// around `=` and a trailing comment are kept.
fn replace_value(line: &str, value: &str) -> String {
    let Some(eq) = line.find('=') else { return line.to_string() };
    let after = &line[eq + 1..];
    let Some(open) = after.find('"') else { return line.to_string() };
    let Some(close) = after[open + 1..].find('"') else { return line.to_string() };
    let tail = &after[open + 1 + close + 1..];
    format!("{}{}\"{value}\"{tail}", &line[..eq + 1], &after[..open])
}

/// Lowercase hex sha256 of `bytes`, the form the manifest pins.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_bare_file_name(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains('/') && !s.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh `<tmp>/<unique>/work/main` root with a sibling `shared/specs`.
    struct TempRoot {
        base: PathBuf,
        root: PathBuf,
    }

    impl TempRoot {
        fn new(tag: &str) -> TempRoot {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let base = std::env::temp_dir().join(format!("codegen-manifest-{tag}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&base);
            let root = base.join("main");
            std::fs::create_dir_all(root.join("specs")).unwrap();
            std::fs::create_dir_all(base.join("shared").join("specs")).unwrap();
            TempRoot { base, root }
        }

        fn local(&self, file: &str) -> PathBuf {
            self.root.join("specs").join(file)
        }

        fn shared(&self, file: &str) -> PathBuf {
            self.base.join("shared").join("specs").join(file)
        }
    }

    impl Drop for TempRoot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.base);
        }
    }

    fn entry(file: &str, sha256: &str) -> SpecEntry {
        SpecEntry {
            name: "demo".into(),
            title: "Demo".into(),
            file: file.into(),
            sha256: sha256.into(),
            overlays: vec!["demo.overlay.yaml".into()],
            acknowledged: None,
            upstream: Upstream { repository: "o/r".into(), path: "api.yaml".into(), commit: "c".into() },
            crates: Crates {
                types: Some("t".into()),
                client: Some("c".into()),
                server: Some("s".into()),
                families: None,
                tag_features: false,
            },
            families: None,
        }
    }

    const MANIFEST: &str = r#"
[[spec]]
name = "a"
title = "A"
file = "a.yaml"
sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
overlays = ["a.overlay.yaml"]
[spec.upstream]
repository = "o/r"
path = "x/a.yaml"
commit = "310e6cb6ac0e7bd310fe99bfd505d5c36ba71f2e"
[spec.crates]
types = "a-types"
client = "a-client"
server = "a-server"
"#;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256_hex(b"hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn parses_manifest() {
        let m = Manifest::parse(MANIFEST, Path::new("m.toml")).unwrap();
        assert_eq!(m.specs.len(), 1);
        let a = m.spec("a").unwrap();
        assert_eq!(a.overlays, vec!["a.overlay.yaml".to_string()]);
        assert_eq!(a.acknowledged, None);
        assert_eq!(a.crates.client.as_deref(), Some("a-client"));
        assert_eq!(a.crate_names().map(|c| c.server), Some("a-server".to_string()));
        assert_eq!(a.overlay_paths(Path::new("/r")), vec![PathBuf::from("/r/specs/a.overlay.yaml")]);
        assert!(m.spec("b").is_none());
    }

    #[test]
    fn rejects_unknown_fields_with_toml_message() {
        let text = MANIFEST.replace("title = \"A\"", "title = \"A\"\ncolour = \"red\"");
        let err = Manifest::parse(&text, Path::new("m.toml")).unwrap_err();
        assert!(matches!(err, ManifestError::Parse { .. }), "{err}");
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn rejects_duplicate_names_and_bad_hash() {
        let dup = format!("{MANIFEST}\n{}", MANIFEST.replace("2cf24d", "2CF24D"));
        let err = Manifest::parse(&dup, Path::new("m.toml")).unwrap_err().to_string();
        assert!(err.contains("`a` is used more than once"), "{err}");
        assert!(err.contains("not 64 lowercase hex"), "{err}");
    }

    #[test]
    fn families_entries_are_checked() {
        let fam = r#"
[[spec]]
name = "f"
title = "F"
file = "f.yaml"
sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
[spec.upstream]
repository = "o/r"
path = "f.yaml"
commit = "c"
[spec.crates]
families = "f-families"
[spec.families]
link = "a"
[[spec.families.family]]
union = "Pet"
feature = "all-pets"
"#;
        let m = Manifest::parse(&format!("{MANIFEST}{fam}"), Path::new("m.toml")).unwrap();
        let f = m.spec("f").unwrap();
        assert!(f.crate_names().is_none());
        let families = f.families.as_ref().unwrap();
        assert_eq!(families.link.as_deref(), Some("a"));
        assert_eq!(families.families[0].union, "Pet");
        // The link must name an entry with a types crate.
        let err = Manifest::parse(
            &format!("{MANIFEST}{}", fam.replace("link = \"a\"", "link = \"zz\"")),
            Path::new("m.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("families.link `zz`"), "{err}");
        // A families crate without a [spec.families] table, and half the API crates.
        let half = fam.replace("families = \"f-families\"", "types = \"f-types\"\nfamilies = \"x\"");
        let half = half.split("[spec.families]").next().unwrap().to_string();
        let err = Manifest::parse(&half, Path::new("m.toml")).unwrap_err().to_string();
        assert!(err.contains("or none"), "{err}");
        assert!(err.contains("no [spec.families] table"), "{err}");
    }

    #[test]
    fn load_reports_missing_manifest() {
        let t = TempRoot::new("missing-manifest");
        let err = Manifest::load(&t.root).unwrap_err();
        assert!(matches!(err, ManifestError::Missing { .. }), "{err}");
        std::fs::write(t.local("manifest.toml"), MANIFEST).unwrap();
        assert_eq!(Manifest::load(&t.root).unwrap().specs[0].name, "a");
    }

    #[test]
    fn resolves_local_copy_first() {
        let t = TempRoot::new("local-first");
        std::fs::write(t.local("s.yaml"), b"local").unwrap();
        std::fs::write(t.shared("s.yaml"), b"shared").unwrap();
        let r = entry("s.yaml", &sha256_hex(b"local")).resolve(&t.root).unwrap();
        assert_eq!(r.path, t.local("s.yaml"));
        assert_eq!(r.bytes, b"local");
        assert_eq!(r.sha256, sha256_hex(b"local"));
    }

    #[test]
    fn falls_back_to_shared_specs() {
        let t = TempRoot::new("fallback");
        std::fs::write(t.shared("s.yaml"), b"shared").unwrap();
        let r = entry("s.yaml", &sha256_hex(b"shared")).resolve(&t.root).unwrap();
        assert_eq!(r.bytes, b"shared");
        assert!(r.path.ends_with("shared/specs/s.yaml"), "{}", r.path.display());
    }

    #[test]
    fn hash_mismatch_names_both_hashes() {
        let t = TempRoot::new("mismatch");
        std::fs::write(t.shared("s.yaml"), b"new bytes").unwrap();
        let expected = sha256_hex(b"old bytes");
        let actual = sha256_hex(b"new bytes");
        let err = entry("s.yaml", &expected).resolve(&t.root).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ManifestError::HashMismatch { .. }), "{text}");
        assert!(text.contains(&expected), "{text}");
        assert!(text.contains(&format!("sha256 = \"{actual}\"")), "{text}");
        assert!(text.contains("s.yaml"), "{text}");
        assert!(text.contains("cargo xtask codegen"), "{text}");
    }

    #[test]
    fn local_copy_with_wrong_hash_does_not_fall_back() {
        let t = TempRoot::new("local-wrong");
        std::fs::write(t.local("s.yaml"), b"edited").unwrap();
        std::fs::write(t.shared("s.yaml"), b"pinned").unwrap();
        let err = entry("s.yaml", &sha256_hex(b"pinned")).resolve(&t.root).unwrap_err();
        assert!(matches!(err, ManifestError::HashMismatch { .. }), "{err}");
    }

    #[test]
    fn missing_file_lists_every_place_looked() {
        let t = TempRoot::new("not-found");
        let e = entry("gone.yaml", &sha256_hex(b""));
        let err = e.resolve(&t.root).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ManifestError::SpecNotFound { .. }), "{text}");
        for p in e.candidate_paths(&t.root) {
            assert!(text.contains(&p.display().to_string()), "{text}");
        }
        assert!(text.contains("copy the file into specs/"), "{text}");
    }

    #[test]
    fn project_manifest_is_valid() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let m = Manifest::load(&root).unwrap();
        let names: Vec<&str> = m.specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["airbyte-api", "config-api", "airbyte-api-sdk"]);
        for spec in &m.specs {
            for overlay in spec.overlay_paths(&root) {
                assert!(overlay.is_file(), "missing overlay {}", overlay.display());
            }
            match spec.resolve(&root) {
                Ok(r) => assert_eq!(r.sha256, spec.sha256),
                Err(ManifestError::SpecNotFound { .. }) => {
                    println!("skipping hash check for {}: spec file not present", spec.name)
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
}
