//! Sample values made from the IR, and the client↔server contract test
//! generated from them (used by `tests/build.rs`; see [`contract_test`]).
//!
//! Samples are JSON, deterministic, and as full as the schema allows: every
//! optional field is present (a few levels deep), arrays and maps have an
//! element, enums and unions rotate through their values so a whole spec
//! covers them, and optional nullable fields are sometimes `null`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use crate::ir::*;

/// Optional fields are filled up to this depth; deeper, only required ones.
const FULL_DEPTH: usize = 4;
/// Past this depth arrays and maps are empty (recursive schemas end here).
const CONTAINER_DEPTH: usize = 6;
/// Hard stop for schemas that require themselves through unions.
const MAX_DEPTH: usize = 40;

/// Makes sample values; the counter varies values so fields are distinguishable.
#[derive(Debug)]
pub struct Sampler<'a> {
    api: &'a Api,
    counter: u64,
}

impl<'a> Sampler<'a> {
    pub fn new(api: &'a Api) -> Self {
        Sampler { api, counter: 0 }
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A full sample of `ty`.
    pub fn value(&mut self, ty: &Ty) -> Value {
        self.at(ty, 0)
    }

    /// A full sample of a use site: `ty` within its `constraints` (bounds,
    /// lengths, pattern, format, item counts, enum values).
    pub fn value_with(&mut self, ty: &Ty, constraints: &Constraints) -> Value {
        self.at_with(ty, constraints, 0)
    }

    fn at(&mut self, ty: &Ty, depth: usize) -> Value {
        self.at_with(ty, &Constraints::default(), depth)
    }

    fn at_with(&mut self, ty: &Ty, c: &Constraints, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if c.is_empty() {
            return self.plain(ty, depth);
        }
        let n = self.next();
        if !c.values.is_empty() {
            return c.values[(n as usize) % c.values.len()].clone();
        }
        let no = Constraints::default();
        match ty {
            Ty::Option(inner) => self.at_with(inner, c, depth + 1),
            Ty::Int(_) => {
                let x = number_in(c, true, (n % 100 + 1) as f64);
                if x >= 0.0 {
                    Value::from(x as u64)
                } else {
                    Value::from(x as i64)
                }
            }
            Ty::Float(_) => serde_json::Number::from_f64(number_in(c, false, (n % 100) as f64 + 0.5))
                .map_or(Value::Null, Value::Number),
            Ty::String | Ty::Binary | Ty::Base64 => match &c.sample {
                Some(s) => Value::String(s.clone()),
                None => self.plain(ty, depth),
            },
            Ty::Array(inner) => {
                let base = usize::from(depth < CONTAINER_DEPTH);
                let len =
                    (c.min_items.unwrap_or(0) as usize).max(base).min(c.max_items.map_or(usize::MAX, |m| m as usize));
                let items = c.items.as_deref().unwrap_or(&no);
                Value::Array((0..len.min(16)).map(|_| self.at_with(inner, items, depth + 1)).collect())
            }
            Ty::Map(inner) => {
                let values = c.additional.as_deref().unwrap_or(&no);
                let want = (c.min_properties.unwrap_or(0) as usize).max(usize::from(depth < CONTAINER_DEPTH));
                let want = want.min(c.max_properties.map_or(usize::MAX, |m| m as usize)).min(16);
                let mut m = Map::new();
                for i in 0..want {
                    m.insert(format!("key{n}_{i}"), self.at_with(inner, values, depth + 1));
                }
                Value::Object(m)
            }
            _ => self.plain(ty, depth),
        }
    }

    fn plain(&mut self, ty: &Ty, depth: usize) -> Value {
        let n = self.next();
        match ty {
            Ty::Any => Value::String(format!("any-{n}")),
            Ty::Object => {
                let mut m = Map::new();
                m.insert(format!("key{n}"), Value::from(n));
                Value::Object(m)
            }
            Ty::Bool => Value::Bool(n & 1 == 0),
            Ty::String | Ty::Binary => Value::String(format!("s{n}")),
            Ty::Base64 => Value::String("c2FtcGxl".into()),
            Ty::Int(_) => Value::from(n % 100 + 1),
            Ty::Float(_) => Value::from((n % 100) as f64 + 0.5),
            Ty::Uuid => Value::String(format!("00000000-0000-4000-8000-{n:012x}")),
            Ty::DateTime => Value::String(format!("2024-01-{:02}T10:{:02}:00Z", n % 28 + 1, n % 60)),
            Ty::Date => Value::String(format!("2024-02-{:02}", n % 28 + 1)),
            Ty::Option(inner) => self.at(inner, depth + 1),
            Ty::Array(inner) => {
                if depth >= CONTAINER_DEPTH {
                    Value::Array(Vec::new())
                } else {
                    Value::Array(vec![self.at(inner, depth + 1)])
                }
            }
            Ty::Map(inner) => {
                let mut m = Map::new();
                if depth < CONTAINER_DEPTH {
                    m.insert(format!("key{n}"), self.at(inner, depth + 1));
                }
                Value::Object(m)
            }
            Ty::Named(id) => self.named(*id, n, depth),
        }
    }

    fn named(&mut self, id: TypeId, n: u64, depth: usize) -> Value {
        let api = self.api;
        let Some(def) = api.types.get(id.index()) else { return Value::Null };
        match &def.kind {
            TypeKind::Alias(inner) => self.at_with(inner, &def.constraints, depth + 1),
            TypeKind::Enum(e) => match e.variants.len() {
                0 => Value::String(format!("value{n}")),
                len => Value::String(e.variants[(n as usize) % len].wire.clone()),
            },
            TypeKind::Struct(s) => {
                let mut map = Map::new();
                for f in &s.flattened {
                    if let Value::Object(m) = self.at(&f.ty, depth + 1) {
                        map.extend(m);
                    }
                }
                let full = depth < FULL_DEPTH;
                for f in &s.fields {
                    if !(f.required || full) {
                        continue;
                    }
                    let k = self.next();
                    let value = if f.nullable && k % 3 == 1 {
                        Value::Null
                    } else {
                        self.at_with(&f.ty, &f.constraints, depth + 1)
                    };
                    map.insert(f.wire.clone(), value);
                }
                if let (Some(extra), true, true, false) =
                    (&s.additional, s.flattened.is_empty(), full, def.constraints.max_properties.is_some())
                {
                    let mut key = format!("extra{n}");
                    while s.fields.iter().any(|f| f.wire == key) {
                        key.push('_');
                    }
                    let value = self.at_with(
                        extra,
                        def.constraints.additional.as_deref().unwrap_or(&Constraints::default()),
                        depth + 1,
                    );
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            TypeKind::Tagged(u) => {
                if u.variants.is_empty() {
                    return Value::Object(Map::new());
                }
                let v = &u.variants[pick(n, u.variants.len(), depth)];
                let mut value = self.at(&v.ty, depth + 1);
                if let (Value::Object(map), Some(tag)) = (&mut value, v.tags.first()) {
                    map.insert(u.property.clone(), Value::String(tag.clone()));
                }
                value
            }
            TypeKind::Untagged(u) => match u.variants.len() {
                0 => Value::Null,
                len => {
                    let v = &u.variants[pick(n, len, depth)];
                    self.at_with(&v.ty, &v.constraints, depth + 1)
                }
            },
        }
    }
}

/// Which union variant a sample takes: rotating, so a spec covers them all; deep
/// down always the first, so a recursive union whose containers need items
/// (`minItems`) ends in the (usually non-recursive) first variant.
fn pick(n: u64, len: usize, depth: usize) -> usize {
    if depth >= CONTAINER_DEPTH {
        0
    } else {
        (n as usize) % len
    }
}

/// A number of the kind asked inside the bounds of `c`, near `preferred`.
fn number_in(c: &Constraints, integer: bool, preferred: f64) -> f64 {
    let nudge = |m: f64| (m.abs() * 1e-9).max(1e-6);
    let lo = c.minimum.map(|m| match (c.exclusive_minimum, integer) {
        (true, true) => m.floor() + 1.0,
        (false, true) => m.ceil(),
        (true, false) => m + nudge(m),
        (false, false) => m,
    });
    let hi = c.maximum.map(|m| match (c.exclusive_maximum, integer) {
        (true, true) => m.ceil() - 1.0,
        (false, true) => m.floor(),
        (true, false) => m - nudge(m),
        (false, false) => m,
    });
    let mut x = preferred;
    if let Some(lo) = lo.filter(|lo| x < *lo) {
        x = lo;
    }
    if let Some(hi) = hi.filter(|hi| x > *hi) {
        x = hi;
    }
    if let Some(m) = c.multiple_of {
        let up = (x / m).ceil() * m;
        x = if hi.is_none_or(|hi| up <= hi) { up } else { (x / m).floor() * m };
    }
    x
}

/// How a sample body travels (the harness encodes requests by this tag).
fn encoding_tag(media_type: &str) -> &'static str {
    let mt = media_type.to_ascii_lowercase();
    if mt == "application/json" || mt.ends_with("+json") || mt.ends_with("/json") {
        "json"
    } else if mt == "application/x-www-form-urlencoded" {
        "form"
    } else if mt.starts_with("text/") {
        "text"
    } else {
        "bytes"
    }
}

/// A concrete status for a documented one (`2XX` → 200, `default` → a 5xx the operation does not list).
pub fn concrete_status(op: &Operation, status: &Status) -> u16 {
    match status {
        Status::Code(c) => *c,
        Status::Range(d) => u16::from(*d) * 100,
        Status::Default => [500u16, 502, 503, 599]
            .into_iter()
            .find(|c| {
                !op.responses.iter().any(|r| r.status == Status::Code(*c) || r.status == Status::Range((c / 100) as u8))
            })
            .unwrap_or(599),
    }
}

fn media_sample(sampler: &mut Sampler, m: &MediaBody, text: &str) -> String {
    match encoding_tag(&m.media_type) {
        "json" | "form" => match &m.ty {
            Some(t) => sampler.value_with(t, &m.constraints).to_string(),
            None => serde_json::json!({ "free": "form" }).to_string(),
        },
        _ => text.to_string(),
    }
}

/// The payload expression of one sample (`sample` is an expression of type `&str`).
fn payload_expr(m: &MediaBody, sample: TokenStream) -> TokenStream {
    match encoding_tag(&m.media_type) {
        "json" | "form" => quote!(super::de(#sample)),
        "text" => quote!(::std::string::String::from(#sample)),
        _ => quote!(#sample.as_bytes().to_vec()),
    }
}

/// The contract test of one spec, generated from its IR: a `CASES` table (sample request
/// and a sample reply per documented status, all JSON made by [`Sampler`]); an
/// implementation of the server crate's `Api` trait that compares each request it gets
/// with the typed value of the sample and answers the sample reply the harness asks for;
/// and `CALLS`, one function per operation calling the generated client with the samples
/// and saying what it must return. The harness (`tests/it/contract.rs`) drives them.
pub fn contract_test(api: &Api, server_crate: &str, client_crate: &str) -> Result<String, super::EmitError> {
    let server = super::ident(&crate::naming::crate_ident(server_crate));
    let client = super::ident(&crate::naming::crate_ident(client_crate));
    let mut calls = Vec::new();
    let mut sampler = Sampler::new(api);
    let mut cases = Vec::new();
    let mut methods = Vec::new();
    for (k, op) in api.operations.iter().enumerate() {
        let id = &op.id;
        let method = op.method.as_str();
        let path = &op.path;
        let (param_names, body_name) = super::server::request_field_names(op);
        let mut params = Vec::new();
        let mut inits = Vec::new();
        for (j, (p, name)) in op.parameters.iter().zip(&param_names).enumerate() {
            let json = sampler.value_with(&p.ty, &p.constraints).to_string();
            let wire = &p.wire;
            let loc = p.location.as_str();
            let explode = p.explode;
            params.push(quote!(Param { wire: #wire, location: #loc, explode: #explode, json: #json }));
            let f = super::ident(name);
            let j = proc_macro2::Literal::usize_unsuffixed(j);
            let value = quote!(super::de(case.params[#j].json));
            inits.push(if p.required { quote!(#f: #value) } else { quote!(#f: ::std::option::Option::Some(#value)) });
        }
        let content: &[MediaBody] = op.request_body.as_ref().map(|b| b.content.as_slice()).unwrap_or(&[]);
        let mut bodies = Vec::new();
        let mut media_sample_cache = Vec::new();
        for m in content {
            let mt = &m.media_type;
            let enc = encoding_tag(mt);
            let sample = media_sample(&mut sampler, m, "sample body text");
            media_sample_cache.push(sample.clone());
            bodies.push(quote!(BodySample { media_type: #mt, encoding: #enc, sample: #sample }));
        }
        // A body the client can build (its enums keep unknown values) but the spec forbids.
        let poisoned = content.iter().position(|m| is_json(&m.media_type) && m.ty.is_some()).and_then(|i| {
            let mut v: Value = serde_json::from_str(&media_sample_cache[i]).ok()?;
            poison(api, content[i].ty.as_ref()?, &mut v, 0).then(|| v.to_string())
        });
        let poisoned = match poisoned {
            Some(p) => quote!(::std::option::Option::Some(#p)),
            None => quote!(::std::option::Option::None),
        };
        if let (Some(name), Some(b)) = (&body_name, &op.request_body) {
            let f = super::ident(name);
            let value = if let [m] = content {
                payload_expr(m, quote!(case.bodies[0].sample))
            } else {
                let arms =
                    content.iter().zip(super::server::media_variant_names(content)).enumerate().map(|(i, (m, v))| {
                        let v = super::ident(&v);
                        let i = proc_macro2::Literal::usize_unsuffixed(i);
                        let e = payload_expr(m, quote!(case.bodies[#i].sample));
                        quote!(#i => Body::#v(#e))
                    });
                quote!(match media { #(#arms,)* other => panic!("no media type #{other}") })
            };
            inits.push(if b.required { quote!(#f: #value) } else { quote!(#f: ::std::option::Option::Some(#value)) });
        }
        let mut replies = Vec::new();
        let mut arms = Vec::new();
        for (i, (r, v)) in op.responses.iter().zip(super::server::response_variant_names(op)).enumerate() {
            let code = concrete_status(op, &r.status);
            let v = super::ident(&v);
            let i_lit = proc_macro2::Literal::usize_unsuffixed(i);
            let (media, enc, sample) = match r.content.first() {
                Some(m) => (
                    Some(m.media_type.clone()),
                    encoding_tag(&m.media_type),
                    media_sample(&mut sampler, m, "sample reply text"),
                ),
                None => (None, "none", String::new()),
            };
            let media = match media {
                Some(mt) => quote!(::std::option::Option::Some(#mt)),
                None => quote!(::std::option::Option::None),
            };
            replies.push(quote!(Reply { status: #code, media_type: #media, encoding: #enc, sample: #sample }));
            let body = match r.content.as_slice() {
                [] => None,
                [m] => Some(payload_expr(m, quote!(case.replies[#i_lit].sample))),
                many => {
                    let body_enum = super::ident(&format!("{v}Body"));
                    let first = super::ident(&super::server::media_variant_names(many)[0]);
                    let e = payload_expr(&many[0], quote!(case.replies[#i_lit].sample));
                    Some(quote!(#body_enum::#first(#e)))
                }
            };
            let fixed = matches!(r.status, Status::Code(_));
            let value = match (fixed, body) {
                (true, None) => quote!(Response::#v),
                (true, Some(b)) => quote!(Response::#v(#b)),
                (false, None) => quote!(Response::#v { status: super::status(#code) }),
                (false, Some(b)) => quote!(Response::#v { status: super::status(#code), body: #b }),
            };
            arms.push(quote!(#i_lit => #value));
        }
        calls.push(client_call(api, op, k, &client));
        cases.push(quote! {
            Case { op: #id, method: #method, path: #path, params: &[#(#params),*], bodies: &[#(#bodies),*], replies: &[#(#replies),*], poisoned: #poisoned }
        });
        let name = super::ident(&op.name);
        let k = proc_macro2::Literal::usize_unsuffixed(k);
        methods.push(quote! {
            async fn #name(&self, request: #name::Request, _context: RequestContext) -> #name::Response {
                #[allow(unused_imports)]
                use #name::*;
                #[allow(unused_variables)]
                let case = &CASES[#k];
                #[allow(unused_variables)]
                let (reply, media) = self.0.called(#k);
                let expected = Request { #(#inits,)* };
                if request != expected {
                    self.0.fail(#k, format!("received {request:?}\nexpected {expected:?}"));
                }
                match reply {
                    #(#arms,)*
                    _ => Response::Raw(super::unexpected()),
                }
            }
        });
    }
    let tokens = quote! {
        use super::{BodySample, Case, Param, Recorder, Reply};
        use ::#server::ops::*;
        use ::#server::RequestContext;

        /// One case per operation, in spec order.
        pub static CASES: &[Case] = &[#(#cases),*];

        /// The server side: compares each request with the sample and answers the reply asked for.
        pub struct Contract(pub ::std::sync::Arc<Recorder>);

        impl ::#server::Api for Contract {
            #(#methods)*
        }

        /// The client side: one function per operation, calling the generated client.
        pub static CALLS: &[super::Call<::#client::Client>] = &[#(#calls),*];

        /// What a client call returned, in words the expectations use.
        fn outcome<T: ::std::fmt::Debug, E: ::std::fmt::Debug>(
            result: ::std::result::Result<::#client::ResponseValue<T>, ::#client::Error<E>>,
        ) -> ::std::string::String {
            match result {
                ::std::result::Result::Ok(v) => format!("ok {} {:?}", v.status, v.body),
                ::std::result::Result::Err(::#client::Error::Api { status, error, .. }) => format!("api {status} {error:?}"),
                ::std::result::Result::Err(other) => format!("error {other}"),
            }
        }

        /// The client configured for the contract server at `base`.
        pub fn client(base: &str) -> ::#client::Client {
            ::#client::Client::builder().base_url(base).bearer_token("contract-token").build().expect("client builds")
        }
    };
    super::format_rust(api, "contract.rs", tokens)
}

fn is_json(media_type: &str) -> bool {
    encoding_tag(media_type) == "json"
}

/// The client's body kind for a set of response media types: JSON if any, else the first.
fn client_kind(content: &[MediaBody]) -> Option<&MediaBody> {
    content.iter().find(|m| is_json(&m.media_type)).or_else(|| content.first())
}

/// How the generated client calls `op` with the case's samples, and what it must return for
/// each reply. Names the client's items only where Rust cannot infer them: methods, the
/// optional parameters' fields (the params struct itself is inferred) and variant names.
fn client_call(api: &Api, op: &Operation, k: usize, client: &proc_macro2::Ident) -> TokenStream {
    let name = super::ident(&op.name);
    let types = quote!(::#client::types::);
    let k_lit = proc_macro2::Literal::usize_unsuffixed(k);
    // Positional: required parameters in order, the body after the path parameters, then the params struct.
    let mut args = Vec::new();
    let mut optional = Vec::new();
    let mut path_count = 0;
    for (j, p) in op.parameters.iter().enumerate() {
        let j = proc_macro2::Literal::usize_unsuffixed(j);
        if !p.required {
            let f = super::ident(&p.name);
            optional.push(quote!(p.#f = ::std::option::Option::Some(super::de(case.params[#j].json));));
            continue;
        }
        if p.location == ParamLocation::Path {
            path_count += 1;
        }
        args.push(match &p.ty {
            Ty::String => quote!(super::de::<::std::string::String>(case.params[#j].json).as_str()),
            _ => quote!(&super::de(case.params[#j].json)),
        });
    }
    let content: &[MediaBody] = op.request_body.as_ref().map(|b| b.content.as_slice()).unwrap_or(&[]);
    let json = content.iter().position(|m| is_json(&m.media_type));
    let form = content.iter().position(|m| encoding_tag(&m.media_type) == "form");
    let form_variant = match (json, form) {
        (Some(j), Some(f)) if content[j].ty.is_some() && content[j].ty == content[f].ty => Some(f),
        _ => None,
    };
    let main_media = json.or(form).or(if content.is_empty() { None } else { Some(0) });
    if let (Some(m), Some(b)) = (main_media, &op.request_body) {
        let m_lit = proc_macro2::Literal::usize_unsuffixed(m);
        let value = match encoding_tag(&content[m].media_type) {
            "json" => {
                quote!(&super::de(if poison { case.poisoned.unwrap_or(case.bodies[#m_lit].sample) } else { case.bodies[#m_lit].sample }))
            }
            "form" => quote!(&super::de(case.bodies[#m_lit].sample)),
            _ => quote!(::bytes::Bytes::from_static(case.bodies[#m_lit].sample.as_bytes())),
        };
        let value = if b.required { value } else { quote!(::std::option::Option::Some(#value)) };
        let at = path_count.min(args.len());
        args.insert(at, value);
    }
    // The params struct is named by inference: `paramsN` reads it off the method's signature.
    let params_init = if optional.is_empty() {
        TokenStream::new()
    } else {
        let helper = quote::format_ident!("params{}", args.len());
        args.push(quote!(p));
        quote! {
            let mut p = super::#helper(::#client::Client::#name);
            #(#optional)*
        }
    };
    let call = quote!(c.#name(#(#args),*).await);
    let call = match form_variant {
        Some(f) => {
            let form_name = quote::format_ident!("{}_as_form", crate::naming::unraw(&op.name));
            let f_lit = proc_macro2::Literal::usize_unsuffixed(f);
            quote!(if media == #f_lit { c.#form_name(&super::de(case.bodies[#f_lit].sample)).await } else { #call })
        }
        None => call,
    };

    // Expectations, by reply.
    let success: Vec<&Response> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    let kinds: Vec<Option<String>> =
        success.iter().map(|r| client_kind(&r.content).map(|m| encoding_tag(&m.media_type).to_string())).collect();
    let single = kinds.windows(2).all(|w| w[0] == w[1]);
    let variant = |s: &Status| match s {
        Status::Code(c) => format!("Status{c}"),
        Status::Range(d) => format!("Status{d}XX"),
        Status::Default => "Default".to_string(),
    };
    let mut arms = Vec::new();
    for (i, r) in op.responses.iter().enumerate() {
        let code = concrete_status(op, &r.status);
        let i_lit = proc_macro2::Literal::usize_unsuffixed(i);
        let sample = quote!(case.replies[#i_lit].sample);
        let kind = client_kind(&r.content);
        // The server sends the first media type; the client reads its preferred one.
        let value: Option<TokenStream> = match kind {
            None => None,
            Some(_) if code == 204 || code == 304 => None,
            Some(m) => Some(match (encoding_tag(&m.media_type), &m.ty) {
                ("json", Some(t)) => {
                    let t = super::types::rust_ty(api, t, &types);
                    quote!(super::de::<#t>(#sample))
                }
                ("json", None) => quote!(super::de::<::serde_json::Value>(#sample)),
                ("text", _) => quote!(::std::string::String::from(#sample)),
                _ => quote!(::bytes::Bytes::from_static(#sample.as_bytes())),
            }),
        };
        let v = variant(&r.status);
        let expected = if r.status.is_success() {
            if single && !success.is_empty() {
                match value {
                    Some(e) => quote!(format!("ok {} {:?}", #code, #e)),
                    None => quote!(format!("ok {} ()", #code)),
                }
            } else {
                match value {
                    Some(e) => quote!(format!("ok {} {}({:?})", #code, #v, #e)),
                    None => quote!(format!("ok {} {}", #code, #v)),
                }
            }
        } else {
            match value {
                Some(e) => quote!(format!("api {} {}({:?})", #code, #v, #e)),
                None => quote!(format!("api {} {}", #code, #v)),
            }
        };
        arms.push(quote!(#i_lit => #expected));
    }
    quote! {
        |c, reply, media, poison| ::std::boxed::Box::pin(async move {
            #[allow(unused_variables)]
            let case = &CASES[#k_lit];
            #[allow(unused_variables)]
            let (media, poison) = (media, poison);
            #params_init
            let got = outcome(#call);
            let expected = match reply {
                #(#arms,)*
                _ => ::std::string::String::new(),
            };
            (got, expected)
        })
    }
}

/// Put a value the spec does not allow into the first enum of `value` (a sample of `ty`),
/// following fields, arrays and maps but not unions; false when there is none.
fn poison(api: &Api, ty: &Ty, value: &mut Value, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match (ty, value) {
        (Ty::Option(inner), v) => poison(api, inner, v, depth + 1),
        (Ty::Array(inner), Value::Array(items)) => items.first_mut().is_some_and(|v| poison(api, inner, v, depth + 1)),
        (Ty::Map(inner), Value::Object(map)) => {
            map.values_mut().next().is_some_and(|v| poison(api, inner, v, depth + 1))
        }
        (Ty::Named(id), v) => match api.types.get(id.index()).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => poison(api, inner, v, depth + 1),
            Some(TypeKind::Enum(_)) if v.is_string() => {
                *v = Value::String("not-in-the-spec".into());
                true
            }
            Some(TypeKind::Struct(st)) if st.flattened.is_empty() => {
                let Value::Object(map) = v else { return false };
                st.fields.iter().any(|f| map.get_mut(&f.wire).is_some_and(|fv| poison(api, &f.ty, fv, depth + 1)))
            }
            _ => false,
        },
        _ => false,
    }
}
