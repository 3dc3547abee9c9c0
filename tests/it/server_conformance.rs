//! What schemathesis checks of the generated servers (issue 9), kept as
//! regression tests on loopback: every validation keyword of the spec is
//! enforced (bounds, lengths, patterns incl. leading lookaheads, formats,
//! closed objects), a rejection answers a status the operation documents in
//! its documented error shape, the mock serves under the server URL's base
//! path too, and a 204 has no body.

use airbyte_api_server as api;
use airbyte_config_api_server as config;
use serde_json::{json, Value};

use super::server::serve;

const WS: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/// `(method, path, body or None, status, field the error names)`.
type Case = (&'static str, String, Option<Value>, u16, &'static str);

/// Send each case to `base`; the status and the named field must be as expected,
/// and the answer must be one the operation documents (`operation_of` finds its id).
async fn check(base: &str, cases: Vec<Case>, documented: impl Fn(&str, &str, u16, Option<&str>, &[u8]) -> bool) {
    let http = reqwest::Client::new();
    for (method, path, body, want, field) in cases {
        let mut req = http.request(method.parse().unwrap(), format!("{base}{path}")).bearer_auth("t");
        if let Some(b) = &body {
            req = req.header("content-type", "application/json").body(b.to_string());
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
        let bytes = r.bytes().await.unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let case = format!("{method} {path} {body:?} -> {status} {text}");
        assert_eq!(status, want, "{case}");
        assert!(documented(method, &path, status, ct.as_deref(), &bytes), "undocumented answer: {case}");
        if !field.is_empty() {
            assert!(text.contains(field), "the error names `{field}`: {case}");
        }
    }
}

/// The operation `method path` of a spec (the mock's base path stripped), by its route template.
fn operation_id(
    ops: impl Iterator<Item = (&'static str, &'static str, &'static str)>,
    method: &str,
    path: &str,
) -> &'static str {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut found = None;
    for (m, template, id) in ops {
        let t: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        let fits = m == method
            && (0..=1).any(|skip| {
                let s = &segments[skip.min(segments.len())..];
                s.len() == t.len() && t.iter().zip(s).all(|(t, s)| t.starts_with('{') || t == s)
            });
        if fits {
            found = Some(id);
        }
    }
    found.unwrap_or_else(|| panic!("no operation for {method} {path}"))
}

#[tokio::test]
async fn the_airbyte_api_mock_enforces_constraints_with_documented_statuses() {
    let base = serve(api::mock::router()).await;
    let org = format!("organizationId={WS}");
    let cases: Vec<Case> = vec![
        // Parameters: bounds, array item formats, repeated single values.
        ("GET", "/v1/workspaces?limit=1000".into(), None, 400, "at most 100"),
        ("GET", "/v1/workspaces?limit=0".into(), None, 400, "at least 1"),
        ("GET", "/v1/workspaces?offset=-1".into(), None, 400, "offset"),
        ("GET", "/v1/workspaces?workspaceIds=nope".into(), None, 400, "workspaceIds/0"),
        ("GET", format!("/v1/users?{org}&emails=not-an-email"), None, 400, "not an email address"),
        ("GET", format!("/v1/users?{org}&emails=a@example.com"), None, 200, ""),
        ("GET", "/v1/workspaces?includeDeleted=true&includeDeleted=false".into(), None, 400, "includeDeleted"),
        // A path parameter of an operation documenting 404 but neither 400 nor 422.
        ("GET", "/v1/workspaces/not-a-uuid".into(), None, 404, "workspaceId"),
        // A 204 carries no body.
        ("DELETE", format!("/v1/workspaces/{WS}"), None, 204, ""),
        // The mock also serves the paths at the root; other prefixes are unknown.
        ("GET", "/v1/health".into(), None, 200, ""),
        ("GET", "/health".into(), None, 200, ""),
        ("GET", "/v2/health".into(), None, 404, ""),
    ];
    check(&base, cases, |method, path, status, ct, body| {
        if path.starts_with("/v2") {
            return status == 404;
        }
        if status == 204 {
            return body.is_empty() && ct.is_none();
        }
        let id = operation_id(api::operations(), method, path);
        // A status documented without a body schema may carry the JSON error.
        api::check_response(id, status, ct, body).is_ok_or_else_documented()
    })
    .await;
}

#[tokio::test]
async fn the_config_api_mock_enforces_constraints_with_documented_statuses() {
    let base = serve(config::mock::router()).await;
    let link = |name: &str, bucket: &str, region: &str| {
        json!({
            "workspaceId": WS,
            "name": name,
            "serviceConfig": {"type": "storage", "bucket": bucket, "region": region},
        })
    };
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/api/v1/audit_logs/list".into(),
            Some(json!({"organizationId": WS, "pageSize": 201})),
            422,
            "at most 200",
        ),
        ("POST", "/v1/audit_logs/list".into(), Some(json!({"organizationId": WS, "pageSize": 0})), 422, "at least 1"),
        ("POST", "/v1/audit_logs/list".into(), Some(json!({"organizationId": WS, "pageSize": 200})), 200, ""),
        // Patterns (one with leading negative lookaheads) and lengths.
        ("POST", "/v1/private_link/create".into(), Some(link("ok-name", "my.bucket", "us-east-1")), 200, ""),
        ("POST", "/v1/private_link/create".into(), Some(link("Bad_Name", "my.bucket", "us-east-1")), 422, "/name"),
        (
            "POST",
            "/v1/private_link/create".into(),
            Some(link(&"a".repeat(64), "my.bucket", "us-east-1")),
            422,
            "too long",
        ),
        ("POST", "/v1/private_link/create".into(), Some(link("ok", "my..bucket", "us-east-1")), 422, "/bucket"),
        ("POST", "/v1/private_link/create".into(), Some(link("ok", "10.0.0.1", "us-east-1")), 422, "/bucket"),
        ("POST", "/v1/private_link/create".into(), Some(link("ok", "my.bucket", "east")), 422, "/region"),
        // Closed objects (additionalProperties: false).
        (
            "POST",
            "/v1/connections/list_by_actor_definition".into(),
            Some(json!({"actorDefinitionId": WS, "actorType": "source", "extra": 1})),
            422,
            "/extra",
        ),
        (
            "POST",
            "/v1/connections/list_by_actor_definition".into(),
            Some(json!({"actorDefinitionId": WS, "actorType": "source"})),
            200,
            "",
        ),
        // A malformed path parameter of an operation documenting 404 but neither 400 nor 422.
        ("GET", "/api/public/v1/workspaces/not-a-uuid".into(), None, 404, "workspaceId"),
        // Parameters of an operation documenting only 422: the 422, in its shape.
        ("GET", "/public/v1/workspaces?limit=101".into(), None, 422, "limit"),
        ("POST", "/v1/workspaces/get".into(), None, 422, "missing request body"),
    ];
    check(&base, cases, |method, path, status, ct, body| {
        let id = operation_id(config::operations(), method, path);
        config::check_response(id, status, ct, body).is_ok_or_else_documented()
    })
    .await;
}

#[tokio::test]
async fn the_validation_status_follows_what_the_operation_documents() {
    // The typed router makes the same choice as the mock: getWorkspace (Config
    // API) documents 404 and 422, so a malformed body gets the 422 shape.
    let base = serve(config::router(Noop)).await;
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/workspaces/get"))
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert!(body["validationErrors"].is_array(), "InvalidInputExceptionInfo shape: {body}");
}

/// `check_response` passed, or failed only because the status documents no body.
trait Documented {
    fn is_ok_or_else_documented(&self) -> bool;
}

impl Documented for Result<(), String> {
    fn is_ok_or_else_documented(&self) -> bool {
        match self {
            Ok(()) => true,
            Err(e) => e.contains("documents no body"),
        }
    }
}

struct Noop;
impl config::Api for Noop {}
