//! Operation-level comparison: matching operations, parameters, request
//! bodies, responses, headers and security.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{json, op_label, Loc, Sink, Walker};
use crate::diag::join_pointer;
use crate::diff::raw;
use crate::diff::rules::{Dir, Kind};
use crate::diff::RustImpact;
use crate::ir::{Api, MediaBody, Operation, Parameter, Response};
use crate::load::resolve_pointer;

/// Effective security: alternatives, each a set of `scheme[scopes]`.
fn security(api: &Api, op: &Operation) -> Vec<BTreeSet<String>> {
    let reqs = op.security.as_ref().unwrap_or(&api.security);
    if reqs.is_empty() {
        return vec![BTreeSet::new()];
    }
    reqs.iter()
        .map(|r| {
            r.schemes
                .iter()
                .map(|(n, s)| {
                    let mut s = s.clone();
                    s.sort();
                    if s.is_empty() {
                        n.clone()
                    } else {
                        format!("{n}[{}]", s.join(","))
                    }
                })
                .collect()
        })
        .collect()
}

fn show_alternative(a: &BTreeSet<String>) -> String {
    if a.is_empty() {
        "no authentication".into()
    } else {
        a.iter().cloned().collect::<Vec<_>>().join(" + ")
    }
}

/// The object at `pointer` in `root`, following a `$ref` there if any.
fn at<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    resolve_pointer(root, pointer).map(|v| raw::deref(root, v))
}

fn media_schema<'v>(holder: Option<&'v Value>, mt: &str) -> Option<&'v Value> {
    holder?.get("content")?.get(mt)?.get("schema")
}

/// A parameter's pointer and raw schema (operation-level first, then path-level).
fn param_raw<'v>(root: &'v Value, op_ptr: &str, p: &Parameter) -> (String, Option<&'v Value>) {
    let item_ptr = op_ptr.rsplit_once('/').map_or(op_ptr, |x| x.0);
    for holder in [op_ptr, item_ptr] {
        let Some(list) = at(root, holder).and_then(|v| v.get("parameters")).and_then(Value::as_array) else {
            continue;
        };
        for (i, entry) in list.iter().enumerate() {
            let entry = raw::deref(root, entry);
            let name_ok = entry.get("name").and_then(Value::as_str) == Some(p.wire.as_str());
            let in_ok = entry.get("in").and_then(Value::as_str) == Some(p.location.as_str());
            if name_ok && in_ok {
                return (format!("{holder}/parameters/{i}"), entry.get("schema"));
            }
        }
    }
    (op_ptr.to_string(), None)
}

impl Walker<'_> {
    pub(super) fn operations(&mut self) {
        let (b, h) = (self.b, self.h);
        let mut by_key: BTreeMap<(crate::ir::Method, &str), usize> = BTreeMap::new();
        let mut by_id: BTreeMap<&str, usize> = BTreeMap::new();
        for (j, op) in h.operations.iter().enumerate() {
            by_key.insert((op.method, op.path.as_str()), j);
            if !op.id_synthesized {
                by_id.insert(op.id.as_str(), j);
            }
        }
        let mut taken = vec![false; h.operations.len()];
        let mut matched: Vec<(usize, Option<usize>)> = Vec::new();
        for (i, op) in b.operations.iter().enumerate() {
            match by_key.get(&(op.method, op.path.as_str())) {
                Some(&j) if !taken[j] => {
                    taken[j] = true;
                    matched.push((i, Some(j)));
                }
                _ => matched.push((i, None)),
            }
        }
        for m in matched.iter_mut().filter(|m| m.1.is_none()) {
            let op = &b.operations[m.0];
            if op.id_synthesized {
                continue;
            }
            if let Some(&j) = by_id.get(op.id.as_str()) {
                if !taken[j] {
                    taken[j] = true;
                    m.1 = Some(j);
                }
            }
        }
        for (i, j) in matched {
            let o = &b.operations[i];
            match j {
                Some(j) => {
                    let n = &h.operations[j];
                    let idx = self.ops.len();
                    self.ops.push(op_label(n));
                    self.operation(idx, o, n);
                }
                None => {
                    let idx = self.ops.len();
                    self.ops.push(op_label(o));
                    self.push(
                        Sink::Op(idx, Dir::Request),
                        Kind::OperationRemoved,
                        RustImpact::Breaking,
                        (&o.pointer, &op_label(o)),
                        (Some(format!("{} {}", o.method, o.path)), None),
                        format!("operation removed (client method `{}`)", o.name),
                    );
                }
            }
        }
        for (j, n) in h.operations.iter().enumerate() {
            if taken[j] {
                continue;
            }
            let idx = self.ops.len();
            self.ops.push(op_label(n));
            self.push(
                Sink::Op(idx, Dir::Request),
                Kind::OperationAdded,
                RustImpact::Additive,
                (&n.pointer, &op_label(n)),
                (None, Some(format!("{} {}", n.method, n.path))),
                format!("operation added (client method `{}`)", n.name),
            );
            // Types only new operations use are reported as added types.
        }
    }

    fn operation(&mut self, idx: usize, o: &Operation, n: &Operation) {
        let req = Sink::Op(idx, Dir::Request);
        let res = Sink::Op(idx, Dir::Response);
        let label = op_label(n);
        let method_rust = if o.name == n.name { RustImpact::None } else { RustImpact::Breaking };
        if o.method != n.method || o.path != n.path {
            self.push(
                req,
                Kind::OperationMoved,
                method_rust,
                (&n.pointer, &label),
                (Some(format!("{} {}", o.method, o.path)), Some(format!("{} {}", n.method, n.path))),
                format!("operation `{}` moved from {} {} to {} {}", n.id, o.method, o.path, n.method, n.path),
            );
        } else if o.id != n.id {
            let what = if o.name == n.name {
                String::from("client method name unchanged")
            } else {
                format!("client method `{}` becomes `{}`", o.name, n.name)
            };
            self.push(
                req,
                Kind::OperationIdChanged,
                method_rust,
                (&n.pointer, &label),
                (Some(o.id.clone()), Some(n.id.clone())),
                format!("operationId changed from `{}` to `{}`; {what}", o.id, n.id),
            );
        }
        if !o.deprecated && n.deprecated {
            self.push(
                req,
                Kind::Deprecated("operation"),
                RustImpact::None,
                (&n.pointer, &label),
                (None, None),
                "operation deprecated".into(),
            );
        }
        self.op_security(idx, o, n);
        self.parameters(idx, o, n);
        self.request_body(req, o, n);
        self.responses(res, o, n);
    }

    fn op_security(&mut self, idx: usize, o: &Operation, n: &Operation) {
        let (old, new) = (security(self.b, o), security(self.h, n));
        let ptr = format!("{}/security", n.pointer);
        let label = op_label(n);
        for alt in &old {
            if !new.iter().any(|x| x.is_subset(alt)) {
                let s = show_alternative(alt);
                self.push(
                    Sink::Op(idx, Dir::Request),
                    Kind::SecurityRequirementRemoved,
                    RustImpact::None,
                    (&ptr, &label),
                    (Some(s.clone()), None),
                    format!("requests authenticated with {s} are no longer accepted"),
                );
            }
        }
        for alt in &new {
            if !old.contains(alt) {
                let s = show_alternative(alt);
                self.push(
                    Sink::Op(idx, Dir::Request),
                    Kind::SecurityRequirementAdded,
                    RustImpact::None,
                    (&ptr, &label),
                    (None, Some(s.clone())),
                    format!("new security alternative: {s}"),
                );
            }
        }
    }

    fn parameters(&mut self, idx: usize, o: &Operation, n: &Operation) {
        let sink = Sink::Op(idx, Dir::Request);
        let key = |p: &Parameter| (p.location, p.wire.clone());
        let old: BTreeMap<_, &Parameter> = o.parameters.iter().map(|p| (key(p), p)).collect();
        let new: BTreeMap<_, &Parameter> = n.parameters.iter().map(|p| (key(p), p)).collect();
        for (k, p) in &old {
            if !new.contains_key(k) {
                let subject = format!("parameter {} `{}`", p.location.as_str(), p.wire);
                let (ptr, _) = param_raw(self.braw, &o.pointer, p);
                self.push(
                    sink,
                    Kind::ParameterRemoved,
                    RustImpact::Breaking,
                    (&ptr, &subject),
                    (Some(self.sig_b(&p.ty)), None),
                    format!("{subject} removed"),
                );
            }
        }
        for (k, p) in &new {
            let subject = format!("parameter {} `{}`", p.location.as_str(), p.wire);
            let (ptr, rn) = param_raw(self.hraw, &n.pointer, p);
            let Some(op) = old.get(k) else {
                let rust = if p.required { RustImpact::Breaking } else { RustImpact::Subtle };
                let req = if p.required { "required" } else { "optional" };
                self.push(
                    sink,
                    Kind::ParameterAdded { required: p.required },
                    rust,
                    (&ptr, &subject),
                    (None, Some(self.sig_h(&p.ty))),
                    format!("{req} {subject} added"),
                );
                continue;
            };
            if op.required != p.required {
                let kind = if p.required { Kind::ParameterBecameRequired } else { Kind::ParameterBecameOptional };
                let word = if p.required { "required" } else { "optional" };
                self.push(
                    sink,
                    kind,
                    RustImpact::Breaking,
                    (&ptr, &subject),
                    (None, None),
                    format!("{subject} became {word}"),
                );
            }
            if op.default != p.default {
                self.push(
                    sink,
                    Kind::ParameterDefaultChanged,
                    RustImpact::None,
                    (&ptr, &subject),
                    (op.default.as_ref().map(json), p.default.as_ref().map(json)),
                    format!("{subject}: default changed"),
                );
            }
            if op.style != p.style || op.explode != p.explode {
                let show = |p: &Parameter| format!("{}{}", p.style, if p.explode { " explode" } else { "" });
                self.push(
                    sink,
                    Kind::ParameterStyleChanged,
                    RustImpact::None,
                    (&ptr, &subject),
                    (Some(show(op)), Some(show(p))),
                    format!("{subject}: serialisation style changed"),
                );
            }
            if !op.deprecated && p.deprecated {
                self.push(
                    sink,
                    Kind::Deprecated("parameter"),
                    RustImpact::None,
                    (&ptr, &subject),
                    (None, None),
                    format!("{subject} deprecated"),
                );
            }
            let (optr, ro) = param_raw(self.braw, &o.pointer, op);
            let loc = Loc { old: optr, new: ptr.clone(), subject, param: true };
            if op.nullable != p.nullable {
                let (kind, word) = if p.nullable {
                    (Kind::BecameNullable { was_option: !op.required }, "nullable")
                } else {
                    (Kind::BecameNotNullable, "not nullable")
                };
                self.push(
                    sink,
                    kind,
                    RustImpact::None,
                    (&loc.new, &loc.subject),
                    (None, None),
                    format!("{} became {word}", loc.subject),
                );
            }
            self.cmp_ty(sink, &op.ty, &p.ty, ro, rn, &loc);
        }
    }

    fn request_body(&mut self, sink: Sink, o: &Operation, n: &Operation) {
        let ptr_o = format!("{}/requestBody", o.pointer);
        let ptr_n = format!("{}/requestBody", n.pointer);
        let subject = "request body".to_string();
        match (&o.request_body, &n.request_body) {
            (None, None) => {}
            (None, Some(b)) => {
                let (rust, word) =
                    if b.required { (RustImpact::Breaking, "required") } else { (RustImpact::Subtle, "optional") };
                self.push(
                    sink,
                    Kind::RequestBodyAdded { required: b.required },
                    rust,
                    (&ptr_n, &subject),
                    (None, Some(self.bodies_h(&b.content))),
                    format!("{word} request body added"),
                );
            }
            (Some(b), None) => {
                self.push(
                    sink,
                    Kind::RequestBodyRemoved,
                    RustImpact::Breaking,
                    (&ptr_o, &subject),
                    (Some(self.bodies_b(&b.content)), None),
                    "request body removed".into(),
                );
            }
            (Some(bo), Some(bn)) => {
                if bo.required != bn.required {
                    let kind =
                        if bn.required { Kind::RequestBodyBecameRequired } else { Kind::RequestBodyBecameOptional };
                    let word = if bn.required { "required" } else { "optional" };
                    self.push(
                        sink,
                        kind,
                        RustImpact::Breaking,
                        (&ptr_n, &subject),
                        (None, None),
                        format!("request body became {word}"),
                    );
                }
                let holder_o = at(self.braw, &ptr_o);
                let holder_n = at(self.hraw, &ptr_n);
                for mo in &bo.content {
                    let mptr_o = join_pointer(&format!("{ptr_o}/content"), &mo.media_type);
                    let Some(mn) = bn.content.iter().find(|m| m.media_type == mo.media_type) else {
                        self.push(
                            sink,
                            Kind::RequestMediaTypeRemoved,
                            RustImpact::None,
                            (&mptr_o, &subject),
                            (Some(mo.media_type.clone()), None),
                            format!("request media type `{}` removed", mo.media_type),
                        );
                        continue;
                    };
                    let mptr_n = join_pointer(&format!("{ptr_n}/content"), &mn.media_type);
                    let loc = Loc {
                        old: format!("{mptr_o}/schema"),
                        new: format!("{mptr_n}/schema"),
                        subject: format!("request body {}", mn.media_type),
                        param: false,
                    };
                    let ro = media_schema(holder_o, &mo.media_type);
                    let rn = media_schema(holder_n, &mn.media_type);
                    self.media(sink, mo, mn, ro, rn, &loc);
                }
                for mn in &bn.content {
                    if !bo.content.iter().any(|m| m.media_type == mn.media_type) {
                        self.push(
                            sink,
                            Kind::RequestMediaTypeAdded,
                            RustImpact::None,
                            (&join_pointer(&format!("{ptr_n}/content"), &mn.media_type), &subject),
                            (None, Some(mn.media_type.clone())),
                            format!("request media type `{}` added", mn.media_type),
                        );
                    }
                }
            }
        }
    }

    fn bodies_b(&self, content: &[MediaBody]) -> String {
        content
            .iter()
            .map(|m| format!("{}: {}", m.media_type, m.ty.as_ref().map_or("-".into(), |t| self.sig_b(t))))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn bodies_h(&self, content: &[MediaBody]) -> String {
        content
            .iter()
            .map(|m| format!("{}: {}", m.media_type, m.ty.as_ref().map_or("-".into(), |t| self.sig_h(t))))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn media(&mut self, sink: Sink, mo: &MediaBody, mn: &MediaBody, ro: Option<&Value>, rn: Option<&Value>, loc: &Loc) {
        match (&mo.ty, &mn.ty) {
            (Some(a), Some(b)) => self.cmp_ty(sink, a, b, ro, rn, loc),
            (None, None) => {}
            (a, b) => {
                let old = a.as_ref().map_or("(no schema)".into(), |t| self.sig_b(t));
                let new = b.as_ref().map_or("(no schema)".into(), |t| self.sig_h(t));
                let widen = if b.is_none() { Some(true) } else { Some(false) };
                self.push(
                    sink,
                    Kind::TypeChanged { widen },
                    RustImpact::Breaking,
                    (&loc.new, &loc.subject),
                    (Some(old), Some(new)),
                    format!("{}: schema changed", loc.subject),
                );
            }
        }
    }

    fn responses(&mut self, sink: Sink, o: &Operation, n: &Operation) {
        let label_ptr =
            |op: &Operation, r: &Response| join_pointer(&format!("{}/responses", op.pointer), &r.status.to_string());
        for ro in &o.responses {
            let success = ro.status.is_success();
            let Some(rn) = n.responses.iter().find(|r| r.status == ro.status) else {
                // Its variant leaves the client's per-status enum and the
                // server's response enum.
                self.push(
                    sink,
                    Kind::ResponseStatusRemoved { success },
                    RustImpact::Breaking,
                    (&label_ptr(o, ro), &format!("response {}", ro.status)),
                    (Some(ro.status.to_string()), None),
                    format!("response status {} removed", ro.status),
                );
                continue;
            };
            let (po, pn) = (label_ptr(o, ro), label_ptr(n, rn));
            let holder_o = at(self.braw, &po);
            let holder_n = at(self.hraw, &pn);
            let subject = format!("response {}", rn.status);
            if ro.content.is_empty() && !rn.content.is_empty() {
                let new = self.bodies_h(&rn.content);
                self.push(
                    sink,
                    Kind::ResponseBodyAdded,
                    RustImpact::Breaking,
                    (&join_pointer(&pn, "content"), &subject),
                    (None, Some(new.clone())),
                    format!("response {} now has a body ({new}); implementations must produce it", rn.status),
                );
            } else if !ro.content.is_empty() && rn.content.is_empty() {
                let old = self.bodies_b(&ro.content);
                self.push(
                    sink,
                    Kind::ResponseBodyRemoved { success },
                    RustImpact::Breaking,
                    (&join_pointer(&po, "content"), &subject),
                    (Some(old.clone()), None),
                    format!("response {} no longer has a body (was {old})", rn.status),
                );
            }
            let one_sided = ro.content.is_empty() != rn.content.is_empty();
            for mo in ro.content.iter().filter(|_| !one_sided) {
                let mptr_o = join_pointer(&format!("{po}/content"), &mo.media_type);
                let Some(mn) = rn.content.iter().find(|m| m.media_type == mo.media_type) else {
                    self.push(
                        sink,
                        Kind::ResponseMediaTypeRemoved { success },
                        RustImpact::None,
                        (&mptr_o, &format!("response {}", ro.status)),
                        (Some(mo.media_type.clone()), None),
                        format!("response {} media type `{}` removed", ro.status, mo.media_type),
                    );
                    continue;
                };
                let mptr_n = join_pointer(&format!("{pn}/content"), &mn.media_type);
                let loc = Loc {
                    old: format!("{mptr_o}/schema"),
                    new: format!("{mptr_n}/schema"),
                    subject: format!("response {} {}", rn.status, mn.media_type),
                    param: false,
                };
                let so = media_schema(holder_o, &mo.media_type);
                let sn = media_schema(holder_n, &mn.media_type);
                self.media(sink, mo, mn, so, sn, &loc);
            }
            for mn in rn.content.iter().filter(|_| !one_sided) {
                if !ro.content.iter().any(|m| m.media_type == mn.media_type) {
                    self.push(
                        sink,
                        Kind::ResponseMediaTypeAdded,
                        RustImpact::None,
                        (&join_pointer(&format!("{pn}/content"), &mn.media_type), &format!("response {}", rn.status)),
                        (None, Some(mn.media_type.clone())),
                        format!("response {} media type `{}` added", rn.status, mn.media_type),
                    );
                }
            }
            for ho in &ro.headers {
                let subject = format!("response {} header `{}`", ro.status, ho.wire);
                let hptr = join_pointer(&format!("{pn}/headers"), &ho.wire);
                match rn.headers.iter().find(|h| h.wire.eq_ignore_ascii_case(&ho.wire)) {
                    None => self.push(
                        sink,
                        Kind::ResponseHeaderRemoved { required: ho.required },
                        RustImpact::None,
                        (&join_pointer(&format!("{po}/headers"), &ho.wire), &subject),
                        (Some(self.sig_b(&ho.ty)), None),
                        format!("{subject} removed"),
                    ),
                    Some(hn) => {
                        let loc = Loc { old: hptr.clone(), new: hptr, subject, param: false };
                        self.cmp_ty(sink, &ho.ty, &hn.ty, None, None, &loc);
                    }
                }
            }
            for hn in &rn.headers {
                if !ro.headers.iter().any(|h| h.wire.eq_ignore_ascii_case(&hn.wire)) {
                    let subject = format!("response {} header `{}`", rn.status, hn.wire);
                    self.push(
                        sink,
                        Kind::ResponseHeaderAdded,
                        RustImpact::None,
                        (&join_pointer(&format!("{pn}/headers"), &hn.wire), &subject),
                        (None, Some(self.sig_h(&hn.ty))),
                        format!("{subject} added"),
                    );
                }
            }
        }
        let old_successes = o.responses.iter().filter(|r| r.status.is_success()).count();
        for rn in &n.responses {
            if !o.responses.iter().any(|r| r.status == rn.status) {
                let success = rn.status.is_success();
                // A status is a variant of the client's error or success enum
                // and of the server's response enum (exhaustive matches
                // break); a second success status turns the client's plain
                // return type into an enum.
                let rust = if success && old_successes == 1 { RustImpact::Breaking } else { RustImpact::Subtle };
                self.push(
                    sink,
                    Kind::ResponseStatusAdded { success },
                    rust,
                    (&label_ptr(n, rn), &format!("response {}", rn.status)),
                    (None, Some(rn.status.to_string())),
                    format!("response status {} added", rn.status),
                );
            }
        }
    }

    pub(super) fn security_schemes(&mut self) {
        let (b, h) = (self.b, self.h);
        let none = Sink::Op(usize::MAX, Dir::Request);
        for (name, s) in &b.security_schemes {
            let ptr = join_pointer("#/components/securitySchemes", name);
            let subject = format!("security scheme `{name}`");
            let old = surface_scheme(s);
            match h.security_schemes.get(name) {
                None => self.push(
                    none,
                    Kind::SecuritySchemeRemoved,
                    RustImpact::None,
                    (&ptr, &subject),
                    (Some(old), None),
                    format!("{subject} removed"),
                ),
                Some(n) => {
                    let new = surface_scheme(n);
                    if new != old {
                        self.push(
                            none,
                            Kind::SecuritySchemeChanged,
                            RustImpact::None,
                            (&ptr, &subject),
                            (Some(old), Some(new)),
                            format!("{subject} changed"),
                        );
                    }
                }
            }
        }
        for (name, s) in &h.security_schemes {
            if !b.security_schemes.contains_key(name) {
                let ptr = join_pointer("#/components/securitySchemes", name);
                let subject = format!("security scheme `{name}`");
                self.push(
                    none,
                    Kind::SecuritySchemeAdded,
                    RustImpact::None,
                    (&ptr, &subject),
                    (None, Some(surface_scheme(s))),
                    format!("{subject} added"),
                );
            }
        }
    }
}

fn surface_scheme(s: &crate::ir::SecurityScheme) -> String {
    use crate::ir::SecurityScheme as S;
    match s {
        S::HttpBasic { .. } => "http basic".into(),
        S::HttpBearer { format, .. } => format!("http bearer {}", format.clone().unwrap_or_default()),
        S::Http { scheme, .. } => format!("http {scheme}"),
        S::ApiKey { location, name, .. } => format!("api key {name} in {}", location.as_str()),
        S::OAuth2ClientCredentials { token_url, scopes, .. } => {
            format!("oauth2 client credentials {token_url} [{}]", scopes.join(","))
        }
        S::OAuth2Other { .. } => "oauth2".into(),
        S::OpenIdConnect { url, .. } => format!("openid connect {url}"),
    }
}
