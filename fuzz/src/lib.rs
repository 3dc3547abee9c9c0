//! Shared code of the fuzz targets: the pipeline check every input goes
//! through, and the structured mutator that turns `arbitrary` bytes into an
//! edited slice of one of the two Airbyte specs.
//!
//! The invariants checked are the generator's contract: it never panics on
//! spec data, a rejected document always says why (at least one error), an
//! accepted one yields Rust files that parse and manifests that are TOML, and
//! the same input always yields the same bytes.

use arbitrary::Arbitrary;
use codegen::emit::CrateNames;
use codegen::SpecInput;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// File names the `bytes` target cycles through (by input length): dots,
/// leading digits, non-ASCII, keywords and nothing at all must all give
/// valid crate names.
pub const FILE_NAMES: &[&str] = &[
    "fuzz.yaml",
    "oai-petstore-3.0.yaml",
    "api.example.com.json",
    "3scale.yaml",
    "ünï côde spec.yaml",
    ".yaml",
    "-.json",
    "self.yaml",
    "type.yaml",
    "a..b--c__.yaml",
];

/// Run load → IR → every emitter → `syn` parse, and check the contract,
/// with crate names derived from the file name.
pub fn check(file: &str, bytes: &[u8]) {
    check_named(file, None, bytes)
}

/// [`check`] with an optional `--name`: a name that is not a valid crate
/// name is refused with a message; a file name always gives valid names.
pub fn check_named(file: &str, name: Option<&str>, bytes: &[u8]) {
    let stem = std::path::Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let crates = match name {
        Some(n) => match CrateNames::from_name(n) {
            Ok(c) => c,
            Err(message) => {
                assert!(!message.is_empty(), "a refused --name needs a message");
                return;
            }
        },
        None => CrateNames::from_stem(&stem),
    };
    if let Err(e) = crates.check() {
        panic!("crate names derived from {file:?} / {name:?} are invalid: {e}");
    }
    let input = SpecInput { file: file.to_string(), bytes: bytes.to_vec(), overlays: Vec::new(), crates };
    match codegen::generate(&input) {
        Ok(out) => {
            assert!(!out.diagnostics.has_errors(), "generated despite errors:\n{}", out.diagnostics);
            for f in &out.files {
                if f.path.extension().is_some_and(|e| e == "rs") {
                    if let Err(e) = syn::parse_file(&f.contents) {
                        panic!("{} does not parse after formatting: {e}", f.path.display());
                    }
                }
                if f.path.file_name().is_some_and(|n| n == "Cargo.toml") {
                    if let Err(e) = f.contents.parse::<toml::Table>() {
                        panic!("{} is not valid TOML: {e}", f.path.display());
                    }
                }
            }
            let again = codegen::generate(&input).expect("second run of an accepted document fails");
            assert!(again.files == out.files, "generation is not deterministic");
        }
        Err(codegen::Error::Spec(d)) => {
            assert!(d.has_errors(), "rejected without an error:\n{d}");
            for e in d.errors() {
                assert!(!e.message.is_empty(), "error without a message at {}", e.pointer);
                // Rendering must not panic either.
                let _ = e.to_string();
            }
        }
        Err(e @ codegen::Error::Emit(_)) => panic!("emitter produced invalid Rust: {e}"),
        Err(e @ codegen::Error::CrateNames(_)) => panic!("checked crate names refused: {e}"),
    }
}

/// The two pinned specs as JSON trees (overlays applied), loaded once.
pub fn specs() -> &'static [Value] {
    static SPECS: OnceLock<Vec<Value>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        load_specs(&root)
    })
}

fn load_specs(root: &Path) -> Vec<Value> {
    let manifest = codegen::manifest::Manifest::load(root).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    for entry in &manifest.specs {
        let resolved = entry.resolve(root).unwrap_or_else(|e| panic!("{e}"));
        let mut diags = codegen::diag::Diagnostics::new(entry.file.clone());
        let text = String::from_utf8(resolved.bytes).expect("pinned specs are utf-8");
        let mut doc = codegen::load::parse_document(&text, &mut diags).expect("pinned specs parse");
        for p in entry.overlay_paths(root) {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            if let Some(ov) = codegen::load::overlay::parse_overlay(&text, &p.display().to_string(), &mut diags) {
                codegen::load::overlay::apply_overlay(&mut doc, &ov, &mut diags);
            }
        }
        out.push(doc);
    }
    out
}

/// A plan for one structured input: which slice of which spec, and the edits.
#[derive(Arbitrary, Debug)]
pub struct Plan {
    /// The spec's file name (its stem names the crates) and a `--name`.
    file_name: String,
    crate_name: Option<String>,
    spec: u8,
    version: Version,
    schemas: Vec<u16>,
    paths: Vec<u16>,
    yaml: bool,
    edits: Vec<Edit>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Version {
    Keep,
    V30,
    V31,
}

#[derive(Arbitrary, Debug)]
enum Edit {
    Delete { at: u32 },
    Set { at: u32, value: Scalar },
    SetKey { at: u32, key: Key, value: Scalar },
    /// Point `at` (or a new key under it) at a component or a made-up target.
    Ref { at: u32, target: u16, raw: Option<String> },
    Copy { from: u32, to: u32 },
    Wrap { at: u32, how: Combinator, with: u32 },
    Rename { at: u32, to: String },
    Discriminate { at: u32, property: Key, mapping: Vec<(String, u16)> },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Combinator {
    AllOf,
    OneOf,
    AnyOf,
    Items,
    AdditionalProperties,
    Property,
}

#[derive(Arbitrary, Debug, Clone)]
enum Key {
    Type,
    Nullable,
    Format,
    Enum,
    Const,
    Items,
    Properties,
    Required,
    AdditionalProperties,
    AllOf,
    OneOf,
    AnyOf,
    Not,
    Discriminator,
    ReadOnly,
    WriteOnly,
    Default,
    Example,
    Examples,
    Deprecated,
    OperationId,
    In,
    Name,
    Style,
    Explode,
    Content,
    Schema,
    Responses,
    Parameters,
    RequestBody,
    Other(String),
}

impl Key {
    fn as_str(&self) -> &str {
        match self {
            Key::Type => "type",
            Key::Nullable => "nullable",
            Key::Format => "format",
            Key::Enum => "enum",
            Key::Const => "const",
            Key::Items => "items",
            Key::Properties => "properties",
            Key::Required => "required",
            Key::AdditionalProperties => "additionalProperties",
            Key::AllOf => "allOf",
            Key::OneOf => "oneOf",
            Key::AnyOf => "anyOf",
            Key::Not => "not",
            Key::Discriminator => "discriminator",
            Key::ReadOnly => "readOnly",
            Key::WriteOnly => "writeOnly",
            Key::Default => "default",
            Key::Example => "example",
            Key::Examples => "examples",
            Key::Deprecated => "deprecated",
            Key::OperationId => "operationId",
            Key::In => "in",
            Key::Name => "name",
            Key::Style => "style",
            Key::Explode => "explode",
            Key::Content => "content",
            Key::Schema => "schema",
            Key::Responses => "responses",
            Key::Parameters => "parameters",
            Key::RequestBody => "requestBody",
            Key::Other(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Word(Word),
    EmptyObject,
    EmptyArray,
    Array(Vec<Word>),
    TypeArray(Vec<Word>),
}

/// Values that mean something to the generator, so mutations hit real paths.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Word {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    Null,
    Uuid,
    DateTime,
    Date,
    Binary,
    Byte,
    Int32,
    Int64,
    Float,
    Set,
    Query,
    Path,
    Header,
    Cookie,
    DeepObject,
    Form,
    Json,
    Multipart,
    Empty,
    Keyword,
    Digit,
}

impl Word {
    fn as_str(self) -> &'static str {
        match self {
            Word::String => "string",
            Word::Integer => "integer",
            Word::Number => "number",
            Word::Boolean => "boolean",
            Word::Object => "object",
            Word::Array => "array",
            Word::Null => "null",
            Word::Uuid => "uuid",
            Word::DateTime => "date-time",
            Word::Date => "date",
            Word::Binary => "binary",
            Word::Byte => "byte",
            Word::Int32 => "int32",
            Word::Int64 => "int64",
            Word::Float => "float",
            Word::Set => "set",
            Word::Query => "query",
            Word::Path => "path",
            Word::Header => "header",
            Word::Cookie => "cookie",
            Word::DeepObject => "deepObject",
            Word::Form => "application/x-www-form-urlencoded",
            Word::Json => "application/json",
            Word::Multipart => "multipart/form-data",
            Word::Empty => "",
            Word::Keyword => "self",
            Word::Digit => "1st",
        }
    }
}

impl Scalar {
    fn value(&self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => json!(i),
            Scalar::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Scalar::Str(s) => Value::String(s.clone()),
            Scalar::Word(w) => Value::String(w.as_str().into()),
            Scalar::EmptyObject => json!({}),
            Scalar::EmptyArray => json!([]),
            Scalar::Array(ws) => ws.iter().map(|w| Value::String(w.as_str().into())).collect(),
            Scalar::TypeArray(ws) => ws.iter().take(4).map(|w| Value::String(w.as_str().into())).collect(),
        }
    }
}

const MAX_EDITS: usize = 24;
const MAX_NODES: usize = 20_000;

impl Plan {
    /// Build the edited document; `None` when the plan selects nothing.
    pub fn document(&self) -> Option<(String, Vec<u8>)> {
        let specs = specs();
        let spec = specs.get(self.spec as usize % specs.len().max(1))?;
        let mut doc = slice(spec, &self.schemas, &self.paths);
        match self.version {
            Version::Keep => {}
            Version::V30 => doc["openapi"] = json!("3.0.3"),
            Version::V31 => doc["openapi"] = json!("3.1.0"),
        }
        let names: Vec<String> = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for e in self.edits.iter().take(MAX_EDITS) {
            apply(&mut doc, e, &names);
        }
        let ext = if self.yaml { "yaml" } else { "json" };
        let file = format!("{}.{ext}", self.file_name.replace(['/', '\\'], "_"));
        if self.yaml {
            let text = serde_yaml::to_string(&doc).ok()?;
            Some((file, text.into_bytes()))
        } else {
            Some((file, serde_json::to_vec(&doc).ok()?))
        }
    }

    /// The `--name` this plan generates with, if any.
    pub fn crate_name(&self) -> Option<&str> {
        self.crate_name.as_deref()
    }
}

/// A small document: chosen component schemas and path items, plus every
/// component they reference (transitively), so the slice starts out valid.
fn slice(spec: &Value, schemas: &[u16], paths: &[u16]) -> Value {
    let empty = Map::new();
    let all_schemas = spec.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    let all_paths = spec.get("paths").and_then(Value::as_object).unwrap_or(&empty);
    let mut out_paths = Map::new();
    for &i in paths.iter().take(3) {
        if let Some((k, v)) = nth(all_paths, i) {
            out_paths.insert(k.clone(), v.clone());
        }
    }
    let mut components = Map::new();
    for (section, v) in spec.get("components").and_then(Value::as_object).unwrap_or(&empty) {
        if section != "schemas" {
            components.insert(section.clone(), v.clone());
        }
    }
    let mut picked = Map::new();
    for &i in schemas.iter().take(4) {
        if let Some((k, v)) = nth(all_schemas, i) {
            picked.insert(k.clone(), v.clone());
        }
    }
    // Transitive closure over `#/components/schemas/…` references.
    let mut queue: Vec<String> = Vec::new();
    refs_in(&Value::Object(picked.clone()), &mut queue);
    refs_in(&Value::Object(out_paths.clone()), &mut queue);
    refs_in(&Value::Object(components.clone()), &mut queue);
    while let Some(r) = queue.pop() {
        let Some(name) = r.strip_prefix("#/components/schemas/") else { continue };
        if picked.contains_key(name) {
            continue;
        }
        if let Some(s) = all_schemas.get(name) {
            picked.insert(name.to_string(), s.clone());
            refs_in(s, &mut queue);
        }
    }
    components.insert("schemas".into(), Value::Object(picked));
    let mut doc = Map::new();
    for k in ["openapi", "info", "servers", "security"] {
        if let Some(v) = spec.get(k) {
            doc.insert(k.into(), v.clone());
        }
    }
    doc.insert("paths".into(), Value::Object(out_paths));
    doc.insert("components".into(), Value::Object(components));
    Value::Object(doc)
}

fn nth(m: &Map<String, Value>, i: u16) -> Option<(&String, &Value)> {
    if m.is_empty() {
        return None;
    }
    m.iter().nth(i as usize % m.len())
}

fn refs_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|c| refs_in(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| refs_in(c, out)),
        _ => {}
    }
}

/// JSON pointers of every node, in document order (capped).
fn nodes(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

fn walk(v: &Value, ptr: String, out: &mut Vec<String>) {
    if out.len() >= MAX_NODES {
        return;
    }
    out.push(ptr.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                walk(c, format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                walk(c, format!("{ptr}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn pick(all: &[String], i: u32) -> Option<String> {
    if all.is_empty() {
        return None;
    }
    Some(all[i as usize % all.len()].clone())
}

fn target_ref(names: &[String], target: u16, raw: &Option<String>) -> String {
    match raw {
        Some(r) if target % 4 == 0 => r.clone(),
        _ if names.is_empty() => "#/components/schemas/Missing".into(),
        _ => format!("#/components/schemas/{}", names[target as usize % names.len()]),
    }
}

fn apply(doc: &mut Value, e: &Edit, names: &[String]) {
    let all = nodes(doc);
    match e {
        Edit::Delete { at } => {
            let Some(p) = pick(&all, *at) else { return };
            let Some((parent, last)) = p.rsplit_once('/') else { return };
            let last = last.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.remove(&last);
                }
                Some(Value::Array(a)) => {
                    if let Ok(i) = last.parse::<usize>() {
                        if i < a.len() {
                            a.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
        Edit::Set { at, value } => {
            if let Some(n) = pick(&all, *at).and_then(|p| doc.pointer_mut(&p)) {
                *n = value.value();
            }
        }
        Edit::SetKey { at, key, value } => {
            if let Some(Value::Object(m)) = pick(&all, *at).and_then(|p| doc.pointer_mut(&p)) {
                m.insert(key.as_str().to_string(), value.value());
            }
        }
        Edit::Ref { at, target, raw } => {
            let r = target_ref(names, *target, raw);
            if let Some(n) = pick(&all, *at).and_then(|p| doc.pointer_mut(&p)) {
                *n = json!({ "$ref": r });
            }
        }
        Edit::Copy { .. } | Edit::Wrap { .. } if all.len() >= MAX_NODES => {}
        Edit::Copy { from, to } => {
            let Some(v) = pick(&all, *from).and_then(|p| doc.pointer(&p).cloned()) else { return };
            if let Some(n) = pick(&all, *to).and_then(|p| doc.pointer_mut(&p)) {
                *n = v;
            }
        }
        Edit::Wrap { at, how, with } => {
            let other = pick(&all, *with).and_then(|p| doc.pointer(&p).cloned()).unwrap_or(json!({}));
            if let Some(n) = pick(&all, *at).and_then(|p| doc.pointer_mut(&p)) {
                let inner = std::mem::take(n);
                *n = match how {
                    Combinator::AllOf => json!({ "allOf": [inner, other] }),
                    Combinator::OneOf => json!({ "oneOf": [inner, other] }),
                    Combinator::AnyOf => json!({ "anyOf": [inner, other] }),
                    Combinator::Items => json!({ "type": "array", "items": inner }),
                    Combinator::AdditionalProperties => json!({ "type": "object", "additionalProperties": inner }),
                    Combinator::Property => json!({ "type": "object", "properties": { "inner": inner, "other": other } }),
                };
            }
        }
        Edit::Rename { at, to } => {
            let Some(p) = pick(&all, *at) else { return };
            let Some((parent, last)) = p.rsplit_once('/') else { return };
            let last = last.replace("~1", "/").replace("~0", "~");
            if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
                if let Some(v) = m.remove(&last) {
                    m.insert(to.clone(), v);
                }
            }
        }
        Edit::Discriminate { at, property, mapping } => {
            let map: Map<String, Value> = mapping
                .iter()
                .take(8)
                .map(|(tag, t)| (tag.clone(), Value::String(target_ref(names, *t, &None))))
                .collect();
            if let Some(Value::Object(m)) = pick(&all, *at).and_then(|p| doc.pointer_mut(&p)) {
                m.insert("discriminator".into(), json!({ "propertyName": property.as_str(), "mapping": map }));
            }
        }
    }
}
