//! Per-tag cargo features: which operations each tag of a document turns on,
//! and which types those operations need.
//!
//! A large API is rarely used whole. With tag features on (the manifest's
//! `tag_features`, or [`crate::SpecInput::tag_features`]), every tag becomes a
//! cargo feature of the types, client and server crates; an operation is
//! compiled when one of its tags is on, a type when an operation that is on
//! reaches it through the type graph. Operations without a tag share one
//! feature, and so do types no operation reaches, so that every item stays
//! reachable from some feature; the `all-tags` feature (the default) turns on
//! every one. The rule is in ARCHITECTURE.md, "Per-tag features".

use std::collections::BTreeSet;

use crate::ir::{Api, Operation, Ty, TypeId};
use crate::naming;

/// The feature that turns on every tag (and the default feature set).
pub const ALL_FEATURE: &str = "all-tags";
/// The feature of operations that carry no tag.
pub const UNTAGGED_FEATURE: &str = "untagged";
/// The feature of types that no operation reaches.
pub const UNREFERENCED_FEATURE: &str = "unreferenced-types";

/// Feature names cargo or the generated crates give a meaning of their own.
const RESERVED: &[&str] = &["default", ALL_FEATURE, UNTAGGED_FEATURE, UNREFERENCED_FEATURE];

/// One cargo feature: its name and the tag it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    pub name: String,
    /// The tag as written in the document; `None` for the shared features
    /// ([`UNTAGGED_FEATURE`], [`UNREFERENCED_FEATURE`]).
    pub tag: Option<String>,
    /// How many operations this feature turns on.
    pub operations: usize,
}

/// Which features gate which items of one API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeatures {
    /// In first-use order of the document's operations, then the shared ones.
    pub features: Vec<TagFeature>,
    /// Per operation (index into [`Api::operations`]): indices into `features`.
    pub operations: Vec<Vec<usize>>,
    /// Per type (index into [`Api::types`]): indices into `features`; `None`
    /// when every feature reaches the type, so it needs no gate.
    pub types: Vec<Option<Vec<usize>>>,
}

impl TagFeatures {
    /// The cargo feature names gating operation `index`.
    pub fn operation_features(&self, index: usize) -> Vec<&str> {
        self.operations.get(index).map_or_else(Vec::new, |f| self.names(f))
    }

    /// The cargo feature names gating type `id`; empty when it is always compiled.
    pub fn type_features(&self, id: TypeId) -> Vec<&str> {
        match self.types.get(id.index()) {
            Some(Some(f)) => self.names(f),
            _ => Vec::new(),
        }
    }

    fn names(&self, indices: &[usize]) -> Vec<&str> {
        indices.iter().filter_map(|&i| self.features.get(i)).map(|f| f.name.as_str()).collect()
    }
}

/// Every use-site shape an operation's parameters, bodies and headers hold.
pub fn held_by_operation(op: &Operation) -> Vec<&Ty> {
    let mut tys: Vec<&Ty> = op.parameters.iter().map(|p| &p.ty).collect();
    if let Some(body) = &op.request_body {
        tys.extend(body.content.iter().filter_map(|m| m.ty.as_ref()));
    }
    for r in &op.responses {
        tys.extend(r.content.iter().filter_map(|m| m.ty.as_ref()));
        tys.extend(r.headers.iter().map(|h| &h.ty));
    }
    tys
}

/// The features of `api`: one per tag, in order of first use, named through
/// [`naming::feature_name`], then the shared ones the document needs.
pub fn tag_features(api: &Api) -> TagFeatures {
    let mut features: Vec<TagFeature> = Vec::new();
    let mut scope = naming::Scope::with_reserved(RESERVED);
    let mut by_tag: Vec<(String, usize)> = Vec::new();
    let mut untagged: Option<usize> = None;
    let mut operations = Vec::with_capacity(api.operations.len());
    for op in &api.operations {
        let mut mine = BTreeSet::new();
        for tag in &op.tags {
            let index = match by_tag.iter().find(|(t, _)| t == tag) {
                Some(&(_, i)) => i,
                None => {
                    let name = scope.claim_feature(&naming::feature_name(tag));
                    features.push(TagFeature { name, tag: Some(tag.clone()), operations: 0 });
                    by_tag.push((tag.clone(), features.len() - 1));
                    features.len() - 1
                }
            };
            mine.insert(index);
        }
        if mine.is_empty() {
            let index = *untagged.get_or_insert_with(|| {
                features.push(TagFeature { name: UNTAGGED_FEATURE.to_string(), tag: None, operations: 0 });
                features.len() - 1
            });
            mine.insert(index);
        }
        for &i in &mine {
            if let Some(f) = features.get_mut(i) {
                f.operations += 1;
            }
        }
        operations.push(mine.into_iter().collect::<Vec<usize>>());
    }

    // Which features reach each type: one graph walk per feature, so the
    // cost is features × types, never operations × types.
    let mut reached: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
    for feature in 0..features.len() {
        let mut roots = Vec::new();
        for (op, gates) in api.operations.iter().zip(&operations) {
            if gates.contains(&feature) {
                for ty in held_by_operation(op) {
                    ty.named(&mut roots);
                }
            }
        }
        for (set, hit) in reached.iter_mut().zip(api.reachable(roots)) {
            if hit {
                set.insert(feature);
            }
        }
    }
    let unreferenced = reached.iter().any(BTreeSet::is_empty).then(|| {
        features.push(TagFeature { name: UNREFERENCED_FEATURE.to_string(), tag: None, operations: 0 });
        features.len() - 1
    });
    let every = features.len();
    let types = reached
        .into_iter()
        .map(|set| match (set.len(), unreferenced) {
            (0, Some(u)) => Some(vec![u]),
            (n, _) if n == every => None,
            _ => Some(set.into_iter().collect()),
        })
        .collect();
    TagFeatures { features, operations, types }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(yaml: &str) -> Api {
        let input = crate::SpecInput {
            file: "t.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
            overlays: vec![],
            crates: crate::emit::CrateNames::from_stem("t"),
        };
        match crate::load_api(&input) {
            Ok((api, ..)) => api,
            Err(e) => panic!("fixture does not load: {e}"),
        }
    }

    /// `expect`: one line per feature (`name: operations`), then one per
    /// named type (`Type: features`, `-` when ungated).
    fn check(yaml: &str, expect: &str) {
        let api = api(yaml);
        let f = tag_features(&api);
        let mut got = String::new();
        for (i, feature) in f.features.iter().enumerate() {
            let ops: Vec<&str> = api
                .operations
                .iter()
                .zip(&f.operations)
                .filter(|(_, gates)| gates.contains(&i))
                .map(|(op, _)| op.id.as_str())
                .collect();
            got.push_str(format!("{}: {}", feature.name, ops.join(" ")).trim_end());
            got.push('\n');
        }
        for t in &api.types {
            let gates = f.type_features(t.id);
            got.push_str(&format!("{}: {}\n", t.name, if gates.is_empty() { "-".into() } else { gates.join(" ") }));
        }
        assert_eq!(got.trim(), expect.trim(), "\n{got}");
    }

    const DOC: &str = r#"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /a:
    post:
      operationId: createA
      tags: [Connection Things]
      requestBody:
        content: { application/json: { schema: { $ref: '#/components/schemas/A' } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Shared' } } } }
  /b:
    get:
      operationId: getB
      tags: [workspace, connection_things]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/B' } } } } }
  /c:
    get:
      operationId: health
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Shared' } } } }
components:
  schemas:
    A: { type: object, properties: { inner: { $ref: '#/components/schemas/Inner' } } }
    Inner: { type: string, enum: [x, y] }
    B: { type: object, properties: { shared: { $ref: '#/components/schemas/Shared' } } }
    Shared: { type: object, properties: { n: { type: integer } } }
    Orphan: { type: object, properties: { s: { type: string } } }
"#;

    #[test]
    fn features_follow_tags_and_the_type_graph() {
        check(
            DOC,
            "
connection-things: createA
workspace: getB
connection-things-2: getB
untagged: health
unreferenced-types:
A: connection-things
B: workspace connection-things-2
Inner: connection-things
Orphan: unreferenced-types
Shared: connection-things workspace connection-things-2 untagged
",
        );
    }

    #[test]
    fn a_type_every_feature_reaches_has_no_gate() {
        check(
            r#"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /a:
    get:
      operationId: one
      tags: [a]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/S' } } } }
  /b:
    get:
      operationId: two
      tags: [b]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/S' } } } }
components:
  schemas:
    S: { type: object, properties: { n: { type: integer } } }
"#,
            "
a: one
b: two
S: -
",
        );
    }
}
