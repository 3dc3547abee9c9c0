//! The intermediate representation: plain owned data describing an API.
//!
//! No `openapiv3`, `syn` or `quote` types appear here; emitters and the
//! surface/diff tools read only this. [`build`] makes it from a loaded document.

pub mod build;
mod view;

use indexmap::IndexMap;
use serde_json::Value;
use std::fmt;

/// Index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);

impl TypeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where the document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    pub sha256: String,
    pub openapi_version: String,
}

#[derive(Debug, Clone)]
pub struct Api {
    pub source: Source,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// Document-level security; operations without `security` inherit it.
    pub security: Vec<SecurityRequirement>,
}

impl Api {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.index()]
    }

    /// Marks, per type index, whether a type is reachable from `roots`
    /// through the type graph ([`TypeDef::held`]).
    pub fn reachable(&self, roots: impl IntoIterator<Item = TypeId>) -> Vec<bool> {
        let mut seen = vec![false; self.types.len()];
        let mut stack: Vec<TypeId> = roots.into_iter().collect();
        while let Some(id) = stack.pop() {
            match seen.get_mut(id.index()) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            for ty in self.ty(id).held() {
                ty.named(&mut stack);
            }
        }
        seen
    }

    /// Follow aliases to the type a use site really holds.
    pub fn resolve_alias<'a>(&'a self, ty: &'a Ty) -> &'a Ty {
        let mut cur = ty;
        for _ in 0..64 {
            match cur {
                Ty::Named(id) => match &self.ty(*id).kind {
                    TypeKind::Alias(inner) => cur = inner,
                    _ => return cur,
                },
                _ => return cur,
            }
        }
        cur
    }
}

impl TypeDef {
    /// Every use-site shape this type holds directly: its edges in the type graph.
    pub fn held(&self) -> Vec<&Ty> {
        let mut tys: Vec<&Ty> = Vec::new();
        match &self.kind {
            TypeKind::Struct(s) => {
                tys.extend(s.fields.iter().chain(&s.flattened).map(|f| &f.ty));
                tys.extend(s.additional.as_ref());
            }
            TypeKind::Alias(ty) => tys.push(ty),
            TypeKind::Untagged(u) => tys.extend(u.variants.iter().map(|v| &v.ty)),
            TypeKind::Tagged(u) => tys.extend(u.variants.iter().map(|v| &v.ty)),
            TypeKind::Enum(_) => {}
        }
        tys
    }
}

impl Ty {
    /// Push the named types this shape mentions, through arrays, maps and options.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Array(inner) | Ty::Map(inner) | Ty::Option(inner) => inner.named(out),
            _ => {}
        }
    }
}

#[derive(Debug, Clone)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
}

#[derive(Debug, Clone)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
    pub values: Vec<String>,
    pub description: Option<String>,
}

/// Title, description and examples of a type, field or operation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
    pub examples: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub id: TypeId,
    /// Rust identifier (UpperCamelCase, unique in the crate).
    pub name: String,
    /// The component name, or a dotted path for inline schemas.
    pub origin: String,
    /// Pointer to the schema this type was made from.
    pub pointer: String,
    pub component: bool,
    pub docs: Docs,
    pub deprecated: bool,
    /// The schema itself allows `null` (use sites wrap it in `Option`).
    pub nullable: bool,
    pub kind: TypeKind,
    /// Validation keywords of the schema itself (bounds, lengths, closed objects…).
    pub constraints: Constraints,
}

/// Validation keywords a value must also satisfy beyond its [`Ty`]: what a
/// server checks and a mock sample respects. Plain data, as the spec states
/// it (numbers as `f64`); a `pattern` is kept only when it translates to a
/// Rust regex (see [`crate::pattern`]), otherwise the builder warns and drops it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// An ECMA-262 regular expression (unanchored, as JSON Schema reads it).
    pub pattern: Option<String>,
    /// A string `format` the [`Ty`] does not capture (`email`, `uri`, `hostname`, `ipv4`, `ipv6`).
    pub format: Option<StringFormat>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// `additionalProperties: false`: no property beyond the declared ones.
    pub closed: bool,
    /// `enum` values the [`Ty`] does not capture (integer, number, boolean and mixed enums).
    pub values: Vec<Value>,
    /// A string satisfying the string keywords above (a valid spec example, or
    /// one made up), for mock samples; `None` when there are none or none was found.
    pub sample: Option<String>,
    /// Constraints of inline array items.
    pub items: Option<Box<Constraints>>,
    /// Constraints of inline map values (`additionalProperties: {schema}`).
    pub additional: Option<Box<Constraints>>,
}

impl Constraints {
    /// Nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// Whether this level (not `items`/`additional`) constrains anything.
    pub fn is_empty_here(&self) -> bool {
        Constraints { items: None, additional: None, ..self.clone() }.is_empty()
    }
}

/// String formats checked beyond the ones with a Rust type of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StringFormat {
    Email,
    Uri,
    Hostname,
    Ipv4,
    Ipv6,
}

impl StringFormat {
    /// The format a `format:` keyword (lowercased) names, when it is one of these.
    pub fn parse(format: &str) -> Option<StringFormat> {
        Some(match format {
            // Only formats JSON Schema defines: others (`url`, `idn-hostname`…) are annotations.
            "email" | "idn-email" => StringFormat::Email,
            "uri" | "iri" => StringFormat::Uri,
            "hostname" => StringFormat::Hostname,
            "ipv4" => StringFormat::Ipv4,
            "ipv6" => StringFormat::Ipv6,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum, with a catch-all for values this version does not know.
    Enum(StringEnum),
    /// `oneOf` with a discriminator.
    Tagged(Tagged),
    /// `oneOf`/`anyOf` without a discriminator: first matching variant wins.
    Untagged(Untagged),
    /// A named alias of another shape (`type X = Y`).
    Alias(Ty),
}

#[derive(Debug, Clone, Default)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` next to declared properties: a flattened map.
    pub additional: Option<Ty>,
    /// Unions an `allOf` or a schema with properties also had to satisfy;
    /// flattened into the struct.
    pub flattened: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier (may be a raw identifier such as `r#type`).
    pub name: String,
    /// JSON property name.
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub default: Option<Value>,
    pub docs: Docs,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Secrets: never printed by `Debug`.
    pub sensitive: bool,
    pub constraints: Constraints,
}

impl Field {
    /// How the field is held, see ARCHITECTURE.md: required `T`; optional or
    /// nullable `Option<T>`; optional and nullable `Option<Option<T>>`.
    pub fn presence(&self) -> Presence {
        match (self.required, self.nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    RequiredNullable,
    Optional,
    OptionalNullable,
}

#[derive(Debug, Clone)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// Name of the variant that carries unknown values.
    pub catch_all: String,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
}

#[derive(Debug, Clone)]
pub struct Tagged {
    pub property: String,
    pub variants: Vec<TaggedVariant>,
    /// Name of the variant that keeps a value whose tag this version does not know.
    pub catch_all: String,
    /// Some member does not declare the tag as a required string, so a value
    /// may come without it: such a value is decoded as the first variant
    /// that accepts it (untagged) instead of being refused.
    pub untagged_fallback: bool,
}

#[derive(Debug, Clone)]
pub struct TaggedVariant {
    pub name: String,
    /// Tag values that select this variant; the first one is written.
    pub tags: Vec<String>,
    pub ty: Ty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnionKind {
    OneOf,
    AnyOf,
}

#[derive(Debug, Clone)]
pub struct Untagged {
    pub kind: UnionKind,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub ty: Ty,
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntKind {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FloatKind {
    F32,
    F64,
}

/// The shape a use site holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    /// Any JSON value (the spec really is free-form).
    Any,
    /// A free-form JSON object.
    Object,
    Bool,
    String,
    Int(IntKind),
    Float(FloatKind),
    Uuid,
    DateTime,
    Date,
    /// `format: byte`: base64 text, kept as a string.
    Base64,
    /// `format: binary`: raw bytes (as a body) or opaque text (inside JSON).
    Binary,
    Named(TypeId),
    Array(Box<Ty>),
    Map(Box<Ty>),
    /// A nullable element inside an array, map or union.
    Option(Box<Ty>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId as written, or synthesised from method and path.
    pub id: String,
    pub id_synthesized: bool,
    /// Rust method name (snake_case, unique).
    pub name: String,
    /// UpperCamelCase stem for types named after the operation.
    pub type_stem: String,
    pub method: Method,
    pub path: String,
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// `None`: inherits the document's security. `Some(vec![])`: no auth.
    pub security: Option<Vec<SecurityRequirement>>,
    pub extensions: IndexMap<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub wire: String,
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: Ty,
    pub nullable: bool,
    /// `form`, `simple`, `deepObject`, `pipeDelimited`, `spaceDelimited`, `label`, `matrix`.
    pub style: String,
    pub explode: bool,
    pub default: Option<Value>,
    pub docs: Docs,
    pub deprecated: bool,
    pub sensitive: bool,
    pub constraints: Constraints,
}

#[derive(Debug, Clone)]
pub struct RequestBody {
    pub required: bool,
    pub description: Option<String>,
    pub content: Vec<MediaBody>,
}

#[derive(Debug, Clone)]
pub struct MediaBody {
    pub media_type: String,
    /// `None`: no schema given.
    pub ty: Option<Ty>,
    pub constraints: Constraints,
    pub examples: Vec<(String, Value)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Code(u16),
    /// `2XX` and friends: the leading digit.
    Range(u8),
    Default,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(d) => write!(f, "{d}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

impl Status {
    pub fn is_success(&self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(c),
            Status::Range(d) => *d == 2,
            Status::Default => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: Status,
    pub description: String,
    pub content: Vec<MediaBody>,
    pub headers: Vec<Header>,
}

#[derive(Debug, Clone)]
pub struct Header {
    pub wire: String,
    pub name: String,
    pub required: bool,
    pub ty: Ty,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityScheme {
    HttpBasic {
        description: Option<String>,
    },
    HttpBearer {
        format: Option<String>,
        description: Option<String>,
    },
    /// Any other HTTP scheme, by name.
    Http {
        scheme: String,
        description: Option<String>,
    },
    ApiKey {
        location: ParamLocation,
        name: String,
        description: Option<String>,
    },
    OAuth2ClientCredentials {
        token_url: String,
        scopes: Vec<String>,
        description: Option<String>,
    },
    /// Other OAuth2 flows: the client takes a ready access token.
    OAuth2Other {
        description: Option<String>,
    },
    OpenIdConnect {
        url: String,
        description: Option<String>,
    },
}

/// All schemes named here apply together (AND); the list of requirements is OR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirement {
    pub schemes: Vec<(String, Vec<String>)>,
}
