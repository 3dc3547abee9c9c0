//! The client conformance test against Prism, generated from the IR and the
//! effective document (used by `tests/build.rs`; see [`prism_test`]).
//!
//! Prism (Stoplight's mock server) serves the effective document, validates
//! every request against it and answers data of its own making, so it checks
//! our clients with code we did not write. Each operation gets one call of the
//! generated client, in two forms: minimal (required parameters, bodies with
//! their top-level optional properties) and full (every parameter, bodies with
//! optional properties a few levels deep, the form encoding where the client
//! offers one besides JSON). The arguments' values come from the
//! document's schemas (`load::sample`), not from the IR, because Prism
//! validates constraints (formats, bounds, patterns, `oneOf` exclusivity) the
//! IR does not keep. An optional body is sent when one can be made.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::types::rust_ty;
use crate::ir::*;
use crate::load::sample::Schemas;

/// How deep the full call's bodies fill optional properties.
const FULL_DEPTH: usize = 3;

/// Which body the client's main method sends: JSON, else a form, else the first media type.
fn main_media(content: &[MediaBody]) -> Option<&MediaBody> {
    let base = |m: &MediaBody| m.media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    content
        .iter()
        .find(|m| super::client::is_json(&m.media_type))
        .or_else(|| content.iter().find(|m| base(m) == "application/x-www-form-urlencoded"))
        .or_else(|| content.first())
}

/// The operation's node in the document (following a `$ref`'d path item).
fn op_node<'a>(schemas: &Schemas<'a>, doc: &'a Value, op: &Operation) -> Option<&'a Value> {
    let item = schemas.deref(doc.get("paths")?.get(&op.path)?)?;
    item.get(op.method.as_str().to_ascii_lowercase())
}

/// The schema of parameter `p` (operation-level first, then the path item's).
fn param_schema<'a>(schemas: &Schemas<'a>, doc: &'a Value, op: &Operation, p: &Parameter) -> Option<&'a Value> {
    let item = schemas.deref(doc.get("paths")?.get(&op.path)?)?;
    let lists = [op_node(schemas, doc, op).and_then(|o| o.get("parameters")), item.get("parameters")];
    for list in lists.into_iter().flatten().filter_map(Value::as_array) {
        for prm in list.iter().filter_map(|v| schemas.deref(v)) {
            let same = prm.get("name").and_then(Value::as_str) == Some(p.wire.as_str())
                && prm.get("in").and_then(Value::as_str) == Some(p.location.as_str());
            if same {
                return prm.get("schema").or_else(|| prm.get("content")?.as_object()?.values().next()?.get("schema"));
            }
        }
    }
    None
}

fn body_schema<'a>(schemas: &Schemas<'a>, doc: &'a Value, op: &Operation, media_type: &str) -> Option<&'a Value> {
    let rb = schemas.deref(op_node(schemas, doc, op)?.get("requestBody")?)?;
    rb.get("content")?.get(media_type)?.get("schema")
}

/// The test of one spec against Prism: `OPS` (what each operation documents) and `CALLS`
/// (one function per operation calling the generated client with sample arguments and
/// reporting what came back). The harness is `tests/it/prism.rs`.
pub fn prism_test(api: &Api, doc: &Value, client_crate: &str) -> Result<String, super::EmitError> {
    let client = super::ident(&client_crate.replace('-', "_"));
    let types = quote!(::#client::types::);
    let schemas = Schemas::new(doc);
    let full_schemas = Schemas::new(doc).with_optional_depth(FULL_DEPTH);
    let mut ops = Vec::new();
    let mut calls = Vec::new();
    for op in &api.operations {
        let id = &op.id;
        let method = op.method.as_str();
        let path = &op.path;
        let errors: Vec<u16> = op
            .responses
            .iter()
            .filter_map(|r| match r.status {
                Status::Code(c) if !r.status.is_success() => Some(c),
                _ => None,
            })
            .collect();
        let success: Vec<u16> = op
            .responses
            .iter()
            .filter_map(|r| match r.status {
                Status::Code(c) if r.status.is_success() => Some(c),
                Status::Range(2) => Some(200),
                _ => None,
            })
            .collect();
        let mut problems: Vec<String> = Vec::new();
        let mut lets = Vec::new();
        let mut path_args: Vec<(usize, TokenStream)> = Vec::new();
        let mut other_args = Vec::new();
        for (j, p) in op.parameters.iter().enumerate().filter(|(_, p)| p.required) {
            let var = quote::format_ident!("p{}", j);
            let sample = param_schema(&schemas, doc, op, p).and_then(|s| schemas.sample(s));
            let Some(sample) = sample else {
                problems.push(format!("no valid sample for parameter `{}`", p.wire));
                continue;
            };
            let json = sample.to_string();
            let (ty, arg) = match &p.ty {
                Ty::Array(inner) => {
                    let t = rust_ty(api, inner, &types);
                    (quote!(::std::vec::Vec<#t>), quote!(&#var))
                }
                Ty::String => (quote!(::std::string::String), quote!(#var.as_str())),
                other => (rust_ty(api, other, &types), quote!(&#var)),
            };
            lets.push(quote! {
                let #var: #ty = match super::arg(#json) { Ok(v) => v, Err(e) => return super::Outcome::sample(e) };
            });
            if p.location == ParamLocation::Path {
                let at = op.path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX);
                path_args.push((at, arg));
            } else {
                other_args.push(arg);
            }
        }
        path_args.sort_by_key(|(at, _)| *at);
        let mut args: Vec<TokenStream> = path_args.into_iter().map(|(_, a)| a).collect();
        if let Some(rb) = &op.request_body {
            if let Some(m) = main_media(&rb.content) {
                let structured = super::client::is_json(&m.media_type)
                    || m.media_type.split(';').next().unwrap_or("").trim() == "application/x-www-form-urlencoded";
                let schema = body_schema(&schemas, doc, op, &m.media_type);
                let sample = schema.and_then(|s| schemas.sample(s));
                let full = schema.and_then(|s| full_schemas.sample(s));
                let value = match (structured, sample) {
                    (true, Some(sample)) => {
                        let json = sample.to_string();
                        let full = full.map(|f| f.to_string()).unwrap_or_else(|| json.clone());
                        let ty = match &m.ty {
                            Some(t) => rust_ty(api, t, &types),
                            None => quote!(::serde_json::Value),
                        };
                        let text = if full == json { quote!(#json) } else { quote!(if full { #full } else { #json }) };
                        lets.push(quote! {
                            let body: #ty = match super::arg(#text) { Ok(v) => v, Err(e) => return super::Outcome::sample(e) };
                        });
                        Some(quote!(&body))
                    }
                    (true, None) => {
                        problems.push(format!("no valid sample for the {} body", m.media_type));
                        None
                    }
                    (false, _) => Some(quote!(::bytes::Bytes::from_static(b"sample body"))),
                };
                match (value, rb.required) {
                    (Some(v), true) => args.push(v),
                    (Some(v), false) => args.push(quote!(::std::option::Option::Some(#v))),
                    (None, true) => {}
                    (None, false) => args.push(quote!(::std::option::Option::None)),
                }
            }
        }
        args.extend(other_args);
        let name = super::ident(&op.name);
        if op.parameters.iter().any(|p| !p.required) {
            // The params struct is named by inference from the method's signature.
            let helper = quote::format_ident!("params{}", args.len());
            let mut sets = Vec::new();
            for p in op.parameters.iter().filter(|p| !p.required) {
                let Some(sample) = param_schema(&schemas, doc, op, p).and_then(|s| full_schemas.sample(s)) else {
                    continue;
                };
                let json = sample.to_string();
                let f = super::ident(&p.name);
                sets.push(quote! {
                    params.#f = ::std::option::Option::Some(match super::arg(#json) { Ok(v) => v, Err(e) => return super::Outcome::sample(e) });
                });
            }
            lets.push(quote! {
                #[allow(unused_mut)]
                let mut params = crate::contract::#helper(::#client::Client::#name);
                if full { #(#sets)* }
            });
            args.push(quote!(params));
        }
        let problem = match problems.first() {
            Some(p) => quote!(::std::option::Option::Some(#p)),
            None => quote!(::std::option::Option::None),
        };
        ops.push(quote! {
            super::PrismOp { id: #id, method: #method, path: #path, success: &[#(#success),*], errors: &[#(#errors),*], problem: #problem }
        });
        // The full call sends the form encoding where the client also offers one.
        let base = |m: &MediaBody| m.media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let content: &[MediaBody] = op.request_body.as_ref().map(|b| b.content.as_slice()).unwrap_or(&[]);
        let json = content.iter().find(|m| super::client::is_json(&m.media_type));
        let form = content.iter().find(|m| base(m) == "application/x-www-form-urlencoded");
        let call = match (json, form) {
            (Some(j), Some(f)) if j.ty.is_some() && j.ty == f.ty => {
                let form_name = quote::format_ident!("{}_as_form", crate::naming::unraw(&op.name));
                quote! {
                    if full { outcome(c.#form_name(#(#args),*).await) } else { outcome(c.#name(#(#args),*).await) }
                }
            }
            _ => quote!(outcome(c.#name(#(#args),*).await)),
        };
        let body = if problems.is_empty() {
            quote! {
                #(#lets)*
                #call
            }
        } else {
            let p = problems.join("; ");
            quote!(super::Outcome::sample(#p.to_string()))
        };
        calls.push(quote! {
            |c, full| ::std::boxed::Box::pin(async move {
                #[allow(unused_variables)]
                let full = full;
                #body
            })
        });
    }
    let count = Literal::usize_unsuffixed(ops.len());
    let tokens = quote! {
        /// One entry per operation, in spec order.
        pub static OPS: [super::PrismOp; #count] = [#(#ops),*];

        /// One function per operation: calls the generated client with sample arguments
        /// (`true`: every parameter and fuller bodies).
        pub static CALLS: [super::PrismCall<::#client::Client>; #count] = [#(#calls),*];

        /// What a client call returned, in the harness's terms.
        fn outcome<T, E: ::std::fmt::Debug>(
            result: ::std::result::Result<::#client::ResponseValue<T>, ::#client::Error<E>>,
        ) -> super::Outcome {
            match result {
                ::std::result::Result::Ok(v) => super::Outcome::new(super::Kind::Ok, v.status, &v.headers, ::std::string::String::new()),
                ::std::result::Result::Err(::#client::Error::Api { status, headers, error, .. }) => {
                    super::Outcome::new(super::Kind::Api, status, &headers, format!("{error:?}"))
                }
                ::std::result::Result::Err(::#client::Error::UnexpectedStatus { response, .. }) => {
                    let detail = ::std::string::String::from_utf8_lossy(&response.body).into_owned();
                    super::Outcome::new(super::Kind::UnexpectedStatus, response.status, &response.headers, detail)
                }
                ::std::result::Result::Err(other) => super::Outcome::failed(other.status(), other.to_string()),
            }
        }

        /// The client for Prism at `base`, with a hook that can ask Prism for a status.
        pub fn client(base: &str, hook: super::Prefer) -> ::#client::Client {
            ::#client::Client::builder()
                .base_url(base)
                .bearer_token("prism-token")
                .hook(hook)
                .retry(::#client::RetryPolicy::none())
                .timeout(::std::time::Duration::from_secs(30))
                .build()
                .expect("client builds")
        }
    };
    super::format_rust(api, "prism.rs", tokens)
}
