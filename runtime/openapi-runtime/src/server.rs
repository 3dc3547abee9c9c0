//! The request path of every generated server, compiled once however many
//! servers a program links.
//!
//! One non-generic path turns an HTTP request into an [`Input`]: credentials,
//! security requirements, path/query/header/cookie parameters, content type,
//! body size, JSON syntax and the spec's schemas are all checked here, driven
//! by the spec's static tables (a [`Spec`], which a generated crate defines
//! and passes in). The generated code per operation only moves the checked
//! values into its typed request and its typed response back out, so a
//! malformed request never reaches an implementation, and nothing a client
//! sends can make the server panic.
//!
//! Users meet this module through a generated crate (`my_api_server::runtime`):
//! [`Config`], [`RequestContext`], [`Credentials`] and [`HttpResponse`] are the
//! same types for every generated server. The tables themselves are data:
//!
//! ```
//! use openapi_runtime::server::{mock, Spec};
//!
//! // What a generated `tables.rs` holds, here for a spec without operations.
//! static SPEC: Spec = Spec { types: &[], operations: &[], schemes: &[], patterns: &[], base_path: "/v1" };
//!
//! // Every route of the spec (none here) answered with valid samples.
//! let _router = mock::router(&SPEC);
//! ```

pub mod mock;
pub mod schema;

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::{self, header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::routing::{on_service, MethodFilter, MethodRouter};
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use schema::{Pattern, Problem, Ty, TypeDef};

/// The HTTP response type of the router (axum's).
pub type HttpResponse = axum::response::Response;

/// A boxed, sendable future (what the object-safe side of the server trait returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The implementation behind a typed router, as the generated crate stored it
/// (each generated crate downcasts it to its own object-safe trait).
#[doc(hidden)]
pub type Service = Arc<dyn Any + Send + Sync>;

/// The generated entry point of one operation.
#[doc(hidden)]
pub type Call = fn(&Service, Input) -> BoxFuture<'static, HttpResponse>;

/// What every generated operation's [`Call`] does: find the implementation
/// (the `Arc<E>` the router stored, `E` the crate's object-safe trait),
/// decode the request, and hand both to `handle`, the operation's method of
/// `E`. Either failing answers with its rejection (a body not checked yet
/// is checked first, see [`Input::reject`]).
///
/// One generic function rather than the same lines in every operation: the
/// generated crates carry only the call.
#[doc(hidden)]
#[inline]
pub fn dispatch<E: ?Sized + 'static, R>(
    api: &Service,
    mut input: Input,
    decode: fn(&mut Input) -> Result<R, Rejection>,
    handle: fn(Arc<E>, R, RequestContext) -> BoxFuture<'static, HttpResponse>,
) -> BoxFuture<'static, HttpResponse> {
    let Some(api) = api.downcast_ref::<Arc<E>>().cloned() else {
        return input.reject(Rejection::unserved());
    };
    match decode(&mut input) {
        Ok(request) => handle(api, request, input.into_context()),
        Err(rejection) => input.reject(rejection),
    }
}

/// One spec as static data: what a generated server crate defines (its
/// `tables.rs`) and everything in this module reads.
#[doc(hidden)]
pub struct Spec {
    /// Every named schema, indexed by [`Ty::Named`].
    pub types: &'static [TypeDef],
    /// Every operation, in spec order.
    pub operations: &'static [OpDef],
    /// Security schemes, indexed by [`OpDef::security`].
    pub schemes: &'static [SchemeDef],
    /// Patterns, indexed by [`schema::Check::pattern`].
    pub patterns: &'static [Pattern],
    /// The path of the spec's first server URL (`/v1` for `https://api.example.com/v1`), or `""`.
    pub base_path: &'static str,
}

#[doc(hidden)]
/// HTTP methods an operation can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Verb {
    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Put => MethodFilter::PUT,
            Verb::Post => MethodFilter::POST,
            Verb::Delete => MethodFilter::DELETE,
            Verb::Options => MethodFilter::OPTIONS,
            Verb::Head => MethodFilter::HEAD,
            Verb::Patch => MethodFilter::PATCH,
            Verb::Trace => MethodFilter::TRACE,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Put => "PUT",
            Verb::Post => "POST",
            Verb::Delete => "DELETE",
            Verb::Options => "OPTIONS",
            Verb::Head => "HEAD",
            Verb::Patch => "PATCH",
            Verb::Trace => "TRACE",
        }
    }
}

#[doc(hidden)]
/// One operation of the spec, as data.
pub struct OpDef {
    pub id: &'static str,
    pub verb: Verb,
    pub path: &'static str,
    pub params: &'static [ParamDef],
    pub body: Option<BodyDef>,
    pub responses: &'static [ResponseDef],
    /// Alternatives (OR) of scheme sets (AND), indexes into `SCHEMES`; empty: no auth.
    pub security: &'static [&'static [usize]],
    pub call: Call,
}

#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

#[doc(hidden)]
pub struct ParamDef {
    pub wire: &'static str,
    pub location: Location,
    pub required: bool,
    pub ty: Ty,
    pub explode: bool,
    /// `style: deepObject`: the object's properties arrive as `name[key]=value`.
    pub deep_object: bool,
}

#[doc(hidden)]
pub struct BodyDef {
    pub required: bool,
    pub media: &'static [MediaDef],
}

#[doc(hidden)]
/// How a body of one media type is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    Form,
    Text,
    Bytes,
}

#[doc(hidden)]
pub struct MediaDef {
    pub media_type: &'static str,
    pub encoding: Encoding,
    /// `None`: the spec gives no schema.
    pub ty: Option<Ty>,
    /// Examples from the spec, as JSON text.
    pub examples: &'static [&'static str],
}

#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusDef {
    Code(u16),
    Range(u8),
    Default,
}

#[doc(hidden)]
pub struct ResponseDef {
    pub status: StatusDef,
    pub media: &'static [MediaDef],
}

impl OpDef {
    /// The documented response for `status`: exact code, then range, then `default`.
    pub fn response(&self, status: u16) -> Option<&'static ResponseDef> {
        let r = self.responses;
        r.iter()
            .find(|d| d.status == StatusDef::Code(status))
            .or_else(|| r.iter().find(|d| d.status == StatusDef::Range((status / 100) as u8)))
            .or_else(|| r.iter().find(|d| d.status == StatusDef::Default))
    }
}

#[doc(hidden)]
/// A security scheme of the spec.
pub struct SchemeDef {
    pub name: &'static str,
    pub kind: SchemeKind,
}

#[doc(hidden)]
pub enum SchemeKind {
    Basic,
    Bearer,
    /// Another `Authorization` scheme, by name (lowercase).
    Http(&'static str),
    ApiKey {
        location: Location,
        name: &'static str,
    },
}

/// Settings of a router.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Largest request body accepted, in bytes (larger ones get `413`). Default 2 MiB.
    pub body_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { body_limit: 2 * 1024 * 1024 }
    }
}

impl Config {
    /// Set [`Config::body_limit`].
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

/// Credentials a request carried, parsed for the spec's security schemes.
/// The server only parses them; an implementation or a middleware decides.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credentials {
    /// The `Authorization` header.
    pub authorization: Option<Authorization>,
    /// API keys found, by security scheme name.
    pub api_keys: Vec<(&'static str, String)>,
}

impl Credentials {
    /// The bearer token, if the request sent one.
    pub fn bearer(&self) -> Option<&str> {
        match &self.authorization {
            Some(Authorization::Bearer(token)) => Some(token),
            _ => None,
        }
    }

    /// User name and password of HTTP basic auth, if the request sent them.
    pub fn basic(&self) -> Option<(&str, &str)> {
        match &self.authorization {
            Some(Authorization::Basic { username, password }) => Some((username, password)),
            _ => None,
        }
    }

    /// The API key sent for the security scheme called `scheme`.
    pub fn api_key(&self, scheme: &str) -> Option<&str> {
        self.api_keys.iter().find(|(s, _)| *s == scheme).map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.api_keys.iter().map(|(s, _)| *s).collect();
        f.debug_struct("Credentials").field("authorization", &self.authorization).field("api_keys", &keys).finish()
    }
}

/// A parsed `Authorization` header. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Authorization {
    Bearer(String),
    Basic { username: String, password: String },
    Other { scheme: String, credentials: String },
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Authorization::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Authorization::Basic { username, .. } => {
                f.debug_struct("Basic").field("username", username).field("password", &"<redacted>").finish()
            }
            Authorization::Other { scheme, .. } => write!(f, "Other({scheme:?}, <redacted>)"),
        }
    }
}

/// Everything about a request besides its typed parameters and body.
#[derive(Debug)]
#[non_exhaustive]
pub struct RequestContext {
    /// The spec's operationId.
    pub operation_id: &'static str,
    pub method: http::Method,
    pub uri: Uri,
    /// All request headers; credentials are marked sensitive (hidden by `Debug`).
    pub headers: HeaderMap,
    /// Request extensions, as left by middleware (for example an authenticated user).
    pub extensions: http::Extensions,
    pub credentials: Credentials,
}

impl RequestContext {
    /// An empty context, for calling an implementation directly (in unit tests).
    pub fn new(operation_id: &'static str) -> Self {
        RequestContext {
            operation_id,
            method: http::Method::GET,
            uri: Uri::default(),
            headers: HeaderMap::new(),
            extensions: http::Extensions::new(),
            credentials: Credentials::default(),
        }
    }
}

#[doc(hidden)]
/// Why a request was refused before reaching the implementation.
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    /// `path`, `query`, `header`, `cookie`, `body` or `request`.
    location: &'static str,
    /// The parameter name, or `""` for the body.
    name: &'static str,
    problems: Vec<Problem>,
    challenge: Option<String>,
}

impl Rejection {
    fn new(status: StatusCode, location: &'static str, name: &'static str, message: String) -> Self {
        Rejection {
            status,
            location,
            name,
            problems: vec![Problem { pointer: String::new(), message }],
            challenge: None,
        }
    }

    pub fn missing_body() -> Rejection {
        Rejection::new(StatusCode::BAD_REQUEST, "body", "", "missing request body".into())
    }

    /// The router holds an implementation of another API than the operation's
    /// (a generated crate's router never builds one): `500`.
    pub fn unserved() -> Rejection {
        Rejection::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "request",
            "",
            "the server holds no implementation of this API".into(),
        )
    }

    fn field(&self, p: &Problem) -> String {
        format!("{}{}", self.name, p.pointer)
    }

    /// The status to answer: for a request that fails validation (400 or 422),
    /// one the operation documents (see ARCHITECTURE.md): the natural status,
    /// else the other of 400 and 422, else 404 for a malformed path parameter
    /// (the URL names no resource), else the natural status if a range or
    /// `default` covers it, else 400. Other rejections keep their status.
    fn documented_status(&self, op: &OpDef) -> StatusCode {
        let natural = self.status;
        let other = match natural {
            StatusCode::BAD_REQUEST => StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
            _ => return natural,
        };
        let documents = |s: StatusCode| op.responses.iter().any(|r| r.status == StatusDef::Code(s.as_u16()));
        if documents(natural) {
            natural
        } else if documents(other) {
            other
        } else if self.location == "path" && documents(StatusCode::NOT_FOUND) {
            StatusCode::NOT_FOUND
        } else if op.response(natural.as_u16()).is_some() {
            natural
        } else {
            StatusCode::BAD_REQUEST
        }
    }

    /// The JSON error body: `status`, `error`, `message`, and `errors` naming each field;
    /// reshaped to satisfy the error schema the operation documents for this status.
    fn into_response(mut self, spec: &'static Spec, op: &OpDef) -> HttpResponse {
        self.status = self.documented_status(op);
        let errors: Vec<Value> = self
            .problems
            .iter()
            .map(|p| {
                let mut e = Map::new();
                e.insert("in".into(), Value::String(self.location.into()));
                e.insert("field".into(), Value::String(self.field(p)));
                e.insert("message".into(), Value::String(p.message.clone()));
                Value::Object(e)
            })
            .collect();
        let message = match self.problems.first() {
            Some(p) => {
                let field = self.field(p);
                let at = match (self.location, field.is_empty()) {
                    ("request", _) => String::new(),
                    ("body", true) => "request body: ".to_owned(),
                    ("body", false) => format!("request body field `{field}`: "),
                    (loc, _) => format!("{loc} parameter `{field}`: "),
                };
                let more = if self.problems.len() > 1 {
                    format!(" (and {} more)", self.problems.len() - 1)
                } else {
                    String::new()
                };
                format!("{at}{}{more}", p.message)
            }
            None => String::from("invalid request"),
        };
        let mut response = error_response(spec, op, self.status, message, errors);
        if let Some(c) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, c);
        }
        response
    }
}

/// A JSON error body for `status`, in the operation's documented error shape when it has one.
fn error_response(
    spec: &'static Spec,
    op: &OpDef,
    status: StatusCode,
    message: String,
    errors: Vec<Value>,
) -> HttpResponse {
    let mut body = Map::new();
    body.insert("status".into(), Value::from(status.as_u16()));
    body.insert("error".into(), Value::String(status.canonical_reason().unwrap_or("error").into()));
    body.insert("message".into(), Value::String(message));
    body.insert("errors".into(), Value::Array(errors));
    let mut body = Value::Object(body);
    let mut content_type = "application/json";
    let documented = op
        .response(status.as_u16())
        .and_then(|r| r.media.iter().find(|m| m.encoding == Encoding::Json))
        .and_then(|m| m.ty.map(|ty| (m.media_type, ty)));
    if let Some((media_type, ty)) = documented {
        body = schema::conform(spec, &ty, body);
        content_type = media_type;
    }
    json(status.as_u16(), content_type, serde_json::to_vec(&body))
}

/// `501 Not Implemented` with a JSON body: what a server trait method answers by default.
pub fn not_implemented(operation_id: &str) -> HttpResponse {
    let body = serde_json::json!({
        "status": 501,
        "error": "Not Implemented",
        "message": format!("operation `{operation_id}` is not implemented by this server"),
        "errors": [],
    });
    json(501, "application/json", serde_json::to_vec(&body))
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[doc(hidden)]
/// A response with a JSON body already serialised (failure to serialise is a `500`).
pub fn json(code: u16, content_type: &'static str, body: serde_json::Result<Vec<u8>>) -> HttpResponse {
    match body {
        Ok(bytes) => bytes_response(code, content_type, bytes),
        Err(e) => {
            let text = format!(
                "{{\"status\":500,\"error\":\"Internal Server Error\",\"message\":{:?},\"errors\":[]}}",
                e.to_string()
            );
            bytes_response(500, "application/json", text.into_bytes())
        }
    }
}

#[doc(hidden)]
/// A response with `value` as its JSON body (failure to serialise is a `500`).
/// Only the call of `serialize` is generic: the buffer and the response are
/// built by one function for every body type.
pub fn json_response<T: serde::Serialize + ?Sized>(code: u16, content_type: &'static str, value: &T) -> HttpResponse {
    write_json(code, content_type, &mut |ser| value.serialize(ser))
}

/// Writes one JSON value (see [`json_response`]).
type JsonWrite<'a> = &'a mut dyn FnMut(&mut serde_json::Serializer<&mut Vec<u8>>) -> serde_json::Result<()>;

fn write_json(code: u16, content_type: &'static str, write: JsonWrite<'_>) -> HttpResponse {
    // Sized for a typical body up front: growing from empty reallocates several times.
    let mut out = Vec::with_capacity(256);
    let result = write(&mut serde_json::Serializer::new(&mut out));
    json(code, content_type, result.map(|()| out))
}

#[doc(hidden)]
/// A response with a body of the given media type.
pub fn bytes_response(code: u16, content_type: &'static str, body: Vec<u8>) -> HttpResponse {
    let mut response = HttpResponse::new(Body::from(body));
    *response.status_mut() = status(code);
    // The usual value is made at compile time; for any other, `from_static`
    // checks it again at run time, and would panic on an invalid one.
    const JSON: HeaderValue = HeaderValue::from_static("application/json");
    let content_type = if content_type == "application/json" {
        JSON
    } else if content_type.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
        HeaderValue::from_static(content_type)
    } else {
        HeaderValue::from_static("application/octet-stream")
    };
    response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    response
}

#[doc(hidden)]
/// A response without a body.
pub fn empty(code: u16) -> HttpResponse {
    let mut response = HttpResponse::new(Body::empty());
    *response.status_mut() = status(code);
    response
}

/// A parameter that passed its checks.
enum Param {
    /// Anything not read from a single scalar text.
    Value(Value),
    /// A string.
    Text(Text),
    /// A plain `format: uuid` string, parsed once when it was checked.
    Uuid(uuid::Uuid, Text),
    /// A boolean or number (never [`schema::Scalar::Str`]).
    Scalar(schema::Scalar<'static>),
}

/// Where a string parameter's text is.
enum Text {
    /// At this index among the path parameters the router decoded.
    Path(usize),
    /// In place: start and length in the request path.
    Segment(usize, usize),
    /// From the query, a header or a cookie.
    Owned(String),
}

enum BodyValue {
    Json(Value),
    /// JSON text already found valid for its schema (decoded straight into its type).
    Valid(Bytes),
    /// JSON text not checked yet: checked while it is decoded into its type
    /// ([`schema::decode_checked`]), or as before when that fails or the body is
    /// read otherwise ([`Input::settle_body`]).
    Unchecked(Bytes, &'static Ty),
    Bytes(Bytes),
}

/// Decodes one JSON value into a slot the caller holds (an `Option<T>`).
/// With a shape, the value is checked against it as it is read.
type JsonDecode = for<'de> fn(
    &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    Option<schema::Shape>,
    &mut dyn Any,
) -> serde_json::Result<()>;

/// Decode a `T` into `slot`, an `Option<T>`: one plain function per body type
/// (no closure, no vtable) that [`Input::body_json_opt`] hands to the shared code.
fn decode_into<T: DeserializeOwned + 'static>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
    shape: Option<schema::Shape>,
    slot: &mut dyn Any,
) -> serde_json::Result<()> {
    // Only one of the two is compiled: a type decoded through both would be
    // compiled twice in every generated server crate.
    #[cfg(feature = "one-pass")]
    let value = T::deserialize(schema::Checking::new(de, shape))?;
    #[cfg(not(feature = "one-pass"))]
    let value = {
        let _ = shape;
        T::deserialize(de)?
    };
    if let Some(slot) = slot.downcast_mut::<Option<T>>() {
        *slot = Some(value);
    }
    Ok(())
}

/// A JSON body to decode, as text.
enum JsonText {
    /// The request's own text, found valid for its schema.
    Checked(Bytes),
    /// The text of a validated `Value`: what decoding it says is final.
    Normal(Vec<u8>),
}

impl JsonText {
    fn bytes(&self) -> &[u8] {
        match self {
            JsonText::Checked(b) => b,
            JsonText::Normal(b) => b,
        }
    }

    /// What to try next after the type refused this text: for the request's own
    /// text, that of its `Value` (which accepts what the types refuse in the text,
    /// such as a repeated key, of which the last counts); else the rejection.
    fn retry(self, error: &serde_json::Error) -> Result<JsonText, Rejection> {
        match self {
            JsonText::Checked(b) => match serde_json::from_slice::<Value>(&b) {
                Ok(v) => Ok(JsonText::Normal(v.to_string().into_bytes())),
                Err(e) => Err(Rejection::new(StatusCode::BAD_REQUEST, "body", "", format!("malformed JSON: {e}"))),
            },
            JsonText::Normal(_) => {
                Err(Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, "body", "", value_error(error)))
            }
        }
    }
}

/// The checked parameters, in the operation's order. Most operations have at
/// most two: those are kept inline, as a list cost an allocation and a free
/// (~150 instructions) per request.
enum Params {
    Inline([Option<Param>; 2]),
    Listed(Vec<Option<Param>>),
}

impl Params {
    fn new(n: usize) -> Params {
        if n <= 2 {
            Params::Inline([None, None])
        } else {
            Params::Listed(Vec::with_capacity(n))
        }
    }

    /// Set parameter `i`, the next one (parameters are checked in order).
    fn set(&mut self, i: usize, param: Option<Param>) {
        match self {
            Params::Inline(slots) => {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = param;
                }
            }
            Params::Listed(list) => list.push(param),
        }
    }

    fn get_mut(&mut self, i: usize) -> Option<&mut Option<Param>> {
        match self {
            Params::Inline(slots) => slots.get_mut(i),
            Params::Listed(list) => list.get_mut(i),
        }
    }
}

/// A decoding error worded as `serde_json::from_value` words it: without the
/// position in the text, which is one the client never sent.
fn value_error(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if error.line() == 0 {
        return text;
    }
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

#[doc(hidden)]
/// A request that passed every check: parameters and body as validated JSON.
pub struct Input {
    spec: &'static Spec,
    op: &'static OpDef,
    params: Params,
    /// The path parameters, as the router decoded them (read by [`Text::Path`]),
    /// when they could not be read in place.
    path: Option<RawPathParams>,
    /// Index of the media type in the operation's body definition, and the body.
    body: Option<(usize, BodyValue)>,
    context: RequestContext,
}

impl Input {
    fn decode<T: DeserializeOwned>(
        &self,
        value: Value,
        location: &'static str,
        name: &'static str,
    ) -> Result<T, Rejection> {
        serde_json::from_value(value)
            .map_err(|e| Rejection::new(StatusCode::UNPROCESSABLE_ENTITY, location, name, e.to_string()))
    }

    fn take_param(&mut self, i: usize) -> Option<(Param, &'static ParamDef)> {
        let def = self.op.params.get(i)?;
        self.params.get_mut(i).and_then(Option::take).map(|v| (v, def))
    }

    /// Decode a checked parameter: straight from its text when it has one,
    /// else (or when the type refuses the text) through its `Value`, as before.
    fn text<'a>(&'a self, t: &'a Text) -> Option<&'a str> {
        match t {
            Text::Path(i) => self.path.as_ref().and_then(|p| p.iter().nth(*i)).map(|(_, v)| v),
            Text::Segment(start, len) => self.context.uri.path().get(*start..start + len),
            Text::Owned(s) => Some(s),
        }
    }

    fn decode_param<T: DeserializeOwned>(&self, param: Param, def: &'static ParamDef) -> Result<T, Rejection> {
        let text = |t| self.text(t);
        let scalar = match &param {
            Param::Value(_) => None,
            Param::Text(t) => text(t).map(schema::Scalar::Str),
            Param::Uuid(id, t) => match text(t) {
                Some(s) => match T::deserialize(schema::UuidDe(*id, s)) {
                    Ok(v) => return Ok(v),
                    Err(_) => Some(schema::Scalar::Str(s)),
                },
                None => None,
            },
            Param::Scalar(s) => Some(*s),
        };
        let value = match scalar {
            Some(scalar) => match T::deserialize(schema::ScalarDe(scalar)) {
                Ok(v) => return Ok(v),
                Err(_) => scalar.to_value(),
            },
            None => match param {
                Param::Value(v) => v,
                // Text always has a place (it was read from there).
                _ => Value::Null,
            },
        };
        self.decode(value, def.location.as_str(), def.wire)
    }

    /// A required parameter (its presence was checked when the request came in).
    pub fn param<T: DeserializeOwned>(&mut self, i: usize) -> Result<T, Rejection> {
        match self.take_param(i) {
            Some((v, def)) => self.decode_param(v, def),
            None => Err(Rejection::new(StatusCode::BAD_REQUEST, "request", "", format!("missing parameter #{i}"))),
        }
    }

    pub fn param_opt<T: DeserializeOwned>(&mut self, i: usize) -> Result<Option<T>, Rejection> {
        match self.take_param(i) {
            Some((v, def)) => self.decode_param(v, def).map(Some),
            None => Ok(None),
        }
    }

    /// Which of the operation's body media types the request used.
    pub fn body_media(&self) -> Option<usize> {
        self.body.as_ref().map(|(i, _)| *i)
    }

    /// Check a body not checked yet the way it was checked when it came in:
    /// a valid one becomes [`BodyValue::Valid`] (or a `Json` value), an invalid
    /// one the rejection it always had.
    fn settle_body(&mut self) -> Result<(), Rejection> {
        if let Some((i, BodyValue::Unchecked(bytes, ty))) = &self.body {
            let (i, bytes, ty) = (*i, bytes.clone(), *ty);
            self.body = None;
            self.body = Some((i, check_json(self.spec, Some(ty), bytes)?));
        }
        Ok(())
    }

    /// The JSON body decoded into `T`. Every body is decoded from JSON text by
    /// serde_json's reader seen through [`schema::Checking`], so each body type
    /// is compiled for that one deserializer only: decoding through
    /// `from_value` as well once doubled the generated crate's code, and the
    /// one-pass check would have doubled it again. A `Value` is decoded as its
    /// text. The generic part is only [`decode_into`]; the rest is compiled once.
    pub fn body_json_opt<T: DeserializeOwned + 'static>(&mut self) -> Result<Option<T>, Rejection> {
        let mut value: Option<T> = None;
        self.json_body(&mut value, decode_into::<T>)?;
        Ok(value)
    }

    fn json_body(&mut self, slot: &mut dyn Any, decode: JsonDecode) -> Result<(), Rejection> {
        if let Some((_, BodyValue::Unchecked(bytes, ty))) = &self.body {
            // Checked and decoded in one pass when valid; else checked and decoded
            // apart, as before, which finds and words the problems.
            if schema::decode_checked(self.spec, ty, bytes, &mut |de, shape| decode(de, shape, slot)) {
                self.body = None;
                return Ok(());
            }
            self.settle_body()?;
        }
        let Some(mut text) = self.json_text() else { return Ok(()) };
        loop {
            // What `serde_json::from_slice` does, with the decoding passed in.
            let mut de = serde_json::Deserializer::from_slice(text.bytes());
            match decode(&mut de, None, slot).and_then(|()| de.end()) {
                Ok(()) => return Ok(()),
                Err(e) => text = text.retry(&e)?,
            }
        }
    }

    fn json_text(&mut self) -> Option<JsonText> {
        Some(match self.body.take()? {
            (_, BodyValue::Valid(b)) => JsonText::Checked(b),
            // Not reached: `json_body` settles such a body first.
            (_, BodyValue::Unchecked(..)) => return None,
            (_, BodyValue::Json(v)) => JsonText::Normal(v.to_string().into_bytes()),
            (_, BodyValue::Bytes(b)) => {
                JsonText::Normal(Value::String(String::from_utf8_lossy(&b).into_owned()).to_string().into_bytes())
            }
        })
    }

    pub fn body_json<T: DeserializeOwned + 'static>(&mut self) -> Result<T, Rejection> {
        match self.body_json_opt()? {
            Some(value) => Ok(value),
            None => Err(Rejection::missing_body()),
        }
    }

    pub fn body_bytes_opt(&mut self) -> Result<Option<Vec<u8>>, Rejection> {
        self.settle_body()?;
        Ok(match self.body.take() {
            Some((_, BodyValue::Bytes(b))) => Some(b.to_vec()),
            Some((_, BodyValue::Json(v))) => Some(v.to_string().into_bytes()),
            Some((_, BodyValue::Valid(b) | BodyValue::Unchecked(b, _))) => {
                Some(serde_json::from_slice::<Value>(&b).map_or_else(|_| b.to_vec(), |v| v.to_string().into_bytes()))
            }
            None => None,
        })
    }

    pub fn body_bytes(&mut self) -> Result<Vec<u8>, Rejection> {
        self.body_bytes_opt()?.ok_or_else(Rejection::missing_body)
    }

    pub fn body_text_opt(&mut self) -> Result<Option<String>, Rejection> {
        match self.body_bytes_opt()? {
            Some(b) => String::from_utf8(b)
                .map(Some)
                .map_err(|_| Rejection::new(StatusCode::BAD_REQUEST, "body", "", "body is not valid UTF-8".into())),
            None => Ok(None),
        }
    }

    pub fn body_text(&mut self) -> Result<String, Rejection> {
        self.body_text_opt()?.ok_or_else(Rejection::missing_body)
    }

    /// The context, for the implementation. A generated `call` gets here only
    /// once it decoded the request, body included, so the body has been checked.
    pub fn into_context(self) -> RequestContext {
        self.context
    }

    /// Answer with the rejection instead of calling the implementation. A body
    /// not checked yet is checked first: its rejection comes first, as it did
    /// when every body was checked before the call.
    pub fn reject(mut self, rejection: Rejection) -> BoxFuture<'static, HttpResponse> {
        let rejection = self.settle_body().err().unwrap_or(rejection);
        let response = rejection.into_response(self.spec, self.op);
        Box::pin(std::future::ready(response))
    }

    pub fn context(&self) -> &RequestContext {
        &self.context
    }
}

#[doc(hidden)]
/// What answers requests once they passed the checks.
#[derive(Clone)]
pub enum Backend {
    Typed(Service),
    Mock(Arc<mock::MockOptions>),
}

/// axum clones a route's service for every request and drops it after: one
/// `Arc` to clone and drop, rather than one each for the backend and the route.
#[derive(Clone)]
struct Endpoint(Arc<Route>);

/// What one route knows (shared by its requests).
struct Route {
    spec: &'static Spec,
    op: &'static OpDef,
    backend: Backend,
    config: Arc<Config>,
    /// See [`path_slots`].
    slots: Option<Box<[Option<u16>]>>,
    /// See [`OnlySlot`].
    only: Option<OnlySlot>,
    /// Whether a parameter or a security scheme could be sent in a cookie
    /// (cookies are parsed only then).
    wants_cookies: bool,
    /// For each body media type, whether a JSON body is checked while the
    /// implementation's type is decoded ([`schema::one_pass`]) rather than
    /// before; never for the mock, which decodes no type.
    one_pass: Box<[bool]>,
}

#[doc(hidden)]
/// A router with one route per operation of the spec (paths exactly as
/// written), under each of `prefixes` (`""` for the paths as they are).
pub fn router(spec: &'static Spec, backend: Backend, config: Config, prefixes: &[&str]) -> Router {
    let config = Arc::new(config);
    let mut routes: Vec<(String, Vec<Verb>, Option<MethodRouter>)> = Vec::new();
    for prefix in prefixes {
        for op in spec.operations {
            let wants_cookies = op.params.iter().any(|p| p.location == Location::Cookie)
                || spec.schemes.iter().any(|s| matches!(s.kind, SchemeKind::ApiKey { location: Location::Cookie, .. }));
            let one_pass = match (&backend, &op.body) {
                (Backend::Typed(_), Some(def)) if cfg!(feature = "one-pass") => def
                    .media
                    .iter()
                    .map(|m| m.encoding == Encoding::Json && m.ty.as_ref().is_some_and(|ty| schema::one_pass(spec, ty)))
                    .collect(),
                _ => Box::default(),
            };
            // The path a route matches is its template with the parameters filled in,
            // so a `%` can only come from a parameter unless the template has one.
            let slots = path_slots(op).filter(|_| !prefix.contains('%') && !op.path.contains('%'));
            let only = slots.as_deref().and_then(|slots| OnlySlot::new(prefix, op, slots));
            let ep = Endpoint(Arc::new(Route {
                spec,
                op,
                backend: backend.clone(),
                config: config.clone(),
                slots,
                only,
                wants_cookies,
                one_pass,
            }));

            let path = format!("{prefix}{}", op.path);
            match routes.iter_mut().find(|(p, _, _)| *p == path) {
                // A prefixed path can coincide with one as written: the first operation keeps it.
                Some((_, verbs, _)) if verbs.contains(&op.verb) => {}
                Some((_, verbs, mr)) => {
                    verbs.push(op.verb);
                    *mr = mr.take().map(|m| m.on_service(op.verb.filter(), ep));
                }
                None => routes.push((path, vec![op.verb], Some(on_service(op.verb.filter(), ep)))),
            }
        }
    }
    let mut router = Router::new();
    for (path, _, mr) in routes {
        if let Some(mr) = mr {
            router = router.route(&path, mr);
        }
    }
    router.fallback(route_not_found).method_not_allowed_fallback(method_not_allowed)
}

fn plain_error(code: u16, message: &str) -> HttpResponse {
    let reason = status(code).canonical_reason().unwrap_or("error");
    let body = serde_json::json!({ "status": code, "error": reason, "message": message, "errors": [] });
    json(code, "application/json", serde_json::to_vec(&body))
}

async fn route_not_found() -> HttpResponse {
    plain_error(404, "no operation has this path")
}

async fn method_not_allowed() -> HttpResponse {
    plain_error(405, "the operation at this path has another method")
}

/// A route's endpoint as a tower service rather than an axum handler: the
/// request is checked in `call` itself (nothing there waits), and for an
/// operation without a body the implementation's future is what the router
/// polls. A handler would wrap it in one more boxed future, holding all the
/// request's state, per request.
impl tower_service::Service<Request> for Endpoint {
    type Response = HttpResponse;
    type Error = std::convert::Infallible;
    type Future = Respond;

    fn poll_ready(&mut self, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Respond {
        let route = &*self.0;
        let (spec, op) = (route.spec, route.op);
        let (mut parts, body) = req.into_parts();
        // The input is built once, where the request's parts are, and checked in
        // place: building it after the checks cost more copies of its ~490 bytes.
        let prepared = prepare(route, &mut parts);
        // What `prepare` left of the parts owns no memory (the empty map and
        // extensions and the static URI of their `Default`s): dropping it only
        // cost ~90 instructions per request.
        std::mem::forget(parts);
        let mut input = match prepared {
            Ok(input) => input,
            Err(rejection) => return Respond(Box::pin(std::future::ready(rejection.into_response(spec, op)))),
        };
        match &op.body {
            None => Respond(answer(route, input)),
            // Reading the body is the only wait before the call.
            Some(def) => {
                let ep = self.clone();
                Respond(Box::pin(async move {
                    let route = &*ep.0;
                    let limit = route.config.body_limit;
                    match read_request_body(spec, def, &input.context.headers, body, limit, &route.one_pass).await {
                        Ok(body) => {
                            input.body = body;
                            answer(route, input).await
                        }
                        Err(rejection) => rejection.into_response(spec, op),
                    }
                }))
            }
        }
    }
}

/// The response future of an [`Endpoint`] (the router wants a `Result`).
struct Respond(BoxFuture<'static, HttpResponse>);

impl Future for Respond {
    type Output = Result<HttpResponse, std::convert::Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        self.0.as_mut().poll(cx).map(Ok)
    }
}

/// Call the implementation (or the mock) with a request that passed every check.
fn answer(route: &Route, input: Input) -> BoxFuture<'static, HttpResponse> {
    let (spec, op) = (route.spec, route.op);
    match &route.backend {
        Backend::Typed(api) => (op.call)(api, input),
        Backend::Mock(options) => Box::pin(std::future::ready(mock::respond(spec, options, op, input.context()))),
    }
}

/// The media type of a `Content-Type` value, lowercase, without parameters.
#[doc(hidden)]
pub fn essence(value: &str) -> String {
    value.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Whether the media type `actual` (an [`essence`]) matches the spec's `pattern`
/// (`*/*`, `type/*` or exact, ignoring case).
#[doc(hidden)]
pub fn media_matches(pattern: &str, actual: &str) -> bool {
    if pattern.eq_ignore_ascii_case(actual) || pattern == "*/*" {
        return true;
    }
    match pattern.strip_suffix("/*") {
        Some(prefix) => actual.split('/').next().is_some_and(|t| prefix.eq_ignore_ascii_case(t)),
        None => false,
    }
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn parse_authorization(value: &str) -> Option<Authorization> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(Authorization::Bearer(rest.to_owned()));
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = String::from_utf8(decode_base64(rest)?).ok()?;
        let (username, password) = decoded.split_once(':')?;
        return Some(Authorization::Basic { username: username.to_owned(), password: password.to_owned() });
    }
    Some(Authorization::Other { scheme: scheme.to_ascii_lowercase(), credentials: rest.to_owned() })
}

fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for pair in text.split(';') {
            if let Some((k, v)) = pair.split_once('=') {
                out.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
    }
    out
}

fn credentials(
    spec: &'static Spec,
    headers: &mut HeaderMap,
    query: &[(String, String)],
    cookies: &[(String, String)],
) -> Result<Credentials, Rejection> {
    let mut out = Credentials::default();
    // One pass over the few headers a request has costs less than a lookup per name.
    let mut authorization = false;
    for (name, value) in headers.iter_mut() {
        if name == header::AUTHORIZATION {
            // The first value counts, as `HeaderMap::get` reads it.
            if !authorization {
                authorization = true;
                let text = value.to_str().map_err(|_| {
                    Rejection::new(StatusCode::BAD_REQUEST, "header", "Authorization", "not valid text".into())
                })?;
                out.authorization = parse_authorization(text);
            }
            value.set_sensitive(true);
        } else if name == header::PROXY_AUTHORIZATION || name == header::COOKIE {
            value.set_sensitive(true);
        }
    }
    for scheme in spec.schemes {
        let SchemeKind::ApiKey { location, name } = scheme.kind else { continue };
        let found = match location {
            Location::Header => headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned),
            Location::Query => query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            Location::Cookie => cookies.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            Location::Path => None,
        };
        if let Some(v) = found {
            out.api_keys.push((scheme.name, v));
        }
        if location == Location::Header {
            if let Some(v) = headers.get_mut(name) {
                v.set_sensitive(true);
            }
        }
    }
    Ok(out)
}

fn satisfied(scheme: &SchemeDef, c: &Credentials) -> bool {
    match &scheme.kind {
        SchemeKind::Basic => c.basic().is_some(),
        SchemeKind::Bearer => c.bearer().is_some(),
        SchemeKind::Http(name) => {
            matches!(&c.authorization, Some(Authorization::Other { scheme, .. }) if scheme == name)
        }
        SchemeKind::ApiKey { .. } => c.api_key(scheme.name).is_some(),
    }
}

fn check_security(spec: &'static Spec, op: &OpDef, c: &Credentials) -> Result<(), Rejection> {
    if op.security.is_empty() {
        return Ok(());
    }
    let schemes = spec.schemes;
    let ok = op.security.iter().any(|set| set.iter().all(|&i| schemes.get(i).is_none_or(|s| satisfied(s, c))));
    if ok {
        return Ok(());
    }
    let mut names = Vec::new();
    let mut challenge = None;
    for set in op.security {
        let n: Vec<&str> = set.iter().filter_map(|&i| schemes.get(i)).map(|s| s.name).collect();
        names.push(n.join(" and "));
        for &i in set.iter() {
            let c = match schemes.get(i).map(|s| &s.kind) {
                Some(SchemeKind::Bearer) => "Bearer",
                Some(SchemeKind::Basic) => "Basic",
                _ => continue,
            };
            challenge.get_or_insert(c.to_owned());
        }
    }
    let mut r = Rejection::new(
        StatusCode::UNAUTHORIZED,
        "request",
        "",
        format!("missing credentials: this operation requires {}", names.join(" or ")),
    );
    r.challenge = challenge;
    Err(r)
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Rejection> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(Rejection::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body",
            "",
            format!("request body is larger than {limit} bytes"),
        )),
        Err(e) => Err(Rejection::new(StatusCode::BAD_REQUEST, "body", "", format!("reading the body failed: {e}"))),
    }
}

fn problems(status: StatusCode, location: &'static str, name: &'static str, problems: Vec<Problem>) -> Rejection {
    Rejection { status, location, name, problems, challenge: None }
}

/// For each parameter of `op`, the segment of the request path holding it,
/// counted from the end (0: the last), when it is a path parameter spelt as a
/// whole segment of the template; `None` when a template segment holds a
/// parameter any other way (then the router's decoding is used). The router
/// matched the path against a prefix and the template, and a parameter never
/// spans a `/`, so the segments line up from the end. Worked out once per route.
fn path_slots(op: &OpDef) -> Option<Box<[Option<u16>]>> {
    let mut names = Vec::new();
    for (k, t) in op.path.rsplit('/').enumerate() {
        if t.contains(['{', '}']) {
            let name = t.strip_prefix('{')?.strip_suffix('}')?;
            if name.is_empty() || name.contains(['*', '{', '}']) {
                return None;
            }
            names.push((name, u16::try_from(k).ok()?));
        }
    }
    let slot = |p: &ParamDef| names.iter().find(|(n, _)| *n == p.wire).map(|(_, k)| *k);
    Some(op.params.iter().map(|p| if p.location == Location::Path { slot(p) } else { None }).collect())
}

/// The one path parameter of an operation that has one, found by the
/// template's text around it: a path made of that text with a segment between
/// (no `/`, no `%`) has the parameter there, where counting segments from the
/// end finds it too. Checking the text costs less than finding the segment's
/// start, and the segment is scanned once, for both bytes.
struct OnlySlot {
    /// The parameter's index among the operation's.
    index: usize,
    /// The template's text before it (with the route's prefix), and after it.
    before: Box<str>,
    after: Box<str>,
}

impl OnlySlot {
    fn new(prefix: &str, op: &OpDef, slots: &[Option<u16>]) -> Option<OnlySlot> {
        let mut with_slot = slots.iter().enumerate().filter(|(_, k)| k.is_some());
        let (index, _) = with_slot.next()?;
        if with_slot.next().is_some() {
            return None;
        }
        let (open, close) = (op.path.find('{')?, op.path.find('}')?);
        let after = op.path.get(close + 1..)?;
        if after.contains(['{', '}']) || open > close {
            return None;
        }
        Some(OnlySlot { index, before: format!("{prefix}{}", op.path.get(..open)?).into(), after: after.into() })
    }

    /// Start and length of the parameter's segment in `path`, if `path` is the
    /// template's text around a plain segment.
    fn segment(&self, path: &str) -> Option<(usize, usize)> {
        let len = path.len().checked_sub(self.before.len() + self.after.len())?;
        if !path.starts_with(&*self.before) || !path.ends_with(&*self.after) {
            return None;
        }
        let start = self.before.len();
        plain_segment(path.as_bytes().get(start..start + len)?).then_some((start, len))
    }
}

/// Whether `word` has a byte equal to the one repeated in `wanted`, eight at a
/// time (exact: this test has no false positives).
fn has_byte(word: u64, wanted: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let x = word ^ wanted;
    x.wrapping_sub(ONES) & !x & HIGHS != 0
}

const SLASHES: u64 = u64::from_ne_bytes([b'/'; 8]);
const PERCENTS: u64 = u64::from_ne_bytes([b'%'; 8]);

/// Whether `bytes` has neither a `/` nor a `%`.
fn plain_segment(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        if has_byte(word, SLASHES) || has_byte(word, PERCENTS) {
            return false;
        }
    }
    !chunks.remainder().iter().any(|&b| b == b'/' || b == b'%')
}

/// Segment `k` of `path` counted from the end (as `path.rsplit('/').nth(k)`),
/// its start, and whether it has a `%`.
fn segment_from_end(path: &str, k: usize) -> Option<(usize, &str, bool)> {
    let (mut end, mut k) = (path.len(), k);
    loop {
        let (start, percent) = segment_start(path.as_bytes().get(..end)?);
        if k == 0 {
            return path.get(start..end).map(|s| (start, s, percent));
        }
        end = start.checked_sub(1)?;
        k -= 1;
    }
}

/// Where the last segment of `bytes` starts (after its last `/`, else 0) and
/// whether it has a `%`: one pass from the end, eight bytes at a time. This
/// runs on every request, and on short paths a byte loop (~7 instructions a
/// byte, ~260 for a UUID segment) and core's `memrchr` behind `str::rfind`
/// (~430 with its searcher) cost most.
fn segment_start(bytes: &[u8]) -> (usize, bool) {
    let (mut end, mut percent) = (bytes.len(), false);
    for chunk in bytes.rchunks_exact(8) {
        let word = u64::from_ne_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        if has_byte(word, SLASHES) {
            break;
        }
        percent |= has_byte(word, PERCENTS);
        end -= 8;
    }
    let start = bytes[..end].iter().rposition(|&b| b == b'/').map_or(0, |slash| slash + 1);
    (start, percent || bytes[start..end].contains(&b'%'))
}

/// The media type of a `Content-Type` value without parameters, as sent (compared ignoring case).
fn media_type(value: &str) -> &str {
    value.split(';').next().unwrap_or("").trim()
}

/// What [`prepare`] checked: credentials, parameters, path parameters as the router decoded them.
/// The input of a request, its context moved out of the request's parts (a
/// context variable, or a tuple of what was checked, each cost a copy).
fn new_input(route: &Route, parts: &mut http::request::Parts) -> Input {
    let op = route.op;
    Input {
        spec: route.spec,
        op,
        params: Params::new(op.params.len()),
        path: None,
        body: None,
        context: RequestContext {
            operation_id: op.id,
            method: std::mem::replace(&mut parts.method, http::Method::GET),
            uri: std::mem::take(&mut parts.uri),
            headers: std::mem::take(&mut parts.headers),
            extensions: std::mem::take(&mut parts.extensions),
            credentials: Credentials::default(),
        },
    }
}

/// Everything but the body, checked in order: credentials and security, then
/// each parameter (not async: nothing here waits). The request's parts are
/// moved into the input first, and checked there.
fn prepare(route: &Route, parts: &mut http::request::Parts) -> Result<Input, Rejection> {
    let (spec, op) = (route.spec, route.op);
    let mut input = new_input(route, parts);
    let context = &mut input.context;
    let query: Vec<(String, String)> =
        context.uri.query().map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
    let cookies = if route.wants_cookies { cookies(&context.headers) } else { Vec::new() };
    context.credentials = credentials(spec, &mut context.headers, &query, &cookies)?;
    check_security(spec, op, &context.credentials)?;

    // Path parameters are read in place from the request path unless one needs the
    // router's decoding: without a `%` escape no parameter (the operation's, or a
    // nesting router's) can fail to decode, so the router has nothing to refuse.
    // The path is the route's template filled in, and a template with a `%` has
    // no slots: only the parameters' segments can have one. Those segments are
    // found once, here, with the `%` looked for in the same pass.
    let path = context.uri.path();
    let mut found: [Option<(usize, usize)>; 2] = [None, None];
    let slots = route.slots.as_deref().filter(|slots| {
        if let Some((only, segment)) = route.only.as_ref().and_then(|only| Some((only, only.segment(path)?))) {
            if let Some(slot) = found.get_mut(only.index) {
                *slot = Some(segment);
            }
            return true;
        }
        for (i, k) in slots.iter().enumerate() {
            let Some(k) = k else { continue };
            match segment_from_end(path, (*k).into()) {
                Some((_, _, true)) => return false,
                Some((start, segment, false)) => {
                    if let Some(slot) = found.get_mut(i) {
                        *slot = Some((start, segment.len()));
                    }
                }
                None => {}
            }
        }
        true
    });
    let direct = slots.is_some();
    let path_params = if direct {
        None
    } else {
        match raw_path_params(&mut context.extensions) {
            Ok(p) => Some(p),
            Err(e) => return Err(Rejection::new(StatusCode::BAD_REQUEST, "path", "", e.body_text())),
        }
    };

    let params = &mut input.params;
    let path = input.context.uri.path();
    let headers = &input.context.headers;
    for (i, p) in op.params.iter().enumerate() {
        // The first occurrence, its index among the path parameters, and any others
        // (most parameters come once: no list is made for them).
        let mut first: Option<(usize, &str)> = None;
        let mut more: Vec<&str> = Vec::new();
        let mut add = |i: usize, v| match first {
            None => first = Some((i, v)),
            Some(_) => more.push(v),
        };
        match p.location {
            Location::Path => match &path_params {
                Some(params) => {
                    params.iter().enumerate().filter(|(_, (k, _))| *k == p.wire).for_each(|(i, (_, v))| add(i, v))
                }
                None => {
                    let segment = match found.get(i) {
                        Some(segment) => segment.and_then(|(start, len)| Some((start, path.get(start..start + len)?))),
                        None => slots
                            .and_then(|s| s.get(i))
                            .copied()
                            .flatten()
                            .and_then(|k| segment_from_end(path, k.into()))
                            .map(|(start, segment, _)| (start, segment)),
                    };
                    if let Some((start, segment)) = segment {
                        add(start, segment);
                    }
                }
            },
            Location::Query => query.iter().filter(|(k, _)| k == p.wire).for_each(|(_, v)| add(0, v.as_str())),
            Location::Cookie => cookies.iter().filter(|(k, _)| k == p.wire).for_each(|(_, v)| add(0, v.as_str())),
            Location::Header => {
                for v in headers.get_all(p.wire) {
                    add(
                        0,
                        v.to_str().map_err(|_| {
                            Rejection::new(StatusCode::BAD_REQUEST, "header", p.wire, "not valid text".into())
                        })?,
                    );
                }
            }
        };
        let loc = p.location.as_str();
        let resolved = schema::resolve(spec, &p.ty);
        // A free-form object in an exploded query: every pair no other parameter claims.
        let object_query =
            p.location == Location::Query && p.explode && !p.deep_object && matches!(resolved, Ty::Map(_) | Ty::Object);
        let deep_object = p.deep_object && p.location == Location::Query;
        // The common case, a scalar given once and valid: checked on its text and
        // decoded from it later, with no `Value`. Anything else goes the general way.
        if let (Some((index, raw)), true, false) =
            (first, more.is_empty(), object_query || deep_object || matches!(resolved, Ty::Array(_)))
        {
            let text = || match p.location {
                Location::Path if direct => Text::Segment(index, raw.len()),
                Location::Path => Text::Path(index),
                _ => Text::Owned(raw.to_owned()),
            };
            // A plain UUID (the usual identifier in a path): parsed once, kept for the decode.
            if p.ty == Ty::Uuid {
                if let Ok(id) = uuid::Uuid::try_parse(raw) {
                    params.set(i, Some(Param::Uuid(id, text())));
                    continue;
                }
            } else if let Some(scalar) = schema::param_scalar(spec, &p.ty, raw) {
                if schema::valid_scalar(spec, &p.ty, scalar) {
                    params.set(
                        i,
                        Some(match scalar {
                            schema::Scalar::Str(_) => Param::Text(text()),
                            schema::Scalar::Bool(b) => Param::Scalar(schema::Scalar::Bool(b)),
                            schema::Scalar::U64(n) => Param::Scalar(schema::Scalar::U64(n)),
                            schema::Scalar::I64(n) => Param::Scalar(schema::Scalar::I64(n)),
                            schema::Scalar::F64(x) => Param::Scalar(schema::Scalar::F64(x)),
                        }),
                    );
                    continue;
                }
            }
        }
        let raws: Vec<&str> = first.map(|(_, v)| v).into_iter().chain(more).collect();
        let value = if deep_object {
            // `name[key]=value` pairs; typed like a form body.
            let pairs: Vec<(String, String)> = query
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.strip_prefix(p.wire)?.strip_prefix('[')?.strip_suffix(']')?;
                    Some((key.to_owned(), v.clone()))
                })
                .collect();
            if pairs.is_empty() {
                None
            } else {
                Some(
                    schema::form_value(spec, &p.ty, &pairs)
                        .map_err(|e| problems(StatusCode::BAD_REQUEST, loc, p.wire, vec![e]))?,
                )
            }
        } else if object_query {
            let claimed = |k: &str| op.params.iter().any(|q| q.location == Location::Query && q.wire == k);
            let map: Map<String, Value> =
                query.iter().filter(|(k, _)| !claimed(k)).map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
            if map.is_empty() {
                None
            } else {
                Some(Value::Object(map))
            }
        } else if raws.is_empty() {
            None
        } else {
            Some(
                schema::param_value(spec, &p.ty, &raws, p.explode)
                    .map_err(|m| Rejection::new(StatusCode::BAD_REQUEST, loc, p.wire, m))?,
            )
        };
        match &value {
            None if p.required => {
                return Err(Rejection::new(StatusCode::BAD_REQUEST, loc, p.wire, "missing required parameter".into()))
            }
            None => {}
            Some(v) => {
                schema::validate(spec, &p.ty, v).map_err(|ps| problems(StatusCode::BAD_REQUEST, loc, p.wire, ps))?;
            }
        }
        params.set(i, value.map(Param::Value));
    }

    input.path = path_params;
    Ok(input)
}

/// axum's path parameters, extracted without an executor: the extractor never
/// waits, and reads only the request's extensions (lent to it here).
fn raw_path_params(
    extensions: &mut http::Extensions,
) -> Result<RawPathParams, <RawPathParams as FromRequestParts<()>>::Rejection> {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.extensions = std::mem::take(extensions);
    let result = {
        let mut future = std::pin::pin!(RawPathParams::from_request_parts(&mut parts, &()));
        match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
            std::task::Poll::Ready(result) => result,
            // Not reached (it reads the request's extensions); answered as if no parameters were found.
            std::task::Poll::Pending => Err(axum::extract::rejection::MissingPathParams::default().into()),
        }
    };
    *extensions = std::mem::take(&mut parts.extensions);
    result
}

async fn read_request_body(
    spec: &'static Spec,
    def: &'static BodyDef,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    one_pass: &[bool],
) -> Result<Option<(usize, BodyValue)>, Rejection> {
    // One pass over the headers rather than a lookup for each; the first value
    // of a name counts, as `HeaderMap::get` reads it.
    let (mut length, mut content_type) = (None, None);
    for (name, value) in headers {
        if *name == header::CONTENT_LENGTH {
            length = length.or(Some(value));
        } else if *name == header::CONTENT_TYPE {
            content_type = content_type.or(Some(value));
        }
    }
    if let Some(len) = length.and_then(|v| v.to_str().ok()?.parse::<u64>().ok()) {
        if len > limit as u64 {
            return Err(Rejection::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body",
                "",
                format!("request body is larger than {limit} bytes"),
            ));
        }
    }
    let content_type = match content_type {
        Some(v) => Some(media_type(v.to_str().map_err(|_| {
            Rejection::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "header", "Content-Type", "not valid text".into())
        })?)),
        None => None,
    };
    let bytes = read_body(body, limit).await?;
    let accepted = || def.media.iter().map(|m| m.media_type).collect::<Vec<_>>().join(", ");
    let Some(content_type) = content_type else {
        if bytes.is_empty() {
            return if def.required { Err(Rejection::missing_body()) } else { Ok(None) };
        }
        return Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "header",
            "Content-Type",
            format!("missing content type; expected one of: {}", accepted()),
        ));
    };
    let Some(index) = def.media.iter().position(|m| media_matches(m.media_type, content_type)) else {
        return Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "header",
            "Content-Type",
            format!(
                "unsupported content type `{}`; expected one of: {}",
                content_type.to_ascii_lowercase(),
                accepted()
            ),
        ));
    };
    if bytes.is_empty() && !def.required {
        return Ok(None);
    }
    let media = &def.media[index];
    let value = match (media.encoding, &media.ty) {
        // Checked when the implementation's type decodes it (see `Input::body_json_opt`).
        (Encoding::Json, Some(ty)) if one_pass.get(index) == Some(&true) => BodyValue::Unchecked(bytes, ty),
        (Encoding::Json, ty) => check_json(spec, ty.as_ref(), bytes)?,
        (Encoding::Form, _) => {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
            let ty = media.ty.unwrap_or(Ty::Object);
            let value = schema::form_value(spec, &ty, &pairs)
                .map_err(|p| problems(StatusCode::UNPROCESSABLE_ENTITY, "body", "", vec![p]))?;
            schema::validate(spec, &ty, &value)
                .map_err(|ps| problems(StatusCode::UNPROCESSABLE_ENTITY, "body", "", ps))?;
            BodyValue::Json(value)
        }
        (Encoding::Text | Encoding::Bytes, _) => BodyValue::Bytes(bytes),
    };
    Ok(Some((index, value)))
}

/// A JSON body checked against its schema: [`BodyValue::Valid`] when the
/// streaming check shows it valid, else parsed into a `Value` and checked by
/// the path that finds and words every problem.
fn check_json(spec: &'static Spec, ty: Option<&Ty>, bytes: Bytes) -> Result<BodyValue, Rejection> {
    let valid = match ty {
        Some(ty) => schema::valid_json(spec, ty, &bytes),
        None => serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok(),
    };
    if valid {
        return Ok(BodyValue::Valid(bytes));
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Rejection::new(StatusCode::BAD_REQUEST, "body", "", format!("malformed JSON: {e}")))?;
    if let Some(ty) = ty {
        schema::validate(spec, ty, &value).map_err(|ps| problems(StatusCode::UNPROCESSABLE_ENTITY, "body", "", ps))?;
    }
    Ok(BodyValue::Json(value))
}

/// `(method, path, operationId)` of every operation of `spec`, in spec order.
#[doc(hidden)]
pub fn operations(spec: &'static Spec) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    spec.operations.iter().map(|op| (op.verb.as_str(), op.path, op.id))
}

#[cfg(test)]
mod tests;
