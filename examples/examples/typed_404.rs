//! Handle a typed 404 from the Configuration API (OSS defaults: basic auth
//! `airbyte`/`password` on `http://localhost:8000/api`).
//!
//! ```sh
//! cargo run -p airbyte-examples --example typed_404 -- 00000000-0000-0000-0000-000000000000
//! ```

use airbyte_config_api_client::types::SourceIdRequestBody;
use airbyte_config_api_client::{Client, Error, GetSourceError};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("AIRBYTE_BASE_URL").unwrap_or_else(|_| "http://localhost:8000/api".into());
    let client = Client::builder().base_url(base).basic_auth("airbyte", "password").build()?;
    let source_id = std::env::args().nth(1).unwrap_or_default().parse()?;
    match client.get_source(&SourceIdRequestBody { source_id }).await {
        Ok(source) => println!("found {}", source.name),
        Err(Error::Api { error: GetSourceError::Status404(not_found), .. }) => {
            println!("no such source: {}", not_found.message.unwrap_or_default());
        }
        Err(Error::Api { error: GetSourceError::Status422(invalid), .. }) => {
            println!("invalid request: {:?}", invalid.message);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
