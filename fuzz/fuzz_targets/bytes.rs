//! Arbitrary bytes as a document (JSON when they start with `{`, else YAML).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = if data.first() == Some(&b'{') { "fuzz.json" } else { "fuzz.yaml" };
    codegen_fuzz::check(file, data);
});
