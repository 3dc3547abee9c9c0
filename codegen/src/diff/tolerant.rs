//! Loading a version for comparison whatever its defects.
//!
//! Generation refuses a document with a dangling `$ref`, a duplicate
//! operationId, a part that does not deserialise…; a diff must
//! not, because the versions it compares are history nobody can fix. So a
//! version that parses is repaired just enough to build the IR, and every
//! repair becomes a [`Defect`] the report shows as a warning:
//!
//! - a `$ref` that cannot be followed (dangling, external, looping) is
//!   replaced by a reference to a synthetic, free-form component named after
//!   the reference text: both versions then hold an opaque value that the
//!   walker compares by that text (`unresolved-ref-changed` when it differs);
//! - a component or document part that does not deserialise is dropped
//!   (references to it then become opaque as above);
//! - errors of the IR stage do not stop the comparison: the IR is built
//!   anyway, as for generation, and the errors are reported as defects.
//!
//! Only bytes that do not parse as a JSON or YAML OpenAPI 3.x document are a
//! [`super::LoadError`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::diag::{join_pointer, Diagnostics, Level};
use crate::ir::TypeId;
use crate::load::refs::{self, Unresolved};

/// Something wrong with one version that generation would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    /// `unresolved-ref` or `spec-defect`.
    pub id: &'static str,
    pub pointer: String,
    pub message: String,
}

/// Prefix of the synthetic component names holding unresolved references.
const OPAQUE_PREFIX: &str = "x-diff-unresolved-ref-";

/// What the repairs left: defects, and the synthetic components by name with
/// the reference text each stands for.
#[derive(Default)]
pub(super) struct Repairs {
    pub defects: Vec<Defect>,
    pub opaque: BTreeMap<String, String>,
}

impl Repairs {
    /// Replace every reference that cannot be followed by a stand-in.
    pub(super) fn unresolved_refs(&mut self, doc: &mut Value) {
        // Replacing one reference can resolve a chain another one was part
        // of; a few rounds settle it.
        for _ in 0..4 {
            let found = refs::unresolved(doc);
            if found.is_empty() {
                return;
            }
            for (at, target, why) in found {
                let why = match why {
                    Unresolved::External => "is external (not supported)".to_string(),
                    Unresolved::Dangling => "points to nothing".to_string(),
                    Unresolved::Cycle(c) => format!("never reaches a value ({})", c.join(" → ")),
                };
                self.defects.push(Defect {
                    id: "unresolved-ref",
                    pointer: at.clone(),
                    message: format!("`$ref` `{target}` {why}; compared as an opaque value by its reference text"),
                });
                let stand_in = self.stand_in(doc, &at, &target);
                if let Some(slot) = doc.pointer_mut(&decode(&at)) {
                    *slot = stand_in;
                }
            }
        }
    }

    /// A reference to the synthetic component for `target`, created on first use.
    fn opaque_ref(&mut self, doc: &mut Value, target: &str) -> Value {
        let name = match self.opaque.iter().find(|(_, t)| t.as_str() == target) {
            Some((n, _)) => n.clone(),
            None => {
                let n = format!("{OPAQUE_PREFIX}{}", self.opaque.len() + 1);
                self.opaque.insert(n.clone(), target.to_string());
                n
            }
        };
        if let Some(root) = doc.as_object_mut() {
            let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Some(c) = components.as_object_mut() {
                let schemas = c.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
                if let Some(s) = schemas.as_object_mut() {
                    s.entry(name.clone())
                        .or_insert_with(|| json!({ "description": format!("unresolved reference `{target}`") }));
                }
            }
        }
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    /// What replaces an unresolvable reference at `at`, by the kind of
    /// object that position holds.
    fn stand_in(&mut self, doc: &mut Value, at: &str, target: &str) -> Value {
        let segs: Vec<String> = at.trim_start_matches('#').split('/').skip(1).map(unescape).collect();
        let n = segs.len();
        let seg = |i: usize| -> &str {
            if i < n {
                segs[n - 1 - i].as_str()
            } else {
                ""
            }
        };
        let in_component = |section: &str| n == 3 && segs[0] == "components" && segs[1] == section;
        let listed = |key: &str| seg(1) == key && seg(2) != "properties";
        let body =
            |me: &mut Self, doc: &mut Value| json!({ "application/json": { "schema": me.opaque_ref(doc, target) } });
        if in_component("parameters") || (listed("parameters") && seg(0).parse::<usize>().is_ok()) {
            // A parameter named by the reference text: the same reference on
            // both sides is the same parameter.
            json!({ "name": target, "in": "query", "schema": self.opaque_ref(doc, target) })
        } else if in_component("responses") || listed("responses") {
            json!({ "description": format!("unresolved reference `{target}`"), "content": body(self, doc) })
        } else if in_component("requestBodies") || (seg(0) == "requestBody" && seg(1) != "properties") {
            json!({ "content": body(self, doc) })
        } else if in_component("headers") || listed("headers") {
            json!({ "schema": self.opaque_ref(doc, target) })
        } else if (n == 2 && matches!(segs[0].as_str(), "paths" | "webhooks"))
            || in_component("pathItems")
            || listed("examples")
            || listed("links")
            || listed("callbacks")
        {
            Value::Object(Map::new())
        } else if in_component("securitySchemes") {
            json!({ "type": "http", "scheme": "unresolved" })
        } else {
            self.opaque_ref(doc, target)
        }
    }

    /// Drop what the loader could not read (its errors are in `diags`) so a
    /// retry can go further; false when nothing could be done.
    pub(super) fn drop_unreadable(&mut self, doc: &mut Value, diags: &Diagnostics) -> bool {
        let mut changed = false;
        for d in diags.iter().filter(|d| d.level == Level::Error) {
            let ptr = d.pointer.as_str();
            let segs: Vec<String> = ptr.trim_start_matches('#').split('/').skip(1).map(unescape).collect();
            let removed = match segs.as_slice() {
                // A required top-level part that is missing or wrong.
                [] if d.message.contains("`info`") || d.message.contains("missing field `info`") => {
                    set(doc, "info", json!({ "title": "", "version": "" }))
                }
                [] => false,
                [top] if top == "openapi" => false,
                [top] if top == "info" => set(doc, "info", json!({ "title": "", "version": "" })),
                [top] if top == "paths" => set(doc, "paths", Value::Object(Map::new())),
                [c, section, name, ..] if c == "components" => {
                    remove(doc, &["components", section.as_str(), name.as_str()])
                }
                [p, path, ..] if p == "paths" || p == "webhooks" => remove(doc, &[p.as_str(), path.as_str()]),
                [top, ..] => remove(doc, &[top.as_str()]),
            };
            if removed {
                let what = match segs.as_slice() {
                    [c, section, name, ..] if c == "components" => join_pointer(&format!("#/{c}/{section}"), name),
                    [p, path, ..] if p == "paths" || p == "webhooks" => join_pointer(&format!("#/{p}"), path),
                    [top, ..] => join_pointer("#", top),
                    [] => "#".to_string(),
                };
                self.defects.push(Defect {
                    id: "spec-defect",
                    pointer: ptr.to_string(),
                    message: format!("{}; {what} left out of the comparison", d.message),
                });
                changed = true;
            }
        }
        changed
    }

    /// The IR stage's errors, which generation refuses and a diff reports.
    pub(super) fn ir_errors(&mut self, diags: &Diagnostics) {
        for d in diags.iter().filter(|d| d.level == Level::Error) {
            let known = self.defects.iter().any(|x| x.pointer == d.pointer && x.id == "unresolved-ref");
            if !known {
                self.defects.push(Defect { id: "spec-defect", pointer: d.pointer.clone(), message: d.message.clone() });
            }
        }
    }

    /// Map synthetic component names to the types the IR made of them.
    pub(super) fn opaque_types(&self, api: &crate::ir::Api) -> BTreeMap<TypeId, String> {
        api.types
            .iter()
            .filter(|t| t.component)
            .filter_map(|t| self.opaque.get(&t.origin).map(|r| (t.id, r.clone())))
            .collect()
    }
}

fn set(doc: &mut Value, key: &str, v: Value) -> bool {
    match doc.as_object_mut() {
        Some(o) => {
            o.insert(key.to_string(), v);
            true
        }
        None => false,
    }
}

fn remove(doc: &mut Value, path: &[&str]) -> bool {
    let Some((last, parents)) = path.split_last() else { return false };
    let mut cur = doc;
    for p in parents {
        match cur.get_mut(*p) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    cur.as_object_mut().is_some_and(|o| o.remove(*last).is_some())
}

fn unescape(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// A `#/a/b` pointer as `serde_json::Value::pointer_mut` takes it.
fn decode(at: &str) -> String {
    at.trim_start_matches('#').to_string()
}
