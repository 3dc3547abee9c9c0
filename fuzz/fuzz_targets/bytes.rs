//! Arbitrary bytes as a document (JSON when they start with `{`, else YAML),
//! under a file name picked from `FILE_NAMES` by the input's length, so crate
//! names derived from awkward file names are fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let names = codegen_fuzz::FILE_NAMES;
    let stem = names[data.len() % names.len()];
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    let file = if data.first() == Some(&b'{') { format!("{stem}.json") } else { format!("{stem}.yaml") };
    codegen_fuzz::check(&file, data);
});
