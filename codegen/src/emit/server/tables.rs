//! `tables.rs` of the server crate: the spec as static data (`TYPES`,
//! `SCHEMES`, `OPERATIONS`, `PATTERNS`, gathered in `SPEC`), written
//! directly as text.
//!
//! The one exception to "every file goes through `syn` and `prettyplease`"
//! (see ARCHITECTURE.md, "Codegen speed"): the tables are nothing but struct
//! literals, strings, numbers and paths, so a small writer lays them out
//! well enough, and building the crate (CI does) proves them valid as the
//! parse did; emitting, parsing and printing them was 16% of the instructions
//! of generating the two main specs. Strings and floats are spelled as
//! `proc_macro2::Literal` spells them, so the tokens are the ones the token
//! route gave. Layout: one entry of a list per line, the fields,
//! parameters and responses of an entry indented under it.

use proc_macro2::Literal;
use std::fmt::Write as _;

use super::{encoding, security_indexes, Encoding};
use crate::ir::*;
use crate::tags::TagFeatures;

/// The file's text, without the `// @generated` header.
pub(super) fn tables_rs(api: &Api, features: Option<&TagFeatures>) -> String {
    let mut w = Writer { out: String::with_capacity(1 << 16), patterns: Vec::new() };
    w.out.push_str(
        "/// The path of the spec's first server URL (`/v1` for `https://api.example.com/v1`), or `\"\"`.\n\
         pub const BASE_PATH: &str = ",
    );
    w.str(&super::base_path(api));
    w.out.push_str(
        ";\n\
         #[allow(unused_imports)]\n\
         use super::runtime::{BodyDef, Encoding, Location, MediaDef, OpDef, ParamDef, ResponseDef, SchemeDef, SchemeKind, Spec, StatusDef, Verb};\n\
         #[allow(unused_imports)]\n\
         use super::runtime::schema::{Check, Field, Format, Int, Kind, Pattern, Ty, TypeDef, Variant};\n\
         /// The spec as the runtime reads it.\n\
         pub(crate) static SPEC: Spec = Spec {\n    \
         types: TYPES,\n    \
         operations: OPERATIONS,\n    \
         schemes: SCHEMES,\n    \
         patterns: &PATTERNS,\n    \
         base_path: BASE_PATH,\n\
         };\n",
    );
    // The type table is data indexed by position, so it stays whole under tag features.
    w.type_table(api);
    w.scheme_table(api);
    w.op_table(api, features);
    w.pattern_table();
    w.out
}

/// The text being written, and the spec's patterns in first-use order (the
/// crate's `PATTERNS` table, written last).
struct Writer {
    out: String,
    patterns: Vec<(String, crate::pattern::Translated)>,
}

impl Writer {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A string literal, escaped as `quote` escapes it.
    fn str(&mut self, s: &str) {
        crate::emit::push_str_literal(&mut self.out, s);
    }

    /// `&["a", "b"]`.
    fn strs<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        self.push("&[");
        for (i, s) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.str(s);
        }
        self.push("]");
    }

    fn bool(&mut self, b: bool) {
        self.push(if b { "true" } else { "false" });
    }

    fn num(&mut self, n: impl std::fmt::Display) {
        let _ = write!(self.out, "{n}");
    }

    fn opt_u64(&mut self, n: Option<u64>) {
        match n {
            Some(n) => {
                let _ = write!(self.out, "Some({n})");
            }
            None => self.push("None"),
        }
    }

    fn opt_f64(&mut self, n: Option<f64>) {
        match n.filter(|n| n.is_finite()) {
            Some(n) => {
                let _ = write!(self.out, "Some({})", Literal::f64_unsuffixed(n));
            }
            None => self.push("None"),
        }
    }

    /// A new line at `depth` levels of indentation.
    fn line(&mut self, depth: usize) {
        self.out.push('\n');
        for _ in 0..depth {
            self.out.push_str("    ");
        }
    }

    fn pattern_index(&mut self, source: &str) -> Option<usize> {
        if let Some(i) = self.patterns.iter().position(|(s, _)| s == source) {
            return Some(i);
        }
        // The builder kept only patterns that translate.
        let t = crate::pattern::translate(source).ok()?;
        self.patterns.push((source.to_owned(), t));
        Some(self.patterns.len() - 1)
    }

    /// The schema descriptor (`schema::Ty`) of a use site.
    fn ty_desc(&mut self, ty: &Ty) {
        let simple = match ty {
            Ty::Any => "Ty::Any",
            Ty::Object => "Ty::Object",
            Ty::Bool => "Ty::Bool",
            Ty::String => "Ty::String",
            Ty::Int(k) => match k {
                IntKind::I8 => "Ty::Int(Int::I8)",
                IntKind::I16 => "Ty::Int(Int::I16)",
                IntKind::I32 => "Ty::Int(Int::I32)",
                IntKind::I64 => "Ty::Int(Int::I64)",
                IntKind::U8 => "Ty::Int(Int::U8)",
                IntKind::U16 => "Ty::Int(Int::U16)",
                IntKind::U32 => "Ty::Int(Int::U32)",
                IntKind::U64 => "Ty::Int(Int::U64)",
            },
            Ty::Float(FloatKind::F32) => "Ty::F32",
            Ty::Float(FloatKind::F64) => "Ty::F64",
            Ty::Uuid => "Ty::Uuid",
            Ty::DateTime => "Ty::DateTime",
            Ty::Date => "Ty::Date",
            Ty::Base64 => "Ty::Base64",
            Ty::Binary => "Ty::Binary",
            Ty::Named(id) => {
                let _ = write!(self.out, "Ty::Named({})", id.0);
                return;
            }
            Ty::Array(inner) => return self.wrap("Ty::Array(&", |w| w.ty_desc(inner)),
            Ty::Map(inner) => return self.wrap("Ty::Map(&", |w| w.ty_desc(inner)),
            Ty::Option(inner) => return self.wrap("Ty::Nullable(&", |w| w.ty_desc(inner)),
        };
        self.push(simple);
    }

    /// `open`, what `inner` writes, `)`.
    fn wrap(&mut self, open: &str, inner: impl FnOnce(&mut Self)) {
        self.push(open);
        inner(self);
        self.push(")");
    }

    /// `&Check { … }` for the keywords of `c` at this level.
    fn check(&mut self, c: &Constraints) {
        self.push("&Check { minimum: ");
        self.opt_f64(c.minimum);
        self.push(", exclusive_minimum: ");
        self.bool(c.exclusive_minimum);
        self.push(", maximum: ");
        self.opt_f64(c.maximum);
        self.push(", exclusive_maximum: ");
        self.bool(c.exclusive_maximum);
        self.push(", multiple_of: ");
        self.opt_f64(c.multiple_of);
        self.push(", min_length: ");
        self.opt_u64(c.min_length);
        self.push(", max_length: ");
        self.opt_u64(c.max_length);
        self.push(", pattern: ");
        let pattern = c.pattern.as_deref().and_then(|p| self.pattern_index(p));
        self.opt_u64(pattern.map(|i| i as u64));
        self.push(", format: ");
        self.push(match c.format {
            Some(StringFormat::Email) => "Some(Format::Email)",
            Some(StringFormat::Uri) => "Some(Format::Uri)",
            Some(StringFormat::Hostname) => "Some(Format::Hostname)",
            Some(StringFormat::Ipv4) => "Some(Format::Ipv4)",
            Some(StringFormat::Ipv6) => "Some(Format::Ipv6)",
            None => "None",
        });
        self.push(", min_items: ");
        self.opt_u64(c.min_items);
        self.push(", max_items: ");
        self.opt_u64(c.max_items);
        self.push(", unique_items: ");
        self.bool(c.unique_items);
        self.push(", min_properties: ");
        self.opt_u64(c.min_properties);
        self.push(", max_properties: ");
        self.opt_u64(c.max_properties);
        self.push(", closed: ");
        self.bool(c.closed);
        self.push(", values: ");
        let values: Vec<String> = c.values.iter().map(|v| v.to_string()).collect();
        self.strs(values.iter().map(String::as_str));
        self.push(", sample: ");
        match &c.sample {
            Some(s) => self.wrap("Some(", |w| w.str(s)),
            None => self.push("None"),
        }
        self.push(" }");
    }

    /// The descriptor of a use site with its constraints (`Ty::Checked` where it has any).
    fn ty(&mut self, ty: &Ty, c: &Constraints) {
        if c.is_empty() {
            return self.ty_desc(ty);
        }
        if let Ty::Option(inner) = ty {
            return self.wrap("Ty::Nullable(&", |w| w.ty(inner, c));
        }
        let checked = !c.is_empty_here();
        if checked {
            self.push("Ty::Checked(&");
        }
        match ty {
            Ty::Array(inner) => self.wrap("Ty::Array(&", |w| match &c.items {
                Some(ic) => w.ty(inner, ic),
                None => w.ty_desc(inner),
            }),
            Ty::Map(inner) => self.wrap("Ty::Map(&", |w| match &c.additional {
                Some(ac) => w.ty(inner, ac),
                None => w.ty_desc(inner),
            }),
            other => self.ty_desc(other),
        }
        if checked {
            self.push(", ");
            self.check(c);
            self.push(")");
        }
    }

    fn opt_ty(&mut self, ty: Option<&Ty>, c: &Constraints) {
        match ty {
            Some(t) => self.wrap("Some(", |w| w.ty(t, c)),
            None => self.push("None"),
        }
    }

    fn type_table(&mut self, api: &Api) {
        self.push("/// Every named schema, indexed by `Ty::Named`.\npub(crate) static TYPES: &[TypeDef] = &[");
        for t in &api.types {
            self.line(1);
            self.push("TypeDef { name: ");
            self.str(&t.name);
            self.push(", kind: ");
            let mut own = t.constraints.clone();
            match &t.kind {
                TypeKind::Struct(s) => {
                    self.push("Kind::Struct { fields: &[");
                    for f in &s.fields {
                        self.line(2);
                        self.push("Field { wire: ");
                        self.str(&f.wire);
                        self.push(", ty: ");
                        self.ty(&f.ty, &f.constraints);
                        self.push(", required: ");
                        self.bool(f.required);
                        self.push(", nullable: ");
                        self.bool(f.nullable);
                        self.push(" },");
                    }
                    if !s.fields.is_empty() {
                        self.line(1);
                    }
                    self.push("], flattened: &[");
                    for (i, f) in s.flattened.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.ty_desc(&f.ty);
                    }
                    self.push("], additional: ");
                    match &s.additional {
                        Some(t) => {
                            let none = Constraints::default();
                            let c = own.additional.take();
                            self.wrap("Some(&", |w| w.ty(t, c.as_deref().unwrap_or(&none)));
                        }
                        None => self.push("None"),
                    }
                    own.additional = None;
                    self.push(" }");
                }
                TypeKind::Enum(e) => {
                    self.push("Kind::Enum(");
                    self.strs(e.variants.iter().map(|v| v.wire.as_str()));
                    self.push(")");
                }
                // Values may come without the tag: validate as the decoder reads them.
                TypeKind::Tagged(u) if u.untagged_fallback => {
                    self.push("Kind::Untagged(&[");
                    for (i, v) in u.variants.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.ty_desc(&v.ty);
                    }
                    self.push("])");
                }
                TypeKind::Tagged(u) => {
                    self.push("Kind::Tagged { property: ");
                    self.str(&u.property);
                    self.push(", variants: &[");
                    for v in &u.variants {
                        self.line(2);
                        self.push("Variant { tags: ");
                        self.strs(v.tags.iter().map(String::as_str));
                        self.push(", ty: ");
                        self.ty_desc(&v.ty);
                        self.push(" },");
                    }
                    if !u.variants.is_empty() {
                        self.line(1);
                    }
                    self.push("] }");
                }
                TypeKind::Untagged(u) => {
                    self.push("Kind::Untagged(&[");
                    for (i, v) in u.variants.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.ty(&v.ty, &v.constraints);
                    }
                    self.push("])");
                }
                TypeKind::Alias(ty) => {
                    // An alias carries its constraints on the shape it names.
                    let c = std::mem::take(&mut own);
                    self.wrap("Kind::Alias(", |w| w.ty(ty, &c));
                }
            }
            self.push(", examples: ");
            let examples: Vec<String> = t.docs.examples.iter().map(|e| e.to_string()).collect();
            self.strs(examples.iter().map(String::as_str));
            self.push(", check: ");
            if own.is_empty_here() {
                self.push("None");
            } else {
                self.wrap("Some(", |w| w.check(&own));
            }
            self.push(" },");
        }
        self.push("\n];\n");
    }

    fn location(&mut self, l: ParamLocation) {
        self.push(match l {
            ParamLocation::Path => "Location::Path",
            ParamLocation::Query => "Location::Query",
            ParamLocation::Header => "Location::Header",
            ParamLocation::Cookie => "Location::Cookie",
        });
    }

    fn scheme_table(&mut self, api: &Api) {
        self.push("/// The spec's security schemes, in document order.\npub(crate) static SCHEMES: &[SchemeDef] = &[");
        for (name, s) in &api.security_schemes {
            self.line(1);
            self.push("SchemeDef { name: ");
            self.str(name);
            self.push(", kind: ");
            match s {
                SecurityScheme::HttpBasic { .. } => self.push("SchemeKind::Basic"),
                SecurityScheme::HttpBearer { .. }
                | SecurityScheme::OAuth2ClientCredentials { .. }
                | SecurityScheme::OAuth2Other { .. }
                | SecurityScheme::OpenIdConnect { .. } => self.push("SchemeKind::Bearer"),
                SecurityScheme::Http { scheme, .. } => {
                    self.wrap("SchemeKind::Http(", |w| w.str(&scheme.to_ascii_lowercase()));
                }
                SecurityScheme::ApiKey { location, name, .. } => {
                    self.push("SchemeKind::ApiKey { location: ");
                    self.location(*location);
                    self.push(", name: ");
                    self.str(name);
                    self.push(" }");
                }
            }
            self.push(" },");
        }
        self.push("\n];\n");
    }

    /// `&[MediaDef { … }, …]` on one line.
    fn media(&mut self, content: &[MediaBody], request: bool) {
        self.push("&[");
        for (i, m) in content.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("MediaDef { media_type: ");
            self.str(&m.media_type);
            self.push(", encoding: ");
            self.push(match encoding(&m.media_type, request) {
                Encoding::Json => "Encoding::Json",
                Encoding::Form => "Encoding::Form",
                Encoding::Text => "Encoding::Text",
                Encoding::Bytes => "Encoding::Bytes",
            });
            self.push(", ty: ");
            self.opt_ty(m.ty.as_ref(), &m.constraints);
            self.push(", examples: ");
            let examples: Vec<String> = m.examples.iter().map(|(_, v)| v.to_string()).collect();
            self.strs(examples.iter().map(String::as_str));
            self.push(" }");
        }
        self.push("]");
    }

    fn op_table(&mut self, api: &Api, features: Option<&TagFeatures>) {
        self.push("/// Every operation, in document order.\npub(crate) static OPERATIONS: &[OpDef] = &[");
        for (index, op) in api.operations.iter().enumerate() {
            if let Some(f) = features {
                let gates = f.operation_features(index);
                if !gates.is_empty() {
                    self.line(1);
                    self.cfg(&gates);
                }
            }
            self.line(1);
            self.push("OpDef { id: ");
            self.str(&op.id);
            self.push(", verb: ");
            self.push(match op.method {
                Method::Get => "Verb::Get",
                Method::Put => "Verb::Put",
                Method::Post => "Verb::Post",
                Method::Delete => "Verb::Delete",
                Method::Options => "Verb::Options",
                Method::Head => "Verb::Head",
                Method::Patch => "Verb::Patch",
                Method::Trace => "Verb::Trace",
            });
            self.push(", path: ");
            self.str(&op.path);
            self.push(",");
            self.line(2);
            self.push("params: &[");
            for p in &op.parameters {
                self.line(3);
                self.push("ParamDef { wire: ");
                self.str(&p.wire);
                self.push(", location: ");
                self.location(p.location);
                self.push(", required: ");
                self.bool(p.required);
                self.push(", ty: ");
                self.ty(&p.ty, &p.constraints);
                self.push(", explode: ");
                self.bool(p.explode);
                self.push(", deep_object: ");
                self.bool(p.style == "deepObject");
                self.push(" },");
            }
            if !op.parameters.is_empty() {
                self.line(2);
            }
            self.push("],");
            self.line(2);
            self.push("body: ");
            match &op.request_body {
                Some(b) if !b.content.is_empty() => {
                    self.push("Some(BodyDef { required: ");
                    self.bool(b.required);
                    self.push(", media: ");
                    self.media(&b.content, true);
                    self.push(" }),");
                }
                _ => self.push("None,"),
            }
            self.line(2);
            self.push("responses: &[");
            for r in &op.responses {
                self.line(3);
                self.push("ResponseDef { status: ");
                match r.status {
                    Status::Code(c) => self.wrap("StatusDef::Code(", |w| w.num(c)),
                    Status::Range(d) => self.wrap("StatusDef::Range(", |w| w.num(d)),
                    Status::Default => self.push("StatusDef::Default"),
                }
                self.push(", media: ");
                self.media(&r.content, false);
                self.push(" },");
            }
            if !op.responses.is_empty() {
                self.line(2);
            }
            self.push("],");
            self.line(2);
            self.push("security: &[");
            for (i, set) in security_indexes(api, op).iter().enumerate() {
                if i > 0 {
                    self.push(", ");
                }
                self.push("&[");
                for (j, n) in set.iter().enumerate() {
                    if j > 0 {
                        self.push(", ");
                    }
                    self.num(n);
                }
                self.push("]");
            }
            self.push("], call: super::ops::");
            self.push(&super::ident(&op.name).to_string());
            self.push("::call },");
        }
        self.push("\n];\n");
    }

    /// `#[cfg(...)]` turning an entry on when any of `features` is on.
    fn cfg(&mut self, features: &[&str]) {
        match features {
            [one] => {
                self.push("#[cfg(feature = ");
                self.str(one);
                self.push(")]");
            }
            many => {
                self.push("#[cfg(any(");
                for (i, f) in many.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.push("feature = ");
                    self.str(f);
                }
                self.push("))]");
            }
        }
    }

    fn pattern_table(&mut self) {
        let patterns = std::mem::take(&mut self.patterns);
        self.push(
            "/// The spec's `pattern`s in `regex` syntax, compiled on first use; indexed by `Check::pattern`.\n\
             pub(crate) static PATTERNS: [Pattern; ",
        );
        self.num(patterns.len());
        self.push("] = [");
        for (source, t) in &patterns {
            self.line(1);
            self.push("Pattern::new(");
            self.str(source);
            self.push(", ");
            self.str(&t.regex);
            self.push(", ");
            self.strs(t.forbid.iter().map(String::as_str));
            self.push(", ");
            self.strs(t.require.iter().map(String::as_str));
            self.push("),");
        }
        self.push("\n];\n");
    }
}
