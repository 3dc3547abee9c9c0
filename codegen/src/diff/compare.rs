//! The structural walk: which changes exist, where, and which operations
//! reach them in which direction.
//!
//! Operations are paired by method and path, then by operationId. Types are
//! paired where matched operations (and same-named components) use them; each
//! pair is compared once and records its changes and the pairs it leads to,
//! so cycles stop at a pair already seen. Afterwards every operation root is
//! followed through that pair graph, per direction (request or response), to
//! learn which operations reach each change and in which direction; a change
//! is then classified once per direction it is reachable in (see `rules`).
//!
//! Submodules: `operations` (operations, parameters, bodies, responses,
//! security) and `schemas` (type pairs: structs, enums, unions, constraints).

mod operations;
mod schemas;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::rules::{classify, wire_note, Dir, Kind};
use super::{fingerprint, Finding, Loaded, RustImpact, Scope};
use crate::diag::join_pointer;
use crate::ir::{Api, Operation, Ty, TypeId};
use crate::surface;

#[derive(Debug, Clone, Copy)]
enum Sink {
    Op(usize, Dir),
    Pair(usize),
}

struct Change {
    sink: Sink,
    kind: Kind,
    rust: RustImpact,
    pointer: String,
    subject: String,
    old: Option<String>,
    new: Option<String>,
    message: String,
}

struct Pair {
    old: TypeId,
    new: TypeId,
    children: BTreeSet<usize>,
}

/// Where a comparison is: pointers on both sides and what to call it.
#[derive(Clone)]
struct Loc {
    old: String,
    new: String,
    subject: String,
    /// Inside a parameter's schema (its own retyping rule).
    param: bool,
}

impl Loc {
    fn child(&self, segment: &str, label: &str) -> Loc {
        Loc {
            old: join_pointer(&self.old, segment),
            new: join_pointer(&self.new, segment),
            subject: format!("{}{label}", self.subject),
            param: self.param,
        }
    }
}

struct Walker<'a> {
    b: &'a Api,
    h: &'a Api,
    braw: &'a Value,
    hraw: &'a Value,
    /// Types standing for unresolved references, with their reference text.
    bopaque: &'a BTreeMap<TypeId, String>,
    hopaque: &'a BTreeMap<TypeId, String>,
    ops: Vec<String>,
    pairs: Vec<Pair>,
    pair_ix: HashMap<(TypeId, TypeId), usize>,
    op_edges: Vec<(usize, Dir, usize)>,
    changes: Vec<Change>,
    /// Use sites whose named type changed name: (sink, old, new, where).
    replaced: Vec<(Sink, TypeId, TypeId, Loc)>,
}

pub(super) fn run(base: &Loaded, head: &Loaded) -> Vec<Finding> {
    let mut w = Walker {
        b: &base.api,
        h: &head.api,
        braw: &base.raw,
        hraw: &head.raw,
        bopaque: &base.opaque,
        hopaque: &head.opaque,
        ops: Vec::new(),
        pairs: Vec::new(),
        pair_ix: HashMap::new(),
        op_edges: Vec::new(),
        changes: Vec::new(),
        replaced: Vec::new(),
    };
    w.operations();
    w.security_schemes();
    w.component_roots();
    let mut i = 0;
    while i < w.pairs.len() {
        w.compare_pair(i);
        i += 1;
    }
    w.types();
    w.findings()
}

fn op_label(op: &Operation) -> String {
    format!("{} {} ({})", op.method, op.path, op.id)
}

fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl<'a> Walker<'a> {
    /// Record a change: where (`pointer`, `subject`), its values (`old`, `new`) and a one-line message.
    fn push(
        &mut self,
        sink: Sink,
        kind: Kind,
        rust: RustImpact,
        (pointer, subject): (&str, &str),
        (old, new): (Option<String>, Option<String>),
        message: String,
    ) {
        self.changes.push(Change {
            sink,
            kind,
            rust,
            pointer: pointer.to_string(),
            subject: subject.to_string(),
            old,
            new,
            message,
        });
    }

    fn edge(&mut self, sink: Sink, old: TypeId, new: TypeId) {
        let next = self.pairs.len();
        let idx = *self.pair_ix.entry((old, new)).or_insert(next);
        if idx == next {
            self.pairs.push(Pair { old, new, children: BTreeSet::new() });
        }
        match sink {
            Sink::Op(op, dir) => self.op_edges.push((op, dir, idx)),
            Sink::Pair(p) => {
                self.pairs[p].children.insert(idx);
            }
        }
    }

    fn sig_b(&self, ty: &Ty) -> String {
        surface::ty(self.b, ty)
    }

    fn sig_h(&self, ty: &Ty) -> String {
        surface::ty(self.h, ty)
    }

    // ---- operations ------------------------------------------------------

    /// Types that exist in only one version (Rust axis only).
    fn types(&mut self) {
        let (b, h) = (self.b, self.h);
        let old_names: BTreeSet<&str> = b.types.iter().map(|t| t.name.as_str()).collect();
        let new_names: BTreeSet<&str> = h.types.iter().map(|t| t.name.as_str()).collect();
        let mut partners: BTreeMap<TypeId, BTreeSet<&str>> = BTreeMap::new();
        for p in &self.pairs {
            partners.entry(p.old).or_default().insert(h.ty(p.new).name.as_str());
        }
        let none = Sink::Op(usize::MAX, Dir::Request);
        let mut renamed_to: BTreeSet<&str> = BTreeSet::new();
        for t in &b.types {
            if new_names.contains(t.name.as_str()) || self.bopaque.contains_key(&t.id) {
                continue;
            }
            let partner = partners.get(&t.id).and_then(|ps| ps.iter().find(|p| !old_names.contains(**p)).copied());
            match partner {
                Some(p) if !renamed_to.contains(p) => {
                    renamed_to.insert(p);
                    let ptr = h.types.iter().find(|x| x.name == p).map_or(t.pointer.clone(), |x| x.pointer.clone());
                    self.push(
                        none,
                        Kind::TypeRenamed,
                        RustImpact::Breaking,
                        (&ptr, &t.name),
                        (Some(t.name.clone()), Some(p.to_string())),
                        format!("type {} renamed to {p}", t.name),
                    );
                }
                _ => self.push(
                    none,
                    Kind::TypeRemoved,
                    RustImpact::Breaking,
                    (&t.pointer, &t.name),
                    (Some(t.name.clone()), None),
                    format!("type {} removed", t.name),
                ),
            }
        }
        for (sink, a, c, loc) in std::mem::take(&mut self.replaced) {
            let (old, new) = (&b.ty(a).name, &h.ty(c).name);
            // A plain rename is reported once, as `type-renamed`.
            if !new_names.contains(old.as_str()) && !old_names.contains(new.as_str()) {
                continue;
            }
            self.push(
                sink,
                Kind::TypeReplaced,
                RustImpact::Breaking,
                (&loc.new, &loc.subject),
                (Some(old.clone()), Some(new.clone())),
                format!("{}: now type {new} instead of {old}", loc.subject),
            );
        }
        for t in &h.types {
            if old_names.contains(t.name.as_str())
                || renamed_to.contains(t.name.as_str())
                || self.hopaque.contains_key(&t.id)
            {
                continue;
            }
            self.push(
                none,
                Kind::TypeAdded,
                RustImpact::Additive,
                (&t.pointer, &t.name),
                (None, Some(t.name.clone())),
                format!("type {} added", t.name),
            );
        }
    }

    // ---- findings --------------------------------------------------------

    fn findings(self) -> Vec<Finding> {
        // Which operations reach each pair, per direction.
        let mut reach: Vec<[BTreeSet<usize>; 2]> = vec![[BTreeSet::new(), BTreeSet::new()]; self.pairs.len()];
        let mut roots: BTreeMap<(usize, Dir), Vec<usize>> = BTreeMap::new();
        for &(op, dir, p) in &self.op_edges {
            roots.entry((op, dir)).or_default().push(p);
        }
        let mut stamp = vec![usize::MAX; self.pairs.len()];
        for (n, ((op, dir), starts)) in roots.iter().enumerate() {
            let d = *dir as usize;
            let mut stack: Vec<usize> = starts.clone();
            while let Some(p) = stack.pop() {
                if stamp[p] == n {
                    continue;
                }
                stamp[p] = n;
                reach[p][d].insert(*op);
                stack.extend(self.pairs[p].children.iter().copied());
            }
        }
        let label = |ops: &BTreeSet<usize>| -> Vec<String> {
            let mut v: Vec<&String> = ops.iter().filter_map(|&o| self.ops.get(o)).collect();
            v.sort_by_key(|l| op_sort_key(l));
            v.dedup();
            v.into_iter().cloned().collect()
        };
        let mut out: BTreeMap<String, Finding> = BTreeMap::new();
        for c in &self.changes {
            let (scope, targets): (Scope, Vec<Target>) = match c.sink {
                Sink::Op(op, dir) => {
                    let ops = self.ops.get(op).map(|l| vec![l.clone()]).unwrap_or_default();
                    (Scope::Operations, vec![(Some(dir), ops)])
                }
                Sink::Pair(p) => {
                    let [req, res] = &reach[p];
                    if c.kind.direction_free() {
                        let all: BTreeSet<usize> = req.union(res).copied().collect();
                        (Scope::Types, vec![(None, label(&all))])
                    } else {
                        let mut t = Vec::new();
                        if !req.is_empty() {
                            t.push((Some(Dir::Request), label(req)));
                        }
                        if !res.is_empty() {
                            t.push((Some(Dir::Response), label(res)));
                        }
                        if t.is_empty() {
                            t.push((None, Vec::new()));
                        }
                        (Scope::Types, t)
                    }
                }
            };
            let scope =
                if matches!(c.kind, Kind::TypeAdded | Kind::TypeRemoved | Kind::TypeRenamed | Kind::OpaqueChanged) {
                    Scope::Types
                } else {
                    scope
                };
            for (dir, operations) in targets {
                let dir = if c.kind.direction_free() { None } else { dir };
                let (id, wire, side) = classify(&c.kind, dir);
                let message = match wire_note(&c.kind, dir) {
                    Some(note) => format!("{}; {note}", c.message),
                    None => c.message.clone(),
                };
                let level = wire.max(c.rust.level());
                let fp = fingerprint(&[
                    &id,
                    &c.pointer,
                    &c.subject,
                    c.old.as_deref().unwrap_or(""),
                    c.new.as_deref().unwrap_or(""),
                ]);
                match out.get_mut(&fp) {
                    Some(f) => {
                        for o in operations {
                            if !f.operations.contains(&o) {
                                f.operations.push(o);
                            }
                        }
                        f.operations.sort_by_key(|l| op_sort_key(l));
                        f.operation = f.operations.first().cloned();
                    }
                    None => {
                        out.insert(
                            fp.clone(),
                            Finding {
                                id,
                                level,
                                side,
                                wire,
                                rust: c.rust,
                                scope,
                                message,
                                pointer: c.pointer.clone(),
                                operation: operations.first().cloned(),
                                operations,
                                old: c.old.clone(),
                                new: c.new.clone(),
                                fingerprint: fp,
                                acknowledged: false,
                            },
                        );
                    }
                }
            }
        }
        out.into_values().collect()
    }
}

/// A direction (`None`: not reachable) and the operations reaching a change that way.
type Target = (Option<Dir>, Vec<String>);

/// Sort operations by path, then method.
fn op_sort_key(label: &str) -> (String, String) {
    let mut parts = label.splitn(3, ' ');
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    (path, method)
}
