//! The same in-memory workspaces server, hand-written with axum: the performance reference.
//!
//! `cargo run --release -p airbyte-examples --bin config-in-memory-baseline -- --port 8081`

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    airbyte_examples::run("hand-written baseline server", airbyte_examples::baseline::app()).await
}
