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
    /// An integer schema's bound that is a float or outside `i64`: rounded
    /// inward or clamped to the `i64` range (a warning says so).
    IntegerBound,
    /// `required: true` on a property's schema (Swagger 2 habit) → the
    /// property listed in its parent's `required` (a warning says so).
    RequiredFlag,
    /// A response without `description` → an empty description (warning).
    ResponseDescription,
    /// `in: formData` parameters → a form request body (warning).
    FormDataParameters,
    /// An OpenAPI 3.1 operation without `responses` → none documented.
    MissingResponses,
    /// A `$ref` to another file: its target copied into `components`.
    ExternalReference,
    /// A `$ref` to an `$id`/`$anchor` (3.1): made a JSON pointer.
    IdReference,
    /// A `mutualTLS` security scheme (3.1) → removed, with its requirements:
    /// a TLS client certificate is set on the HTTP client, not per request.
    MutualTls,
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
            RewriteKind::IntegerBound => "integer bound rounded inward or clamped to the i64 range",
            RewriteKind::RequiredFlag => "`required: true` on a property schema moved to the parent's `required`",
            RewriteKind::ResponseDescription => "response without `description` given an empty one",
            RewriteKind::FormDataParameters => "`in: formData` parameters rewritten to a form request body",
            RewriteKind::MissingResponses => "operation without `responses` read as documenting none",
            RewriteKind::ExternalReference => "external `$ref` target copied into `components`",
            RewriteKind::IdReference => "`$ref` to an `$id`/`$anchor` made a JSON pointer",
            RewriteKind::MutualTls => "`mutualTLS` security scheme removed (configured on the HTTP client)",
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
    cx.mutual_tls(root);
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
        // Path-level form fields belong to every operation's form body.
        let shared_form = take_form_data(item.get_mut("parameters"));
        if !shared_form.is_empty() {
            for m in METHODS {
                if let Some(Value::Object(op)) = item.get_mut(m) {
                    let list = op.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = list {
                        list.extend(shared_form.iter().map(|(_, p)| p.clone()));
                    }
                }
            }
            let at: Vec<String> = shared_form.iter().map(|(i, _)| i.to_string()).collect();
            self.diags.warning(
                format!("{ptr}/parameters"),
                format!(
                    "`in: formData` parameters (Swagger 2) at {}: moved into each operation's form body",
                    at.join(", ")
                ),
            );
        }
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
        self.form_data(op, ptr);
        if !op.contains_key("responses") {
            // 3.1 made `responses` optional; 3.0 requires it, with one meaning.
            op.insert("responses".into(), Value::Object(Map::new()));
            self.record(RewriteKind::MissingResponses, ptr, "");
            if !self.is_31 {
                self.diags
                    .warning(ptr, "operation has no `responses` (required in OpenAPI 3.0); read as documenting none");
            }
        }
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
        if let Some(obj) = v.as_object_mut() {
            if !obj.contains_key("$ref") && !obj.contains_key("description") {
                obj.insert("description".into(), Value::String(String::new()));
                self.record(RewriteKind::ResponseDescription, ptr, "");
                self.diags.warning(ptr, "response has no `description` (required); read as an empty one");
            }
        }
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
        self.required_flags(obj, ptr);
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
                "type" => (!v.is_string() && !v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
                    .then_some("a type name or an array of type names"),
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
            let spelled_31 = obj.get("type").is_some_and(|t| t.is_array() || t == "null");
            if spelled_31 {
                self.diags.warning(
                    format!("{ptr}/type"),
                    "OpenAPI 3.1 spelling of `type` in a 3.0 document; read as 3.1 (`nullable`/`anyOf`)",
                );
                self.type_arrays(obj, ptr);
            }
            self.integer_bounds(obj, ptr);
            return;
        }
        self.type_arrays(obj, ptr);
        self.rewrite_31(obj, ptr);
        self.integer_bounds(obj, ptr);
    }

    /// `type: [T, "null"]`, `type: [A, B]`, `type: "null"` → the 3.0 model.
    fn type_arrays(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
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
    }

    /// The other 3.1-only rewrites.
    fn rewrite_31(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
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

impl Cx<'_> {
    /// `required: true|false` on a schema (a Swagger 2 / parameter habit): on
    /// a property, `true` means the property is required, so it is listed in
    /// this schema's `required`; elsewhere the flag has no meaning and goes.
    fn required_flags(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        let mut newly_required = Vec::new();
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for (name, sub) in props.iter_mut() {
                let Some(sub) = sub.as_object_mut() else { continue };
                if let Some(Value::Bool(flag)) = sub.get("required").cloned() {
                    sub.remove("required");
                    let at = join_pointer(&join_pointer(&format!("{ptr}/properties"), name), "required");
                    let meaning = if flag {
                        newly_required.push(name.clone());
                        "listed in the parent's `required`"
                    } else {
                        "dropped (properties are optional unless listed)"
                    };
                    self.diags.warning(
                        at.clone(),
                        format!("`required: {flag}` on a property schema (Swagger 2 spelling); `{name}` {meaning}"),
                    );
                    self.record(RewriteKind::RequiredFlag, &at, flag.to_string());
                }
            }
        }
        if !newly_required.is_empty() {
            let list = obj.entry("required").or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                for name in newly_required {
                    if !list.iter().any(|v| v == name.as_str()) {
                        list.push(Value::String(name));
                    }
                }
            }
        }
        if let Some(Value::Bool(flag)) = obj.get("required").cloned() {
            obj.remove("required");
            let at = format!("{ptr}/required");
            self.diags.warning(
                at.clone(),
                format!("`required: {flag}` on a schema that is not a property has no meaning; ignored"),
            );
            self.record(RewriteKind::RequiredFlag, &at, flag.to_string());
        }
    }

    /// Integer schemas keep bounds as `i64`: a float bound is rounded inward
    /// (the same integers pass), one outside `i64` is clamped to it (an
    /// `int64` cannot be beyond anyway), a fractional `multipleOf` is dropped.
    fn integer_bounds(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        if obj.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for key in ["minimum", "maximum", "multipleOf"] {
            let Some(Value::Number(n)) = obj.get(key).cloned() else { continue };
            if n.is_i64() {
                continue;
            }
            let at = format!("{ptr}/{key}");
            let f = n.as_f64().unwrap_or(0.0);
            let replaced = match key {
                "multipleOf" if f.fract() != 0.0 || !(1.0..=i64::MAX as f64).contains(&f) => None,
                "minimum" => Some(clamp_i64(f.ceil())),
                "maximum" => Some(clamp_i64(f.floor())),
                _ => Some(clamp_i64(f)),
            };
            match replaced {
                Some(v) => {
                    obj.insert(key.into(), Value::from(v));
                    // Rounded inward, the bound itself is now a valid value.
                    let flag = if key == "minimum" { "exclusiveMinimum" } else { "exclusiveMaximum" };
                    if f.fract() != 0.0 && obj.get(flag) == Some(&Value::Bool(true)) {
                        obj.remove(flag);
                    }
                    self.diags
                        .warning(at.clone(), format!("`{key}: {n}` on an integer schema is not an i64; read as `{v}`"));
                }
                None => {
                    obj.remove(key);
                    self.diags.warning(
                        at.clone(),
                        format!("`{key}: {n}` on an integer schema is not a positive integer; ignored"),
                    );
                }
            }
            self.record(RewriteKind::IntegerBound, &at, n.to_string());
        }
    }

    /// Swagger 2 `in: formData` parameters have one meaning: the fields of a
    /// form body (`multipart/form-data` when one is a file). They become the
    /// operation's request body when it has none, else a form media type
    /// added to it; a body that already has that media type keeps it, and the
    /// fields are reported as ignored.
    fn form_data(&mut self, op: &mut Map<String, Value>, ptr: &str) {
        let fields = take_form_data(op.get_mut("parameters"));
        if fields.is_empty() {
            return;
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut multipart = false;
        for (_, p) in &fields {
            let Some(name) = p.get("name").and_then(Value::as_str) else { continue };
            let mut schema = match p.get("schema") {
                Some(s) => s.clone(),
                // Swagger 2 puts the schema keywords on the parameter itself.
                None => Value::Object(
                    p.as_object()
                        .map(|o| {
                            o.iter()
                                .filter(|(k, _)| {
                                    !matches!(
                                        k.as_str(),
                                        "name" | "in" | "required" | "allowEmptyValue" | "collectionFormat"
                                    )
                                })
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
            };
            if schema.get("type").and_then(Value::as_str) == Some("file") {
                multipart = true;
                schema = serde_json::json!({ "type": "string", "format": "binary" });
            }
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.to_string()));
            }
            properties.insert(name.to_string(), schema);
        }
        let mut schema = serde_json::json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        let media = if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
        let at: Vec<String> = fields.iter().map(|(i, _)| format!("{ptr}/parameters/{i}")).collect();
        let body = op.entry("requestBody").or_insert_with(|| serde_json::json!({ "required": true, "content": {} }));
        let added = match body.get_mut("content") {
            Some(Value::Object(content)) if !content.contains_key(media) => {
                content.insert(media.into(), serde_json::json!({ "schema": schema }));
                true
            }
            _ => false,
        };
        if added {
            self.diags.warning(
                format!("{ptr}/parameters"),
                format!("`in: formData` parameters (Swagger 2) read as a `{media}` request body: {}", at.join(", ")),
            );
            self.record(RewriteKind::FormDataParameters, ptr, media);
        } else {
            self.diags.warning(
                format!("{ptr}/parameters"),
                format!(
                    "`in: formData` parameters (Swagger 2) ignored: the request body already has `{media}` or is a `$ref`: {}",
                    at.join(", ")
                ),
            );
        }
    }

    /// `mutualTLS` (3.1) is a TLS client certificate, set up on the HTTP
    /// client rather than sent with each request: the scheme and the
    /// requirements naming it are removed, with a warning each.
    fn mutual_tls(&mut self, root: &mut Map<String, Value>) {
        let mut names = Vec::new();
        if let Some(Value::Object(schemes)) = root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")) {
            schemes.retain(|name, s| {
                let mtls = s.get("type").and_then(Value::as_str) == Some("mutualTLS");
                if mtls {
                    names.push(name.clone());
                }
                !mtls
            });
        }
        for name in &names {
            let at = join_pointer("#/components/securitySchemes", name);
            self.diags.warning(
                at.clone(),
                format!("`mutualTLS` scheme `{name}` removed: configure the client certificate on the HTTP client (reqwest) instead"),
            );
            self.record(RewriteKind::MutualTls, &at, name.clone());
        }
        if names.is_empty() {
            return;
        }
        let strip = |reqs: &mut Value| {
            if let Value::Array(reqs) = reqs {
                for r in reqs.iter_mut() {
                    if let Value::Object(r) = r {
                        r.retain(|k, _| !names.contains(k));
                    }
                }
            }
        };
        if let Some(reqs) = root.get_mut("security") {
            strip(reqs);
        }
        for section in ["paths", "webhooks"] {
            if let Some(Value::Object(paths)) = root.get_mut(section) {
                for item in paths.values_mut() {
                    for m in METHODS {
                        if let Some(reqs) = item.get_mut(m).and_then(|op| op.get_mut("security")) {
                            strip(reqs);
                        }
                    }
                }
            }
        }
    }
}

/// Remove the `in: formData` parameters from a parameter list, with their indexes.
fn take_form_data(list: Option<&mut Value>) -> Vec<(usize, Value)> {
    let Some(Value::Array(list)) = list else { return Vec::new() };
    let mut taken = Vec::new();
    let mut i = 0;
    list.retain(|p| {
        let form = p.get("in").and_then(Value::as_str) == Some("formData");
        if form {
            taken.push((i, p.clone()));
        }
        i += 1;
        !form
    });
    taken
}

fn clamp_i64(f: f64) -> i64 {
    if f.is_nan() {
        0
    } else if f <= i64::MIN as f64 {
        i64::MIN
    } else if f >= i64::MAX as f64 {
        i64::MAX
    } else {
        f as i64
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
