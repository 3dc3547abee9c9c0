//! References that are not plain local JSON pointers, made local before the
//! other checks run:
//!
//! - relative references to other files (`./shared.json#/components/schemas/X`,
//!   `other.yaml#/Pet`, `schemas/owner.json`): the target is read from the file
//!   beside the document (never from the network, never outside the
//!   document's directory tree unless [`LoadOptions::allow_outside`] says so)
//!   and copied into the document's `components` (the section the reference
//!   site implies, under the target's own name, numbered on a clash); its own
//!   references are followed the same way, relative to its file;
//! - OpenAPI 3.1 / JSON Schema `$id` and `$anchor` targets
//!   (`/components/schemas/petdetails#pet_details_id`, `#pet_details_id`).
//!
//! Each reference made local is recorded as a rewrite (`--explain`); one that
//! cannot be resolved is an error at the reference site.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::normalize::{Rewrite, RewriteKind};
use crate::diag::{escape_pointer, join_pointer, Diagnostics};

/// Where external references may be read from.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The directory of the document; `None`: the document did not come from
    /// a file, so other files cannot be read.
    pub base_dir: Option<PathBuf>,
    /// Allow references to files outside `base_dir`'s tree.
    pub allow_outside: bool,
}

/// Make every `$ref` of `root` that points into another file or at an
/// `$id`/`$anchor` a local pointer.
pub fn resolve(root: &mut Value, file: &str, options: &LoadOptions, diags: &mut Diagnostics) -> Vec<Rewrite> {
    let mut cx = Cx {
        options,
        base: options.base_dir.as_ref().and_then(|d| d.canonicalize().ok()),
        root_file: None,
        docs: BTreeMap::new(),
        imported: BTreeMap::new(),
        rewrites: Vec::new(),
    };
    cx.root_file = cx.base.as_ref().and_then(|b| b.join(file).canonicalize().ok());
    // A worklist of reference sites: imported values bring their own.
    let mut work: Vec<(String, String)> = super::refs::collect_refs(root);
    if work.iter().all(|(_, r)| r.starts_with("#/") || r == "#") {
        // Nothing to make local (and so nothing imported that could bring more).
        return cx.rewrites;
    }
    let ids = Ids::of(root);
    let mut steps = 0;
    while let Some((site, reference)) = work.pop() {
        steps += 1;
        if steps > 100_000 {
            diags.error(site, "too many external references to follow").with_help("bundle the document first");
            break;
        }
        if reference.starts_with("#/") || reference == "#" {
            continue;
        }
        let local = match ids.resolve(&reference) {
            Some(p) => {
                cx.rewrites.push(Rewrite {
                    kind: RewriteKind::IdReference,
                    pointer: site.clone(),
                    detail: reference.clone(),
                });
                Some(p)
            }
            None => cx.external(root, &site, &reference, &mut work, diags),
        };
        if let Some(local) = local {
            if let Some(Value::Object(obj)) = root.pointer_mut(&site[1..]) {
                obj.insert("$ref".into(), Value::String(local));
            }
        }
    }
    cx.rewrites
}

struct Cx<'a> {
    options: &'a LoadOptions,
    base: Option<PathBuf>,
    root_file: Option<PathBuf>,
    /// Parsed external files, by canonical path (`None`: unreadable).
    docs: BTreeMap<PathBuf, Option<Value>>,
    /// (file, pointer in it) → local pointer of its copy.
    imported: BTreeMap<(PathBuf, String), String>,
    rewrites: Vec<Rewrite>,
}

impl Cx<'_> {
    /// The local pointer for an external reference, importing its target.
    fn external(
        &mut self,
        root: &mut Value,
        site: &str,
        reference: &str,
        work: &mut Vec<(String, String)>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let (target, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if target.contains("://") || target.starts_with("//") {
            diags
                .error(site, format!("remote reference `{reference}` is not fetched"))
                .with_help("download the file next to the document and refer to it by a relative path");
            return None;
        }
        if !fragment.is_empty() && !fragment.starts_with('/') {
            diags
                .error(
                    site,
                    format!("`$ref` `{reference}` names an anchor that no `$anchor`/`$id` in the document defines"),
                )
                .with_help("define the anchor, or refer by JSON pointer (`#/components/schemas/Name`)");
            return None;
        }
        let Some(base) = self.base.clone() else {
            diags
                .error(
                    site,
                    format!(
                        "external reference `{reference}` cannot be followed: the document was not read from a file"
                    ),
                )
                .with_help(format!(
                    "generate from the document's path so that `{target}` is read beside it, or bundle it first"
                ));
            return None;
        };
        // Imported values carry absolute paths (see `import`); the document's own are relative to it.
        let path = if Path::new(target).is_absolute() { PathBuf::from(target) } else { base.join(target) };
        let canonical = match path.canonicalize() {
            Ok(p) => p,
            Err(e) => {
                let shown = self.shown(&path);
                diags
                    .error(site, format!("external reference `{reference}`: cannot read `{shown}`: {}", io_reason(&e)))
                    .with_help("put the file beside the document, or fix the path");
                return None;
            }
        };
        if !self.options.allow_outside && !canonical.starts_with(&base) {
            diags.error(site, format!("external reference `{reference}` leaves the document's directory")).with_help(
                "move the file under the document's directory, or allow it explicitly (`--allow-outside-refs`)",
            );
            return None;
        }
        let pointer = percent_decode(fragment);
        if Some(&canonical) == self.root_file.as_ref() {
            return Some(format!("#{fragment}"));
        }
        let key = (canonical.clone(), pointer.clone());
        if let Some(local) = self.imported.get(&key) {
            return Some(local.clone());
        }
        let doc = self.load(&canonical, site, diags)?;
        let Some(value) = doc.pointer(&pointer).cloned() else {
            diags
                .error(
                    site,
                    format!("external reference `{reference}` points to nothing in `{}`", self.shown(&canonical)),
                )
                .with_help("fix the JSON pointer after `#`");
            return None;
        };
        let section = section_for(site, &pointer);
        let name = name_for(&pointer, &canonical);
        let local = claim(root, section, &name);
        self.imported.insert(key, local.clone());
        let value = self.absolutise(value, &canonical);
        let new_refs = super::refs::collect_refs_at(&value, &local);
        if let Some(slot) = root.pointer_mut(&local[1..]) {
            *slot = value;
        }
        work.extend(new_refs);
        self.rewrites.push(Rewrite {
            kind: RewriteKind::ExternalReference,
            pointer: site.to_string(),
            detail: format!("{} → {local}", self.shown_ref(reference)),
        });
        Some(local)
    }

    /// A path as the user wrote it: relative to the document's directory.
    fn shown(&self, path: &Path) -> String {
        let rel = self.base.as_ref().and_then(|b| path.strip_prefix(b).ok()).unwrap_or(path);
        rel.display().to_string()
    }

    /// A reference with an absolute file (from an imported value) shown relative.
    fn shown_ref(&self, reference: &str) -> String {
        match reference.split_once('#') {
            Some((file, frag)) if Path::new(file).is_absolute() => format!("{}#{frag}", self.shown(Path::new(file))),
            _ => reference.to_string(),
        }
    }

    fn load(&mut self, path: &Path, site: &str, diags: &mut Diagnostics) -> Option<Value> {
        if let Some(doc) = self.docs.get(path) {
            return doc.clone();
        }
        let shown = self.shown(path);
        let parsed = match std::fs::read(path) {
            Ok(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => {
                    let mut inner = Diagnostics::new(shown.clone());
                    let v = super::parse_document(text, &mut inner);
                    for d in inner.iter() {
                        diags.error(site, format!("in `{shown}`: {}", d.message));
                    }
                    v
                }
                Err(e) => {
                    diags.error(site, format!("`{shown}` is not valid utf-8: {e}"));
                    None
                }
            },
            Err(e) => {
                diags.error(site, format!("cannot read `{shown}`: {}", io_reason(&e)));
                None
            }
        };
        self.docs.insert(path.to_path_buf(), parsed.clone());
        parsed
    }

    /// References inside an imported value are relative to its own file:
    /// make them absolute (`/abs/file.yaml#/x`) so they resolve from anywhere.
    fn absolutise(&self, mut value: Value, file: &Path) -> Value {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let sites = super::refs::collect_refs_at(&value, "#");
        for (site, reference) in sites {
            let (target, fragment) = reference.split_once('#').unwrap_or((reference.as_str(), ""));
            if target.contains("://") {
                continue;
            }
            let abs = if target.is_empty() {
                file.to_path_buf()
            } else if Path::new(target).is_absolute() {
                PathBuf::from(target)
            } else {
                dir.join(target)
            };
            let new = format!("{}#{fragment}", abs.display());
            if let Some(Value::Object(obj)) = value.pointer_mut(&site[1..]) {
                obj.insert("$ref".into(), Value::String(new));
            }
        }
        value
    }
}

/// An I/O error without the OS error number, which differs across systems.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The `components` section a reference site implies.
fn section_for(site: &str, pointer: &str) -> &'static str {
    let segs: Vec<&str> = pointer.split('/').collect();
    if segs.len() == 4 && segs[1] == "components" {
        for s in ["schemas", "parameters", "responses", "requestBodies", "headers", "examples", "pathItems"] {
            if segs[2] == s {
                return s;
            }
        }
    }
    let site_segs: Vec<&str> = site.split('/').collect();
    let last = site_segs.last().copied().unwrap_or_default();
    let parent = site_segs.len().checked_sub(2).and_then(|i| site_segs.get(i)).copied().unwrap_or_default();
    let in_schema =
        site.contains("/schema") || site.contains("/properties/") || site.starts_with("#/components/schemas/");
    match (parent, last) {
        (_, "requestBody") => "requestBodies",
        ("parameters", _) if !in_schema => "parameters",
        ("responses", _) if !in_schema => "responses",
        ("headers", _) if !in_schema => "headers",
        ("examples", _) if !in_schema => "examples",
        ("paths", _) => "pathItems",
        _ => "schemas",
    }
}

/// The name of an imported value: its pointer's last segment, else the file stem.
fn name_for(pointer: &str, file: &Path) -> String {
    let last = pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
    if !last.is_empty() {
        return last;
    }
    file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "External".into())
}

/// Reserve `#/components/<section>/<name>` (numbered when taken) with a placeholder.
fn claim(root: &mut Value, section: &str, name: &str) -> String {
    let Some(obj) = root.as_object_mut() else { return "#".into() };
    let components = obj.entry("components").or_insert_with(|| Value::Object(Map::new()));
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    let Some(components) = components.as_object_mut() else { return "#".into() };
    let items = components.entry(section).or_insert_with(|| Value::Object(Map::new()));
    if !items.is_object() {
        *items = Value::Object(Map::new());
    }
    let Some(items) = items.as_object_mut() else { return "#".into() };
    let mut candidate = name.to_string();
    let mut n = 2;
    while items.contains_key(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    items.insert(candidate.clone(), Value::Object(Map::new()));
    join_pointer(&format!("#/components/{section}"), &candidate)
}

fn percent_decode(s: &str) -> String {
    super::percent_decode(s)
}

/// `$id` and `$anchor` targets of the document, by what a `$ref` may say.
struct Ids {
    /// `$id` (as written, and its path without scheme and host) → pointer.
    ids: BTreeMap<String, String>,
    /// (`$id` of the enclosing resource or "" for the document, anchor) → pointer.
    anchors: BTreeMap<(String, String), String>,
}

impl Ids {
    fn of(root: &Value) -> Ids {
        let mut ids = Ids { ids: BTreeMap::new(), anchors: BTreeMap::new() };
        ids.walk(root, &mut String::from("#"), "");
        ids
    }

    /// `ptr` is the pointer of `v`, extended and restored in place.
    fn walk(&mut self, v: &Value, ptr: &mut String, resource: &str) {
        match v {
            Value::Object(m) => {
                let mut own = None;
                if let Some(Value::String(id)) = m.get("$id") {
                    let id = id.trim_end_matches('#').to_string();
                    self.ids.entry(id.clone()).or_insert_with(|| ptr.clone());
                    self.ids.entry(strip_authority(&id).to_string()).or_insert_with(|| ptr.clone());
                    own = Some(id);
                }
                let resource = own.as_deref().unwrap_or(resource);
                if let Some(Value::String(anchor)) = m.get("$anchor") {
                    self.anchors.entry((resource.to_string(), anchor.clone())).or_insert_with(|| ptr.clone());
                    self.anchors.entry((String::new(), anchor.clone())).or_insert_with(|| ptr.clone());
                }
                for (k, child) in m {
                    // Examples, defaults and enums are data.
                    if !(child.is_object() || child.is_array())
                        || matches!(k.as_str(), "example" | "examples" | "enum" | "const" | "default")
                        || k.starts_with("x-")
                    {
                        continue;
                    }
                    let len = ptr.len();
                    super::push_segment(ptr, k);
                    self.walk(child, ptr, resource);
                    ptr.truncate(len);
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    if child.is_object() || child.is_array() {
                        let len = ptr.len();
                        super::push_index(ptr, i);
                        self.walk(child, ptr, resource);
                        ptr.truncate(len);
                    }
                }
            }
            _ => {}
        }
    }

    /// The local pointer of `$ref` `reference`, when it names an `$id` or `$anchor`.
    fn resolve(&self, reference: &str) -> Option<String> {
        let (uri, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let uri = uri.trim_end_matches('#');
        let (resource, base) = if uri.is_empty() {
            (String::new(), "#".to_string())
        } else {
            let base = self.ids.get(uri).or_else(|| self.ids.get(strip_authority(uri)))?;
            (uri.to_string(), base.clone())
        };
        if fragment.is_empty() {
            return (!uri.is_empty()).then_some(base);
        }
        if fragment.starts_with('/') {
            let escaped: Vec<String> =
                fragment.split('/').skip(1).map(|s| escape_pointer(&s.replace("~1", "/").replace("~0", "~"))).collect();
            return Some(format!("{}/{}", base.trim_end_matches('/'), escaped.join("/")));
        }
        self.anchors
            .get(&(resource.clone(), fragment.to_string()))
            .or_else(|| self.anchors.get(&(strip_authority(&resource).to_string(), fragment.to_string())))
            .or_else(|| self.anchors.get(&(String::new(), fragment.to_string())))
            .cloned()
    }
}

/// `https://example.com/schemas/pet` → `/schemas/pet`.
fn strip_authority(uri: &str) -> &str {
    match uri.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => uri,
    }
}
