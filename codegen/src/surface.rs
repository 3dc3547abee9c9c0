//! The API surface: a deterministic, human-readable rendering of what an
//! [`Api`] offers, split into small areas so that a snapshot diff of a spec
//! update stays local and readable.
//!
//! Operations are grouped by their first tag (`ops/<tag>`), types by the
//! first letter of their Rust name (`types/<letter>`). Documentation is left
//! out on purpose: the surface shows what code and the wire depend on
//! (names, types, presence, defaults, enum values, union variants), so a
//! description edit does not change it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::ir::{
    Api, Field, FloatKind, IntKind, MediaBody, Operation, SecurityRequirement, Ty, TypeDef, TypeKind, UnionKind,
};

/// One area of the surface: a stable name (`ops/connection`, `types/c`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub name: String,
    pub text: String,
}

/// The whole surface, areas sorted by name.
pub fn render(api: &Api) -> Vec<Area> {
    let mut areas: BTreeMap<String, String> = BTreeMap::new();
    let mut ops: Vec<&Operation> = api.operations.iter().collect();
    ops.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
    for op in ops {
        let tag = op.tags.first().map(String::as_str).unwrap_or("untagged");
        let text = areas.entry(format!("ops/{}", area_slug(tag))).or_default();
        if !text.is_empty() {
            text.push('\n');
        }
        operation(api, op, text);
    }
    let mut types: Vec<&TypeDef> = api.types.iter().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    for t in types {
        let letter = t.name.chars().next().map(|c| c.to_ascii_lowercase()).filter(char::is_ascii_alphabetic);
        let text = areas.entry(format!("types/{}", letter.unwrap_or('_'))).or_default();
        if !text.is_empty() {
            text.push('\n');
        }
        type_def(api, t, text);
    }
    let mut head = String::new();
    let _ = writeln!(head, "{} {} (OpenAPI {})", api.title, api.version, api.source.openapi_version);
    let _ = writeln!(head, "{} operations, {} types", api.operations.len(), api.types.len());
    for s in &api.servers {
        let _ = writeln!(head, "server {}", s.url);
    }
    for (name, scheme) in &api.security_schemes {
        let _ = writeln!(head, "security scheme {name}: {}", scheme_summary(scheme));
    }
    let _ = writeln!(head, "default security: {}", security(&api.security));
    areas.insert("api".into(), head);
    areas.into_iter().map(|(name, text)| Area { name, text }).collect()
}

/// A file-name-safe, lowercase form of a tag.
pub fn area_slug(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "untagged".into()
    } else {
        out
    }
}

/// A use-site type in Rust-like notation, naming generated types.
pub fn ty(api: &Api, t: &Ty) -> String {
    match t {
        Ty::Any => "Json".into(),
        Ty::Object => "JsonObject".into(),
        Ty::Bool => "bool".into(),
        Ty::String => "String".into(),
        Ty::Int(k) => int_name(*k).into(),
        Ty::Float(FloatKind::F32) => "f32".into(),
        Ty::Float(FloatKind::F64) => "f64".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Base64 => "Base64".into(),
        Ty::Binary => "Binary".into(),
        Ty::Named(id) => api.types.get(id.index()).map_or_else(|| format!("?{}", id.0), |t| t.name.clone()),
        Ty::Array(inner) => format!("Vec<{}>", ty(api, inner)),
        Ty::Map(inner) => format!("Map<String, {}>", ty(api, inner)),
        Ty::Option(inner) => format!("Option<{}>", ty(api, inner)),
    }
}

pub fn int_name(k: IntKind) -> &'static str {
    match k {
        IntKind::I8 => "i8",
        IntKind::I16 => "i16",
        IntKind::I32 => "i32",
        IntKind::I64 => "i64",
        IntKind::U8 => "u8",
        IntKind::U16 => "u16",
        IntKind::U32 => "u32",
        IntKind::U64 => "u64",
    }
}

fn json(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn security(reqs: &[SecurityRequirement]) -> String {
    if reqs.is_empty() {
        return "none".into();
    }
    reqs.iter()
        .map(|r| {
            if r.schemes.is_empty() {
                return "anonymous".to_string();
            }
            r.schemes
                .iter()
                .map(|(n, scopes)| if scopes.is_empty() { n.clone() } else { format!("{n}[{}]", scopes.join(",")) })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn scheme_summary(s: &crate::ir::SecurityScheme) -> String {
    use crate::ir::SecurityScheme as S;
    match s {
        S::HttpBasic { .. } => "http basic".into(),
        S::HttpBearer { format, .. } => match format {
            Some(f) => format!("http bearer ({f})"),
            None => "http bearer".into(),
        },
        S::Http { scheme, .. } => format!("http {scheme}"),
        S::ApiKey { location, name, .. } => format!("api key `{name}` in {}", location.as_str()),
        S::OAuth2ClientCredentials { token_url, scopes, .. } => {
            format!("oauth2 client credentials at {token_url} scopes [{}]", scopes.join(", "))
        }
        S::OAuth2Other { .. } => "oauth2 (access token)".into(),
        S::OpenIdConnect { url, .. } => format!("openid connect {url}"),
    }
}

fn media(api: &Api, m: &MediaBody) -> String {
    match &m.ty {
        Some(t) => format!("{}: {}", m.media_type, ty(api, t)),
        None => format!("{}: (no schema)", m.media_type),
    }
}

fn operation(api: &Api, op: &Operation, out: &mut String) {
    let _ = write!(out, "{} {}  {}  fn {}", op.method, op.path, op.id, op.name);
    if op.id_synthesized {
        out.push_str("  (operationId synthesised)");
    }
    if op.deprecated {
        out.push_str("  deprecated");
    }
    out.push('\n');
    if op.tags.len() > 1 {
        let _ = writeln!(out, "  tags: {}", op.tags.join(", "));
    }
    if let Some(s) = &op.security {
        let _ = writeln!(out, "  security: {}", security(s));
    }
    for p in &op.parameters {
        let _ = write!(
            out,
            "  param {} `{}` ({}): {}, {}",
            p.location.as_str(),
            p.wire,
            p.name,
            ty(api, &p.ty),
            if p.required { "required" } else { "optional" }
        );
        if p.nullable {
            out.push_str(", nullable");
        }
        if let Some(d) = &p.default {
            let _ = write!(out, ", default {}", json(d));
        }
        if p.deprecated {
            out.push_str(", deprecated");
        }
        let _ = writeln!(out, ", style {}{}", p.style, if p.explode { " explode" } else { "" });
    }
    if let Some(b) = &op.request_body {
        let req = if b.required { "required" } else { "optional" };
        if b.content.is_empty() {
            let _ = writeln!(out, "  body ({req}): (no content)");
        }
        for m in &b.content {
            let _ = writeln!(out, "  body ({req}) {}", media(api, m));
        }
    }
    for r in &op.responses {
        if r.content.is_empty() {
            let _ = writeln!(out, "  {}: (no body)", r.status);
        }
        for m in &r.content {
            let _ = writeln!(out, "  {} {}", r.status, media(api, m));
        }
        for h in &r.headers {
            let _ = writeln!(
                out,
                "  {} header `{}`: {}, {}",
                r.status,
                h.wire,
                ty(api, &h.ty),
                if h.required { "required" } else { "optional" }
            );
        }
    }
}

fn field(api: &Api, f: &Field, out: &mut String) {
    let _ = write!(out, "  {}", f.wire);
    if crate::naming::unraw(&f.name) != f.wire {
        let _ = write!(out, " ({})", f.name);
    }
    let _ = write!(out, ": {}, {}", ty(api, &f.ty), if f.required { "required" } else { "optional" });
    if f.nullable {
        out.push_str(", nullable");
    }
    if let Some(d) = &f.default {
        let _ = write!(out, ", default {}", json(d));
    }
    for (flag, word) in [
        (f.read_only, "read-only"),
        (f.write_only, "write-only"),
        (f.deprecated, "deprecated"),
        (f.sensitive, "secret"),
    ] {
        if flag {
            let _ = write!(out, ", {word}");
        }
    }
    out.push('\n');
}

fn type_def(api: &Api, t: &TypeDef, out: &mut String) {
    let mut flags = String::new();
    if t.nullable {
        flags.push_str(" nullable");
    }
    if t.deprecated {
        flags.push_str(" deprecated");
    }
    let origin = if t.component { t.origin.clone() } else { t.pointer.clone() };
    match &t.kind {
        TypeKind::Struct(s) => {
            let _ = writeln!(out, "struct {}{flags}  ({origin})", t.name);
            for f in &s.fields {
                field(api, f, out);
            }
            for f in &s.flattened {
                let _ = writeln!(out, "  flatten {}: {}", f.name, ty(api, &f.ty));
            }
            if let Some(a) = &s.additional {
                let _ = writeln!(out, "  additional properties: {}", ty(api, a));
            }
        }
        TypeKind::Enum(e) => {
            let _ = writeln!(out, "enum {}{flags}  ({origin})", t.name);
            for v in &e.variants {
                let _ = writeln!(out, "  {:?} ({})", v.wire, v.name);
            }
            let _ = writeln!(out, "  other: {}", e.catch_all);
        }
        TypeKind::Tagged(u) => {
            let _ = writeln!(out, "union {}{flags} tagged by `{}`  ({origin})", t.name, u.property);
            for v in &u.variants {
                let tags = v.tags.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(" | ");
                let _ = writeln!(out, "  {tags} => {}({})", v.name, ty(api, &v.ty));
            }
            let _ = writeln!(out, "  other: {}", u.catch_all);
        }
        TypeKind::Untagged(u) => {
            let kind = match u.kind {
                UnionKind::OneOf => "oneOf",
                UnionKind::AnyOf => "anyOf",
            };
            let _ = writeln!(out, "union {}{flags} untagged {kind}  ({origin})", t.name);
            for v in &u.variants {
                let _ = writeln!(out, "  {}({})", v.name, ty(api, &v.ty));
            }
        }
        TypeKind::Alias(inner) => {
            let _ = writeln!(out, "alias {}{flags} = {}  ({origin})", t.name, ty(api, inner));
        }
    }
}

/// The surface of a families crate: one area per family and initial of the
/// member tags (`families/all-sources-p`), each member's module with its
/// feature, tag and types (constants shown as `const`), so a connector's
/// breaking change shows as a local diff.
pub fn render_families(fc: &crate::family::FamilyCrate) -> Vec<Area> {
    let api = &fc.api;
    let mut areas: BTreeMap<String, String> = BTreeMap::new();
    for f in &fc.families {
        let mut members: Vec<&crate::family::Member> = f.members.iter().collect();
        members.sort_by(|a, b| a.tag.cmp(&b.tag));
        for m in members {
            let letter = m.tag.chars().next().map(|c| c.to_ascii_lowercase()).filter(char::is_ascii_alphanumeric);
            let text = areas.entry(format!("families/{}-{}", f.feature, letter.unwrap_or('_'))).or_default();
            if !text.is_empty() {
                text.push('\n');
            }
            let _ = writeln!(
                text,
                "mod {} (feature {}) in {}: {} = {:?} => {}",
                m.module, m.feature, f.name, f.property, m.tag, m.variant
            );
            for t in &m.types {
                let mut one = String::new();
                type_def(api, api.ty(*t), &mut one);
                if let Some((wire, value)) = fc.constants.get(t) {
                    let at = one.find('\n').map_or(one.len(), |i| i + 1);
                    one.insert_str(at, &format!("  const {wire} = {value:?}\n"));
                }
                text.push_str(&one);
            }
        }
    }
    for (t, features) in &fc.shared {
        let text = areas.entry("families/shared".into()).or_default();
        let _ = writeln!(text, "shared, with any of: {}", features.join(", "));
        type_def(api, api.ty(*t), text);
    }
    areas.into_iter().map(|(name, text)| Area { name, text }).collect()
}
