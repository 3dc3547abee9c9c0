//! Type-level comparison: a pair of named types (struct fields, enum values,
//! union variants, constraints) and use sites (`Ty` against `Ty`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{json, Loc, Pair, Sink, Walker};
use crate::diag::join_pointer;
use crate::diff::raw::{self, Effect};
use crate::diff::rules::{captures, class, option_depth, widening, Class, Kind};
use crate::diff::RustImpact;
use crate::ir::{Api, Field, Presence, StringEnum, Struct, Tagged, Ty, TypeDef, TypeId, TypeKind, Untagged};
use crate::load::resolve_pointer;
use crate::surface;

impl Walker<'_> {
    /// Same-named components are compared even when no operation uses them:
    /// they are still types in the generated crate.
    pub(super) fn component_roots(&mut self) {
        let new: BTreeMap<&str, TypeId> =
            self.h.types.iter().filter(|t| t.component).map(|t| (t.origin.as_str(), t.id)).collect();
        let pairs: Vec<(TypeId, TypeId)> = self
            .b
            .types
            .iter()
            .filter(|t| t.component)
            .filter_map(|t| new.get(t.origin.as_str()).map(|&n| (t.id, n)))
            .collect();
        for (o, n) in pairs {
            let next = self.pairs.len();
            let idx = *self.pair_ix.entry((o, n)).or_insert(next);
            if idx == next {
                self.pairs.push(Pair { old: o, new: n, children: BTreeSet::new() });
            }
        }
    }

    // ---- types -----------------------------------------------------------

    pub(super) fn is_alias(api: &Api, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Alias(_)))
    }

    /// The reference text a use site stands for, when it is an unresolved reference.
    fn opaque(opaque: &BTreeMap<TypeId, String>, ty: &Ty) -> Option<String> {
        match ty {
            Ty::Named(id) => opaque.get(id).cloned(),
            Ty::Option(inner) => Self::opaque(opaque, inner),
            _ => None,
        }
    }

    pub(super) fn cmp_ty(&mut self, sink: Sink, o: &Ty, n: &Ty, ro: Option<&Value>, rn: Option<&Value>, loc: &Loc) {
        // An unresolved reference is compared by its text, never by shape.
        let (xo, xn) = (Self::opaque(self.bopaque, o), Self::opaque(self.hopaque, n));
        if xo.is_some() || xn.is_some() {
            if xo != xn {
                let show_b = |x: &Option<String>, s: String| x.as_ref().map_or(s, |r| format!("unresolved `{r}`"));
                let (old, new) = (show_b(&xo, self.sig_b(o)), show_b(&xn, self.sig_h(n)));
                self.push(
                    sink,
                    Kind::OpaqueChanged,
                    RustImpact::None,
                    (&loc.new, &loc.subject),
                    (Some(old.clone()), Some(new.clone())),
                    format!(
                        "{}: {old} became {new}; the effect cannot be told from an unresolved reference",
                        loc.subject
                    ),
                );
            }
            return;
        }
        // One-sided aliases are looked through; their schema's keywords join the use site's.
        let (mut o, mut n) = (o, n);
        let (mut co, mut cn) = (constraint_view(ro), constraint_view(rn));
        let (mut ro, mut rn) = (ro, rn);
        let (b, h) = (self.b, self.h);
        for _ in 0..16 {
            let (ao, an) = (Self::is_alias(b, o), Self::is_alias(h, n));
            if ao == an {
                break;
            }
            if let (true, Ty::Named(id)) = (ao, o) {
                let t = b.ty(*id);
                if let TypeKind::Alias(inner) = &t.kind {
                    ro = resolve_pointer(self.braw, &t.pointer);
                    merge_under(&mut co, constraint_view(ro));
                    o = inner;
                }
            }
            if let (true, Ty::Named(id)) = (an, n) {
                let t = h.ty(*id);
                if let TypeKind::Alias(inner) = &t.kind {
                    rn = resolve_pointer(self.hraw, &t.pointer);
                    merge_under(&mut cn, constraint_view(rn));
                    n = inner;
                }
            }
        }
        self.constraints(sink, &co, &cn, loc);
        match (o, n) {
            (Ty::Named(a), Ty::Named(c)) => {
                let (ka, kc) = (&b.ty(*a).kind, &h.ty(*c).kind);
                let compatible = matches!(
                    (ka, kc),
                    (TypeKind::Struct(_), TypeKind::Struct(_))
                        | (TypeKind::Enum(_), TypeKind::Enum(_))
                        | (TypeKind::Tagged(_), TypeKind::Tagged(_))
                        | (TypeKind::Untagged(_), TypeKind::Untagged(_))
                        | (TypeKind::Tagged(_), TypeKind::Untagged(_))
                        | (TypeKind::Untagged(_), TypeKind::Tagged(_))
                        | (TypeKind::Alias(_), TypeKind::Alias(_))
                );
                if compatible {
                    if b.ty(*a).name != h.ty(*c).name {
                        self.replaced.push((sink, *a, *c, loc.clone()));
                    }
                    self.edge(sink, *a, *c);
                } else {
                    self.type_changed(sink, o, n, loc);
                }
            }
            (Ty::Option(a), Ty::Option(c)) => self.cmp_ty(sink, a, c, ro, rn, loc),
            (Ty::Option(a), _) => {
                self.push(
                    sink,
                    Kind::BecameNotNullable,
                    RustImpact::Breaking,
                    (&loc.new, &loc.subject),
                    (None, None),
                    format!("{} no longer accepts null", loc.subject),
                );
                self.cmp_ty(sink, a, n, ro, rn, loc);
            }
            (_, Ty::Option(c)) => {
                self.push(
                    sink,
                    Kind::BecameNullable { was_option: false },
                    RustImpact::Breaking,
                    (&loc.new, &loc.subject),
                    (None, None),
                    format!("{} may now be null", loc.subject),
                );
                self.cmp_ty(sink, o, c, ro, rn, loc);
            }
            (Ty::Array(a), Ty::Array(c)) => {
                let (io, inn) = (ro.and_then(|r| r.get("items")), rn.and_then(|r| r.get("items")));
                self.cmp_ty(sink, a, c, io, inn, &loc.child("items", "[]"));
            }
            (Ty::Map(a), Ty::Map(c)) => {
                let (io, inn) =
                    (ro.and_then(|r| r.get("additionalProperties")), rn.and_then(|r| r.get("additionalProperties")));
                self.cmp_ty(sink, a, c, io, inn, &loc.child("additionalProperties", "{}"));
            }
            _ if o == n && !matches!(o, Ty::Named(_)) => {}
            _ => self.type_changed(sink, o, n, loc),
        }
    }

    fn type_changed(&mut self, sink: Sink, o: &Ty, n: &Ty, loc: &Loc) {
        let (so, sn) = (self.sig_b(o), self.sig_h(n));
        let widen = widening(self.b, o, self.h, n);
        let kind = if loc.param { Kind::ParameterTypeChanged { widen } } else { Kind::TypeChanged { widen } };
        let how = match widen {
            Some(true) => " (widened)",
            Some(false) => " (narrowed)",
            None => "",
        };
        let rust = if so == sn { RustImpact::None } else { RustImpact::Breaking };
        self.push(
            sink,
            kind,
            rust,
            (&loc.new, &loc.subject),
            (Some(so.clone()), Some(sn.clone())),
            format!("{}: type changed from {so} to {sn}{how}", loc.subject),
        );
    }

    fn constraints(&mut self, sink: Sink, co: &Value, cn: &Value, loc: &Loc) {
        for c in raw::constraint_changes(co, cn) {
            let word = match c.effect {
                Effect::Tightened => "tightened",
                Effect::Loosened => "loosened",
                Effect::Changed => "changed",
            };
            let show = |v: &Option<Value>| v.as_ref().map(json);
            self.push(
                sink,
                Kind::Constraint(c.effect),
                RustImpact::None,
                (&join_pointer(&loc.new, c.keyword), &loc.subject),
                (show(&c.old).or(Some("-".into())), show(&c.new).or(Some("-".into()))),
                format!("{}: `{}` {word}", loc.subject, c.keyword),
            );
        }
        let (eo, en) = (raw::scalar_enum(co), raw::scalar_enum(cn));
        if eo.is_some() || en.is_some() {
            let (eo, en) = (eo.unwrap_or_default(), en.unwrap_or_default());
            // An enum appearing or disappearing is a constraint on all values.
            if eo.is_empty() != en.is_empty() {
                let effect = if eo.is_empty() { Effect::Tightened } else { Effect::Loosened };
                self.push(
                    sink,
                    Kind::Constraint(effect),
                    RustImpact::None,
                    (&join_pointer(&loc.new, "enum"), &loc.subject),
                    (Some(json(&Value::Array(eo))), Some(json(&Value::Array(en)))),
                    format!(
                        "{}: `enum` {}",
                        loc.subject,
                        if effect == Effect::Tightened { "added" } else { "removed" }
                    ),
                );
                return;
            }
            for v in &eo {
                if !en.contains(v) {
                    self.push(
                        sink,
                        Kind::EnumValueRemoved,
                        RustImpact::None,
                        (&join_pointer(&loc.old, "enum"), &loc.subject),
                        (Some(json(v)), None),
                        format!("{}: enum value {} removed", loc.subject, json(v)),
                    );
                }
            }
            for v in &en {
                if !eo.contains(v) {
                    self.push(
                        sink,
                        Kind::EnumValueAdded,
                        RustImpact::None,
                        (&join_pointer(&loc.new, "enum"), &loc.subject),
                        (None, Some(json(v))),
                        format!("{}: enum value {} added", loc.subject, json(v)),
                    );
                }
            }
        }
    }

    pub(super) fn compare_pair(&mut self, i: usize) {
        let (b, h) = (self.b, self.h);
        let (ta, tb) = (b.ty(self.pairs[i].old), h.ty(self.pairs[i].new));
        let sink = Sink::Pair(i);
        let loc = Loc { old: ta.pointer.clone(), new: tb.pointer.clone(), subject: tb.name.clone(), param: false };
        if !ta.deprecated && tb.deprecated {
            self.push(
                sink,
                Kind::Deprecated("type"),
                RustImpact::None,
                (&loc.new, &loc.subject),
                (None, None),
                format!("type {} deprecated", tb.name),
            );
        }
        if !matches!(ta.kind, TypeKind::Alias(_)) {
            let mut co = constraint_view(resolve_pointer(self.braw, &ta.pointer));
            let mut cn = constraint_view(resolve_pointer(self.hraw, &tb.pointer));
            // Required properties already bound the property count from below.
            let declared = co.get("minProperties").is_some() || cn.get("minProperties").is_some();
            if let (TypeKind::Struct(sa), TypeKind::Struct(sb), true) = (&ta.kind, &tb.kind, declared) {
                effective_min_properties(&mut co, sa);
                effective_min_properties(&mut cn, sb);
            }
            self.constraints(sink, &co, &cn, &loc);
        }
        match (&ta.kind, &tb.kind) {
            (TypeKind::Struct(sa), TypeKind::Struct(sb)) => self.structs(sink, ta, sa, tb, sb),
            (TypeKind::Enum(ea), TypeKind::Enum(eb)) => self.enums(sink, ea, eb, &loc),
            (TypeKind::Tagged(ua), TypeKind::Tagged(ub)) => self.tagged(sink, ua, ub, &loc),
            (TypeKind::Untagged(ua), TypeKind::Untagged(ub)) => self.untagged(sink, ua, ub, &loc),
            (TypeKind::Alias(x), TypeKind::Alias(y)) => {
                let ro = resolve_pointer(self.braw, &ta.pointer);
                let rn = resolve_pointer(self.hraw, &tb.pointer);
                self.cmp_ty(sink, x, y, ro, rn, &loc);
            }
            (TypeKind::Tagged(_), TypeKind::Untagged(_)) | (TypeKind::Untagged(_), TypeKind::Tagged(_)) => {
                let (old, new) = if matches!(ta.kind, TypeKind::Tagged(_)) {
                    ("tagged union", "untagged union")
                } else {
                    ("untagged union", "tagged union")
                };
                self.push(
                    sink,
                    Kind::TypeChanged { widen: None },
                    RustImpact::Breaking,
                    (&loc.new, &loc.subject),
                    (Some(old.into()), Some(new.into())),
                    format!(
                        "{}: discriminator {}",
                        loc.subject,
                        if new == "tagged union" { "added" } else { "removed" }
                    ),
                );
            }
            _ => self.type_changed(sink, &Ty::Named(ta.id), &Ty::Named(tb.id), &loc),
        }
    }

    fn structs(&mut self, sink: Sink, ta: &TypeDef, sa: &Struct, tb: &TypeDef, sb: &Struct) {
        let (b, h) = (self.b, self.h);
        let old: Vec<&Field> = sa.fields.iter().collect();
        let new: Vec<&Field> = sb.fields.iter().collect();
        let removed: Vec<&Field> = old.iter().copied().filter(|f| !new.iter().any(|x| x.wire == f.wire)).collect();
        let added: Vec<&Field> = new.iter().copied().filter(|f| !old.iter().any(|x| x.wire == f.wire)).collect();
        let key_b = |f: &Field| (surface::ty(b, &f.ty), f.required, f.nullable);
        let key_h = |f: &Field| (surface::ty(h, &f.ty), f.required, f.nullable);
        let mut renamed: Vec<(&Field, &Field)> = Vec::new();
        for r in &removed {
            let k = key_b(r);
            let same_removed = removed.iter().filter(|x| key_b(x) == k).count();
            let candidates: Vec<&&Field> = added.iter().filter(|a| key_h(a) == k).collect();
            if same_removed == 1 && candidates.len() == 1 {
                renamed.push((r, candidates[0]));
            }
        }
        let prop_ptr = |raw: &Value, t: &TypeDef, wire: &str| {
            raw::property(raw, &t.pointer, wire)
                .map(|(p, _)| p)
                .unwrap_or_else(|| join_pointer(&format!("{}/properties", t.pointer), wire))
        };
        for f in &removed {
            let subject = format!("{}.{}", tb.name, f.wire);
            let ptr = prop_ptr(self.braw, ta, &f.wire);
            if let Some((_, n)) = renamed.iter().find(|(r, _)| r.wire == f.wire) {
                let nptr = prop_ptr(self.hraw, tb, &n.wire);
                self.push(
                    sink,
                    Kind::PropertyRenamed { required: n.required },
                    RustImpact::Breaking,
                    (&nptr, &subject),
                    (Some(f.wire.clone()), Some(n.wire.clone())),
                    format!(
                        "property `{}` of {} probably renamed to `{}` (same type {})",
                        f.wire,
                        tb.name,
                        n.wire,
                        surface::ty(h, &n.ty)
                    ),
                );
                continue;
            }
            let req = if f.required { "required " } else { "" };
            self.push(
                sink,
                Kind::PropertyRemoved { required: f.required },
                RustImpact::Breaking,
                (&ptr, &subject),
                (Some(surface::ty(b, &f.ty)), None),
                format!("{req}property `{}` removed from {}", f.wire, tb.name),
            );
        }
        for f in &added {
            if renamed.iter().any(|(_, n)| n.wire == f.wire) {
                continue;
            }
            let subject = format!("{}.{}", tb.name, f.wire);
            let ptr = prop_ptr(self.hraw, tb, &f.wire);
            let req = if f.required { "required" } else { "optional" };
            self.push(
                sink,
                Kind::PropertyAdded { required: f.required },
                RustImpact::Subtle,
                (&ptr, &subject),
                (None, Some(surface::ty(h, &f.ty))),
                format!("{req} property `{}` added to {}", f.wire, tb.name),
            );
        }
        for fo in &old {
            let Some(fnew) = new.iter().find(|x| x.wire == fo.wire) else { continue };
            self.field(sink, ta, fo, tb, fnew);
        }
        let loc = Loc { old: ta.pointer.clone(), new: tb.pointer.clone(), subject: tb.name.clone(), param: false };
        match (&sa.additional, &sb.additional) {
            (None, None) => {}
            (Some(x), Some(y)) => {
                let l = loc.child("additionalProperties", ".{additional}");
                self.cmp_ty(sink, x, y, None, None, &l);
            }
            (None, Some(y)) => {
                let s = surface::ty(h, y);
                self.push(
                    sink,
                    Kind::TypeChanged { widen: Some(true) },
                    RustImpact::Subtle,
                    (&join_pointer(&loc.new, "additionalProperties"), &loc.subject),
                    (None, Some(s.clone())),
                    format!("{} now accepts additional properties ({s})", tb.name),
                );
            }
            (Some(x), None) => {
                let s = surface::ty(b, x);
                self.push(
                    sink,
                    Kind::TypeChanged { widen: Some(false) },
                    RustImpact::Breaking,
                    (&join_pointer(&loc.old, "additionalProperties"), &loc.subject),
                    (Some(s.clone()), None),
                    format!("{} no longer accepts additional properties", tb.name),
                );
            }
        }
        for (i, (x, y)) in sa.flattened.iter().zip(&sb.flattened).enumerate() {
            let l = Loc { subject: format!("{}.<flattened {i}>", tb.name), ..loc.clone() };
            self.cmp_ty(sink, &x.ty, &y.ty, None, None, &l);
        }
        if sa.flattened.len() != sb.flattened.len() {
            self.push(
                sink,
                Kind::TypeChanged { widen: None },
                RustImpact::Breaking,
                (&loc.new, &loc.subject),
                (
                    Some(format!("{} flattened union(s)", sa.flattened.len())),
                    Some(format!("{} flattened union(s)", sb.flattened.len())),
                ),
                format!("{}: unions combined with its properties changed", tb.name),
            );
        }
    }

    fn field(&mut self, sink: Sink, ta: &TypeDef, fo: &Field, tb: &TypeDef, fnew: &Field) {
        let (po, ro) = match raw::property(self.braw, &ta.pointer, &fo.wire) {
            Some((p, v)) => (p, Some(v)),
            None => (join_pointer(&format!("{}/properties", ta.pointer), &fo.wire), None),
        };
        let (pn, rn) = match raw::property(self.hraw, &tb.pointer, &fnew.wire) {
            Some((p, v)) => (p, Some(v)),
            None => (join_pointer(&format!("{}/properties", tb.pointer), &fnew.wire), None),
        };
        let loc = Loc { old: po, new: pn, subject: format!("{}.{}", tb.name, fnew.wire), param: false };
        let rust = if option_depth(fo.presence()) == option_depth(fnew.presence()) {
            RustImpact::None
        } else {
            RustImpact::Breaking
        };
        if fo.required != fnew.required {
            let (kind, word) = if fnew.required {
                (Kind::PropertyBecameRequired, "required")
            } else {
                (Kind::PropertyBecameOptional, "optional")
            };
            self.push(
                sink,
                kind,
                rust,
                (&loc.new, &loc.subject),
                (None, None),
                format!("property `{}` of {} became {word}", fnew.wire, tb.name),
            );
        }
        if fo.nullable != fnew.nullable {
            let (kind, word) = if fnew.nullable {
                (Kind::BecameNullable { was_option: fo.presence() != Presence::Required }, "nullable")
            } else {
                (Kind::BecameNotNullable, "not nullable")
            };
            self.push(
                sink,
                kind,
                rust,
                (&loc.new, &loc.subject),
                (None, None),
                format!("property `{}` of {} became {word}", fnew.wire, tb.name),
            );
        }
        if fo.default != fnew.default {
            self.push(
                sink,
                Kind::DefaultChanged,
                RustImpact::None,
                (&join_pointer(&loc.new, "default"), &loc.subject),
                (fo.default.as_ref().map(json), fnew.default.as_ref().map(json)),
                format!("property `{}` of {}: default changed", fnew.wire, tb.name),
            );
        }
        if !fo.deprecated && fnew.deprecated {
            self.push(
                sink,
                Kind::Deprecated("property"),
                RustImpact::None,
                (&loc.new, &loc.subject),
                (None, None),
                format!("property `{}` of {} deprecated", fnew.wire, tb.name),
            );
        }
        if fo.name != fnew.name {
            self.push(
                sink,
                Kind::RustRenamed("field"),
                RustImpact::Breaking,
                (&loc.new, &loc.subject),
                (Some(fo.name.clone()), Some(fnew.name.clone())),
                format!("Rust field `{}` of {} renamed to `{}`", fo.name, tb.name, fnew.name),
            );
        }
        self.cmp_ty(sink, &fo.ty, &fnew.ty, ro, rn, &loc);
    }

    fn enums(&mut self, sink: Sink, ea: &StringEnum, eb: &StringEnum, loc: &Loc) {
        let removed: Vec<_> = ea.variants.iter().filter(|v| !eb.variants.iter().any(|x| x.wire == v.wire)).collect();
        let added: Vec<_> = eb.variants.iter().filter(|v| !ea.variants.iter().any(|x| x.wire == v.wire)).collect();
        let (po, pn) = (join_pointer(&loc.old, "enum"), join_pointer(&loc.new, "enum"));
        if let ([r], [a]) = (removed.as_slice(), added.as_slice()) {
            self.push(
                sink,
                Kind::EnumValueRenamed,
                RustImpact::Breaking,
                (&pn, &loc.subject),
                (Some(r.wire.clone()), Some(a.wire.clone())),
                format!("{}: enum value {:?} probably renamed to {:?}", loc.subject, r.wire, a.wire),
            );
        } else {
            for r in &removed {
                self.push(
                    sink,
                    Kind::EnumValueRemoved,
                    RustImpact::Breaking,
                    (&po, &loc.subject),
                    (Some(r.wire.clone()), None),
                    format!("{}: enum value {:?} removed (variant `{}`)", loc.subject, r.wire, r.name),
                );
            }
            for a in &added {
                self.push(
                    sink,
                    Kind::EnumValueAdded,
                    RustImpact::Subtle,
                    (&pn, &loc.subject),
                    (None, Some(a.wire.clone())),
                    format!("{}: enum value {:?} added (variant `{}`)", loc.subject, a.wire, a.name),
                );
            }
        }
        for v in &ea.variants {
            if let Some(x) = eb.variants.iter().find(|x| x.wire == v.wire) {
                if x.name != v.name {
                    self.push(
                        sink,
                        Kind::RustRenamed("variant"),
                        RustImpact::Breaking,
                        (&pn, &loc.subject),
                        (Some(v.name.clone()), Some(x.name.clone())),
                        format!("{}: Rust variant `{}` renamed to `{}`", loc.subject, v.name, x.name),
                    );
                }
            }
        }
    }

    fn tagged(&mut self, sink: Sink, ua: &Tagged, ub: &Tagged, loc: &Loc) {
        if ua.property != ub.property {
            self.push(
                sink,
                Kind::TypeChanged { widen: None },
                RustImpact::None,
                (&join_pointer(&loc.new, "discriminator"), &loc.subject),
                (Some(ua.property.clone()), Some(ub.property.clone())),
                format!("{}: discriminator property changed", loc.subject),
            );
        }
        let ptr = join_pointer(&loc.new, "oneOf");
        for va in &ua.variants {
            match ub.variants.iter().find(|vb| vb.tags.iter().any(|t| va.tags.contains(t))) {
                None => {
                    self.push(
                        sink,
                        Kind::VariantRemoved,
                        RustImpact::Breaking,
                        (&join_pointer(&loc.old, "oneOf"), &loc.subject),
                        (Some(va.tags.join("|")), None),
                        format!("{}: variant `{}` (tag {}) removed", loc.subject, va.name, va.tags.join(", ")),
                    );
                }
                Some(vb) => {
                    if va.name != vb.name {
                        self.push(
                            sink,
                            Kind::RustRenamed("variant"),
                            RustImpact::Breaking,
                            (&ptr, &loc.subject),
                            (Some(va.name.clone()), Some(vb.name.clone())),
                            format!("{}: Rust variant `{}` renamed to `{}`", loc.subject, va.name, vb.name),
                        );
                    }
                    let l = loc.child("oneOf", &format!("::{}", vb.name));
                    self.cmp_ty(sink, &va.ty, &vb.ty, None, None, &l);
                }
            }
        }
        for vb in &ub.variants {
            if !ua.variants.iter().any(|va| vb.tags.iter().any(|t| va.tags.contains(t))) {
                self.push(
                    sink,
                    Kind::VariantAdded { tagged: true },
                    RustImpact::Subtle,
                    (&ptr, &loc.subject),
                    (None, Some(vb.tags.join("|"))),
                    format!("{}: variant `{}` (tag {}) added", loc.subject, vb.name, vb.tags.join(", ")),
                );
            }
        }
    }

    fn untagged(&mut self, sink: Sink, ua: &Untagged, ub: &Untagged, loc: &Loc) {
        let (b, h) = (self.b, self.h);
        let kw = match ub.kind {
            crate::ir::UnionKind::OneOf => "oneOf",
            crate::ir::UnionKind::AnyOf => "anyOf",
        };
        let ptr = join_pointer(&loc.new, kw);
        let mut matched: Vec<(usize, usize)> = Vec::new();
        let mut used = vec![false; ub.variants.len()];
        for (i, va) in ua.variants.iter().enumerate() {
            if let Some(j) = ub.variants.iter().position(|vb| vb.name == va.name) {
                if !used[j] {
                    used[j] = true;
                    matched.push((i, j));
                }
            }
        }
        for (i, va) in ua.variants.iter().enumerate() {
            if matched.iter().any(|m| m.0 == i) {
                continue;
            }
            let sig = surface::ty(b, &va.ty);
            if let Some(j) = (0..ub.variants.len()).find(|&j| !used[j] && surface::ty(h, &ub.variants[j].ty) == sig) {
                used[j] = true;
                matched.push((i, j));
            }
        }
        for (i, va) in ua.variants.iter().enumerate() {
            match matched.iter().find(|m| m.0 == i) {
                None => self.push(
                    sink,
                    Kind::VariantRemoved,
                    RustImpact::Breaking,
                    (&join_pointer(&loc.old, kw), &loc.subject),
                    (Some(format!("{}({})", va.name, surface::ty(b, &va.ty))), None),
                    format!("{}: variant `{}` removed", loc.subject, va.name),
                ),
                Some(&(_, j)) => {
                    let vb = &ub.variants[j];
                    if va.name != vb.name {
                        self.push(
                            sink,
                            Kind::RustRenamed("variant"),
                            RustImpact::Breaking,
                            (&ptr, &loc.subject),
                            (Some(va.name.clone()), Some(vb.name.clone())),
                            format!("{}: Rust variant `{}` renamed to `{}`", loc.subject, va.name, vb.name),
                        );
                    }
                    let l = loc.child(kw, &format!("::{}", vb.name));
                    self.cmp_ty(sink, &va.ty, &vb.ty, None, None, &l);
                }
            }
        }
        for (j, vb) in ub.variants.iter().enumerate() {
            if !used[j] {
                self.push(
                    sink,
                    Kind::VariantAdded { tagged: false },
                    RustImpact::Subtle,
                    (&ptr, &loc.subject),
                    (None, Some(format!("{}({})", vb.name, surface::ty(h, &vb.ty)))),
                    format!("{}: variant `{}` added", loc.subject, vb.name),
                );
            }
        }
        let overlaps = |api: &Api, u: &Untagged| -> BTreeSet<(String, String)> {
            let classes: Vec<Class> = u.variants.iter().map(|v| class(api, &v.ty)).collect();
            let mut out = BTreeSet::new();
            for i in 0..classes.len() {
                for j in i + 1..classes.len() {
                    if captures(&classes[i], &classes[j]) {
                        out.insert((u.variants[i].name.clone(), u.variants[j].name.clone()));
                    }
                }
            }
            out
        };
        let before = overlaps(b, ua);
        for (x, y) in overlaps(h, ub) {
            if !before.contains(&(x.clone(), y.clone())) {
                self.push(sink, Kind::VariantsOverlap, RustImpact::None, (&ptr, &loc.subject), (None, Some(format!("{x} before {y}"))), format!("{}: variant `{x}` also accepts values meant for `{y}`; without a discriminator, untagged decoding picks `{x}`", loc.subject));
            }
        }
    }
}

/// The constraint keywords of a schema (and nothing else), as an object.
fn constraint_view(v: Option<&Value>) -> Value {
    const KEYS: &[&str] = &[
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "format",
        "enum",
    ];
    let mut out = serde_json::Map::new();
    if let Some(Value::Object(o)) = v {
        for k in KEYS {
            if let Some(x) = o.get(*k) {
                out.insert((*k).to_string(), x.clone());
            }
        }
    }
    Value::Object(out)
}

/// Add `under`'s keywords to `view` where `view` does not set them itself.
fn merge_under(view: &mut Value, under: Value) {
    if let (Value::Object(v), Value::Object(u)) = (view, under) {
        for (k, x) in u {
            v.entry(k).or_insert(x);
        }
    }
}

/// `minProperties` as the schema really constrains it: at least the number
/// of required properties, whatever the keyword says.
fn effective_min_properties(view: &mut Value, s: &Struct) {
    let required = s.fields.iter().filter(|f| f.required).count() as u64;
    if let Value::Object(o) = view {
        let declared = o.get("minProperties").and_then(Value::as_u64).unwrap_or(0);
        o.insert("minProperties".into(), Value::from(declared.max(required)));
    }
}
