//! The contract test: every operation of both specs, over loopback, with cases
//! generated from the IR at build time (`codegen::emit::contract`, written by
//! tests/build_server.rs): a sample request with every parameter (optional
//! ones too) and each body media type, and a sample reply for each documented
//! status.
//!
//! The generated `Contract` implements the server trait: it compares the typed
//! request it receives with the typed value of the sample (so parameters and
//! body survived the wire and the server's checks exactly) and answers the reply
//! the harness asks for. Each case runs twice:
//! - over raw HTTP built from the samples: the reply must be JSON-equal to the
//!   sample and match the spec (`check_response`);
//! - through the generated client (`CALLS`): the client must decode exactly the
//!   sample, as its success type or its typed error for that status.
//!
//! Negative cases: malformed JSON and an unsupported content type (raw HTTP), and
//! a body with a value outside one of its enums (through the client, which can
//! build it since its enums keep unknown values) are refused before the
//! implementation; the client surfaces the 422 as the operation's typed error.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::server::serve;

pub struct Param {
    pub wire: &'static str,
    pub location: &'static str,
    pub explode: bool,
    pub json: &'static str,
}

pub struct BodySample {
    pub media_type: &'static str,
    /// `json`, `form`, `text` or `bytes`.
    pub encoding: &'static str,
    pub sample: &'static str,
}

pub struct Reply {
    pub status: u16,
    pub media_type: Option<&'static str>,
    pub encoding: &'static str,
    pub sample: &'static str,
}

pub struct Case {
    pub op: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub params: &'static [Param],
    pub bodies: &'static [BodySample],
    pub replies: &'static [Reply],
    /// The JSON body with a value outside one of its enums (the client can send it; the server must refuse it).
    pub poisoned: Option<&'static str>,
}

/// The client side of one operation's case: `(client, reply index, body media index)` →
/// what the call returned and what it should have, both as `outcome` words.
/// With `true`, the JSON body is the case's `poisoned` one.
pub type Call<C> = for<'a> fn(&'a C, usize, usize, bool) -> Pin<Box<dyn Future<Output = (String, String)> + 'a>>;

/// The default optional-parameters struct of a client method taking N positional arguments
/// before it, read off the method's signature (so the test never spells the struct's name).
pub fn params0<'c, C: 'c, P: Default, F: FnOnce(&'c C, P) -> R, R>(_: F) -> P {
    P::default()
}

pub fn params1<'c, C: 'c, A, P: Default, F: FnOnce(&'c C, A, P) -> R, R>(_: F) -> P {
    P::default()
}

#[allow(dead_code)] // for methods with more positional arguments than the pinned specs have
pub fn params2<'c, C: 'c, A, B, P: Default, F: FnOnce(&'c C, A, B, P) -> R, R>(_: F) -> P {
    P::default()
}

#[allow(dead_code)] // for methods with more positional arguments than the pinned specs have
pub fn params3<'c, C: 'c, A, B, D, P: Default, F: FnOnce(&'c C, A, B, D, P) -> R, R>(_: F) -> P {
    P::default()
}

#[allow(dead_code)] // for methods with more positional arguments than the pinned specs have
pub fn params4<'c, C: 'c, A, B, D, E, P: Default, F: FnOnce(&'c C, A, B, D, E, P) -> R, R>(_: F) -> P {
    P::default()
}

/// A sample's typed value (a sample that does not decode is a generator bug: fail loudly).
pub fn de<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("sample does not decode ({e}): {json}"))
}

/// Used by cases of `default` and `2XX`-style responses (the pinned specs have none).
#[allow(dead_code)]
pub fn status(code: u16) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(code).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// What the implementation answers when the harness asked for no reply.
pub fn unexpected() -> axum::response::Response {
    axum::response::IntoResponse::into_response((axum::http::StatusCode::INTERNAL_SERVER_ERROR, "unexpected call"))
}

#[derive(Default)]
struct State {
    /// The case the harness sends now: case index, reply index, body media index.
    want: Option<(usize, usize, usize)>,
    called: Vec<usize>,
    failures: Vec<String>,
}

/// Shared by the harness and the server side of the contract.
#[derive(Default)]
pub struct Recorder(Mutex<State>);

impl Recorder {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn expect(&self, case: usize, reply: usize, media: usize) {
        let mut s = self.state();
        s.want = Some((case, reply, media));
        s.called.clear();
    }

    /// The implementation of case `case` was called: which reply to give, and which body media was sent.
    pub fn called(&self, case: usize) -> (usize, usize) {
        let mut s = self.state();
        s.called.push(case);
        match s.want {
            Some((c, reply, media)) if c == case => (reply, media),
            _ => (usize::MAX, usize::MAX),
        }
    }

    pub fn fail(&self, case: usize, message: String) {
        self.state().failures.push(format!("case {case}: {message}"));
    }

    fn take(&self) -> (Vec<usize>, Vec<String>) {
        let mut s = self.state();
        (std::mem::take(&mut s.called), std::mem::take(&mut s.failures))
    }
}

mod airbyte_api {
    include!(concat!(env!("OUT_DIR"), "/contract_airbyte_api.rs"));
}

mod config_api {
    include!(concat!(env!("OUT_DIR"), "/contract_config_api.rs"));
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The HTTP request of a case, body of media `media`.
fn request(http: &reqwest::Client, base: &str, case: &Case, media: usize) -> reqwest::RequestBuilder {
    let mut path = case.path.to_string();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    for p in case.params {
        let value: Value = serde_json::from_str(p.json).unwrap();
        match p.location {
            "path" => path = path.replace(&format!("{{{}}}", p.wire), &enc(&text(&value))),
            "query" => match &value {
                Value::Array(items) if p.explode => query.extend(items.iter().map(|i| (p.wire.to_string(), text(i)))),
                Value::Array(items) => {
                    query.push((p.wire.to_string(), items.iter().map(text).collect::<Vec<_>>().join(",")))
                }
                Value::Object(map) if p.explode => query.extend(map.iter().map(|(k, v)| (k.clone(), text(v)))),
                other => query.push((p.wire.to_string(), text(other))),
            },
            "header" => headers.push((p.wire.to_string(), text(&value))),
            _ => headers.push(("cookie".into(), format!("{}={}", p.wire, text(&value)))),
        }
    }
    if !query.is_empty() {
        let q: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
        path = format!("{path}?{}", q.join("&"));
    }
    // Both specs accept a bearer token wherever they require credentials.
    let mut req = http.request(case.method.parse().unwrap(), format!("{base}{path}")).bearer_auth("contract-token");
    for (k, v) in headers {
        req = req.header(k, v);
    }
    if let Some(body) = case.bodies.get(media) {
        let bytes = match body.encoding {
            "form" => {
                let value: Value = serde_json::from_str(body.sample).unwrap();
                let mut s = form_urlencoded::Serializer::new(String::new());
                for (k, v) in value.as_object().into_iter().flatten() {
                    match v {
                        Value::Array(items) => items.iter().for_each(|i| {
                            s.append_pair(k, &text(i));
                        }),
                        other => {
                            s.append_pair(k, &text(other));
                        }
                    }
                }
                s.finish().into_bytes()
            }
            _ => body.sample.as_bytes().to_vec(),
        };
        req = req.header("content-type", body.media_type).body(bytes);
    }
    req
}

type CheckResponse = fn(&str, u16, Option<&str>, &[u8]) -> Result<(), String>;

#[derive(Debug, Default)]
struct Report {
    operations: usize,
    exchanges: usize,
    client_exchanges: usize,
    /// Client exchanges not compared because the spec contradicts HTTP.
    spec_defects: usize,
    negatives: usize,
    client_negatives: usize,
    failures: Vec<String>,
}

/// Every case through the generated client: the server side compares what arrived, the
/// client side what it decoded, for each documented reply and each body media type.
async fn run_client<C>(cases: &[Case], calls: &[Call<C>], client: &C, recorder: &Recorder, report: &mut Report) {
    assert_eq!(cases.len(), calls.len());
    for (k, (case, call)) in cases.iter().zip(calls).enumerate() {
        let rounds = case.replies.len().max(case.bodies.len()).max(1);
        for round in 0..rounds {
            let reply = round % case.replies.len().max(1);
            let media = round % case.bodies.len().max(1);
            recorder.expect(k, reply, media);
            let (got, expected) = call(client, reply, media, false).await;
            report.client_exchanges += 1;
            let (called, failures) = recorder.take();
            let what = format!("client {} (reply #{reply}, body #{media})", case.op);
            report.failures.extend(failures.into_iter().map(|f| format!("{what}: {f}")));
            let reply_def = case.replies.get(reply);
            if reply_def.is_some_and(|r| matches!(r.status, 204 | 304) && r.media_type.is_some()) {
                // The spec documents a body on a status HTTP gives none (applySchemaChangeForConnection's
                // 204): the server sends none, and no client can decode the documented type from it.
                report.spec_defects += 1;
                continue;
            }
            if called != [k] {
                report.failures.push(format!("{what}: implementation calls {called:?}; client got {got}"));
            } else if reply_def.is_some() && got != expected {
                report.failures.push(format!("{what}:\n  got      {got}\n  expected {expected}"));
            }
        }
        // Negative: a value outside an enum is refused (422, or the 400 the operation documents
        // instead) before the implementation, and the client surfaces it as the operation's
        // typed error when the spec documents one.
        if case.poisoned.is_some() {
            recorder.expect(usize::MAX, 0, 0);
            let media = case.bodies.iter().position(|b| b.encoding == "json").unwrap_or(0);
            let (got, _) = call(client, 0, media, true).await;
            let (called, _) = recorder.take();
            report.client_negatives += 1;
            let status = validation_status(case, 422);
            let expected = match case.replies.iter().find(|r| r.status == status) {
                Some(r) if r.media_type.is_some() => format!("api {status} Status{status}("),
                Some(_) => format!("api {status} Status{status}"),
                None => "error ".to_owned(),
            };
            if !called.is_empty()
                || !got.starts_with(&expected)
                || (expected == "error " && !got.contains(&status.to_string()))
            {
                report
                    .failures
                    .push(format!("client {} with a value outside an enum: calls {called:?}, got {got}", case.op));
            }
        }
    }
}

async fn run(cases: &[Case], recorder: &Recorder, router: axum::Router, check: CheckResponse) -> (Report, String) {
    let base = serve(router).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut report = Report::default();
    for (k, case) in cases.iter().enumerate() {
        report.operations += 1;
        let rounds = case.replies.len().max(case.bodies.len()).max(1);
        for round in 0..rounds {
            let reply_index = round % case.replies.len().max(1);
            let media = round % case.bodies.len().max(1);
            recorder.expect(k, reply_index, media);
            let r = request(&http, &base, case, media).send().await.unwrap();
            let got = r.status().as_u16();
            let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_owned());
            let bytes = r.bytes().await.unwrap();
            report.exchanges += 1;
            let (called, failures) = recorder.take();
            let what = format!("{} {} {} (reply #{reply_index}, body #{media})", case.op, case.method, case.path);
            report.failures.extend(failures.into_iter().map(|f| format!("{what}: {f}")));
            if called != [k] {
                report
                    .failures
                    .push(format!("{what}: implementation calls {called:?}: {}", String::from_utf8_lossy(&bytes)));
                continue;
            }
            let Some(reply) = case.replies.get(reply_index) else { continue };
            if got != reply.status {
                report.failures.push(format!("{what}: status {got}, sent {}", reply.status));
                continue;
            }
            let bodyless = matches!(got, 204 | 304) || reply.media_type.is_none();
            let same = match reply.encoding {
                _ if bodyless => bytes.is_empty(),
                "json" | "form" => {
                    serde_json::from_slice::<Value>(&bytes).ok() == serde_json::from_str::<Value>(reply.sample).ok()
                }
                _ => bytes == reply.sample.as_bytes(),
            };
            if !same {
                report.failures.push(format!(
                    "{what}: reply differs\n  sent     {}\n  received {}",
                    reply.sample,
                    String::from_utf8_lossy(&bytes)
                ));
            }
            if let Err(e) = check(case.op, got, ct.as_deref(), &bytes) {
                report.failures.push(format!("{what}: reply does not match the spec: {e}"));
            }
        }
        // Negative cases: a malformed JSON body and an unsupported content type never reach the implementation.
        if let Some(body) = case.bodies.first().filter(|b| b.encoding == "json") {
            let malformed = validation_status(case, 400);
            for (ct, payload, want) in
                [(body.media_type, "{\"", malformed), ("application/x-unknown", body.sample, 415)]
            {
                recorder.expect(usize::MAX, 0, 0);
                let r = request(&http, &base, case, usize::MAX)
                    .header("content-type", ct)
                    .body(payload)
                    .send()
                    .await
                    .unwrap();
                let got = r.status().as_u16();
                let rct = r.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_owned());
                let bytes = r.bytes().await.unwrap();
                let (called, _) = recorder.take();
                report.negatives += 1;
                let what = format!("{} with content type {ct} and body {payload:?}", case.op);
                if got != want || !called.is_empty() {
                    report.failures.push(format!("{what}: status {got}, calls {called:?}"));
                }
                let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                if json["status"] != want || json["message"].as_str().is_none_or(str::is_empty) {
                    report.failures.push(format!("{what}: error body {json}"));
                }
                // Where the operation documents this status, the error has the documented shape.
                if check(case.op, want, rct.as_deref(), &bytes).is_err() && documents(case, want) {
                    report.failures.push(format!("{what}: error body does not match the documented one: {json}"));
                }
            }
        }
    }
    (report, base)
}

/// The status a request failing validation gets (ARCHITECTURE.md): the natural one
/// (`400` malformed, `422` not matching the schema) if the operation documents it,
/// else the other of the two if documented, else the natural one.
fn validation_status(case: &Case, natural: u16) -> u16 {
    let other = if natural == 400 { 422 } else { 400 };
    let documented = |s: u16| case.replies.iter().any(|r| r.status == s);
    if documented(natural) || !documented(other) {
        natural
    } else {
        other
    }
}

/// The operation documents a body for `status` (an error without a documented body keeps the generic JSON one).
fn documents(case: &Case, status: u16) -> bool {
    case.replies.iter().any(|r| r.status == status && r.media_type.is_some())
}

fn assert_clean(name: &str, report: &Report, operations: usize) {
    let shown: Vec<&String> = report.failures.iter().take(20).collect();
    assert!(
        report.failures.is_empty(),
        "{name}: {} failure(s) in {} exchanges:\n{}",
        report.failures.len(),
        report.exchanges,
        shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert_eq!(report.operations, operations, "{name}: every operation has a case");
    assert!(report.client_exchanges >= report.exchanges, "{name}: the client made every exchange too");
    println!(
        "{name}: {} operations, {} raw HTTP exchanges, {} client exchanges ({} not comparable: spec defect), {} raw negative cases, {} client negative cases",
        report.operations, report.exchanges, report.client_exchanges, report.spec_defects, report.negatives, report.client_negatives
    );
}

#[tokio::test]
async fn contract_airbyte_api() {
    let recorder = Arc::new(Recorder::default());
    let router = airbyte_api_server::router(airbyte_api::Contract(recorder.clone()));
    let (mut report, base) = run(airbyte_api::CASES, &recorder, router, airbyte_api_server::check_response).await;
    let client = airbyte_api::client(&base);
    run_client(airbyte_api::CASES, airbyte_api::CALLS, &client, &recorder, &mut report).await;
    assert_clean("airbyte-api", &report, 92);
}

#[tokio::test]
async fn contract_config_api() {
    let recorder = Arc::new(Recorder::default());
    let router = airbyte_config_api_server::router(config_api::Contract(recorder.clone()));
    let (mut report, base) = run(config_api::CASES, &recorder, router, airbyte_config_api_server::check_response).await;
    let client = config_api::client(&base);
    run_client(config_api::CASES, config_api::CALLS, &client, &recorder, &mut report).await;
    assert_clean("config-api", &report, 459);
}
