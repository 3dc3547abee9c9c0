//! An in-memory Airbyte Configuration API server (workspaces) on the generated server crate.
//!
//! `cargo run --release -p airbyte-examples --bin config-in-memory -- --port 8080`

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    airbyte_examples::run("in-memory Configuration API server", airbyte_examples::in_memory::app()).await
}
