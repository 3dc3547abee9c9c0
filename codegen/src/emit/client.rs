//! The client crate: one method per operation over the shared request
//! path of the `openapi-runtime` crate (feature `client`, re-exported as the
//! crate's `runtime`); the crate's own `Client` wraps the runtime's.
//!
//! Per operation the generated code only encodes parameters and body into a
//! `runtime::Request` and decodes the response by status in a plain function
//! (a `match` of `runtime::ok`/`runtime::err` calls); sending, auth and
//! retries are one non-generic future for all methods (`runtime::Call`). A
//! method is a plain `#[inline]` function, not an `async fn`: type-checking
//! hundreds of `async` bodies and their state machines was most of the
//! crate's build time (ARCHITECTURE.md, "Build time").
//!
//! The shape of every method, which the contract test (`emit/contract.rs`)
//! relies on: `fn <op.name>(&self, <path params in template order>,
//! [body], <other required params in declaration order>, [params:
//! <Stem>Params]) -> Call<'_, T, <Stem>Error>`, a future of
//! `Result<ResponseValue<T>, Error<<Stem>Error>>`; required
//! string parameters are `&str`, arrays `&[T]`, other required ones `&T`; optional ones are
//! `Option` fields of `<Stem>Params` (which implements `Default`). Operations
//! that also accept a form body get `<op.name>_as_form` with the same
//! arguments; binary or text successes get `<op.name>_body_stream`; list
//! operations with `limit`/`offset` and a `next`/`data` body get
//! `<op.name>_stream` yielding items.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::path::PathBuf;

use super::types::rust_ty;
use super::{doc_lines, format_rust, header, ident, inner_doc_lines, CrateNames, EmitError, GeneratedFile};
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
    if let Some(m) = content.iter().find(|m| is_json(&m.media_type)) {
        return BodyKind::Json(m.ty.clone().unwrap_or(Ty::Any));
    }
    match content.first() {
        None => BodyKind::None,
        Some(m) if m.media_type.starts_with("text/") => BodyKind::Text,
        Some(_) => BodyKind::Bytes,
    }
}

/// What a response decodes into. `204`, `205` and `304` carry no content in
/// HTTP whatever the spec documents, so a body documented there is never read.
fn response_kind(r: &Response) -> BodyKind {
    match r.status {
        Status::Code(204 | 205 | 304) => BodyKind::None,
        _ => body_kind(&r.content),
    }
}

pub(crate) fn is_json(media_type: &str) -> bool {
    let mt = media_type.split(';').next().unwrap_or("").trim();
    mt == "application/json" || mt.ends_with("+json") || mt == "*/*"
}

fn is_form(media_type: &str) -> bool {
    media_type.split(';').next().unwrap_or("").trim() == "application/x-www-form-urlencoded"
}

/// The `Accept` header: every media type the responses document (successes
/// first, so a download asks for its format before the JSON of its errors).
fn accept_of(op: &Operation) -> String {
    let mut types: Vec<&str> = Vec::new();
    let ordered = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .chain(op.responses.iter().filter(|r| !r.status.is_success()));
    for m in ordered.flat_map(|r| &r.content) {
        let mt = if is_json(&m.media_type) { "application/json" } else { m.media_type.as_str() };
        if !types.contains(&mt) {
            types.push(mt);
        }
    }
    if types.is_empty() {
        "*/*".into()
    } else {
        types.join(", ")
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

    /// The `runtime::Read` function for a body of this kind.
    fn read(&self, kind: &BodyKind) -> TokenStream {
        match kind {
            BodyKind::None => quote!(runtime::read_empty),
            BodyKind::Json(_) => quote!(runtime::read_json),
            BodyKind::Text => quote!(runtime::read_text),
            BodyKind::Bytes => quote!(runtime::read_bytes),
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

fn status_variant(status: &Status) -> Ident {
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
                | SecurityScheme::Http { .. }
                | SecurityScheme::OAuth2Other { .. }
                | SecurityScheme::OpenIdConnect { .. } => quote!(runtime::Scheme::Bearer),
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

/// Pagination: optional integer `limit`/`offset` query parameters and a body
/// with an array `data` and a string `next` link.
struct Paging {
    item: Ty,
    data_required: bool,
    offset_field: Ident,
    next_field: Ident,
    data_field: Ident,
}

fn paging(api: &Api, op: &Operation, success: &BodyKind) -> Option<Paging> {
    let q = |n: &str| op.parameters.iter().find(|p| p.location == ParamLocation::Query && p.wire == n && !p.required);
    let (limit, offset) = (q("limit")?, q("offset")?);
    if !matches!(offset.ty, Ty::Int(_)) || !matches!(limit.ty, Ty::Int(_)) {
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

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
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
    let required: Vec<&Parameter> = op.parameters.iter().filter(|p| p.required).collect();
    if !required.is_empty() {
        text.push_str("\n\nArguments:");
        for p in required {
            text.push_str(&format!("\n- `{}`: `{}` in {}", naming::unraw(&p.name), p.wire, p.location.as_str()));
            if let Some(d) = &p.docs.description {
                let d = first_line(d);
                if !d.is_empty() {
                    text.push_str(&format!(": {d}"));
                }
            }
        }
    }
    doc_lines(&text)
}

/// A parameter's value (a reference), encoded into the request `r` (or, for
/// a path parameter, into the segment the expression yields).
fn encode_param(p: &Parameter, value: TokenStream) -> TokenStream {
    let wire = &p.wire;
    let style = &p.style;
    let explode = p.explode;
    match p.location {
        ParamLocation::Query => quote!(r.query(#wire, #value, #style, #explode);),
        ParamLocation::Header => quote!(r.header(#wire, #value, #explode);),
        ParamLocation::Cookie => quote!(r.cookie(#wire, #value);),
        ParamLocation::Path => quote!(r.path_param(#wire, #value, #style, #explode)),
    }
}

/// How the request body of an operation is passed and encoded.
struct BodyPlan {
    /// The `body` argument, when there is one.
    arg: Option<TokenStream>,
    /// Statements putting `body` into the request `r`.
    expr: TokenStream,
    /// The same body as a form, when the operation also accepts one of the same type.
    form_expr: Option<TokenStream>,
}

fn body_plan(cx: &Cx, op: &Operation) -> BodyPlan {
    let Some(rb) = &op.request_body else {
        return BodyPlan { arg: None, expr: quote!(), form_expr: None };
    };
    let json = rb.content.iter().find(|m| is_json(&m.media_type));
    let form = rb.content.iter().find(|m| is_form(&m.media_type));
    let structured = |m: &MediaBody| {
        let t = m.ty.as_ref().map(|t| cx.ty(t)).unwrap_or(quote!(::serde_json::Value));
        quote!(&#t)
    };
    let (ty, encode, form_encode) = match (json, form) {
        (Some(j), f) => {
            let alt = f.filter(|f| j.ty.is_some() && f.ty == j.ty).map(|_| quote!(r.form(body);));
            (structured(j), quote!(r.json(body);), alt)
        }
        (None, Some(f)) => (structured(f), quote!(r.form(body);), None),
        (None, None) => match rb.content.first() {
            Some(m) => {
                let ct = &m.media_type;
                (quote!(::bytes::Bytes), quote!(r.bytes(#ct, body);), None)
            }
            None => return BodyPlan { arg: None, expr: quote!(), form_expr: None },
        },
    };
    let wrap = |e: TokenStream| {
        if rb.required {
            e
        } else {
            quote!(if let ::std::option::Option::Some(body) = body { #e })
        }
    };
    let arg = if rb.required { quote!(body: #ty) } else { quote!(body: ::std::option::Option<#ty>) };
    BodyPlan { arg: Some(arg), expr: wrap(encode), form_expr: form_encode.map(wrap) }
}

/// Every name a generated method body binds or refers to unqualified (its
/// locals, `OP`, and the `runtime`/`types` modules): arguments never take them.
const RESERVED_LOCALS: &[&str] = &[
    "self",
    "body",
    "params",
    "query",
    "headers",
    "request",
    "raw",
    "status",
    "v",
    "e",
    "page",
    "items",
    "state",
    "current",
    "count",
    "next_state",
    "link",
    "offset",
    "client",
    "r",
    "runtime",
    "types",
    "OP",
];

/// The security requirements of the operations, one `const` per distinct
/// list, so the (usually shared) list is written once per crate.
#[derive(Default)]
struct SecurityConsts {
    consts: Vec<(String, Ident, TokenStream)>,
}

impl SecurityConsts {
    fn name(&mut self, list: TokenStream) -> Ident {
        let key = list.to_string();
        if let Some((_, name, _)) = self.consts.iter().find(|(k, ..)| *k == key) {
            return name.clone();
        }
        let name = format_ident!("SECURITY_{}", self.consts.len());
        self.consts.push((key, name.clone(), list));
        name
    }

    fn items(&self) -> TokenStream {
        let items = self.consts.iter().map(|(_, name, list)| {
            quote! {
                #[allow(dead_code)]
                const #name: &[&[runtime::Scheme]] = #list;
            }
        });
        quote!(#(#items)*)
    }
}

/// Names of the extra methods derived from operation names, claimed so they
/// never collide with an operation's own method.
struct MethodNames {
    scope: naming::Scope,
}

impl MethodNames {
    fn derived(&mut self, op: &Operation, suffix: &str) -> Ident {
        ident(&self.scope.claim(&format!("{}_{suffix}", naming::unraw(&op.name))))
    }
}

fn emit_operation(
    cx: &Cx,
    op: &Operation,
    items: &mut Vec<TokenStream>,
    names: &mut naming::Scope,
    methods: &mut MethodNames,
    security_consts: &mut SecurityConsts,
) -> TokenStream {
    let api = cx.api;
    let op_id = &op.id;
    let method_name = ident(&op.name);
    let unraw_name = naming::unraw(&op.name).to_string();
    let stem = naming::unraw(&op.type_stem).to_string();

    // Arguments: path parameters in template order, the body, other required
    // parameters in declaration order, then the optional ones in a struct.
    // Locals and items the method body uses are reserved, so a parameter
    // called `query` or `raw` gets `query_2` instead of shadowing them.
    let mut arg_scope = naming::Scope::with_reserved(RESERVED_LOCALS);
    let mut path_args: Vec<(usize, TokenStream, &Parameter, Ident)> = Vec::new();
    let mut other_args = Vec::new();
    let mut encode = Vec::new();
    let mut optional = Vec::new();
    for p in &op.parameters {
        if !p.required {
            optional.push(p);
            continue;
        }
        let name = ident(&arg_scope.claim(&p.name));
        let ty = match &p.ty {
            Ty::String => quote!(&str),
            Ty::Array(inner) => {
                let t = cx.ty(inner);
                quote!(&[#t])
            }
            other => {
                let t = cx.ty(other);
                quote!(&#t)
            }
        };
        if p.location == ParamLocation::Path {
            let at = op.path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX);
            path_args.push((at, quote!(#name: #ty), p, name));
        } else {
            encode.push(encode_param(p, quote!(#name)));
            other_args.push(quote!(#name: #ty));
        }
    }
    path_args.sort_by_key(|(at, ..)| *at);

    let params_struct = if optional.is_empty() {
        None
    } else {
        let sname = ident(&names.claim(&format!("{stem}Params")));
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
            let dep = if p.deprecated { quote!(#[deprecated]) } else { quote!() };
            quote!(#doc #dep pub #f: ::std::option::Option<#ty>)
        });
        let doc = format!(" Optional parameters of [`Client::{unraw_name}`]; `Default` leaves them all unset.");
        let sensitive = optional.iter().any(|p| p.sensitive);
        let derive =
            if sensitive { quote!(Clone, Default, PartialEq) } else { quote!(Debug, Clone, Default, PartialEq) };
        items.push(quote! {
            #[doc = #doc]
            #[derive(#derive)]
            pub struct #sname { #(#fields,)* }
        });
        if sensitive {
            // Secrets in parameters stay out of logs.
            let shown = optional.iter().map(|p| {
                let f = ident(&p.name);
                let label = naming::unraw(&p.name);
                if p.sensitive {
                    quote!(.field(#label, &self.#f.as_ref().map(|_| "<redacted>")))
                } else {
                    quote!(.field(#label, &self.#f))
                }
            });
            let label = sname.to_string();
            items.push(quote! {
                impl ::std::fmt::Debug for #sname {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.debug_struct(#label) #(#shown)* .finish()
                    }
                }
            });
        }
        for p in &optional {
            let f = ident(&p.name);
            let push = encode_param(p, quote!(v));
            encode.push(quote!(if let ::std::option::Option::Some(v) = &params.#f { #push }));
        }
        Some(sname)
    };

    // The path, with parameters substituted and encoded.
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        fmt.push_str(&rest[..start].replace('}', "}}"));
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            rest = &rest[start..];
            break;
        };
        let var = &after[..end];
        match path_args.iter().find(|(_, _, p, _)| p.wire == var) {
            Some((_, _, p, arg)) => {
                fmt.push_str("{}");
                fmt_args.push(encode_param(p, quote!(#arg)));
            }
            None => fmt.push_str(&format!("{{{{{var}}}}}")),
        }
        rest = &after[end + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let body = body_plan(cx, op);
    let mut args: Vec<TokenStream> = path_args.iter().map(|(_, a, ..)| a.clone()).collect();
    args.extend(body.arg.clone());
    args.extend(other_args);
    if let Some(s) = &params_struct {
        args.push(quote!(params: #s));
    }

    // Responses: one `match` on the status, each arm a `runtime::ok` or
    // `runtime::err` call with the body's reader and the wrapping variant.
    let success: Vec<&Response> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    let errors: Vec<&Response> = op.responses.iter().filter(|r| !r.status.is_success()).collect();
    let kinds: Vec<BodyKind> = success.iter().map(|r| response_kind(r)).collect();
    let single = kinds.windows(2).all(|w| w[0] == w[1]);
    let accept = accept_of(op);
    let identity = quote!(::std::convert::identity);
    // The wrapping function of a status variant: the variant itself, or a
    // closure for a unit variant.
    let wrap = |name: &Ident, v: &Ident, kind: &BodyKind| {
        if *kind == BodyKind::None {
            quote!(|_| #name::#v)
        } else {
            quote!(#name::#v)
        }
    };
    let (ok_ty, ok_arms, success_kind) = if success.is_empty() {
        (quote!(::bytes::Bytes), vec![quote!(200..=299 => runtime::ok(raw, runtime::read_bytes, #identity))], None)
    } else if single {
        let kind = kinds[0].clone();
        let t = cx.body_ty(&kind);
        let pats: Vec<TokenStream> = success.iter().map(|r| status_pattern(&r.status)).collect();
        let read = cx.read(&kind);
        (t, vec![quote!(#(#pats)|* => runtime::ok(raw, #read, #identity))], Some(kind))
    } else {
        let name = ident(&names.claim(&format!("{stem}Response")));
        let variants = success.iter().zip(&kinds).map(|(r, k)| {
            let v = status_variant(&r.status);
            let doc = format!(" `{}`: {}", r.status, first_line(&r.description));
            match k {
                BodyKind::None => quote!(#[doc = #doc] #v),
                _ => {
                    let t = cx.body_ty(k);
                    quote!(#[doc = #doc] #v(#t))
                }
            }
        });
        let doc = format!(" Successful responses of [`Client::{unraw_name}`], by status.");
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
                let read = cx.read(k);
                let wrap = wrap(&name, &status_variant(&r.status), k);
                quote!(#pat => runtime::ok(raw, #read, #wrap))
            })
            .collect();
        (quote!(#name), arms, None)
    };

    let (err_ty, err_arms) = if errors.is_empty() {
        (quote!(runtime::Never), Vec::new())
    } else {
        let name = ident(&names.claim(&format!("{stem}Error")));
        let mut ordered: Vec<&&Response> = errors.iter().collect();
        // Specific codes before ranges before `default`, as the match needs.
        ordered.sort_by_key(|r| match r.status {
            Status::Code(_) => 0,
            Status::Range(_) => 1,
            Status::Default => 2,
        });
        let variants = ordered.iter().map(|r| {
            let v = status_variant(&r.status);
            let doc = format!(" `{}`: {}", r.status, first_line(&r.description));
            match response_kind(r) {
                BodyKind::None => quote!(#[doc = #doc] #v),
                k => {
                    let t = cx.body_ty(&k);
                    quote!(#[doc = #doc] #v(#t))
                }
            }
        });
        let doc = format!(" Documented error responses of [`Client::{unraw_name}`], by status.");
        items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#variants,)* }
        });
        let arms = ordered
            .iter()
            .map(|r| {
                let pat = status_pattern(&r.status);
                let k = response_kind(r);
                let read = cx.read(&k);
                let wrap = wrap(&name, &status_variant(&r.status), &k);
                quote!(#pat => runtime::err(raw, #read, #wrap))
            })
            .collect();
        (quote!(#name), arms)
    };
    let fallback = if op.responses.iter().any(|r| r.status == Status::Default) {
        quote!()
    } else {
        quote!(_ => runtime::unexpected(raw),)
    };

    let reqs = op.security.clone().unwrap_or_else(|| api.security.clone());
    let security = security_consts.name(security_tokens(api, &reqs));
    let method = format_ident!("{}", op.method.as_str());
    let dep = if op.deprecated { quote!(#[deprecated]) } else { quote!() };
    let call_ty = |ok: &TokenStream| quote!(runtime::Call<'_, #ok, #err_ty>);
    // Everything up to a complete request `r`, shared by the method and its variants.
    let (path_lit, set_path) = if fmt_args.is_empty() {
        (fmt.replace("{{", "{").replace("}}", "}"), quote!())
    } else {
        (String::new(), quote!(r.path = format!(#fmt, #(#fmt_args),*);))
    };
    let build = |body_expr: &TokenStream| {
        let mutable =
            if set_path.is_empty() && encode.is_empty() && body_expr.is_empty() { quote!() } else { quote!(mut) };
        quote! {
            let #mutable r = runtime::Request::new(#op_id, runtime::Method::#method, #path_lit, #security, #accept);
            #set_path
            #(#encode)*
            #body_expr
        }
    };

    let docs = op_docs(op);
    let result = call_ty(&ok_ty);
    let request = build(&body.expr);
    // `#[inline]`: nothing of an operation is compiled until a crate calls it
    // (as with an `async fn`, whose body is compiled where it is awaited).
    let mut out = quote! {
        #docs
        #dep
        #[inline]
        pub fn #method_name(&self, #(#args),*) -> #result {
            #request
            self.http.call(r, |raw| match raw.status {
                #(#ok_arms,)*
                #(#err_arms,)*
                #fallback
            })
        }
    };

    if let Some(form_expr) = &body.form_expr {
        let name = methods.derived(op, "as_form");
        let doc = format!(" [`Client::{unraw_name}`] with the body sent as `application/x-www-form-urlencoded`.");
        let request = build(form_expr);
        out.extend(quote! {
            #[doc = #doc]
            #dep
            #[inline]
            pub fn #name(&self, #(#args),*) -> #result {
                #request
                self.http.call(r, |raw| match raw.status {
                    #(#ok_arms,)*
                    #(#err_arms,)*
                    #fallback
                })
            }
        });
    }

    if matches!(success_kind, Some(BodyKind::Bytes | BodyKind::Text)) {
        let name = methods.derived(op, "body_stream");
        let doc = format!(
            "[`Client::{unraw_name}`] with a successful body left unread, to be read chunk by chunk\n(for large payloads). Other statuses are read whole and decoded as usual."
        );
        let doc = doc_lines(&doc);
        // With no documented error, every other status is unexpected.
        let other = if err_arms.is_empty() {
            quote!(runtime::unexpected(raw))
        } else {
            quote!(match raw.status { #(#err_arms,)* #fallback })
        };
        let request = build(&body.expr);
        out.extend(quote! {
            #doc
            #dep
            pub async fn #name(&self, #(#args),*) -> ::std::result::Result<runtime::ResponseValue<runtime::ByteStream>, runtime::Error<#err_ty>> {
                #request
                match self.http.execute_streaming::<#err_ty>(r).await? {
                    runtime::Streamed::Success(value) => ::std::result::Result::Ok(value),
                    runtime::Streamed::Other(raw) => #other,
                }
            }
        });
    }

    if let (Some(kind), Some(params)) = (&success_kind, &params_struct) {
        if let (Some(p), true) = (paging(api, op, kind), args.len() == 1) {
            let name = methods.derived(op, "stream");
            let item = cx.ty(&p.item);
            let (off, next, data) = (&p.offset_field, &p.next_field, &p.data_field);
            let data_expr = if p.data_required { quote!(page.#data) } else { quote!(page.#data.unwrap_or_default()) };
            let doc = format!(
                "Every item of [`Client::{unraw_name}`], page after page: follows `next` until the last page.\n\n`params` is the first page's query (its `limit` is the page size)."
            );
            let doc = doc_lines(&doc);
            out.extend(quote! {
                #doc
                #dep
                #[inline]
                pub fn #name(&self, params: #params) -> ::std::pin::Pin<::std::boxed::Box<dyn ::futures_core::Stream<Item = ::std::result::Result<#item, runtime::Error<#err_ty>>> + ::std::marker::Send + '_>> {
                    use ::futures_util::StreamExt as _;
                    ::std::boxed::Box::pin(::futures_util::stream::unfold(::std::option::Option::Some(params), move |state| async move {
                        let mut params = state?;
                        match self.#method_name(params.clone()).await {
                            ::std::result::Result::Err(e) => ::std::option::Option::Some((::futures_util::stream::iter(::std::vec![::std::result::Result::Err(e)]), ::std::option::Option::None)),
                            ::std::result::Result::Ok(page) => {
                                let page = page.into_inner();
                                let items = #data_expr;
                                let current = params.#off.map(i64::from).unwrap_or(0);
                                let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
                                let next_state = match page.#next.as_deref() {
                                    // An empty page or a link that does not move forward ends the stream.
                                    ::std::option::Option::Some(link) if count > 0 => {
                                        let offset = runtime::next_offset(link).unwrap_or(current.saturating_add(count));
                                        params.#off = if offset > current { offset.try_into().ok() } else { ::std::option::Option::None };
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
    out
}

/// All files of the client crate, paths relative to the crate directory.
/// `features`: the spec's tag features when `names.tag_features` (worked out
/// once per spec, [`crate::tags::tag_features`]: the three crates share them).
pub fn emit(
    api: &Api,
    names: &CrateNames,
    features: Option<&crate::tags::TagFeatures>,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let types_crate = ident(&naming::crate_ident(&names.types));
    let cx = Cx { api, prefix: quote!(types::) };
    // Item names the crate root already uses (its runtime re-exports).
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
        "ByteStream",
        "Streamed",
        "Scheme",
        "KeyLocation",
        "Never",
        "HeaderMap",
        "Method",
        "DEFAULT_BASE_URL",
    ]);
    let mut reserved: Vec<&str> = crate::RESERVED_METHOD_NAMES.to_vec();
    reserved.extend(api.operations.iter().map(|op| naming::unraw(&op.name)));
    let mut methods = MethodNames { scope: naming::Scope::with_reserved(&reserved) };
    let mut security = SecurityConsts::default();
    let mut items = Vec::new();
    let mut fns = Vec::new();
    let mut gated_fns = Vec::new();
    for (index, op) in api.operations.iter().enumerate() {
        let first_item = items.len();
        let method = emit_operation(&cx, op, &mut items, &mut scope, &mut methods, &mut security);
        let gates = features.map(|f| f.operation_features(index)).unwrap_or_default();
        if gates.is_empty() {
            fns.push(method);
            continue;
        }
        for item in &mut items[first_item..] {
            *item = super::gate("src/operations.rs", std::mem::take(item), &gates)?;
        }
        let cfg = super::cfg_features(&gates);
        gated_fns.push(quote! { #cfg impl Client { #method } });
    }
    let security_consts = security.items();
    let ops = quote! {
        // A spec without operations (webhooks only), or with every tag
        // feature off, uses none of these.
        #[allow(unused_imports)]
        use super::runtime;
        #[allow(unused_imports)]
        use super::Client;
        #[allow(unused_imports)]
        use super::types;

        #security_consts
        #(#items)*

        impl Client {
            #(#fns)*
        }

        #(#gated_fns)*
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
    let client_crate = naming::crate_ident(&names.client);
    let crate_doc = format!(
        " Async client for {title} (version {version}), generated from `{file}`.\n\n One method per operation on [`Client`]; request and response types are in [`types`] (the `{types}` crate).\n\n ```no_run\n # async fn run() -> Result<(), Box<dyn std::error::Error>> {{\n let client = {client_crate}::Client::builder().base_url(\"{default_url}\").build()?;\n # let _ = client; Ok(()) }}\n ```\n\n Each method returns a [`runtime::Call`], a future of `Result<ResponseValue<T>, Error<E>>`: the decoded success body with\n status and headers, or an [`Error`] whose `Api` variant carries the operation's documented\n error (`<Operation>Error`, one variant per status). Optional parameters are fields of\n `<Operation>Params`, which implements `Default`.",
        title = api.title.split_whitespace().collect::<Vec<_>>().join(" "),
        version = api.version,
        file = api.source.file,
        types = names.types,
    );
    let crate_doc = inner_doc_lines(&crate_doc);
    let limit = super::types::recursion_limit_attr(api);
    let lib = quote! {
        #crate_doc
        #limit
        #![allow(deprecated)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_many_arguments, clippy::large_enum_variant, clippy::result_large_err, clippy::empty_docs, clippy::too_long_first_doc_paragraph)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags, rustdoc::invalid_rust_codeblocks)]

        pub use ::#types_crate as types;
        /// The request path every method shares and the error types, from the
        /// `openapi-runtime` crate (the same for every generated client).
        pub use ::openapi_runtime::client as runtime;

        mod operations;

        // Operations without parameters or several responses add no item here.
        #[allow(unused_imports)]
        pub use operations::*;
        pub use runtime::{ByteStream, CallOptions, Credentials, Error, RequestHook, ResponseValue, RetryPolicy, Secret};

        /// The spec's first server, used when no base URL is set.
        pub const DEFAULT_BASE_URL: &str = #default_url;

        /// Builds a [`Client`]; `build()` defaults the base URL to [`DEFAULT_BASE_URL`].
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        /// The API client: one method per operation. Cheap to clone; clones share the
        /// connection pool and token cache.
        #[derive(Clone, Debug)]
        pub struct Client {
            http: runtime::Client,
        }

        impl runtime::ApiClient for Client {
            const DEFAULT_BASE_URL: &'static str = DEFAULT_BASE_URL;
        }

        impl ::std::convert::From<runtime::Client> for Client {
            fn from(http: runtime::Client) -> Self {
                Client { http }
            }
        }

        impl ::std::convert::AsRef<runtime::Client> for Client {
            fn as_ref(&self) -> &runtime::Client {
                &self.http
            }
        }

        impl Client {
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            pub fn base_url(&self) -> &str {
                self.http.base_url()
            }

            /// A handle whose calls use these overrides (timeout, retries); it shares
            /// the connection pool and token cache with `self`.
            pub fn with_options(&self, options: CallOptions) -> Client {
                Client { http: self.http.with_options(options) }
            }

            /// Send a request with auth and retries; the response is returned whatever its status.
            pub async fn execute<E>(&self, request: runtime::Request) -> ::std::result::Result<runtime::RawResponse, Error<E>> {
                self.http.execute(request).await
            }

            /// Like [`Client::execute`], but a 2xx body is left unread, to be streamed.
            pub async fn execute_streaming<E>(&self, request: runtime::Request) -> ::std::result::Result<runtime::Streamed, Error<E>> {
                self.http.execute_streaming(request).await
            }
        }
    };
    let lib_rs = format_rust(api, "src/lib.rs", lib)?;

    let mut manifest = header(api, "#");
    manifest.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\ndescription = \"Async client for {}, generated from its OpenAPI description\"\npublish = false\n\n[lib]\ndoctest = false\n\n[dependencies]\n{} = {{ version = \"0.1.0\", path = \"../{}\"{} }}\nbytes = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }}\nfutures-core = {{ version = \"0.3\", default-features = false }}\nfutures-util = {{ version = \"0.3\", default-features = false }}\n{}\nserde = {{ version = \"1\", default-features = false, features = [\"std\", \"derive\"] }}\nserde_json = {{ version = \"1\", default-features = false, features = [\"std\"] }}\nuuid = {{ version = \"1\", default-features = false, features = [\"std\", \"serde\"] }}\n",
        names.client,
        super::toml_text(&api.title),
        names.types,
        names.types,
        if features.is_some() { ", default-features = false" } else { "" },
        names.runtime_dependency("openapi-runtime", &["client"]),
    ));
    if let Some(f) = &features {
        manifest.push_str(&super::features_toml(f, &[&names.types]));
    }
    Ok(vec![
        GeneratedFile { path: PathBuf::from("Cargo.toml"), contents: manifest },
        GeneratedFile { path: PathBuf::from("src/lib.rs"), contents: lib_rs },
        GeneratedFile { path: PathBuf::from("src/operations.rs"), contents: operations_rs },
    ])
}
