//! The workspace's integration tests, one binary: spec examples round-trip
//! through the generated types, generated-code behaviour, fixture snapshots.

mod behaviour;
mod client;
mod client_fixtures;
mod diff;
mod examples;
mod fixtures;
mod surface;
mod snapshots_fixtures;
mod server;
mod server_fixtures;
mod server_spec;
mod contract;
