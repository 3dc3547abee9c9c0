//! Every example in both pinned specs decodes into its generated type and
//! encodes back to the same JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub struct Example {
    pub pointer: &'static str,
    pub rust_type: &'static str,
    pub json: &'static str,
    pub roundtrip: fn(&str) -> Result<Value, String>,
}

fn roundtrip<T: DeserializeOwned + Serialize>(json: &str) -> Result<Value, String> {
    let decoded: T = serde_json::from_str(json).map_err(|e| format!("decode: {e}"))?;
    serde_json::to_value(&decoded).map_err(|e| format!("encode: {e}"))
}

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

// Examples in the specs that are themselves wrong, each with the reason (checked
// by hand against the schema). A listed example that starts passing fails the
// test, so the lists stay true as the specs change.
const AIRBYTE_API_INVALID: &[(&str, &str)] = &[
    ("#/components/schemas/ConnectionsResponse/example#0", "omits required property `configurations`"),
    ("#/components/schemas/ConnectorDefinitionResponse/example#0", "omits required property `connectorDefinitionType`"),
    ("#/components/schemas/DestinationResponse/example#0", "omits required property `configuration`"),
    ("#/components/schemas/DestinationsResponse/example#0", "`data` is one object; the schema says an array"),
    ("#/components/schemas/InitiateOauthRequest/example#0", "carries undeclared `destinationId` (ignored on decode)"),
    ("#/components/schemas/JobResponse/example#0", "omits required property `connectionId`"),
    ("#/components/schemas/JobsResponse/example#0", "omits required property `connectionId`"),
    ("#/components/schemas/SourceResponse/example#0", "omits required property `configuration`"),
    ("#/components/schemas/SourcesResponse/example#0", "`data` is one object; the schema says an array"),
    ("#/components/schemas/WorkspacesResponse/example#0", "`data` is one object; the schema says an array"),
    ("POST /applications/token responses/200 application/json example `Application Creation Response Example`", "omits required property `expires_in`"),
    ("POST /connections responses/200 application/json example `Connection Creation Response Example`", "omits required property `configurations`"),
    ("GET /connections/{connectionId} responses/200 application/json example `Connection Get Response Example`", "omits required property `configurations`"),
    ("PATCH /connections/{connectionId} requestBody application/json example `Connection Update Request Example`", "carries undeclared `destinationId`, `sourceId` (ignored on decode)"),
    ("PATCH /connections/{connectionId} responses/200 application/json example `Connection Get Response Example`", "omits required property `configurations`"),
    ("POST /destinations responses/200 application/json example `Destination Creation Response Example`", "omits required property `configuration`"),
    ("GET /destinations/{destinationId} responses/200 application/json example `Destination Get Response Example`", "omits required property `createdAt`"),
    ("PUT /destinations/{destinationId} responses/200 application/json example `Destination Update Response Example`", "omits required property `createdAt`"),
    ("PATCH /destinations/{destinationId} responses/200 application/json example `Destination Update Response Example`", "omits required property `createdAt`"),
    ("GET /jobs parameter `createdAtStart` example#0", "epoch milliseconds; the schema says `format: date-time`"),
    ("GET /jobs parameter `createdAtEnd` example#0", "epoch milliseconds; the schema says `format: date-time`"),
    ("GET /jobs parameter `updatedAtStart` example#0", "epoch milliseconds; the schema says `format: date-time`"),
    ("GET /jobs parameter `updatedAtEnd` example#0", "epoch milliseconds; the schema says `format: date-time`"),
    ("GET /jobs responses/200 application/json example `Job List Response Example`", "omits required property `connectionId`"),
    ("POST /jobs responses/200 application/json example `Job Creation Response Example`", "omits required property `connectionId`"),
    ("GET /jobs/{jobId} responses/200 application/json example `Job Get Response Example`", "omits required property `connectionId`"),
    ("GET /sources parameter `workspaceIds` example#0", "written in serialised query form (comma-joined), not as the array value"),
    ("POST /sources responses/200 application/json example `Source Creation Response Example`", "omits required property `configuration`"),
    ("GET /sources/{sourceId} responses/200 application/json example `Source Get Response Example`", "omits required property `configuration`"),
    ("PUT /sources/{sourceId} requestBody application/json example `Source Update Request Example`", "carries undeclared `workspaceId` (ignored on decode)"),
    ("PUT /sources/{sourceId} responses/200 application/json example `Source Update Response Example`", "omits required property `configuration`"),
    ("PATCH /sources/{sourceId} responses/200 application/json example `Source Update Response Example`", "omits required property `configuration`"),
    ("POST /workspaces responses/200 application/json example `Workspace Creation Response Example`", "omits required property `dataResidency`"),
    ("GET /workspaces/{workspaceId} responses/200 application/json example `Workspace Get Response Example`", "omits required property `notifications`"),
    ("PATCH /workspaces/{workspaceId} responses/200 application/json example `Workspace Update Response Example`", "omits required property `dataResidency`"),
];

const CONFIG_API_INVALID: &[(&str, &str)] = &[
    ("#/components/schemas/ConnectionsResponse/example#0", "omits required property `configurations`"),
    ("#/components/schemas/ConnectorDefinitionResponse/example#0", "omits required property `connectorDefinitionType`"),
    ("#/components/schemas/DestinationResponse/example#0", "omits required property `configuration`"),
    ("#/components/schemas/DestinationsResponse/example#0", "`data` is one object; the schema says an array"),
    ("#/components/schemas/InitiateOauthRequest/example#0", "carries undeclared `destinationId` (ignored on decode)"),
    ("#/components/schemas/JobResponse/example#0", "omits required property `connectionId`"),
    ("#/components/schemas/JobsResponse/example#0", "omits required property `connectionId`"),
    ("#/components/schemas/SourceResponse/example#0", "omits required property `configuration`"),
    ("#/components/schemas/SourcesResponse/example#0", "`data` is one object; the schema says an array"),
    ("#/components/schemas/WorkspacesResponse/example#0", "`data` is one object; the schema says an array"),
    ("GET /public/v1/applications responses/200 application/json example `Application List Response Example`", "`createdAt` is an RFC 3339 string; the schema says int64"),
    ("POST /public/v1/applications responses/200 application/json example `Application Creation Response Example`", "`createdAt` is an RFC 3339 string; the schema says int64"),
    ("POST /public/v1/applications/token responses/200 application/json example `Application Creation Response Example`", "omits required property `expires_in`"),
    ("GET /public/v1/applications/{applicationId} responses/200 application/json example `Application Get Response Example`", "`createdAt` is an RFC 3339 string; the schema says int64"),
    ("DELETE /public/v1/applications/{applicationId} responses/200 application/json example `Application Delete Response Example`", "`createdAt` is an RFC 3339 string; the schema says int64"),
    ("POST /public/v1/connections responses/200 application/json example `Connection Creation Response Example`", "omits required property `configurations`"),
    ("GET /public/v1/connections/{connectionId} responses/200 application/json example `Connection Get Response Example`", "omits required property `configurations`"),
    ("PATCH /public/v1/connections/{connectionId} requestBody application/json example `Connection Update Request Example`", "carries undeclared `destinationId`, `sourceId` (ignored on decode)"),
    ("PATCH /public/v1/connections/{connectionId} responses/200 application/json example `Connection Get Response Example`", "omits required property `configurations`"),
    ("POST /public/v1/destinations responses/200 application/json example `Destination Creation Response Example`", "omits required property `configuration`"),
    ("GET /public/v1/destinations/{destinationId} responses/200 application/json example `Destination Get Response Example`", "omits required property `createdAt`"),
    ("PUT /public/v1/destinations/{destinationId} responses/200 application/json example `Destination Update Response Example`", "omits required property `createdAt`"),
    ("PATCH /public/v1/destinations/{destinationId} responses/200 application/json example `Destination Update Response Example`", "omits required property `createdAt`"),
    ("GET /public/v1/jobs responses/200 application/json example `Job List Response Example`", "omits required property `connectionId`"),
    ("POST /public/v1/jobs responses/200 application/json example `Job Creation Response Example`", "omits required property `connectionId`"),
    ("GET /public/v1/jobs/{jobId} responses/200 application/json example `Job Get Response Example`", "omits required property `connectionId`"),
    ("GET /public/v1/sources parameter `workspaceIds` example#0", "written in serialised query form (comma-joined), not as the array value"),
    ("POST /public/v1/sources responses/200 application/json example `Source Creation Response Example`", "omits required property `configuration`"),
    ("GET /public/v1/sources/{sourceId} responses/200 application/json example `Source Get Response Example`", "omits required property `configuration`"),
    ("PUT /public/v1/sources/{sourceId} requestBody application/json example `Source Update Request Example`", "carries undeclared `workspaceId` (ignored on decode)"),
    ("PUT /public/v1/sources/{sourceId} responses/200 application/json example `Source Update Response Example`", "omits required property `configuration`"),
    ("PATCH /public/v1/sources/{sourceId} responses/200 application/json example `Source Update Response Example`", "omits required property `configuration`"),
    ("POST /public/v1/workspaces responses/200 application/json example `Workspace Creation Response Example`", "omits required property `dataResidency`"),
    ("GET /public/v1/workspaces/{workspaceId} responses/200 application/json example `Workspace Get Response Example`", "omits required property `notifications`"),
    ("PATCH /public/v1/workspaces/{workspaceId} responses/200 application/json example `Workspace Update Response Example`", "omits required property `dataResidency`"),
];

/// Values equal as JSON data: numbers by value (`1` = `1.0`), timestamps by
/// instant (`…00.000Z` = `…00Z`).
fn canonical(v: &Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map(Value::from).unwrap_or_else(|| v.clone()),
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::String(t.with_timezone(&chrono::Utc).to_rfc3339()),
            Err(_) => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), canonical(v))).collect()),
        Value::Null | Value::Bool(_) => v.clone(),
    }
}

fn check(examples: Vec<Example>, invalid: &[(&str, &str)]) -> usize {
    assert!(!examples.is_empty(), "the spec has examples; finding none means the collector broke");
    let mut failures = Vec::new();
    for ex in &examples {
        let original: Value = serde_json::from_str(ex.json).expect("examples are JSON written by build.rs");
        let result = (ex.roundtrip)(ex.json).and_then(|back| {
            if canonical(&back) == canonical(&original) {
                Ok(())
            } else {
                Err(format!("re-encoded differently:\n    before: {original}\n    after:  {back}"))
            }
        });
        let allowed = invalid.iter().find(|(p, _)| *p == ex.pointer);
        match (result, allowed) {
            (Ok(()), None) => {}
            (Ok(()), Some(_)) => failures.push(format!("{}: listed as invalid but passes; remove it", ex.pointer)),
            (Err(_), Some(_)) => {}
            (Err(e), None) => failures.push(format!("{} as {}: {e}", ex.pointer, ex.rust_type)),
        }
    }
    for (pointer, _) in invalid {
        if !examples.iter().any(|e| e.pointer == *pointer) {
            failures.push(format!("{pointer}: listed as invalid but no longer in the spec; remove it"));
        }
    }
    assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), examples.len(), failures.join("\n"));
    examples.len()
}

/// Connector examples and defaults that the document itself gets wrong, by
/// JSON pointer, each with the reason (checked against the schema).
const AIRBYTE_API_SDK_INVALID: &[(&str, &str)] = &include!("connector_examples_invalid.rs");

#[test]
fn connector_examples_and_defaults_roundtrip() {
    let examples = airbyte_api_sdk_examples();
    // With a few connector features on, only their examples are here; the
    // allow-list entries of the others cannot be checked.
    let invalid: Vec<(&str, &str)> = AIRBYTE_API_SDK_INVALID
        .iter()
        .copied()
        .filter(|(p, _)| AIRBYTE_API_SDK_EXAMPLES_ALL || examples.iter().any(|e| e.pointer == *p))
        .collect();
    let n = check(examples, &invalid);
    eprintln!("{n} connector examples and defaults (all connectors: {AIRBYTE_API_SDK_EXAMPLES_ALL})");
}

#[test]
fn airbyte_api_examples_roundtrip() {
    let n = check(airbyte_api_examples(), AIRBYTE_API_INVALID);
    eprintln!("{n} examples");
}

#[test]
fn config_api_examples_roundtrip() {
    let n = check(config_api_examples(), CONFIG_API_INVALID);
    eprintln!("{n} examples");
}
