//! The generated clients against a real HTTP server on loopback: what each
//! kind of operation sends, auth per scheme (with token refresh), retries,
//! pagination, typed errors, forward compatibility and garbage responses.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use airbyte_api_client as api;
use airbyte_config_api_client as config;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde_json::{json, Value};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A canned response.
#[derive(Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    /// How long the server waits before answering.
    pub delay: Duration,
}

pub(crate) fn reply(status: u16, body: Value) -> Reply {
    Reply {
        status,
        headers: vec![("content-type", "application/json".into())],
        body: body.to_string(),
        delay: Duration::ZERO,
    }
}

pub(crate) fn raw_reply(status: u16, headers: Vec<(&'static str, String)>, body: impl Into<String>) -> Reply {
    Reply { status, headers, body: body.into(), delay: Duration::ZERO }
}

#[derive(Default)]
struct State {
    seen: Mutex<Vec<Seen>>,
    replies: Mutex<VecDeque<Reply>>,
    token_calls: AtomicUsize,
    /// The access token the server accepts; others get 401.
    valid_token: Mutex<Option<String>>,
}

pub(crate) struct Server {
    pub base: String,
    state: Arc<State>,
}

impl Server {
    pub async fn start() -> Server {
        let state = Arc::new(State::default());
        let s = state.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let s = s.clone();
            async move { handle(s, method, uri, headers, body).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server { base: format!("http://{addr}"), state }
    }

    pub fn push(&self, r: Reply) {
        self.state.replies.lock().unwrap().push_back(r);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    fn api_client(&self) -> api::ClientBuilder {
        api::Client::builder()
            .base_url(&self.base)
            .retry(api::RetryPolicy { initial_backoff: Duration::from_millis(1), ..api::RetryPolicy::default() })
    }

    fn config_client(&self) -> config::ClientBuilder {
        config::Client::builder().base_url(&self.base)
    }
}

async fn handle(s: Arc<State>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    if uri.path() == "/applications/token" {
        let n = s.token_calls.fetch_add(1, Ordering::SeqCst) + 1;
        // Slow enough that concurrent callers overlap with the exchange.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let token = format!("token-{n}");
        *s.valid_token.lock().unwrap() = Some(token.clone());
        s.seen.lock().unwrap().push(Seen { method, path: uri.path().into(), query: None, headers, body });
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            json!({"access_token": token, "token_type": "Bearer", "expires_in": 180}).to_string(),
        )
            .into_response();
    }
    if let Some(valid) = s.valid_token.lock().unwrap().clone() {
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth != format!("Bearer {valid}") {
            s.seen.lock().unwrap().push(Seen {
                method,
                path: uri.path().into(),
                query: uri.query().map(Into::into),
                headers,
                body,
            });
            return StatusCode::UNAUTHORIZED.into_response();
        }
    }
    s.seen.lock().unwrap().push(Seen {
        method,
        path: uri.path().into(),
        query: uri.query().map(Into::into),
        headers,
        body,
    });
    let r = s.replies.lock().unwrap().pop_front().unwrap_or_else(|| reply(200, json!({})));
    tokio::time::sleep(r.delay).await;
    let mut resp = Response::builder().status(r.status);
    for (k, v) in &r.headers {
        resp = resp.header(*k, v);
    }
    resp.body(axum::body::Body::from(r.body)).unwrap()
}

fn source(id: u32) -> Value {
    json!({
        "sourceId": format!("00000000-0000-0000-0000-{id:012}"),
        "name": format!("source {id}"),
        "sourceType": "postgres",
        "workspaceId": "11111111-1111-1111-1111-111111111111",
        "definitionId": "22222222-2222-2222-2222-222222222222",
        "configuration": {"host": "db"},
        "createdAt": 1717969830000i64,
    })
}

#[tokio::test]
async fn get_sends_path_and_query_parameters() {
    let server = Server::start().await;
    server.push(reply(200, source(7)));
    let client = server.api_client().bearer_token("tok").build().unwrap();
    let id: uuid::Uuid = "00000000-0000-0000-0000-000000000007".parse().unwrap();
    let resp = client.get_source(&id, api::GetSourceParams { include_secret_coordinates: Some(true) }).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body.name, "source 7");
    let seen = &server.seen()[0];
    assert_eq!(seen.method, Method::GET);
    assert_eq!(seen.path, "/sources/00000000-0000-0000-0000-000000000007");
    assert_eq!(seen.query.as_deref(), Some("includeSecretCoordinates=true"));
    assert_eq!(seen.headers["authorization"], "Bearer tok");
    assert_eq!(seen.headers["accept"], "application/json");
    assert!(seen.body.is_empty());
}

#[tokio::test]
async fn arrays_and_enums_in_the_query_follow_style_and_explode() {
    let server = Server::start().await;
    server.push(reply(200, json!({"data": []})));
    let client = server.api_client().bearer_token("tok").build().unwrap();
    let params = api::ListJobsParams {
        workspace_ids: Some(vec![
            "11111111-1111-1111-1111-111111111111".parse().unwrap(),
            "22222222-2222-2222-2222-222222222222".parse().unwrap(),
        ]),
        status: Some(api::types::JobStatusEnum::Running),
        limit: Some(5),
        ..Default::default()
    };
    client.list_jobs(params).await.unwrap();
    let q = server.seen()[0].query.clone().unwrap();
    // `form` + `explode: true`: one pair per array item.
    assert_eq!(
        q,
        "limit=5&workspaceIds=11111111-1111-1111-1111-111111111111&workspaceIds=22222222-2222-2222-2222-222222222222&status=running"
    );
}

#[tokio::test]
async fn post_sends_a_json_body() {
    let server = Server::start().await;
    server.push(reply(200, json!({"workspaceId": "11111111-1111-1111-1111-111111111111", "name": "w", "slug": "w", "initialSetupComplete": false, "organizationId": "22222222-2222-2222-2222-222222222222"})));
    let client = server.config_client().basic_auth("airbyte", "password").build().unwrap();
    let body: config::types::WorkspaceCreate =
        serde_json::from_value(json!({"name": "w", "organizationId": "22222222-2222-2222-2222-222222222222"})).unwrap();
    let _ = client.create_workspace(&body).await;
    let seen = &server.seen()[0];
    assert_eq!(seen.method, Method::POST);
    assert_eq!(seen.path, "/v1/workspaces/create");
    assert_eq!(seen.headers["content-type"], "application/json");
    // `airbyte:password` in base64.
    assert_eq!(seen.headers["authorization"], "Basic YWlyYnl0ZTpwYXNzd29yZA==");
    let sent: Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(sent, serde_json::to_value(&body).unwrap());
}

#[tokio::test]
async fn the_caller_chooses_json_or_form_for_the_token_request() {
    let server = Server::start().await;
    let client = server.api_client().build().unwrap();
    let body = api::types::ApplicationTokenRequestWithGrant {
        client_id: "id".into(),
        client_secret: "s3cret".into(),
        grant_type: api::types::ApplicationTokenRequestWithGrantGrantType::ClientCredentials,
    };
    server.push(reply(200, json!({"access_token": "a", "token_type": "Bearer", "expires_in": 3})));
    client.create_access_token(&body).await.unwrap();
    server.push(reply(200, json!({"access_token": "a", "token_type": "Bearer", "expires_in": 3})));
    client.create_access_token_as_form(&body).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].headers["content-type"], "application/json");
    assert_eq!(
        serde_json::from_slice::<Value>(&seen[0].body).unwrap(),
        json!({"client_id": "id", "client_secret": "s3cret", "grant_type": "client_credentials"})
    );
    assert_eq!(seen[1].headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(
        std::str::from_utf8(&seen[1].body).unwrap(),
        "client_id=id&client_secret=s3cret&grant_type=client_credentials"
    );
    // `security: []`: no credentials on the token exchange itself.
    assert!(seen.iter().all(|s| !s.headers.contains_key("authorization")));
}

#[tokio::test]
async fn client_credentials_are_exchanged_once_and_shared() {
    let server = Server::start().await;
    let client = server.api_client().client_credentials("app", "s3cret").build().unwrap();
    let id: uuid::Uuid = "00000000-0000-0000-0000-000000000001".parse().unwrap();
    for _ in 0..8 {
        server.push(reply(200, source(1)));
    }
    let calls = (0..8).map(|_| client.get_source(&id, Default::default()));
    let results = futures_util::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(server.state.token_calls.load(Ordering::SeqCst), 1, "one exchange shared by 8 concurrent calls");
    let seen = server.seen();
    let exchange = seen.iter().find(|s| s.path == "/applications/token").unwrap();
    assert_eq!(
        std::str::from_utf8(&exchange.body).unwrap(),
        "grant_type=client_credentials&client_id=app&client_secret=s3cret"
    );
    assert!(seen
        .iter()
        .filter(|s| s.path != "/applications/token")
        .all(|s| s.headers["authorization"] == "Bearer token-1"));
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries() {
    let server = Server::start().await;
    let client = server.api_client().client_credentials("app", "s3cret").build().unwrap();
    let id: uuid::Uuid = "00000000-0000-0000-0000-000000000001".parse().unwrap();
    server.push(reply(200, source(1)));
    client.get_source(&id, Default::default()).await.unwrap();
    // The server revokes token-1.
    *server.state.valid_token.lock().unwrap() = Some("revoked".into());
    server.push(reply(200, source(1)));
    // The 401 makes the client refresh; the new token (token-2) is then valid.
    let resp = client.get_source(&id, Default::default()).await;
    assert!(resp.is_ok(), "{resp:?}");
    assert_eq!(server.state.token_calls.load(Ordering::SeqCst), 2);
    let last = server.seen().into_iter().rev().find(|s| s.path.starts_with("/sources/")).unwrap();
    assert_eq!(last.headers["authorization"], "Bearer token-2");

    // Revoked again while 8 calls are in flight: they all get a 401, and share one refresh.
    *server.state.valid_token.lock().unwrap() = Some("revoked".into());
    for _ in 0..8 {
        server.push(reply(200, source(1)));
    }
    let results = futures_util::future::join_all((0..8).map(|_| client.get_source(&id, Default::default()))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(server.state.token_calls.load(Ordering::SeqCst), 3);

    // A token endpoint that refuses the credentials is an auth error naming the operation.
    let refusing = Server::start().await;
    refusing.push(raw_reply(401, vec![], ""));
    let client = api::Client::builder().base_url(format!("{}/nowhere", refusing.base)).client_credentials("a", "b");
    let err = client.build().unwrap().get_source(&id, Default::default()).await.unwrap_err();
    assert!(matches!(&err, api::Error::Auth { operation: "getSource", .. }), "{err:?}");
    assert!(err.to_string().contains("401"), "{err}");
    assert_eq!(refusing.seen()[0].path, "/nowhere/applications/token");
}

#[tokio::test]
async fn retries_honour_retry_after_for_idempotent_methods_only() {
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    let id: uuid::Uuid = "00000000-0000-0000-0000-000000000001".parse().unwrap();
    server.push(raw_reply(503, vec![("retry-after", "1".into())], ""));
    server.push(reply(429, json!({})));
    server.push(reply(200, source(1)));
    let started = std::time::Instant::now();
    client.get_source(&id, Default::default()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert_eq!(server.seen().len(), 3);

    // POST is not retried unless asked.
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    server.push(reply(503, json!({})));
    let err = client.create_source(None).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.seen().len(), 1);
    server.push(reply(503, json!({})));
    server.push(reply(200, source(2)));
    let opted = client.with_options(api::CallOptions {
        retry: Some(api::RetryPolicy {
            retry_non_idempotent: true,
            initial_backoff: Duration::from_millis(1),
            ..Default::default()
        }),
        ..Default::default()
    });
    opted.create_source(None).await.unwrap();
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn pagination_follows_next_links_to_the_end() {
    let server = Server::start().await;
    let base = server.base.clone();
    server
        .push(reply(200, json!({"data": [source(1), source(2)], "next": format!("{base}/sources?limit=2&offset=2")})));
    server
        .push(reply(200, json!({"data": [source(3), source(4)], "next": format!("{base}/sources?limit=2&offset=4")})));
    server.push(reply(200, json!({"data": [source(5)]})));
    let client = server.api_client().bearer_token("tok").build().unwrap();
    let names: Vec<String> = client
        .list_sources_stream(api::ListSourcesParams { limit: Some(2), ..Default::default() })
        .map(|r| r.unwrap().name)
        .collect()
        .await;
    assert_eq!(names, ["source 1", "source 2", "source 3", "source 4", "source 5"]);
    let queries: Vec<String> = server.seen().iter().map(|s| s.query.clone().unwrap_or_default()).collect();
    assert_eq!(queries, ["limit=2", "limit=2&offset=2", "limit=2&offset=4"]);
}

#[tokio::test]
async fn documented_errors_decode_by_status() {
    let server = Server::start().await;
    let client = server.config_client().build().unwrap();
    let body = config::types::SourceIdRequestBody { source_id: uuid::Uuid::nil() };
    server.push(reply(404, json!({"message": "no such source", "id": "x"})));
    match client.get_source(&body).await {
        Err(config::Error::Api { status: 404, error: config::GetSourceError::Status404(info), .. }) => {
            assert_eq!(info.message.as_deref(), Some("no such source"))
        }
        other => panic!("expected a typed 404, got {other:?}"),
    }
    server.push(reply(422, json!({"message": "bad", "validationErrors": []})));
    assert!(matches!(
        client.get_source(&body).await,
        Err(config::Error::Api { error: config::GetSourceError::Status422(_), .. })
    ));
    server.push(raw_reply(418, vec![("x-teapot", "yes".into())], "short and stout"));
    match client.get_source(&body).await {
        Err(config::Error::UnexpectedStatus { response, .. }) => {
            assert_eq!(response.status, 418);
            assert_eq!(response.headers["x-teapot"], "yes");
            assert_eq!(&response.body[..], b"short and stout");
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_from_a_newer_server_decode() {
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    server.push(reply(
        200,
        json!({
            "jobId": 1, "status": "paused_by_the_future", "jobType": "sync", "startTime": "2024-01-01T00:00:00Z",
            "connectionId": "11111111-1111-1111-1111-111111111111", "brandNewField": {"nested": true}
        }),
    ));
    let job = client.get_job(&1).await.unwrap().into_inner();
    assert_eq!(job.status, api::types::JobStatusEnum::Unknown("paused_by_the_future".into()));
}

#[tokio::test]
async fn garbage_is_a_clear_error_not_a_panic() {
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    let id: uuid::Uuid = "00000000-0000-0000-0000-000000000001".parse().unwrap();
    server.push(raw_reply(200, vec![], "<html>oops"));
    let err = client.get_source(&id, Default::default()).await.unwrap_err();
    assert!(matches!(err, api::Error::Decode { status: 200, .. }), "{err:?}");
    let mut bad = source(1);
    bad["createdAt"] = json!("yesterday");
    server.push(reply(200, bad));
    let err = client.get_source(&id, Default::default()).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("getSource") && text.contains("200") && text.contains("createdAt"), "{text}");
}

#[tokio::test]
async fn secrets_never_show_in_debug() {
    let client = api::Client::builder().client_credentials("app", "s3cret").bearer_token("tok-123").build().unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("app"));
    assert!(!shown.contains("s3cret") && !shown.contains("tok-123"), "{shown}");
}

fn uuid(n: u32) -> uuid::Uuid {
    uuid::Uuid::from_u128(u128::from(n))
}

#[tokio::test]
async fn patch_and_delete_send_their_method_path_and_body() {
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    server.push(reply(200, source(9)));
    let patch = api::types::SourcePatchRequest { name: Some("renamed".into()), ..Default::default() };
    let resp = client.patch_source(&uuid(9), Some(&patch)).await.unwrap();
    assert_eq!(resp.into_inner().name, "source 9");
    server.push(raw_reply(204, vec![], ""));
    let resp = client.delete_source(&uuid(9)).await.unwrap();
    assert_eq!(resp.status, 204);
    let seen = server.seen();
    assert_eq!(seen[0].method, Method::PATCH);
    assert_eq!(seen[0].path, "/sources/00000000-0000-0000-0000-000000000009");
    assert_eq!(seen[0].headers["content-type"], "application/json");
    assert_eq!(serde_json::from_slice::<Value>(&seen[0].body).unwrap(), json!({"name": "renamed"}));
    assert_eq!(seen[1].method, Method::DELETE);
    assert_eq!(seen[1].path, "/sources/00000000-0000-0000-0000-000000000009");
    assert!(seen[1].body.is_empty() && !seen[1].headers.contains_key("content-type"));
}

#[tokio::test]
async fn operations_without_credentials_or_with_optional_auth_send_none() {
    let server = Server::start().await;
    // The Configuration API accepts bearer, basic or nothing (`{}`).
    let client = server.config_client().build().unwrap();
    server.push(reply(200, json!({"available": true})));
    client.get_health_check().await.unwrap();
    server.push(reply(404, json!({"message": "none"})));
    let _ = client.get_source(&config::types::SourceIdRequestBody { source_id: uuid(1) }).await;
    assert!(server.seen().iter().all(|s| !s.headers.contains_key("authorization")));
    assert_eq!(api::Client::builder().build().unwrap().base_url(), api::DEFAULT_BASE_URL);
    assert_eq!(api::DEFAULT_BASE_URL, "https://api.airbyte.com/v1");
}

#[tokio::test]
async fn text_bodies_decode_as_strings() {
    let server = Server::start().await;
    let client = server.config_client().build().unwrap();
    server.push(raw_reply(200, vec![("content-type", "text/plain".into())], "openapi: 3.0.0\n"));
    let spec = client.get_open_api_spec().await.unwrap();
    assert_eq!(spec.body, "openapi: 3.0.0\n");
    assert_eq!(server.seen()[0].headers["accept"], "text/plain");
}

#[tokio::test]
async fn large_downloads_stream_in_chunks_and_errors_still_decode() {
    let server = Server::start().await;
    let client = server.config_client().build().unwrap();
    let payload: String = (0..4 << 20).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    server.push(raw_reply(200, vec![("content-type", "application/zip".into())], payload.clone()));
    let resp = client.generate_diagnostic_report_body_stream(None).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.headers["content-type"], "application/zip");
    let mut body = resp.into_inner();
    let (mut received, mut chunks) = (Vec::new(), 0);
    while let Some(chunk) = body.chunk().await.unwrap() {
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert!(received == payload.as_bytes(), "the whole payload arrives, in order");
    assert!(chunks > 1, "read in {chunks} chunk(s)");
    // The download asks for its own format first.
    assert_eq!(server.seen()[0].headers["accept"], "application/zip, application/json");

    server.push(reply(422, json!({"message": "bad request", "validationErrors": []})));
    match client.generate_diagnostic_report_body_stream(None).await {
        Err(config::Error::Api { status: 422, error: config::GenerateDiagnosticReportError::Status422(e), .. }) => {
            assert_eq!(e.message, "bad request")
        }
        other => panic!("expected a typed 422, got {other:?}"),
    }
    // The buffered method returns the same bytes.
    server.push(raw_reply(200, vec![("content-type", "application/zip".into())], "PK\u{3}\u{4}"));
    let whole = client.generate_diagnostic_report(None).await.unwrap();
    assert_eq!(&whole.body[..], b"PK\x03\x04");
}

#[tokio::test]
async fn timed_out_attempts_are_retried_and_per_call_timeouts_apply() {
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    let slow = || Reply { delay: Duration::from_millis(700), ..reply(200, source(1)) };
    server.push(slow());
    server.push(reply(200, source(1)));
    let quick = client.with_options(api::CallOptions {
        timeout: Some(Duration::from_millis(150)),
        retry: Some(api::RetryPolicy { initial_backoff: Duration::from_millis(1), ..Default::default() }),
    });
    assert_eq!(quick.get_source(&uuid(1), Default::default()).await.unwrap().body.name, "source 1");
    assert_eq!(server.seen().len(), 2, "the timed-out attempt was retried");

    server.push(slow());
    let once = client.with_options(api::CallOptions {
        timeout: Some(Duration::from_millis(150)),
        retry: Some(api::RetryPolicy::none()),
    });
    match once.get_source(&uuid(1), Default::default()).await {
        Err(api::Error::Transport { operation: "getSource", source }) => assert!(source.is_timeout(), "{source}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn retry_after_beyond_the_time_budget_is_not_waited_for() {
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    // An HTTP date in the past: retry at once.
    server.push(raw_reply(503, vec![("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT".into())], ""));
    server.push(reply(200, source(1)));
    let started = std::time::Instant::now();
    client.get_source(&uuid(1), Default::default()).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    // An hour is past `max_elapsed`: the 503 is returned instead.
    server.push(raw_reply(503, vec![("retry-after", "3600".into())], ""));
    let started = std::time::Instant::now();
    let err = client.get_source(&uuid(1), Default::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.seen().len(), 3);
}

/// Records what a hook saw, and adds a header.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl api::RequestHook for Recorder {
    fn on_request(&self, operation: &'static str, request: &mut reqwest::Request) {
        request.headers_mut().insert("x-trace-id", reqwest::header::HeaderValue::from_static("trace-1"));
        self.0.lock().unwrap().push(format!("request {operation}"));
    }
    fn on_response(&self, operation: &'static str, status: u16, _elapsed: Duration) {
        self.0.lock().unwrap().push(format!("response {operation} {status}"));
    }
    fn on_error(&self, operation: &'static str, _error: &reqwest::Error) {
        self.0.lock().unwrap().push(format!("error {operation}"));
    }
}

#[tokio::test]
async fn hooks_see_every_attempt_and_add_headers() {
    let server = Server::start().await;
    let hook = Recorder::default();
    let client = server.api_client().bearer_token("tok").hook(hook.clone()).build().unwrap();
    server.push(reply(502, json!({})));
    server.push(reply(200, source(1)));
    client.get_source(&uuid(1), Default::default()).await.unwrap();
    assert_eq!(
        *hook.0.lock().unwrap(),
        ["request getSource", "response getSource 502", "request getSource", "response getSource 200"]
    );
    assert!(server.seen().iter().all(|s| s.headers["x-trace-id"] == "trace-1"));

    // Connection refused: retried like any connection error, and reported to hooks.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let hook = Recorder::default();
    let client = api::Client::builder()
        .base_url(format!("http://{closed}"))
        .bearer_token("tok")
        .hook(hook.clone())
        .retry(api::RetryPolicy { initial_backoff: Duration::from_millis(1), ..Default::default() })
        .build()
        .unwrap();
    let err = client.get_source(&uuid(1), Default::default()).await.unwrap_err();
    assert!(matches!(&err, api::Error::Transport { source, .. } if source.is_connect()), "{err:?}");
    assert_eq!(hook.0.lock().unwrap().iter().filter(|e| *e == "error getSource").count(), 3);
}

#[tokio::test]
async fn pagination_stops_at_an_error_or_a_link_that_does_not_advance() {
    let server = Server::start().await;
    let base = server.base.clone();
    let client = server.api_client().bearer_token("tok").build().unwrap();
    server.push(reply(200, json!({"data": [source(1), source(2)], "next": format!("{base}/sources?offset=2")})));
    server.push(raw_reply(500, vec![], "internal error"));
    let results: Vec<_> = client.list_sources_stream(Default::default()).collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().status(), Some(500));

    // A server that keeps sending the same `next` must not loop forever.
    server.push(reply(200, json!({"data": [source(1)], "next": format!("{base}/sources?offset=0")})));
    let items: Vec<_> = client.list_sources_stream(Default::default()).collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn errors_name_the_operation() {
    let server = Server::start().await;
    let client = server.config_client().build().unwrap();
    server.push(reply(404, json!({"message": "gone"})));
    let err = client.get_source(&config::types::SourceIdRequestBody { source_id: uuid(1) }).await.unwrap_err();
    assert_eq!(err.operation(), "getSource");
    assert!(err.to_string().starts_with("getSource: documented error status 404"), "{err}");
    assert!(matches!(err.api_error(), Some(config::GetSourceError::Status404(_))));
    // Trailing bytes after a valid document are garbage too.
    server.push(raw_reply(200, vec![], format!("{} trailing", source(1))));
    let err = client.get_source(&config::types::SourceIdRequestBody { source_id: uuid(1) }).await.unwrap_err();
    assert!(matches!(err, config::Error::Decode { status: 200, .. }), "{err:?}");
}

/// What a caller of either API might log: one function for the errors of every
/// generated client, since they all return `openapi_runtime::client::Error`.
fn summary<E: std::fmt::Debug>(err: &openapi_runtime::client::Error<E>) -> String {
    use openapi_runtime::client::Error;
    let kind = match err {
        Error::Api { .. } => "documented",
        Error::UnexpectedStatus { .. } => "unexpected",
        Error::Decode { .. } => "decode",
        Error::Transport { .. } => "transport",
        Error::Request { .. } => "request",
        Error::Auth { .. } => "auth",
    };
    format!("{} {kind} {:?}", err.operation(), err.status())
}

#[tokio::test]
async fn errors_of_both_apis_are_one_type_family() {
    let server = Server::start().await;
    let api_client = server.api_client().bearer_token("tok").retry(api::RetryPolicy::none()).build().unwrap();
    let config_client = server.config_client().build().unwrap();
    server.push(reply(404, json!({"message": "gone"})));
    let from_config =
        config_client.get_source(&config::types::SourceIdRequestBody { source_id: uuid(1) }).await.unwrap_err();
    server.push(raw_reply(418, vec![], "teapot"));
    let from_api = api_client.get_source(&uuid(2), Default::default()).await.unwrap_err();
    assert_eq!(summary(&from_config), "getSource documented Some(404)");
    assert_eq!(summary(&from_api), "getSource unexpected Some(418)");
    // The same type, not two look-alikes: the re-exports name one item.
    let same: config::Error<api::GetSourceError> = from_api;
    let both: Vec<Box<dyn std::error::Error>> = vec![Box::new(from_config), Box::new(same)];
    assert_eq!(both.len(), 2);
}

/// An empty request to try the encoders on.
fn request() -> api::runtime::Request {
    api::runtime::Request::new("op", api::runtime::Method::GET, "/", &[], "application/json")
}

#[test]
fn query_parameters_follow_style_and_explode() {
    let q = |value: Value, style: &str, explode: bool| {
        let mut r = request();
        r.query("p", &value, style, explode);
        r.query.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>()
    };
    let list = json!(["a b", "c"]);
    let object = json!({"x": 1, "y": "z"});
    assert_eq!(q(list.clone(), "form", true), ["p=a b", "p=c"]);
    assert_eq!(q(list.clone(), "form", false), ["p=a b,c"]);
    assert_eq!(q(list.clone(), "spaceDelimited", false), ["p=a b c"]);
    assert_eq!(q(list, "pipeDelimited", false), ["p=a b|c"]);
    assert_eq!(q(object.clone(), "deepObject", true), ["p[x]=1", "p[y]=z"]);
    assert_eq!(q(object.clone(), "form", true), ["x=1", "y=z"]);
    assert_eq!(q(object, "form", false), ["p=x,1,y,z"]);
    assert_eq!(q(json!(null), "form", true), Vec::<String>::new());
    assert_eq!(q(json!(true), "form", true), ["p=true"]);
}

#[test]
fn path_parameters_follow_style_and_explode() {
    let path_param = |name: &str, value: &Value, style: &str, explode: bool| {
        let mut r = request();
        let segment = r.path_param(name, value, style, explode);
        assert_eq!(r.invalid, None);
        segment
    };
    let list = json!(["a b", "c"]);
    let object = json!({"x": 1, "y": "z"});
    assert_eq!(path_param("p", &json!("a/b?c"), "simple", false), "a%2Fb%3Fc");
    assert_eq!(path_param("p", &list, "simple", false), "a%20b,c");
    assert_eq!(path_param("p", &object, "simple", false), "x,1,y,z");
    assert_eq!(path_param("p", &object, "simple", true), "x=1,y=z");
    assert_eq!(path_param("p", &json!(5), "label", false), ".5");
    assert_eq!(path_param("p", &list, "label", false), ".a%20b,c");
    assert_eq!(path_param("p", &list, "label", true), ".a%20b.c");
    assert_eq!(path_param("p", &json!(5), "matrix", false), ";p=5");
    assert_eq!(path_param("p", &list, "matrix", false), ";p=a%20b,c");
    assert_eq!(path_param("p", &list, "matrix", true), ";p=a%20b;p=c");
    assert_eq!(path_param("p", &object, "matrix", true), ";x=1;y=z");
    // Dot segments would be resolved away by URL parsing, sending the request elsewhere.
    for dots in ["..", "."] {
        let mut r = request();
        r.path_param("sourceId", &json!(dots), "simple", false);
        assert_eq!(r.invalid, Some(format!("path parameter `sourceId` cannot be `{dots}`")));
    }
}
