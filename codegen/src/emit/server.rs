//! The server crate: an axum 0.8 router over a trait with one async method
//! per operation, request validation against the spec, and a mock server.
//!
//! Layout of the generated crate (names fixed, referenced by the runtime):
//! - `ops.rs`: per operation a module with its `Request` struct, `Response`
//!   enum (one variant per documented status, plus `Raw`) and a small `call`
//!   function; the `Api` trait (default methods answer 501) and its
//!   object-safe twin `Erased`, so everything but one boxing shim per method
//!   is compiled once in this crate, whatever implements the trait.
//! - `tables.rs` (written by `server::tables`): the spec as static data (types, security schemes,
//!   operations, patterns), gathered in one `SPEC` (an
//!   `openapi_runtime::server::Spec`) that the runtime reads.
//! - `mock.rs`: the runtime's mock bound to `SPEC`.
//! - The request path, validation and the mock themselves are the
//!   `openapi-runtime` crate (feature `server`), re-exported as `runtime`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::path::PathBuf;

use super::types::rust_ty;
use super::{
    doc_lines, format_rust, format_rust_parts, format_static, header, ident, inner_doc_lines, CrateNames, EmitError,
    GeneratedFile, Part,
};
use crate::ir::*;
use crate::naming;
use crate::tags::TagFeatures;

mod tables;

/// How a body of one media type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Json,
    Form,
    Text,
    Bytes,
}

fn encoding(media_type: &str, request: bool) -> Encoding {
    let mt = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mt == "application/json" || mt.ends_with("+json") || mt.ends_with("/json") || mt == "*/*" {
        Encoding::Json
    } else if request && mt == "application/x-www-form-urlencoded" {
        Encoding::Form
    } else if mt.starts_with("text/") {
        Encoding::Text
    } else {
        Encoding::Bytes
    }
}

/// The operation's security as alternatives of scheme indexes; empty when anonymous access is allowed.
fn security_indexes(api: &Api, op: &Operation) -> Vec<Vec<usize>> {
    let reqs = op.security.as_ref().unwrap_or(&api.security);
    let mut out = Vec::new();
    for r in reqs {
        if r.schemes.is_empty() {
            return Vec::new();
        }
        out.push(r.schemes.iter().filter_map(|(name, _)| api.security_schemes.get_index_of(name)).collect());
    }
    out
}

fn reason_name(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        423 => "Locked",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return None,
    })
}

/// The `Response` variant name for a documented status.
pub fn status_variant(s: &Status) -> String {
    match s {
        Status::Code(c) => reason_name(*c).map(str::to_owned).unwrap_or_else(|| format!("Status{c}")),
        Status::Range(d) => format!("Status{d}XX"),
        Status::Default => "Default".to_owned(),
    }
}

/// A name for a media type among the bodies of one operation (`Json`, `Form`…).
pub fn media_variant(media_type: &str) -> String {
    match media_type.to_ascii_lowercase().as_str() {
        "application/json" => "Json".into(),
        "application/x-www-form-urlencoded" => "Form".into(),
        "multipart/form-data" => "Multipart".into(),
        "text/plain" => "Text".into(),
        "text/html" => "Html".into(),
        "application/octet-stream" => "OctetStream".into(),
        other => naming::camel_ident(other, "Media"),
    }
}

/// Names of an operation's `Request` fields: one per parameter, then the body's (if any).
pub fn request_field_names(op: &Operation) -> (Vec<String>, Option<String>) {
    let mut scope = naming::Scope::new();
    let params = op.parameters.iter().map(|p| scope.claim(&p.name)).collect();
    let body = op.request_body.as_ref().filter(|b| !b.content.is_empty()).map(|_| scope.claim("body"));
    (params, body)
}

/// Variant names of a `Body` enum (several request media types) or of a response body enum.
pub fn media_variant_names(content: &[MediaBody]) -> Vec<String> {
    let mut scope = naming::Scope::new();
    content.iter().map(|m| scope.claim(&media_variant(&m.media_type))).collect()
}

/// Variant names of an operation's `Response` enum, one per documented response.
pub fn response_variant_names(op: &Operation) -> Vec<String> {
    let mut scope = naming::Scope::with_reserved(&["Raw"]);
    op.responses.iter().map(|r| scope.claim(&status_variant(&r.status))).collect()
}

/// Rust type of one media type's payload, and the `Input` method that decodes it as a request body.
fn payload(api: &Api, m: &MediaBody, request: bool) -> (TokenStream, Encoding) {
    let types = quote!(types::);
    let enc = encoding(&m.media_type, request);
    let ty = match enc {
        Encoding::Json | Encoding::Form => match &m.ty {
            Some(t) => rust_ty(api, t, &types),
            None => quote!(::serde_json::Value),
        },
        Encoding::Text => quote!(::std::string::String),
        Encoding::Bytes => quote!(::std::vec::Vec<u8>),
    };
    (ty, enc)
}

/// Expression writing `body` (a payload of `enc`) as an HTTP response.
fn encode_expr(enc: Encoding, media_type: &str, code: TokenStream, body: TokenStream) -> TokenStream {
    match enc {
        Encoding::Json | Encoding::Form => {
            quote!(runtime::json_response(#code, #media_type, &#body))
        }
        Encoding::Text => quote!(runtime::bytes_response(#code, #media_type, #body.into_bytes())),
        Encoding::Bytes => quote!(runtime::bytes_response(#code, #media_type, #body)),
    }
}

fn op_doc(op: &Operation) -> String {
    let mut text = String::new();
    if let Some(s) = &op.summary {
        text.push_str(s.trim());
        text.push_str("\n\n");
    }
    if let Some(d) = &op.description {
        if op.summary.as_deref().map(str::trim) != Some(d.trim()) {
            text.push_str(d.trim());
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!("`{}` `{} {}`", op.id, op.method, op.path));
    text
}

/// An operation's module: its `Request`, `Response` and their code.
fn op_module(api: &Api, op: &Operation) -> TokenStream {
    let types = quote!(types::);
    let name = ident(&op.name);
    let id = &op.id;

    // Request: parameters in spec order, then the body.
    let (param_names, body_name) = request_field_names(op);
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for (i, (p, fname)) in op.parameters.iter().zip(&param_names).enumerate() {
        let fident = ident(fname);
        let ty = rust_ty(api, &p.ty, &types);
        let mut doc = String::new();
        if let Some(d) = &p.docs.description {
            doc.push_str(d.trim());
            doc.push_str("\n\n");
        }
        doc.push_str(&format!(
            "{} parameter `{}`. {}",
            match p.location {
                ParamLocation::Path => "Path",
                ParamLocation::Query => "Query",
                ParamLocation::Header => "Header",
                ParamLocation::Cookie => "Cookie",
            },
            p.wire,
            if p.required { "Required." } else { "Optional (`None` when absent)." }
        ));
        if let Some(d) = &p.default {
            doc.push_str(&format!(" Default: `{d}`."));
        }
        let doc = doc_lines(&doc);
        let i = Literal::usize_unsuffixed(i);
        if p.required {
            fields.push(quote!(#doc pub #fident: #ty));
            inits.push(quote!(#fident: input.param(#i)?));
        } else {
            fields.push(quote!(#doc pub #fident: ::std::option::Option<#ty>));
            inits.push(quote!(#fident: input.param_opt(#i)?));
        }
    }
    let mut extra_items = Vec::new();
    if let (Some(body), Some(body_name)) = (op.request_body.as_ref().filter(|b| !b.content.is_empty()), &body_name) {
        let fident = ident(body_name);
        let required = body.required;
        let mut doc = String::new();
        if let Some(d) = &body.description {
            doc.push_str(d.trim());
            doc.push_str("\n\n");
        }
        let types_list: Vec<String> = body.content.iter().map(|m| format!("`{}`", m.media_type)).collect();
        doc.push_str(&format!(
            "The request body ({}). {}",
            types_list.join(", "),
            if required { "Required." } else { "Optional (`None` when the request has no body)." }
        ));
        let doc = doc_lines(&doc);
        let decode_one = |enc: Encoding, opt: bool| match (enc, opt) {
            (Encoding::Json | Encoding::Form, false) => quote!(input.body_json()?),
            (Encoding::Json | Encoding::Form, true) => quote!(input.body_json_opt()?),
            (Encoding::Text, false) => quote!(input.body_text()?),
            (Encoding::Text, true) => quote!(input.body_text_opt()?),
            (Encoding::Bytes, false) => quote!(input.body_bytes()?),
            (Encoding::Bytes, true) => quote!(input.body_bytes_opt()?),
        };
        if let [m] = body.content.as_slice() {
            let (ty, enc) = payload(api, m, true);
            let init = decode_one(enc, !required);
            if required {
                fields.push(quote!(#doc pub #fident: #ty));
            } else {
                fields.push(quote!(#doc pub #fident: ::std::option::Option<#ty>));
            }
            inits.push(quote!(#fident: #init));
        } else {
            let mut variants = Vec::new();
            let mut arms = Vec::new();
            for (i, (m, v)) in body.content.iter().zip(media_variant_names(&body.content)).enumerate() {
                let v = ident(&v);
                let (ty, enc) = payload(api, m, true);
                let vdoc = format!(" Sent as `{}`.", m.media_type);
                variants.push(quote!(#[doc = #vdoc] #v(#ty)));
                let dec = decode_one(enc, false);
                let i = Literal::usize_unsuffixed(i);
                arms.push(quote!(::std::option::Option::Some(#i) => ::std::option::Option::Some(Body::#v(#dec))));
            }
            extra_items.push(quote! {
                /// The request body, by the media type it was sent as.
                #[derive(Debug, Clone, PartialEq)]
                pub enum Body { #(#variants,)* }
            });
            let matched = quote!(match input.body_media() { #(#arms,)* _ => ::std::option::Option::None });
            if required {
                fields.push(quote!(#doc pub #fident: Body));
                inits.push(quote!(#fident: match #matched { ::std::option::Option::Some(b) => b, ::std::option::Option::None => return ::std::result::Result::Err(runtime::Rejection::missing_body()) }));
            } else {
                fields.push(quote!(#doc pub #fident: ::std::option::Option<Body>));
                inits.push(quote!(#fident: #matched));
            }
        }
    }

    // Response: one variant per documented status.
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for (r, vname) in op.responses.iter().zip(response_variant_names(op)) {
        let v = ident(&vname);
        let mut doc = format!("`{}`", r.status);
        if !r.description.trim().is_empty() {
            doc.push_str(": ");
            doc.push_str(r.description.trim());
        }
        if !r.content.is_empty() {
            let mts: Vec<String> = r.content.iter().map(|m| format!("`{}`", m.media_type)).collect();
            doc.push_str(&format!("\n\nBody: {}.", mts.join(", ")));
        }
        let doc = doc_lines(&doc);
        let fixed = match r.status {
            Status::Code(c) => Some(c),
            _ => None,
        };
        let code = match fixed {
            Some(c) => quote!(#c),
            None => quote!(status.as_u16()),
        };
        // The body's type, and how to write it, when the response has one.
        let body: Option<(TokenStream, TokenStream)> = match r.content.as_slice() {
            [] => None,
            [m] => {
                let (ty, enc) = payload(api, m, false);
                Some((ty, encode_expr(enc, &m.media_type, code.clone(), quote!(body))))
            }
            many => {
                let body_name = ident(&format!("{vname}Body"));
                let mut mvars = Vec::new();
                let mut marms = Vec::new();
                for (m, mv) in many.iter().zip(media_variant_names(many)) {
                    let mv = ident(&mv);
                    let (ty, enc) = payload(api, m, false);
                    let mdoc = format!(" Sent as `{}`.", m.media_type);
                    mvars.push(quote!(#[doc = #mdoc] #mv(#ty)));
                    let e = encode_expr(enc, &m.media_type, code.clone(), quote!(b));
                    marms.push(quote!(#body_name::#mv(b) => #e));
                }
                let edoc = format!(" The body of `{}`, by media type.", r.status);
                extra_items.push(quote! {
                    #[doc = #edoc]
                    #[derive(Debug, Clone, PartialEq)]
                    pub enum #body_name { #(#mvars,)* }
                });
                Some((quote!(#body_name), quote!(match body { #(#marms,)* })))
            }
        };
        match (fixed, body) {
            (Some(_), None) => {
                variants.push(quote!(#doc #v));
                arms.push(quote!(Response::#v => runtime::empty(#code)));
            }
            (Some(_), Some((ty, enc))) => {
                variants.push(quote!(#doc #v(#ty)));
                arms.push(quote!(Response::#v(body) => #enc));
            }
            (None, None) => {
                variants.push(quote!(#doc #v { status: ::axum::http::StatusCode }));
                arms.push(quote!(Response::#v { status } => runtime::empty(#code)));
            }
            (None, Some((ty, enc))) => {
                variants.push(quote!(#doc #v { status: ::axum::http::StatusCode, body: #ty }));
                arms.push(quote!(Response::#v { status, body } => #enc));
            }
        }
    }

    let mod_doc = doc_lines(&format!("Types of `{}` (`{} {}`).", op.id, op.method, op.path));
    let req_doc = doc_lines(&format!("What a client sent to `{id}`, checked against the spec and decoded."));
    let resp_doc =
        doc_lines(&format!("The answers `{id}` documents, one variant per status; `Raw` sends any response as it is."));
    quote! {
        #mod_doc
        pub mod #name {
            #[allow(unused_imports)]
            use super::super::{runtime::{self, BoxFuture, HttpResponse, Input, Rejection}, types};

            #req_doc
            #[derive(Debug, Clone, PartialEq)]
            pub struct Request { #(#fields,)* }

            #resp_doc
            #[derive(Debug)]
            pub enum Response {
                #(#variants,)*
                /// Any response, sent as it is (not checked against the spec).
                Raw(HttpResponse),
            }

            #(#extra_items)*

            impl ::axum::response::IntoResponse for Response {
                fn into_response(self) -> HttpResponse {
                    match self {
                        #(#arms,)*
                        Response::Raw(response) => response,
                    }
                }
            }

            #[allow(unused_variables, unused_mut)]
            fn decode(input: &mut Input) -> ::std::result::Result<Request, Rejection> {
                ::std::result::Result::Ok(Request { #(#inits,)* })
            }

            pub(crate) fn call(api: &runtime::Service, input: Input) -> BoxFuture<'static, HttpResponse> {
                runtime::dispatch(api, input, decode, <dyn super::Erased>::#name)
            }
        }
    }
}

/// An operation's method of the `Api` trait.
fn trait_method(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let id = &op.id;
    let dep = if op.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
    let tdoc = doc_lines(&op_doc(op));
    quote! {
        #tdoc
        #dep
        fn #name(&self, request: #name::Request, context: RequestContext) -> impl Future<Output = #name::Response> + Send {
            let _ = (request, context);
            ::std::future::ready(#name::Response::Raw(runtime::not_implemented(#id)))
        }
    }
}

/// An operation's method of the object-safe `Erased` trait: the
/// implementation's future and the response conversion in one box per request.
fn erased_decl(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    quote! {
        fn #name(self: ::std::sync::Arc<Self>, request: #name::Request, context: RequestContext) -> BoxFuture<'static, HttpResponse>;
    }
}

/// An operation's method of `Erased`'s implementation for every `Api`.
fn erased_impl(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    quote! {
        fn #name(self: ::std::sync::Arc<Self>, request: #name::Request, context: RequestContext) -> BoxFuture<'static, HttpResponse> {
            ::std::boxed::Box::pin(async move {
                ::axum::response::IntoResponse::into_response(Api::#name(&*self, request, context).await)
            })
        }
    }
}

/// The `#[cfg]` of operation `index` under per-tag features (nothing without).
fn op_cfg(features: Option<&TagFeatures>, index: usize) -> TokenStream {
    features.map(|f| super::cfg_features(&f.operation_features(index))).unwrap_or_default()
}

/// `ops.rs`, in parts (see `format_rust_parts`): the `Api` trait, its
/// object-safe form, that form's implementation, then the operations'
/// modules, cut into runs of about equal size.
fn ops_rs<'a>(api: &'a Api, features: Option<&'a TagFeatures>) -> Vec<Part<'a>> {
    let ops = &api.operations;
    // Rough sizes: a module grows with its parameters and responses; per
    // operation, the `Api` method is about a quarter of its module, the
    // object-safe declaration a tenth and its implementation a fifth
    // (measured in lines of config-api's `ops.rs`).
    let modules: Vec<usize> = ops
        .iter()
        .map(|op| {
            let params: usize = op.parameters.iter().map(|p| 2 + super::docs_weight(&p.docs)).sum();
            6 + params + 3 * op.responses.len()
        })
        .collect();
    let all: usize = modules.iter().sum();
    let mut weights = vec![all / 4, all / 10, all / 5];
    weights.extend(modules);
    let parts = super::part_count(weights.iter().sum());
    super::balanced_ranges(&weights, parts)
        .into_iter()
        .map(|items| -> Part<'a> {
            Box::new(move || {
                let mut out = TokenStream::new();
                for item in items {
                    match item {
                        0 => out.extend(ops_api_trait(api, features)),
                        1 => out.extend(ops_erased_trait(api, features)),
                        2 => out.extend(ops_erased_impl(api, features)),
                        _ => {
                            // Each part of an operation is one item, so its gate goes in front of it.
                            let index = item - 3;
                            let cfg = op_cfg(features, index);
                            let module = op_module(api, &ops[index]);
                            out.extend(quote!(#cfg #module));
                        }
                    }
                }
                Ok(out)
            })
        })
        .collect()
}

/// One method per operation, each behind its operation's gate.
fn gated_methods<'a>(
    api: &'a Api,
    features: Option<&'a TagFeatures>,
    method: impl Fn(&Operation) -> TokenStream + 'a,
) -> impl Iterator<Item = TokenStream> + 'a {
    api.operations.iter().enumerate().map(move |(index, op)| {
        let cfg = op_cfg(features, index);
        let method = method(op);
        quote!(#cfg #method)
    })
}

/// The first items of `ops.rs`: its imports and the `Api` trait.
fn ops_api_trait(api: &Api, features: Option<&TagFeatures>) -> TokenStream {
    let methods = gated_methods(api, features, trait_method);
    let title = &api.title;
    let trait_doc = doc_lines(&format!(
        "The operations of {title}: implement the ones you serve.\n\n\
         One method per operation; each gets its typed, already validated request and the\n\
         request context, and returns that operation's response enum. Methods left out answer\n\
         `501 Not Implemented` with a JSON error body. Implement a method with `async fn`.\n\
         Serve an implementation with [`router`](crate::router)."
    ));
    quote! {
        // A spec without operations leaves these unused.
        #[allow(unused_imports)]
        use ::std::future::Future;
        #[allow(unused_imports)]
        use super::runtime::{self, BoxFuture, HttpResponse, RequestContext};

        #trait_doc
        pub trait Api: Send + Sync + 'static {
            #(#methods)*
        }
    }
}

/// The object-safe form of the `Api` trait.
fn ops_erased_trait(api: &Api, features: Option<&TagFeatures>) -> TokenStream {
    let decls = gated_methods(api, features, erased_decl);
    quote! {
        /// The object-safe form of [`Api`] the router calls, so the request
        /// handling is compiled once rather than for every implementation.
        pub(crate) trait Erased: Send + Sync {
            #(#decls)*
        }
    }
}

/// Every `Api` as its object-safe form.
fn ops_erased_impl(api: &Api, features: Option<&TagFeatures>) -> TokenStream {
    let impls = gated_methods(api, features, erased_impl);
    quote! {
        impl<T: Api> Erased for T {
            #(#impls)*
        }
    }
}

/// The path part of the first server URL, server variables set to their
/// defaults, without a trailing `/` (`""` when it is the root or unusable).
pub fn base_path(api: &Api) -> String {
    let Some(server) = api.servers.first() else { return String::new() };
    let mut url = server.url.clone();
    for v in &server.variables {
        url = url.replace(&format!("{{{}}}", v.name), &v.default);
    }
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url.as_str(),
    };
    let path = path.split(['?', '#']).next().unwrap_or("").trim_end_matches('/');
    // A path that cannot be a route prefix (a leftover variable, a relative URL) is not used.
    if !path.starts_with('/') || path.contains(['{', '}', '*', ':']) {
        return String::new();
    }
    path.to_owned()
}

fn lib_rs(api: &Api, names: &CrateNames) -> TokenStream {
    let types_crate = ident(&naming::crate_ident(&names.types));
    let me = naming::crate_ident(&names.server);
    let title = &api.title;
    let doc = format!(
        "A server for {title} (version {}), generated from `{}`: an axum 0.8 router over the\n\
         [`Api`] trait, with every request checked against the spec before an implementation sees it.\n\
         \n\
         ```ignore\n\
         use {me}::{{ops, Api, RequestContext}};\n\
         \n\
         struct Server;\n\
         \n\
         impl Api for Server {{\n\
         \x20   // Implement the operations you serve; the others answer 501 Not Implemented.\n\
         }}\n\
         \n\
         let app = {me}::router(Server); // an axum::Router: add layers, nest, merge\n\
         let listener = tokio::net::TcpListener::bind(\"127.0.0.1:8080\").await?;\n\
         axum::serve(listener, app).await?;\n\
         ```\n\
         \n\
         - Each operation has a module in [`ops`] with its `Request` (path, query, header\n\
         \x20 parameters and body, decoded) and `Response` (one variant per documented status,\n\
         \x20 plus `Raw` for anything else).\n\
         - Before the implementation runs, malformed requests are answered with a JSON error\n\
         \x20 naming the field. Every keyword of the spec is checked (types, `required`, enums,\n\
         \x20 bounds, lengths, patterns, formats, item counts, closed objects). A request that\n\
         \x20 fails validation gets a status the operation documents: `400` for parameters and\n\
         \x20 malformed JSON, `422` for a body that does not match its schema, each replaced by\n\
         \x20 the other when only that one is documented (or by `404` for a malformed path\n\
         \x20 parameter). Also `415` (content type), `413` (body over [`Config::body_limit`]),\n\
         \x20 `401` (no credential for an operation that requires one). When the operation\n\
         \x20 documents a body for that status, the error has that shape.\n\
         - Credentials (basic, bearer, API keys) are parsed into [`RequestContext::credentials`];\n\
         \x20 checking them is up to the implementation or a tower middleware.\n\
         - [`mock`] answers every operation with a valid response (`cargo run -p {} --example {} -- --port 8080`).",
        api.version,
        api.source.file,
        names.server,
        mock_example_name(names)
    );
    // Deep type graphs need a higher limit here, and in a crate implementing `Api`.
    let limit = super::types::recursion_limit_attr(api);
    let doc = match super::types::recursion_limit(api) {
        Some(n) => format!(
            "{doc}\n\nThis spec's types nest deeply: a crate implementing [`Api`] needs \
             `#![recursion_limit = \"{n}\"]` too (the compiler proves its futures `Send` through them)."
        ),
        None => doc,
    };
    let doc = inner_doc_lines(&doc);
    quote! {
        #doc
        #limit
        // Deprecated operations stay servable; their callers see the warning.
        #![allow(deprecated)]
        // Spec text becomes docs verbatim; these lints judge that text.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::large_enum_variant, clippy::empty_docs, clippy::too_long_first_doc_paragraph, clippy::needless_question_mark)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags, rustdoc::invalid_rust_codeblocks)]

        pub use ::#types_crate as types;

        pub mod mock;
        pub mod ops;
        mod tables;

        /// The server runtime: the `openapi-runtime` crate (feature `server`), the
        /// same for every generated server.
        pub use ::openapi_runtime::server as runtime;

        pub use ops::Api;
        pub use runtime::{not_implemented, Authorization, BoxFuture, Config, Credentials, HttpResponse, RequestContext};
        pub use runtime::schema::Problem;

        /// `(method, path, operationId)` of every operation, in spec order.
        pub fn operations() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
            runtime::operations(&tables::SPEC)
        }

        /// Check a response of operation `operation_id` against what the spec documents
        /// for its status and content type; `Err` says what does not match.
        pub fn check_response(operation_id: &str, status: u16, content_type: ::std::option::Option<&str>, body: &[u8]) -> ::std::result::Result<(), ::std::string::String> {
            runtime::schema::check_response(&tables::SPEC, operation_id, status, content_type, body)
        }

        /// A router serving `api` (axum 0.8): one route per operation, paths exactly as in the spec.
        ///
        /// Compose it like any router (`.layer(…)` for tower middleware, `.nest`, `.merge`) and
        /// serve it with `axum::serve`.
        pub fn router<T: Api>(api: T) -> ::axum::Router {
            router_with(api, Config::default())
        }

        /// [`router`] with settings.
        pub fn router_with<T: Api>(api: T, config: Config) -> ::axum::Router {
            let api: ::std::sync::Arc<dyn ops::Erased> = ::std::sync::Arc::new(api);
            runtime::router(&tables::SPEC, runtime::Backend::Typed(::std::sync::Arc::new(api)), config, &[""])
        }
    }
}

fn manifest(api: &Api, names: &CrateNames, features: Option<&TagFeatures>) -> String {
    let mut m = header(api, "#");
    m.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\ndescription = \"Server stubs (axum) for {}, generated from its OpenAPI description\"\npublish = false\n\n[lib]\ndoctest = false\n\n",
        names.server,
        super::toml_text(&api.title)
    ));
    m.push_str(&format!(
        "[dependencies]\n{} = {{ version = \"0.1.0\", path = \"../{}\"{} }}\n\
         axum = {{ version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }}\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }}\n\
         {}\n\
         serde = {{ version = \"1\", default-features = false, features = [\"std\"] }}\n\
         serde_json = {{ version = \"1\", default-features = false, features = [\"std\"] }}\n\
         tokio = {{ version = \"1\", default-features = false, features = [\"net\", \"rt\"] }}\n\
         uuid = {{ version = \"1\", default-features = false, features = [\"std\", \"serde\"] }}\n\n\
         [dev-dependencies]\n\
         tokio = {{ version = \"1\", default-features = false, features = [\"macros\", \"rt-multi-thread\"] }}\n",
        names.types,
        names.types,
        if features.is_some() { ", default-features = false" } else { "" },
        names.runtime_dependency("openapi-runtime", &["server"]),
    ));
    if let Some(f) = features {
        m.push_str(&super::features_toml(f, &[&names.types]));
    }
    m
}

/// The mock server example's name: unique across a workspace (the server
/// crate's name with `-server` turned into `-mock-server`), since examples of
/// different packages share one output directory.
pub fn mock_example_name(names: &CrateNames) -> String {
    match names.server.strip_suffix("-server") {
        Some(stem) => format!("{stem}-mock-server"),
        None => format!("{}-mock", names.server),
    }
}

fn mock_example(api: &Api, names: &CrateNames) -> Result<String, EmitError> {
    let example = mock_example_name(names);
    let me = naming::crate_ident(&names.server);
    // The title is spec text: one line in the doc comment, an escaped
    // literal in code (a `"`, `{` or newline in it must not change the code).
    let title = api.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title_lit = format!("{:?}", format!("mock {title} server listening on http://"));
    let server = &names.server;
    let source = format!(
        r#"//! The mock server of {title}: every operation answers a valid response.
//!
//! `cargo run -p {server} --example {example} -- --port 8080 [--host 127.0.0.1]`
//!
//! Send `Prefer: code=404` to get another documented status.

use std::net::{{IpAddr, Ipv4Addr, SocketAddr}};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let mut port: u16 = 8080;
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {{
        match arg.as_str() {{
            "--port" => port = args.next().ok_or("--port needs a value")?.parse()?,
            "--host" => host = args.next().ok_or("--host needs a value")?.parse()?,
            other => return Err(format!("unknown argument `{{other}}`; usage: {example} [--port N] [--host ADDR]").into()),
        }}
    }}
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(host, port)).await?;
    let banner = {title_lit};
    println!("{{banner}}{{}}", listener.local_addr()?);
    axum::serve(listener, {me}::mock::router()).await?;
    Ok(())
}}
"#
    );
    format_static(api, &format!("examples/{example}.rs"), &source)
}

/// The crate's `mock` module: the runtime's mock bound to this spec, under
/// the names the module had when it was copied into every crate.
fn mock_rs() -> TokenStream {
    quote! {
        //! The mock server: every operation answers a valid response without any
        //! implementation, for integration tests of code that calls this API.
        //!
        //! Requests are checked exactly as by a real router (so a test also learns
        //! when it sends something the spec forbids). The answer is the operation's
        //! first documented success, or the status a `Prefer: code=NNN` request
        //! header asks for; its body is the spec's example when one validates, else a
        //! value synthesised from the schema.

        use ::std::net::SocketAddr;

        use super::runtime::mock as imp;
        use super::tables::SPEC;

        pub use super::tables::BASE_PATH;
        pub use imp::MockOptions;

        /// A router answering every operation of the spec with a valid response, at
        /// the paths as written and under the base path of the spec's first server
        /// URL ([`BASE_PATH`], when it has one), so a client configured with the real
        /// base URL works unchanged.
        pub fn router() -> ::axum::Router {
            imp::router(&SPEC)
        }

        /// A mock server running on a background task; stopped when dropped.
        #[derive(Debug)]
        pub struct MockServer(imp::MockServer);

        impl MockServer {
            /// Serve the mock on a free port of 127.0.0.1 (needs a Tokio runtime).
            pub async fn start() -> ::std::io::Result<MockServer> {
                imp::MockServer::start(&SPEC).await.map(MockServer)
            }

            /// Serve the mock on `addr`.
            pub async fn bind(addr: SocketAddr) -> ::std::io::Result<MockServer> {
                imp::MockServer::bind(&SPEC, addr).await.map(MockServer)
            }

            /// The address it listens on.
            pub fn addr(&self) -> SocketAddr {
                self.0.addr()
            }

            /// Its base URL (`http://127.0.0.1:PORT`), for a client.
            pub fn url(&self) -> ::std::string::String {
                self.0.url()
            }
        }
    }
}

/// All files of the server crate, paths relative to the crate directory.
/// `features`: the spec's tag features when `names.tag_features` (worked out
/// once per spec, [`crate::tags::tag_features`]: the three crates share them).
pub fn emit(api: &Api, names: &CrateNames, features: Option<&TagFeatures>) -> Result<Vec<GeneratedFile>, EmitError> {
    Ok(vec![
        GeneratedFile { path: PathBuf::from("Cargo.toml"), contents: manifest(api, names, features) },
        GeneratedFile {
            path: PathBuf::from(format!("examples/{}.rs", mock_example_name(names))),
            contents: mock_example(api, names)?,
        },
        GeneratedFile {
            path: PathBuf::from("src/lib.rs"),
            contents: format_rust(api, "src/lib.rs", lib_rs(api, names))?,
        },
        GeneratedFile { path: PathBuf::from("src/mock.rs"), contents: format_rust(api, "src/mock.rs", mock_rs())? },
        GeneratedFile {
            path: PathBuf::from("src/ops.rs"),
            contents: format_rust_parts(api, "src/ops.rs", ops_rs(api, features))?,
        },
        GeneratedFile {
            path: PathBuf::from("src/tables.rs"),
            contents: super::with_header(api, &tables::tables_rs(api, features)),
        },
    ])
}
