//! Building the IR from a loaded `openapiv3` document.
//!
//! Component schemas get their types first (in document order, so they keep
//! their natural names); inline schemas that need a name get one from their
//! context (`Parent` + property, `Operation` + `Request`…). Problems are
//! reported to [`Diagnostics`]; the builder never panics on spec data.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter as OaParameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use super::view::View;
use super::*;
use crate::diag::{join_pointer, Diagnostics};
use crate::load::Loaded;
use crate::naming;

/// Build the IR. Errors and warnings go to `diags`; the result is usable for
/// emission only when `diags` has no errors.
pub fn build(loaded: &Loaded, diags: &mut Diagnostics) -> Api {
    let mut b = Builder {
        doc: &loaded.doc,
        raw: &loaded.raw,
        diags,
        types: Vec::new(),
        by_pointer: BTreeMap::new(),
        type_names: naming::Scope::new(),
        in_progress: BTreeSet::new(),
        ref_depth: 0,
        pattern_errors: BTreeMap::new(),
        samples: BTreeMap::new(),
    };
    b.components();
    let operations = b.operations();
    b.webhooks();
    let security_schemes = b.security_schemes();
    let security = b.doc.security.as_ref().map(|s| b.security(s, "#/security", None)).unwrap_or_default();
    let info = &b.doc.info;
    let servers = b
        .doc
        .servers
        .iter()
        .map(|s| Server {
            url: s.url.clone(),
            description: s.description.clone(),
            variables: s
                .variables
                .iter()
                .flat_map(|m| m.iter())
                .map(|(name, v)| ServerVariable {
                    name: name.clone(),
                    default: v.default.clone(),
                    values: v.enumeration.clone(),
                    description: v.description.clone(),
                })
                .collect(),
        })
        .collect();
    let types = b
        .types
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            t.unwrap_or_else(|| TypeDef {
                id: TypeId(i as u32),
                name: format!("Unbuilt{i}"),
                origin: String::new(),
                pointer: String::new(),
                component: false,
                docs: Docs::default(),
                deprecated: false,
                nullable: false,
                kind: TypeKind::Alias(Ty::Any),
                constraints: Constraints::default(),
            })
        })
        .collect();
    Api {
        source: Source {
            file: loaded.file.clone(),
            sha256: loaded.sha256.clone(),
            openapi_version: loaded.openapi_version.clone(),
        },
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        servers,
        types,
        operations,
        security_schemes,
        security,
    }
}

struct Builder<'a> {
    doc: &'a OpenAPI,
    raw: &'a Value,
    diags: &'a mut Diagnostics,
    types: Vec<Option<TypeDef>>,
    /// Schema pointer → type, for `$ref` targets.
    by_pointer: BTreeMap<String, TypeId>,
    type_names: naming::Scope,
    /// allOf members being merged (guards against allOf cycles).
    in_progress: BTreeSet<String>,
    /// Nesting of non-component `$ref` targets being defined: bounds the
    /// recursion a long chain of references into nested definitions causes.
    ref_depth: usize,
    /// Why each pattern seen cannot be checked (`None`: it can). Large
    /// documents repeat a few patterns hundreds of times, and translating
    /// one compiles regexes.
    pattern_errors: BTreeMap<String, Option<String>>,
    /// String samples already made, by what they depend on.
    samples: BTreeMap<SampleKey, Option<String>>,
}

/// What [`string_sample`] depends on: pattern, format, lengths and the string examples.
type SampleKey = (Option<String>, Option<StringFormat>, Option<u64>, Option<u64>, Vec<String>);

/// Where a schema sits and what to call it if it needs a name.
#[derive(Clone)]
struct Ctx {
    hint: Vec<String>,
    pointer: String,
}

impl Ctx {
    fn child(&self, hint: &str, ptr_segment: &str) -> Ctx {
        let mut h = self.hint.clone();
        h.push(hint.to_string());
        Ctx { hint: h, pointer: join_pointer(&self.pointer, ptr_segment) }
    }

    fn at(&self, ptr: String) -> Ctx {
        Ctx { hint: self.hint.clone(), pointer: ptr }
    }
}

fn docs_of(data: &openapiv3::SchemaData) -> Docs {
    Docs {
        title: data.title.clone(),
        description: data.description.clone(),
        examples: data.example.iter().cloned().collect(),
    }
}

/// Docs plus what the Rust type cannot say itself: a set is kept as a `Vec`
/// (items need neither `Ord` nor `Hash`), so say that items are unique.
fn docs_of_view(v: &View) -> Docs {
    let mut docs = docs_of(v.data);
    if v.unique_items || v.format.as_deref() == Some("set") {
        let note = "Items are unique (a set); order is kept as sent.";
        docs.description = Some(match docs.description.take() {
            Some(d) => format!("{}\n\n{note}", d.trim_end()),
            None => note.to_string(),
        });
    }
    docs
}

/// A string satisfying `c`'s pattern, format and lengths: a spec example when
/// one does, else one made up for the format or generated from the pattern.
fn string_sample(c: &Constraints, examples: &[Value]) -> Option<String> {
    let translated = c.pattern.as_deref().and_then(|p| crate::pattern::translate(p).ok());
    let min = c.min_length.unwrap_or(0) as usize;
    let max = c.max_length.map(|m| m as usize);
    let fits = |s: &str| {
        let n = s.chars().count();
        n >= min
            && max.is_none_or(|m| n <= m)
            && c.format.is_none_or(|f| format_accepts(f, s))
            && translated.as_ref().is_none_or(|t| t.matches(s))
    };
    if let Some(s) = examples.iter().filter_map(Value::as_str).find(|s| fits(s)) {
        return Some(s.to_string());
    }
    let made_up = match c.format {
        Some(StringFormat::Email) => vec!["user@example.com", "a@b.co"],
        Some(StringFormat::Uri) => vec!["https://example.com", "http://a.co"],
        Some(StringFormat::Hostname) => vec!["example.com", "a.co"],
        Some(StringFormat::Ipv4) => vec!["192.0.2.1"],
        Some(StringFormat::Ipv6) => vec!["2001:db8::1"],
        None => vec!["string", "s"],
    };
    if let Some(s) = made_up.into_iter().find(|s| fits(s)) {
        return Some(s.to_string());
    }
    if let Some(t) = &translated {
        return crate::pattern::generate(t, min, max).filter(|s| fits(s));
    }
    if c.format.is_none() {
        let n = min.max(1).min(max.unwrap_or(usize::MAX));
        return Some("s".repeat(n)).filter(|s| fits(s));
    }
    None
}

/// Whether `s` is in `format` (the same checks the generated servers make).
pub fn format_accepts(format: StringFormat, s: &str) -> bool {
    match format {
        StringFormat::Email => match s.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty() && !domain.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        },
        StringFormat::Uri => {
            let scheme = s.split_once(':').map(|(scheme, _)| scheme).unwrap_or("");
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        StringFormat::Hostname => {
            !s.is_empty()
                && s.len() <= 253
                && s.trim_end_matches('.').split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        }
        StringFormat::Ipv4 => s.parse::<std::net::Ipv4Addr>().is_ok(),
        StringFormat::Ipv6 => s.parse::<std::net::Ipv6Addr>().is_ok(),
    }
}

fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

fn is_sensitive(wire: &str, data: Option<&openapiv3::SchemaData>, format: Option<&str>) -> bool {
    let marked = data.is_some_and(|d| {
        ["x-speakeasy-param-sensitive", "x-sdk-param-sensitive", "x-sensitive", "x-secret", "x-airbyte-secret"]
            .iter()
            .any(|k| d.extensions.get(*k).and_then(Value::as_bool) == Some(true))
    });
    let lower = wire.to_ascii_lowercase().replace(['-', '_'], "");
    marked
        || format == Some("password")
        || lower.contains("password")
        || lower.contains("secret")
        || lower.ends_with("token") && !lower.ends_with("nexttoken") && !lower.ends_with("pagetoken")
        || lower == "apikey"
        || lower == "authorization"
}

impl<'a> Builder<'a> {
    // ---- types -------------------------------------------------------------

    fn alloc(&mut self, hint: &[String], pointer: &str) -> TypeId {
        let segs: Vec<&str> = hint.iter().map(String::as_str).collect();
        let name = self.type_names.claim(&naming::type_name(&segs));
        let id = TypeId(self.types.len() as u32);
        self.types.push(Some(TypeDef {
            id,
            name,
            origin: hint.join("."),
            pointer: pointer.to_string(),
            component: false,
            docs: Docs::default(),
            deprecated: false,
            nullable: false,
            kind: TypeKind::Alias(Ty::Any),
            constraints: Constraints::default(),
        }));
        id
    }

    fn set(&mut self, id: TypeId, docs: Docs, deprecated: bool, nullable: bool, kind: TypeKind) {
        if let Some(Some(t)) = self.types.get_mut(id.index()) {
            t.docs = docs;
            t.deprecated = deprecated;
            t.nullable = nullable;
            t.kind = kind;
        }
    }

    fn set_constraints(&mut self, id: TypeId, constraints: Constraints) {
        if let Some(Some(t)) = self.types.get_mut(id.index()) {
            t.constraints = constraints;
        }
    }

    fn components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        let schemas = &components.schemas;
        let mut ids = Vec::new();
        for (name, s) in schemas {
            let ptr = join_pointer("#/components/schemas", name);
            let id = self.alloc(std::slice::from_ref(name), &ptr);
            if let Some(Some(t)) = self.types.get_mut(id.index()) {
                t.component = true;
                t.origin = name.clone();
                t.nullable = matches!(s, ReferenceOr::Item(s) if s.schema_data.nullable);
            }
            self.by_pointer.insert(ptr.clone(), id);
            ids.push((id, name.clone(), ptr));
        }
        for ((id, name, ptr), (_, s)) in ids.into_iter().zip(schemas.iter()) {
            let ctx = Ctx { hint: vec![name], pointer: ptr };
            self.define(id, s, &ctx);
        }
    }

    /// Fill type `id` from schema `s` (a component or a non-component `$ref` target).
    fn define(&mut self, id: TypeId, s: &ReferenceOr<Schema>, ctx: &Ctx) {
        match s {
            ReferenceOr::Reference { reference } => {
                let (ty, nullable) = self.reference(reference, ctx);
                self.set(id, Docs::default(), false, nullable, TypeKind::Alias(ty));
            }
            ReferenceOr::Item(schema) => {
                let v = View::of(schema);
                let mut nullable = v.data.nullable || v.enumeration.iter().any(Value::is_null);
                let kind = match self.kind_of(schema, &v, ctx) {
                    Shape::Kind(k) => k,
                    Shape::Ty(Ty::Option(inner)) => {
                        nullable = true;
                        TypeKind::Alias(*inner)
                    }
                    Shape::Ty(ty) => TypeKind::Alias(ty),
                };
                self.set(id, docs_of_view(&v), v.data.deprecated, nullable, kind);
                let c = self.constraints_of(&v, ctx);
                self.set_constraints(id, c);
            }
        }
    }

    /// The type a `$ref` names.
    fn reference(&mut self, reference: &str, ctx: &Ctx) -> (Ty, bool) {
        if let Some(id) = self.by_pointer.get(reference).copied() {
            let nullable = self.types[id.index()].as_ref().is_some_and(|t| t.nullable);
            return (Ty::Named(id), nullable);
        }
        // A reference outside components/schemas (into paths, nested definitions…).
        if self.ref_depth >= MAX_REF_DEPTH {
            self.diags
                .error(ctx.pointer.clone(), format!("`$ref` chain through `{reference}` is nested too deeply"))
                .with_help(format!(
                    "the generator follows at most {MAX_REF_DEPTH} nested references outside `components/schemas`; \
                     move the target into `components/schemas`"
                ));
            return (Ty::Any, false);
        }
        let Some(schema) = self.lookup::<ReferenceOr<Schema>>(reference, &ctx.pointer) else {
            return (Ty::Any, false);
        };
        let hint = vec![naming::camel_ident(ref_name(reference), "Type")];
        let id = self.alloc(&hint, reference);
        self.by_pointer.insert(reference.to_string(), id);
        if let ReferenceOr::Item(s) = &schema {
            if let Some(Some(t)) = self.types.get_mut(id.index()) {
                t.nullable = s.schema_data.nullable;
            }
        }
        self.ref_depth += 1;
        self.define(id, &schema, &Ctx { hint, pointer: reference.to_string() });
        self.ref_depth -= 1;
        let nullable = self.types[id.index()].as_ref().is_some_and(|t| t.nullable);
        (Ty::Named(id), nullable)
    }

    /// Resolve a local pointer in the raw document and read it as `T`.
    fn lookup<T: DeserializeOwned>(&mut self, reference: &str, from: &str) -> Option<T> {
        if !reference.starts_with("#/") && reference != "#" {
            // External or an anchor: the loader resolved it or reported why not.
            return None;
        }
        let Some(v) = crate::load::resolve_pointer(self.raw, reference) else {
            self.diags
                .error(from, format!("`$ref` points to nothing: `{reference}`"))
                .with_help("fix the reference, or add an overlay action in the spec's patch file that does");
            return None;
        };
        match serde_json::from_value::<T>(v.clone()) {
            Ok(t) => Some(t),
            Err(e) => {
                self.diags
                    .error(from, format!("`$ref` target `{reference}` is not the expected kind of object: {e}"))
                    .with_help("point the reference at an object of the kind used here (a parameter, a response…)");
                None
            }
        }
    }

    /// A use site: the shape to hold, and whether `null` is allowed.
    fn ty_of(&mut self, s: &ReferenceOr<Schema>, ctx: &Ctx) -> (Ty, bool) {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ctx),
            ReferenceOr::Item(schema) => self.inline(schema, ctx),
        }
    }

    fn ty_of_boxed(&mut self, s: &ReferenceOr<Box<Schema>>, ctx: &Ctx) -> (Ty, bool) {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ctx),
            ReferenceOr::Item(schema) => self.inline(schema, ctx),
        }
    }

    fn inline(&mut self, schema: &Schema, ctx: &Ctx) -> (Ty, bool) {
        let v = View::of(schema);
        let nullable = v.data.nullable || v.enumeration.iter().any(Value::is_null);
        if !self.needs_name(&v) {
            return match self.kind_of(schema, &v, ctx) {
                Shape::Ty(Ty::Option(inner)) => (*inner, true),
                Shape::Ty(ty) => (ty, nullable),
                // needs_name and kind_of agree; this arm keeps the builder total.
                Shape::Kind(kind) => {
                    let id = self.alloc(&ctx.hint, &ctx.pointer);
                    self.set(id, docs_of(v.data), v.data.deprecated, nullable, kind);
                    (Ty::Named(id), nullable)
                }
            };
        }
        let id = self.alloc(&ctx.hint, &ctx.pointer);
        let kind = match self.kind_of(schema, &v, ctx) {
            Shape::Kind(k) => k,
            Shape::Ty(t) => TypeKind::Alias(t),
        };
        self.set(id, docs_of(v.data), v.data.deprecated, nullable, kind);
        let c = self.constraints_of(&v, ctx);
        self.set_constraints(id, c);
        (Ty::Named(id), nullable)
    }

    /// The constraints a use site adds: an inline schema's own (a `$ref` or a
    /// named inline type carries them on its type instead).
    fn use_constraints(&mut self, s: &ReferenceOr<Schema>, ctx: &Ctx) -> Constraints {
        match s {
            ReferenceOr::Reference { .. } => Constraints::default(),
            ReferenceOr::Item(schema) => self.inline_constraints(schema, ctx),
        }
    }

    fn use_constraints_boxed(&mut self, s: &ReferenceOr<Box<Schema>>, ctx: &Ctx) -> Constraints {
        match s {
            ReferenceOr::Reference { .. } => Constraints::default(),
            ReferenceOr::Item(schema) => self.inline_constraints(schema, ctx),
        }
    }

    fn inline_constraints(&mut self, schema: &Schema, ctx: &Ctx) -> Constraints {
        let v = View::of(schema);
        if self.needs_name(&v) {
            return Constraints::default();
        }
        self.constraints_of(&v, ctx)
    }

    /// The validation keywords of one schema (not of what it references).
    fn constraints_of(&mut self, v: &View, ctx: &Ctx) -> Constraints {
        let mut c = Constraints {
            minimum: v.minimum,
            exclusive_minimum: v.exclusive_minimum && v.minimum.is_some(),
            maximum: v.maximum,
            exclusive_maximum: v.exclusive_maximum && v.maximum.is_some(),
            multiple_of: v.multiple_of.filter(|m| *m > 0.0),
            min_length: v.min_length.map(|n| n as u64),
            max_length: v.max_length.map(|n| n as u64),
            min_items: v.min_items.map(|n| n as u64),
            max_items: v.max_items.map(|n| n as u64),
            unique_items: v.unique_items,
            min_properties: v.min_properties.map(|n| n as u64),
            max_properties: v.max_properties.map(|n| n as u64),
            ..Constraints::default()
        };
        if let Some(p) = v.pattern {
            let error =
                self.pattern_errors.entry(p.to_string()).or_insert_with(|| crate::pattern::translate(p).err()).clone();
            match error {
                None => c.pattern = Some(p.to_string()),
                Some(e) => {
                    self.diags
                        .warning(
                            join_pointer(&ctx.pointer, "pattern"),
                            format!("`pattern` {p:?} cannot be checked ({e}); servers skip it"),
                        )
                        .with_help("rewrite it without that construct, in an overlay for a vendored spec");
                }
            }
        }
        if matches!(v.typ, Some("string") | None) {
            c.format = v.format.as_deref().and_then(StringFormat::parse);
        }
        let has_object_shape = v.has_properties() || v.typ == Some("object");
        c.closed = has_object_shape && matches!(v.additional, Some(AdditionalProperties::Any(false)));
        let string_enum =
            v.enumeration.iter().all(|e| e.is_string() || e.is_null()) && v.enumeration.iter().any(Value::is_string);
        if !string_enum {
            c.values = v.enumeration.iter().filter(|e| !e.is_null()).cloned().collect();
        }
        if let Some(items) = v.items {
            let ic = self.use_constraints_boxed(items, &ctx.child("Item", "items"));
            if !ic.is_empty() {
                c.items = Some(Box::new(ic));
            }
        }
        if let Some(AdditionalProperties::Schema(s)) = v.additional {
            let ac = self.use_constraints(s, &ctx.child("Value", "additionalProperties"));
            if !ac.is_empty() {
                c.additional = Some(Box::new(ac));
            }
        }
        if c.pattern.is_some() || c.format.is_some() || c.min_length.is_some() || c.max_length.is_some() {
            let examples = docs_of(v.data).examples;
            let key: SampleKey = (
                c.pattern.clone(),
                c.format,
                c.min_length,
                c.max_length,
                examples.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            );
            c.sample = match self.samples.get(&key) {
                Some(sample) => sample.clone(),
                None => {
                    let sample = string_sample(&c, &examples);
                    self.samples.insert(key, sample.clone());
                    sample
                }
            };
            if c.sample.is_none() {
                self.diags.warning(
                    ctx.pointer.clone(),
                    "no sample string satisfies this schema's pattern, format and lengths; mock servers send one that may not",
                );
            }
        }
        c
    }

    /// Whether an inline schema becomes its own named type.
    fn needs_name(&self, v: &View) -> bool {
        if !v.all_of.is_empty() {
            return !self.is_alias_all_of(v);
        }
        let union = if v.one_of.is_empty() { v.any_of } else { v.one_of };
        if !union.is_empty() {
            return union.len() > 1 || v.has_properties() || v.data.discriminator.is_some();
        }
        if !v.enumeration.is_empty() {
            return v.enumeration.iter().all(|e| e.is_string() || e.is_null())
                && v.enumeration.iter().any(Value::is_string);
        }
        v.has_properties() || matches!(v.additional, Some(AdditionalProperties::Any(false)))
    }

    /// `allOf: [X]` (plus annotations) is just `X` with other docs.
    fn is_alias_all_of(&self, v: &View) -> bool {
        let shaped = v
            .all_of
            .iter()
            .filter(|m| match m {
                ReferenceOr::Reference { .. } => true,
                ReferenceOr::Item(s) => !View::of(s).is_annotation_only(),
            })
            .count();
        shaped == 1
            && !v.has_properties()
            && v.one_of.is_empty()
            && v.any_of.is_empty()
            && v.additional.is_none()
            && v.enumeration.is_empty()
            && v.items.is_none()
    }

    fn kind_of(&mut self, schema: &Schema, v: &View, ctx: &Ctx) -> Shape {
        if !v.all_of.is_empty() {
            if self.is_alias_all_of(v) {
                for (i, m) in v.all_of.iter().enumerate() {
                    let shaped = match m {
                        ReferenceOr::Reference { .. } => true,
                        ReferenceOr::Item(s) => !View::of(s).is_annotation_only(),
                    };
                    if shaped {
                        // The member's own nullability travels with the alias.
                        let (ty, nullable) = self.ty_of(m, &ctx.at(format!("{}/allOf/{i}", ctx.pointer)));
                        return Shape::Ty(wrap_option(ty, nullable));
                    }
                }
            }
            return Shape::Kind(TypeKind::Struct(self.merge_all_of(schema, ctx)));
        }
        let (union, kind) =
            if !v.one_of.is_empty() { (v.one_of, UnionKind::OneOf) } else { (v.any_of, UnionKind::AnyOf) };
        if !union.is_empty() {
            if v.has_properties() {
                // Declared properties next to a union: a struct with the union flattened in.
                return Shape::Kind(TypeKind::Struct(self.merge_all_of(schema, ctx)));
            }
            if union.len() == 1 && v.data.discriminator.is_none() {
                let member_kw = if kind == UnionKind::OneOf { "oneOf" } else { "anyOf" };
                let (ty, _) = self.ty_of(&union[0], &ctx.at(format!("{}/{member_kw}/0", ctx.pointer)));
                return Shape::Ty(ty);
            }
            return Shape::Kind(self.union(v, union, kind, ctx));
        }
        if !v.enumeration.is_empty() {
            let strings: Vec<&str> = v.enumeration.iter().filter_map(Value::as_str).collect();
            let all_strings = v.enumeration.iter().all(|e| e.is_string() || e.is_null());
            if all_strings && !strings.is_empty() {
                let mut seen = BTreeSet::new();
                let unique: Vec<&str> = strings.into_iter().filter(|s| seen.insert(*s)).collect();
                let (names, catch_all) = naming::enum_variant_names(&unique);
                let variants = names
                    .into_iter()
                    .zip(unique)
                    .map(|(name, wire)| EnumVariant { name, wire: wire.to_string() })
                    .collect();
                return Shape::Kind(TypeKind::Enum(StringEnum { variants, catch_all }));
            }
            // Integer, boolean and mixed enums: the base type, with values documented.
            let base = if v.enumeration.iter().all(|e| e.is_i64() || e.is_u64() || e.is_null()) {
                self.primitive(v, ctx)
            } else if v.enumeration.iter().all(|e| e.is_boolean() || e.is_null()) {
                Ty::Bool
            } else if v.enumeration.iter().all(|e| e.is_number() || e.is_null()) {
                Ty::Float(FloatKind::F64)
            } else {
                Ty::Any
            };
            return Shape::Ty(base);
        }
        if v.has_properties() || (v.typ.is_none() && v.additional.is_some()) || v.typ == Some("object") {
            if v.has_properties() || matches!(v.additional, Some(AdditionalProperties::Any(false))) {
                return Shape::Kind(TypeKind::Struct(self.merge_all_of(schema, ctx)));
            }
            return Shape::Ty(self.map_of(v, ctx));
        }
        Shape::Ty(self.primitive(v, ctx))
    }

    fn map_of(&mut self, v: &View, ctx: &Ctx) -> Ty {
        match v.additional {
            Some(AdditionalProperties::Schema(s)) => {
                let (ty, nullable) = self.ty_of(s, &ctx.child("Value", "additionalProperties"));
                if ty == Ty::Any && !nullable {
                    return Ty::Object;
                }
                Ty::Map(Box::new(wrap_option(ty, nullable)))
            }
            _ => Ty::Object,
        }
    }

    fn primitive(&mut self, v: &View, ctx: &Ctx) -> Ty {
        let format = v.format.as_deref();
        match v.typ {
            Some("string") => match format {
                Some("uuid") => Ty::Uuid,
                Some("date-time") => Ty::DateTime,
                Some("date") => Ty::Date,
                Some("byte") => Ty::Base64,
                Some("binary") => Ty::Binary,
                _ => Ty::String,
            },
            Some("integer") => Ty::Int(int_kind(format)),
            Some("number") => match format {
                Some("float") => Ty::Float(FloatKind::F32),
                Some("int32" | "int64" | "int8" | "int16" | "uint8" | "uint16" | "uint32" | "uint64") => {
                    Ty::Int(int_kind(format))
                }
                _ => Ty::Float(FloatKind::F64),
            },
            Some("boolean") => Ty::Bool,
            Some("array") => self.array(v, ctx),
            Some("object") => self.map_of(v, ctx),
            Some(other) => {
                self.diags
                    .warning(ctx.pointer.clone(), format!("unknown type `{other}`; using a free-form JSON value"));
                Ty::Any
            }
            None if v.items.is_some() => self.array(v, ctx),
            None => Ty::Any,
        }
    }

    fn array(&mut self, v: &View, ctx: &Ctx) -> Ty {
        match v.items {
            Some(items) => {
                let (ty, nullable) = self.ty_of_boxed(items, &ctx.child("Item", "items"));
                Ty::Array(Box::new(wrap_option(ty, nullable)))
            }
            None => Ty::Array(Box::new(Ty::Any)),
        }
    }

    fn union(&mut self, v: &View, members: &[ReferenceOr<Schema>], kind: UnionKind, ctx: &Ctx) -> TypeKind {
        let kw = if kind == UnionKind::OneOf { "oneOf" } else { "anyOf" };
        let mut scope = naming::Scope::new();
        let parent = naming::type_name(&ctx.hint.iter().map(String::as_str).collect::<Vec<_>>());
        let mut variants = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let hint = variant_hint(m, i);
            let mctx = ctx.child(&hint, &format!("{kw}/{i}"));
            let mctx = Ctx { pointer: format!("{}/{kw}/{i}", ctx.pointer), ..mctx };
            let (ty, nullable) = self.ty_of(m, &mctx);
            let constraints = self.use_constraints(m, &mctx);
            let name = scope.claim(&naming::variant_name(&parent, &hint));
            variants.push((name, wrap_option(ty, nullable), m, constraints));
        }
        if let Some(disc) = &v.data.discriminator {
            let property = disc.property_name.clone();
            let mut tagged = Vec::new();
            let mut fallback = false;
            let mut mapped: BTreeSet<&str> = BTreeSet::new();
            for (name, ty, m, _) in &variants {
                let mut tags = Vec::new();
                if let ReferenceOr::Reference { reference } = m {
                    for (tag, target) in &disc.mapping {
                        let full = if target.starts_with('#') {
                            target.clone()
                        } else {
                            format!("#/components/schemas/{target}")
                        };
                        if &full == reference {
                            tags.push(tag.clone());
                            mapped.insert(tag.as_str());
                        }
                    }
                    if tags.is_empty() {
                        tags.push(ref_name(reference).to_string());
                    }
                    fallback |= !self.check_discriminator_property(reference, &property, ctx);
                } else if let ReferenceOr::Item(s) = m {
                    match const_property(s, &property) {
                        Some(tag) => tags.push(tag),
                        None => {
                            self.diags.warning(
                                ctx.pointer.clone(),
                                format!("inline `{kw}` member `{name}` has no single-valued `{property}`; using `{name}` as its tag, and decoding a value without the tag as the first member that accepts it"),
                            );
                            fallback = true;
                            tags.push(name.clone());
                        }
                    }
                }
                tagged.push(TaggedVariant { name: name.clone(), tags, ty: ty.clone() });
            }
            for (tag, target) in &disc.mapping {
                if !mapped.contains(tag.as_str()) {
                    let full =
                        if target.starts_with('#') { target.clone() } else { format!("#/components/schemas/{target}") };
                    let what = if crate::load::resolve_pointer(self.raw, &full).is_none() {
                        "a schema that does not exist"
                    } else {
                        "a schema that is not a member of the union"
                    };
                    self.diags.warning(
                        join_pointer(&format!("{}/discriminator/mapping", ctx.pointer), tag),
                        format!("discriminator mapping `{tag}` points to {what}: `{target}`; ignored"),
                    );
                }
            }
            let catch_all = scope.claim("Unknown");
            return TypeKind::Tagged(Tagged { property, variants: tagged, catch_all, untagged_fallback: fallback });
        }
        if kind == UnionKind::OneOf {
            if let Some((property, tags)) = self.implicit_discriminator(members) {
                self.diags.note(
                    ctx.pointer.clone(),
                    format!(
                        "`oneOf` members each fix `{property}` to a distinct value; decoded as a union tagged by it"
                    ),
                );
                let variants = variants
                    .into_iter()
                    .zip(tags)
                    .map(|((name, ty, _, _), tag)| TaggedVariant { name, tags: vec![tag], ty })
                    .collect();
                let catch_all = scope.claim("Unknown");
                return TypeKind::Tagged(Tagged { property, variants, catch_all, untagged_fallback: false });
            }
        }
        // Catch-alls go last: untagged decoding takes the first variant that fits.
        let mut vs: Vec<Variant> =
            variants.into_iter().map(|(name, ty, _, constraints)| Variant { name, ty, constraints }).collect();
        vs.sort_by_key(|v| matches!(v.ty, Ty::Any | Ty::Object));
        TypeKind::Untagged(Untagged { kind, variants: vs })
    }

    /// A property that every member requires and pins to one string value,
    /// distinct per member: a discriminator the spec did not declare.
    fn implicit_discriminator(&self, members: &[ReferenceOr<Schema>]) -> Option<(String, Vec<String>)> {
        if members.len() < 2 {
            return None;
        }
        let objects: Vec<&serde_json::Map<String, Value>> = members
            .iter()
            .map(|m| match m {
                ReferenceOr::Reference { reference } => {
                    crate::load::resolve_pointer(self.raw, reference).and_then(Value::as_object)
                }
                ReferenceOr::Item(_) => None,
            })
            .collect::<Option<_>>()?;
        let first = objects[0].get("required")?.as_array()?;
        'candidates: for candidate in first.iter().filter_map(Value::as_str) {
            let mut tags = Vec::new();
            for obj in &objects {
                let required = obj.get("required").and_then(Value::as_array);
                if !required.is_some_and(|r| r.iter().any(|x| x == candidate)) {
                    continue 'candidates;
                }
                let mut prop = obj.get("properties").and_then(|p| p.get(candidate));
                if let Some(r) = prop.and_then(|p| p.get("$ref")).and_then(Value::as_str) {
                    prop = crate::load::resolve_pointer(self.raw, r);
                }
                match prop.and_then(|p| p.get("enum")).and_then(Value::as_array).map(Vec::as_slice) {
                    Some([Value::String(tag)]) if !tags.contains(tag) => tags.push(tag.clone()),
                    _ => continue 'candidates,
                }
            }
            return Some((candidate.to_string(), tags));
        }
        None
    }

    /// Whether union member `reference` declares the discriminator as a
    /// required string (itself or through `allOf`). When it does not, values
    /// of it may lack a readable tag: a warning says so and the caller falls
    /// back to untagged decoding for such values, rather than refusing the
    /// document over what still decodes.
    fn check_discriminator_property(&mut self, reference: &str, property: &str, ctx: &Ctx) -> bool {
        let Some(target) = crate::load::resolve_pointer(self.raw, reference) else {
            return true;
        };
        let mut found = TagProperty::default();
        tag_property(self.raw, target, property, 0, &mut BTreeSet::new(), &mut found);
        let problem = match (found.declared, found.required, found.string) {
            (false, _, _) => "does not declare it",
            (true, false, _) => "declares it optional",
            (true, true, false) => "declares it with a type other than string",
            (true, true, true) => return true,
        };
        self.diags
            .warning(
                format!("{}/discriminator/propertyName", ctx.pointer),
                format!(
                    "discriminator property `{property}`: union member `{reference}` {problem}; a value with a string \
                     `{property}` is decoded by its tag, one without as the first member that accepts it"
                ),
            )
            .with_help(format!("declare `{property}` as a required string in `{reference}`"));
        false
    }

    /// Properties of a schema and everything it `allOf`-includes, in order;
    /// unions met on the way are flattened into the struct.
    fn merge_all_of(&mut self, schema: &Schema, ctx: &Ctx) -> Struct {
        let mut acc = Merge::default();
        self.collect(schema, ctx, &mut acc, 0);
        let mut out = Struct::default();
        let wire: Vec<&str> = acc.props.keys().map(String::as_str).collect();
        let mut reserved: Vec<&str> = Vec::new();
        if acc.additional.is_some() {
            reserved.push("additional_properties");
        }
        let names = naming::field_names(&wire, &reserved);
        let mut scope = naming::Scope::with_reserved(&names.iter().map(|s| naming::unraw(s)).collect::<Vec<_>>());
        for ((wire, (prop, pctx)), name) in acc.props.iter().zip(names) {
            let (ty, nullable) = self.ty_of_boxed(prop, pctx);
            let constraints = self.use_constraints_boxed(prop, pctx);
            let (data, format, docs) = match prop {
                ReferenceOr::Item(s) => {
                    let v = View::of(s);
                    (Some(s.schema_data.clone()), v.format.clone(), docs_of_view(&v))
                }
                ReferenceOr::Reference { .. } => (None, None, Docs::default()),
            };
            out.fields.push(Field {
                name,
                wire: wire.clone(),
                ty,
                required: acc.required.contains(wire),
                nullable,
                default: data.as_ref().and_then(|d| d.default.clone()),
                docs,
                deprecated: data.as_ref().is_some_and(|d| d.deprecated),
                read_only: data.as_ref().is_some_and(|d| d.read_only),
                write_only: data.as_ref().is_some_and(|d| d.write_only),
                sensitive: is_sensitive(wire, data.as_ref(), format.as_deref()),
                constraints,
            });
        }
        for req in &acc.required {
            if !acc.props.contains_key(req) && acc.additional.is_none() {
                self.diags.warning(
                    ctx.pointer.clone(),
                    format!("`required` lists `{req}`, which is not a property; ignored"),
                );
            }
        }
        for (ty, nullable) in acc.unions {
            let name = scope.claim("variant");
            out.flattened.push(Field {
                name,
                wire: String::new(),
                ty,
                required: true,
                nullable,
                default: None,
                docs: Docs::default(),
                deprecated: false,
                read_only: false,
                write_only: false,
                sensitive: false,
                constraints: Constraints::default(),
            });
        }
        out.additional = acc.additional;
        out
    }

    fn collect(&mut self, schema: &Schema, ctx: &Ctx, acc: &mut Merge, depth: usize) {
        if depth > 64 {
            self.diags
                .error(ctx.pointer.clone(), "`allOf` nesting deeper than 64 levels")
                .with_help("flatten the `allOf` chain; the generator stops at 64 levels");
            return;
        }
        let v = View::of(schema);
        for (i, m) in v.all_of.iter().enumerate() {
            let mptr = format!("{}/allOf/{i}", ctx.pointer);
            match m {
                ReferenceOr::Reference { reference } => {
                    if !self.in_progress.insert(reference.clone()) {
                        self.diags
                            .error(mptr, format!("`allOf` includes itself through `{reference}`"))
                            .with_help("remove the `allOf` member that leads back to this schema");
                        continue;
                    }
                    // Included already (a diamond): merging again adds nothing
                    // and would make diamonds cost exponential time.
                    if !acc.merged.insert(reference.clone()) {
                        self.in_progress.remove(reference);
                        continue;
                    }
                    if let Some(target) = self.lookup::<ReferenceOr<Schema>>(reference, &mptr) {
                        match target {
                            ReferenceOr::Item(s) => {
                                let hint = vec![ref_name(reference).to_string()];
                                self.collect(&s, &Ctx { hint, pointer: reference.clone() }, acc, depth + 1)
                            }
                            ReferenceOr::Reference { reference: inner } => {
                                let wrapper = Schema {
                                    schema_data: Default::default(),
                                    schema_kind: openapiv3::SchemaKind::AllOf {
                                        all_of: vec![ReferenceOr::Reference { reference: inner }],
                                    },
                                };
                                self.collect(&wrapper, &ctx.at(mptr), acc, depth + 1)
                            }
                        }
                    }
                    self.in_progress.remove(reference);
                }
                ReferenceOr::Item(s) => self.collect(s, &ctx.at(mptr), acc, depth + 1),
            }
        }
        if let Some(props) = v.properties {
            for (name, p) in props {
                let pctx = ctx.child(name, &format!("properties/{}", crate::diag::escape_pointer(name)));
                let pctx = Ctx { pointer: join_pointer(&format!("{}/properties", ctx.pointer), name), ..pctx };
                if let Some((old, old_ctx)) = acc.props.get(name) {
                    if schema_type(old) != schema_type(p) {
                        self.diags.warning(
                            pctx.pointer.clone(),
                            format!(
                                "property `{name}` is also defined at {} with another type; the later definition wins",
                                old_ctx.pointer
                            ),
                        );
                    }
                }
                acc.props.insert(name.clone(), (p.clone(), Ctx { hint: acc_hint(&acc.hint, ctx, name), ..pctx }));
            }
        }
        for r in v.required {
            if !acc.required.contains(r) {
                acc.required.push(r.clone());
            }
        }
        match v.additional {
            Some(AdditionalProperties::Schema(s)) => {
                let (ty, nullable) = self.ty_of(s, &ctx.child("Value", "additionalProperties"));
                acc.additional = Some(wrap_option(ty, nullable));
            }
            Some(AdditionalProperties::Any(true)) => acc.additional = Some(Ty::Any),
            _ => {}
        }
        let (union, kw) = if !v.one_of.is_empty() { (v.one_of, "oneOf") } else { (v.any_of, "anyOf") };
        if !union.is_empty() {
            // A union inside a struct: name it after the struct and flatten it.
            let uctx = ctx.child("Variant", kw);
            let kind = if kw == "oneOf" { UnionKind::OneOf } else { UnionKind::AnyOf };
            let id = self.alloc(&uctx.hint, &format!("{}/{kw}", ctx.pointer));
            let k = self.union(&v, union, kind, &ctx.at(ctx.pointer.clone()));
            self.set(id, Docs::default(), false, false, k);
            acc.unions.push((Ty::Named(id), false));
        }
        if acc.hint.is_empty() {
            acc.hint = ctx.hint.clone();
        }
    }

    // ---- operations --------------------------------------------------------

    fn operations(&mut self) -> Vec<Operation> {
        let mut ops = Vec::new();
        let paths: Vec<(String, ReferenceOr<openapiv3::PathItem>)> =
            self.doc.paths.paths.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (path, item) in paths {
            let item_ptr = join_pointer("#/paths", &path);
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { reference } => {
                    match self.lookup::<openapiv3::PathItem>(&reference, &item_ptr) {
                        Some(i) => i,
                        None => continue,
                    }
                }
            };
            for (method, m, op) in item_operations(&item) {
                if let Some(op) = op {
                    let ptr = format!("{item_ptr}/{m}");
                    if let Some(o) = self.operation(method, &path, &ptr, op, &item.parameters) {
                        ops.push(o);
                    }
                }
            }
        }
        // Names: operationIds must be unique; method names are unique after snake-casing.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for o in &ops {
            if let Some(first) = seen.get(&o.id) {
                self.diags
                    .error(o.pointer.clone(), format!("duplicate operationId `{}` (first used at {first})", o.id))
                    .with_operation(o.id.clone())
                    .with_help("operationIds must be unique; rename one (in an overlay for a vendored spec)");
            } else {
                seen.insert(o.id.clone(), o.pointer.clone());
            }
        }
        let ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
        let names = naming::method_names(&ids, crate::RESERVED_METHOD_NAMES);
        for (o, n) in ops.iter_mut().zip(names) {
            o.name = n;
        }
        ops
    }

    /// Webhooks (3.1) are requests the API sends to its users, so they get
    /// no client method and no route in the server crate; their payload and
    /// response types are built like an operation's (so inline schemas get
    /// named types), and each webhook is reported, never silently dropped.
    fn webhooks(&mut self) {
        let Some(Value::Object(hooks)) = self.raw.get("webhooks") else { return };
        for (name, item) in hooks {
            let item_ptr = join_pointer("#/webhooks", name);
            let item = match item.get("$ref").and_then(Value::as_str) {
                Some(reference) => self.lookup::<openapiv3::PathItem>(reference, &item_ptr),
                // The loader reported a malformed one.
                None => serde_json::from_value::<openapiv3::PathItem>(item.clone()).ok(),
            };
            let Some(item) = item else { continue };
            for (method, m, op) in item_operations(&item) {
                let Some(op) = op else { continue };
                let ptr = format!("{item_ptr}/{m}");
                let Some(o) = self.operation(method, name, &ptr, op, &item.parameters) else { continue };
                let mut types: Vec<String> = Vec::new();
                let bodies =
                    o.request_body.iter().flat_map(|b| &b.content).chain(o.responses.iter().flat_map(|r| &r.content));
                for ty in bodies.filter_map(|m| m.ty.as_ref()) {
                    if let Ty::Named(id) = ty {
                        if let Some(Some(t)) = self.types.get(id.index()) {
                            if !types.contains(&t.name) {
                                types.push(t.name.clone());
                            }
                        }
                    }
                }
                let payload = if types.is_empty() {
                    "it has no named payload type".to_string()
                } else {
                    format!(
                        "its payload types are generated ({})",
                        types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                    )
                };
                self.diags
                    .warning(
                        ptr,
                        format!("webhook `{name}` ({method}) is a request the API sends, not one it serves: no client method or server route is generated; {payload}"),
                    )
                    .with_operation(o.id.clone());
            }
        }
    }

    fn operation(
        &mut self,
        method: Method,
        path: &str,
        ptr: &str,
        op: &openapiv3::Operation,
        path_params: &[ReferenceOr<OaParameter>],
    ) -> Option<Operation> {
        let (id, id_synthesized) = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => (id.clone(), false),
            _ => (naming::synthesize_operation_id(method.as_str(), path), true),
        };
        let type_stem = naming::type_name(&[&id]);
        let ctx = Ctx { hint: vec![type_stem.clone()], pointer: ptr.to_string() };

        // Operation-level parameters override path-level ones with the same name and location.
        let mut params: IndexMap<(String, ParamLocation), (OaParameter, String)> = IndexMap::new();
        for (list, base) in [
            (path_params, ptr.rsplit_once('/').map_or(ptr, |p| p.0).to_string()),
            (&op.parameters[..], ptr.to_string()),
        ] {
            for (i, p) in list.iter().enumerate() {
                let pptr = format!("{base}/parameters/{i}");
                let p = match p {
                    ReferenceOr::Item(p) => p.clone(),
                    ReferenceOr::Reference { reference } => match self.lookup::<OaParameter>(reference, &pptr) {
                        Some(p) => p,
                        None => continue,
                    },
                };
                let loc = match &p {
                    OaParameter::Query { .. } => ParamLocation::Query,
                    OaParameter::Header { .. } => ParamLocation::Header,
                    OaParameter::Path { .. } => ParamLocation::Path,
                    OaParameter::Cookie { .. } => ParamLocation::Cookie,
                };
                params.insert((p.parameter_data_ref().name.clone(), loc), (p, pptr));
            }
        }
        let template: Vec<String> = path_template_vars(path);
        let mut parameters = Vec::new();
        let wire: Vec<&str> = params.keys().map(|(n, _)| n.as_str()).collect();
        let names = naming::field_names(&wire, &[]);
        for (((wire, loc), (p, pptr)), name) in params.iter().zip(names) {
            let data = p.parameter_data_ref();
            if *loc == ParamLocation::Path && !template.contains(wire) {
                self.diags
                    .error(pptr.clone(), format!("path parameter `{wire}` does not appear in the path `{path}`"))
                    .with_operation(id.clone())
                    .with_help(format!("add `{{{wire}}}` to the path or remove the parameter"));
                continue;
            }
            if *loc == ParamLocation::Path && !data.required {
                self.diags
                    .warning(
                        pptr.clone(),
                        format!("path parameter `{wire}` is not marked required; treated as required"),
                    )
                    .with_operation(id.clone());
            }
            let pctx = Ctx { hint: vec![type_stem.clone(), wire.clone()], pointer: format!("{pptr}/schema") };
            let mut constraints = Constraints::default();
            let (ty, nullable, schema_data, format) = match &data.format {
                ParameterSchemaOrContent::Schema(s) => {
                    let (ty, nullable) = self.ty_of(s, &pctx);
                    constraints = self.use_constraints(s, &pctx);
                    let (sd, f) = match s {
                        ReferenceOr::Item(s) => (Some(s.schema_data.clone()), View::of(s).format),
                        _ => (None, None),
                    };
                    (ty, nullable, sd, f)
                }
                ParameterSchemaOrContent::Content(content) => {
                    // Content-encoded parameters (usually JSON in a query string).
                    match content.iter().next().and_then(|(_, m)| m.schema.as_ref()) {
                        Some(s) => {
                            let (ty, nullable) = self.ty_of(s, &pctx);
                            (ty, nullable, None, None)
                        }
                        None => (Ty::String, false, None, None),
                    }
                }
            };
            let (style, explode_default) = match p {
                OaParameter::Query { style, .. } => match style {
                    QueryStyle::Form => ("form", true),
                    QueryStyle::SpaceDelimited => ("spaceDelimited", false),
                    QueryStyle::PipeDelimited => ("pipeDelimited", false),
                    QueryStyle::DeepObject => ("deepObject", true),
                },
                OaParameter::Header { .. } => ("simple", false),
                OaParameter::Path { style, .. } => match style {
                    openapiv3::PathStyle::Matrix => ("matrix", false),
                    openapiv3::PathStyle::Label => ("label", false),
                    openapiv3::PathStyle::Simple => ("simple", false),
                },
                OaParameter::Cookie { .. } => ("form", true),
            };
            let mut docs = Docs { title: None, description: data.description.clone(), examples: Vec::new() };
            docs.examples.extend(data.example.iter().cloned());
            parameters.push(Parameter {
                wire: wire.clone(),
                name,
                location: *loc,
                required: data.required || *loc == ParamLocation::Path,
                ty,
                nullable,
                style: style.to_string(),
                explode: data.explode.unwrap_or(explode_default),
                default: schema_data.as_ref().and_then(|d| d.default.clone()),
                docs,
                deprecated: data.deprecated.unwrap_or(false),
                sensitive: is_sensitive(wire, schema_data.as_ref(), format.as_deref())
                    || ["x-speakeasy-param-sensitive", "x-sdk-param-sensitive"]
                        .iter()
                        .any(|k| data.extensions.get(*k).and_then(Value::as_bool) == Some(true)),
                constraints,
            });
        }
        for var in &template {
            if !parameters.iter().any(|p| p.location == ParamLocation::Path && &p.wire == var) {
                self.diags
                    .warning(
                        ptr.to_string(),
                        format!("path variable `{{{var}}}` has no parameter; treated as a required string"),
                    )
                    .with_operation(id.clone());
                let taken: Vec<String> = parameters.iter().map(|p| naming::unraw(&p.name).to_string()).collect();
                let mut scope = naming::Scope::with_reserved(&taken.iter().map(String::as_str).collect::<Vec<_>>());
                parameters.push(Parameter {
                    wire: var.clone(),
                    name: scope.claim(&naming::snake_ident(var, "param")),
                    location: ParamLocation::Path,
                    required: true,
                    ty: Ty::String,
                    nullable: false,
                    style: "simple".into(),
                    explode: false,
                    default: None,
                    docs: Docs::default(),
                    deprecated: false,
                    sensitive: false,
                    constraints: Constraints::default(),
                });
            }
        }

        let request_body = match &op.request_body {
            None => None,
            Some(rb) => {
                let rptr = format!("{ptr}/requestBody");
                let body = match rb {
                    ReferenceOr::Item(b) => Some(b.clone()),
                    ReferenceOr::Reference { reference } => self.lookup::<openapiv3::RequestBody>(reference, &rptr),
                };
                body.map(|b| RequestBody {
                    required: b.required,
                    description: b.description.clone(),
                    content: self.content(&b.content, &ctx.child("Request", "requestBody"), &format!("{rptr}/content")),
                })
            }
        };

        let mut responses = Vec::new();
        let mut raw_responses: Vec<(Status, &ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                (
                    match code {
                        openapiv3::StatusCode::Code(c) => Status::Code(*c),
                        openapiv3::StatusCode::Range(r) => Status::Range(*r as u8),
                    },
                    r,
                )
            })
            .collect();
        if let Some(d) = &op.responses.default {
            raw_responses.push((Status::Default, d));
        }
        let success_count = raw_responses.iter().filter(|(s, _)| s.is_success()).count();
        for (status, r) in raw_responses {
            let rptr = join_pointer(&format!("{ptr}/responses"), &status.to_string());
            let resp = match r {
                ReferenceOr::Item(r) => Some(r.clone()),
                ReferenceOr::Reference { reference } => self.lookup::<openapiv3::Response>(reference, &rptr),
            };
            let Some(resp) = resp else { continue };
            let hint = if status.is_success() && success_count == 1 {
                "Response".to_string()
            } else {
                format!("Response {status}")
            };
            let content = self.content(&resp.content, &ctx.child(&hint, "responses"), &format!("{rptr}/content"));
            if matches!(status, Status::Code(204 | 304)) && !content.is_empty() {
                self.diags
                    .warning(
                        format!("{rptr}/content"),
                        format!("response {status} documents a body, but HTTP gives it none; servers send none"),
                    )
                    .with_operation(id.clone())
                    .with_help("remove the `content` (or use another status), in an overlay for a vendored spec");
            }
            let mut headers = Vec::new();
            let hnames = naming::field_names(&resp.headers.keys().map(String::as_str).collect::<Vec<_>>(), &[]);
            for ((hname, h), rust) in resp.headers.iter().zip(hnames) {
                let hptr = join_pointer(&format!("{rptr}/headers"), hname);
                let h = match h {
                    ReferenceOr::Item(h) => Some(h.clone()),
                    ReferenceOr::Reference { reference } => self.lookup::<openapiv3::Header>(reference, &hptr),
                };
                let Some(h) = h else { continue };
                let ty = match &h.format {
                    ParameterSchemaOrContent::Schema(s) => {
                        self.ty_of(
                            s,
                            &Ctx { hint: vec![type_stem.clone(), hint.clone(), hname.clone()], pointer: hptr.clone() },
                        )
                        .0
                    }
                    ParameterSchemaOrContent::Content(_) => Ty::String,
                };
                headers.push(Header {
                    wire: hname.clone(),
                    name: rust,
                    required: h.required,
                    ty,
                    description: h.description.clone(),
                });
            }
            responses.push(Response { status, description: resp.description.clone(), content, headers });
        }
        if responses.is_empty() {
            self.diags.warning(ptr.to_string(), "operation documents no responses").with_operation(id.clone());
        }

        let security = op.security.as_ref().map(|s| self.security(s, &format!("{ptr}/security"), Some(&id)));
        Some(Operation {
            id,
            id_synthesized,
            name: String::new(),
            type_stem,
            method,
            path: path.to_string(),
            pointer: ptr.to_string(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            parameters,
            request_body,
            responses,
            security,
            extensions: op.extensions.clone(),
        })
    }

    fn content(&mut self, content: &IndexMap<String, openapiv3::MediaType>, ctx: &Ctx, ptr: &str) -> Vec<MediaBody> {
        let mut out = Vec::new();
        // Media types that share one schema share one type; inline schemas are named once.
        let mut by_schema: Vec<(ReferenceOr<Schema>, Ty, Constraints)> = Vec::new();
        for (mt, media) in content {
            let mptr = join_pointer(ptr, mt);
            let mut constraints = Constraints::default();
            let ty = media.schema.as_ref().map(|s| {
                if let Some((_, ty, c)) = by_schema.iter().find(|(k, _, _)| k == s) {
                    constraints = c.clone();
                    return ty.clone();
                }
                let sctx = Ctx { hint: ctx.hint.clone(), pointer: format!("{mptr}/schema") };
                let (ty, nullable) = self.ty_of(s, &sctx);
                constraints = self.use_constraints(s, &sctx);
                let ty = wrap_option(ty, nullable);
                by_schema.push((s.clone(), ty.clone(), constraints.clone()));
                ty
            });
            let mut examples = Vec::new();
            if let Some(e) = &media.example {
                examples.push(("example".to_string(), e.clone()));
            }
            for (name, ex) in &media.examples {
                let value = match ex {
                    ReferenceOr::Item(e) => e.value.clone(),
                    ReferenceOr::Reference { reference } => self
                        .lookup::<openapiv3::Example>(reference, &join_pointer(&format!("{mptr}/examples"), name))
                        .and_then(|e| e.value),
                };
                if let Some(v) = value {
                    examples.push((name.clone(), v));
                }
            }
            out.push(MediaBody { media_type: mt.clone(), ty, constraints, examples });
        }
        out
    }

    fn security(
        &mut self,
        reqs: &[openapiv3::SecurityRequirement],
        ptr: &str,
        op: Option<&str>,
    ) -> Vec<SecurityRequirement> {
        let known: Vec<String> =
            self.doc.components.as_ref().map(|c| c.security_schemes.keys().cloned().collect()).unwrap_or_default();
        let mut out = Vec::new();
        for (i, r) in reqs.iter().enumerate() {
            let mut schemes = Vec::new();
            for (name, scopes) in r {
                if !known.contains(name) {
                    let d = self
                        .diags
                        .error(
                            format!("{ptr}/{i}"),
                            format!("security scheme `{name}` is not defined in components.securitySchemes"),
                        )
                        .with_help(format!(
                            "define `{name}` under `components.securitySchemes`, or remove it from this requirement"
                        ));
                    if let Some(op) = op {
                        d.with_operation(op);
                    }
                    continue;
                }
                schemes.push((name.clone(), scopes.clone()));
            }
            out.push(SecurityRequirement { schemes });
        }
        out
    }

    fn security_schemes(&mut self) -> IndexMap<String, SecurityScheme> {
        let mut out = IndexMap::new();
        let Some(c) = &self.doc.components else {
            return out;
        };
        for (name, s) in &c.security_schemes {
            let ptr = join_pointer("#/components/securitySchemes", name);
            let s = match s {
                ReferenceOr::Item(s) => s.clone(),
                ReferenceOr::Reference { reference } => {
                    match self.lookup::<openapiv3::SecurityScheme>(reference, &ptr) {
                        Some(s) => s,
                        None => continue,
                    }
                }
            };
            let scheme = match s {
                openapiv3::SecurityScheme::HTTP { scheme, bearer_format, description, .. } => {
                    match scheme.to_ascii_lowercase().as_str() {
                        "basic" => SecurityScheme::HttpBasic { description },
                        "bearer" => SecurityScheme::HttpBearer { format: bearer_format, description },
                        _ => SecurityScheme::Http { scheme, description },
                    }
                }
                openapiv3::SecurityScheme::APIKey { location, name, description, .. } => SecurityScheme::ApiKey {
                    location: match location {
                        openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                        openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                    },
                    name,
                    description,
                },
                openapiv3::SecurityScheme::OAuth2 { flows, description, .. } => match flows.client_credentials {
                    Some(cc) => SecurityScheme::OAuth2ClientCredentials {
                        token_url: cc.token_url,
                        scopes: cc.scopes.keys().cloned().collect(),
                        description,
                    },
                    None => SecurityScheme::OAuth2Other { description },
                },
                openapiv3::SecurityScheme::OpenIDConnect { open_id_connect_url, description, .. } => {
                    SecurityScheme::OpenIdConnect { url: open_id_connect_url, description }
                }
            };
            out.insert(name.clone(), scheme);
        }
        out
    }
}

const MAX_REF_DEPTH: usize = 64;

enum Shape {
    Ty(Ty),
    Kind(TypeKind),
}

#[derive(Default)]
struct Merge {
    props: IndexMap<String, (ReferenceOr<Box<Schema>>, Ctx)>,
    required: Vec<String>,
    additional: Option<Ty>,
    unions: Vec<(Ty, bool)>,
    hint: Vec<String>,
    /// `allOf` references merged so far.
    merged: BTreeSet<String>,
}

/// Inline property types are named after the struct being built, not after
/// the `allOf` member that declared them.
fn acc_hint(first: &[String], ctx: &Ctx, name: &str) -> Vec<String> {
    let mut h = if first.is_empty() { ctx.hint.clone() } else { first.to_vec() };
    h.push(name.to_string());
    h
}

fn wrap_option(ty: Ty, nullable: bool) -> Ty {
    if nullable && !matches!(ty, Ty::Any | Ty::Option(_)) {
        Ty::Option(Box::new(ty))
    } else {
        ty
    }
}

fn int_kind(format: Option<&str>) -> IntKind {
    match format {
        Some("int32") => IntKind::I32,
        Some("int8") => IntKind::I8,
        Some("int16") => IntKind::I16,
        Some("uint8") => IntKind::U8,
        Some("uint16") => IntKind::U16,
        Some("uint32") => IntKind::U32,
        Some("uint64") => IntKind::U64,
        _ => IntKind::I64,
    }
}

fn variant_hint(m: &ReferenceOr<Schema>, i: usize) -> String {
    match m {
        ReferenceOr::Reference { reference } => ref_name(reference).to_string(),
        ReferenceOr::Item(s) => {
            if let Some(t) = &s.schema_data.title {
                return t.clone();
            }
            let v = View::of(s);
            match (v.typ, v.format.as_deref()) {
                (Some("string"), Some("uuid")) => "Uuid".into(),
                (Some("string"), Some("date-time")) => "DateTime".into(),
                (Some("string"), _) => "String".into(),
                (Some("integer"), _) => "Integer".into(),
                (Some("number"), _) => "Number".into(),
                (Some("boolean"), _) => "Boolean".into(),
                (Some("array"), _) => "Array".into(),
                (Some("object"), _) if !v.has_properties() => "Object".into(),
                _ => format!("Variant{i}"),
            }
        }
    }
}

fn schema_type(s: &ReferenceOr<Box<Schema>>) -> Option<String> {
    match s {
        ReferenceOr::Reference { reference } => Some(reference.clone()),
        ReferenceOr::Item(s) => View::of(s).typ.map(str::to_string),
    }
}

/// The single value a member's discriminator property can take, if it says.
fn const_property(s: &Schema, property: &str) -> Option<String> {
    let v = View::of(s);
    let p = v.properties?.get(property)?;
    match p {
        ReferenceOr::Item(p) => {
            let pv = View::of(p);
            match pv.enumeration.as_slice() {
                [Value::String(s)] => Some(s.clone()),
                _ => None,
            }
        }
        ReferenceOr::Reference { .. } => None,
    }
}

/// What a member says about a discriminator property, itself or through
/// `allOf` (a property found only in a `oneOf`/`anyOf` branch is optional).
#[derive(Default)]
struct TagProperty {
    declared: bool,
    required: bool,
    string: bool,
}

/// `seen` holds the references already followed: each is explored once, so
/// diamonds and cycles cost linear time instead of exponential.
fn tag_property(
    root: &Value,
    schema: &Value,
    property: &str,
    depth: usize,
    seen: &mut BTreeSet<String>,
    out: &mut TagProperty,
) {
    if depth > 32 {
        return;
    }
    let Some(obj) = schema.as_object() else { return };
    if let Some(Value::String(r)) = obj.get("$ref") {
        if seen.insert(r.clone()) {
            if let Some(t) = crate::load::resolve_pointer(root, r) {
                tag_property(root, t, property, depth + 1, seen, out);
            }
        }
    }
    if let Some(p) = obj.get("properties").and_then(|p| p.get(property)) {
        out.declared = true;
        out.string |= is_string_schema(root, p, 0);
    }
    if obj.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|x| x == property)) {
        out.required = true;
    }
    for m in obj.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        tag_property(root, m, property, depth + 1, seen, out);
    }
    for key in ["oneOf", "anyOf"] {
        for m in obj.get(key).and_then(Value::as_array).into_iter().flatten() {
            let mut branch = TagProperty::default();
            tag_property(root, m, property, depth + 1, seen, &mut branch);
            out.declared |= branch.declared;
            out.string |= branch.string;
        }
    }
}

/// A schema whose values are strings (or that says nothing about its type).
fn is_string_schema(root: &Value, s: &Value, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return crate::load::resolve_pointer(root, r).is_some_and(|t| is_string_schema(root, t, depth + 1));
    }
    match s.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(_) => false,
        None => match s.get("enum").and_then(Value::as_array) {
            Some(values) => values.iter().all(|v| v.is_string() || v.is_null()),
            None => s
                .get("allOf")
                .and_then(Value::as_array)
                .is_none_or(|ms| ms.iter().all(|m| is_string_schema(root, m, depth + 1))),
        },
    }
}

fn path_template_vars(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// A path item's operations with their method and key, in a fixed order.
fn item_operations(item: &openapiv3::PathItem) -> [(Method, &'static str, &Option<openapiv3::Operation>); 8] {
    [
        (Method::Get, "get", &item.get),
        (Method::Put, "put", &item.put),
        (Method::Post, "post", &item.post),
        (Method::Delete, "delete", &item.delete),
        (Method::Options, "options", &item.options),
        (Method::Head, "head", &item.head),
        (Method::Patch, "patch", &item.patch),
        (Method::Trace, "trace", &item.trace),
    ]
}
