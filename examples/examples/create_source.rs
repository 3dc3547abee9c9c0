//! Create a source in a workspace with the Airbyte API.
//!
//! ```sh
//! AIRBYTE_TOKEN=… WORKSPACE_ID=… cargo run -p airbyte-examples --example create_source
//! ```

use airbyte_api_client::types::SourceCreateRequest;
use airbyte_api_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().bearer_token(std::env::var("AIRBYTE_TOKEN")?);
    if let Ok(url) = std::env::var("AIRBYTE_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    // `configuration` is connector-specific JSON; the rest is typed.
    let request: SourceCreateRequest = serde_json::from_value(serde_json::json!({
        "name": "My Postgres",
        "workspaceId": std::env::var("WORKSPACE_ID")?,
        "configuration": {
            "sourceType": "postgres",
            "host": "db.example.com",
            "port": 5432,
            "database": "app",
            "username": "airbyte"
        }
    }))?;
    let created = client.create_source(Some(&request)).await?;
    println!("created source {} ({})", created.source_id, created.name);
    Ok(())
}
