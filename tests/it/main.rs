//! The workspace's integration tests, one binary: spec examples round-trip
//! through the generated types, generated-code behaviour, fixture snapshots.

mod behaviour;
mod examples;
mod fixtures;
