//! Structured mutations of the two pinned Airbyte specs: a slice of one spec
//! (chosen schemas and path items plus everything they reference), edited by
//! an `arbitrary`-driven list of tree edits, written as JSON or YAML under an
//! arbitrary file name and generated with an arbitrary `--name`, if any.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|plan: codegen_fuzz::Plan| {
    if let Some((file, bytes)) = plan.document() {
        codegen_fuzz::check_named(&file, plan.crate_name(), &bytes);
    }
});
