//! The client side (feature `client`): the one request path every generated
//! client method shares: building the HTTP request, authentication (bearer,
//! basic, API keys, OAuth2 client credentials with a shared token cache),
//! retries with backoff, hooks, sending, and the encoding/decoding helpers.
//!
//! Nothing here is generic over operations (the few generic helpers are thin
//! wrappers around one serde call), so a client of 459 operations costs little
//! to compile: a generated method only describes its [`Request`] and decodes
//! the answer. A generated client crate re-exports this module as its
//! `runtime` module and wraps [`Client`] in its own `Client` type, whose
//! methods are the spec's operations.
//!
//! Every generated client returns the same [`Error`] type, generic only over
//! the operation's documented error body, so one function can handle the
//! errors of any generated client:
//!
//! ```
//! use openapi_runtime::client::Error;
//!
//! fn describe<E: std::fmt::Debug>(error: &Error<E>) -> String {
//!     match error.status() {
//!         Some(status) => format!("{} answered {status}", error.operation()),
//!         None => format!("{} failed before an answer: {error}", error.operation()),
//!     }
//! }
//!
//! let error: Error<()> = Error::Request { operation: "listPets", message: "bad base URL".into() };
//! assert_eq!(describe(&error), "listPets failed before an answer: listPets: cannot build the request: bad base URL");
//! ```
//!
//! The request path used directly, the way a generated method does it: a
//! [`Request`] described with its encoders, and a plain function that
//! decodes the answer by status:
//!
//! ```no_run
//! use openapi_runtime::client::{self as runtime, Client, Method, Request, ResponseValue, Scheme};
//!
//! # async fn run() -> Result<(), runtime::Error<runtime::Never>> {
//! let client = Client::builder().bearer_token("t0ken").build_with_default("http://localhost:8080").expect("tls");
//! let mut request = Request::new("getPet", Method::GET, "", &[&[Scheme::Bearer]], "application/json");
//! request.path = format!("/pets/{}", request.path_param("petId", &42, "simple", false));
//! request.query("verbose", &true, "form", true);
//! let pet: ResponseValue<serde_json::Value> = client
//!     .call(request, |raw| match raw.status {
//!         200 => runtime::ok(raw, runtime::read_json, std::convert::identity),
//!         _ => runtime::unexpected(raw),
//!     })
//!     .await?;
//! # let _ = pet; Ok(()) }
//! ```

// `Error` carries the response head and body by value so callers can match on
// them without a box; that makes it larger than clippy likes in a `Result`.
#![allow(clippy::result_large_err)]

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

pub use reqwest::header::HeaderMap;
pub use reqwest::Method;

/// A secret string: usable, but never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

/// Credentials the client may use; each operation takes what its `security` asks for.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// `Authorization: Bearer …` for HTTP bearer schemes.
    pub bearer_token: Option<Secret>,
    /// `Authorization: Basic …` for HTTP basic schemes: user and password.
    pub basic: Option<(String, Secret)>,
    /// OAuth2 client credentials (client id and secret), exchanged for an
    /// access token at the scheme's token URL.
    pub client_credentials: Option<(String, Secret)>,
    /// Values for API-key schemes, by scheme name.
    pub api_keys: Vec<(String, Secret)>,
}

/// One security scheme an operation accepts, as the spec declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Bearer,
    Basic,
    /// OAuth2 client credentials; the token URL may be relative to the base URL.
    ClientCredentials {
        token_url: &'static str,
    },
    ApiKey {
        scheme: &'static str,
        location: KeyLocation,
        name: &'static str,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// Retries with exponential backoff and jitter, on connection errors, 429 and
/// 502/503/504, honouring `Retry-After`.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The delay before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// The longest delay between two attempts (a `Retry-After` may ask for more,
    /// within `max_elapsed`).
    pub max_backoff: Duration,
    /// No retry starts if it would begin later than this after the first attempt.
    pub max_elapsed: Duration,
    /// Retry POST and PATCH too. Off by default: they may not be idempotent.
    /// The Configuration API is all POST, so its callers opt in per client or per call.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// This policy, applied to POST and PATCH as well.
    pub fn non_idempotent(self) -> Self {
        RetryPolicy { retry_non_idempotent: true, ..self }
    }
}

/// Called around every attempt: add headers, start spans, record metrics.
/// The token exchange of OAuth2 client credentials is not hooked.
pub trait RequestHook: Send + Sync {
    /// Just before sending; `request` may be changed (headers, timeout).
    fn on_request(&self, _operation: &'static str, _request: &mut reqwest::Request) {}
    /// When the response head arrived.
    fn on_response(&self, _operation: &'static str, _status: u16, _elapsed: Duration) {}
    /// When the request could not be sent or its response not read.
    fn on_error(&self, _operation: &'static str, _error: &reqwest::Error) {}
}

/// Overrides for the calls made through one client handle (see [`Client::with_options`]).
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Per-attempt timeout, instead of the client's.
    pub timeout: Option<Duration>,
    /// Retry policy, instead of the client's.
    pub retry: Option<RetryPolicy>,
}

/// The response of a call: its status, headers and decoded body.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: T,
}

impl<T> ResponseValue<T> {
    /// The body, without status and headers.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

/// A response as received, before decoding.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The operationId of the request it answers.
    pub operation: &'static str,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

/// What a call can fail with. `E` is the operation's documented error type
/// (`<Operation>Error`, one variant per documented error status).
#[derive(Debug)]
pub enum Error<E> {
    /// A status the spec documents, with its decoded body.
    Api { operation: &'static str, status: u16, headers: HeaderMap, error: E },
    /// A status the spec does not document for this operation.
    UnexpectedStatus { operation: &'static str, response: RawResponse },
    /// The body did not decode into the documented type; `path` is the JSON
    /// path (`data[3].createdAt`) where decoding stopped.
    Decode { operation: &'static str, status: u16, path: String, message: String, body: bytes::Bytes },
    /// The request could not be sent or the response not read.
    Transport { operation: &'static str, source: reqwest::Error },
    /// The request could not be built (bad base URL, unencodable value).
    Request { operation: &'static str, message: String },
    /// Getting an access token failed.
    Auth { operation: &'static str, message: String },
}

impl<E: std::fmt::Debug> std::fmt::Display for Error<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Api { operation, status, error, .. } => {
                write!(f, "{operation}: documented error status {status}: {error:?}")
            }
            Error::UnexpectedStatus { operation, response } => {
                write!(f, "{operation}: unexpected status {}", response.status)
            }
            Error::Decode { operation, status, path, message, .. } => {
                write!(f, "{operation}: cannot decode the {status} response at `{path}`: {message}")
            }
            Error::Transport { operation, source } => write!(f, "{operation}: {source}"),
            Error::Request { operation, message } => write!(f, "{operation}: cannot build the request: {message}"),
            Error::Auth { operation, message } => write!(f, "{operation}: authentication failed: {message}"),
        }
    }
}

impl<E: std::fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::UnexpectedStatus { response, .. } => Some(response.status),
            _ => None,
        }
    }

    /// The operation's documented error, if that is what this is.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The operation (its operationId) the error came from.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Request { operation, .. }
            | Error::Auth { operation, .. } => operation,
        }
    }
}

impl Error<Never> {
    /// The same error for an operation with error type `F`; the runtime's own
    /// errors never carry an operation error.
    pub fn retype<F>(self) -> Error<F> {
        match self {
            Error::Api { error, .. } => match error {},
            Error::UnexpectedStatus { operation, response } => Error::UnexpectedStatus { operation, response },
            Error::Decode { operation, status, path, message, body } => {
                Error::Decode { operation, status, path, message, body }
            }
            Error::Transport { operation, source } => Error::Transport { operation, source },
            Error::Request { operation, message } => Error::Request { operation, message },
            Error::Auth { operation, message } => Error::Auth { operation, message },
        }
    }
}

/// Uninhabited: the error type of operations that document no error status.
#[derive(Debug, Clone, PartialEq)]
pub enum Never {}

/// A request body, already encoded.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Bytes { content_type: &'static str, data: bytes::Bytes },
}

/// Everything one call needs; built by the generated method with
/// [`Request::new`] and the encoders below, sent by [`Client::call`] or
/// [`Client::execute`].
///
/// The encoders never fail on the spot: the first value that cannot be
/// encoded is kept in `invalid`, and sending the request then fails with
/// [`Error::Request`]. That keeps a generated method a plain function.
#[derive(Debug)]
pub struct Request {
    /// The operationId, for errors and hooks.
    pub operation: &'static str,
    pub method: Method,
    /// Path with parameters already substituted and encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    /// Alternatives (OR) of scheme sets (AND); an empty set means no auth is fine.
    pub security: &'static [&'static [Scheme]],
    pub accept: &'static str,
    /// Why the request cannot be sent, if an encoder failed.
    pub invalid: Option<String>,
}

impl Request {
    /// A request with no parameters and no body yet.
    pub fn new(
        operation: &'static str,
        method: Method,
        path: &str,
        security: &'static [&'static [Scheme]],
        accept: &'static str,
    ) -> Request {
        Request {
            operation,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            security,
            accept,
            invalid: None,
        }
    }

    fn fail(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }

    /// `value` as JSON for the parameter encoders; `Null` (and the failure
    /// kept) when it cannot be serialised.
    fn value<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> serde_json::Value {
        serde_json::to_value(value).unwrap_or_else(|e| {
            self.fail(format!("parameter `{name}`: {e}"));
            serde_json::Value::Null
        })
    }

    /// One path parameter, percent-encoded, in its `style` (`simple`,
    /// `label` or `matrix`), to be put into [`Request::path`].
    pub fn path_param<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: &str,
        explode: bool,
    ) -> String {
        let value = self.value(name, value);
        self.path_segment(name, &value, style, explode)
    }

    fn path_segment(&mut self, name: &str, value: &serde_json::Value, style: &str, explode: bool) -> String {
        let segment = path_segment(name, value, style, explode);
        // URL parsing would resolve these (even percent-encoded) and the
        // request would go to another path.
        if segment == "." || segment == ".." {
            self.fail(format!("path parameter `{name}` cannot be `{segment}`"));
        }
        segment
    }

    /// One query parameter, as its `style`/`explode` say (`form`,
    /// `spaceDelimited`, `pipeDelimited`, `deepObject`).
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: &str, explode: bool) {
        let value = self.value(name, value);
        push_query(&mut self.query, name, &value, style, explode);
    }

    /// One header parameter (`simple` style).
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T, explode: bool) {
        let value = self.value(name, value);
        self.headers.push((name, header_value(&value, explode)));
    }

    /// One cookie parameter (`form` style, never exploded).
    pub fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = self.value(name, value);
        self.headers.push(("cookie", format!("{name}={}", header_value(&value, false))));
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        match serde_json::to_vec(value) {
            Ok(data) => self.body = Body::Bytes { content_type: "application/json", data: data.into() },
            Err(e) => self.fail(format!("body: {e}")),
        }
    }

    /// An `application/x-www-form-urlencoded` body: top-level fields as
    /// pairs, arrays repeated, nested objects as JSON text.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        match serde_json::to_value(value) {
            Ok(value) => self.form_value(&value),
            Err(e) => self.fail(format!("body: {e}")),
        }
    }

    fn form_value(&mut self, value: &serde_json::Value) {
        match form_body(value) {
            Ok(data) => self.body = Body::Bytes { content_type: "application/x-www-form-urlencoded", data },
            Err(message) => self.fail(format!("body: {message}")),
        }
    }

    /// A body sent as it is.
    pub fn bytes(&mut self, content_type: &'static str, data: bytes::Bytes) {
        self.body = Body::Bytes { content_type, data };
    }
}

/// What a generated method returns: the request on its way, and how the
/// operation decodes the answer. Await it for the result.
///
/// It is the same type for every operation (sending is one non-generic
/// future, boxed); only the decoding function differs, so a client of many
/// operations compiles no future per method.
#[must_use = "a call does nothing unless awaited"]
pub struct Call<'a, T, E> {
    sending: std::pin::Pin<Box<dyn std::future::Future<Output = Result<RawResponse, Error<Never>>> + Send + 'a>>,
    decode: Decode<T, E>,
}

/// How an operation turns a response into its result.
pub type Decode<T, E> = fn(RawResponse) -> Result<ResponseValue<T>, Error<E>>;

impl<T, E> std::fmt::Debug for Call<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

impl<T, E> std::future::Future for Call<'_, T, E> {
    type Output = Result<ResponseValue<T>, Error<E>>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        match self.sending.as_mut().poll(cx) {
            std::task::Poll::Pending => std::task::Poll::Pending,
            std::task::Poll::Ready(Ok(raw)) => std::task::Poll::Ready((self.decode)(raw)),
            std::task::Poll::Ready(Err(e)) => std::task::Poll::Ready(Err(e.retype())),
        }
    }
}

/// A response body read chunk by chunk, for payloads too large to buffer.
pub struct ByteStream {
    operation: &'static str,
    response: reqwest::Response,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream").field("operation", &self.operation).finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The next chunk, or `None` at the end of the body.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, Error<Never>> {
        let operation = self.operation;
        self.response.chunk().await.map_err(|source| Error::Transport { operation, source })
    }

    /// The chunks as a `Stream`.
    pub fn into_stream(
        self,
    ) -> std::pin::Pin<Box<dyn futures_core::Stream<Item = Result<bytes::Bytes, Error<Never>>> + Send>> {
        Box::pin(futures_util::stream::unfold(Some(self), |state| async move {
            let mut s = state?;
            match s.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(s))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        }))
    }

    /// The whole rest of the body in memory.
    pub async fn collect(mut self) -> Result<bytes::Bytes, Error<Never>> {
        let mut out = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out.into())
    }
}

/// What [`Client::execute_streaming`] returns: a success with its body unread,
/// or any other response, read whole so its error body can be decoded.
#[derive(Debug)]
pub enum Streamed {
    Success(ResponseValue<ByteStream>),
    Other(RawResponse),
}

struct CachedToken {
    token: Secret,
    /// When to fetch a new one: shortly before the server's expiry.
    refresh_at: Instant,
}

struct Inner {
    base_url: String,
    http: reqwest::Client,
    credentials: Credentials,
    hooks: Vec<Arc<dyn RequestHook>>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    /// One token for all concurrent calls: the lock is held during a refresh,
    /// so callers wait for it instead of each fetching their own.
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

/// The API client. Cheap to clone; clones share the connection pool and token cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: CallOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A generated client: a wrapper around [`Client`] whose methods are the
/// spec's operations. [`ClientBuilder::build`] makes one, with the spec's
/// first server as the default base URL.
pub trait ApiClient: From<Client> {
    /// The base URL used when none is set: the spec's first server.
    const DEFAULT_BASE_URL: &'static str;
}

/// Builds a [`Client`], or the generated client `C` around one.
pub struct ClientBuilder<C = Client> {
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    credentials: Credentials,
    hooks: Vec<Arc<dyn RequestHook>>,
    retry: Option<RetryPolicy>,
    target: PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            http: None,
            timeout: None,
            user_agent: None,
            credentials: Credentials::default(),
            hooks: Vec::new(),
            retry: None,
            target: PhantomData,
        }
    }
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    /// Base URL, e.g. `http://localhost:8000/api`; defaults to the spec's first server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Use this HTTP client (its own proxies, TLS settings and default headers
    /// apply; `user_agent` is then ignored).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Timeout of each attempt, from sending to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A bearer token for operations that accept HTTP bearer auth.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials.bearer_token = Some(token.into());
        self
    }

    /// User and password for operations that accept HTTP basic auth.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials.basic = Some((user.into(), password.into()));
        self
    }

    /// OAuth2 client credentials: the client gets, caches and refreshes access tokens itself.
    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        self.credentials.client_credentials = Some((client_id.into(), client_secret.into()));
        self
    }

    /// The key for the API-key scheme named `scheme` in the spec.
    pub fn api_key(mut self, scheme: impl Into<String>, key: impl Into<Secret>) -> Self {
        self.credentials.api_keys.push((scheme.into(), key.into()));
        self
    }

    /// Add a hook called around every attempt (tracing, metrics, custom headers).
    pub fn hook(mut self, hook: impl RequestHook + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// The retry policy of all calls (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Build with this base URL when none was set (`build` passes the spec's).
    pub fn build_with_default(self, default_base_url: &str) -> Result<Client, reqwest::Error> {
        self.erase().build_client(default_base_url)
    }

    fn erase(self) -> ClientBuilder<()> {
        ClientBuilder {
            base_url: self.base_url,
            http: self.http,
            timeout: self.timeout,
            user_agent: self.user_agent,
            credentials: self.credentials,
            hooks: self.hooks,
            retry: self.retry,
            target: PhantomData,
        }
    }
}

// Not generic: the builder's real work is compiled once, whatever the client.
impl ClientBuilder<()> {
    fn build_client(self, default_base_url: &str) -> Result<Client, reqwest::Error> {
        let http = match self.http {
            Some(c) => c,
            None => {
                let mut b = reqwest::Client::builder();
                if let Some(ua) = &self.user_agent {
                    b = b.user_agent(ua.clone());
                }
                b.build()?
            }
        };
        let base_url = self.base_url.unwrap_or_else(|| default_base_url.to_owned());
        Ok(Client {
            inner: Arc::new(Inner {
                base_url: base_url.trim_end_matches('/').to_owned(),
                http,
                credentials: self.credentials,
                hooks: self.hooks,
                retry: self.retry.unwrap_or_default(),
                timeout: self.timeout,
                token: tokio::sync::Mutex::new(None),
            }),
            options: CallOptions::default(),
        })
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// Build the client; the base URL defaults to the spec's first server.
    pub fn build(self) -> Result<C, reqwest::Error> {
        self.erase().build_client(C::DEFAULT_BASE_URL).map(C::from)
    }
}

/// A response whose body may still be unread.
enum Received {
    Whole(RawResponse),
    Streaming(reqwest::Response),
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A handle whose calls use these overrides (timeout, retries); it shares
    /// the connection pool and token cache with `self`. For one call:
    /// `client.with_options(opts).some_operation(…)`.
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client { inner: self.inner.clone(), options }
    }

    /// Send a request with auth and retries and decode the answer with
    /// `decode`; what every generated method returns.
    pub fn call<T, E>(&self, request: Request, decode: Decode<T, E>) -> Call<'_, T, E> {
        Call { sending: Box::pin(self.fetch(request)), decode }
    }

    /// Send a request with auth and retries; the response is returned whatever its status.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        self.fetch(request).await.map_err(Error::retype)
    }

    /// The one future behind every call.
    async fn fetch(&self, request: Request) -> Result<RawResponse, Error<Never>> {
        match self.inner.send(&self.options, &request, false).await? {
            Received::Whole(raw) => Ok(raw),
            Received::Streaming(resp) => read_whole(request.operation, resp).await,
        }
    }

    /// Like [`Client::execute`], but a 2xx body is left unread, to be streamed.
    pub async fn execute_streaming<E>(&self, request: Request) -> Result<Streamed, Error<E>> {
        match self.inner.send(&self.options, &request, true).await {
            Ok(Received::Whole(raw)) => Ok(Streamed::Other(raw)),
            Ok(Received::Streaming(response)) => Ok(Streamed::Success(ResponseValue {
                status: response.status().as_u16(),
                headers: response.headers().clone(),
                body: ByteStream { operation: request.operation, response },
            })),
            Err(e) => Err(e.retype()),
        }
    }
}

async fn read_whole(operation: &'static str, resp: reqwest::Response) -> Result<RawResponse, Error<Never>> {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.map_err(|source| Error::Transport { operation, source })?;
    Ok(RawResponse { operation, status, headers, body })
}

impl Inner {
    async fn send(&self, options: &CallOptions, request: &Request, stream: bool) -> Result<Received, Error<Never>> {
        if let Some(message) = &request.invalid {
            return Err(Error::Request { operation: request.operation, message: message.clone() });
        }
        let policy = options.retry.as_ref().unwrap_or(&self.retry);
        let timeout = options.timeout.or(self.timeout);
        let idempotent = !matches!(request.method, Method::POST | Method::PATCH);
        let may_retry = idempotent || policy.retry_non_idempotent;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let token = self.token_for(request).await?;
            let result = match self.send_once(request, token.as_ref(), timeout).await {
                Ok(resp) if stream && resp.status().is_success() => return Ok(Received::Streaming(resp)),
                Ok(resp) => read_whole(request.operation, resp).await,
                Err(e) => Err(e),
            };
            if let Err(Error::Transport { source, .. }) = &result {
                for hook in &self.hooks {
                    hook.on_error(request.operation, source);
                }
            }
            let retry_hint = match &result {
                Ok(resp) if resp.status == 401 && !refreshed && token.is_some() => {
                    // The cached token was revoked or expired early: refresh once and
                    // retry, without counting an attempt.
                    refreshed = true;
                    self.invalidate_token(token.as_ref()).await;
                    attempt -= 1;
                    continue;
                }
                Ok(resp) if matches!(resp.status, 429 | 502 | 503 | 504) => Some(retry_after(&resp.headers)),
                Ok(_) => None,
                Err(Error::Transport { source, .. }) if source.is_connect() || source.is_timeout() => Some(None),
                Err(_) => None,
            };
            let Some(hint) = retry_hint else { return result.map(Received::Whole) };
            if !may_retry || attempt >= policy.max_attempts {
                return result.map(Received::Whole);
            }
            let delay = hint.unwrap_or_else(|| backoff(policy, attempt));
            if started.elapsed() + delay > policy.max_elapsed {
                return result.map(Received::Whole);
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// Pick the first security alternative the credentials satisfy; an empty
    /// alternative (auth optional) only when no other one is satisfied.
    fn pick(&self, request: &Request) -> Option<&'static [Scheme]> {
        let c = &self.credentials;
        let mut alternatives = request.security.iter().copied().filter(|alt| !alt.is_empty());
        alternatives.find(|alt| {
            alt.iter().all(|s| match s {
                Scheme::Bearer => c.bearer_token.is_some(),
                Scheme::Basic => c.basic.is_some(),
                Scheme::ClientCredentials { .. } => c.client_credentials.is_some(),
                Scheme::ApiKey { scheme, .. } => c.api_keys.iter().any(|(n, _)| n == scheme),
            })
        })
    }

    /// The OAuth2 access token the request needs, if its chosen alternative uses one.
    async fn token_for(&self, request: &Request) -> Result<Option<Secret>, Error<Never>> {
        let Some(alt) = self.pick(request) else { return Ok(None) };
        for s in alt {
            if let Scheme::ClientCredentials { token_url } = s {
                return self.access_token(request.operation, token_url).await.map(Some);
            }
        }
        Ok(None)
    }

    async fn invalidate_token(&self, used: Option<&Secret>) {
        let mut cached = self.token.lock().await;
        // Only drop the token that failed; another call may have refreshed it already.
        if cached.as_ref().map(|c| &c.token) == used {
            *cached = None;
        }
    }

    async fn access_token(&self, operation: &'static str, token_url: &str) -> Result<Secret, Error<Never>> {
        let mut cached = self.token.lock().await;
        if let Some(c) = cached.as_ref() {
            if c.refresh_at > Instant::now() {
                return Ok(c.token.clone());
            }
        }
        let auth = |message: String| Error::Auth { operation, message };
        let Some((id, secret)) = &self.credentials.client_credentials else {
            return Err(auth("no client credentials configured".into()));
        };
        let url = if token_url.starts_with("http://") || token_url.starts_with("https://") {
            token_url.to_owned()
        } else {
            format!("{}/{}", self.base_url, token_url.trim_start_matches('/'))
        };
        let form =
            [("grant_type", "client_credentials"), ("client_id", id.as_str()), ("client_secret", secret.expose())];
        let body = serde_urlencoded::to_string(form).map_err(|e| auth(e.to_string()))?;
        let resp = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| auth(format!("token request: {e}")))?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| auth(format!("token response: {e}")))?;
        if !(200..300).contains(&status) {
            return Err(auth(format!("the token endpoint answered {status}")));
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let t: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| auth(format!("token response: {e}")))?;
        let token = Secret(t.access_token);
        // Airbyte's tokens live 3 minutes when the response does not say.
        let ttl = Duration::from_secs(t.expires_in.unwrap_or(180));
        let margin = (ttl / 2).min(Duration::from_secs(30));
        *cached = Some(CachedToken { token: token.clone(), refresh_at: Instant::now() + ttl - margin });
        Ok(token)
    }

    async fn send_once(
        &self,
        request: &Request,
        token: Option<&Secret>,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, Error<Never>> {
        let op = request.operation;
        let url = format!("{}{}", self.base_url, request.path);
        let mut url =
            reqwest::Url::parse(&url).map_err(|e| Error::Request { operation: op, message: e.to_string() })?;
        let mut query = request.query.clone();
        let mut auth_headers: Vec<(String, String)> = Vec::new();
        if let Some(alt) = self.pick(request) {
            let c = &self.credentials;
            for s in alt {
                match s {
                    Scheme::Bearer => {
                        if let Some(t) = &c.bearer_token {
                            auth_headers.push(("authorization".into(), format!("Bearer {}", t.expose())));
                        }
                    }
                    Scheme::Basic => {
                        if let Some((u, p)) = &c.basic {
                            auth_headers.push(("authorization".into(), basic_header(u, p.expose())));
                        }
                    }
                    Scheme::ClientCredentials { .. } => {
                        if let Some(t) = token {
                            auth_headers.push(("authorization".into(), format!("Bearer {}", t.expose())));
                        }
                    }
                    Scheme::ApiKey { scheme, location, name } => {
                        if let Some((_, key)) = c.api_keys.iter().find(|(n, _)| n == scheme) {
                            match location {
                                KeyLocation::Header => auth_headers.push(((*name).to_owned(), key.expose().to_owned())),
                                KeyLocation::Query => query.push(((*name).to_owned(), key.expose().to_owned())),
                                KeyLocation::Cookie => {
                                    auth_headers.push(("cookie".into(), format!("{name}={}", key.expose())))
                                }
                            }
                        }
                    }
                }
            }
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter());
        }
        let mut req = reqwest::Request::new(request.method.clone(), url);
        let headers = req.headers_mut();
        let mut put = |name: &str, value: &str| -> Result<(), Error<Never>> {
            let n = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::Request { operation: op, message: format!("header `{name}`: {e}") })?;
            let v = reqwest::header::HeaderValue::from_str(value)
                .map_err(|e| Error::Request { operation: op, message: format!("header `{name}`: {e}") })?;
            headers.append(n, v);
            Ok(())
        };
        put("accept", request.accept)?;
        for (n, v) in &request.headers {
            put(n, v)?;
        }
        for (n, v) in &auth_headers {
            put(n, v)?;
        }
        if let Body::Bytes { content_type, data } = &request.body {
            put("content-type", content_type)?;
            *req.body_mut() = Some(reqwest::Body::from(data.clone()));
        }
        if let Some(t) = timeout {
            *req.timeout_mut() = Some(t);
        }
        for hook in &self.hooks {
            hook.on_request(op, &mut req);
        }
        let started = Instant::now();
        let resp = self.http.execute(req).await.map_err(|source| Error::Transport { operation: op, source })?;
        for hook in &self.hooks {
            hook.on_response(op, resp.status().as_u16(), started.elapsed());
        }
        Ok(resp)
    }
}

fn basic_header(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4 + 6);
    out.push_str("Basic ");
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Retry-After` as a delay: seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate_parse(v)?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers send.
fn httpdate_parse(s: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .position(|m| *m == parts[2])? as u64
        + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4].split(':').filter_map(|x| x.parse().ok()).collect();
    if hms.len() != 3 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + (hms[0] * 3600 + hms[1] * 60 + hms[2]) as i64;
    let secs = u64::try_from(secs).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Exponential backoff with jitter: a delay in `[cap/2, cap)`, where `cap`
/// doubles with each attempt up to `max_backoff`.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let exp = policy.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let cap = exp.min(policy.max_backoff);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    // Concurrent retries must not wake together: mix a sequence number into the seed.
    let mut x = (u64::from(nanos) ^ SEQ.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    let frac = (x % 1000) as f64 / 1000.0;
    cap.mul_f64(0.5 + frac / 2.0)
}

// ---- encoding helpers behind the `Request` encoders ------------------------

fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn path_segment(name: &str, value: &serde_json::Value, style: &str, explode: bool) -> String {
    // (key, value) pairs for objects, bare values otherwise.
    let items: Vec<(Option<String>, String)> = match value {
        serde_json::Value::Array(items) => items.iter().map(|v| (None, scalar(v))).collect(),
        serde_json::Value::Object(map) => map.iter().map(|(k, v)| (Some(k.clone()), scalar(v))).collect(),
        other => vec![(None, scalar(other))],
    };
    let is_scalar = !matches!(value, serde_json::Value::Array(_) | serde_json::Value::Object(_));
    let mut out = String::new();
    let (prefix, sep) = match (style, explode) {
        ("label", true) => (".", "."),
        ("label", false) => (".", ","),
        ("matrix", true) => (";", ";"),
        ("matrix", false) => (";", ","),
        _ => ("", ","),
    };
    out.push_str(prefix);
    if style == "matrix" && (!explode || is_scalar) {
        percent_encode(name, &mut out);
        out.push('=');
    }
    for (i, (key, v)) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match key {
            Some(k) if explode => {
                percent_encode(k, &mut out);
                out.push('=');
            }
            Some(k) => {
                percent_encode(k, &mut out);
                out.push(',');
            }
            None if style == "matrix" && explode && !is_scalar => {
                percent_encode(name, &mut out);
                out.push('=');
            }
            None => {}
        }
        percent_encode(v, &mut out);
    }
    out
}

/// The URL encoder escapes the pairs later.
fn push_query(out: &mut Vec<(String, String)>, name: &str, value: &serde_json::Value, style: &str, explode: bool) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(scalar).collect();
            match (style, explode) {
                ("form", true) => out.extend(items.into_iter().map(|i| (name.to_owned(), i))),
                ("spaceDelimited", _) => out.push((name.to_owned(), items.join(" "))),
                ("pipeDelimited", _) => out.push((name.to_owned(), items.join("|"))),
                _ => out.push((name.to_owned(), items.join(","))),
            }
        }
        serde_json::Value::Object(map) => match (style, explode) {
            ("deepObject", _) => out.extend(map.iter().map(|(k, v)| (format!("{name}[{k}]"), scalar(v)))),
            ("form", true) => out.extend(map.iter().map(|(k, v)| (k.clone(), scalar(v)))),
            _ => {
                let flat: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), scalar(v)]).collect();
                out.push((name.to_owned(), flat.join(",")))
            }
        },
        other => out.push((name.to_owned(), scalar(other))),
    }
}

fn header_value(value: &serde_json::Value, explode: bool) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(map) => {
            let sep = if explode { "=" } else { "," };
            map.iter().map(|(k, v)| format!("{k}{sep}{}", scalar(v))).collect::<Vec<_>>().join(",")
        }
        other => scalar(other),
    }
}

fn form_body(value: &serde_json::Value) -> Result<bytes::Bytes, String> {
    let serde_json::Value::Object(map) = value else {
        return Err("a form body must be an object".into());
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in map {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => pairs.extend(items.iter().map(|i| (k.clone(), form_scalar(i)))),
            other => pairs.push((k.clone(), form_scalar(other))),
        }
    }
    serde_urlencoded::to_string(&pairs).map(bytes::Bytes::from).map_err(|e| e.to_string())
}

fn form_scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => value.to_string(),
        other => scalar(other),
    }
}

// ---- decoding: the pieces of a generated `Decode` function ------------------
//
// A generated operation decodes with one `match` on the status whose arms
// call `ok` or `err` with a reader (`read_json`, `read_text`, `read_bytes`,
// `read_empty`) and the variant or function that wraps the body. Readers are
// generic only over the body type, so every operation returning the same
// type shares one copy.

/// How a body is read; see [`read_json`] and friends.
pub type Read<B> = fn(&RawResponse) -> Result<B, Error<Never>>;

/// A success: the body read with `read` and wrapped with `wrap`
/// (`std::convert::identity`, or a variant of the operation's response enum).
pub fn ok<B, T, E>(raw: RawResponse, read: Read<B>, wrap: fn(B) -> T) -> Result<ResponseValue<T>, Error<E>> {
    match read(&raw) {
        Ok(body) => Ok(ResponseValue { status: raw.status, headers: raw.headers, body: wrap(body) }),
        Err(e) => Err(e.retype()),
    }
}

/// A documented error: the body read with `read` and wrapped into the
/// operation's error type with `wrap` (one of its variants).
pub fn err<B, T, E>(raw: RawResponse, read: Read<B>, wrap: fn(B) -> E) -> Result<ResponseValue<T>, Error<E>> {
    match read(&raw) {
        Ok(body) => {
            Err(Error::Api { operation: raw.operation, status: raw.status, headers: raw.headers, error: wrap(body) })
        }
        Err(e) => Err(e.retype()),
    }
}

/// A status the operation does not document.
pub fn unexpected<T, E>(raw: RawResponse) -> Result<ResponseValue<T>, Error<E>> {
    Err(Error::UnexpectedStatus { operation: raw.operation, response: raw })
}

/// Decode a JSON body, naming the operation, status and JSON path on failure.
///
/// Plain `serde_json` first, at full speed; only a body that fails is decoded
/// again with path tracking (which costs about twice the time) to say where.
pub fn read_json<T: serde::de::DeserializeOwned>(raw: &RawResponse) -> Result<T, Error<Never>> {
    match serde_json::from_slice(&raw.body) {
        Ok(value) => Ok(value),
        Err(plain) => Err(decode_error::<T>(raw, plain)),
    }
}

#[cold]
fn decode_error<T: serde::de::DeserializeOwned>(raw: &RawResponse, plain: serde_json::Error) -> Error<Never> {
    let de = &mut serde_json::Deserializer::from_slice(&raw.body);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Err(e) => (e.path().to_string(), e.inner().to_string()),
        // The value itself decoded: what failed is after it (trailing bytes).
        Ok(_) => (".".to_owned(), plain.to_string()),
    };
    Error::Decode { operation: raw.operation, status: raw.status, path, message, body: raw.body.clone() }
}

/// A text body.
pub fn read_text(raw: &RawResponse) -> Result<String, Error<Never>> {
    String::from_utf8(raw.body.to_vec()).map_err(|e| Error::Decode {
        operation: raw.operation,
        status: raw.status,
        path: String::new(),
        message: e.to_string(),
        body: raw.body.clone(),
    })
}

/// A body kept as bytes.
pub fn read_bytes(raw: &RawResponse) -> Result<bytes::Bytes, Error<Never>> {
    Ok(raw.body.clone())
}

/// A response whose body is not read (none documented).
pub fn read_empty(_: &RawResponse) -> Result<(), Error<Never>> {
    Ok(())
}

/// The `offset` query parameter of a `next` link, for pagination.
pub fn next_offset(next: &str) -> Option<i64> {
    let query = next.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "offset").then(|| v.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            operation: "list",
            status,
            headers: HeaderMap::new(),
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    fn request() -> Request {
        Request::new("op", Method::GET, "/", &[], "application/json")
    }

    #[test]
    fn path_parameters_are_encoded_and_dot_segments_refused() {
        let mut r = request();
        assert_eq!(r.path_param("id", "a b/c", "simple", false), "a%20b%2Fc");
        assert_eq!(r.path_param("ids", &[1, 2], "label", false), ".1,2");
        assert_eq!(r.path_param("ids", &[1, 2], "matrix", true), ";ids=1;ids=2");
        assert_eq!(r.invalid, None);
        r.path_param("id", "..", "simple", false);
        assert_eq!(r.invalid.as_deref(), Some("path parameter `id` cannot be `..`"));
    }

    #[test]
    fn query_parameters_follow_style_and_explode() {
        let mut r = request();
        r.query("tag", &["a", "b"], "form", true);
        r.query("ids", &[1, 2], "form", false);
        r.query("f", &json!({"x": 1}), "deepObject", true);
        r.query("none", &None::<u8>, "form", true);
        let pairs: Vec<(&str, &str)> = r.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("tag", "a"), ("tag", "b"), ("ids", "1,2"), ("f[x]", "1")]);
    }

    #[test]
    fn headers_cookies_and_bodies_are_encoded_and_failures_kept() {
        let mut r = request();
        r.header("X-Ids", &[1, 2], false);
        r.cookie("session", "abc");
        r.form(&json!({"a": 1, "b": ["x", "y"], "c": null}));
        assert_eq!(r.headers, [("X-Ids", "1,2".to_owned()), ("cookie", "session=abc".to_owned())]);
        assert!(matches!(&r.body, Body::Bytes { data, .. } if &data[..] == b"a=1&b=x&b=y"));
        r.json(&json!({"a": 1}));
        assert!(
            matches!(&r.body, Body::Bytes { content_type: "application/json", data } if &data[..] == br#"{"a":1}"#)
        );
        // A map with non-string keys cannot be JSON: the first failure is kept.
        let bad: std::collections::BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        r.json(&bad);
        r.form(&1);
        assert!(r.invalid.as_deref().is_some_and(|m| m.starts_with("body: key must be a string")), "{:?}", r.invalid);
    }

    #[test]
    fn decode_failures_name_the_json_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            id: u32,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct List {
            data: Vec<Item>,
        }
        let ok: List = read_json(&raw(200, r#"{"data":[{"id":1}]}"#)).unwrap();
        assert_eq!(ok.data.len(), 1);
        match read_json::<List>(&raw(200, r#"{"data":[{"id":1},{"id":"x"}]}"#)) {
            Err(Error::Decode { operation: "list", status: 200, path, .. }) => assert_eq!(path, "data[1].id"),
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert!(matches!(read_text(&raw(200, "hi")), Ok(s) if s == "hi"));
    }

    #[test]
    fn statuses_decode_into_success_or_documented_error() {
        #[derive(Debug, PartialEq)]
        enum Failure {
            NotFound(serde_json::Value),
            Gone,
        }
        let decode: Decode<u32, Failure> = |raw| match raw.status {
            200 => ok(raw, read_json, std::convert::identity),
            404 => err(raw, read_json, Failure::NotFound),
            410 => err(raw, read_empty, |()| Failure::Gone),
            _ => unexpected(raw),
        };
        assert_eq!(decode(raw(200, "7")).unwrap().into_inner(), 7);
        let e = decode(raw(404, r#"{"m":1}"#)).unwrap_err();
        assert_eq!((e.status(), e.api_error()), (Some(404), Some(&Failure::NotFound(json!({"m": 1})))));
        assert_eq!(decode(raw(410, "")).unwrap_err().api_error(), Some(&Failure::Gone));
        assert!(matches!(decode(raw(500, "")), Err(Error::UnexpectedStatus { operation: "list", .. })));
        assert!(matches!(decode(raw(200, "x")), Err(Error::Decode { status: 200, .. })));
    }

    #[test]
    fn next_links_give_the_offset() {
        assert_eq!(next_offset("https://x/v1/things?limit=20&offset=40"), Some(40));
        assert_eq!(next_offset("https://x/v1/things?limit=20"), None);
        assert_eq!(next_offset("/things?offset=7#frag"), Some(7));
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let builder = Client::builder().bearer_token("s3cret").client_credentials("id", "hidden");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("hidden"), "{shown}");
        assert_eq!(format!("{:?}", Secret::new("x")), "\"<redacted>\"");
    }

    #[test]
    fn runtime_errors_retype_to_any_operation_error() {
        let err: Error<Never> = Error::Auth { operation: "op", message: "no".into() };
        let typed: Error<String> = err.retype();
        assert_eq!(typed.operation(), "op");
        assert_eq!(typed.status(), None);
        assert!(typed.api_error().is_none());
        assert_eq!(typed.to_string(), "op: authentication failed: no");
    }

    struct Pets;

    impl From<Client> for Pets {
        fn from(_: Client) -> Self {
            Pets
        }
    }

    impl ApiClient for Pets {
        const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:9/v1";
    }

    #[test]
    fn a_generated_client_is_built_with_its_default_base_url() {
        let built: Pets = ClientBuilder::<Pets>::default().build().unwrap();
        let _ = built;
        let plain = Client::builder().build_with_default("http://h/api/").unwrap();
        assert_eq!(plain.base_url(), "http://h/api");
    }

    /// A one-shot HTTP server on loopback: reads one request, answers `response`.
    async fn serve_once(response: &'static str) -> (String, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
            }
            socket.write_all(response.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&seen).into_owned()
        });
        (format!("http://{addr}"), task)
    }

    #[tokio::test]
    async fn execute_sends_auth_and_query_and_returns_any_status() {
        let (base, seen) =
            serve_once("HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}").await;
        let client =
            Client::builder().bearer_token("tok").retry(RetryPolicy::none()).build_with_default(&base).unwrap();
        let mut request = Request::new("getPet", Method::GET, "/pets/1", &[&[Scheme::Bearer]], "application/json");
        request.query("verbose", &true, "form", true);
        let response = client.execute::<Never>(request).await.unwrap();
        assert_eq!(response.status, 404);
        assert_eq!(&response.body[..], b"{}");
        let seen = seen.await.unwrap().to_ascii_lowercase();
        assert!(seen.starts_with("get /pets/1?verbose=true http/1.1"), "{seen}");
        assert!(seen.contains("authorization: bearer tok"), "{seen}");
    }

    #[test]
    fn a_call_can_move_to_another_task_and_be_polled_in_place() {
        // Checked by the compiler: spawning and `select!` need these.
        fn send_unpin<T: Send + Unpin>() {}
        send_unpin::<Call<'static, serde_json::Value, Never>>();
    }

    #[tokio::test]
    async fn call_sends_and_decodes_or_refuses_an_invalid_request() {
        let (base, seen) =
            serve_once("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n{\"id\":42}")
                .await;
        let client = Client::builder().retry(RetryPolicy::none()).build_with_default(&base).unwrap();
        let mut request = Request::new("getPet", Method::POST, "", &[], "application/json");
        request.path = format!("/pets/{}", request.path_param("petId", &7, "simple", false));
        request.json(&json!({"name": "x"}));
        let decode: Decode<serde_json::Value, Never> = |raw| match raw.status {
            200 => ok(raw, read_json, std::convert::identity),
            _ => unexpected(raw),
        };
        let pet = client.call(request, decode).await.unwrap();
        assert_eq!((pet.status, pet.body.clone()), (200, json!({"id": 42})));
        let seen = seen.await.unwrap().to_ascii_lowercase();
        assert!(seen.starts_with("post /pets/7 http/1.1"), "{seen}");
        assert!(seen.contains("content-type: application/json"), "{seen}");

        // Never sent: nothing listens on the base URL's port any more.
        let mut request = Request::new("getPet", Method::GET, "", &[], "application/json");
        request.path = format!("/pets/{}", request.path_param("petId", ".", "simple", false));
        match client.call(request, decode).await {
            Err(Error::Request { operation: "getPet", message }) => {
                assert_eq!(message, "path parameter `petId` cannot be `.`")
            }
            other => panic!("expected a request error, got {other:?}"),
        }
    }
}
