//! The mock server: every operation answers a valid response without any
//! implementation, for integration tests of code that calls this API.
//!
//! Requests are checked exactly as by a real router (so a test also learns
//! when it sends something the spec forbids). The answer is the operation's
//! first documented success, or the status a `Prefer: code=NNN` request
//! header asks for; its body is the spec's example when one validates, else a
//! value synthesised from the schema.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::Router;
use serde_json::Value;

use super::schema::{self, Fill};
use super::{Backend, Config, Encoding, HttpResponse, OpDef, RequestContext, Spec, StatusDef};

/// Settings of the mock (none yet; kept so options can be added compatibly).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct MockOptions {}

/// A router answering every operation of `spec` with a valid response, at
/// the paths as written and under the base path of the spec's first server
/// URL (`spec.base_path`, when it has one), so a client configured with the
/// real base URL works unchanged. Generated server crates call it from their
/// own `mock::router()`.
pub fn router(spec: &'static Spec) -> Router {
    let backend = Backend::Mock(Arc::new(MockOptions::default()));
    if spec.base_path.is_empty() {
        super::router(spec, backend, Config::default(), &[""])
    } else {
        super::router(spec, backend, Config::default(), &["", spec.base_path])
    }
}

/// A mock server running on a background task; stopped when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Serve the mock of `spec` on a free port of 127.0.0.1 (needs a Tokio runtime).
    pub async fn start(spec: &'static Spec) -> io::Result<MockServer> {
        Self::bind(spec, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Serve the mock of `spec` on `addr`.
    pub async fn bind(spec: &'static Spec, addr: SocketAddr) -> io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            // A serve error ends the mock; requests then fail to connect, which is what a test sees.
            let _ = axum::serve(listener, router(spec)).await;
        });
        Ok(MockServer { addr, task })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL (`http://127.0.0.1:PORT`), for a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The status a `Prefer: code=NNN` header asks for.
fn preferred(headers: &HeaderMap) -> Option<u16> {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .find_map(|part| part.trim().strip_prefix("code=").and_then(|c| c.trim().parse().ok()))
}

fn mock_error(code: u16, message: String) -> HttpResponse {
    let body = serde_json::json!({ "status": code, "error": "mock", "message": message, "errors": [] });
    super::json(code, "application/json", serde_json::to_vec(&body))
}

#[doc(hidden)]
pub fn respond(spec: &'static Spec, _options: &MockOptions, op: &OpDef, context: &RequestContext) -> HttpResponse {
    let (code, def) = match preferred(&context.headers) {
        Some(code) => match op.response(code) {
            Some(def) => (code, def),
            None => return mock_error(400, format!("operation `{}` documents no response {code}", op.id)),
        },
        None => {
            let success = op
                .responses
                .iter()
                .find(|r| matches!(r.status, StatusDef::Code(200..=299)))
                .or_else(|| op.responses.iter().find(|r| r.status == StatusDef::Range(2)))
                .or_else(|| op.responses.first());
            match success {
                Some(def) => {
                    let code = match def.status {
                        StatusDef::Code(c) => c,
                        StatusDef::Range(d) => u16::from(d) * 100,
                        StatusDef::Default => 200,
                    };
                    (code, def)
                }
                None => return super::empty(204),
            }
        }
    };
    let Some(media) = def.media.first().filter(|_| code != 204 && code != 304) else { return super::empty(code) };
    match media.encoding {
        Encoding::Json | Encoding::Form => {
            let examples = media.examples.iter().filter_map(|e| serde_json::from_str::<Value>(e).ok());
            let body = match &media.ty {
                Some(ty) => {
                    let mut valid = examples.filter(|v| schema::validate(spec, ty, v).is_ok());
                    valid.next().unwrap_or_else(|| schema::sample(spec, ty, Fill::Full))
                }
                None => examples.into_iter().next().unwrap_or(Value::Object(Default::default())),
            };
            super::json(code, media.media_type, serde_json::to_vec(&body))
        }
        Encoding::Text => super::bytes_response(code, media.media_type, b"string".to_vec()),
        Encoding::Bytes => super::bytes_response(code, media.media_type, Vec::new()),
    }
}
