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
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

/// A canned response.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn reply(status: u16, body: Value) -> Reply {
    Reply { status, headers: vec![("content-type", "application/json".into())], body: body.to_string() }
}

#[derive(Default)]
struct State {
    seen: Mutex<Vec<Seen>>,
    replies: Mutex<VecDeque<Reply>>,
    token_calls: AtomicUsize,
    /// The access token the server accepts; others get 401.
    valid_token: Mutex<Option<String>>,
}

struct Server {
    base: String,
    state: Arc<State>,
}

impl Server {
    async fn start() -> Server {
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

    fn push(&self, r: Reply) {
        self.state.replies.lock().unwrap().push_back(r);
    }

    fn seen(&self) -> Vec<Seen> {
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
        grant_type: None,
    };
    server.push(reply(200, json!({"access_token": "a", "token_type": "Bearer", "expires_in": 3})));
    client.create_access_token(&body).await.unwrap();
    server.push(reply(200, json!({"access_token": "a", "token_type": "Bearer", "expires_in": 3})));
    client.create_access_token_as_form(&body).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].headers["content-type"], "application/json");
    assert_eq!(
        serde_json::from_slice::<Value>(&seen[0].body).unwrap(),
        json!({"client_id": "id", "client_secret": "s3cret"})
    );
    assert_eq!(seen[1].headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(std::str::from_utf8(&seen[1].body).unwrap(), "client_id=id&client_secret=s3cret");
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
}

#[tokio::test]
async fn retries_honour_retry_after_for_idempotent_methods_only() {
    let server = Server::start().await;
    let client = server.api_client().bearer_token("tok").build().unwrap();
    let id: uuid::Uuid = "00000000-0000-0000-0000-000000000001".parse().unwrap();
    server.push(Reply { status: 503, headers: vec![("retry-after", "1".into())], body: String::new() });
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
    server.push(Reply { status: 418, headers: vec![("x-teapot", "yes".into())], body: "short and stout".into() });
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
    server.push(Reply { status: 200, headers: vec![], body: "<html>oops".into() });
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
