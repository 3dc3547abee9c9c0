//! Normalisation of a raw document to the OpenAPI 3.0 model `openapiv3` reads.
//!
//! OpenAPI 3.1 spellings (type arrays, `const`, numeric exclusive bounds,
//! schema `examples`, boolean schemas, `$ref` with siblings) are rewritten in
//! place on the JSON tree before deserialisation. Every rewrite is recorded so
//! nothing is dropped silently; `--explain` prints them.

use serde_json::{Map, Value};
use std::fmt;

use crate::diag::{join_pointer, Diagnostics};

/// What a rewrite did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RewriteKind {
    /// `type: [T, "null"]` → `type: T, nullable: true`.
    TypeArrayNullable,
    /// `type: [A, B]` → `anyOf: [{type: A}, {type: B}]`.
    TypeArrayUnion,
    /// `type: "null"` → `nullable: true` with no type.
    TypeNull,
    /// `oneOf`/`anyOf` member `{type: "null"}` → `nullable: true` on the parent.
    NullMember,
    /// `const: v` → `enum: [v]`.
    ConstToEnum,
    /// numeric `exclusiveMinimum`/`exclusiveMaximum` → bound plus boolean flag.
    ExclusiveBound,
    /// schema `examples: [..]` → `example: first`.
    SchemaExamples,
    /// `$ref` with sibling keywords → `allOf: [{$ref}]` plus the siblings.
    RefSiblings,
    /// `true`/`false` boolean schema → `{}` / `{not: {}}`.
    BooleanSchema,
    /// `format` in a non-canonical case (`UUID`) → lowercase.
    FormatCase,
    /// `contentEncoding`/`contentMediaType` → `format: byte`/`binary`.
    ContentEncoding,
}

impl RewriteKind {
    pub fn describe(self) -> &'static str {
        match self {
            RewriteKind::TypeArrayNullable => "type array with \"null\" rewritten to `nullable: true`",
            RewriteKind::TypeArrayUnion => "type array with several types rewritten to `anyOf`",
            RewriteKind::TypeNull => "`type: \"null\"` rewritten to `nullable: true`",
            RewriteKind::NullMember => "`{type: \"null\"}` union member folded into `nullable: true`",
            RewriteKind::ConstToEnum => "`const` rewritten to a one-value `enum`",
            RewriteKind::ExclusiveBound => "numeric exclusive bound rewritten to bound plus boolean flag",
            RewriteKind::SchemaExamples => "schema `examples` array rewritten to `example` (first value)",
            RewriteKind::RefSiblings => "`$ref` with sibling keywords wrapped in `allOf`",
            RewriteKind::BooleanSchema => "boolean schema rewritten to an object schema",
            RewriteKind::FormatCase => "`format` lowercased",
            RewriteKind::ContentEncoding => "`contentEncoding`/`contentMediaType` rewritten to `format`",
        }
    }
}

impl fmt::Display for RewriteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// One rewrite, where it happened, and a short detail (old value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub kind: RewriteKind,
    pub pointer: String,
    pub detail: String,
}

/// Normalise a whole document in place. `is_31` selects the 3.1-only rewrites;
/// the rest (format case, `$ref` siblings) apply to every version because real
/// 3.0 documents use them too.
pub fn normalize(doc: &mut Value, is_31: bool, diags: &mut Diagnostics) -> Vec<Rewrite> {
    let mut cx = Cx { is_31, rewrites: Vec::new(), diags };
    let Some(root) = doc.as_object_mut() else {
        return cx.rewrites;
    };
    // 3.1 made `paths` optional (a document may hold only components or
    // webhooks); the 3.0 model requires it. An empty map says the same thing.
    if is_31 && !root.contains_key("paths") {
        root.insert("paths".into(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for (name, s) in schemas.iter_mut() {
                cx.schema(s, &format!("#/components/schemas/{}", crate::diag::escape_pointer(name)));
            }
        }
        for section in ["parameters", "headers", "requestBodies", "responses"] {
            if let Some(Value::Object(items)) = components.get_mut(section) {
                for (name, item) in items.iter_mut() {
                    let p = join_pointer(&format!("#/components/{section}"), name);
                    match section {
                        "requestBodies" => cx.content_holder(item, &p),
                        "responses" => cx.response(item, &p),
                        _ => cx.parameter(item, &p),
                    }
                }
            }
        }
        if let Some(Value::Object(items)) = components.get_mut("pathItems") {
            for (name, item) in items.iter_mut() {
                cx.path_item(item, &join_pointer("#/components/pathItems", name));
            }
        }
    }
    for section in ["paths", "webhooks"] {
        if let Some(Value::Object(paths)) = root.get_mut(section) {
            for (path, item) in paths.iter_mut() {
                cx.path_item(item, &join_pointer(&format!("#/{section}"), path));
            }
        }
    }
    cx.rewrites
}

struct Cx<'a> {
    is_31: bool,
    rewrites: Vec<Rewrite>,
    diags: &'a mut Diagnostics,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Cx<'_> {
    fn record(&mut self, kind: RewriteKind, pointer: &str, detail: impl Into<String>) {
        self.rewrites.push(Rewrite { kind, pointer: pointer.to_string(), detail: detail.into() });
    }

    fn path_item(&mut self, item: &mut Value, ptr: &str) {
        let Some(item) = item.as_object_mut() else {
            return;
        };
        if let Some(Value::Array(params)) = item.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &format!("{ptr}/parameters/{i}"));
            }
        }
        for m in METHODS {
            if let Some(op) = item.get_mut(m) {
                self.operation(op, &format!("{ptr}/{m}"));
            }
        }
    }

    fn operation(&mut self, op: &mut Value, ptr: &str) {
        let Some(op) = op.as_object_mut() else { return };
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &format!("{ptr}/parameters/{i}"));
            }
        }
        if let Some(body) = op.get_mut("requestBody") {
            self.content_holder(body, &format!("{ptr}/requestBody"));
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (code, r) in responses.iter_mut() {
                self.response(r, &join_pointer(&format!("{ptr}/responses"), code));
            }
        }
        if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
            for (name, cb) in callbacks.iter_mut() {
                if let Some(cb) = cb.as_object_mut() {
                    for (expr, item) in cb.iter_mut() {
                        let p = join_pointer(&join_pointer(&format!("{ptr}/callbacks"), name), expr);
                        self.path_item(item, &p);
                    }
                }
            }
        }
    }

    fn parameter(&mut self, p: &mut Value, ptr: &str) {
        let Some(obj) = p.as_object_mut() else { return };
        if let Some(s) = obj.get_mut("schema") {
            self.schema(s, &format!("{ptr}/schema"));
        }
        if let Some(Value::Object(content)) = obj.get_mut("content") {
            for (mt, media) in content.iter_mut() {
                self.media(media, &join_pointer(&format!("{ptr}/content"), mt));
            }
        }
    }

    fn content_holder(&mut self, v: &mut Value, ptr: &str) {
        let Some(obj) = v.as_object_mut() else { return };
        if let Some(Value::Object(content)) = obj.get_mut("content") {
            for (mt, media) in content.iter_mut() {
                self.media(media, &join_pointer(&format!("{ptr}/content"), mt));
            }
        }
    }

    fn response(&mut self, v: &mut Value, ptr: &str) {
        self.content_holder(v, ptr);
        if let Some(Value::Object(headers)) = v.get_mut("headers") {
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &join_pointer(&format!("{ptr}/headers"), name));
            }
        }
    }

    fn media(&mut self, media: &mut Value, ptr: &str) {
        if let Some(s) = media.get_mut("schema") {
            self.schema(s, &format!("{ptr}/schema"));
        }
    }

    fn schema(&mut self, s: &mut Value, ptr: &str) {
        if let Value::Bool(b) = s {
            let b = *b;
            *s = if b { Value::Object(Map::new()) } else { serde_json::json!({ "not": {} }) };
            self.record(RewriteKind::BooleanSchema, ptr, b.to_string());
            return;
        }
        let Some(obj) = s.as_object_mut() else {
            self.diags
                .error(ptr, "schema is not an object")
                .with_help("a schema must be a mapping (or `true`/`false` in OpenAPI 3.1)");
            return;
        };
        self.check_keyword_types(obj, ptr);
        self.rewrite_schema_object(obj, ptr);
        // Recurse into subschemas after rewriting: rewrites may have created them.
        for key in ["properties", "patternProperties", "$defs", "definitions"] {
            if let Some(Value::Object(props)) = obj.get_mut(key) {
                for (name, sub) in props.iter_mut() {
                    self.schema(sub, &join_pointer(&format!("{ptr}/{key}"), name));
                }
            }
        }
        for key in ["items", "not", "additionalItems", "contains", "propertyNames", "if", "then", "else"] {
            if let Some(sub) = obj.get_mut(key) {
                if key == "items" && sub.is_array() {
                    // draft-04 tuple `items`; walk each member like `prefixItems`.
                    if let Value::Array(members) = sub {
                        for (i, m) in members.iter_mut().enumerate() {
                            self.schema(m, &format!("{ptr}/{key}/{i}"));
                        }
                    }
                    continue;
                }
                self.schema(sub, &format!("{ptr}/{key}"));
            }
        }
        if let Some(sub) = obj.get_mut("additionalProperties") {
            if sub.is_object() {
                self.schema(sub, &format!("{ptr}/additionalProperties"));
            }
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(members)) = obj.get_mut(key) {
                for (i, m) in members.iter_mut().enumerate() {
                    self.schema(m, &format!("{ptr}/{key}/{i}"));
                }
            }
        }
    }

    /// Keywords whose value has the wrong JSON type, each reported at its own
    /// pointer (the model's deserialiser can only say which schema failed).
    fn check_keyword_types(&mut self, obj: &Map<String, Value>, ptr: &str) {
        for (k, v) in obj {
            let expected = match k.as_str() {
                "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" => {
                    (!v.is_boolean()).then_some("a boolean")
                }
                "required" => (!v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
                    .then_some("an array of property names"),
                "properties" | "patternProperties" | "discriminator" => (!v.is_object()).then_some("a mapping"),
                "enum" | "allOf" | "oneOf" | "anyOf" => (!v.is_array()).then_some("an array"),
                "type" if self.is_31 => (!v.is_string()
                    && !v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
                .then_some("a type name or an array of type names"),
                "type" => (!v.is_string()).then_some("a type name (a string)"),
                "format" | "title" | "description" | "pattern" => (!v.is_string()).then_some("a string"),
                "minimum" | "maximum" | "multipleOf" => (!v.is_number()).then_some("a number"),
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
                    (!v.is_u64()).then_some("a non-negative integer")
                }
                "additionalProperties" => (!v.is_boolean() && !v.is_object()).then_some("a boolean or a schema"),
                _ => None,
            };
            if let Some(expected) = expected {
                self.diags
                    .error(join_pointer(ptr, k), format!("`{k}` must be {expected}, not {}", json_kind(v)))
                    .with_help(format!("change `{k}` to {expected}"));
            }
        }
    }

    fn rewrite_schema_object(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        // `$ref` with siblings: 3.0 says siblings are ignored, 3.1 applies them;
        // wrapping keeps descriptions and nullability that specs clearly intend.
        if obj.contains_key("$ref") && obj.keys().any(|k| k != "$ref" && !k.starts_with("x-")) {
            if let Some(r) = obj.remove("$ref") {
                let detail = r.as_str().unwrap_or_default().to_string();
                let mut inner = Map::new();
                inner.insert("$ref".into(), r);
                let mut all_of = vec![Value::Object(inner)];
                if let Some(Value::Array(existing)) = obj.remove("allOf") {
                    all_of.extend(existing);
                }
                obj.insert("allOf".into(), Value::Array(all_of));
                self.record(RewriteKind::RefSiblings, ptr, detail);
            }
        }
        if let Some(Value::String(f)) = obj.get("format") {
            let lower = f.to_ascii_lowercase();
            if &lower != f && is_known_format(&lower) {
                let old = f.clone();
                obj.insert("format".into(), Value::String(lower.clone()));
                self.diags.warning(
                    format!("{ptr}/format"),
                    format!("format `{old}` is not in canonical case; read as `{lower}`"),
                );
                self.record(RewriteKind::FormatCase, ptr, old);
            }
        }
        if !self.is_31 {
            return;
        }
        if let Some(Value::Array(types)) = obj.get("type").cloned().as_ref() {
            let has_null = types.iter().any(|t| t == "null");
            let non_null: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            obj.remove("type");
            if has_null {
                obj.insert("nullable".into(), Value::Bool(true));
            }
            match non_null.len() {
                0 => self.record(RewriteKind::TypeNull, ptr, "[\"null\"]"),
                1 => {
                    obj.insert("type".into(), non_null[0].clone());
                    if has_null {
                        self.record(RewriteKind::TypeArrayNullable, ptr, Value::Array(types.clone()).to_string());
                    }
                }
                _ => {
                    let members = non_null.iter().map(|t| serde_json::json!({ "type": t })).collect();
                    obj.insert("anyOf".into(), Value::Array(members));
                    self.record(RewriteKind::TypeArrayUnion, ptr, Value::Array(types.clone()).to_string());
                }
            }
        } else if obj.get("type").and_then(Value::as_str) == Some("null") {
            obj.remove("type");
            obj.insert("nullable".into(), Value::Bool(true));
            self.record(RewriteKind::TypeNull, ptr, "null");
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = obj.get_mut(key) {
                let before = members.len();
                members.retain(|m| !is_null_schema(m));
                if members.len() != before {
                    obj.insert("nullable".into(), Value::Bool(true));
                    self.record(RewriteKind::NullMember, &format!("{ptr}/{key}"), "{type: null}");
                }
            }
        }
        if let Some(c) = obj.remove("const") {
            if obj.contains_key("enum") {
                obj.insert("const".into(), c);
            } else {
                self.record(RewriteKind::ConstToEnum, ptr, c.to_string());
                if obj.get("type").is_none() {
                    if let Some(t) = json_type_name(&c) {
                        obj.insert("type".into(), Value::String(t.into()));
                    }
                }
                obj.insert("enum".into(), Value::Array(vec![c]));
            }
        }
        for (ex, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(v @ Value::Number(_)) = obj.get(ex).cloned() {
                self.record(RewriteKind::ExclusiveBound, &format!("{ptr}/{ex}"), v.to_string());
                obj.insert(bound.into(), v);
                obj.insert(ex.into(), Value::Bool(true));
            }
        }
        if let Some(Value::Array(examples)) = obj.get("examples").cloned() {
            obj.remove("examples");
            if let Some(first) = examples.first() {
                if !obj.contains_key("example") {
                    obj.insert("example".into(), first.clone());
                }
            }
            self.record(RewriteKind::SchemaExamples, ptr, format!("{} value(s)", examples.len()));
        }
        if !obj.contains_key("format") {
            let encoding = obj.get("contentEncoding").and_then(Value::as_str).map(str::to_ascii_lowercase);
            let media = obj.get("contentMediaType").and_then(Value::as_str).map(str::to_string);
            let format = match (encoding.as_deref(), media.as_deref()) {
                (Some("base64"), _) => Some("byte"),
                (None, Some(_)) => Some("binary"),
                _ => None,
            };
            if let Some(format) = format {
                obj.insert("format".into(), Value::String(format.into()));
                self.record(RewriteKind::ContentEncoding, ptr, format);
            }
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.get("type").and_then(Value::as_str) == Some("null") && m.len() <= 3 && !m.contains_key("$ref")
        }
        _ => false,
    }
}

/// What a JSON value is, for messages.
fn json_kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string \"{s}\""),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn json_type_name(v: &Value) -> Option<&'static str> {
    Some(match v {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        _ => return None,
    })
}

/// Formats the generator maps to specific Rust types (compared lowercase).
pub fn is_known_format(lower: &str) -> bool {
    matches!(
        lower,
        "uuid"
            | "date-time"
            | "date"
            | "int32"
            | "int64"
            | "float"
            | "double"
            | "byte"
            | "binary"
            | "password"
            | "email"
            | "uri"
            | "url"
            | "hostname"
            | "ipv4"
            | "ipv6"
            | "set"
            | "time"
            | "duration"
            | "uint32"
            | "uint64"
            | "int8"
            | "int16"
            | "uint8"
            | "uint16"
    )
}
