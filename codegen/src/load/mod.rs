//! Loading: bytes → JSON tree → overlays → 3.1 normalisation → `$ref` checks
//! → `openapiv3::OpenAPI`.
//!
//! This is the only stage that sees the raw document. Everything it finds wrong
//! goes into [`Diagnostics`] with a JSON pointer; it never panics on input.

pub mod effective;
pub mod external;
pub mod locate;
pub mod normalize;
pub mod overlay;
pub mod refs;
pub mod sample;
mod yaml;

use serde::Deserialize;
use serde_json::Value;

use crate::diag::Diagnostics;
pub use external::LoadOptions;
pub use normalize::{Rewrite, RewriteKind};

/// An overlay document to apply before normalisation.
#[derive(Debug, Clone)]
pub struct OverlayInput {
    pub file: String,
    pub text: String,
}

/// A loaded, normalised document.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: String,
    pub sha256: String,
    /// The `openapi` version string as written.
    pub openapi_version: String,
    /// The normalised JSON tree (what `doc` was deserialised from).
    pub raw: Value,
    pub doc: openapiv3::OpenAPI,
    pub rewrites: Vec<Rewrite>,
    pub overlay_actions: usize,
}

/// Load a document. Returns `None` when the document cannot be read as
/// OpenAPI at all. `Some` does not mean error-free: dangling or external
/// references leave a usable document, so the IR stage can still run and
/// report its own problems (duplicate operationIds, path parameters…) in the
/// same run. Callers check `diags.has_errors()` before emitting anything.
pub fn load(file: &str, bytes: &[u8], overlays: &[OverlayInput], diags: &mut Diagnostics) -> Option<Loaded> {
    load_with(file, bytes, overlays, &LoadOptions::default(), diags)
}

/// [`load`], reading the files external references name from `options.base_dir`.
pub fn load_with(
    file: &str,
    bytes: &[u8],
    overlays: &[OverlayInput],
    options: &LoadOptions,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let sha256 = crate::manifest::sha256_hex(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.error("", format!("document is not valid utf-8: {e}")).with_help("save the document as UTF-8");
            return None;
        }
    };
    let raw = parse_document(text, diags)?;
    load_tree(file, sha256, raw, overlays, options, diags)
}

/// [`load_with`] for a document already parsed into a tree, whose bytes hash
/// to `sha256`.
pub fn load_tree(
    file: &str,
    sha256: String,
    mut raw: Value,
    overlays: &[OverlayInput],
    options: &LoadOptions,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let Some(root) = raw.as_object() else {
        diags
            .error("", "document root is not a mapping")
            .with_help("an OpenAPI document is a JSON object or YAML mapping");
        return None;
    };
    let openapi_version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(_) => {
            diags
                .error("#/openapi", "`openapi` must be a version string such as \"3.0.3\" or \"3.1.0\"")
                .with_help("quote the version (`openapi: \"3.0\"` in YAML is a number)");
            return None;
        }
        None => {
            let help = if root.contains_key("swagger") {
                "this looks like Swagger 2.0; convert it to OpenAPI 3 first"
            } else {
                "add `openapi: 3.0.3` or `openapi: 3.1.0` at the top"
            };
            diags.error("#", "missing `openapi` version field").with_help(help);
            return None;
        }
    };
    let is_31 = openapi_version.starts_with("3.1");
    if !is_31 && !openapi_version.starts_with("3.0") {
        diags
            .error("#/openapi", format!("unsupported OpenAPI version `{openapi_version}`"))
            .with_help("the generator reads OpenAPI 3.0.x and 3.1.x");
        return None;
    }

    let mut overlay_actions = 0;
    for o in overlays {
        let mut odiags = Diagnostics::new(o.file.clone());
        if let Some(ov) = overlay::parse_overlay(&o.text, &o.file, &mut odiags) {
            let report = overlay::apply_overlay(&mut raw, &ov, &mut odiags);
            overlay_actions += report.applied.len();
        }
        diags.extend(odiags);
    }

    let mut rewrites = external::resolve(&mut raw, file, options, diags);
    rewrites.extend(normalize::normalize(&mut raw, is_31, diags));
    let doc = check_and_deserialize(&mut raw, diags)?;
    Some(Loaded { file: file.to_string(), sha256, openapi_version, raw, doc, rewrites, overlay_actions })
}

/// Give every diagnostic about the document (not about an overlay) the line
/// its pointer leads to, where the text shows it.
pub fn add_lines(bytes: &[u8], diags: &mut Diagnostics) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let locator = locate::Locator::new(text);
    diags.fill_lines(|pointer| locator.line(pointer));
}

/// Parse JSON or YAML into a JSON tree; numeric and boolean mapping keys
/// (YAML reads `200:` as a number) become strings.
pub fn parse_document(text: &str, diags: &mut Diagnostics) -> Option<Value> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => return Some(v),
            Err(e) => {
                diags
                    .error("", format!("invalid JSON: {e}"))
                    .with_line(e.line())
                    .with_help("fix the syntax at the given line; JSON documents must be one object");
                return None;
            }
        }
    }
    if let Some(v) = yaml::to_json(text) {
        return Some(v);
    }
    // Something needs explaining (or widening): the general route says what.
    let mut widened = std::borrow::Cow::Borrowed(text);
    let mut attempts = 0;
    let yaml: serde_yaml::Value = loop {
        let e = match serde_yaml::from_str(&widened) {
            Ok(v) => break v,
            Err(e) => e,
        };
        // An integer beyond 64 bits (an int64 bound written through a float
        // formatter: `-9223372036854776000`) is a number JSON can hold as a
        // float: read it as one, and say so.
        if let (Some(loc), true) = (e.location(), attempts < 1000) {
            let msg = e.to_string();
            if msg.contains("as i128") || msg.contains("as u128") {
                if let Some((fixed, token)) = widen_integer(&widened, loc.index()) {
                    attempts += 1;
                    diags
                        .warning(
                            "",
                            format!("integer `{token}` does not fit in 64 bits; read as a floating-point number"),
                        )
                        .with_line(loc.line());
                    widened = std::borrow::Cow::Owned(fixed);
                    continue;
                }
            }
        }
        break match Err::<serde_yaml::Value, _>(e) {
            Ok(v) => v,
            Err(e) => {
                let d = diags.error("", format!("invalid YAML: {e}"));
                if let Some(loc) = e.location() {
                    d.with_line(loc.line());
                }
                d.with_help("fix the syntax at the given line");
                return None;
            }
        };
    };
    match overlay::yaml_to_json(yaml) {
        Ok(v) => Some(v),
        Err(e) => {
            // `yaml_to_json` says where as `at /pointer: message`.
            let (pointer, message) = match e.strip_prefix("at ").and_then(|r| r.split_once(": ")) {
                Some((p, m)) => (format!("#{p}"), m.to_string()),
                None => (String::new(), e),
            };
            diags
                .error(pointer, format!("unsupported YAML content: {message}"))
                .with_help("use YAML that maps to JSON: string or number keys, no tags, finite numbers");
            None
        }
    }
}

/// The text with the integer at byte `at` written as a float (`…0.0`), and the integer.
fn widen_integer(text: &str, at: usize) -> Option<(String, String)> {
    let rest = text.get(at..)?;
    let len = rest.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+' || c == '_')).unwrap_or(rest.len());
    let token = &rest[..len];
    if !token.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((format!("{}{}.0{}", &text[..at], token.replace('_', ""), &rest[len..]), token.to_string()))
}

/// Check references, then deserialise ([`deserialize`]).
///
/// The reference check, the part-by-part check and the deserialisation of
/// the whole only read the tree, and on a sound document the checks find
/// nothing: they run side by side (a fifth of a large document's load on
/// the critical path of a run). Should either check find anything, or the
/// whole not deserialise, all of it runs again one step after the other, as
/// it always did, so what is reported never depends on the threads.
fn check_and_deserialize(raw: &mut Value, diags: &mut Diagnostics) -> Option<openapiv3::OpenAPI> {
    enum Found {
        Clean(bool),
        Whole(Option<Box<openapiv3::OpenAPI>>),
    }
    let tree = &*raw;
    let tasks: Vec<crate::par::Task<'_, Found>> = vec![
        Box::new(|| Found::Whole(openapiv3::OpenAPI::deserialize(tree).ok().map(Box::new))),
        Box::new(|| {
            let mut found = Diagnostics::new("");
            refs::check_refs(tree, &mut found);
            Found::Clean(found.is_empty())
        }),
        Box::new(|| {
            let mut found = Diagnostics::new("");
            let (ok, stubs) = check_parts(tree, &mut Known(Default::default()), &mut found);
            Found::Clean(ok && stubs.is_empty() && found.is_empty())
        }),
    ];
    let (mut clean, mut whole) = (0, None);
    for found in crate::par::run(tasks) {
        match found {
            Found::Clean(c) => clean += usize::from(c),
            Found::Whole(w) => whole = w,
        }
    }
    if let (2, Some(doc)) = (clean, whole) {
        return Some(*doc);
    }
    refs::check_refs(raw, diags);
    // Structural errors are collected even after reference errors, so one run
    // reports both.
    deserialize(raw, diags)
}

fn deserialize(raw: &mut Value, diags: &mut Diagnostics) -> Option<openapiv3::OpenAPI> {
    // Deserialise part by part so that one bad operation does not hide
    // problems elsewhere: each failing operation, parameter, response or
    // component is reported at the finest pointer the model gives. A failing
    // path item or schema is then replaced by `{}` so that the later stages
    // still run and report their own problems; other failing components stop
    // here.
    let mut known = Known(diags.errors().map(|d| d.pointer.clone()).collect());
    let (ok, stubs) = check_parts(raw, &mut known, diags);
    for ptr in &stubs {
        if let Some(v) = raw.pointer_mut(&ptr[1..]) {
            *v = Value::Object(serde_json::Map::new());
        }
    }
    // Tracking the path costs a third more; it is only needed to say where it failed.
    if let Ok(doc) = openapiv3::OpenAPI::deserialize(&*raw) {
        return ok.then_some(doc);
    }
    let result: Result<openapiv3::OpenAPI, _> = serde_path_to_error::deserialize(&*raw);
    match result {
        Ok(doc) => ok.then_some(doc),
        Err(e) => {
            if ok && stubs.is_empty() {
                let ptr = path_to_pointer(&e.path().to_string());
                diags
                    .error(ptr, format!("not a valid OpenAPI document: {}", e.inner()))
                    .with_help("give this object the fields and types the OpenAPI specification requires");
            }
            None
        }
    }
}

/// The part-by-part check of [`deserialize`]: whether every component
/// other than schemas deserialises, and the pointers of the path items and
/// schemas that do not (to be replaced by `{}`); each failure is reported.
fn check_parts(raw: &Value, known: &mut Known, diags: &mut Diagnostics) -> (bool, Vec<String>) {
    use openapiv3::ReferenceOr as R;
    let mut ok = true;
    let mut stubs = Vec::new();
    if let Some(root) = raw.as_object() {
        for section in ["paths", "webhooks"] {
            if let Some(Value::Object(paths)) = root.get(section) {
                for (path, item) in paths {
                    let ptr = crate::diag::join_pointer(&format!("#/{section}"), path);
                    if !check_path_item(item, &ptr, known, diags) {
                        stubs.push(ptr);
                    }
                }
            }
        }
        if let Some(Value::Object(components)) = root.get("components") {
            for (section, items) in components {
                let Value::Object(items) = items else { continue };
                let check: fn(&Value, &str, &mut Known, &mut Diagnostics) -> bool = match section.as_str() {
                    "schemas" => check_part::<R<openapiv3::Schema>>,
                    "parameters" => check_part::<R<openapiv3::Parameter>>,
                    "responses" => check_part::<R<openapiv3::Response>>,
                    "requestBodies" => check_part::<R<openapiv3::RequestBody>>,
                    "headers" => check_part::<R<openapiv3::Header>>,
                    "securitySchemes" => check_part::<R<openapiv3::SecurityScheme>>,
                    "examples" => check_part::<R<openapiv3::Example>>,
                    "pathItems" => check_path_item,
                    _ => continue,
                };
                for (name, item) in items {
                    let ptr = crate::diag::join_pointer(&format!("#/components/{section}"), name);
                    if !check(item, &ptr, known, diags) {
                        if section == "schemas" {
                            stubs.push(ptr);
                        } else {
                            ok = false;
                        }
                    }
                }
            }
        }
    }
    (ok, stubs)
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Check a path item operation by operation, and each operation's
/// parameters, request body and responses on their own, so an error points at
/// the piece that is wrong rather than at the whole path.
fn check_path_item(item: &Value, ptr: &str, known: &mut Known, diags: &mut Diagnostics) -> bool {
    use openapiv3::ReferenceOr as R;
    let mut fine = true;
    if let Some(obj) = item.as_object().filter(|o| !o.contains_key("$ref")) {
        fine &= check_parameters(obj.get("parameters"), &format!("{ptr}/parameters"), known, diags);
        for m in METHODS {
            let Some(op) = obj.get(m).and_then(Value::as_object) else { continue };
            let optr = format!("{ptr}/{m}");
            fine &= check_parameters(op.get("parameters"), &format!("{optr}/parameters"), known, diags);
            if let Some(body) = op.get("requestBody") {
                fine &= check_item::<openapiv3::RequestBody>(body, &format!("{optr}/requestBody"), known, diags);
            }
            if let Some(Value::Object(responses)) = op.get("responses") {
                for (code, r) in responses {
                    let rptr = crate::diag::join_pointer(&format!("{optr}/responses"), code);
                    fine &= check_item::<openapiv3::Response>(r, &rptr, known, diags);
                }
            }
            fine &= check_part::<openapiv3::Operation>(&obj[m], &optr, known, diags);
        }
    }
    // Whatever the pieces did not cover (the finer errors suppress this one).
    check_part::<R<openapiv3::PathItem>>(item, ptr, known, diags) && fine
}

fn check_parameters(list: Option<&Value>, ptr: &str, known: &mut Known, diags: &mut Diagnostics) -> bool {
    let Some(Value::Array(list)) = list else { return true };
    let mut fine = true;
    for (i, p) in list.iter().enumerate() {
        fine &= check_item::<openapiv3::Parameter>(p, &format!("{ptr}/{i}"), known, diags);
    }
    fine
}

/// Check an object that may also be a `$ref`; the untagged `ReferenceOr`
/// would hide where inside the object the problem is.
fn check_item<T: serde::de::DeserializeOwned>(
    v: &Value,
    ptr: &str,
    known: &mut Known,
    diags: &mut Diagnostics,
) -> bool {
    if v.get("$ref").is_some() {
        check_part::<openapiv3::ReferenceOr<T>>(v, ptr, known, diags)
    } else {
        check_part::<T>(v, ptr, known, diags)
    }
}

/// Pointers that already have an error, to keep one error per problem.
struct Known(std::collections::BTreeSet<String>);

impl Known {
    /// Whether `ptr`, one of its ancestors or one of its descendants has an error.
    fn covers(&self, ptr: &str) -> bool {
        let mut cur = ptr;
        loop {
            if self.0.contains(cur) {
                return true;
            }
            match cur.rfind('/') {
                Some(i) => cur = &cur[..i],
                None => break,
            }
        }
        let below = format!("{ptr}/");
        self.0.range(below.clone()..).next().is_some_and(|k| k.starts_with(&below))
    }
}

fn check_part<T: serde::de::DeserializeOwned>(
    v: &Value,
    ptr: &str,
    known: &mut Known,
    diags: &mut Diagnostics,
) -> bool {
    // As in `deserialize`: the path only when it fails.
    if T::deserialize(v).is_ok() {
        return true;
    }
    let result: Result<T, _> = serde_path_to_error::deserialize(v);
    match result {
        Ok(_) => true,
        Err(e) => {
            let inner = path_to_pointer(&e.path().to_string());
            let full = if inner == "#" { ptr.to_string() } else { format!("{ptr}{}", &inner[1..]) };
            // Normalisation or a finer check may already have said what is
            // wrong here, in better words.
            if !known.covers(&full) {
                diags.error(full.clone(), format!("invalid value: {}", e.inner())).with_help(
                    "fix the value at this pointer so that it has the type the OpenAPI specification gives this keyword",
                );
                known.0.insert(full);
            }
            false
        }
    }
}

/// serde_path_to_error renders `a.b[0].c`; turn that into `#/a/b/0/c`.
fn path_to_pointer(path: &str) -> String {
    if path == "." || path.is_empty() {
        return "#".into();
    }
    let mut out = String::from("#");
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    out.push('/');
                    out.push_str(&crate::diag::escape_pointer(&cur));
                    cur.clear();
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push('/');
                    out.push_str(&crate::diag::escape_pointer(&cur));
                    cur.clear();
                }
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    cur.push(d);
                }
                out.push('/');
                out.push_str(&cur);
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push('/');
        out.push_str(&crate::diag::escape_pointer(&cur));
    }
    out
}

/// Append `/segment` (escaped) to a pointer in place: tree walks keep one
/// pointer and allocate only the ones they keep.
pub(crate) fn push_segment(ptr: &mut String, segment: &str) {
    ptr.push('/');
    if segment.contains(['~', '/']) {
        ptr.push_str(&crate::diag::escape_pointer(segment));
    } else {
        ptr.push_str(segment);
    }
}

/// Append `/index` to a pointer in place.
pub(crate) fn push_index(ptr: &mut String, index: usize) {
    use std::fmt::Write;
    let _ = write!(ptr, "/{index}");
}

/// Resolve a local JSON pointer (`#/a/b`) in a tree.
pub fn resolve_pointer<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let frag = reference.strip_prefix('#')?;
    if frag.is_empty() {
        return Some(root);
    }
    let decoded = percent_decode(frag);
    root.pointer(&decoded)
}

pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
