//! Structured mutations of the two pinned Airbyte specs: a slice of one spec
//! (chosen schemas and path items plus everything they reference), edited by
//! an `arbitrary`-driven list of tree edits, written as JSON or YAML.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|plan: codegen_fuzz::Plan| {
    if let Some((file, bytes)) = plan.document() {
        codegen_fuzz::check(&file, &bytes);
    }
});
