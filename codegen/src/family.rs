//! Feature-gated families: the rule that turns a `oneOf` keyed by a constant
//! property into one module per member, each behind its own cargo feature.
//!
//! This module owns the analysis (IR in, [`FamilyCrate`] out); it never sees
//! `quote`. The manifest says which unions are families (`[spec.families]`);
//! nothing here knows a spec. The rule, for a named union `U`:
//!
//! - every member of `U` (through aliases) is an object that *requires* one
//!   common property pinned to a single string value (`const`, or a
//!   one-value `enum`), distinct per member; that property is the family's
//!   tag. A member that breaks the rule is an error naming the member, so a
//!   defect is fixed in an overlay rather than silently dropped;
//! - each member becomes a module named from the member's union variant name
//!   (its title or schema name), with a cargo feature of the same name in
//!   kebab case; the member's object becomes `Config`, the types it alone
//!   reaches become the module's types, named without the member's prefix;
//!   types reached by several members go to a `shared` module compiled when
//!   any of them is on;
//! - inside a family, a union whose members all require one property pinned
//!   to distinct constants becomes a tagged union, and a struct's required
//!   constant property is no field at all: it is written on every encode.
//!
//! The result is a rewritten copy of the IR plus the module layout; the
//! original [`Api`] is left alone.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostics;
use crate::ir::*;
use crate::naming;

/// What the manifest asks for, with crate names resolved.
#[derive(Debug, Clone)]
pub struct FamiliesConfig {
    /// The generated crate's name.
    pub crate_name: String,
    /// The linked types crate (`airbyte-api-types`), when conversions are wanted.
    pub link_crate: Option<String>,
    pub families: Vec<FamilyConfig>,
}

#[derive(Debug, Clone)]
pub struct FamilyConfig {
    /// Component schema name of the union.
    pub union: String,
    /// Feature enabling every member.
    pub feature: String,
}

/// The analysed families crate: a rewritten IR and its module layout.
#[derive(Debug, Clone)]
pub struct FamilyCrate {
    pub crate_name: String,
    /// The document's IR with family types renamed and rewritten (see module docs).
    pub api: Api,
    pub families: Vec<FamilyDef>,
    /// Types reached by more than one member, with the features of the members reaching them.
    pub shared: Vec<(TypeId, Vec<String>)>,
    /// Structs whose one required constant property is written on every
    /// encode instead of being a field: `(wire name, value)`.
    pub constants: BTreeMap<TypeId, (String, String)>,
    /// Linked types crate and, per family (same order), what holds its union there.
    pub link: Option<Link>,
}

#[derive(Debug, Clone)]
pub struct FamilyDef {
    /// Rust name of the family enum (the union's type name).
    pub name: String,
    /// Component schema name.
    pub union: String,
    pub pointer: String,
    pub docs: Docs,
    /// Wire name of the tag property.
    pub property: String,
    pub feature: String,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone)]
pub struct Member {
    /// Module (snake case) and cargo feature (kebab case).
    pub module: String,
    pub feature: String,
    /// Variant of the family enum.
    pub variant: String,
    /// The tag value.
    pub tag: String,
    /// The member's object, named `Config` in its module.
    pub root: TypeId,
    /// Every type the module holds, root first, then in document order.
    pub types: Vec<TypeId>,
}

/// Where a family type lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Home {
    Module(String),
    Shared,
}

#[derive(Debug, Clone)]
pub struct Link {
    /// Crate name (`airbyte-api-types`).
    pub krate: String,
    /// The linked document's IR.
    pub api: Api,
    /// Per family, in order: the linked type of the union's name, if any.
    pub targets: Vec<Option<LinkTarget>>,
}

#[derive(Debug, Clone)]
pub struct LinkTarget {
    /// The linked type with the union's component name.
    pub union: TypeId,
    /// Linked structs holding it in a field.
    pub holders: Vec<Holder>,
}

#[derive(Debug, Clone)]
pub struct Holder {
    pub ty: TypeId,
    /// Index of the field holding the union.
    pub field: usize,
    /// Index of a sibling string field named like the family tag (a response's
    /// `sourceType`), used to decode the held value.
    pub tag_field: Option<usize>,
}

impl FamilyCrate {
    /// Where each family type is emitted.
    pub fn homes(&self) -> BTreeMap<TypeId, Home> {
        let mut out = BTreeMap::new();
        for f in &self.families {
            for m in &f.members {
                for t in &m.types {
                    out.insert(*t, Home::Module(m.module.clone()));
                }
            }
        }
        for (t, _) in &self.shared {
            out.insert(*t, Home::Shared);
        }
        out
    }

    pub fn member_count(&self) -> usize {
        self.families.iter().map(|f| f.members.len()).sum()
    }
}

/// Names the crate's own items take at its root.
const ROOT_RESERVED: &[&str] = &["support", "shared", "prelude", "all"];

/// Analyse `api` for the families `config` names. Problems go to `diags`.
pub fn analyse(api: &Api, config: &FamiliesConfig, linked: Option<&Api>, diags: &mut Diagnostics) -> FamilyCrate {
    let mut work = api.clone();
    let mut families = Vec::new();
    let mut modules = naming::Scope::with_reserved(ROOT_RESERVED);
    let mut features: BTreeSet<String> = config.families.iter().map(|f| f.feature.clone()).collect();
    let mut roots: Vec<(usize, TypeId)> = Vec::new();

    for (fi, fam) in config.families.iter().enumerate() {
        let Some(union) = api.types.iter().find(|t| t.component && t.origin == fam.union) else {
            diags
                .error(
                    format!("#/components/schemas/{}", crate::diag::escape_pointer(&fam.union)),
                    format!("family union `{}` is not a schema of this document", fam.union),
                )
                .with_help(
                    "name a component schema whose `oneOf` lists the family members in [[spec.families.family]]",
                );
            continue;
        };
        let variants: Vec<(String, Ty)> = match &union.kind {
            TypeKind::Untagged(u) if u.kind == UnionKind::OneOf => {
                u.variants.iter().map(|v| (v.name.clone(), v.ty.clone())).collect()
            }
            TypeKind::Tagged(t) => t.variants.iter().map(|v| (v.name.clone(), v.ty.clone())).collect(),
            _ => {
                diags
                    .error(union.pointer.clone(), format!("family union `{}` is not a `oneOf`", fam.union))
                    .with_help("a family is a `oneOf` whose members are objects keyed by a constant property");
                continue;
            }
        };
        let members: Vec<(String, Option<TypeId>)> =
            variants.iter().map(|(name, ty)| (name.clone(), struct_of(api, ty))).collect();
        let Some(property) = common_constant(api, &members) else {
            diags
                .error(
                    union.pointer.clone(),
                    format!(
                        "family union `{}`: its members do not all require one property pinned to a distinct constant",
                        fam.union
                    ),
                )
                .with_help(describe_members(api, &members));
            continue;
        };
        let mut out = Vec::new();
        for (variant, id) in &members {
            let Some(id) = *id else { continue };
            let Some(tag) = constant_of(api, id, &property) else { continue };
            // The member's schema name (for a `$ref` member, the name its title repeats) reads
            // best as a module (`source-100ms` → `source_100ms`); the variant name has lost its dashes.
            let root = api.ty(id);
            let stem = if root.component { root.origin.as_str() } else { variant.as_str() };
            let module = modules.claim(&naming::snake_ident(stem, "member"));
            let feature = module.replace('_', "-");
            if !features.insert(feature.clone()) {
                diags.error(
                    union.pointer.clone(),
                    format!("member `{variant}` of `{}` would take feature `{feature}`, already used", fam.union),
                );
                continue;
            }
            roots.push((fi, id));
            out.push(Member { module, feature, variant: variant.clone(), tag, root: id, types: Vec::new() });
        }
        families.push(FamilyDef {
            name: union.name.clone(),
            union: fam.union.clone(),
            pointer: union.pointer.clone(),
            docs: union.docs.clone(),
            property,
            feature: fam.feature.clone(),
            members: out,
        });
    }

    // Nested const-keyed unions become tagged, then constants leave the structs.
    let all_roots: Vec<TypeId> = families.iter().flat_map(|f| f.members.iter().map(|m| m.root)).collect();
    let closure = reach(&work, &all_roots);
    for id in &closure {
        tag_const_union(&mut work, *id);
    }
    let mut constants = BTreeMap::new();
    for id in &closure {
        let prefer = families.iter().find(|f| f.members.iter().any(|m| m.root == *id)).map(|f| f.property.clone());
        if let Some(c) = take_constant(&mut work, *id, prefer.as_deref()) {
            constants.insert(*id, c);
        }
    }

    // Ownership: which members reach each type once constants are gone.
    let mut reached_by: BTreeMap<TypeId, Vec<(usize, usize)>> = BTreeMap::new();
    for (fi, f) in families.iter().enumerate() {
        for (mi, m) in f.members.iter().enumerate() {
            for t in reach(&work, &[m.root]) {
                reached_by.entry(t).or_default().push((fi, mi));
            }
        }
    }
    let mut shared = Vec::new();
    for (t, by) in &reached_by {
        if by.len() == 1 {
            let (fi, mi) = by[0];
            families[fi].members[mi].types.push(*t);
        } else {
            let mut fs: Vec<String> = by.iter().map(|(fi, mi)| families[*fi].members[*mi].feature.clone()).collect();
            fs.sort();
            fs.dedup();
            shared.push((*t, fs));
        }
    }

    // Names: `Config` for the root, the rest without the root's prefix.
    let shared_names: Vec<String> = shared.iter().map(|(t, _)| work.ty(*t).name.clone()).collect();
    for f in &mut families {
        for m in &mut f.members {
            // A root reached by another member is shared; the module then re-exports it.
            m.types.sort_by_key(|t| (*t != m.root, *t));
            let prefix = api.ty(m.root).name.clone();
            let mut reserved: Vec<&str> = vec!["Config"];
            reserved.extend(shared_names.iter().map(String::as_str));
            let mut scope = naming::Scope::with_reserved(&reserved);
            for t in &m.types {
                let old = api.ty(*t).name.clone();
                let new = if *t == m.root {
                    "Config".to_string()
                } else {
                    match old.strip_prefix(&prefix) {
                        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => scope.claim(rest),
                        _ => scope.claim(&old),
                    }
                };
                work.types[t.index()].name = new;
            }
        }
    }

    let link = match (&config.link_crate, linked) {
        (Some(krate), Some(l)) => Some(Link {
            krate: krate.clone(),
            targets: families.iter().map(|f| link_target(l, &f.union, &f.property)).collect(),
            api: l.clone(),
        }),
        _ => None,
    };
    FamilyCrate { crate_name: config.crate_name.clone(), api: work, families, shared, constants, link }
}

/// The struct a union member is, through aliases.
fn struct_of(api: &Api, ty: &Ty) -> Option<TypeId> {
    match api.resolve_alias(ty) {
        Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Struct(_)) => Some(*id),
        _ => None,
    }
}

/// The single string value a required, non-nullable field of `id` is pinned to.
fn constant_of(api: &Api, id: TypeId, wire: &str) -> Option<String> {
    let TypeKind::Struct(s) = &api.ty(id).kind else { return None };
    let f = s.fields.iter().find(|f| f.wire == wire)?;
    if !f.required || f.nullable {
        return None;
    }
    single_value(api, &f.ty)
}

fn single_value(api: &Api, ty: &Ty) -> Option<String> {
    match api.resolve_alias(ty) {
        Ty::Named(id) => match &api.ty(*id).kind {
            TypeKind::Enum(e) if e.variants.len() == 1 => Some(e.variants[0].wire.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The property every member requires with a distinct constant, in the first member's field order.
fn common_constant(api: &Api, members: &[(String, Option<TypeId>)]) -> Option<String> {
    if members.is_empty() {
        return None;
    }
    let ids: Vec<TypeId> = members.iter().map(|(_, id)| *id).collect::<Option<_>>()?;
    let TypeKind::Struct(first) = &api.ty(ids[0]).kind else { return None };
    'candidates: for f in &first.fields {
        let mut seen = BTreeSet::new();
        for id in &ids {
            match constant_of(api, *id, &f.wire) {
                Some(v) if seen.insert(v.clone()) => {}
                _ => continue 'candidates,
            }
        }
        return Some(f.wire.clone());
    }
    None
}

fn describe_members(api: &Api, members: &[(String, Option<TypeId>)]) -> String {
    let not_objects: Vec<&str> = members.iter().filter(|(_, id)| id.is_none()).map(|(n, _)| n.as_str()).collect();
    if !not_objects.is_empty() {
        return format!("members that are not objects: {}", not_objects.join(", "));
    }
    // Name the members lacking the property most members pin, so an overlay can fix them.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, id) in members {
        if let Some(TypeKind::Struct(s)) = id.map(|id| &api.ty(id).kind) {
            for f in &s.fields {
                if single_value(api, &f.ty).is_some() {
                    *counts.entry(f.wire.as_str()).or_default() += 1;
                }
            }
        }
    }
    let Some((best, _)) = counts.iter().max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k))) else {
        return "no member has a constant property".to_string();
    };
    let lacking: Vec<String> = members
        .iter()
        .filter(|(_, id)| id.is_none_or(|id| constant_of(api, id, best).is_none()))
        .map(|(n, id)| id.map_or_else(|| n.clone(), |id| api.ty(id).pointer.clone()))
        .collect();
    format!(
        "`{best}` is pinned by most members; these do not require it with one value: {}; fix them in an overlay",
        lacking.join(", ")
    )
}

/// Every type reachable from `roots`, in id order.
fn reach(api: &Api, roots: &[TypeId]) -> Vec<TypeId> {
    let seen = api.reachable(roots.iter().copied());
    seen.iter().enumerate().filter(|(_, hit)| **hit).map(|(i, _)| TypeId(i as u32)).collect()
}

/// A `oneOf` whose members all require one property with distinct constants
/// decodes by that property rather than by trial.
fn tag_const_union(api: &mut Api, id: TypeId) {
    let TypeKind::Untagged(u) = &api.ty(id).kind else { return };
    if u.kind != UnionKind::OneOf || u.variants.len() < 2 {
        return;
    }
    let members: Vec<(String, Option<TypeId>)> =
        u.variants.iter().map(|v| (v.name.clone(), struct_of(api, &v.ty))).collect();
    let Some(property) = common_constant(api, &members) else { return };
    let mut scope = naming::Scope::new();
    let mut variants = Vec::new();
    for (v, (_, sid)) in u.variants.iter().zip(&members) {
        let Some(tag) = sid.and_then(|s| constant_of(api, s, &property)) else { return };
        scope.claim(&v.name);
        variants.push(TaggedVariant { name: v.name.clone(), tags: vec![tag], ty: v.ty.clone() });
    }
    let catch_all = scope.claim("Unknown");
    api.types[id.index()].kind = TypeKind::Tagged(Tagged { property, variants, catch_all, untagged_fallback: false });
}

/// Remove a struct's required constant field (the preferred one, else the
/// first), returning `(wire, value)`.
fn take_constant(api: &mut Api, id: TypeId, prefer: Option<&str>) -> Option<(String, String)> {
    let TypeKind::Struct(s) = &api.ty(id).kind else { return None };
    let candidates: Vec<(usize, String, String)> = s
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.required && !f.nullable)
        .filter_map(|(i, f)| single_value(api, &f.ty).map(|v| (i, f.wire.clone(), v)))
        .collect();
    let chosen =
        candidates.iter().find(|(_, w, _)| Some(w.as_str()) == prefer).or_else(|| candidates.first()).cloned()?;
    let (index, wire, value) = chosen;
    if let TypeKind::Struct(s) = &mut api.types[id.index()].kind {
        s.fields.remove(index);
    }
    Some((wire, value))
}

/// The linked document's type named like the union, and the structs holding it.
fn link_target(linked: &Api, union: &str, property: &str) -> Option<LinkTarget> {
    let target = linked.types.iter().find(|t| t.component && t.origin == union)?.id;
    let mut holders = Vec::new();
    for t in &linked.types {
        let TypeKind::Struct(s) = &t.kind else { continue };
        let Some(field) = s.fields.iter().position(|f| strip_option(&f.ty) == &Ty::Named(target)) else { continue };
        let tag_field = s
            .fields
            .iter()
            .position(|f| f.wire == property && f.required && linked.resolve_alias(&f.ty) == &Ty::String);
        holders.push(Holder { ty: t.id, field, tag_field });
    }
    Some(LinkTarget { union: target, holders })
}

fn strip_option(ty: &Ty) -> &Ty {
    match ty {
        Ty::Option(i) => strip_option(i),
        _ => ty,
    }
}

/// Keep only what the named component schemas reach (through `$ref`s and
/// discriminator mappings): the document's `openapi`, `info`, and those
/// schemas. Paths, other components and document security go.
pub fn prune_to(raw: &mut serde_json::Value, roots: &[&str]) {
    let Some(schemas) = raw.pointer("/components/schemas").and_then(serde_json::Value::as_object) else { return };
    let mut keep: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = roots.iter().map(|r| r.to_string()).collect();
    while let Some(name) = stack.pop() {
        if !keep.insert(name.clone()) {
            continue;
        }
        if let Some(s) = schemas.get(&name) {
            refs_in(s, &mut stack);
        }
    }
    let kept: serde_json::Map<String, serde_json::Value> =
        schemas.iter().filter(|(k, _)| keep.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    if let Some(obj) = raw.as_object_mut() {
        obj.retain(|k, _| matches!(k.as_str(), "openapi" | "info" | "jsonSchemaDialect"));
        obj.insert("paths".into(), serde_json::Value::Object(Default::default()));
        let mut components = serde_json::Map::new();
        components.insert("schemas".into(), serde_json::Value::Object(kept));
        obj.insert("components".into(), serde_json::Value::Object(components));
    }
}

fn refs_in(v: &serde_json::Value, out: &mut Vec<String>) {
    const PREFIX: &str = "#/components/schemas/";
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                match (k.as_str(), x) {
                    ("$ref", serde_json::Value::String(r)) => {
                        if let Some(name) = r.strip_prefix(PREFIX) {
                            out.push(name.replace("~1", "/").replace("~0", "~"));
                        }
                    }
                    ("mapping", serde_json::Value::Object(m)) => {
                        for target in m.values().filter_map(serde_json::Value::as_str) {
                            out.push(
                                target.strip_prefix(PREFIX).unwrap_or(target).replace("~1", "/").replace("~0", "~"),
                            );
                        }
                    }
                    _ => refs_in(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| refs_in(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::emit::CrateNames;
    use crate::SpecInput;

    const PETS: &str = r##"
openapi: 3.1.0
info: {title: pets, version: "1"}
paths: {}
components:
  schemas:
    Unrelated: {type: object, properties: {a: {type: string}}}
    Pet:
      oneOf:
        - {title: pet-cat, $ref: "#/components/schemas/pet-cat"}
        - {title: pet-dog, $ref: "#/components/schemas/pet-dog"}
    pet-cat:
      type: object
      required: [kind, name]
      properties:
        kind: {const: cat, type: string}
        name: {type: string}
        lives: {type: integer, default: 9}
    pet-dog:
      type: object
      required: [kind, collar]
      properties:
        kind: {const: dog, type: string}
        collar:
          oneOf:
            - {title: leather, type: object, required: [type], properties: {type: {const: leather}}}
            - {title: chain, type: object, required: [type, links], properties: {type: {const: chain}, links: {type: integer}}}
"##;

    fn config() -> super::FamiliesConfig {
        super::FamiliesConfig {
            crate_name: "pets-families".into(),
            link_crate: None,
            families: vec![super::FamilyConfig { union: "Pet".into(), feature: "all-pets".into() }],
        }
    }

    fn run(doc: &str) -> Result<super::FamilyCrate, String> {
        run_with(doc, &config())
    }

    fn run_with(doc: &str, config: &super::FamiliesConfig) -> Result<super::FamilyCrate, String> {
        let input = SpecInput {
            file: "pets.yaml".into(),
            bytes: doc.as_bytes().to_vec(),
            overlays: Vec::new(),
            crates: CrateNames::from_stem("pets"),
        };
        crate::load_families(&input, config, None).map(|r| r.0).map_err(|e| match e {
            crate::Error::Spec(d) => d.to_string(),
            other => other.to_string(),
        })
    }

    #[test]
    fn const_keyed_union_becomes_a_family() {
        let fc = run(PETS).unwrap();
        let f = &fc.families[0];
        assert_eq!(f.property, "kind");
        let members: Vec<(&str, &str, &str)> =
            f.members.iter().map(|m| (m.module.as_str(), m.feature.as_str(), m.tag.as_str())).collect();
        assert_eq!(members, [("pet_cat", "pet-cat", "cat"), ("pet_dog", "pet-dog", "dog")]);
        // Pruned: schemas no family reaches are not in the IR.
        assert!(!fc.api.types.iter().any(|t| t.origin == "Unrelated"));
        // The root is `Config` without its tag field; the nested const-keyed union is tagged.
        let dog = &f.members[1];
        let root = fc.api.ty(dog.root);
        assert_eq!(root.name, "Config");
        assert_eq!(fc.constants.get(&dog.root), Some(&("kind".to_string(), "dog".to_string())));
        let names: Vec<&str> = dog.types.iter().map(|t| fc.api.ty(*t).name.as_str()).collect();
        assert_eq!(names, ["Config", "Collar", "CollarLeather", "CollarChain"]);
        let collar = dog.types.iter().map(|t| fc.api.ty(*t)).find(|t| t.name == "Collar").unwrap();
        assert!(matches!(&collar.kind, crate::ir::TypeKind::Tagged(t) if t.property == "type"));
        let files = crate::emit::families::emit(&fc).unwrap();
        let cargo = files.iter().find(|f| f.path.ends_with("Cargo.toml")).unwrap();
        assert!(cargo.contents.contains("all-pets = [\"pet-cat\", \"pet-dog\"]\npet-cat = []\npet-dog = []\n"));
        let cat = files.iter().find(|f| f.path.ends_with("pet_cat.rs")).unwrap();
        assert!(cat.contents.contains("#[serde(tag = \"kind\", rename = \"cat\")]"), "{}", cat.contents);
        assert!(cat.contents.contains("pub fn new(name: ::std::string::String) -> Self"), "{}", cat.contents);
    }

    #[test]
    fn a_member_without_the_tag_is_an_error_naming_it() {
        let doc = PETS.replace("required: [kind, collar]", "required: [collar]");
        let err = run(&doc).unwrap_err();
        assert!(err.contains("do not all require one property pinned to a distinct constant"), "{err}");
        assert!(err.contains("#/components/schemas/pet-dog"), "{err}");
        let mut c = config();
        c.families[0].union = "Nope".into();
        let missing = run_with(PETS, &c).map(|_| ()).unwrap_err();
        assert!(missing.contains("family union `Nope` is not a schema of this document"), "{missing}");
    }
}
