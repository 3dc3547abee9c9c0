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

// One runtime serves every spec; each spec uses only some of its cases.
#![allow(dead_code)]

use serde_json::{Map, Number, Value};

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
    /// `oneOf`/`anyOf` without a discriminator: a value must match one variant.
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

fn ty_def(id: u32) -> Option<&'static TypeDef> {
    super::tables::TYPES.get(id as usize)
}

/// Follow aliases to the shape a value really has.
pub(crate) fn resolve(ty: &Ty) -> Ty {
    let mut cur = *ty;
    for _ in 0..64 {
        match cur {
            Ty::Named(id) => match ty_def(id).map(|t| &t.kind) {
                Some(Kind::Alias(inner)) => cur = *inner,
                _ => return cur,
            },
            _ => return cur,
        }
    }
    cur
}

/// Check `value` against `ty`; every problem found (up to a limit), with its pointer.
pub fn validate(ty: &Ty, value: &Value) -> Result<(), Vec<Problem>> {
    let mut checker = Checker { problems: Vec::new() };
    let mut pointer = String::new();
    checker.check(ty, value, &mut pointer, 0);
    if checker.problems.is_empty() {
        Ok(())
    } else {
        Err(checker.problems)
    }
}

struct Checker {
    problems: Vec<Problem>,
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
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
                let Some(def) = ty_def(*id) else { return };
                self.check_named(def, value, pointer, depth);
            }
        }
    }

    fn check_named(&mut self, def: &'static TypeDef, value: &Value, pointer: &mut String, depth: usize) {
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
                    let mut sub = Checker { problems: Vec::new() };
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

/// A parameter's text (one entry per occurrence) as the JSON value its schema describes.
pub(crate) fn param_value(ty: &Ty, raws: &[&str], explode: bool) -> Result<Value, String> {
    match resolve(ty) {
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
            parts.iter().map(|p| scalar(inner, p)).collect::<Result<Vec<_>, _>>().map(Value::Array)
        }
        _ => match raws {
            [one] => scalar(ty, one),
            [] => Err("missing value".into()),
            many => Err(format!("given {} times; expected once", many.len())),
        },
    }
}

fn scalar(ty: &Ty, raw: &str) -> Result<Value, String> {
    match resolve(ty) {
        Ty::Nullable(inner) => scalar(inner, raw),
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
        Ty::Named(id) => match ty_def(id).map(|t| &t.kind) {
            Some(Kind::Enum(_)) | None => Ok(Value::String(raw.to_owned())),
            // Objects and unions in a parameter: JSON text is the only unambiguous spelling.
            Some(_) => serde_json::from_str(raw).map_err(|e| format!("expected JSON ({e})")),
        },
        Ty::Object | Ty::Map(_) | Ty::Array(_) => serde_json::from_str(raw).map_err(|e| format!("expected JSON ({e})")),
        _ => Ok(Value::String(raw.to_owned())),
    }
}

/// A form body (`application/x-www-form-urlencoded`) as the JSON object its schema describes.
pub(crate) fn form_value(ty: &Ty, pairs: &[(String, String)]) -> Result<Value, Problem> {
    let fields: &[Field] = match resolve(ty) {
        Ty::Named(id) => match ty_def(id).map(|t| &t.kind) {
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
            Some(f) => param_value(&f.ty, &raws, true)
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
pub(crate) fn sample(ty: &Ty, fill: Fill) -> Value {
    sample_at(ty, fill, 0)
}

fn sample_at(ty: &Ty, fill: Fill, depth: usize) -> Value {
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
                sample_at(inner, fill, depth + 1)
            }
        }
        Ty::Array(inner) => {
            if shallow || fill == Fill::Required {
                Value::Array(Vec::new())
            } else {
                Value::Array(vec![sample_at(inner, fill, depth + 1)])
            }
        }
        Ty::Map(inner) => {
            let mut map = Map::new();
            if !shallow && fill == Fill::Full {
                map.insert("key".into(), sample_at(inner, fill, depth + 1));
            }
            Value::Object(map)
        }
        Ty::Named(id) => match ty_def(*id) {
            Some(def) => sample_named(def, ty, fill, depth),
            None => Value::Null,
        },
    }
}

fn sample_named(def: &'static TypeDef, ty: &Ty, fill: Fill, depth: usize) -> Value {
    if fill == Fill::Full {
        for ex in def.examples {
            if let Ok(v) = serde_json::from_str::<Value>(ex) {
                if validate(ty, &v).is_ok() {
                    return v;
                }
            }
        }
    }
    match &def.kind {
        Kind::Alias(inner) => sample_at(inner, fill, depth + 1),
        Kind::Enum(values) => Value::String(values.first().copied().unwrap_or("value").to_owned()),
        Kind::Struct { fields, flattened, additional } => {
            let mut map = Map::new();
            for ty in flattened.iter() {
                if let Value::Object(m) = sample_at(ty, fill, depth + 1) {
                    map.extend(m);
                }
            }
            let optional = fill == Fill::Full && depth < 4;
            for f in fields.iter() {
                if f.required || optional {
                    map.insert(f.wire.to_owned(), sample_at(&f.ty, fill, depth + 1));
                }
            }
            if let (Some(extra), true) = (additional, optional) {
                map.entry("additionalProperty").or_insert_with(|| sample_at(extra, fill, depth + 1));
            }
            Value::Object(map)
        }
        Kind::Tagged { property, variants } => match variants.first() {
            Some(v) => {
                let mut value = sample_at(&v.ty, fill, depth + 1);
                if let (Value::Object(map), Some(tag)) = (&mut value, v.tags.first()) {
                    map.insert((*property).to_owned(), Value::String((*tag).to_owned()));
                }
                value
            }
            None => Value::Object(Map::new()),
        },
        Kind::Untagged(variants) => {
            for v in variants.iter() {
                let value = sample_at(v, fill, depth + 1);
                if validate(v, &value).is_ok() {
                    return value;
                }
            }
            variants.first().map(|v| sample_at(v, fill, depth + 1)).unwrap_or(Value::Null)
        }
    }
}

/// Reshape a generic error object so it also satisfies `ty` (the error body an
/// operation documents): fields the schema declares keep the error's value when
/// it fits, required ones it lacks are synthesised; extra fields stay.
pub(crate) fn conform(ty: &Ty, error: Value) -> Value {
    let fields: &[Field] = match resolve(ty) {
        Ty::Named(id) => match ty_def(id).map(|t| &t.kind) {
            Some(Kind::Struct { fields, flattened: [], .. }) => fields,
            _ => return if validate(ty, &error).is_ok() { error } else { sample(ty, Fill::Required) },
        },
        Ty::Any | Ty::Object => return error,
        _ => return sample(ty, Fill::Required),
    };
    let Value::Object(mut map) = error else { return sample(ty, Fill::Required) };
    for f in fields {
        let fits = map.get(f.wire).is_some_and(|v| validate(&f.ty, v).is_ok() || (v.is_null() && f.nullable));
        if !fits {
            if f.required {
                map.insert(f.wire.to_owned(), sample(&f.ty, Fill::Required));
            } else {
                map.remove(f.wire);
            }
        }
    }
    let out = Value::Object(map);
    if validate(ty, &out).is_ok() {
        out
    } else {
        sample(ty, Fill::Required)
    }
}

/// Check a response of operation `operation_id` against what the spec documents
/// for its status and content type; `Err` says what does not match.
pub fn check_response(operation_id: &str, status: u16, content_type: Option<&str>, body: &[u8]) -> Result<(), String> {
    let op = super::tables::OPERATIONS
        .iter()
        .find(|o| o.id == operation_id)
        .ok_or_else(|| format!("no operation `{operation_id}`"))?;
    let def = op.response(status).ok_or_else(|| format!("`{operation_id}` documents no response {status}"))?;
    // HTTP gives these statuses no body, whatever the spec documents.
    if def.media.is_empty() || status == 204 || status == 304 {
        return if body.is_empty() { Ok(()) } else { Err(format!("response {status} documents no body, but has one")) };
    }
    let actual = content_type.map(super::runtime::essence).unwrap_or_default();
    let media = def
        .media
        .iter()
        .find(|m| super::runtime::media_matches(m.media_type, &actual))
        .ok_or_else(|| format!("content type `{actual}` is not documented for response {status}"))?;
    match (media.encoding, &media.ty) {
        (super::runtime::Encoding::Json, Some(ty)) => {
            let value: Value = serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
            validate(ty, &value)
                .map_err(|ps| ps.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect::<Vec<_>>().join("; "))
        }
        (super::runtime::Encoding::Json, None) => {
            serde_json::from_slice::<Value>(body).map(|_| ()).map_err(|e| format!("malformed JSON: {e}"))
        }
        _ => Ok(()),
    }
}
