//! List every workspace of an Airbyte API account, page after page.
//!
//! ```sh
//! AIRBYTE_CLIENT_ID=… AIRBYTE_CLIENT_SECRET=… cargo run -p airbyte-examples --example list_workspaces
//! ```
//! `AIRBYTE_BASE_URL` overrides the spec's server (`https://api.airbyte.com/v1`).

use airbyte_api_client::{Client, ListWorkspacesParams};
use futures_util::StreamExt as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder()
        .client_credentials(std::env::var("AIRBYTE_CLIENT_ID")?, std::env::var("AIRBYTE_CLIENT_SECRET")?);
    if let Ok(url) = std::env::var("AIRBYTE_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    // The stream asks for the next page (limit/offset) until the server has no more.
    let mut workspaces = client.list_workspaces_stream(ListWorkspacesParams { limit: Some(20), ..Default::default() });
    while let Some(workspace) = workspaces.next().await {
        let workspace = workspace?;
        println!("{}  {}", workspace.workspace_id, workspace.name);
    }
    Ok(())
}
