//! The generated servers of both specs, over loopback: typed requests reach
//! implementations; every class of malformed request is refused before the
//! implementation with its status and a JSON body naming the field (in the
//! error shape the operation documents); the mock answers every operation
//! with a response the spec allows (checked by an independent validator);
//! and no malformed request of any operation makes a server fail.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use airbyte_config_api_server as config;
use codegen::emit::contract::Sampler;
use codegen::ir::{Operation, ParamLocation};
use serde_json::{json, Value};

use super::server_spec;

/// Serve `router` on a free loopback port for the rest of the test; its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let bytes = r.bytes().await.unwrap();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, value)
}

const WS: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/// Implements a few operations and counts calls, so tests can prove a
/// rejected request never reached it.
#[derive(Default)]
struct Recorder {
    calls: AtomicUsize,
}

impl config::Api for Recorder {
    async fn public_create_workspace(
        &self,
        request: config::ops::public_create_workspace::Request,
        _context: config::RequestContext,
    ) -> config::ops::public_create_workspace::Response {
        self.calls.fetch_add(1, Ordering::SeqCst);
        config::ops::public_create_workspace::Response::Ok(config::types::WorkspaceResponse {
            workspace_id: WS.parse().unwrap(),
            name: request.body.name,
            data_residency: "auto".into(),
            notifications: Default::default(),
        })
    }

    async fn public_list_workspaces(
        &self,
        request: config::ops::public_list_workspaces::Request,
        context: config::RequestContext,
    ) -> config::ops::public_list_workspaces::Response {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let seen = context.extensions.get::<Seen>().map(|s| s.0).unwrap_or("-");
        // Echo the parsed request in `next`, for the test to read.
        config::ops::public_list_workspaces::Response::Ok(config::types::WorkspacesResponse {
            data: Vec::new(),
            next: Some(format!("{request:?}")),
            previous: Some(seen.into()),
        })
    }

    async fn create_workspace(
        &self,
        _request: config::ops::create_workspace::Request,
        _context: config::RequestContext,
    ) -> config::ops::create_workspace::Response {
        self.calls.fetch_add(1, Ordering::SeqCst);
        config::ops::create_workspace::Response::Raw(config::not_implemented("createWorkspace"))
    }

    async fn public_create_job(
        &self,
        _request: config::ops::public_create_job::Request,
        _context: config::RequestContext,
    ) -> config::ops::public_create_job::Response {
        self.calls.fetch_add(1, Ordering::SeqCst);
        config::ops::public_create_job::Response::Raw(config::not_implemented("publicCreateJob"))
    }
}

/// A request extension set by a middleware.
#[derive(Clone)]
struct Seen(&'static str);

#[tokio::test]
async fn typed_requests_reach_the_implementation() {
    let base = serve(config::router(Recorder::default())).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/public/v1/workspaces"))
        .header("content-type", "application/json")
        .body(r#"{"name":"team","unknownField":1}"#)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!((status, body["name"].as_str()), (200, Some("team")));

    // A repeated key: the last one counts, as when the body was checked as a whole
    // (the types refuse the text; the server decodes it the slow way).
    let r = http
        .post(format!("{base}/public/v1/workspaces"))
        .header("content-type", "application/json")
        .body(r#"{"name":5,"name":"last","notifications":{"failure":{"email":{"enabled":true}}}}"#)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!((status, body["name"].as_str()), (200, Some("last")));

    let r = http
        .get(format!("{base}/public/v1/workspaces?workspaceIds={WS}&workspaceIds={WS}&includeDeleted=true&limit=5"))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(status, 200);
    let echoed = body["next"].as_str().unwrap();
    assert!(echoed.contains("workspace_ids: Some([3fa85f64-5717-4562-b3fc-2c963f66afa6, 3fa85f64"), "{echoed}");
    assert!(echoed.contains("include_deleted: Some(true), limit: Some(5), offset: None"), "{echoed}");
}

#[tokio::test]
async fn unimplemented_operations_answer_501_in_json() {
    let base = serve(config::router(Recorder::default())).await;
    let r = reqwest::Client::new().get(format!("{base}/public/v1/workspaces/{WS}")).send().await.unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(status, 501);
    assert!(body["message"].as_str().unwrap().contains("publicGetWorkspace"), "{body}");
}

/// `(method, path, content type, body, status, field named)` of a request the spec forbids.
type Malformed = (&'static str, String, Option<&'static str>, String, u16, &'static str);

fn malformed() -> Vec<Malformed> {
    let json = Some("application/json");
    let create = "/public/v1/workspaces".to_string();
    vec![
        ("POST", create.clone(), json, r#"{"name":"#.into(), 400, ""),
        // This operation documents 400 but not 422: a body that fails its schema gets the 400.
        ("POST", create.clone(), json, "{}".into(), 400, "/name"),
        ("POST", create.clone(), json, r#"{"name":5}"#.into(), 400, "/name"),
        ("POST", create.clone(), json, r#"{"name":null}"#.into(), 400, "/name"),
        ("POST", create.clone(), json, r#"{"name":"x","regionId":"not-a-uuid"}"#.into(), 400, "/regionId"),
        ("POST", create.clone(), json, r#"[1]"#.into(), 400, ""),
        // Deep in the body, and after a valid prefix (the body is checked as it is parsed).
        (
            "POST",
            create.clone(),
            json,
            r#"{"name":"x","notifications":{"success":{},"failure":{"email":{"enabled":"yes"}}}}"#.into(),
            400,
            "/notifications/failure/email/enabled",
        ),
        (
            "POST",
            create.clone(),
            json,
            r#"{"name":"x","notifications":{"failure":{"webhook":5}}}"#.into(),
            400,
            "/notifications/failure/webhook",
        ),
        ("POST", create.clone(), json, r#"{"name":"x","name":5}"#.into(), 400, "/name"),
        ("POST", create.clone(), json, r#"{"name":"x"} {}"#.into(), 400, ""),
        ("POST", create.clone(), Some("text/plain"), r#"{"name":"x"}"#.into(), 415, "Content-Type"),
        ("POST", create.clone(), None, r#"{"name":"x"}"#.into(), 415, "Content-Type"),
        ("POST", create.clone(), json, String::new(), 400, ""),
        // A value outside an enum: the types crate would keep it (forward compatibility), the server refuses it.
        (
            "POST",
            "/public/v1/jobs".into(),
            json,
            format!(r#"{{"connectionId":"{WS}","jobType":"bogus"}}"#),
            400,
            "/jobType",
        ),
        ("POST", "/public/v1/jobs".into(), json, r#"{"jobType":"sync"}"#.into(), 400, "/connectionId"),
        // Documents neither 400 nor 422, but 404: a malformed id names no resource.
        ("GET", "/public/v1/workspaces/not-a-uuid".into(), None, String::new(), 404, "workspaceId"),
        // Documents 422 but not 400: malformed parameters get the 422.
        ("GET", "/public/v1/workspaces?limit=abc".into(), None, String::new(), 422, "limit"),
        ("GET", "/public/v1/workspaces?limit=99999999999".into(), None, String::new(), 422, "limit"),
        ("GET", "/public/v1/workspaces?limit=101".into(), None, String::new(), 422, "limit"),
        ("GET", "/public/v1/workspaces?includeDeleted=yes".into(), None, String::new(), 422, "includeDeleted"),
        ("GET", "/public/v1/workspaces?workspaceIds=x".into(), None, String::new(), 422, "workspaceIds"),
        ("GET", "/public/v1/workspaces?limit=1&limit=2".into(), None, String::new(), 422, "limit"),
        ("GET", "/public/v1/jobs?status=bogus".into(), None, String::new(), 422, "status"),
        ("GET", "/public/v1/jobs?createdAtStart=yesterday".into(), None, String::new(), 422, "createdAtStart"),
        ("GET", "/public/v1/streams".into(), None, String::new(), 400, "sourceId"),
    ]
}

#[tokio::test]
async fn malformed_requests_are_refused_before_the_implementation() {
    let recorder = Arc::new(Recorder::default());
    let base = serve(config::router(ArcApi(recorder.clone()))).await;
    let http = reqwest::Client::new();
    for (method, path, content_type, body, want, field) in malformed() {
        let mut req = http.request(method.parse().unwrap(), format!("{base}{path}"));
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let r = req.body(body.clone()).send().await.unwrap();
        let (status, json) = json_of(r).await;
        let case = format!("{method} {path} {body}: {json}");
        assert_eq!(status, want, "{case}");
        assert_eq!(json["status"], want, "{case}");
        // Array parameters name the element (`workspaceIds/0`).
        assert!(json["errors"][0]["field"].as_str().unwrap().starts_with(field), "{case}");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains(field.trim_start_matches('/')), "the message names the field: {case}");
    }
    assert_eq!(recorder.calls.load(Ordering::SeqCst), 0, "no malformed request reached the implementation");
}

/// Lets a test keep a handle on its implementation.
struct ArcApi(Arc<Recorder>);

impl config::Api for ArcApi {
    async fn public_create_workspace(
        &self,
        request: config::ops::public_create_workspace::Request,
        context: config::RequestContext,
    ) -> config::ops::public_create_workspace::Response {
        config::Api::public_create_workspace(&*self.0, request, context).await
    }

    async fn public_create_job(
        &self,
        request: config::ops::public_create_job::Request,
        context: config::RequestContext,
    ) -> config::ops::public_create_job::Response {
        config::Api::public_create_job(&*self.0, request, context).await
    }
}

#[tokio::test]
async fn rejections_have_the_documented_error_shape() {
    // createWorkspace documents 422 with `InvalidInputExceptionInfo` (required `message`, `validationErrors`).
    let base = serve(config::router(Recorder::default())).await;
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/workspaces/create"))
        .header("content-type", "application/json")
        .body(r#"{"name":"w","organizationId":"nope"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    let bytes = r.bytes().await.unwrap();
    config::check_response("createWorkspace", 422, Some(&ct), &bytes).unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    let typed: config::types::InvalidInputExceptionInfo = serde_json::from_value(body.clone()).unwrap();
    assert!(typed.message.contains("organizationId"), "{body}");
    let spec = server_spec::load("config-api");
    let schema = server_spec::response_schema(&spec.doc, "POST", "/v1/workspaces/create", 422, "application/json");
    assert_eq!(server_spec::validate(&spec.doc, schema.unwrap(), &body), Vec::<String>::new());
}

#[tokio::test]
async fn body_size_is_limited() {
    let base = serve(config::router_with(Recorder::default(), config::Config::default().body_limit(64))).await;
    let http = reqwest::Client::new();
    let big = format!(r#"{{"name":"{}"}}"#, "x".repeat(100));
    let r = http
        .post(format!("{base}/public/v1/workspaces"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r).await.0, 413);
    // Without a Content-Length (chunked), the limit holds while reading.
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = String::from(
        "POST /public/v1/workspaces HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
    );
    for chunk in big.as_bytes().chunks(10) {
        request.push_str(&format!("{:x}\r\n{}\r\n", chunk.len(), std::str::from_utf8(chunk).unwrap()));
    }
    request.push_str("0\r\n\r\n");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_json() {
    let base = serve(config::router(Recorder::default())).await;
    let http = reqwest::Client::new();
    let (status, body) = json_of(http.get(format!("{base}/public/v1/nothing")).send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_u64()), (404, Some(404)));
    // Paths match exactly: no trailing-slash variant.
    assert_eq!(http.get(format!("{base}/public/v1/workspaces/")).send().await.unwrap().status(), 404);
    let (status, _) = json_of(http.put(format!("{base}/public/v1/workspaces")).send().await.unwrap()).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn the_router_composes_with_middleware_and_nesting() {
    async fn tag(mut req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
        if req.headers().contains_key("x-deny") {
            return axum::http::StatusCode::FORBIDDEN.into_response_plain();
        }
        req.extensions_mut().insert(Seen("middleware"));
        next.run(req).await
    }
    let app =
        axum::Router::new().nest("/api", config::router(Recorder::default())).layer(axum::middleware::from_fn(tag));
    let base = serve(app).await;
    let http = reqwest::Client::new();
    let (status, body) = json_of(http.get(format!("{base}/api/public/v1/workspaces")).send().await.unwrap()).await;
    assert_eq!((status, body["previous"].as_str()), (200, Some("middleware")), "extensions reach the context");
    let r = http.get(format!("{base}/api/public/v1/workspaces")).header("x-deny", "1").send().await.unwrap();
    assert_eq!(r.status(), 403, "a middleware decides before the implementation");
}

trait PlainResponse {
    fn into_response_plain(self) -> axum::response::Response;
}

impl PlainResponse for axum::http::StatusCode {
    fn into_response_plain(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response(self)
    }
}

/// A request built from sample values: path with query, headers, and content type with body.
pub type SampleRequest = (String, Vec<(String, String)>, Option<(String, Vec<u8>)>);

/// A request for `op` built from sample values: every parameter (optional ones too) and a body
/// of its first media type.
pub fn sample_request(op: &Operation, sampler: &mut Sampler) -> SampleRequest {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut path = op.path.clone();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut headers = Vec::new();
    for p in &op.parameters {
        let value = sampler.value_with(&p.ty, &p.constraints);
        match p.location {
            ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.wire), &enc(&text(&value))),
            ParamLocation::Query => match &value {
                Value::Array(items) if p.explode => query.extend(items.iter().map(|i| (p.wire.clone(), text(i)))),
                Value::Array(items) => {
                    query.push((p.wire.clone(), items.iter().map(text).collect::<Vec<_>>().join(",")))
                }
                Value::Object(map) if p.explode => query.extend(map.iter().map(|(k, v)| (k.clone(), text(v)))),
                other => query.push((p.wire.clone(), text(other))),
            },
            ParamLocation::Header => headers.push((p.wire.clone(), text(&value))),
            ParamLocation::Cookie => headers.push(("cookie".into(), format!("{}={}", p.wire, text(&value)))),
        }
    }
    if !query.is_empty() {
        let q: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
        path = format!("{path}?{}", q.join("&"));
    }
    let body = op.request_body.as_ref().and_then(|b| b.content.first()).map(|m| {
        let value = m.ty.as_ref().map(|t| sampler.value_with(t, &m.constraints)).unwrap_or(json!({}));
        let bytes = match m.media_type.as_str() {
            "application/x-www-form-urlencoded" => {
                let mut s = form_urlencoded::Serializer::new(String::new());
                for (k, v) in value.as_object().into_iter().flatten() {
                    s.append_pair(k, &text(v));
                }
                s.finish().into_bytes()
            }
            mt if mt.contains("json") => serde_json::to_vec(&value).unwrap(),
            _ => b"sample".to_vec(),
        };
        (m.media_type.clone(), bytes)
    });
    (path, headers, body)
}

/// Every operation of `spec`, sent to its mock: a documented success comes back, valid
/// for the generated checker and for the independent validator.
/// A server crate's `check_response`.
type CheckResponse = fn(&str, u16, Option<&str>, &[u8]) -> Result<(), String>;

async fn mock_answers_every_operation(spec_name: &str, base: &str, check: CheckResponse) -> usize {
    let spec = server_spec::load(spec_name);
    let http = reqwest::Client::new();
    let mut sampler = Sampler::new(&spec.api);
    let mut checked_bodies = 0;
    for op in &spec.api.operations {
        let (path, headers, body) = sample_request(op, &mut sampler);
        // The mock checks credentials like a real server; any bearer token satisfies it.
        let mut req = http.request(op.method.as_str().parse().unwrap(), format!("{base}{path}")).bearer_auth("token");
        for (k, v) in headers {
            req = req.header(k, v);
        }
        if let Some((ct, bytes)) = body {
            req = req.header("content-type", ct).body(bytes);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
        let bytes = r.bytes().await.unwrap();
        let case = format!("{} {} {}: {status} {}", op.id, op.method, op.path, String::from_utf8_lossy(&bytes));
        // The mock answers the first documented success, else the first documented status.
        let expected = op
            .responses
            .iter()
            .find_map(|r| match r.status {
                codegen::ir::Status::Code(c) if (200..300).contains(&c) => Some(c),
                _ => None,
            })
            .or_else(|| {
                op.responses.iter().find_map(|r| match r.status {
                    codegen::ir::Status::Code(c) => Some(c),
                    _ => None,
                })
            });
        assert_eq!(Some(status), expected, "{case}");
        check(&op.id, status, ct.as_deref(), &bytes).unwrap_or_else(|e| panic!("{case}: {e}"));
        if let Some(ct) = ct.filter(|c| c.contains("json") && !bytes.is_empty()) {
            let value: Value = serde_json::from_slice(&bytes).unwrap();
            if let Some(schema) = server_spec::response_schema(&spec.doc, op.method.as_str(), &op.path, status, &ct) {
                let errors = server_spec::validate(&spec.doc, schema, &value);
                assert!(errors.is_empty(), "{case}: {errors:?}");
                checked_bodies += 1;
            }
        }
    }
    checked_bodies
}

#[tokio::test]
async fn mock_of_the_airbyte_api_answers_every_operation_validly() {
    let mock = airbyte_api_server::mock::MockServer::start().await.unwrap();
    let bodies = mock_answers_every_operation("airbyte-api", &mock.url(), airbyte_api_server::check_response).await;
    assert!(bodies > 60, "{bodies} bodies checked");
}

#[tokio::test]
async fn mock_of_the_config_api_answers_every_operation_validly() {
    let base = serve(config::mock::router()).await;
    let bodies = mock_answers_every_operation("config-api", &base, config::check_response).await;
    assert!(bodies > 350, "{bodies} bodies checked");
}

#[tokio::test]
async fn mock_answers_other_documented_statuses_on_request() {
    let base = serve(config::mock::router()).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/v1/workspaces/get"))
        .header("content-type", "application/json")
        .header("prefer", "code=404")
        .body(format!(r#"{{"workspaceId":"{WS}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    config::check_response("getWorkspace", 404, Some(&ct), &r.bytes().await.unwrap()).unwrap();
}

/// Requests no client should send, for one operation: each must get an ordinary answer.
fn hostile(op: &Operation, path: &str) -> Vec<(String, Option<&'static str>, Vec<u8>)> {
    let json = Some("application/json");
    let mut deep = "[".repeat(20_000).into_bytes();
    deep.extend("]".repeat(20_000).into_bytes());
    let mut cases = vec![
        (path.to_string(), json, b"{\"a\":".to_vec()),
        (path.to_string(), json, deep),
        (path.to_string(), json, vec![0xff, 0x00, 0xfe, b'{']),
        (path.to_string(), json, br#"{"limit": 1e999, "workspaceId": 99999999999999999999999999}"#.to_vec()),
        (path.to_string(), Some("application/json;;;charset"), b"{}".to_vec()),
        (path.to_string(), Some("application/x-www-form-urlencoded"), b"a=%ZZ&&=&b".to_vec()),
        (format!("{path}?limit=%ZZ&limit=&x[]=1&%00=%FF"), None, Vec::new()),
    ];
    if op.path.contains('{') {
        let mut broken = op.path.clone();
        for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
            broken = broken.replace(&format!("{{{}}}", p.wire), "%FF%FE..%2F..");
        }
        cases.push((broken, None, Vec::new()));
    }
    cases
}

async fn no_request_makes_it_fail(spec_name: &str, router: axum::Router) -> usize {
    let spec = server_spec::load(spec_name);
    let base = serve(router).await;
    let http = reqwest::Client::new();
    let mut sampler = Sampler::new(&spec.api);
    let mut sent = 0;
    for op in &spec.api.operations {
        let (path, _, _) = sample_request(op, &mut sampler);
        let path = path.split('?').next().unwrap_or("").to_string();
        for (url, ct, body) in hostile(op, &path) {
            let mut req = http.request(op.method.as_str().parse().unwrap(), format!("{base}{url}")).bearer_auth("t");
            if let Some(ct) = ct {
                req = req.header("content-type", ct);
            }
            let r = req.body(body).send().await.unwrap_or_else(|e| panic!("{} {url}: {e}", op.id));
            let status = r.status().as_u16();
            assert!(status < 500, "{} {url}: {status} {}", op.id, r.text().await.unwrap_or_default());
            sent += 1;
        }
    }
    sent
}

#[tokio::test]
async fn no_malformed_request_makes_a_server_fail() {
    let a = no_request_makes_it_fail("airbyte-api", airbyte_api_server::mock::router()).await;
    let b = no_request_makes_it_fail("config-api", config::mock::router()).await;
    assert!(a + b > 551 * 7, "{a} + {b} requests");
}

#[test]
fn every_operation_has_a_route() {
    let spec = server_spec::load("config-api");
    let routes: Vec<_> = config::operations().collect();
    assert_eq!(routes.len(), spec.api.operations.len());
    for (op, (method, path, id)) in spec.api.operations.iter().zip(routes) {
        assert_eq!((op.method.as_str(), op.path.as_str(), op.id.as_str()), (method, path, id));
    }
}

/// The in-memory example and its hand-written baseline do the same work: create, list, get, delete.
#[tokio::test]
async fn the_in_memory_example_and_its_baseline_serve_workspaces() {
    for (name, app) in
        [("in-memory", airbyte_examples::in_memory::app()), ("baseline", airbyte_examples::baseline::app())]
    {
        let base = serve(app).await;
        let http = reqwest::Client::new();
        let create = |n: &'static str| {
            http.post(format!("{base}/public/v1/workspaces"))
                .header("content-type", "application/json")
                .body(format!(r#"{{"name":"{n}"}}"#))
                .send()
        };
        let (status, first) = json_of(create("one").await.unwrap()).await;
        assert_eq!(status, 200, "{name}");
        let (_, second) = json_of(create("two").await.unwrap()).await;
        let (status, list) = json_of(http.get(format!("{base}/public/v1/workspaces")).send().await.unwrap()).await;
        assert_eq!((status, list["data"].as_array().map(Vec::len)), (200, Some(2)), "{name}");
        let id = first["workspaceId"].as_str().unwrap();
        let (status, got) = json_of(http.get(format!("{base}/public/v1/workspaces/{id}")).send().await.unwrap()).await;
        assert_eq!((status, &got), (200, &first), "{name}");
        let r = http.delete(format!("{base}/public/v1/workspaces/{id}")).send().await.unwrap();
        assert_eq!(r.status(), 204, "{name}");
        let r = http.get(format!("{base}/public/v1/workspaces/{id}")).send().await.unwrap();
        assert_eq!(r.status(), 404, "{name}");
        let other = second["workspaceId"].as_str().unwrap();
        let r = http.get(format!("{base}/public/v1/workspaces/{other}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name}");
        // Both refuse a name that is not a string: axum's `Json` with 422, the generated
        // validation with the 400 this operation documents (it documents no 422).
        let r = http
            .post(format!("{base}/public/v1/workspaces"))
            .header("content-type", "application/json")
            .body(r#"{"name":1}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), if name == "in-memory" { 400 } else { 422 }, "{name}");
    }
}
