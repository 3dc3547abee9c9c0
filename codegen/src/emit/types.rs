//! The types crate: one Rust type per named schema.
//!
//! Structs for objects, enums with a catch-all for string enums and tagged
//! unions, `#[serde(untagged)]` enums for other unions, aliases for the rest.
//! The presence mapping (required/optional × nullable) is in ARCHITECTURE.md.
//! Plain structs get their serde impls from the support module's
//! `plain_struct!` rather than serde's derive, for build time (ARCHITECTURE.md,
//! "Build time").

use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::{doc_lines, format_rust, format_rust_parts, header, ident, CrateNames, EmitError, GeneratedFile, Part};
use crate::ir::*;
use crate::tags::TagFeatures;

/// How use sites outside the types crate name its types (`types::Foo`).
pub fn rust_ty(api: &Api, ty: &Ty, prefix: &TokenStream) -> TokenStream {
    match ty {
        Ty::Any => quote!(::serde_json::Value),
        Ty::Object => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        Ty::Bool => quote!(bool),
        Ty::String | Ty::Base64 | Ty::Binary => quote!(::std::string::String),
        Ty::Int(k) => match k {
            IntKind::I8 => quote!(i8),
            IntKind::I16 => quote!(i16),
            IntKind::I32 => quote!(i32),
            IntKind::I64 => quote!(i64),
            IntKind::U8 => quote!(u8),
            IntKind::U16 => quote!(u16),
            IntKind::U32 => quote!(u32),
            IntKind::U64 => quote!(u64),
        },
        Ty::Float(FloatKind::F32) => quote!(f32),
        Ty::Float(FloatKind::F64) => quote!(f64),
        Ty::Uuid => quote!(::uuid::Uuid),
        Ty::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Ty::Date => quote!(::chrono::NaiveDate),
        Ty::Named(id) => {
            let name = ident(&api.ty(*id).name);
            quote!(#prefix #name)
        }
        Ty::Array(inner) => {
            let inner = rust_ty(api, inner, prefix);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_ty(api, inner, prefix);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = rust_ty(api, inner, prefix);
            quote!(::std::option::Option<#inner>)
        }
    }
}

/// Which external crates a shape needs.
fn deps_of(ty: &Ty, out: &mut BTreeSet<&'static str>) {
    match ty {
        Ty::Uuid => {
            out.insert("uuid");
        }
        Ty::DateTime | Ty::Date => {
            out.insert("chrono");
        }
        Ty::Array(i) | Ty::Map(i) | Ty::Option(i) => deps_of(i, out),
        _ => {}
    }
}

/// The named type a use site holds directly (not through a heap container).
fn direct_target(ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => Some(*id),
        Ty::Option(inner) => direct_target(inner),
        _ => None,
    }
}

fn direct_deps(t: &TypeDef) -> Vec<TypeId> {
    let tys: Vec<&Ty> = match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().chain(&s.flattened).map(|f| &f.ty).collect(),
        TypeKind::Tagged(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Untagged(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::Enum(_) => vec![],
    };
    tys.into_iter().filter_map(direct_target).collect()
}

/// Edges `from → to` that close a cycle of by-value containment and so need a `Box`.
pub fn boxed_edges(api: &Api) -> BTreeSet<(TypeId, TypeId)> {
    let deps: Vec<Vec<TypeId>> = api.types.iter().map(direct_deps).collect();
    let mut out = BTreeSet::new();
    for t in &api.types {
        for &to in &deps[t.id.index()] {
            if reaches(&deps, to, t.id) {
                out.insert((t.id, to));
            }
        }
    }
    out
}

/// Every named type a type holds (through any wrapper), with how deep: the
/// compiler's proofs about a type (auto traits such as `Send`, drop check)
/// recurse once per field and per wrapper (`Option`, `Box`, `Vec`,
/// `BTreeMap`…, the collections through several private layers).
fn weighted_deps(t: &TypeDef) -> Vec<(TypeId, u64)> {
    fn walk(ty: &Ty, depth: u64, out: &mut Vec<(TypeId, u64)>) {
        match ty {
            Ty::Named(id) => out.push((*id, depth + 2)), // + a possible `Box`
            Ty::Option(inner) => walk(inner, depth + 1, out),
            Ty::Array(inner) | Ty::Map(inner) => walk(inner, depth + 4, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for ty in t.held() {
        walk(ty, 1, &mut out);
    }
    out
}

/// The `recursion_limit` a crate holding these types needs, when the
/// default (128) is not enough: the deepest chain of nested types the
/// compiler may have to follow in one proof. A cycle of types is followed
/// until it closes, so each strongly connected component counts with the
/// sum of its types' weights; the longest path through the (acyclic) graph
/// of components bounds every chain. Derived from the graph, so a spec with
/// 70 schemas in one cycle gets what it needs and small specs get nothing.
pub fn recursion_limit(api: &Api) -> Option<u64> {
    let n = api.types.len();
    let deps: Vec<Vec<(TypeId, u64)>> = api.types.iter().map(weighted_deps).collect();
    let weight: Vec<u64> = deps.iter().map(|d| 1 + d.iter().map(|(_, w)| *w).max().unwrap_or(0)).collect();
    let comp = components(n, &deps);
    // Tarjan numbers components in reverse topological order: successors first.
    let count = comp.iter().copied().max().map_or(0, |m| m + 1);
    let mut comp_weight = vec![0u64; count];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &c) in comp.iter().enumerate() {
        comp_weight[c] = comp_weight[c].saturating_add(weight[v]);
        members[c].push(v);
    }
    let mut longest = vec![0u64; count];
    for c in 0..count {
        let mut next = 0;
        for &v in &members[c] {
            for (to, _) in &deps[v] {
                let d = comp[to.index()];
                if d != c {
                    next = next.max(longest[d]);
                }
            }
        }
        longest[c] = comp_weight[c].saturating_add(next);
    }
    let deepest = longest.into_iter().max().unwrap_or(0);
    // Headroom for the layers around the types (futures, serde, the router).
    let needed = deepest.saturating_add(128);
    // The weights overestimate (a 72-schema cycle weighs 576 and compiles
    // from about 400), so graphs up to 96 stay well inside the default.
    (deepest > 96).then(|| needed.div_ceil(64).saturating_mul(64))
}

/// `#![recursion_limit = "N"]` when the type graph needs more than the default.
pub(crate) fn recursion_limit_attr(api: &Api) -> TokenStream {
    match recursion_limit(api) {
        Some(n) => {
            let n = n.to_string();
            quote!(#![recursion_limit = #n])
        }
        None => TokenStream::new(),
    }
}

/// Strongly connected components (Tarjan, iterative so that long chains do
/// not overflow the stack): the component index of each type, numbered so
/// that edges between components go from higher to lower numbers.
fn components(n: usize, deps: &[Vec<(TypeId, u64)>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let (mut index, mut low, mut comp) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_index, mut next_comp) = (0, 0);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(v, i)) = work.last() {
            if i == 0 && index[v] == UNSEEN {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(to, _)) = deps[v].get(i) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                let w = to.index();
                if w >= n {
                    continue;
                }
                if index[w] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = next_comp;
                    if w == v {
                        break;
                    }
                }
                next_comp += 1;
            }
        }
    }
    comp
}

fn reaches(deps: &[Vec<TypeId>], from: TypeId, target: TypeId) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(cur) = stack.pop() {
        if cur == target {
            return true;
        }
        if seen.insert(cur) {
            if let Some(ds) = deps.get(cur.index()) {
                stack.extend(ds.iter().copied());
            }
        }
    }
    false
}

pub(crate) struct Cx<'a> {
    api: &'a Api,
    boxed: BTreeSet<(TypeId, TypeId)>,
    none: TokenStream,
    /// Structs whose one constant property is written by serde's struct tag
    /// instead of a field (families crates only; see `crate::family`).
    constants: &'a BTreeMap<TypeId, (String, String)>,
}

/// Shared by every types crate that has no constants.
static NO_CONSTANTS: BTreeMap<TypeId, (String, String)> = BTreeMap::new();

impl<'a> Cx<'a> {
    pub(crate) fn new(api: &'a Api, constants: &'a BTreeMap<TypeId, (String, String)>) -> Self {
        Cx { api, boxed: boxed_edges(api), none: TokenStream::new(), constants }
    }

    pub(crate) fn api(&self) -> &'a Api {
        self.api
    }

    /// A struct field's full Rust type, presence included.
    pub(crate) fn presence_ty(&self, owner: TypeId, f: &Field) -> TokenStream {
        let inner = self.field_ty(owner, &f.ty);
        match f.presence() {
            Presence::Required => inner,
            Presence::RequiredNullable | Presence::Optional => quote!(::std::option::Option<#inner>),
            Presence::OptionalNullable => quote!(::std::option::Option<::std::option::Option<#inner>>),
        }
    }
}

/// Name of the function that drops a struct-tag constant from a flattened
/// `additionalProperties` map on decode (serde would otherwise keep it there
/// and write it twice). Emitted next to the struct by the families emitter.
pub(crate) fn without_fn_name(wire: &str) -> String {
    format!("without_{}", crate::naming::unraw(&crate::naming::snake_ident(wire, "tag")))
}

impl Cx<'_> {
    /// A use site inside type `owner`, boxed where it would otherwise be infinitely sized.
    fn field_ty(&self, owner: TypeId, ty: &Ty) -> TokenStream {
        match ty {
            Ty::Named(id) if self.boxed.contains(&(owner, *id)) => {
                let inner = rust_ty(self.api, ty, &self.none);
                quote!(::std::boxed::Box<#inner>)
            }
            Ty::Option(inner) => {
                let inner = self.field_ty(owner, inner);
                quote!(::std::option::Option<#inner>)
            }
            _ => rust_ty(self.api, ty, &self.none),
        }
    }
}

fn type_docs(t: &TypeDef) -> TokenStream {
    let mut text = String::new();
    if let Some(title) = &t.docs.title {
        text.push_str(title.trim());
        text.push('\n');
    }
    if let Some(d) = &t.docs.description {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(d.trim());
        text.push('\n');
    }
    if text.is_empty() {
        text = if t.component {
            format!("The `{}` schema.\n", t.origin)
        } else {
            format!("Inline schema at `{}`.\n", t.origin)
        };
    }
    text.push_str(&format!("\nSchema: `{}`", t.pointer));
    doc_lines(&text)
}

fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}

pub(crate) fn emit_type(cx: &Cx, t: &TypeDef) -> TokenStream {
    let docs = type_docs(t);
    let dep = deprecated_attr(t.deprecated);
    let name = ident(&t.name);
    match &t.kind {
        TypeKind::Alias(ty) => {
            let ty = cx.field_ty(t.id, ty);
            quote! { #docs #dep pub type #name = #ty; }
        }
        TypeKind::Struct(s) => emit_struct(cx, t, s, docs, dep),
        TypeKind::Enum(e) => emit_enum(t, e, docs, dep),
        TypeKind::Tagged(u) => emit_tagged(cx, t, u, docs, dep),
        TypeKind::Untagged(u) => {
            let variants = u.variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = cx.field_ty(t.id, &v.ty);
                quote!(#vname(#ty))
            });
            let note = match u.kind {
                UnionKind::OneOf => " Decoded as the first variant, in this order, that accepts the value (`oneOf`).",
                UnionKind::AnyOf => " Decoded as the first variant, in this order, that accepts the value (`anyOf`).",
            };
            quote! {
                #docs
                #[doc = ""]
                #[doc = #note]
                #dep
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name { #(#variants,)* }
            }
        }
    }
}

fn field_doc(f: &Field) -> TokenStream {
    let mut text = String::new();
    if let Some(t) = &f.docs.title {
        text.push_str(t.trim());
        text.push('\n');
    }
    if let Some(d) = &f.docs.description {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(d.trim());
        text.push('\n');
    }
    let presence = match f.presence() {
        Presence::Required => "Required.",
        Presence::RequiredNullable => "Required; may be `null` (`None`).",
        Presence::Optional => "Optional (`None` when absent).",
        Presence::OptionalNullable => "Optional and nullable: `None` when absent, `Some(None)` when `null`.",
    };
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&format!("Wire name `{}`. {presence}", f.wire));
    if let Some(d) = &f.default {
        text.push_str(&format!(" Default: `{d}`."));
    }
    if f.read_only {
        text.push_str(" Read-only: sent by the server only.");
    }
    if f.write_only {
        text.push_str(" Write-only: sent by the client only.");
    }
    doc_lines(&text)
}

fn emit_struct(cx: &Cx, t: &TypeDef, s: &Struct, docs: TokenStream, dep: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let mut fields = Vec::new();
    let mut all_optional = true;
    let constant = cx.constants.get(&t.id);
    // Flattened members and struct tags keep serde's derive (it buffers the
    // object for them); every other struct gets the compact impls.
    let hand_serde = s.flattened.is_empty() && s.additional.is_none() && constant.is_none();
    for f in &s.fields {
        let fname = ident(&f.name);
        let inner = cx.field_ty(t.id, &f.ty);
        let doc = field_doc(f);
        let fdep = deprecated_attr(f.deprecated);
        if hand_serde {
            if f.presence() == Presence::Required {
                all_optional = false;
            }
            let ty = cx.presence_ty(t.id, f);
            fields.push(quote! { #doc #fdep pub #fname: #ty });
            continue;
        }
        let rename = if crate::naming::unraw(&f.name) != f.wire {
            let w = &f.wire;
            quote!(#[serde(rename = #w)])
        } else {
            TokenStream::new()
        };
        let (ty, attrs) = match f.presence() {
            Presence::Required => {
                all_optional = false;
                (inner, TokenStream::new())
            }
            Presence::RequiredNullable => (quote!(::std::option::Option<#inner>), TokenStream::new()),
            Presence::Optional => (
                quote!(::std::option::Option<#inner>),
                quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
            ),
            Presence::OptionalNullable => (
                quote!(::std::option::Option<::std::option::Option<#inner>>),
                quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none", with = "super::support::double_option")]),
            ),
        };
        fields.push(quote! { #doc #fdep #rename #attrs pub #fname: #ty });
    }
    for f in &s.flattened {
        all_optional = false;
        let fname = ident(&f.name);
        let ty = cx.field_ty(t.id, &f.ty);
        fields.push(quote! {
            #[doc = " The union this object also satisfies, flattened into it."]
            #[serde(flatten)]
            pub #fname: #ty
        });
    }
    if let Some(extra) = &s.additional {
        let ty = rust_ty(cx.api, extra, &cx.none);
        let flatten = match constant {
            Some((wire, _)) => {
                let f = without_fn_name(wire);
                quote!(#[serde(flatten, deserialize_with = #f)])
            }
            None => quote!(#[serde(flatten)]),
        };
        fields.push(quote! {
            #[doc = " Properties not declared by the schema (`additionalProperties`)."]
            #flatten
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #ty>
        });
    }
    let (tag_doc, tag_attr) = match constant {
        Some((wire, value)) => {
            let doc = format!(" Always encoded with `\"{wire}\": \"{value}\"`, which is therefore no field.");
            (quote!(#[doc = ""] #[doc = #doc]), quote!(#[serde(tag = #wire, rename = #value)]))
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    let sensitive = s.fields.iter().any(|f| f.sensitive);
    let default = if all_optional { quote!(Default,) } else { TokenStream::new() };
    let debug_derive = if sensitive { TokenStream::new() } else { quote!(Debug,) };
    let debug_impl = if sensitive {
        let tname = &t.name;
        let entries = s.fields.iter().map(|f| {
            let fname = ident(&f.name);
            let label = crate::naming::unraw(&f.name);
            if f.sensitive {
                quote!(.field(#label, &super::support::Redacted))
            } else {
                quote!(.field(#label, &self.#fname))
            }
        });
        let flat = s.flattened.iter().map(|f| {
            let fname = ident(&f.name);
            let label = crate::naming::unraw(&f.name);
            quote!(.field(#label, &self.#fname))
        });
        let extra = s.additional.as_ref().map(|_| quote!(.field("additional_properties", &self.additional_properties)));
        quote! {
            // Inline like the derive's, so it is compiled where it is used.
            impl ::std::fmt::Debug for #name {
                #[inline]
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#tname) #(#entries)* #(#flat)* #extra .finish()
                }
            }
        }
    } else {
        TokenStream::new()
    };
    if hand_serde {
        let serde_impls = struct_serde(cx, t, s);
        return quote! {
            #docs
            #dep
            #[derive(#debug_derive Clone, PartialEq, #default)]
            pub struct #name { #(#fields,)* }
            #debug_impl
            #serde_impls
        };
    }
    quote! {
        #docs
        #tag_doc
        #dep
        #[derive(#debug_derive Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        #tag_attr
        pub struct #name { #(#fields,)* }
        #debug_impl
    }
}

/// Whether a field of this type decodes to `None` when absent, as serde's
/// derive does for `Option` (also behind aliases).
fn absent_is_none(api: &Api, ty: &Ty) -> bool {
    let mut ty = ty;
    // Bounded: an alias cycle is not a valid type anyway.
    for _ in 0..api.types.len() + 1 {
        match ty {
            Ty::Option(_) => return true,
            Ty::Named(id) => match &api.ty(*id).kind {
                TypeKind::Alias(inner) => ty = inner,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// `Serialize` and `Deserialize` of a plain struct through the support
/// module's `plain_struct!` instead of serde's derive: the same wire format in
/// a fraction of the code the compiler checks (see "Build time" in
/// ARCHITECTURE.md).
fn struct_serde(cx: &Cx, t: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&t.name);
    let fields = s.fields.iter().enumerate().map(|(i, f)| {
        let fname = ident(&f.name);
        let kind = match f.presence() {
            Presence::Required if !absent_is_none(cx.api, &f.ty) => quote!(required),
            Presence::Required | Presence::RequiredNullable => quote!(nullable),
            Presence::Optional => quote!(optional),
            Presence::OptionalNullable => quote!(optional_nullable),
        };
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        let w = &f.wire;
        quote!(#fname: #kind #i #w)
    });
    quote! {
        super::support::plain_struct!(#name { #(#fields,)* });
    }
}

fn emit_enum(t: &TypeDef, e: &StringEnum, docs: TokenStream, dep: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let catch = ident(&e.catch_all);
    let variants = e.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let doc = format!(" `{}`", v.wire);
        quote!(#[doc = #doc] #vn)
    });
    let as_str = e.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let w = &v.wire;
        quote!(Self::#vn => #w)
    });
    let from = e.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let w = &v.wire;
        quote!(#w => Self::#vn)
    });
    let values = e.variants.iter().map(|v| &v.wire);
    // What depends on the values is written out; the rest is the support
    // crate's `string_enum!` (see there why the conversions are `#[inline]`
    // and `Eq` is a plain impl).
    quote! {
        #docs
        #dep
        #[derive(Debug, Clone, PartialEq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants,)*
            /// A value this version of the crate does not know; kept verbatim.
            #catch(::std::string::String),
        }
        impl #name {
            /// Every value this version knows, in spec order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];
            /// The wire value.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self { #(#as_str,)* Self::#catch(other) => other.as_str() }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            #[inline]
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() { #(#from,)* _ => Self::#catch(value) }
            }
        }
        super::support::string_enum!(#name);
    }
}

fn emit_tagged(cx: &Cx, t: &TypeDef, u: &Tagged, docs: TokenStream, dep: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let catch = ident(&u.catch_all);
    let prop = &u.property;
    let variants = u.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let ty = cx.field_ty(t.id, &v.ty);
        let doc = format!(" `{prop}`: {}", v.tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "));
        quote!(#[doc = #doc] #vn(#ty))
    });
    let ser = u.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let tag = v.tags.first().cloned().unwrap_or_default();
        quote!(Self::#vn(value) => super::support::serialize_tagged(serializer, #prop, #tag, value))
    });
    let de = u.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let tags = &v.tags;
        let boxed = matches!(&v.ty, Ty::Named(id) if cx.boxed.contains(&(t.id, *id)));
        let wrap = if boxed {
            quote!(super::support::variant(value).map(|v| Self::#vn(::std::boxed::Box::new(v))))
        } else {
            quote!(super::support::variant(value).map(Self::#vn))
        };
        quote!(#(#tags)|* => #wrap)
    });
    let mut note = format!(" Tagged by `{prop}`; a tag this version does not know decodes to `{}`.", u.catch_all);
    // Some member may come without a string tag: try the members in order.
    let read_tag = if u.untagged_fallback {
        note.push_str(" A value without a string tag decodes as the first variant that accepts it.");
        let tries = u.variants.iter().map(|v| {
            let vn = ident(&v.name);
            let boxed = matches!(&v.ty, Ty::Named(id) if cx.boxed.contains(&(t.id, *id)));
            let wrap = if boxed { quote!(::std::boxed::Box::new(v)) } else { quote!(v) };
            quote! {
                if let ::std::option::Option::Some(v) = super::support::try_variant(&value) {
                    return ::std::result::Result::Ok(Self::#vn(#wrap));
                }
            }
        });
        quote! {
            let ::std::option::Option::Some(::serde_json::Value::String(tag)) = value.get(#prop) else {
                #(#tries)*
                return ::std::result::Result::Ok(Self::#catch(value));
            };
            let tag = tag.as_str();
        }
    } else {
        quote!(let tag = super::support::tag::<D::Error>(&value, #prop)?;)
    };
    quote! {
        #docs
        #[doc = ""]
        #[doc = #note]
        #dep
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants,)*
            /// A variant this version of the crate does not know; kept as JSON.
            #catch(::serde_json::Value),
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser,)*
                    Self::#catch(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #read_tag
                match tag {
                    #(#de,)*
                    _ => ::std::result::Result::Ok(Self::#catch(value)),
                }
            }
        }
    }
}

/// A type's rough size in `types.rs`, to cut the file into parts of about
/// equal size; the unit is about a struct field's text (measured on
/// config-api: a struct is about 2 units and 2 per field, a string enum
/// with its conversions 30 and 2 per value).
fn type_weight(t: &TypeDef) -> usize {
    let fields = |fields: &[Field]| fields.iter().map(|f| 2 + super::docs_weight(&f.docs)).sum::<usize>();
    super::docs_weight(&t.docs)
        + match &t.kind {
            TypeKind::Struct(s) => 4 + fields(&s.fields) + fields(&s.flattened),
            TypeKind::Enum(e) => 30 + 2 * e.variants.len(),
            TypeKind::Tagged(u) => 15 + 3 * u.variants.len(),
            TypeKind::Untagged(u) => 15 + 2 * u.variants.len(),
            TypeKind::Alias(_) => 3,
        }
}

/// All files of the types crate, paths relative to the crate directory.
/// `features`: the spec's tag features when `names.tag_features` (worked out
/// once per spec, [`crate::tags::tag_features`]: the three crates share them).
pub fn emit(api: &Api, names: &CrateNames, features: Option<&TagFeatures>) -> Result<Vec<GeneratedFile>, EmitError> {
    let mut deps = BTreeSet::new();
    for t in &api.types {
        match &t.kind {
            TypeKind::Struct(s) => {
                for f in s.fields.iter().chain(&s.flattened) {
                    deps_of(&f.ty, &mut deps);
                }
                if let Some(a) = &s.additional {
                    deps_of(a, &mut deps);
                }
            }
            TypeKind::Alias(ty) => deps_of(ty, &mut deps),
            TypeKind::Untagged(u) => u.variants.iter().for_each(|v| deps_of(&v.ty, &mut deps)),
            TypeKind::Tagged(u) => u.variants.iter().for_each(|v| deps_of(&v.ty, &mut deps)),
            TypeKind::Enum(_) => {}
        }
    }
    // In parts (see `format_rust_parts`), cut by a rough size of each type.
    let boxed = &boxed_edges(api);
    let weights: Vec<usize> = api.types.iter().map(type_weight).collect();
    let parts = super::part_count(weights.iter().sum());
    let parts = super::balanced_ranges(&weights, parts)
        .into_iter()
        .map(|range| -> Part<'_> {
            Box::new(move || {
                let cx = Cx { api, boxed: boxed.clone(), none: TokenStream::new(), constants: &NO_CONSTANTS };
                let mut items = TokenStream::new();
                for t in &api.types[range] {
                    let item = emit_type(&cx, t);
                    items.extend(match features {
                        Some(f) => super::gate("src/types.rs", item, &f.type_features(t.id))?,
                        None => item,
                    });
                }
                Ok(items)
            })
        })
        .collect();
    let types_rs = format_rust_parts(api, "src/types.rs", parts)?;

    let title = &api.title;
    let crate_doc = format!(
        " Types for {title} (version {}), generated from `{}`.\n\n Every schema of the spec is a type here; see the client and server crates for the operations.",
        api.version, api.source.file
    );
    let crate_doc = super::inner_doc_lines(&crate_doc);
    let limit = recursion_limit_attr(api);
    let lib = quote! {
        #crate_doc
        #limit
        // Deprecated schemas stay usable inside this crate; users still see the warning.
        #![allow(deprecated)]
        // Spec text becomes docs and variant names verbatim; these lints judge that text.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::enum_variant_names, clippy::large_enum_variant, clippy::empty_docs, clippy::too_long_first_doc_paragraph)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags, rustdoc::invalid_rust_codeblocks)]

        #[doc(hidden)]
        pub use ::openapi_support as support;
        mod types;

        // A spec without schemas (only operations on primitives) has nothing here.
        #[allow(unused_imports)]
        pub use types::*;
    };
    let lib_rs = format_rust(api, "src/lib.rs", lib)?;

    let mut manifest = header(api, "#");
    manifest.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\ndescription = \"Types for {}, generated from its OpenAPI description\"\npublish = false\n\n[lib]\ndoctest = false\n\n[dependencies]\n",
        names.types,
        super::toml_text(title)
    ));
    let mut dep_lines: BTreeMap<&str, &str> = BTreeMap::new();
    dep_lines.insert("serde", "{ version = \"1\", default-features = false, features = [\"std\", \"derive\"] }");
    dep_lines.insert("serde_json", "{ version = \"1\", default-features = false, features = [\"std\"] }");
    if deps.contains("uuid") {
        dep_lines.insert("uuid", "{ version = \"1\", default-features = false, features = [\"std\", \"serde\"] }");
    }
    if deps.contains("chrono") {
        dep_lines.insert("chrono", "{ version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }");
    }
    let support = names.runtime_dependency("openapi-support", &[]);
    if let Some((name, spec)) = support.split_once(" = ") {
        dep_lines.insert(name, spec);
    }
    for (k, v) in dep_lines {
        manifest.push_str(&format!("{k} = {v}\n"));
    }
    if let Some(f) = &features {
        manifest.push_str(&super::features_toml(f, &[]));
    }

    Ok(vec![
        GeneratedFile { path: PathBuf::from("Cargo.toml"), contents: manifest },
        GeneratedFile { path: PathBuf::from("src/lib.rs"), contents: lib_rs },
        GeneratedFile { path: PathBuf::from("src/types.rs"), contents: types_rs },
    ])
}

/// [`rust_ty`] as text, with `prefix` (`my_types::`) in front of named types.
pub fn rust_ty_string(api: &Api, ty: &Ty, prefix: &str) -> String {
    let prefix: TokenStream = prefix.parse().unwrap_or_default();
    rust_ty(api, ty, &prefix).to_string()
}
