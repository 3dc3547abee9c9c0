//! The hand-written half of crates generated from OpenAPI descriptions: the
//! code that is the same whatever the spec, so a generated crate holds only
//! what its spec defines (operations, types, tables) and every generated
//! crate shares one copy of this, with its tests and docs.
//!
//! Everything is behind a feature, so a crate pays only for its side:
//!
//! - `client`: [`client`], the request path of generated clients
//!   (reqwest with rustls, auth, retries, hooks) and the [`client::Error`]
//!   every generated client returns.
//! - `server`: [`server`], the request path of generated axum servers
//!   (credentials, parameters, bodies and responses checked against the
//!   spec's tables, error bodies in the documented shape), its
//!   [`server::schema`] validator and the [`server::mock`] that answers every
//!   operation. A generated server crate holds only its spec as static data
//!   (a [`server::Spec`]) and its typed operations.
//!
//! The serde helpers of generated types crates are the separate
//! `openapi-support` crate, so a types crate never waits for an HTTP stack to
//! compile. This crate never depends on the generator or on a generated crate.

#![forbid(unsafe_code)]

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;
