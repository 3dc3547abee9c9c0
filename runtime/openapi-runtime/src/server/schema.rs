//! The spec's schemas as static data, and the checks made with them.
//!
//! The types crate accepts more than the spec allows, on purpose: an unknown
//! enum value or union tag decodes into a catch-all so a newer peer never
//! breaks an older one. A server must be strict instead, so every request is
//! checked here against the spec's schemas before it is decoded into the
//! types; the same descriptors turn path, query and header strings into JSON
//! and synthesise sample values for the mock server and for error bodies.
//! All of it is data plus non-generic code, so it costs little to compile
//! however many operations the spec has.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::{Map, Number, Value};

use super::Spec;

mod stream;
#[doc(hidden)]
pub use stream::valid_json;
#[cfg(feature = "one-pass")]
pub(crate) use stream::Checking;
pub(crate) use stream::{decode_checked, one_pass, valid_scalar, Scalar, Shape};

/// The shape a use site holds (mirrors the generator's IR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Any JSON value.
    Any,
    /// Any JSON object.
    Object,
    Bool,
    String,
    Int(Int),
    F32,
    F64,
    Uuid,
    DateTime,
    Date,
    Base64,
    Binary,
    /// Index into the spec's type table.
    Named(u32),
    Array(&'static Ty),
    Map(&'static Ty),
    /// `null` or the inner shape.
    Nullable(&'static Ty),
    /// The inner shape, with the spec's validation keywords on top.
    Checked(&'static Ty, &'static Check),
}

/// Validation keywords of a schema (what its shape alone does not say).
#[derive(Debug)]
pub struct Check {
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    /// In characters (Unicode scalar values), as JSON Schema counts.
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// Index into the crate's pattern table.
    pub pattern: Option<usize>,
    pub format: Option<Format>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
    /// `additionalProperties: false`.
    pub closed: bool,
    /// Allowed values (JSON text) when the shape does not list them.
    pub values: &'static [&'static str],
    /// A string satisfying the string keywords, for samples.
    pub sample: Option<&'static str>,
}

// Checks live in static tables: one is equal only to itself (so `Ty` stays `Eq`).
impl PartialEq for Check {
    fn eq(&self, other: &Check) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Check {}

/// String formats checked beyond those with a shape of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Email,
    Uri,
    Hostname,
    Ipv4,
    Ipv6,
}

/// A spec `pattern`, translated to `regex` syntax by the generator and
/// compiled on first use. One that does not compile (a lean `regex` build
/// lacking a Unicode table) is skipped rather than failing requests.
#[derive(Debug)]
pub struct Pattern {
    /// The spec's spelling, for messages.
    pub source: &'static str,
    pub regex: &'static str,
    /// Anchored regexes a value must not match (leading negative lookaheads).
    pub forbid: &'static [&'static str],
    /// Anchored regexes a value must match (leading positive lookaheads).
    pub require: &'static [&'static str],
    compiled: OnceLock<Option<Compiled>>,
}

#[derive(Debug)]
struct Compiled {
    regex: regex::Regex,
    forbid: Vec<regex::Regex>,
    require: Vec<regex::Regex>,
}

impl Pattern {
    pub const fn new(
        source: &'static str,
        regex: &'static str,
        forbid: &'static [&'static str],
        require: &'static [&'static str],
    ) -> Pattern {
        Pattern { source, regex, forbid, require, compiled: OnceLock::new() }
    }

    /// `None` when the pattern cannot be checked (then every string passes).
    fn matches(&self, text: &str) -> Option<bool> {
        let compiled = self
            .compiled
            .get_or_init(|| {
                let build = |re: &str| regex::RegexBuilder::new(re).size_limit(1 << 20).build().ok();
                Some(Compiled {
                    regex: build(self.regex)?,
                    forbid: self.forbid.iter().map(|r| build(r)).collect::<Option<_>>()?,
                    require: self.require.iter().map(|r| build(r)).collect::<Option<_>>()?,
                })
            })
            .as_ref()?;
        Some(
            compiled.regex.is_match(text)
                && compiled.require.iter().all(|r| r.is_match(text))
                && !compiled.forbid.iter().any(|r| r.is_match(text)),
        )
    }
}

fn pattern(spec: &'static Spec, i: usize) -> Option<&'static Pattern> {
    spec.patterns.get(i)
}

/// Integer widths, for range checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Int {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

/// One named schema.
#[derive(Debug)]
pub struct TypeDef {
    /// The Rust name of the type in the types crate.
    pub name: &'static str,
    pub kind: Kind,
    /// Example values from the spec, as JSON text (used by the mock server when they validate).
    pub examples: &'static [&'static str],
    /// The schema's own validation keywords (closed objects, property counts…).
    pub check: Option<&'static Check>,
}

#[derive(Debug)]
pub enum Kind {
    Struct {
        fields: &'static [Field],
        flattened: &'static [Ty],
        additional: Option<&'static Ty>,
    },
    /// A string enum: the values the spec allows.
    Enum(&'static [&'static str]),
    /// `oneOf` with a discriminator property.
    Tagged {
        property: &'static str,
        variants: &'static [Variant],
    },
    /// `oneOf`/`anyOf` without a discriminator: a value must match a variant
    /// (samples match exactly one, as `oneOf` asks).
    Untagged(&'static [Ty]),
    Alias(Ty),
}

#[derive(Debug)]
pub struct Variant {
    pub tags: &'static [&'static str],
    pub ty: Ty,
}

#[derive(Debug)]
pub struct Field {
    pub wire: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
}

/// One thing wrong with a value: where (a JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

/// At most this many problems are reported for one value.
const MAX_PROBLEMS: usize = 16;
/// Schema nesting followed before giving up (values are at most 128 deep already).
const MAX_DEPTH: usize = 256;

fn ty_def(spec: &'static Spec, id: u32) -> Option<&'static TypeDef> {
    spec.types.get(id as usize)
}

/// Follow aliases to the shape a value really has.
pub(crate) fn resolve(spec: &'static Spec, ty: &Ty) -> Ty {
    let mut cur = *ty;
    for _ in 0..64 {
        match cur {
            Ty::Named(id) => match ty_def(spec, id).map(|t| &t.kind) {
                Some(Kind::Alias(inner)) => cur = *inner,
                _ => return cur,
            },
            Ty::Checked(inner, _) => cur = *inner,
            _ => return cur,
        }
    }
    cur
}

/// Whether `s` is in `format`.
pub(crate) fn format_accepts(format: Format, s: &str) -> bool {
    let clean = !s.chars().any(|c| c.is_whitespace() || c.is_control());
    match format {
        Format::Email => match s.rsplit_once('@') {
            Some((local, domain)) => !local.is_empty() && !domain.is_empty() && clean,
            None => false,
        },
        Format::Uri => {
            let scheme = s.split_once(':').map(|(scheme, _)| scheme).unwrap_or("");
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && clean
        }
        Format::Hostname => {
            !s.is_empty()
                && s.len() <= 253
                && s.trim_end_matches('.').split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        }
        Format::Ipv4 => s.parse::<std::net::Ipv4Addr>().is_ok(),
        Format::Ipv6 => s.parse::<std::net::Ipv6Addr>().is_ok(),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Email => "an email address",
        Format::Uri => "a URI",
        Format::Hostname => "a host name",
        Format::Ipv4 => "an IPv4 address",
        Format::Ipv6 => "an IPv6 address",
    }
}

/// JSON equality, with numbers compared by value (`1` equals `1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn is_multiple(n: &Number, m: f64) -> bool {
    if let (Some(n), true) = (n.as_i64(), m.fract() == 0.0 && m.abs() < 9.0e15) {
        return n % (m as i64) == 0;
    }
    match n.as_f64() {
        Some(x) => {
            let q = x / m;
            (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
        }
        None => true,
    }
}

fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Check `value` against `ty`; every problem found (up to a limit), with its pointer.
pub fn validate(spec: &'static Spec, ty: &Ty, value: &Value) -> Result<(), Vec<Problem>> {
    let mut checker = Checker { spec, problems: Vec::new() };
    let mut pointer = String::new();
    checker.check(ty, value, &mut pointer, 0);
    if checker.problems.is_empty() {
        Ok(())
    } else {
        Err(checker.problems)
    }
}

struct Checker {
    spec: &'static Spec,
    problems: Vec<Problem>,
}

// Most names need no escaping, and the checker extends the pointer at every field it visits.
fn escape_pointer(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn int_range(kind: Int) -> (i128, i128) {
    match kind {
        Int::I8 => (i8::MIN.into(), i8::MAX.into()),
        Int::I16 => (i16::MIN.into(), i16::MAX.into()),
        Int::I32 => (i32::MIN.into(), i32::MAX.into()),
        Int::I64 => (i64::MIN.into(), i64::MAX.into()),
        Int::U8 => (0, u8::MAX.into()),
        Int::U16 => (0, u16::MAX.into()),
        Int::U32 => (0, u32::MAX.into()),
        Int::U64 => (0, u64::MAX.into()),
    }
}

/// A string in the format a `format:` asks for, or why not.
fn check_format(ty: &Ty, s: &str) -> Result<(), String> {
    match ty {
        Ty::Uuid => uuid::Uuid::try_parse(s).map(|_| ()).map_err(|e| format!("not a UUID ({e})")),
        Ty::DateTime => {
            chrono::DateTime::parse_from_rfc3339(s).map(|_| ()).map_err(|e| format!("not an RFC 3339 date-time ({e})"))
        }
        Ty::Date => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|_| ())
            .map_err(|e| format!("not a date of the form YYYY-MM-DD ({e})")),
        _ => Ok(()),
    }
}

impl Checker {
    fn report(&mut self, pointer: &str, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem { pointer: pointer.to_owned(), message });
        }
    }

    fn expect(&mut self, pointer: &str, what: &str, value: &Value) {
        self.report(pointer, format!("expected {what}, found {}", kind_of(value)));
    }

    fn check(&mut self, ty: &Ty, value: &Value, pointer: &mut String, depth: usize) {
        if depth > MAX_DEPTH {
            self.report(pointer, "value nests too deeply".into());
            return;
        }
        match ty {
            Ty::Any => {}
            Ty::Checked(inner, check) => {
                let before = self.problems.len();
                self.check(inner, value, pointer, depth + 1);
                if self.problems.len() == before {
                    self.keywords(check, value, pointer);
                }
            }
            Ty::Nullable(inner) => {
                if !value.is_null() {
                    self.check(inner, value, pointer, depth + 1);
                }
            }
            Ty::Object => {
                if !value.is_object() {
                    self.expect(pointer, "an object", value);
                }
            }
            Ty::Bool => {
                if !value.is_boolean() {
                    self.expect(pointer, "a boolean", value);
                }
            }
            Ty::String | Ty::Base64 | Ty::Binary | Ty::Uuid | Ty::DateTime | Ty::Date => match value {
                Value::String(s) => {
                    if let Err(e) = check_format(ty, s) {
                        self.report(pointer, e);
                    }
                }
                _ => self.expect(pointer, "a string", value),
            },
            Ty::Int(kind) => {
                let n = value.as_i64().map(i128::from).or_else(|| value.as_u64().map(i128::from));
                match n {
                    Some(n) => {
                        let (lo, hi) = int_range(*kind);
                        if n < lo || n > hi {
                            self.report(pointer, format!("{n} is out of range ({lo} to {hi})"));
                        }
                    }
                    None => self.expect(pointer, "an integer", value),
                }
            }
            Ty::F32 | Ty::F64 => {
                if !value.is_number() {
                    self.expect(pointer, "a number", value);
                }
            }
            Ty::Array(inner) => match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let len = pointer.len();
                        pointer.push_str(&format!("/{i}"));
                        self.check(inner, item, pointer, depth + 1);
                        pointer.truncate(len);
                    }
                }
                _ => self.expect(pointer, "an array", value),
            },
            Ty::Map(inner) => match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&escape_pointer(k));
                        self.check(inner, v, pointer, depth + 1);
                        pointer.truncate(len);
                    }
                }
                _ => self.expect(pointer, "an object", value),
            },
            Ty::Named(id) => {
                let Some(def) = ty_def(self.spec, *id) else { return };
                self.check_named(def, value, pointer, depth);
            }
        }
    }

    /// The keywords of `check` that apply to `value`'s JSON type (others are ignored, as JSON Schema does).
    fn keywords(&mut self, check: &Check, value: &Value, pointer: &str) {
        if !check.values.is_empty() {
            let allowed = check.values.iter().filter_map(|v| serde_json::from_str::<Value>(v).ok());
            if !allowed.clone().any(|a| json_eq(&a, value)) {
                let shown: Vec<&str> = check.values.iter().take(24).copied().collect();
                self.report(pointer, format!("{value} is not one of: {}", shown.join(", ")));
            }
        }
        match value {
            Value::Number(n) => self.number_keywords(check, n, pointer),
            Value::String(s) => self.string_keywords(check, s, pointer),
            Value::Array(items) => {
                self.items_keywords(check, items.len(), pointer);
                if check.unique_items {
                    let mut seen = BTreeSet::new();
                    if let Some(i) = items.iter().position(|v| !seen.insert(canonical(v))) {
                        self.report(pointer, format!("items must be unique; item {i} repeats an earlier one"));
                    }
                }
            }
            Value::Object(map) => self.properties_keywords(check, map.len(), pointer),
            _ => {}
        }
    }

    // The keywords by JSON type, one function each, so `stream` can check a
    // value it never built as a `Value`.
    fn number_keywords(&mut self, check: &Check, n: &Number, pointer: &str) {
        let x = n.as_f64().unwrap_or(0.0);
        if let Some(min) = check.minimum {
            if x < min || (check.exclusive_minimum && x == min) {
                let op = if check.exclusive_minimum { "greater than" } else { "at least" };
                self.report(pointer, format!("{n} is too small; must be {op} {}", show(min)));
            }
        }
        if let Some(max) = check.maximum {
            if x > max || (check.exclusive_maximum && x == max) {
                let op = if check.exclusive_maximum { "less than" } else { "at most" };
                self.report(pointer, format!("{n} is too large; must be {op} {}", show(max)));
            }
        }
        if let Some(m) = check.multiple_of {
            if !is_multiple(n, m) {
                self.report(pointer, format!("{n} is not a multiple of {}", show(m)));
            }
        }
    }

    fn string_keywords(&mut self, check: &Check, s: &str, pointer: &str) {
        let len = s.chars().count();
        if let Some(min) = check.min_length.filter(|m| len < *m) {
            self.report(pointer, format!("too short: {len} characters; at least {min} allowed"));
        }
        if let Some(max) = check.max_length.filter(|m| len > *m) {
            self.report(pointer, format!("too long: {len} characters; at most {max} allowed"));
        }
        if let Some(f) = check.format.filter(|f| !format_accepts(*f, s)) {
            self.report(pointer, format!("not {}", format_name(f)));
        }
        if let Some(p) = check.pattern.and_then(|i| pattern(self.spec, i)) {
            if p.matches(s) == Some(false) {
                self.report(pointer, format!("does not match the pattern {:?}", p.source));
            }
        }
    }

    fn items_keywords(&mut self, check: &Check, len: usize, pointer: &str) {
        if let Some(min) = check.min_items.filter(|m| len < *m) {
            self.report(pointer, format!("too few items: {len}; at least {min} allowed"));
        }
        if let Some(max) = check.max_items.filter(|m| len > *m) {
            self.report(pointer, format!("too many items: {len}; at most {max} allowed"));
        }
    }

    fn properties_keywords(&mut self, check: &Check, len: usize, pointer: &str) {
        if let Some(min) = check.min_properties.filter(|m| len < *m) {
            self.report(pointer, format!("too few properties: {len}; at least {min} allowed"));
        }
        if let Some(max) = check.max_properties.filter(|m| len > *m) {
            self.report(pointer, format!("too many properties: {len}; at most {max} allowed"));
        }
    }

    fn check_named(&mut self, def: &'static TypeDef, value: &Value, pointer: &mut String, depth: usize) {
        if let Some(check) = def.check {
            let before = self.problems.len();
            self.check_kind(def, value, pointer, depth);
            if self.problems.len() == before {
                self.keywords(check, value, pointer);
            }
            return;
        }
        self.check_kind(def, value, pointer, depth);
    }

    fn check_kind(&mut self, def: &'static TypeDef, value: &Value, pointer: &mut String, depth: usize) {
        match &def.kind {
            Kind::Alias(inner) => self.check(inner, value, pointer, depth + 1),
            Kind::Enum(values) => match value {
                Value::String(s) if values.contains(&s.as_str()) => {}
                Value::String(s) => {
                    let shown: Vec<&str> = values.iter().take(24).copied().collect();
                    let more = if values.len() > shown.len() { ", …" } else { "" };
                    self.report(pointer, format!("unknown value {s:?}; expected one of: {}{more}", shown.join(", ")));
                }
                _ => self.expect(pointer, "a string", value),
            },
            Kind::Struct { fields, flattened, additional } => {
                let Value::Object(map) = value else {
                    self.expect(pointer, "an object", value);
                    return;
                };
                for f in fields.iter() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer(f.wire));
                    match map.get(f.wire) {
                        None if f.required => self.report(pointer, "missing required field".into()),
                        None => {}
                        Some(Value::Null) if f.nullable || matches!(f.ty, Ty::Nullable(_) | Ty::Any) => {}
                        Some(v) => self.check(&f.ty, v, pointer, depth + 1),
                    }
                    pointer.truncate(len);
                }
                for ty in flattened.iter() {
                    self.check(ty, value, pointer, depth + 1);
                }
                if def.check.is_some_and(|c| c.closed) && additional.is_none() && flattened.is_empty() {
                    for k in map.keys() {
                        if !fields.iter().any(|f| f.wire == k) {
                            let len = pointer.len();
                            pointer.push('/');
                            pointer.push_str(&escape_pointer(k));
                            self.report(pointer, "unknown property (the schema allows no others)".into());
                            pointer.truncate(len);
                        }
                    }
                }
                if let (Some(extra), true) = (additional, flattened.is_empty()) {
                    for (k, v) in map {
                        if fields.iter().any(|f| f.wire == k) {
                            continue;
                        }
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&escape_pointer(k));
                        self.check(extra, v, pointer, depth + 1);
                        pointer.truncate(len);
                    }
                }
            }
            Kind::Tagged { property, variants } => {
                let Value::Object(map) = value else {
                    self.expect(pointer, "an object", value);
                    return;
                };
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape_pointer(property));
                match map.get(*property) {
                    Some(Value::String(tag)) => match variants.iter().find(|v| v.tags.contains(&tag.as_str())) {
                        Some(v) => {
                            pointer.truncate(len);
                            self.check(&v.ty, value, pointer, depth + 1);
                        }
                        None => {
                            let known: Vec<&str> = variants.iter().flat_map(|v| v.tags.iter().copied()).collect();
                            self.report(
                                pointer,
                                format!("unknown discriminator value {tag:?}; expected one of: {}", known.join(", ")),
                            );
                        }
                    },
                    Some(other) => self.expect(pointer, "a string (the discriminator)", other),
                    None => self.report(pointer, "missing discriminator".into()),
                }
                pointer.truncate(len);
            }
            Kind::Untagged(variants) => {
                let mut first: Option<Problem> = None;
                for ty in variants.iter() {
                    let mut sub = Checker { spec: self.spec, problems: Vec::new() };
                    sub.check(ty, value, pointer, depth + 1);
                    if sub.problems.is_empty() {
                        return;
                    }
                    if first.is_none() {
                        first = sub.problems.into_iter().next();
                    }
                }
                let detail =
                    first.map(|p| format!(" (first variant: {}: {})", p.pointer, p.message)).unwrap_or_default();
                self.report(pointer, format!("matches none of the {} allowed shapes{detail}", variants.len()));
            }
        }
    }
}

/// A value's text with object keys in one order, to compare values for `uniqueItems`.
fn canonical(value: &Value) -> String {
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => (f as i64).to_string(),
            _ => n.to_string(),
        },
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        Value::Object(map) => {
            let mut entries: Vec<(&String, String)> = map.iter().map(|(k, v)| (k, canonical(v))).collect();
            entries.sort();
            let parts: Vec<String> = entries.into_iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            format!("{{{}}}", parts.join(","))
        }
        other => other.to_string(),
    }
}

/// A parameter's text (one entry per occurrence) as the JSON value its schema describes.
pub(crate) fn param_value(spec: &'static Spec, ty: &Ty, raws: &[&str], explode: bool) -> Result<Value, String> {
    match resolve(spec, ty) {
        Ty::Array(inner) => {
            let parts: Vec<&str> = if !explode && raws.len() == 1 {
                if raws[0].is_empty() {
                    Vec::new()
                } else {
                    raws[0].split(',').collect()
                }
            } else {
                raws.to_vec()
            };
            parts.iter().map(|p| scalar(spec, inner, p)).collect::<Result<Vec<_>, _>>().map(Value::Array)
        }
        _ => match raws {
            [one] => scalar(spec, ty, one),
            [] => Err("missing value".into()),
            many => Err(format!("given {} times; expected once", many.len())),
        },
    }
}

fn scalar(spec: &'static Spec, ty: &Ty, raw: &str) -> Result<Value, String> {
    match resolve(spec, ty) {
        Ty::Nullable(inner) => scalar(spec, inner, raw),
        Ty::Bool => match raw {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("expected `true` or `false`, found {raw:?}")),
        },
        Ty::Int(_) => raw
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| raw.parse::<u64>().map(Value::from))
            .map_err(|_| format!("expected an integer, found {raw:?}")),
        Ty::F32 | Ty::F64 => raw
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("expected a number, found {raw:?}")),
        Ty::Named(id) => match ty_def(spec, id).map(|t| &t.kind) {
            Some(Kind::Enum(_)) | None => Ok(Value::String(raw.to_owned())),
            // Objects and unions in a parameter: JSON text is the only unambiguous spelling.
            Some(_) => serde_json::from_str(raw).map_err(|e| format!("expected JSON ({e})")),
        },
        Ty::Object | Ty::Map(_) | Ty::Array(_) => serde_json::from_str(raw).map_err(|e| format!("expected JSON ({e})")),
        _ => Ok(Value::String(raw.to_owned())),
    }
}

/// A single parameter's text as [`scalar`] reads it, without making a `Value`;
/// `None` for the shapes spelt as JSON text or not read from it (`scalar` decides those).
pub(crate) fn param_scalar<'a>(spec: &'static Spec, ty: &Ty, raw: &'a str) -> Option<Scalar<'a>> {
    match resolve(spec, ty) {
        Ty::Nullable(inner) => param_scalar(spec, inner, raw),
        Ty::Bool => match raw {
            "true" => Some(Scalar::Bool(true)),
            "false" => Some(Scalar::Bool(false)),
            _ => None,
        },
        Ty::Int(_) => match raw.parse::<i64>() {
            Ok(n) => Some(u64::try_from(n).map_or(Scalar::I64(n), Scalar::U64)),
            Err(_) => raw.parse::<u64>().ok().map(Scalar::U64),
        },
        Ty::F32 | Ty::F64 => raw.parse::<f64>().ok().filter(|x| x.is_finite()).map(Scalar::F64),
        Ty::Named(id) => match ty_def(spec, id).map(|t| &t.kind) {
            Some(Kind::Enum(_)) | None => Some(Scalar::Str(raw)),
            Some(_) => None,
        },
        Ty::Object | Ty::Map(_) | Ty::Array(_) => None,
        _ => Some(Scalar::Str(raw)),
    }
}

impl Scalar<'_> {
    /// The `Value` [`scalar`] makes of the same text.
    pub(crate) fn to_value(self) -> Value {
        match self {
            Scalar::Str(s) => Value::String(s.to_owned()),
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::U64(n) => Value::from(n),
            Scalar::I64(n) => Value::from(n),
            Scalar::F64(x) => Number::from_f64(x).map_or(Value::Null, Value::Number),
        }
    }
}

/// A scalar parameter as a serde `Deserializer`, so a typed parameter is
/// decoded straight from its text. It answers as `serde_json`'s `Value`
/// deserializer does for the same value, or fails where that one might not;
/// the caller then decodes through a `Value`, so results and messages stay the same.
pub(crate) struct ScalarDe<'a>(pub(crate) Scalar<'a>);

impl<'de> serde::Deserializer<'de> for ScalarDe<'_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Scalar::Str(s) => visitor.visit_str(s),
            Scalar::Bool(b) => visitor.visit_bool(b),
            Scalar::U64(n) => visitor.visit_u64(n),
            Scalar::I64(n) => visitor.visit_i64(n),
            Scalar::F64(x) => visitor.visit_f64(x),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Scalar::Str(s) => visitor.visit_enum(serde::de::value::StrDeserializer::<Self::Error>::new(s)),
            _ => Err(serde::de::Error::custom("not a string")),
        }
    }

    fn deserialize_ignored_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    // Shapes a scalar never has: failing sends the caller through a `Value`.
    fn deserialize_unit<V: serde::de::Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a scalar shape"))
    }

    fn deserialize_unit_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_seq<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: serde::de::Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_map<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf identifier
    }
}

/// A UUID parameter as a serde `Deserializer`: `uuid::Uuid` takes the bytes
/// parsed when it was checked (it asks for bytes of a deserializer that is not
/// human-readable); any other type gets the text, as from [`ScalarDe`].
pub(crate) struct UuidDe<'a>(pub(crate) uuid::Uuid, pub(crate) &'a str);

impl<'de> serde::Deserializer<'de> for UuidDe<'_> {
    type Error = serde_json::Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str(self.1)
    }

    fn deserialize_bytes<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bytes(self.0.as_bytes())
    }

    fn deserialize_byte_buf<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        ScalarDe(Scalar::Str(self.1)).deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        ScalarDe(Scalar::Str(self.1)).deserialize_unit(visitor)
    }

    fn deserialize_unit_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_seq<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: serde::de::Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_map<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_ignored_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string identifier
    }
}

/// A form body (`application/x-www-form-urlencoded`) as the JSON object its schema describes.
pub(crate) fn form_value(spec: &'static Spec, ty: &Ty, pairs: &[(String, String)]) -> Result<Value, Problem> {
    let fields: &[Field] = match resolve(spec, ty) {
        Ty::Named(id) => match ty_def(spec, id).map(|t| &t.kind) {
            Some(Kind::Struct { fields, .. }) => fields,
            _ => &[],
        },
        _ => &[],
    };
    let mut map = Map::new();
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in pairs {
        if seen.contains(&k.as_str()) {
            continue;
        }
        seen.push(k);
        let raws: Vec<&str> = pairs.iter().filter(|(pk, _)| pk == k).map(|(_, v)| v.as_str()).collect();
        let value = match fields.iter().find(|f| f.wire == k) {
            Some(f) => param_value(spec, &f.ty, &raws, true)
                .map_err(|message| Problem { pointer: format!("/{}", escape_pointer(k)), message })?,
            None if raws.len() == 1 => Value::String(raws[0].to_owned()),
            None => Value::Array(raws.iter().map(|r| Value::String((*r).to_owned())).collect()),
        };
        map.insert(k.clone(), value);
    }
    Ok(Value::Object(map))
}

/// How much a synthesised sample fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fill {
    /// Only what the schema requires.
    Required,
    /// Optional fields too, a few levels deep.
    Full,
}

/// A value valid for `ty`: a spec example when one validates, else made up from the schema.
pub(crate) fn sample(spec: &'static Spec, ty: &Ty, fill: Fill) -> Value {
    sample_at(spec, ty, fill, 0)
}

fn sample_at(spec: &'static Spec, ty: &Ty, fill: Fill, depth: usize) -> Value {
    if depth > 48 {
        return Value::Null;
    }
    let shallow = depth >= 6;
    match ty {
        Ty::Any => Value::String("value".into()),
        Ty::Object => Value::Object(Map::new()),
        Ty::Bool => Value::Bool(true),
        Ty::String | Ty::Binary => Value::String("string".into()),
        Ty::Base64 => Value::String("c3RyaW5n".into()),
        Ty::Int(_) => Value::from(1),
        Ty::F32 | Ty::F64 => Value::from(1.5),
        Ty::Uuid => Value::String("3fa85f64-5717-4562-b3fc-2c963f66afa6".into()),
        Ty::DateTime => Value::String("2024-01-01T00:00:00Z".into()),
        Ty::Date => Value::String("2024-01-01".into()),
        Ty::Nullable(inner) => {
            if shallow {
                Value::Null
            } else {
                sample_at(spec, inner, fill, depth + 1)
            }
        }
        Ty::Array(inner) => {
            if shallow || fill == Fill::Required {
                Value::Array(Vec::new())
            } else {
                Value::Array(vec![sample_at(spec, inner, fill, depth + 1)])
            }
        }
        Ty::Map(inner) => {
            let mut map = Map::new();
            if !shallow && fill == Fill::Full {
                map.insert("key".into(), sample_at(spec, inner, fill, depth + 1));
            }
            Value::Object(map)
        }
        Ty::Named(id) => match ty_def(spec, *id) {
            Some(def) => sample_named(spec, def, ty, fill, depth),
            None => Value::Null,
        },
        Ty::Checked(inner, check) => sample_checked(spec, inner, check, fill, depth),
    }
}

/// A number of the given kind inside the bounds of `check`, near `preferred`.
fn number_in(check: &Check, integer: bool, preferred: f64) -> f64 {
    let nudge = |m: f64| (m.abs() * 1e-9).max(1e-6);
    let lo = check.minimum.map(|m| match (check.exclusive_minimum, integer) {
        (true, true) => m.floor() + 1.0,
        (false, true) => m.ceil(),
        (true, false) => m + nudge(m),
        (false, false) => m,
    });
    let hi = check.maximum.map(|m| match (check.exclusive_maximum, integer) {
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
    if let Some(m) = check.multiple_of {
        let up = (x / m).ceil() * m;
        x = if hi.is_none_or(|hi| up <= hi) { up } else { (x / m).floor() * m };
    }
    x
}

fn sample_checked(spec: &'static Spec, inner: &Ty, check: &Check, fill: Fill, depth: usize) -> Value {
    if let Some(v) = check.values.iter().find_map(|v| serde_json::from_str::<Value>(v).ok()) {
        return v;
    }
    match resolve(spec, inner) {
        Ty::Int(_) => {
            let x = number_in(check, true, 1.0);
            if x >= 0.0 {
                Value::from(x as u64)
            } else {
                Value::from(x as i64)
            }
        }
        Ty::F32 | Ty::F64 => Number::from_f64(number_in(check, false, 1.5)).map(Value::Number).unwrap_or(Value::Null),
        Ty::String | Ty::Binary | Ty::Base64 => match check.sample {
            Some(s) => Value::String(s.to_owned()),
            None => sample_at(spec, inner, fill, depth + 1),
        },
        Ty::Array(item) => {
            let base = usize::from(depth < 6 && fill == Fill::Full);
            let n = base.max(check.min_items.unwrap_or(0)).min(check.max_items.unwrap_or(usize::MAX));
            let n = if check.unique_items { n.min(1).max(check.min_items.unwrap_or(0)) } else { n };
            Value::Array((0..n.min(64)).map(|_| sample_at(spec, item, fill, depth + 1)).collect())
        }
        _ => {
            let mut value = sample_at(spec, inner, fill, depth + 1);
            if let (Value::Object(map), Some(min), Ty::Map(values)) =
                (&mut value, check.min_properties, resolve(spec, inner))
            {
                let mut i = 1;
                while map.len() < min.min(64) {
                    map.insert(format!("key{i}"), sample_at(spec, values, fill, depth + 1));
                    i += 1;
                }
            }
            value
        }
    }
}

fn sample_named(spec: &'static Spec, def: &'static TypeDef, ty: &Ty, fill: Fill, depth: usize) -> Value {
    if fill == Fill::Full {
        for ex in def.examples {
            if let Ok(v) = serde_json::from_str::<Value>(ex) {
                if validate(spec, ty, &v).is_ok() {
                    return v;
                }
            }
        }
    }
    match &def.kind {
        Kind::Alias(inner) => sample_at(spec, inner, fill, depth + 1),
        Kind::Enum(values) => Value::String(values.first().copied().unwrap_or("value").to_owned()),
        Kind::Struct { fields, flattened, additional } => {
            let mut map = Map::new();
            for ty in flattened.iter() {
                if let Value::Object(m) = sample_at(spec, ty, fill, depth + 1) {
                    map.extend(m);
                }
            }
            let optional = fill == Fill::Full && depth < 4;
            for f in fields.iter() {
                if f.required || optional {
                    map.insert(f.wire.to_owned(), sample_at(spec, &f.ty, fill, depth + 1));
                }
            }
            if let (Some(extra), true) = (additional, optional) {
                map.entry("additionalProperty").or_insert_with(|| sample_at(spec, extra, fill, depth + 1));
            }
            Value::Object(map)
        }
        Kind::Tagged { property, variants } => match variants.first() {
            Some(v) => {
                let mut value = sample_at(spec, &v.ty, fill, depth + 1);
                if let (Value::Object(map), Some(tag)) = (&mut value, v.tags.first()) {
                    map.insert((*property).to_owned(), Value::String((*tag).to_owned()));
                }
                value
            }
            None => Value::Object(Map::new()),
        },
        Kind::Untagged(variants) => {
            // A value valid for exactly one variant (what `oneOf` asks); else the first valid one.
            let mut fallback = None;
            for v in variants.iter() {
                for f in [fill, Fill::Required] {
                    let value = sample_at(spec, v, f, depth + 1);
                    if validate(spec, v, &value).is_err() {
                        continue;
                    }
                    if variants.iter().filter(|w| validate(spec, w, &value).is_ok()).count() == 1 {
                        return value;
                    }
                    fallback.get_or_insert(value);
                }
            }
            fallback.or_else(|| variants.first().map(|v| sample_at(spec, v, fill, depth + 1))).unwrap_or(Value::Null)
        }
    }
}

/// Reshape a generic error object so it also satisfies `ty` (the error body an
/// operation documents): fields the schema declares keep the error's value when
/// it fits, required ones it lacks are synthesised; extra fields stay.
pub(crate) fn conform(spec: &'static Spec, ty: &Ty, error: Value) -> Value {
    let fields: &[Field] = match resolve(spec, ty) {
        Ty::Named(id) => match ty_def(spec, id).map(|t| &t.kind) {
            Some(Kind::Struct { fields, flattened: [], .. }) => fields,
            _ => return if validate(spec, ty, &error).is_ok() { error } else { sample(spec, ty, Fill::Required) },
        },
        Ty::Any | Ty::Object => return error,
        _ => return sample(spec, ty, Fill::Required),
    };
    let Value::Object(mut map) = error else { return sample(spec, ty, Fill::Required) };
    for f in fields {
        let fits = map.get(f.wire).is_some_and(|v| validate(spec, &f.ty, v).is_ok() || (v.is_null() && f.nullable));
        if !fits {
            if f.required {
                map.insert(f.wire.to_owned(), sample(spec, &f.ty, Fill::Required));
            } else {
                map.remove(f.wire);
            }
        }
    }
    let out = Value::Object(map);
    if validate(spec, ty, &out).is_ok() {
        out
    } else {
        sample(spec, ty, Fill::Required)
    }
}

/// Check a response of operation `operation_id` against what the spec documents
/// for its status and content type; `Err` says what does not match.
pub fn check_response(
    spec: &'static Spec,
    operation_id: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), String> {
    let op = spec
        .operations
        .iter()
        .find(|o| o.id == operation_id)
        .ok_or_else(|| format!("no operation `{operation_id}`"))?;
    let def = op.response(status).ok_or_else(|| format!("`{operation_id}` documents no response {status}"))?;
    // HTTP gives these statuses no body, whatever the spec documents.
    if def.media.is_empty() || status == 204 || status == 304 {
        return if body.is_empty() { Ok(()) } else { Err(format!("response {status} documents no body, but has one")) };
    }
    let actual = content_type.map(super::essence).unwrap_or_default();
    let media = def
        .media
        .iter()
        .find(|m| super::media_matches(m.media_type, &actual))
        .ok_or_else(|| format!("content type `{actual}` is not documented for response {status}"))?;
    match (media.encoding, &media.ty) {
        (super::Encoding::Json, Some(ty)) => {
            let value: Value = serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
            validate(spec, ty, &value)
                .map_err(|ps| ps.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect::<Vec<_>>().join("; "))
        }
        (super::Encoding::Json, None) => {
            serde_json::from_slice::<Value>(body).map(|_| ()).map_err(|e| format!("malformed JSON: {e}"))
        }
        _ => Ok(()),
    }
}
