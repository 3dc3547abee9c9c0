//! The connector configurations crate (`airbyte-api-connectors`, a families
//! crate generated from `airbyte-api-sdk.yaml`): constants written for the
//! user, secrets redacted, defaults in constructors, const-keyed unions
//! decoded by their tag, members whose feature is off kept as JSON, the
//! conversions into and out of `airbyte-api-types` used through the real
//! client against a loopback server, and the crate's surface as snapshots.

use airbyte_api_connectors::{destination_postgres, source_postgres, SourceConfiguration, WrongMember};
use airbyte_api_types::{SourceCreateRequest, SourceResponse};
use serde_json::{json, Value};

use crate::client::{reply, Server};

fn postgres() -> source_postgres::Config {
    source_postgres::Config::new("app".into(), "db.example.com".into(), "airbyte".into())
}

/// One case: a configuration value and the JSON it must encode to.
fn check(config: impl serde::Serialize, expect: Value) {
    assert_eq!(serde_json::to_value(config).unwrap(), expect);
}

#[test]
fn constants_are_written_and_defaults_filled() {
    // `sourceType` is no field; the port's schema default is the constructor's.
    check(
        postgres(),
        json!({"sourceType": "postgres", "database": "app", "host": "db.example.com", "port": 5432, "username": "airbyte"}),
    );
    let cdc = source_postgres::ReplicationMethodReadChangesUsingWriteAheadLogCdc::new("pub".into(), "slot".into());
    check(
        source_postgres::ReplicationMethod::ReadChangesUsingWriteAheadLogCdc(cdc),
        json!({"method": "CDC", "publication": "pub", "replication_slot": "slot"}),
    );
    // Members without required fields are `Default`, constant included.
    check(source_postgres::SslModeRequire::default(), json!({"mode": "require"}));
    check(source_postgres::Config::TAG, json!("postgres"));
}

#[test]
fn decoding_follows_the_tag() {
    let value = json!({
        "sourceType": "postgres", "database": "app", "host": "h", "port": 5433, "username": "u",
        "ssl_mode": {"mode": "verify-ca", "ca_certificate": "PEM", "extra": 1},
        "replication_method": {"method": "Xmin"}
    });
    let config: source_postgres::Config = serde_json::from_value(value.clone()).unwrap();
    match &config.ssl_mode {
        Some(source_postgres::SslMode::VerifyCa(v)) => {
            assert_eq!(v.ca_certificate, "PEM");
            // The tag is not kept among the undeclared properties, or it would be written twice.
            assert_eq!(v.additional_properties.keys().collect::<Vec<_>>(), ["extra"]);
        }
        other => panic!("verify-ca decoded as {other:?}"),
    }
    assert!(matches!(
        config.replication_method,
        Some(source_postgres::ReplicationMethod::DetectChangesWithXminSystemColumn(_))
    ));
    assert_eq!(serde_json::to_value(&config).unwrap(), value);
    // The family enum picks the member by `sourceType`.
    let family: SourceConfiguration = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(family, SourceConfiguration::SourcePostgres(config.clone()));
    assert_eq!(family.tag(), Some("postgres"));
    assert_eq!(serde_json::to_value(&family).unwrap(), value);
}

#[test]
fn unknown_members_and_features_off_are_kept() {
    for value in [
        // A connector this version does not know.
        json!({"sourceType": "brand-new", "token": "t"}),
        // A known connector whose feature the tests crate leaves off.
        json!({"sourceType": "faker", "count": 10}),
    ] {
        let family: SourceConfiguration = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(family, SourceConfiguration::Unknown(value.clone()));
        assert_eq!(serde_json::to_value(&family).unwrap(), value);
    }
    assert!(SourceConfiguration::TAGS.contains(&"faker"), "every member's tag is listed whatever the features");
    let err = serde_json::from_value::<SourceConfiguration>(json!({"host": "h"})).unwrap_err();
    assert!(err.to_string().contains("missing discriminator `sourceType`"), "{err}");
    let wrong = source_postgres::Config::try_from(SourceConfiguration::Unknown(json!({"sourceType": "faker"})));
    assert_eq!(wrong.unwrap_err(), WrongMember { found: Some("faker".into()), expected: "postgres" });
}

#[test]
fn secrets_are_redacted() {
    let mut config = postgres();
    config.password = Some("hunter2".into());
    config.ssl_mode = Some(source_postgres::SslMode::VerifyFull(source_postgres::SslModeVerifyFull {
        client_key: Some("KEY".into()),
        ..source_postgres::SslModeVerifyFull::new("CA".into())
    }));
    let debug = format!("{:?}", SourceConfiguration::from(config));
    for secret in ["hunter2", "KEY", "CA"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains("<redacted>"), "{debug}");
    let mut dest = destination_postgres::Config::new("db".into(), "h".into(), "u".into());
    dest.password = Some("hunter3".into());
    let debug = format!("{dest:?}");
    assert!(!debug.contains("hunter3") && debug.contains("<redacted>"), "{debug}");
    // The schema default of a required field is the constructor's.
    assert_eq!(dest.schema, "public");
}

#[tokio::test]
async fn create_and_read_back_through_the_client() {
    let server = Server::start().await;
    let workspace = uuid::Uuid::from_u128(7);
    let source_id = uuid::Uuid::from_u128(9);
    let mut config = postgres();
    config.password = Some("secret".into());
    let request: SourceCreateRequest = config.clone().into_source_create_request("warehouse".into(), workspace);
    // What a server answers: the configuration without its tag, the tag beside it.
    let mut stored = serde_json::to_value(&config).unwrap();
    stored.as_object_mut().unwrap().remove("sourceType");
    server.push(reply(
        200,
        json!({
            "sourceId": source_id, "name": "warehouse", "sourceType": "postgres", "workspaceId": workspace,
            "definitionId": uuid::Uuid::from_u128(1), "createdAt": 1, "configuration": stored
        }),
    ));
    let client = airbyte_api_client::Client::builder().base_url(&server.base).bearer_token("t").build().unwrap();
    let created: SourceResponse = client.create_source(Some(&request)).await.unwrap().into_inner();
    let seen = server.seen();
    assert_eq!(seen[0].path, "/sources");
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(body["configuration"]["sourceType"], "postgres");
    assert_eq!(body["configuration"]["port"], 5432);
    assert_eq!(body["workspaceId"], json!(workspace));
    // Read back: typed where the source type is compiled in.
    let decoded = SourceConfiguration::from_source_response(&created).unwrap();
    assert_eq!(source_postgres::Config::try_from(decoded).unwrap(), config);
}

#[test]
fn connectors_surface() {
    let (fc, _, _, _) = load();
    let areas = codegen::surface::render_families(&fc);
    assert!(areas.len() > 20, "{} areas", areas.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/surface/airbyte-api-sdk");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for a in &areas {
            insta::assert_snapshot!(a.name.replace('/', "-"), a.text);
        }
    });
}

#[test]
fn every_member_is_a_module_and_a_feature() {
    let (fc, _, _, _) = load();
    let counts: Vec<(&str, usize)> = fc.families.iter().map(|f| (f.feature.as_str(), f.members.len())).collect();
    assert_eq!(counts, [("all-sources", 555), ("all-destinations", 45)]);
    let cargo =
        std::fs::read_to_string(crate::surface::root().join("generated/airbyte-api-connectors/Cargo.toml")).unwrap();
    for f in &fc.families {
        for m in &f.members {
            assert!(cargo.contains(&format!("\n{} = []\n", m.feature)), "feature {}", m.feature);
            let file = crate::surface::root().join(format!("generated/airbyte-api-connectors/src/{}.rs", m.module));
            assert!(file.is_file(), "{}", file.display());
        }
    }
    assert!(cargo.contains("\ndefault = []\n"));
}

/// The families crate as the generator sees it.
pub fn load() -> (codegen::family::FamilyCrate, codegen::diag::Diagnostics, Vec<codegen::load::Rewrite>, usize) {
    let root = crate::surface::root();
    let manifest = codegen::manifest::Manifest::load(&root).unwrap();
    let entry = manifest.spec("airbyte-api-sdk").unwrap();
    let v = crate::surface::pinned("airbyte-api-sdk");
    let input = codegen::SpecInput {
        file: v.file,
        bytes: v.bytes,
        overlays: v.overlays,
        crates: codegen::emit::CrateNames::from_stem("airbyte-api-sdk"),
    };
    let mut config = entry.families_config(&manifest).unwrap();
    config.link_crate = None;
    codegen::load_families(&input, &config, None).unwrap_or_else(|e| panic!("{e}"))
}
