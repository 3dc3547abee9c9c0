//! Codegen wall time for each pinned spec: median of several runs of the
//! whole pipeline (load → ir → emit → format), next to a baseline measured in
//! the same run: parsing the same bytes into a YAML tree and nothing else.
//!
//! `cargo bench -p codegen --bench pipeline` (set `BENCH_RUNS` to change the
//! number of runs; default 7).

use std::path::Path;
use std::time::{Duration, Instant};

use codegen::emit::CrateNames;
use codegen::load::OverlayInput;
use codegen::manifest::Manifest;
use codegen::SpecInput;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        samples.push(start.elapsed());
    }
    median(samples)
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let manifest = Manifest::load(root).unwrap_or_else(|e| panic!("{e}"));
    println!("{:<18} {:>12} {:>14} {:>8}  (median of {runs})", "spec", "yaml parse", "full codegen", "ratio");
    for entry in &manifest.specs {
        let resolved = entry.resolve(root).unwrap_or_else(|e| panic!("{e}"));
        let overlays: Vec<OverlayInput> = entry
            .overlay_paths(root)
            .iter()
            .map(|p| OverlayInput { file: p.display().to_string(), text: std::fs::read_to_string(p).expect("overlay") })
            .collect();
        let input = SpecInput {
            file: entry.file.clone(),
            bytes: resolved.bytes.clone(),
            overlays,
            crates: entry.crate_names().unwrap_or_else(|| CrateNames::from_stem(&entry.name)),
        };
        let text = std::str::from_utf8(&resolved.bytes).expect("utf-8");
        let baseline = time(runs, || serde_yaml::from_str::<serde_yaml::Value>(text).expect("yaml"));
        // A families entry generates only its families crate (links left out: they cost a
        // second, smaller document's load and are measured by its own row).
        let families = entry.families_config(&manifest).map(|mut c| {
            c.link_crate = None;
            c
        });
        let full = time(runs, || match &families {
            Some(c) => codegen::generate_families(&input, c, None).expect("generates"),
            None => codegen::generate(&input).expect("generates"),
        });
        println!(
            "{:<18} {:>10.1}ms {:>12.1}ms {:>7.1}x",
            entry.file,
            baseline.as_secs_f64() * 1e3,
            full.as_secs_f64() * 1e3,
            full.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}
