//! The breaking-change report (`codegen::diff`): hand-written fixture pairs
//! for every rule, the real spec updates in `../shared/specs/history/`, the
//! renderers and acknowledgements.
//!
//! A fixture (`tests/fixtures/diff/<case>.yaml`) holds the base document, a
//! line `---`, and the head document. Comment lines at the top say what the
//! report must contain (`# expect: rule-id, …`) and must not
//! (`# absent: rule-id, …`); `# expect: nothing` asks for an empty report;
//! `# side: rule-id=client, …` gives the wire side a rule's findings must have.
//! Each case's text report is snapshotted under `snapshots/diff/`.

use std::path::PathBuf;

use codegen::diff::{self, Format, Level, Loaded, Options, Report, SpecVersion};
use codegen::emit::CrateNames;

use super::surface::{pinned, root, version};

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots/diff");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

fn load(file: &str, text: &str) -> Loaded {
    let v = SpecVersion { file: file.to_string(), bytes: text.as_bytes().to_vec(), overlays: Vec::new() };
    diff::load(&v).unwrap_or_else(|e| panic!("{file} does not load:\n{}", e.0))
}

fn options(spec: &str) -> Options {
    Options { spec: spec.to_string(), crates: CrateNames::from_stem(spec), acknowledged: Vec::new() }
}

struct Case {
    name: String,
    base: String,
    head: String,
    expect: Vec<String>,
    absent: Vec<String>,
    sides: Vec<(String, String)>,
    nothing: bool,
}

fn list(line: &str, key: &str) -> Option<Vec<String>> {
    let rest = line.strip_prefix(key)?;
    Some(rest.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
}

fn cases() -> Vec<Case> {
    let dir = root().join("tests/fixtures/diff");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let (base, head) = text.split_once("\n---\n").unwrap_or_else(|| panic!("{name}: no `---` line"));
            let mut case = Case {
                name,
                base: base.to_string(),
                head: head.to_string(),
                expect: Vec::new(),
                absent: Vec::new(),
                sides: Vec::new(),
                nothing: false,
            };
            for line in text.lines().take_while(|l| l.starts_with('#')) {
                if let Some(v) = list(line, "# expect:") {
                    case.nothing |= v == ["nothing"];
                    case.expect.extend(v.into_iter().filter(|x| x != "nothing"));
                }
                if let Some(v) = list(line, "# absent:") {
                    case.absent.extend(v);
                }
                if let Some(v) = list(line, "# side:") {
                    for pair in v {
                        let (id, side) = pair.split_once('=').unwrap_or_else(|| panic!("`# side:` takes id=side"));
                        case.sides.push((id.trim().to_string(), side.trim().to_string()));
                    }
                }
            }
            assert!(case.nothing || !case.expect.is_empty(), "{}: says nothing it expects", case.name);
            case
        })
        .collect()
}

fn run(case: &Case) -> Report {
    let base = load(&format!("{}.yaml (base)", case.name), &case.base);
    let head = load(&format!("{}.yaml (head)", case.name), &case.head);
    diff::compare(&base, &head, &options(&case.name))
}

#[test]
fn fixture_pairs() {
    let cases = cases();
    assert!(cases.len() >= 25, "only {} fixture pairs", cases.len());
    let mut problems = Vec::new();
    let mut reports = Vec::new();
    for case in &cases {
        let report = run(case);
        let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
        for e in &case.expect {
            if !ids.contains(&e.as_str()) {
                problems.push(format!("{}: expected `{e}`, got {ids:?}", case.name));
            }
        }
        for a in &case.absent {
            if ids.contains(&a.as_str()) {
                problems.push(format!("{}: `{a}` must not be reported, got {ids:?}", case.name));
            }
        }
        for (id, side) in &case.sides {
            let got: Vec<&str> = report.findings.iter().filter(|f| &f.id == id).map(|f| f.side.as_str()).collect();
            if got.is_empty() || got.iter().any(|s| s != side) {
                problems.push(format!("{}: `{id}` must have side {side}, got {got:?}", case.name));
            }
        }
        if case.nothing && !ids.is_empty() {
            problems.push(format!("{}: expected no findings, got {ids:?}", case.name));
        }
        // The same comparison twice gives the same report.
        assert_eq!(report, run(case), "{}: report is not deterministic", case.name);
        reports.push((case.name.clone(), diff::render(&report, Format::Text)));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (name, text) in reports {
        settings().bind(|| insta::assert_snapshot!(name, text));
    }
}

/// Every rule id the walker can produce has a positive fixture.
#[test]
fn every_rule_has_a_fixture() {
    let seen: std::collections::BTreeSet<String> =
        cases().iter().flat_map(|c| run(c).findings.into_iter().map(|f| f.id)).collect();
    let missing: Vec<&str> = RULES.iter().copied().filter(|r| !seen.contains(*r)).collect();
    assert!(missing.is_empty(), "rules without a fixture that triggers them: {missing:?}");
}

/// The rule ids the walker produces (`codegen/src/diff/rules.rs`). Schema
/// changes that no operation reaches use the same names with a `schema-`
/// prefix instead of `request-`/`response-`; one of them stands for all.
const RULES: &[&str] = &[
    "operation-added",
    "operation-removed",
    "operation-moved",
    "operation-id-changed",
    "operation-deprecated",
    "required-parameter-added",
    "parameter-added",
    "parameter-removed",
    "parameter-became-required",
    "parameter-became-optional",
    "parameter-type-changed",
    "parameter-default-changed",
    "parameter-style-changed",
    "required-request-body-added",
    "request-body-added",
    "request-body-removed",
    "request-body-became-required",
    "request-body-became-optional",
    "request-media-type-added",
    "request-media-type-removed",
    "response-success-status-added",
    "response-success-status-removed",
    "response-status-added",
    "response-status-removed",
    "response-media-type-added",
    "response-media-type-removed",
    "response-header-added",
    "response-header-removed",
    "security-requirement-added",
    "security-requirement-removed",
    "security-scheme-added",
    "security-scheme-removed",
    "security-scheme-changed",
    "request-required-property-added",
    "request-property-added",
    "request-property-removed",
    "request-property-renamed",
    "request-property-became-required",
    "request-property-became-optional",
    "request-became-nullable",
    "request-became-not-nullable",
    "request-type-changed",
    "request-default-changed",
    "request-enum-value-added",
    "request-enum-value-removed",
    "request-enum-value-renamed",
    "request-union-variant-added",
    "request-union-variant-removed",
    "request-constraint-tightened",
    "request-constraint-loosened",
    "request-constraint-changed",
    "response-required-property-added",
    "response-property-added",
    "response-required-property-removed",
    "response-property-removed",
    "response-property-renamed",
    "response-property-became-required",
    "response-property-became-optional",
    "response-became-nullable",
    "response-became-not-nullable",
    "response-type-changed",
    "response-enum-value-added",
    "response-enum-value-removed",
    "response-union-variant-added",
    "response-union-variant-removed",
    "response-union-variants-overlap",
    "response-constraint-tightened",
    "response-constraint-loosened",
    "response-constraint-changed",
    "response-enum-value-renamed",
    "response-default-changed",
    "response-error-media-type-removed",
    "request-union-variants-overlap",
    "schema-property-added",
    "property-deprecated",
    "parameter-deprecated",
    "type-deprecated",
    "type-added",
    "type-removed",
    "type-renamed",
    "request-type-replaced",
    "response-type-replaced",
    "response-body-added",
    "response-body-removed",
    "unresolved-ref",
    "unresolved-ref-changed",
    "spec-defect",
    "rust-field-renamed",
];

fn real(spec: &str, history: &str) -> Report {
    let base = diff::load(&version(spec, &root().join("../shared/specs/history").join(history)))
        .unwrap_or_else(|e| panic!("{}", e.0));
    let head = diff::load(&pinned(spec)).unwrap_or_else(|e| panic!("{}", e.0));
    let manifest = codegen::manifest::Manifest::load(&root()).unwrap();
    let crates = manifest.spec(spec).unwrap().crate_names().unwrap();
    diff::compare(&base, &head, &Options { spec: spec.into(), crates, acknowledged: Vec::new() })
}

/// The real Configuration API update from 2026-02-05 to the pinned version;
/// every finding in the snapshot was checked by hand against the YAML.
#[test]
fn real_config_api_update() {
    let report = real("config-api", "config-api-2026-02-05.yaml");
    settings().bind(|| insta::assert_snapshot!("real-config-api", diff::render(&report, Format::Text)));
}

#[test]
fn real_airbyte_api_update() {
    let report = real("airbyte-api", "airbyte-api-2026-02-05.yaml");
    settings().bind(|| insta::assert_snapshot!("real-airbyte-api", diff::render(&report, Format::Text)));
    settings().bind(|| insta::assert_snapshot!("real-airbyte-api-markdown", diff::render(&report, Format::Markdown)));
    settings().bind(|| insta::assert_snapshot!("real-airbyte-api-github", diff::render(&report, Format::Github)));
}

#[test]
fn a_spec_against_itself_has_no_findings() {
    for spec in ["config-api", "airbyte-api"] {
        let v = pinned(spec);
        let (a, b) = (diff::load(&v).unwrap(), diff::load(&v).unwrap());
        let report = diff::compare(&a, &b, &options(spec));
        assert!(report.findings.is_empty(), "{spec}: {:#?}", report.findings.first());
        assert!(!report.fails(Some(Level::Info)));
        assert!(report.semver.iter().all(|s| s.bump == "none"));
    }
}

#[test]
fn json_report_carries_every_field() {
    let report = real("airbyte-api", "airbyte-api-2026-02-05.yaml");
    let json: serde_json::Value = serde_json::from_str(&diff::render(&report, Format::Json)).unwrap();
    assert_eq!(json["counts"]["error"], report.counts.error);
    let first = &json["findings"][0];
    for key in ["id", "level", "side", "wire", "rust", "message", "pointer", "operations", "fingerprint"] {
        assert!(!first[key].is_null(), "finding has no `{key}`: {first}");
    }
    assert_eq!(json["semver"][0]["crate"], "airbyte-api-types");
}

#[test]
fn acknowledged_findings_are_reported_but_do_not_fail() {
    let case = cases().into_iter().find(|c| c.name == "response-properties").unwrap();
    let report = run(&case);
    assert!(report.fails(Some(Level::Error)));
    let mut toml = String::new();
    for f in report.findings.iter().filter(|f| f.level == Level::Error) {
        toml.push_str(&format!("[[accept]]\nfingerprint = \"{}\"\nreason = \"accepted in review\"\n\n", f.fingerprint));
    }
    toml.push_str("[[accept]]\nfingerprint = \"0000000000000000\"\nid = \"stale\"\nreason = \"no longer applies\"\n");
    let acks = diff::parse_acknowledgements(&toml, "acks.toml").unwrap();
    let base = load("base", &case.base);
    let head = load("head", &case.head);
    let acked = diff::compare(&base, &head, &Options { acknowledged: acks, ..options("response-properties") });
    assert!(!acked.fails(Some(Level::Error)));
    assert_eq!(acked.findings.len(), report.findings.len(), "acknowledged findings are still reported");
    assert_eq!(acked.counts.acknowledged, report.counts.error);
    assert!(acked.notes.iter().any(|n| n.contains("0000000000000000")), "a stale acknowledgement is pointed out");
    assert!(diff::render(&acked, Format::Text).contains("[acknowledged]"));
    // An acknowledged error is no annotation; the others still are.
    assert!(!diff::render(&acked, Format::Github).contains("::error"));

    let bad = diff::parse_acknowledgements("[[accept]]\nfingerprint = \"XYZ\"\nreason = \"r\"\n", "a.toml");
    assert!(bad.unwrap_err().to_string().contains("not 16 lowercase hex digits"));
    let no_reason = diff::parse_acknowledgements("[[accept]]\nfingerprint = \"0000000000000000\"\n", "a.toml");
    assert!(no_reason.is_err());
}

#[test]
fn fail_on_threshold() {
    let case = cases().into_iter().find(|c| c.name == "enum-values").unwrap();
    let report = run(&case);
    assert!(report.findings.iter().any(|f| f.level == Level::Warning));
    assert!(report.fails(Some(Level::Warning)));
    assert!(!report.fails(None));
    let only_info = cases().into_iter().find(|c| c.name == "nothing-allof-refactor").unwrap();
    let r = run(&only_info);
    assert!(!r.fails(Some(Level::Error)) && !r.fails(Some(Level::Warning)) && r.fails(Some(Level::Info)));
    let warning = cases().into_iter().find(|c| c.name == "status-added").unwrap();
    let r = run(&warning);
    assert!(!r.fails(Some(Level::Error)) && r.fails(Some(Level::Warning)));
}

#[test]
fn overlays_that_do_not_fit_the_base_become_notes() {
    let case = cases().into_iter().find(|c| c.name == "response-properties").unwrap();
    let overlay = codegen::load::OverlayInput {
        file: "fix.overlay.yaml".into(),
        text: "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.components.schemas.Missing\n    update: {description: x}\n".into(),
    };
    let v = SpecVersion { file: "base".into(), bytes: case.base.into_bytes(), overlays: vec![overlay] };
    let loaded = diff::load(&v).unwrap();
    assert_eq!(loaded.notes.len(), 1, "{:?}", loaded.notes);
    assert!(loaded.notes[0].contains("fix.overlay.yaml"));
}

#[test]
fn response_enum_value_added_says_our_client_tolerates_it() {
    let case = cases().into_iter().find(|c| c.name == "response-enum-value-added").unwrap();
    let report = run(&case);
    let f = report.findings.iter().find(|f| f.id == "response-enum-value-added").unwrap();
    assert_eq!((f.wire, f.side.as_str()), (Level::Warning, "client"));
    assert!(f.message.contains("generated Rust client tolerates it"), "{}", f.message);
    let req = report.findings.iter().find(|f| f.id == "request-enum-value-added").unwrap();
    assert!(!req.message.contains("tolerates"), "{}", req.message);
}

/// Only bytes that do not parse as an OpenAPI document stop a comparison;
/// every defect generation refuses becomes a warning naming its pointer.
#[test]
fn only_unparsable_bytes_fail_to_load() {
    let fails = |name: &str, text: &str| {
        let v = SpecVersion { file: name.into(), bytes: text.as_bytes().to_vec(), overlays: Vec::new() };
        assert!(diff::load(&v).is_err(), "{name} should not load");
    };
    fails("bad-yaml", "openapi: 3.0.3\ninfo: [unclosed\n");
    fails("bad-json", "{\"openapi\": ");
    fails("not-openapi", "swagger: '2.0'\ninfo: {title: t, version: '1'}\n");

    let case = cases().into_iter().find(|c| c.name == "unresolved-refs").unwrap();
    let report = run(&case);
    let pointers: Vec<&str> =
        report.findings.iter().filter(|f| f.id == "unresolved-ref").map(|f| f.pointer.as_str()).collect();
    for p in [
        "#/components/schemas/Job/properties/resources",
        "#/components/schemas/Job/properties/limits",
        "#/components/schemas/Job/properties/quota",
        "#/paths/~1jobs~1{id}/get/parameters/1",
    ] {
        assert!(pointers.contains(&p), "no unresolved-ref warning at {p}: {pointers:?}");
    }
    let changed: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.id == "unresolved-ref-changed")
        .map(|f| (f.old.as_deref().unwrap_or(""), f.new.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        changed,
        [
            ("unresolved `#/definitions/Quota`", "unresolved `#/definitions/QuotaV2`"),
            ("unresolved `#/definitions/ResourceRequirements`", "ResourceRequirements"),
        ],
        "compared by reference text"
    );
    // Defects are no change to the crates.
    assert!(diff::compare(&load("a", &case.base), &load("b", &case.base), &options("x"))
        .semver
        .iter()
        .all(|s| s.bump == "none"));

    let defects = cases().into_iter().find(|c| c.name == "spec-defects").unwrap();
    let report = run(&defects);
    let messages: Vec<&str> =
        report.findings.iter().filter(|f| f.id != "operation-added").map(|f| f.message.as_str()).collect();
    // A discriminator property a member does not declare is no longer a defect:
    // generation falls back to untagged decoding for that member (see
    // ir::build), so only what generation still refuses is listed here.
    for needle in ["duplicate operationId", "other.yaml#/Pet", "never reaches a value"] {
        assert!(messages.iter().any(|m| m.contains(needle)), "no warning about {needle}: {messages:#?}");
    }
}
