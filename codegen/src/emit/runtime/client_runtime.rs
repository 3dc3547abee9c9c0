//! The request path every generated method shares: building the HTTP request,
//! authentication, retries, sending, and decoding helpers. Nothing here is
//! generic over operations, so 459 methods cost little to compile.

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
    /// `Authorization: Basic …` for HTTP basic schemes.
    pub basic: Option<(String, Secret)>,
    /// OAuth2 client credentials, exchanged for an access token at the scheme's token URL.
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
    ClientCredentials { token_url: &'static str },
    ApiKey { scheme: &'static str, location: KeyLocation, name: &'static str },
}

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
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// Retry POST and PATCH too. Off by default: they may not be idempotent.
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
}

/// Called around every request: add headers, start spans, record metrics.
pub trait RequestHook: Send + Sync {
    fn on_request(&self, _operation: &'static str, _request: &mut reqwest::Request) {}
    fn on_response(&self, _operation: &'static str, _status: u16, _elapsed: Duration) {}
}

/// Overrides for the calls made through one client handle.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    pub timeout: Option<Duration>,
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
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

/// What a call can fail with. `E` is the operation's documented error type.
#[derive(Debug)]
pub enum Error<E> {
    /// A status the spec documents, with its decoded body.
    Api { status: u16, headers: HeaderMap, error: E },
    /// A status the spec does not document for this operation.
    UnexpectedStatus { operation: &'static str, response: RawResponse },
    /// The body did not decode into the documented type.
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
            Error::Api { status, error, .. } => write!(f, "documented error status {status}: {error:?}"),
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

impl<E: std::fmt::Debug> std::error::Error for Error<E> {}

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::UnexpectedStatus { response, .. } => Some(response.status),
            _ => None,
        }
    }

}

impl Error<Never> {
    fn retype<F>(self) -> Error<F> {
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

/// A request body, already encoded.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Bytes { content_type: &'static str, data: bytes::Bytes },
}

/// Everything one call needs; built by the generated method, sent by [`Client::execute`].
#[derive(Debug)]
pub struct Request {
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
}

struct CachedToken {
    token: Secret,
    expires_at: Instant,
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
            .finish()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    credentials: Credentials,
    hooks: Vec<Arc<dyn RequestHook>>,
    retry: Option<RetryPolicy>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl ClientBuilder {
    /// Base URL; defaults to the spec's first server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Use this HTTP client (its own timeouts, proxies, TLS settings apply).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials.bearer_token = Some(token.into());
        self
    }

    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials.basic = Some((user.into(), password.into()));
        self
    }

    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        self.credentials.client_credentials = Some((client_id.into(), client_secret.into()));
        self
    }

    pub fn api_key(mut self, scheme: impl Into<String>, key: impl Into<Secret>) -> Self {
        self.credentials.api_keys.push((scheme.into(), key.into()));
        self
    }

    pub fn hook(mut self, hook: impl RequestHook + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    pub fn build_with_default(self, default_base_url: &str) -> Result<Client, reqwest::Error> {
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

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A handle whose calls use these overrides (timeout, retries); it shares
    /// the connection pool and token cache with `self`.
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client { inner: self.inner.clone(), options }
    }

    fn retry_policy(&self) -> &RetryPolicy {
        self.options.retry.as_ref().unwrap_or(&self.inner.retry)
    }

    /// Send a request with auth and retries; the response is returned whatever its status.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        self.execute_raw(request).await.map_err(Error::retype)
    }

    async fn execute_raw(&self, request: Request) -> Result<RawResponse, Error<Never>> {
        let policy = self.retry_policy().clone();
        let idempotent = !matches!(request.method, Method::POST | Method::PATCH);
        let may_retry = idempotent || policy.retry_non_idempotent;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let token = self.token_for(&request).await?;
            let result = self.send_once(&request, token.as_ref()).await;
            let retry_after = match &result {
                Ok(resp) if resp.status == 401 && !refreshed && self.uses_oauth(&request) => {
                    // The cached token was revoked or expired early: refresh once and retry.
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
            let Some(hint) = retry_after else { return result };
            if !may_retry || attempt >= policy.max_attempts {
                return result;
            }
            let delay = hint.unwrap_or_else(|| backoff(&policy, attempt));
            if started.elapsed() + delay > policy.max_elapsed {
                return result;
            }
            tokio::time::sleep(delay).await;
        }
    }

    fn uses_oauth(&self, request: &Request) -> bool {
        self.inner.credentials.client_credentials.is_some()
            && request.security.iter().any(|alt| alt.iter().any(|s| matches!(s, Scheme::ClientCredentials { .. })))
    }

    /// Pick the first security alternative the credentials satisfy; an empty
    /// alternative (auth optional) only when no other one is satisfied.
    fn pick(&self, request: &Request) -> Option<&'static [Scheme]> {
        let c = &self.inner.credentials;
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
        let mut cached = self.inner.token.lock().await;
        // Only drop the token that failed; another call may have refreshed it already.
        if cached.as_ref().map(|c| &c.token) == used {
            *cached = None;
        }
    }

    async fn access_token(&self, operation: &'static str, token_url: &str) -> Result<Secret, Error<Never>> {
        let mut cached = self.inner.token.lock().await;
        if let Some(c) = cached.as_ref() {
            if c.expires_at > Instant::now() + Duration::from_secs(30) {
                return Ok(c.token.clone());
            }
        }
        let Some((id, secret)) = &self.inner.credentials.client_credentials else {
            return Err(Error::Auth { operation, message: "no client credentials configured".into() });
        };
        let url = if token_url.starts_with("http://") || token_url.starts_with("https://") {
            token_url.to_owned()
        } else {
            format!("{}/{}", self.inner.base_url, token_url.trim_start_matches('/'))
        };
        let form = [("grant_type", "client_credentials"), ("client_id", id.as_str()), ("client_secret", secret.expose())];
        let body = serde_urlencoded::to_string(form).map_err(|e| Error::Auth { operation, message: e.to_string() })?;
        let resp = self
            .inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| Error::Auth { operation, message: e.to_string() })?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| Error::Auth { operation, message: e.to_string() })?;
        if !(200..300).contains(&status) {
            return Err(Error::Auth { operation, message: format!("token endpoint answered {status}") });
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let t: TokenResponse = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Auth { operation, message: format!("token response: {e}") })?;
        let token = Secret(t.access_token);
        let ttl = Duration::from_secs(t.expires_in.unwrap_or(180));
        *cached = Some(CachedToken { token: token.clone(), expires_at: Instant::now() + ttl });
        Ok(token)
    }

    async fn send_once(&self, request: &Request, token: Option<&Secret>) -> Result<RawResponse, Error<Never>> {
        let op = request.operation;
        let url = format!("{}{}", self.inner.base_url, request.path);
        let mut url = reqwest::Url::parse(&url).map_err(|e| Error::Request { operation: op, message: e.to_string() })?;
        let mut query = request.query.clone();
        let mut rb_headers: Vec<(String, String)> = Vec::new();
        if let Some(alt) = self.pick(request) {
            let c = &self.inner.credentials;
            for s in alt {
                match s {
                    Scheme::Bearer => {
                        if let Some(t) = &c.bearer_token {
                            rb_headers.push(("authorization".into(), format!("Bearer {}", t.expose())));
                        }
                    }
                    Scheme::Basic => {
                        if let Some((u, p)) = &c.basic {
                            rb_headers.push(("authorization".into(), basic_header(u, p.expose())));
                        }
                    }
                    Scheme::ClientCredentials { .. } => {
                        if let Some(t) = token {
                            rb_headers.push(("authorization".into(), format!("Bearer {}", t.expose())));
                        }
                    }
                    Scheme::ApiKey { scheme, location, name } => {
                        if let Some((_, key)) = c.api_keys.iter().find(|(n, _)| n == scheme) {
                            match location {
                                KeyLocation::Header => rb_headers.push(((*name).to_owned(), key.expose().to_owned())),
                                KeyLocation::Query => query.push(((*name).to_owned(), key.expose().to_owned())),
                                KeyLocation::Cookie => {
                                    rb_headers.push(("cookie".into(), format!("{name}={}", key.expose())))
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
        for (n, v) in &rb_headers {
            put(n, v)?;
        }
        if let Body::Bytes { content_type, data } = &request.body {
            put("content-type", content_type)?;
            *req.body_mut() = Some(reqwest::Body::from(data.clone()));
        }
        if let Some(t) = self.options.timeout.or(self.inner.timeout) {
            *req.timeout_mut() = Some(t);
        }
        for hook in &self.inner.hooks {
            hook.on_request(op, &mut req);
        }
        let started = Instant::now();
        let resp = self.inner.http.execute(req).await.map_err(|source| Error::Transport { operation: op, source })?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|source| Error::Transport { operation: op, source })?;
        for hook in &self.inner.hooks {
            hook.on_response(op, status, started.elapsed());
        }
        Ok(RawResponse { status, headers, body })
    }
}

/// Uninhabited: the runtime's own errors never carry an operation error.
#[derive(Debug)]
pub enum Never {}

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

/// Exponential backoff with full jitter.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let cap = exp.min(policy.max_backoff);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let mut x = u64::from(nanos) ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    let frac = (x % 1000) as f64 / 1000.0;
    cap.mul_f64(0.5 + frac / 2.0)
}

// ---- encoding helpers used by generated methods ------------------------------

/// Percent-encode one path segment.
pub fn encode_path(value: &serde_json::Value) -> String {
    let s = scalar(value);
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Add one query parameter as its `style`/`explode` say.
pub fn push_query(out: &mut Vec<(String, String)>, name: &str, value: &serde_json::Value, style: &str, explode: bool) {
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

/// A header value (`simple` style).
pub fn header_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        other => scalar(other),
    }
}

/// Any serialisable value as JSON, for the parameter encoders.
pub fn to_json<T: serde::Serialize + ?Sized, E>(operation: &'static str, value: &T) -> Result<serde_json::Value, Error<E>> {
    serde_json::to_value(value).map_err(|e| Error::Request { operation, message: e.to_string() })
}

/// A JSON request body.
pub fn json_body<T: serde::Serialize + ?Sized, E>(operation: &'static str, value: &T) -> Result<Body, Error<E>> {
    serde_json::to_vec(value)
        .map(|data| Body::Bytes { content_type: "application/json", data: data.into() })
        .map_err(|e| Error::Request { operation, message: e.to_string() })
}

/// An `application/x-www-form-urlencoded` request body.
pub fn form_body<T: serde::Serialize + ?Sized, E>(operation: &'static str, value: &T) -> Result<Body, Error<E>> {
    let json = serde_json::to_value(value).map_err(|e| Error::Request { operation, message: e.to_string() })?;
    let mut pairs = Vec::new();
    if let serde_json::Value::Object(map) = &json {
        for (k, v) in map {
            push_query(&mut pairs, k, v, "form", true);
        }
    }
    serde_urlencoded::to_string(&pairs)
        .map(|s| Body::Bytes { content_type: "application/x-www-form-urlencoded", data: s.into() })
        .map_err(|e| Error::Request { operation, message: e.to_string() })
}

/// Decode a JSON body, naming the operation, status and JSON path on failure.
pub fn decode_json<T: serde::de::DeserializeOwned, E>(operation: &'static str, raw: &RawResponse) -> Result<T, Error<E>> {
    let de = &mut serde_json::Deserializer::from_slice(&raw.body);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
        operation,
        status: raw.status,
        path: e.path().to_string(),
        message: e.inner().to_string(),
        body: raw.body.clone(),
    })
}

/// A text body.
pub fn decode_text<E>(operation: &'static str, raw: &RawResponse) -> Result<String, Error<E>> {
    String::from_utf8(raw.body.to_vec()).map_err(|e| Error::Decode {
        operation,
        status: raw.status,
        path: String::new(),
        message: e.to_string(),
        body: raw.body.clone(),
    })
}

/// The `offset` query parameter of a `next` link, for pagination.
pub fn next_offset(next: &str) -> Option<i64> {
    let query = next.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "offset").then(|| v.parse().ok()).flatten()
    })
}
