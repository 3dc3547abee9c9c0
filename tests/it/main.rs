//! The workspace's integration tests, one binary: spec examples round-trip
//! through the generated types, generated-code behaviour, fixture snapshots.

mod behaviour;
mod client;
mod client_fixtures;
mod contract;
mod diff;
mod effective;
mod examples;
mod fixtures;
mod server;
mod server_conformance;
mod server_fixtures;
mod server_spec;
mod snapshots_fixtures;
mod surface;
