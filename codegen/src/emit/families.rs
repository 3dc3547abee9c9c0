//! The families crate: one module per member of each feature-gated family
//! (see `crate::family` for the rule), each behind its own cargo feature, so
//! a build with one feature compiles one module.
//!
//! Files: `lib.rs` (the gated `mod`s, one enum per family, conversions into
//! the linked types crate), one `<module>.rs` per member, `shared.rs` for
//! types several members reach (serde helpers come from `openapi-support`), `Cargo.toml` with the features
//! and a `README.md` listing them. Types are emitted by the types emitter.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::types::{emit_type, rust_ty, without_fn_name, Cx};
use super::{doc_lines, format_rust, header, ident, inner_doc_lines, EmitError, GeneratedFile};
use crate::family::{FamilyCrate, FamilyDef, Holder, Home, Member};
use crate::ir::*;

/// Runs the member modules are formatted in (see `par`: only as many run
/// at once as there are cores).
const FORMAT_RUNS: usize = 16;

/// Every file of the crate, paths relative to its directory.
pub fn emit(fc: &FamilyCrate) -> Result<Vec<GeneratedFile>, EmitError> {
    let api = &fc.api;
    let cx = Cx::new(api, &fc.constants);
    let homes = fc.homes();
    let mut files = Vec::new();

    // Modules are independent: format them on all cores, in runs small
    // enough that the last ones finish together.
    let members: Vec<(&FamilyDef, &Member)> =
        fc.families.iter().flat_map(|f| f.members.iter().map(move |m| (f, m))).collect();
    let homes = &homes;
    let chunk = members.len().div_ceil(FORMAT_RUNS).max(1);
    let tasks: Vec<crate::par::Task<'_, Result<Vec<GeneratedFile>, EmitError>>> = members
        .chunks(chunk)
        .map(|part| -> crate::par::Task<'_, Result<Vec<GeneratedFile>, EmitError>> {
            Box::new(move || {
                let cx = Cx::new(api, &fc.constants);
                part.iter().map(|(f, m)| member_file(fc, &cx, homes, f, m)).collect()
            })
        })
        .collect();
    let results = crate::par::run(tasks);
    for r in results {
        files.extend(r?);
    }
    if !fc.shared.is_empty() {
        files.push(shared_file(fc, &cx)?);
    }
    files.push(lib_file(fc)?);
    files.push(GeneratedFile { path: PathBuf::from("Cargo.toml"), contents: cargo_toml(fc) });
    files.push(GeneratedFile { path: PathBuf::from("README.md"), contents: readme(fc) });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn cfg_any(features: &[String]) -> TokenStream {
    quote!(#[cfg(any(#(feature = #features),*))])
}

/// Helpers dropping struct-tag constants from flattened maps, one per property name.
fn without_fns(fc: &FamilyCrate, types: &[TypeId]) -> TokenStream {
    let mut wires = BTreeSet::new();
    for t in types {
        if let (Some((wire, _)), TypeKind::Struct(s)) = (fc.constants.get(t), &fc.api.ty(*t).kind) {
            if s.additional.is_some() {
                wires.insert(wire.clone());
            }
        }
    }
    let fns = wires.iter().map(|w| {
        let name = ident(&without_fn_name(w));
        quote! {
            fn #name<'de, D: ::serde::Deserializer<'de>, V: ::serde::Deserialize<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<::std::collections::BTreeMap<::std::string::String, V>, D::Error> {
                super::support::map_without(deserializer, #w)
            }
        }
    });
    quote!(#(#fns)*)
}

/// Shared types a module's own types name.
fn shared_used(fc: &FamilyCrate, homes: &BTreeMap<TypeId, Home>, types: &[TypeId]) -> Vec<TypeId> {
    let mut out = BTreeSet::new();
    for t in types {
        let mut named = Vec::new();
        for ty in fc.api.ty(*t).held() {
            ty.named(&mut named);
        }
        for n in named {
            if homes.get(&n) == Some(&Home::Shared) {
                out.insert(n);
            }
        }
    }
    out.into_iter().collect()
}

fn member_file(
    fc: &FamilyCrate,
    cx: &Cx,
    homes: &BTreeMap<TypeId, Home>,
    f: &FamilyDef,
    m: &Member,
) -> Result<GeneratedFile, EmitError> {
    let api = &fc.api;
    let root = api.ty(m.root);
    let mut doc = format!("`{}` = `{}`: ", f.property, m.tag);
    doc.push_str(root.docs.title.as_deref().map(str::trim).unwrap_or(&m.variant));
    doc.push_str(&format!(
        "\n\nA member of [`{}`](super::{}), compiled with the cargo feature `{}` (or `{}`).",
        f.name, f.name, m.feature, f.feature
    ));
    doc.push_str(&format!(
        "\n\n[`Config`] is the configuration; `{}` is written on every encode, so it is no field.",
        f.property
    ));
    let module_doc = inner_doc_lines(&doc);
    let shared = shared_used(fc, homes, &m.types);
    let uses = if shared.is_empty() {
        TokenStream::new()
    } else {
        let names = shared.iter().map(|t| ident(&api.ty(*t).name));
        quote!(use super::shared::{#(#names),*};)
    };
    let items: Vec<TokenStream> = m.types.iter().map(|t| emit_type(cx, api.ty(*t))).collect();
    let ctors: Vec<TokenStream> = m.types.iter().map(|t| constructors(cx, api.ty(*t))).collect();
    let without = without_fns(fc, &m.types);
    let family = ident(&f.name);
    let variant = ident(&m.variant);
    let tag = &m.tag;
    let expected = &m.tag;
    let root_home = homes.get(&m.root);
    let config_alias = if root_home == Some(&Home::Shared) {
        let name = ident(&root.name);
        quote!(pub use super::shared::#name as Config;)
    } else {
        TokenStream::new()
    };
    let link = member_link(fc, f);
    let body = quote! {
        #module_doc
        #uses
        #config_alias
        #(#items)*
        #(#ctors)*
        #without
        impl Config {
            /// The value of the family tag this configuration is written with.
            pub const TAG: &'static str = #tag;
        }
        impl ::std::convert::From<Config> for super::#family {
            fn from(value: Config) -> Self {
                Self::#variant(value)
            }
        }
        impl ::std::convert::TryFrom<super::#family> for Config {
            type Error = super::WrongMember;
            fn try_from(value: super::#family) -> ::std::result::Result<Self, Self::Error> {
                match value {
                    super::#family::#variant(config) => ::std::result::Result::Ok(config),
                    other => ::std::result::Result::Err(super::WrongMember {
                        found: other.tag().map(::std::borrow::ToOwned::to_owned),
                        expected: #expected,
                    }),
                }
            }
        }
        #link
    };
    let path = format!("src/{}.rs", m.module);
    Ok(GeneratedFile { contents: format_rust(api, &path, body)?, path: PathBuf::from(path) })
}

fn shared_file(fc: &FamilyCrate, cx: &Cx) -> Result<GeneratedFile, EmitError> {
    let api = &fc.api;
    let ids: Vec<TypeId> = fc.shared.iter().map(|(t, _)| *t).collect();
    // The module is compiled when any member reaching one of its types is on.
    let items = fc.shared.iter().map(|(t, _)| {
        let item = emit_type(cx, api.ty(*t));
        let ctor = constructors(cx, api.ty(*t));
        quote!(#item #ctor)
    });
    let without = without_fns(fc, &ids);
    let body = quote! {
        //! Types more than one member reaches, compiled when any of those members is.
        #![allow(dead_code)]
        #(#items)*
        #without
    };
    Ok(GeneratedFile { contents: format_rust(api, "src/shared.rs", body)?, path: PathBuf::from("src/shared.rs") })
}

/// A Rust expression for a schema default, when the field's type can hold it literally.
fn default_expr(api: &Api, ty: &Ty, v: &Value) -> Option<TokenStream> {
    match (ty, v) {
        (Ty::String, Value::String(s)) => Some(quote!(::std::string::String::from(#s))),
        (Ty::Bool, Value::Bool(b)) => Some(quote!(#b)),
        (Ty::Int(k), Value::Number(n)) => {
            let i = n.as_i64()?;
            let fits = match k {
                IntKind::I8 => i8::try_from(i).is_ok(),
                IntKind::I16 => i16::try_from(i).is_ok(),
                IntKind::I32 => i32::try_from(i).is_ok(),
                IntKind::I64 => true,
                IntKind::U8 => u8::try_from(i).is_ok(),
                IntKind::U16 => u16::try_from(i).is_ok(),
                IntKind::U32 => u32::try_from(i).is_ok(),
                IntKind::U64 => i >= 0,
            };
            fits.then(|| {
                let lit = Literal::i64_unsuffixed(i);
                quote!(#lit)
            })
        }
        (Ty::Float(_), Value::Number(n)) => {
            let f = n.as_f64()?;
            f.is_finite().then(|| {
                let lit = Literal::f64_unsuffixed(f);
                quote!(#lit)
            })
        }
        (Ty::Named(id), Value::String(s)) => match &api.ty(*id).kind {
            TypeKind::Enum(_) => {
                let name = ident(&api.ty(*id).name);
                Some(quote!(#name::from(#s)))
            }
            TypeKind::Alias(inner) => default_expr(api, inner, v),
            _ => None,
        },
        (Ty::Array(inner), Value::Array(items)) => {
            let items: Vec<TokenStream> = items.iter().map(|i| default_expr(api, inner, i)).collect::<Option<_>>()?;
            Some(quote!(::std::vec![#(#items),*]))
        }
        _ => None,
    }
}

/// `new` taking the required fields without a default, and `Default` when
/// every required field has one. Structs with no required field derive `Default`.
fn constructors(cx: &Cx, t: &TypeDef) -> TokenStream {
    let TypeKind::Struct(s) = &t.kind else { return TokenStream::new() };
    if !s.flattened.is_empty() || s.fields.iter().all(|f| !f.required) {
        return TokenStream::new();
    }
    let api = cx.api();
    let name = ident(&t.name);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut param_docs = Vec::new();
    for f in &s.fields {
        let fname = ident(&f.name);
        let presence = f.presence();
        let value = match (presence, &f.default) {
            (Presence::Required, Some(d)) => default_expr(api, &f.ty, d),
            (Presence::RequiredNullable, Some(Value::Null)) => Some(quote!(::std::option::Option::None)),
            (Presence::RequiredNullable, Some(d)) => {
                default_expr(api, &f.ty, d).map(|e| quote!(::std::option::Option::Some(#e)))
            }
            (Presence::Optional | Presence::OptionalNullable, _) => Some(quote!(::std::option::Option::None)),
            _ => None,
        };
        match value {
            Some(e) => inits.push(quote!(#fname: #e)),
            None => {
                let ty = cx.presence_ty(t.id, f);
                params.push(quote!(#fname: #ty));
                param_docs.push(format!("`{}`", f.wire));
                inits.push(quote!(#fname));
            }
        }
    }
    if s.additional.is_some() {
        inits.push(quote!(additional_properties: ::std::default::Default::default()));
    }
    let body = quote!(Self { #(#inits,)* });
    if params.is_empty() {
        quote! {
            /// Every required field at its schema default; optional fields absent.
            impl ::std::default::Default for #name {
                fn default() -> Self { #body }
            }
        }
    } else {
        let doc = format!(
            " The required fields without a schema default ({}); the others at their defaults, optional fields absent.",
            param_docs.join(", ")
        );
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#params),*) -> Self { #body }
            }
        }
    }
}

/// Per member: conversions into the linked crate's holders of the family union.
fn member_link(fc: &FamilyCrate, f: &FamilyDef) -> TokenStream {
    let Some((link, target)) = link_of(fc, f) else { return TokenStream::new() };
    let family = ident(&f.name);
    let krate = ident(&link.krate.replace('-', "_"));
    let union_name = ident(&link.api.ty(target.union).name);
    let mut methods = Vec::new();
    for h in target.holders.iter().filter(|h| h.tag_field.is_none()) {
        let Some((method, params, args, holder)) = holder_ctor(fc, h) else { continue };
        let doc = format!(" A [`{krate}::{holder}`] with this configuration (see [`super::{}::{method}`]).", f.name);
        let holder = ident(&holder);
        methods.push(quote! {
            #[doc = #doc]
            pub fn #method(self, #(#params),*) -> ::#krate::#holder {
                super::#family::from(self).#method(#(#args),*)
            }
        });
    }
    quote! {
        impl ::std::convert::From<Config> for ::#krate::#union_name {
            fn from(value: Config) -> Self {
                super::support::to_object(&value)
            }
        }
        impl Config {
            #(#methods)*
        }
    }
}

fn link_of<'a>(fc: &'a FamilyCrate, f: &FamilyDef) -> Option<(&'a crate::family::Link, &'a crate::family::LinkTarget)> {
    let link = fc.link.as_ref()?;
    let i = fc.families.iter().position(|x| x.union == f.union)?;
    let target = link.targets.get(i)?.as_ref()?;
    // Only a free-form object can take any member's encoding.
    (link.api.resolve_alias(&Ty::Named(target.union)) == &Ty::Object).then_some((link, target))
}

/// The constructor of a linked holder: method name, parameters, argument names, holder type name.
fn holder_ctor(
    fc: &FamilyCrate,
    h: &Holder,
) -> Option<(proc_macro2::Ident, Vec<TokenStream>, Vec<TokenStream>, String)> {
    let link = fc.link.as_ref()?;
    let t = link.api.ty(h.ty);
    let TypeKind::Struct(s) = &t.kind else { return None };
    if !s.flattened.is_empty() {
        return None;
    }
    let krate = ident(&link.krate.replace('-', "_"));
    let prefix = quote!(::#krate::);
    let mut params = Vec::new();
    let mut args = Vec::new();
    for (i, f) in s.fields.iter().enumerate() {
        if i == h.field || !f.required {
            continue;
        }
        let fname = ident(&f.name);
        let inner = rust_ty(&link.api, &f.ty, &prefix);
        let ty = if f.nullable { quote!(::std::option::Option<#inner>) } else { inner };
        params.push(quote!(#fname: #ty));
        args.push(quote!(#fname));
    }
    let method = ident(&format!("into_{}", crate::naming::unraw(&crate::naming::snake_ident(&t.name, "holder"))));
    Some((method, params, args, t.name.clone()))
}

/// Family-level link code: the holders' constructors and decoders.
fn family_link(fc: &FamilyCrate, f: &FamilyDef) -> TokenStream {
    let Some((link, target)) = link_of(fc, f) else { return TokenStream::new() };
    let family = ident(&f.name);
    let krate = ident(&link.krate.replace('-', "_"));
    let union_name = ident(&link.api.ty(target.union).name);
    let property = &f.property;
    let mut methods = Vec::new();
    for h in &target.holders {
        let t = link.api.ty(h.ty);
        let TypeKind::Struct(s) = &t.kind else { continue };
        let holder = ident(&t.name);
        let field = &s.fields[h.field];
        let fname = ident(&field.name);
        match h.tag_field {
            None => {
                let Some((method, params, _, _)) = holder_ctor(fc, h) else { continue };
                let mut inits: Vec<TokenStream> = Vec::new();
                for (i, f) in s.fields.iter().enumerate() {
                    let n = ident(&f.name);
                    if i == h.field {
                        if f.required && !f.nullable {
                            inits.push(quote!(#n: ::#krate::#union_name::from(self)));
                        } else {
                            inits.push(quote!(#n: ::std::option::Option::Some(::#krate::#union_name::from(self))));
                        }
                    } else if f.required {
                        inits.push(quote!(#n));
                    } else {
                        inits.push(quote!(#n: ::std::option::Option::None));
                    }
                }
                if s.additional.is_some() {
                    inits.push(quote!(additional_properties: ::std::default::Default::default()));
                }
                let doc = format!(
                    " A [`{krate}::{}`] holding this configuration: its other required fields as arguments, optional ones absent.",
                    t.name
                );
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #method(self, #(#params),*) -> ::#krate::#holder {
                        ::#krate::#holder { #(#inits,)* }
                    }
                });
            }
            Some(tag_index) => {
                if !field.required || field.nullable {
                    continue;
                }
                let tag_field = ident(&s.fields[tag_index].name);
                let method =
                    ident(&format!("from_{}", crate::naming::unraw(&crate::naming::snake_ident(&t.name, "holder"))));
                let doc = format!(
                    " Decode the `{}` of a [`{krate}::{}`], tagged by its `{property}`. A member whose feature is off decodes to `Unknown`.",
                    field.wire, t.name
                );
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #method(value: &::#krate::#holder) -> ::std::result::Result<Self, ::serde_json::Error> {
                        support::from_object(&value.#fname, #property, ::std::option::Option::Some(&value.#tag_field))
                    }
                });
            }
        }
    }
    quote! {
        impl ::std::convert::From<#family> for ::#krate::#union_name {
            fn from(value: #family) -> Self {
                support::to_object(&value)
            }
        }
        impl #family {
            #(#methods)*
        }
    }
}

fn family_enum(fc: &FamilyCrate, f: &FamilyDef) -> TokenStream {
    let name = ident(&f.name);
    let prop = &f.property;
    let catch = ident(&catch_all(f));
    let mut doc = String::new();
    if let Some(d) = &f.docs.description {
        doc.push_str(d.trim());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "One variant per member, each compiled with its own cargo feature (all with `{}`); tagged by `{prop}`. \
         A tag this build does not know, or whose feature is off, decodes to `{}` and is kept as JSON.\n\nSchema: `{}`",
        f.feature,
        catch_all(f),
        f.pointer
    ));
    let docs = doc_lines(&doc);
    let variants = f.members.iter().map(|m| {
        let v = ident(&m.variant);
        let module = ident(&m.module);
        let feature = &m.feature;
        let d = format!(" `{prop}`: `{}` (feature `{feature}`)", m.tag);
        quote!(#[cfg(feature = #feature)] #[doc = #d] #v(#module::Config))
    });
    let ser = f.members.iter().map(|m| {
        let v = ident(&m.variant);
        let feature = &m.feature;
        quote!(#[cfg(feature = #feature)] Self::#v(value) => ::serde::Serialize::serialize(value, serializer))
    });
    let de = f.members.iter().map(|m| {
        let v = ident(&m.variant);
        let feature = &m.feature;
        let tag = &m.tag;
        quote!(#[cfg(feature = #feature)] #tag => support::variant(value).map(Self::#v))
    });
    let tags = f.members.iter().map(|m| {
        let v = ident(&m.variant);
        let feature = &m.feature;
        let tag = &m.tag;
        quote!(#[cfg(feature = #feature)] Self::#v(_) => ::std::option::Option::Some(#tag))
    });
    let all_tags = f.members.iter().map(|m| &m.tag);
    let link = family_link(fc, f);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            /// A member this build does not know (or whose feature is off); kept as JSON.
            #catch(::serde_json::Value),
        }
        impl #name {
            /// The tag property.
            pub const PROPERTY: &'static str = #prop;
            /// The tag of every member this version knows, whatever the features.
            pub const TAGS: &'static [&'static str] = &[#(#all_tags),*];
            /// The tag this value is written with (read from the JSON for `Unknown`).
            pub fn tag(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#tags,)*
                    Self::#catch(value) => value.get(#prop).and_then(::serde_json::Value::as_str),
                }
            }
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
            #[allow(clippy::match_single_binding)]
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = support::tag::<D::Error>(&value, #prop)?;
                match tag {
                    #(#de,)*
                    _ => ::std::result::Result::Ok(Self::#catch(value)),
                }
            }
        }
        #link
    }
}

fn catch_all(f: &FamilyDef) -> String {
    let mut scope =
        crate::naming::Scope::with_reserved(&f.members.iter().map(|m| m.variant.as_str()).collect::<Vec<_>>());
    scope.claim("Unknown")
}

fn lib_file(fc: &FamilyCrate) -> Result<GeneratedFile, EmitError> {
    let api = &fc.api;
    let mut doc =
        format!("Typed configurations generated from `{}` ({} {}): ", api.source.file, api.title, api.version);
    let parts: Vec<String> = fc
        .families
        .iter()
        .map(|f| format!("{} members of [`{}`] (feature `{}`)", f.members.len(), f.name, f.feature))
        .collect();
    doc.push_str(&parts.join(", "));
    doc.push_str(
        ".\n\nEvery member is a module behind a cargo feature of the same name (kebab case); none is on by default. \
         The crate's README lists them.",
    );
    let crate_doc = inner_doc_lines(&doc);
    let mods = fc.families.iter().flat_map(|f| f.members.iter()).map(|m| {
        let module = ident(&m.module);
        let feature = &m.feature;
        quote!(#[cfg(feature = #feature)] pub mod #module;)
    });
    let shared = if fc.shared.is_empty() {
        TokenStream::new()
    } else {
        let mut all: Vec<String> = fc.shared.iter().flat_map(|(_, f)| f.iter().cloned()).collect();
        all.sort();
        all.dedup();
        let cfg = cfg_any(&all);
        quote!(#cfg pub mod shared;)
    };
    let enums = fc.families.iter().map(|f| family_enum(fc, f));
    let body = quote! {
        #crate_doc
        #![allow(deprecated)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::enum_variant_names, clippy::large_enum_variant, clippy::empty_docs, clippy::too_long_first_doc_paragraph, clippy::too_many_arguments, clippy::new_without_default, clippy::derivable_impls)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags, rustdoc::invalid_rust_codeblocks)]

        #[doc(hidden)]
        pub use ::openapi_support as support;
        pub use support::WrongMember;
        #shared
        #(#mods)*
        #(#enums)*
    };
    Ok(GeneratedFile { contents: format_rust(api, "src/lib.rs", body)?, path: PathBuf::from("src/lib.rs") })
}

fn cargo_toml(fc: &FamilyCrate) -> String {
    let api = &fc.api;
    let mut deps = BTreeSet::new();
    for (t, _) in fc.homes() {
        deps_of_type(api.ty(t), &mut deps);
    }
    // Constructor arguments of the linked holders.
    if let Some(link) = &fc.link {
        for target in link.targets.iter().flatten() {
            for h in target.holders.iter().filter(|h| h.tag_field.is_none()) {
                let t = link.api.ty(h.ty);
                let mut t = t.clone();
                if let TypeKind::Struct(s) = &mut t.kind {
                    s.fields = s
                        .fields
                        .iter()
                        .enumerate()
                        .filter(|(i, f)| *i != h.field && f.required)
                        .map(|(_, f)| f.clone())
                        .collect();
                    s.flattened.clear();
                    s.additional = None;
                }
                deps_of_type(&t, &mut deps);
            }
        }
    }
    let mut out = header(api, "#");
    out.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\ndescription = \"Typed configurations of {}, one cargo feature each\"\npublish = false\n\n[lib]\ndoctest = false\n\n",
        fc.crate_name,
        super::toml_text(&fc.families.iter().map(|f| f.union.as_str()).collect::<Vec<_>>().join(" and "))
    ));
    out.push_str("[features]\ndefault = []\n");
    for f in &fc.families {
        let list: Vec<String> = f.members.iter().map(|m| format!("\"{}\"", m.feature)).collect();
        out.push_str(&format!("{} = [{}]\n", f.feature, list.join(", ")));
    }
    for f in &fc.families {
        for m in &f.members {
            out.push_str(&format!("{} = []\n", m.feature));
        }
    }
    out.push_str("\n[dependencies]\n");
    let mut lines: BTreeMap<String, String> = BTreeMap::new();
    lines.insert(
        "serde".into(),
        "{ version = \"1\", default-features = false, features = [\"std\", \"derive\"] }".into(),
    );
    lines.insert("serde_json".into(), "{ version = \"1\", default-features = false, features = [\"std\"] }".into());
    if deps.contains("uuid") {
        lines.insert(
            "uuid".into(),
            "{ version = \"1\", default-features = false, features = [\"std\", \"serde\"] }".into(),
        );
    }
    if deps.contains("chrono") {
        lines.insert(
            "chrono".into(),
            "{ version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }".into(),
        );
    }
    if let Some(link) = &fc.link {
        lines.insert(link.krate.clone(), format!("{{ version = \"0.1.0\", path = \"../{}\" }}", link.krate));
    }
    let support = super::runtime_dependency(super::CrateNames::RUNTIME_DIR, "openapi-support", &[]);
    if let Some((name, spec)) = support.split_once(" = ") {
        lines.insert(name.to_string(), spec.to_string());
    }
    for (k, v) in lines {
        out.push_str(&format!("{k} = {v}\n"));
    }
    out
}

fn deps_of_type(t: &TypeDef, out: &mut BTreeSet<&'static str>) {
    fn walk(ty: &Ty, out: &mut BTreeSet<&'static str>) {
        match ty {
            Ty::Uuid => {
                out.insert("uuid");
            }
            Ty::DateTime | Ty::Date => {
                out.insert("chrono");
            }
            Ty::Array(i) | Ty::Map(i) | Ty::Option(i) => walk(i, out),
            _ => {}
        }
    }
    match &t.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().chain(&s.flattened).for_each(|f| walk(&f.ty, out));
            if let Some(a) = &s.additional {
                walk(a, out);
            }
        }
        TypeKind::Alias(ty) => walk(ty, out),
        TypeKind::Untagged(u) => u.variants.iter().for_each(|v| walk(&v.ty, out)),
        TypeKind::Tagged(u) => u.variants.iter().for_each(|v| walk(&v.ty, out)),
        TypeKind::Enum(_) => {}
    }
}

fn readme(fc: &FamilyCrate) -> String {
    let api = &fc.api;
    let mut out = header(api, "<!--").replace('\n', " -->\n");
    out.push_str(&format!("\n# {}\n\n", fc.crate_name));
    out.push_str(&format!(
        "Typed configurations generated from `{}` by `cargo xtask codegen`. Each member of a family is a module behind \
         its own cargo feature; none is on by default.\n\n```toml\n[dependencies]\n{} = {{ path = \"generated/{}\", features = [\"{}\"] }}\n```\n",
        api.source.file,
        fc.crate_name,
        fc.crate_name,
        fc.families.first().and_then(|f| f.members.first()).map_or("", |m| m.feature.as_str())
    ));
    for f in &fc.families {
        out.push_str(&format!(
            "\n## `{}`: {} members, tagged by `{}`\n\nFeature `{}` turns on every one.\n\n| feature | module | `{}` | title |\n|---|---|---|---|\n",
            f.name,
            f.members.len(),
            f.property,
            f.feature,
            f.property
        ));
        for m in &f.members {
            let title = api.ty(m.root).docs.title.clone().unwrap_or_default().replace('|', "\\|");
            out.push_str(&format!("| `{}` | `{}` | `{}` | {} |\n", m.feature, m.module, m.tag, title.trim()));
        }
    }
    out
}

/// A use-site type as a path from outside the crate (`my_crate::module::Type`), for tests.
pub fn rust_ty_string(fc: &FamilyCrate, ty: &Ty, krate: &str) -> String {
    let homes = fc.homes();
    path_of(fc, &homes, ty, krate)
}

fn path_of(fc: &FamilyCrate, homes: &BTreeMap<TypeId, Home>, ty: &Ty, krate: &str) -> String {
    match ty {
        Ty::Named(id) => {
            let name = &fc.api.ty(*id).name;
            match homes.get(id) {
                Some(Home::Module(m)) => format!("{krate}::{m}::{name}"),
                Some(Home::Shared) => format!("{krate}::shared::{name}"),
                None => format!("{krate}::{name}"),
            }
        }
        Ty::Array(i) => format!("::std::vec::Vec<{}>", path_of(fc, homes, i, krate)),
        Ty::Map(i) => {
            format!("::std::collections::BTreeMap<::std::string::String, {}>", path_of(fc, homes, i, krate))
        }
        Ty::Option(i) => format!("::std::option::Option<{}>", path_of(fc, homes, i, krate)),
        other => rust_ty(&fc.api, other, &TokenStream::new()).to_string(),
    }
}
