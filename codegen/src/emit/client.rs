//! The client crate: one async method per operation over the shared request
//! path in `runtime/client_runtime.rs` (shipped as the crate's `runtime`).
//!
//! Per operation the generated code only encodes parameters and body into a
//! `runtime::Request` and decodes the response by status; sending, auth and
//! retries are one non-generic function for all methods.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::types::rust_ty;
use super::{
    doc_lines, format_rust, format_static, header, ident, inner_doc_lines, CrateNames, EmitError, GeneratedFile,
};
use crate::ir::*;
use crate::naming;

/// What a response body decodes into.
#[derive(Clone, PartialEq)]
enum BodyKind {
    None,
    Json(Ty),
    Text,
    Bytes,
}

fn body_kind(content: &[MediaBody]) -> BodyKind {
    let json = content.iter().find(|m| is_json(&m.media_type));
    if let Some(m) = json {
        return match &m.ty {
            Some(ty) => BodyKind::Json(ty.clone()),
            None => BodyKind::Json(Ty::Any),
        };
    }
    match content.first() {
        None => BodyKind::None,
        Some(m) if m.media_type.starts_with("text/") => BodyKind::Text,
        Some(_) => BodyKind::Bytes,
    }
}

pub(crate) fn is_json(media_type: &str) -> bool {
    let mt = media_type.split(';').next().unwrap_or("").trim();
    mt == "application/json" || mt.ends_with("+json") || mt == "*/*"
}

fn accept_of(content: &[MediaBody]) -> String {
    if content.iter().any(|m| is_json(&m.media_type)) {
        return "application/json".into();
    }
    match content.first() {
        Some(m) => m.media_type.clone(),
        None => "*/*".into(),
    }
}

struct Cx<'a> {
    api: &'a Api,
    prefix: TokenStream,
}

impl Cx<'_> {
    fn ty(&self, ty: &Ty) -> TokenStream {
        rust_ty(self.api, ty, &self.prefix)
    }

    fn body_ty(&self, kind: &BodyKind) -> TokenStream {
        match kind {
            BodyKind::None => quote!(()),
            BodyKind::Json(ty) => self.ty(ty),
            BodyKind::Text => quote!(::std::string::String),
            BodyKind::Bytes => quote!(::bytes::Bytes),
        }
    }

    fn decode(&self, kind: &BodyKind) -> TokenStream {
        match kind {
            BodyKind::None => quote!(()),
            BodyKind::Json(_) => quote!(runtime::decode_json(OP, &raw)?),
            BodyKind::Text => quote!(runtime::decode_text(OP, &raw)?),
            BodyKind::Bytes => quote!(raw.body.clone()),
        }
    }
}

fn status_pattern(status: &Status) -> TokenStream {
    match status {
        Status::Code(c) => quote!(#c),
        Status::Range(d) => {
            let lo = u16::from(*d) * 100;
            let hi = lo + 99;
            quote!(#lo..=#hi)
        }
        Status::Default => quote!(_),
    }
}

fn status_variant(status: &Status) -> proc_macro2::Ident {
    match status {
        Status::Code(c) => format_ident!("Status{}", c),
        Status::Range(d) => format_ident!("Status{}XX", d),
        Status::Default => format_ident!("Default"),
    }
}

/// The security alternatives of an operation, as runtime `Scheme` lists.
fn security_tokens(api: &Api, reqs: &[SecurityRequirement]) -> TokenStream {
    let alts = reqs.iter().map(|r| {
        let schemes = r.schemes.iter().filter_map(|(name, _)| {
            Some(match api.security_schemes.get(name)? {
                SecurityScheme::HttpBasic { .. } => quote!(runtime::Scheme::Basic),
                SecurityScheme::HttpBearer { .. }
                | SecurityScheme::OAuth2Other { .. }
                | SecurityScheme::OpenIdConnect { .. } => {
                    quote!(runtime::Scheme::Bearer)
                }
                SecurityScheme::Http { .. } => quote!(runtime::Scheme::Bearer),
                SecurityScheme::OAuth2ClientCredentials { token_url, .. } => {
                    quote!(runtime::Scheme::ClientCredentials { token_url: #token_url })
                }
                SecurityScheme::ApiKey { location, name: key, .. } => {
                    let loc = match location {
                        ParamLocation::Query => quote!(runtime::KeyLocation::Query),
                        ParamLocation::Cookie => quote!(runtime::KeyLocation::Cookie),
                        _ => quote!(runtime::KeyLocation::Header),
                    };
                    quote!(runtime::Scheme::ApiKey { scheme: #name, location: #loc, name: #key })
                }
            })
        });
        quote!(&[#(#schemes),*])
    });
    quote!(&[#(#alts),*])
}

/// Pagination: `limit`/`offset` query parameters and a body with `data` and `next`.
struct Paging {
    item: Ty,
    data_required: bool,
    offset_field: proc_macro2::Ident,
    next_field: proc_macro2::Ident,
    data_field: proc_macro2::Ident,
}

fn paging(api: &Api, op: &Operation, success: &BodyKind) -> Option<Paging> {
    let q = |n: &str| op.parameters.iter().find(|p| p.location == ParamLocation::Query && p.wire == n && !p.required);
    let (_, offset) = (q("limit")?, q("offset")?);
    if !matches!(offset.ty, Ty::Int(_)) {
        return None;
    }
    let BodyKind::Json(ty) = success else { return None };
    let Ty::Named(id) = api.resolve_alias(ty) else { return None };
    let TypeKind::Struct(s) = &api.ty(*id).kind else { return None };
    let data = s.fields.iter().find(|f| f.wire == "data")?;
    let next = s.fields.iter().find(|f| f.wire == "next" && f.ty == Ty::String && !f.required)?;
    let Ty::Array(item) = api.resolve_alias(&data.ty) else { return None };
    if data.nullable || next.nullable {
        return None;
    }
    Some(Paging {
        item: (**item).clone(),
        data_required: data.required,
        offset_field: ident(&offset.name),
        next_field: ident(&next.name),
        data_field: ident(&data.name),
    })
}

fn op_docs(op: &Operation) -> TokenStream {
    let mut text = String::new();
    if let Some(s) = &op.summary {
        text.push_str(s.trim());
        text.push_str("\n\n");
    }
    if let Some(d) = &op.description {
        text.push_str(d.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}` (operationId `{}`)", op.method, op.path, op.id));
    doc_lines(&text)
}

fn emit_operation(cx: &Cx, op: &Operation, items: &mut Vec<TokenStream>, names: &mut naming::Scope) -> TokenStream {
    let api = cx.api;
    let op_id = &op.id;
    let method_name = ident(&op.name);
    let stem = naming::unraw(&op.type_stem).to_string();

    // Positional arguments: path parameters in template order, then other required ones.
    let mut arg_scope = naming::Scope::with_reserved(&["body", "params"]);
    let mut args = Vec::new();
    let mut encode = Vec::new();
    let mut path_subst: BTreeMap<String, proc_macro2::Ident> = BTreeMap::new();
    let mut optional = Vec::new();
    for p in &op.parameters {
        if !p.required {
            optional.push(p);
            continue;
        }
        let name = ident(&arg_scope.claim(&p.name));
        let ty = match &p.ty {
            Ty::String => quote!(&str),
            other => {
                let t = cx.ty(other);
                quote!(&#t)
            }
        };
        args.push(quote!(#name: #ty));
        let wire = &p.wire;
        let style = &p.style;
        let explode = p.explode;
        match p.location {
            ParamLocation::Path => {
                path_subst.insert(p.wire.clone(), name.clone());
            }
            ParamLocation::Query => encode.push(quote! {
                runtime::push_query(&mut query, #wire, &runtime::to_json(OP, #name)?, #style, #explode);
            }),
            ParamLocation::Header => encode.push(quote! {
                headers.push((#wire, runtime::header_value(&runtime::to_json(OP, #name)?)));
            }),
            ParamLocation::Cookie => encode.push(quote! {
                headers.push(("cookie", format!("{}={}", #wire, runtime::header_value(&runtime::to_json(OP, #name)?))));
            }),
        }
    }
    let params_struct = if optional.is_empty() {
        None
    } else {
        let name = names.claim(&format!("{stem}Params"));
        let sname = ident(&name);
        let fields = optional.iter().map(|p| {
            let f = ident(&p.name);
            let ty = cx.ty(&p.ty);
            let mut doc = p.docs.description.clone().unwrap_or_default();
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&format!("`{}` in {}.", p.wire, p.location.as_str()));
            if let Some(d) = &p.default {
                doc.push_str(&format!(" Server default: `{d}`."));
            }
            let doc = doc_lines(&doc);
            quote!(#doc pub #f: ::std::option::Option<#ty>)
        });
        let doc = format!(" Optional parameters of [`Client::{}`].", naming::unraw(&op.name));
        items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #sname { #(#fields,)* }
        });
        for p in &optional {
            let f = ident(&p.name);
            let wire = &p.wire;
            let style = &p.style;
            let explode = p.explode;
            let push = match p.location {
                ParamLocation::Query => {
                    quote!(runtime::push_query(&mut query, #wire, &runtime::to_json(OP, v)?, #style, #explode);)
                }
                ParamLocation::Header => {
                    quote!(headers.push((#wire, runtime::header_value(&runtime::to_json(OP, v)?)));)
                }
                ParamLocation::Cookie => quote! {
                    headers.push(("cookie", format!("{}={}", #wire, runtime::header_value(&runtime::to_json(OP, v)?))));
                },
                ParamLocation::Path => quote!(),
            };
            encode.push(quote!(if let ::std::option::Option::Some(v) = &params.#f { #push }));
        }
        args.push(quote!(params: #sname));
        Some(sname)
    };

    // The path, with parameters substituted and encoded.
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        fmt.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let var = &after[..end];
        match path_subst.get(var) {
            Some(arg) => {
                fmt.push_str("{}");
                fmt_args.push(quote!(runtime::encode_path(&runtime::to_json(OP, #arg)?)));
            }
            None => fmt.push_str(&format!("{{{{{var}}}}}")),
        }
        rest = &after[end + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path_expr = if fmt_args.is_empty() {
        quote!(::std::string::String::from(#fmt))
    } else {
        quote!(format!(#fmt, #(#fmt_args),*))
    };

    // Request body: JSON preferred; a form-only body is sent as a form.
    let mut form_variant = None;
    let body_expr = match &op.request_body {
        None => quote!(runtime::Body::None),
        Some(rb) => {
            let json = rb.content.iter().find(|m| is_json(&m.media_type));
            let form = rb.content.iter().find(|m| m.media_type.starts_with("application/x-www-form-urlencoded"));
            let (media, kind) = match (json, form) {
                (Some(j), f) => {
                    if let (Some(f), Some(jt)) = (f, &j.ty) {
                        if f.ty.as_ref() == Some(jt) {
                            form_variant = Some(jt.clone());
                        }
                    }
                    (j, "json")
                }
                (None, Some(f)) => (f, "form"),
                (None, None) => match rb.content.first() {
                    Some(m) => (m, "raw"),
                    None => return quote!(),
                },
            };
            let (ty, encode_body) = match kind {
                "json" | "form" => {
                    let t = media.ty.as_ref().map(|t| cx.ty(t)).unwrap_or(quote!(::serde_json::Value));
                    let f = if kind == "json" { quote!(runtime::json_body) } else { quote!(runtime::form_body) };
                    (quote!(&#t), quote!(#f(OP, body)?))
                }
                _ => {
                    let ct = &media.media_type;
                    (quote!(::bytes::Bytes), quote!(runtime::Body::Bytes { content_type: #ct, data: body }))
                }
            };
            if rb.required {
                args.insert(path_subst.len().min(args.len()), quote!(body: #ty));
                encode_body
            } else {
                args.insert(path_subst.len().min(args.len()), quote!(body: ::std::option::Option<#ty>));
                quote!(match body { ::std::option::Option::Some(body) => #encode_body, ::std::option::Option::None => runtime::Body::None })
            }
        }
    };

    // Responses.
    let success: Vec<&Response> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    let errors: Vec<&Response> = op.responses.iter().filter(|r| !r.status.is_success()).collect();
    let kinds: Vec<BodyKind> = success.iter().map(|r| body_kind(&r.content)).collect();
    let single = kinds.windows(2).all(|w| w[0] == w[1]);
    let accept = {
        let all: Vec<MediaBody> = op.responses.iter().flat_map(|r| r.content.clone()).collect();
        accept_of(&all)
    };
    let (ok_ty, ok_arms, success_kind) = if success.is_empty() {
        (
            quote!(::bytes::Bytes),
            vec![
                quote!(200..=299 => ::std::result::Result::Ok(runtime::ResponseValue { status, headers: raw.headers.clone(), body: raw.body.clone() })),
            ],
            None,
        )
    } else if single {
        let kind = kinds[0].clone();
        let t = cx.body_ty(&kind);
        let pats: Vec<TokenStream> = success.iter().map(|r| status_pattern(&r.status)).collect();
        let decode = cx.decode(&kind);
        (
            t,
            vec![
                quote!(#(#pats)|* => ::std::result::Result::Ok(runtime::ResponseValue { status, headers: raw.headers.clone(), body: #decode })),
            ],
            Some(kind),
        )
    } else {
        let name = ident(&names.claim(&format!("{stem}Response")));
        let variants = success.iter().zip(&kinds).map(|(r, k)| {
            let v = status_variant(&r.status);
            let doc = format!(" `{}`: {}", r.status, r.description.lines().next().unwrap_or(""));
            match k {
                BodyKind::None => quote!(#[doc = #doc] #v),
                _ => {
                    let t = cx.body_ty(k);
                    quote!(#[doc = #doc] #v(#t))
                }
            }
        });
        let doc = format!(" Successful responses of [`Client::{}`], by status.", naming::unraw(&op.name));
        items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#variants,)* }
        });
        let arms = success
            .iter()
            .zip(&kinds)
            .map(|(r, k)| {
                let pat = status_pattern(&r.status);
                let v = status_variant(&r.status);
                let decode = cx.decode(k);
                let body = if *k == BodyKind::None { quote!(#name::#v) } else { quote!(#name::#v(#decode)) };
                quote!(#pat => ::std::result::Result::Ok(runtime::ResponseValue { status, headers: raw.headers.clone(), body: #body }))
            })
            .collect();
        (quote!(#name), arms, None)
    };

    let (err_ty, err_arms) = if errors.is_empty() {
        (quote!(runtime::Never), Vec::new())
    } else {
        let name = ident(&names.claim(&format!("{stem}Error")));
        let mut ordered: Vec<&&Response> = errors.iter().collect();
        ordered.sort_by_key(|r| match r.status {
            Status::Code(_) => 0,
            Status::Range(_) => 1,
            Status::Default => 2,
        });
        let variants = ordered.iter().map(|r| {
            let v = status_variant(&r.status);
            let doc = format!(" `{}`: {}", r.status, r.description.lines().next().unwrap_or(""));
            match body_kind(&r.content) {
                BodyKind::None => quote!(#[doc = #doc] #v),
                k => {
                    let t = cx.body_ty(&k);
                    quote!(#[doc = #doc] #v(#t))
                }
            }
        });
        let doc = format!(" Documented error responses of [`Client::{}`], by status.", naming::unraw(&op.name));
        items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#variants,)* }
        });
        let arms = ordered
            .iter()
            .map(|r| {
                let pat = status_pattern(&r.status);
                let v = status_variant(&r.status);
                let k = body_kind(&r.content);
                let decode = cx.decode(&k);
                let error = if k == BodyKind::None { quote!(#name::#v) } else { quote!(#name::#v(#decode)) };
                quote!(#pat => ::std::result::Result::Err(runtime::Error::Api { status, headers: raw.headers.clone(), error: #error }))
            })
            .collect();
        (quote!(#name), arms)
    };
    let has_default = op.responses.iter().any(|r| r.status == Status::Default);
    let fallback = if has_default {
        quote!()
    } else {
        quote!(_ => ::std::result::Result::Err(runtime::Error::UnexpectedStatus { operation: OP, response: raw }),)
    };

    let reqs = op.security.clone().unwrap_or_else(|| api.security.clone());
    let security = security_tokens(api, &reqs);
    let method = format_ident!("{}", op.method.as_str());
    let docs = op_docs(op);
    let dep = if op.deprecated { quote!(#[deprecated]) } else { quote!() };
    let mut_query = if encode.iter().any(|t| t.to_string().contains("query")) { quote!(mut) } else { quote!() };
    let mut_headers =
        if encode.iter().any(|t| t.to_string().contains("headers . push")) { quote!(mut) } else { quote!() };
    let uses_params = params_struct.is_some();
    let _ = uses_params;

    let mut out = quote! {
        #docs
        #dep
        pub async fn #method_name(&self, #(#args),*) -> ::std::result::Result<runtime::ResponseValue<#ok_ty>, runtime::Error<#err_ty>> {
            const OP: &str = #op_id;
            #[allow(unused_mut)]
            let #mut_query query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
            #[allow(unused_mut)]
            let #mut_headers headers: ::std::vec::Vec<(&'static str, ::std::string::String)> = ::std::vec::Vec::new();
            #(#encode)*
            let request = runtime::Request {
                operation: OP,
                method: runtime::Method::#method,
                path: #path_expr,
                query,
                headers,
                body: #body_expr,
                security: #security,
                accept: #accept,
            };
            let raw = self.execute::<#err_ty>(request).await?;
            let status = raw.status;
            match status {
                #(#ok_arms,)*
                #(#err_arms,)*
                #fallback
            }
        }
    };

    if let Some(form_ty) = form_variant {
        let name = format_ident!("{}_as_form", naming::unraw(&op.name));
        let t = cx.ty(&form_ty);
        let doc = format!(
            " [`Client::{}`] with the body sent as `application/x-www-form-urlencoded`.",
            naming::unraw(&op.name)
        );
        let other_args: Vec<TokenStream> =
            args.iter().filter(|a| !a.to_string().starts_with("body")).cloned().collect();
        let other_names: Vec<TokenStream> = other_args
            .iter()
            .filter_map(|a| a.to_string().split(':').next().map(|n| n.trim().replace(' ', "")))
            .map(|n| n.parse().unwrap_or_default())
            .collect();
        let _ = other_names;
        // The form variant re-encodes the same body type; everything else is shared.
        out.extend(quote! {
            #[doc = #doc]
            pub async fn #name(&self, body: &#t) -> ::std::result::Result<runtime::ResponseValue<#ok_ty>, runtime::Error<#err_ty>> {
                const OP: &str = #op_id;
                let request = runtime::Request {
                    operation: OP,
                    method: runtime::Method::#method,
                    path: #path_expr,
                    query: ::std::vec::Vec::new(),
                    headers: ::std::vec::Vec::new(),
                    body: runtime::form_body(OP, body)?,
                    security: #security,
                    accept: #accept,
                };
                let raw = self.execute::<#err_ty>(request).await?;
                let status = raw.status;
                match status {
                    #(#ok_arms,)*
                    #(#err_arms,)*
                    #fallback
                }
            }
        });
    }

    if let (Some(kind), Some(params)) = (&success_kind, &params_struct) {
        if let Some(p) = paging(api, op, kind) {
            if args.len() == 1 {
                let name = format_ident!("{}_stream", naming::unraw(&op.name));
                let item = cx.ty(&p.item);
                let (off, next, data) = (&p.offset_field, &p.next_field, &p.data_field);
                let data_expr =
                    if p.data_required { quote!(page.#data) } else { quote!(page.#data.unwrap_or_default()) };
                let doc = format!(
                    " Every item of [`Client::{}`], page after page: follows `next` until the last page.",
                    naming::unraw(&op.name)
                );
                out.extend(quote! {
                    #[doc = #doc]
                    pub fn #name(&self, params: #params) -> ::std::pin::Pin<::std::boxed::Box<dyn ::futures_core::Stream<Item = ::std::result::Result<#item, runtime::Error<#err_ty>>> + ::std::marker::Send + '_>> {
                        use ::futures_util::StreamExt as _;
                        ::std::boxed::Box::pin(::futures_util::stream::unfold(::std::option::Option::Some(params), move |state| async move {
                            let mut params = state?;
                            match self.#method_name(params.clone()).await {
                                ::std::result::Result::Err(e) => ::std::option::Option::Some((::futures_util::stream::iter(::std::vec![::std::result::Result::Err(e)]), ::std::option::Option::None)),
                                ::std::result::Result::Ok(page) => {
                                    let page = page.into_inner();
                                    let items = #data_expr;
                                    let count = items.len() as i64;
                                    let current = params.#off.map(i64::from).unwrap_or(0);
                                    let next_state = match page.#next.as_deref() {
                                        ::std::option::Option::Some(link) if count > 0 => {
                                            let offset = runtime::next_offset(link).unwrap_or(current + count);
                                            params.#off = offset.try_into().ok();
                                            params.#off.map(|_| params)
                                        }
                                        _ => ::std::option::Option::None,
                                    };
                                    ::std::option::Option::Some((::futures_util::stream::iter(items.into_iter().map(::std::result::Result::Ok).collect::<::std::vec::Vec<_>>()), next_state))
                                }
                            }
                        })
                        .flatten())
                    }
                });
            }
        }
    }
    out
}

/// All files of the client crate, paths relative to the crate directory.
pub fn emit(api: &Api, names: &CrateNames) -> Result<Vec<GeneratedFile>, EmitError> {
    let types_crate = format_ident!("{}", names.types.replace('-', "_"));
    let cx = Cx { api, prefix: quote!(types::) };
    let mut scope = naming::Scope::with_reserved(&[
        "Client",
        "ClientBuilder",
        "Credentials",
        "Secret",
        "RetryPolicy",
        "CallOptions",
        "RequestHook",
        "Error",
        "ResponseValue",
        "RawResponse",
        "Request",
        "Body",
        "Scheme",
        "KeyLocation",
        "Never",
        "HeaderMap",
        "Method",
    ]);
    let mut items = Vec::new();
    let mut methods = Vec::new();
    for op in &api.operations {
        methods.push(emit_operation(&cx, op, &mut items, &mut scope));
    }
    let ops = quote! {
        use crate::runtime::{self, Client};
        use crate::types;

        #(#items)*

        impl Client {
            #(#methods)*
        }
    };
    let operations_rs = format_rust(api, "src/operations.rs", ops)?;

    let default_url = api
        .servers
        .first()
        .map(|s| {
            let mut url = s.url.clone();
            for v in &s.variables {
                url = url.replace(&format!("{{{}}}", v.name), &v.default);
            }
            url
        })
        .unwrap_or_else(|| "http://localhost".to_string());
    let crate_doc = format!(
        " Async client for {} (version {}), generated from `{}`.\n\n One method per operation on [`Client`]; request and response types are in [`types`] (the `{}` crate).\n\n ```no_run\n # async fn run() -> Result<(), Box<dyn std::error::Error>> {{\n let client = {}::Client::builder().base_url(\"{default_url}\").build()?;\n # let _ = client; Ok(()) }}\n ```",
        api.title,
        api.version,
        api.source.file,
        names.types,
        names.client.replace('-', "_"),
    );
    let crate_doc = inner_doc_lines(&crate_doc);
    let lib = quote! {
        #crate_doc
        #![allow(deprecated)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_many_arguments, clippy::large_enum_variant, clippy::result_large_err, clippy::empty_docs, clippy::too_long_first_doc_paragraph)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags, rustdoc::invalid_rust_codeblocks)]

        pub use #types_crate as types;

        mod operations;
        pub mod runtime;

        pub use operations::*;
        pub use runtime::{CallOptions, Client, ClientBuilder, Credentials, Error, RequestHook, ResponseValue, RetryPolicy, Secret};

        /// The spec's first server, used when no base URL is set.
        pub const DEFAULT_BASE_URL: &str = #default_url;

        impl ClientBuilder {
            /// Build the client; the base URL defaults to [`DEFAULT_BASE_URL`].
            pub fn build(self) -> ::std::result::Result<Client, ::reqwest::Error> {
                self.build_with_default(DEFAULT_BASE_URL)
            }
        }
    };
    let lib_rs = format_rust(api, "src/lib.rs", lib)?;
    let runtime_rs = format_static(api, "src/runtime.rs", include_str!("runtime/client_runtime.rs"))?;

    let mut manifest = header(api, "#");
    manifest.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\ndescription = \"Async client for {}, generated from its OpenAPI description\"\npublish = false\n\n[lib]\ndoctest = false\n\n[dependencies]\n{} = {{ path = \"../{}\" }}\nbytes = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }}\nfutures-core = {{ version = \"0.3\", default-features = false }}\nfutures-util = {{ version = \"0.3\", default-features = false }}\nreqwest = {{ version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }}\nserde = {{ version = \"1\", default-features = false, features = [\"std\", \"derive\"] }}\nserde_json = {{ version = \"1\", default-features = false, features = [\"std\"] }}\nserde_path_to_error = \"0.1\"\nserde_urlencoded = \"0.7\"\ntokio = {{ version = \"1\", default-features = false, features = [\"sync\", \"time\"] }}\nuuid = {{ version = \"1\", default-features = false, features = [\"std\", \"serde\"] }}\n",
        names.client,
        super::toml_text(&api.title),
        names.types,
        names.types,
    ));
    Ok(vec![
        GeneratedFile { path: PathBuf::from("Cargo.toml"), contents: manifest },
        GeneratedFile { path: PathBuf::from("src/lib.rs"), contents: lib_rs },
        GeneratedFile { path: PathBuf::from("src/runtime.rs"), contents: runtime_rs },
        GeneratedFile { path: PathBuf::from("src/operations.rs"), contents: operations_rs },
    ])
}
