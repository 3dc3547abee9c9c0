//! The workspace's integration tests, one binary: spec examples round-trip
//! through the generated types, generated-code behaviour, fixture snapshots.

// The generated fixtures are modules of this crate, so their crates' own
// `recursion_limit` (derived from the type graph; `cycle-deep.yaml` needs the
// most) is set here, at the root; `generality::recursion_limit_covers_fixtures`
// keeps this number above what any fixture asks for.
#![recursion_limit = "1024"]

mod behaviour;
mod client;
mod client_fixtures;
mod connectors;
mod contract;
mod diff;
mod diff_drift;
mod diff_update;
mod effective;
mod examples;
mod fixtures;
mod generality;
mod prism;
mod server;
mod server_conformance;
mod server_fixtures;
mod server_spec;
mod snapshots_fixtures;
mod surface;
