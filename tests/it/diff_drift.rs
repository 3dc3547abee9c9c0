//! `codegen::diff::drift` on the two pinned specs: the Configuration API
//! mounts the public API under `/public/v1` and shares schema names with the
//! Airbyte API. The snapshot keeps today's disagreements visible in review:
//! a spec update that adds or removes one changes it.

use codegen::diff::{self, drift, Format};

use super::surface::pinned;

#[test]
fn pinned_specs_drift() {
    let api = diff::load(&pinned("airbyte-api")).unwrap_or_else(|e| panic!("{}", e.0));
    let config = diff::load(&pinned("config-api")).unwrap_or_else(|e| panic!("{}", e.0));
    let report = drift::drift(&api, &config, "airbyte-api", "config-api");
    // The mount prefix is found from the operations, not configured.
    assert_eq!(report.prefix, "/public/v1");
    assert!(report.matched_operations > 80, "{} operations matched", report.matched_operations);
    assert!(report.shared_schemas > 100, "{} shared schemas", report.shared_schemas);
    // Facts checked by hand in the YAML: config-api's PermissionType has two
    // values the public spec lacks, and its bearer scheme names a format.
    let has = |id: &str, needle: &str| report.findings.iter().any(|f| f.id == id && f.message.contains(needle));
    assert!(has("response-enum-value-added", "workspace_source_editor"));
    assert!(has("security-scheme-changed", "bearerAuth"));
    // Findings that only say "two different crates" are left out.
    assert!(report.findings.iter().all(|f| f.id != "operation-id-changed" && !f.id.starts_with("rust-")));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/diff");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("drift-pinned", drift::render_drift(&report, Format::Text)));
}

/// Reversed, the reference spec is the one that mounts nothing: no prefix
/// turns its operations into the other's, so almost nothing matches.
#[test]
fn drift_orientation_is_found_from_the_operations() {
    let api = diff::load(&pinned("airbyte-api")).unwrap();
    let config = diff::load(&pinned("config-api")).unwrap();
    let reversed = drift::drift(&config, &api, "config-api", "airbyte-api");
    let forward = drift::drift(&api, &config, "airbyte-api", "config-api");
    assert!(reversed.matched_operations < forward.matched_operations);
}
