//! Create a Postgres source with a typed configuration: the connector's
//! fields are checked by the compiler, `sourceType` is filled in, the port
//! takes its schema default, and the password never shows in `Debug` output.
//!
//! ```sh
//! AIRBYTE_TOKEN=… WORKSPACE_ID=… PGPASSWORD=… cargo run -p airbyte-examples --example create_postgres_source
//! ```

use airbyte_api_client::Client;
use airbyte_api_connectors::{source_postgres, SourceConfiguration};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().bearer_token(std::env::var("AIRBYTE_TOKEN")?);
    if let Ok(url) = std::env::var("AIRBYTE_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let workspace_id: uuid::Uuid = std::env::var("WORKSPACE_ID")?.parse()?;

    let mut config = source_postgres::Config::new("app".into(), "db.example.com".into(), "airbyte".into());
    config.password = Some(std::env::var("PGPASSWORD")?);
    config.ssl_mode = Some(source_postgres::SslMode::Require(Default::default()));
    config.replication_method = Some(source_postgres::ReplicationMethod::ReadChangesUsingWriteAheadLogCdc(
        source_postgres::ReplicationMethodReadChangesUsingWriteAheadLogCdc::new(
            "airbyte_publication".into(),
            "airbyte_slot".into(),
        ),
    ));
    println!("creating {config:?}");

    let request = config.into_source_create_request("My Postgres".into(), workspace_id);
    let created = client.create_source(Some(&request)).await?.into_inner();
    println!("created source {} ({})", created.source_id, created.name);

    // Reading it back: typed when the connector's feature is compiled in.
    match SourceConfiguration::from_source_response(&created)? {
        SourceConfiguration::SourcePostgres(back) => println!("host {}, port {}", back.host, back.port),
        other => println!("a {:?} source", other.tag()),
    }
    Ok(())
}
