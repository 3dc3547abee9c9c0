//! Both generated clients against Prism, a mock server we did not write.
//!
//! Prism 5.14.2 (`@stoplight/prism-cli`) serves each spec's effective document
//! (`cargo xtask spec`) in dynamic mode with a fixed seed; `scripts/prism.sh`
//! installs it, starts one instance per spec on loopback and runs this test
//! with `AIRBYTE_PRISM_URL` and `CONFIG_PRISM_URL` set. Without them the test
//! only checks its own allow-lists and says it skipped the calls, so
//! `cargo test --workspace` needs no Node.js.
//!
//! For every operation (`codegen::emit::prism`, generated at build time):
//! - a minimal call (required parameters) and a full one (every parameter,
//!   fuller bodies, the form encoding where the client offers one besides
//!   JSON), with arguments made from the document's schemas: Prism
//!   must find nothing wrong with the request (its `sl-violations` header)
//!   and the client must decode the documented success it answers;
//! - one minimal call per documented error status, asked for with
//!   `Prefer: code=N`: the client must decode it as that status's typed error.
//!
//! An operation that cannot pass is listed below with the reason; a listed
//! operation that passes fails the test too, so the list stays true.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

/// What an operation documents, for judging what came back.
pub struct PrismOp {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub success: &'static [u16],
    pub errors: &'static [u16],
    /// Why no call could be made (no valid sample for a required argument).
    pub problem: Option<&'static str>,
}

/// One operation's call through the generated client (`true`: the full form).
pub type PrismCall<C> = for<'a> fn(&'a C, bool) -> Pin<Box<dyn Future<Output = Outcome> + 'a>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A success, decoded.
    Ok,
    /// A documented error status, decoded into the operation's error type.
    Api,
    /// A status the operation does not document.
    UnexpectedStatus,
    /// Decoding, transport or auth failed.
    Failed,
    /// The test could not build the arguments.
    Sample,
}

#[derive(Debug)]
pub struct Outcome {
    kind: Kind,
    status: Option<u16>,
    /// What Prism found wrong with the request (`sl-violations`, request locations only).
    violations: Vec<String>,
    detail: String,
}

impl Outcome {
    pub fn new(kind: Kind, status: u16, headers: &HeaderMap, detail: String) -> Self {
        let violations = headers
            .get("sl-violations")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| serde_json::from_str::<Vec<serde_json::Value>>(v).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v["location"][0] == "request")
            .map(|v| format!("{} ({})", v["message"].as_str().unwrap_or("?"), v["location"]))
            .collect();
        Outcome { kind, status: Some(status), violations, detail }
    }

    pub fn failed(status: Option<u16>, detail: String) -> Self {
        Outcome { kind: Kind::Failed, status, violations: Vec::new(), detail }
    }

    pub fn sample(detail: String) -> Self {
        Outcome { kind: Kind::Sample, status: None, violations: Vec::new(), detail }
    }
}

/// A sample argument's typed value.
pub fn arg<T: DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("sample does not decode into the argument type ({e}): {json}"))
}

/// Adds `Prefer: code=N` to requests while set (Prism answers that documented status).
#[derive(Clone, Default)]
pub struct Prefer(Arc<Mutex<Option<u16>>>);

impl Prefer {
    fn set(&self, code: Option<u16>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = code;
    }

    fn apply(&self, request: &mut reqwest::Request) {
        if let Some(code) = *self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            let value = reqwest::header::HeaderValue::from_str(&format!("code={code}")).expect("ascii header");
            request.headers_mut().insert("prefer", value);
        }
    }
}

// One implementation serves both clients: the hook trait is the runtime crate's.
impl openapi_runtime::client::RequestHook for Prefer {
    fn on_request(&self, _operation: &'static str, request: &mut reqwest::Request) {
        self.apply(request);
    }
}

mod airbyte_api {
    include!(concat!(env!("OUT_DIR"), "/prism_airbyte_api.rs"));
}

mod config_api {
    include!(concat!(env!("OUT_DIR"), "/prism_config_api.rs"));
}

// Operations that cannot pass against Prism, each with the reason. Listed
// operations must fail and unlisted ones must pass.
const NO_HTML_SCHEMA: &str = "the HTML page is documented as `text/html` without a schema (valid OpenAPI), and \
     Prism 5.14.2 in dynamic mode answers 500 \"Tried to force a dynamic response for: text/html but schema is not \
     defined\" instead of any text";
const NO_JSON_SCHEMA: &str = "the 200 response is `application/json` without a schema (valid OpenAPI: any JSON), and \
     Prism 5.14.2 in dynamic mode answers 500 \"Tried to force a dynamic response for: application/json but schema \
     is not defined\" instead of any JSON";
const AIRBYTE_API_KNOWN: &[(&str, &str)] = &[("getDocumentation", NO_HTML_SCHEMA), ("initiateOAuth", NO_JSON_SCHEMA)];
const CONFIG_API_KNOWN: &[(&str, &str)] = &[("getDocumentation", NO_HTML_SCHEMA), ("initiateOAuth", NO_JSON_SCHEMA)];

/// Why one call did not do what it should, or `None`.
fn judge(op: &PrismOp, asked: Option<u16>, full: bool, got: &Outcome) -> Option<String> {
    let what = match (asked, full) {
        (None, false) => "minimal call".to_string(),
        (None, true) => "full call".to_string(),
        (Some(code), _) => format!("`Prefer: code={code}` call"),
    };
    if !got.violations.is_empty() {
        return Some(format!("{what}: Prism rejected the request: {}", got.violations.join("; ")));
    }
    let ok = match asked {
        None if op.success.is_empty() => matches!(got.kind, Kind::Ok | Kind::Api),
        None => got.kind == Kind::Ok,
        Some(code) => got.kind == Kind::Api && got.status == Some(code),
    };
    (!ok).then(|| {
        let status = got.status.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
        let mut detail = got.detail.clone();
        if detail.len() > 400 {
            let cut = (0..=400).rev().find(|i| detail.is_char_boundary(*i)).unwrap_or(0);
            detail.truncate(cut);
            detail.push('…');
        }
        format!("{what}: {:?} status {status}: {detail}", got.kind)
    })
}

/// Runs every operation of one spec against Prism at `base` (one at a time, in
/// spec order, so a seeded Prism answers the same data every run).
fn run<C>(
    spec: &str,
    env: &str,
    ops: &[PrismOp],
    calls: &[PrismCall<C>],
    client: fn(&str, Prefer) -> C,
    known: &[(&str, &str)],
) {
    let mut stale: Vec<&str> = known.iter().map(|(id, _)| *id).filter(|id| !ops.iter().any(|o| o.id == *id)).collect();
    stale.sort_unstable();
    assert!(stale.is_empty(), "{spec}: allow-listed operations that do not exist: {stale:?}");
    let Ok(base) = std::env::var(env) else {
        eprintln!("{spec}: {env} is not set, skipping the calls against Prism (scripts/prism.sh runs them)");
        return;
    };
    let prefer = Prefer::default();
    let c = client(&base, prefer.clone());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let started = Instant::now();
    let mut failing: Vec<(&str, Vec<String>)> = Vec::new();
    let mut requests = 0;
    for (op, call) in ops.iter().zip(calls) {
        let mut problems = Vec::new();
        if let Some(p) = op.problem {
            problems.push(p.to_string());
        } else {
            let tries = [(None, false), (None, true)].into_iter().chain(op.errors.iter().map(|e| (Some(*e), false)));
            for (asked, full) in tries {
                prefer.set(asked);
                let got = rt.block_on(call(&c, full));
                requests += 1;
                if let Some(p) = judge(op, asked, full, &got) {
                    problems.push(p);
                }
            }
            prefer.set(None);
        }
        if !problems.is_empty() {
            failing.push((op.id, problems));
        }
    }
    let passing = ops.len() - failing.len();
    eprintln!(
        "{spec}: {passing}/{} operations pass against Prism ({requests} requests, {:.1}s)",
        ops.len(),
        started.elapsed().as_secs_f64()
    );
    let mut report = Vec::new();
    for (id, problems) in &failing {
        let listed = known.iter().any(|(k, _)| k == id);
        if !listed {
            let op = ops.iter().find(|o| o.id == *id).expect("listed from ops");
            report.push(format!("{} {} ({id}):\n    {}", op.method, op.path, problems.join("\n    ")));
        }
    }
    for (id, reason) in known {
        if !failing.iter().any(|(f, _)| f == id) {
            report.push(format!("{id} passes now; remove it from the allow-list (was: {reason})"));
        }
    }
    assert!(report.is_empty(), "{spec} against Prism:\n{}", report.join("\n"));
}

#[test]
fn airbyte_api_client_against_prism() {
    run(
        "airbyte-api",
        "AIRBYTE_PRISM_URL",
        &airbyte_api::OPS,
        &airbyte_api::CALLS,
        airbyte_api::client,
        AIRBYTE_API_KNOWN,
    );
}

#[test]
fn config_api_client_against_prism() {
    run("config-api", "CONFIG_PRISM_URL", &config_api::OPS, &config_api::CALLS, config_api::client, CONFIG_API_KNOWN);
}
