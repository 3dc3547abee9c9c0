//! The library side of `cargo xtask specs update`: the manifest pin edit and
//! the pull-request body. (The command itself, with a loopback HTTP server,
//! is tested in `xtask/tests/it`.)

use std::path::Path;

use codegen::diff::{self, pr, Options, SpecVersion};
use codegen::emit::CrateNames;
use codegen::manifest::{set_pin, Manifest};

use super::surface::root;

const NEW_SHA: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[test]
fn set_pin_changes_only_the_pin_lines() {
    let path = root().join("specs/manifest.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let before = Manifest::parse(&text, &path).unwrap();
    let out = set_pin(&text, &path, "config-api", NEW_SHA, Some("abcdef1234567")).unwrap();
    let after = Manifest::parse(&out, &path).unwrap();
    let (b, a) = (before.spec("config-api").unwrap(), after.spec("config-api").unwrap());
    assert_eq!((a.sha256.as_str(), a.upstream.commit.as_str()), (NEW_SHA, "abcdef1234567"));
    // The other spec and every other field are untouched.
    assert_eq!(before.spec("airbyte-api"), after.spec("airbyte-api"));
    assert_eq!((&a.file, &a.overlays, &a.crates), (&b.file, &b.overlays, &b.crates));
    // Exactly two lines differ; comments and layout stay.
    let changed: Vec<(&str, &str)> = text.lines().zip(out.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(changed.len(), 2, "{changed:#?}");
    assert_eq!(text.lines().count(), out.lines().count());
    // Without a commit only the sha256 moves.
    let out = set_pin(&text, &path, "airbyte-api", NEW_SHA, None).unwrap();
    assert_eq!(text.lines().zip(out.lines()).filter(|(x, y)| x != y).count(), 1);
    // A comment after the value survives.
    let commented =
        text.replacen(&format!("sha256 = \"{}\"", b.sha256), &format!("sha256   =   \"{}\"  # reviewed", b.sha256), 1);
    let out = set_pin(&commented, &path, "config-api", NEW_SHA, None).unwrap();
    assert!(out.contains(&format!("sha256   =   \"{NEW_SHA}\"  # reviewed")), "{out}");
    assert!(set_pin(&text, &path, "nope", NEW_SHA, None).is_err());
    assert!(set_pin(&text, &path, "config-api", "not-a-sha", None).is_err());
}

fn load(name: &str, text: &str) -> diff::Loaded {
    diff::load(&SpecVersion { file: name.into(), bytes: text.as_bytes().to_vec(), overlays: Vec::new() }).unwrap()
}

#[test]
fn pr_body_has_every_section() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/diff/response-server-obligations.yaml")).unwrap();
    let (base, head) = text.split_once("\n---\n").unwrap();
    let (old, new) = (load("old", base), load("new", head));
    let options = Options { spec: "demo".into(), crates: CrateNames::from_stem("demo"), acknowledged: Vec::new() };
    let report = diff::compare(&old, &new, &options);
    let surface = pr::surface_changes("demo", &old.api, &new.api);
    assert!(surface.iter().any(|s| s.file == "tests/it/snapshots/surface/demo/types-p.snap" && s.change == "changed"));
    assert!(surface.iter().all(|s| Path::new(&s.file).extension().is_some_and(|e| e == "snap")));
    let update = pr::Update {
        spec: "demo".into(),
        source: "http://127.0.0.1:1/demo.yaml".into(),
        old_sha256: old.sha256.clone(),
        new_sha256: new.sha256.clone(),
        old_commit: "1111111111111111111111111111111111111111".into(),
        new_commit: Some("2222222222222222222222222222222222222222".into()),
        repository: "o/r".into(),
        path: "api.yaml".into(),
        stale_overlay_actions: vec!["demo.overlay.yaml: target `$.x` matches nothing".into()],
        surface,
        generated: vec!["generated/demo-types/src/lib.rs".into()],
        generation_error: None,
    };
    let body = pr::pr_body(&update, &report);
    for needle in [
        "# Update `demo` spec",
        "## Semver",
        "| `demo-types` | **major** |",
        "## Overlay actions that no longer apply",
        "target `$.x` matches nothing",
        "## Surface snapshots",
        "types-p.snap` (changed)",
        "## Generated code",
        "## Report",
        "### API changes: demo",
        "response-property-renamed",
        "compare/1111111111111111111111111111111111111111...2222222222222222222222222222222222222222",
    ] {
        assert!(body.contains(needle), "no `{needle}` in:\n{body}");
    }
}
