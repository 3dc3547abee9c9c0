//! Instances of the document's own schemas, for checks by tools that validate
//! against the document (the Prism client test, `emit::prism`).
//!
//! The IR keeps what Rust needs (shapes), not every constraint a validator
//! enforces (formats, bounds, patterns, `oneOf` exclusivity), so the values a
//! validating peer must accept are made here from the normalised tree itself:
//! a valid `example` when the schema has one, else a value built from the
//! keywords. [`Schemas::valid`] is the subset of JSON Schema (OpenAPI 3.0
//! flavour) this needs to choose examples and `oneOf` branches; it is not a
//! general validator (`pattern` and `not` are not checked, formats only where
//! the generated types parse them strictly).

use serde_json::{Map, Value};

use super::resolve_pointer;

/// `$ref` chains and nested schemas deeper than this give up (recursive schemas).
const MAX_DEPTH: usize = 24;
/// The schemas of one (normalised) document.
#[derive(Debug, Clone, Copy)]
pub struct Schemas<'a> {
    doc: &'a Value,
    /// Optional properties are filled this deep into a value; deeper, only required ones.
    optional_depth: usize,
}

impl<'a> Schemas<'a> {
    /// Samples with the optional properties of the outermost object only.
    pub fn new(doc: &'a Value) -> Self {
        Schemas { doc, optional_depth: 1 }
    }

    /// Samples with optional properties filled `depth` levels deep (0: required ones only).
    pub fn with_optional_depth(self, depth: usize) -> Self {
        Schemas { optional_depth: depth, ..self }
    }

    /// The node at a JSON pointer of the document (`/paths/~1x/get`), following a final `$ref`.
    pub fn at(&self, pointer: &str) -> Option<&'a Value> {
        self.deref(self.doc.pointer(pointer)?)
    }

    /// Follow `$ref`s (a bounded number of them).
    pub fn deref(&self, mut v: &'a Value) -> Option<&'a Value> {
        for _ in 0..MAX_DEPTH {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => v = resolve_pointer(self.doc, r)?,
                None => return Some(v),
            }
        }
        None
    }

    /// A value valid for `schema`, or `None` when none could be made (a schema
    /// nothing satisfies, or one nested too deep).
    pub fn sample(&self, schema: &Value) -> Option<Value> {
        self.make(schema, 0, 0)
    }

    /// `depth` bounds recursion; `level` is how deep in the value (optional properties).
    fn make(&self, schema: &Value, depth: usize, level: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let schema = self.deref(schema)?;
        let Some(obj) = schema.as_object() else {
            // `true`/`{}`-like schemas accept anything.
            return Some(Value::String("sample".into()));
        };
        if obj.contains_key("allOf") {
            let merged = self.merge_all_of(schema, depth)?;
            return self.make(&merged, depth + 1, level);
        }
        if let Some(ex) = obj.get("example") {
            if self.valid(schema, ex) && !obj.contains_key("pattern") {
                return Some(ex.clone());
            }
        }
        if let Some(Value::Array(values)) = obj.get("enum") {
            return values.iter().find(|v| !v.is_null()).or(values.first()).cloned();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = obj.get(key) {
                return self.union(schema, obj, branches, key == "oneOf", depth, level);
            }
        }
        if let Some(d) = obj.get("default") {
            if self.valid(schema, d) && !obj.contains_key("pattern") {
                return Some(d.clone());
            }
        }
        match type_of(obj) {
            "string" => Some(Value::String(string_sample(obj))),
            "integer" => Some(Value::from(number_sample(obj, 1.0, true) as i64)),
            "number" => Some(Value::from(number_sample(obj, 1.5, false))),
            "boolean" => Some(Value::Bool(true)),
            "array" => {
                let count = obj.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1);
                let item = match obj.get("items") {
                    Some(items) => self.make(items, depth + 1, level + 1)?,
                    None => Value::String("item".into()),
                };
                let mut items = vec![item.clone(); count as usize];
                if count > 1 && obj.get("uniqueItems") == Some(&Value::Bool(true)) {
                    // Distinct copies: only strings and numbers can be varied safely.
                    for (i, v) in items.iter_mut().enumerate() {
                        match v {
                            Value::String(s) if !obj_has_format_or_pattern(obj) => s.push_str(&i.to_string()),
                            Value::Number(n) => *v = Value::from(n.as_f64().unwrap_or(0.0) + i as f64),
                            _ => {}
                        }
                    }
                }
                Some(Value::Array(items))
            }
            "object" => self.object(obj, depth, level),
            _ => Some(Value::String("sample".into())),
        }
    }

    fn object(&self, obj: &Map<String, Value>, depth: usize, level: usize) -> Option<Value> {
        let required: Vec<&str> = match obj.get("required") {
            Some(Value::Array(r)) => r.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let empty = Map::new();
        let props = obj.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let mut out = Map::new();
        for (name, prop) in props {
            let is_required = required.contains(&name.as_str());
            if !(is_required || level < self.optional_depth) {
                continue;
            }
            let read_only = self.deref(prop).and_then(|p| p.get("readOnly")) == Some(&Value::Bool(true));
            if read_only && !is_required {
                continue;
            }
            match self.make(prop, depth + 1, level + 1) {
                Some(v) => {
                    out.insert(name.clone(), v);
                }
                None if is_required => return None,
                None => {}
            }
        }
        // Required names no property describes: anything goes.
        for name in required {
            out.entry(name.to_string()).or_insert_with(|| Value::String("sample".into()));
        }
        let min = obj.get("minProperties").and_then(Value::as_u64).unwrap_or(0) as usize;
        let mut i = 0;
        while out.len() < min && i < min + props.len() {
            i += 1;
            let extra = match obj.get("additionalProperties") {
                Some(Value::Bool(false)) => break,
                Some(s @ Value::Object(_)) => self.make(s, depth + 1, level + 1)?,
                _ => Value::String("sample".into()),
            };
            out.insert(format!("key{i}"), extra);
        }
        Some(Value::Object(out))
    }

    /// The first branch whose sample is valid for exactly that branch (`oneOf`)
    /// or for it at all (`anyOf`), with the discriminator's tag set.
    fn union(
        &self,
        schema: &Value,
        obj: &Map<String, Value>,
        branches: &[Value],
        exclusive: bool,
        depth: usize,
        level: usize,
    ) -> Option<Value> {
        let disc = obj.get("discriminator");
        let prop = disc.and_then(|d| d.get("propertyName")).and_then(Value::as_str);
        // Keywords next to the union (properties, required) apply to every branch.
        let mut outer = obj.clone();
        outer.remove("oneOf");
        outer.remove("anyOf");
        outer.remove("discriminator");
        outer.remove("example");
        let mut first = None;
        // Optional properties can make a value match several branches: try without them too.
        let attempts = [level, self.optional_depth.max(level)];
        for (branch, level) in attempts.iter().flat_map(|l| branches.iter().map(move |b| (b, *l))) {
            let merged = if outer.keys().any(|k| k == "properties" || k == "required") {
                let mut all = Map::new();
                all.insert("allOf".into(), Value::Array(vec![Value::Object(outer.clone()), branch.clone()]));
                Value::Object(all)
            } else {
                branch.clone()
            };
            let Some(mut v) = self.make(&merged, depth + 1, level) else { continue };
            if let (Some(prop), Value::Object(m)) = (prop, &mut v) {
                if let Some(tag) = self.tag_of(disc, branch) {
                    m.insert(prop.to_string(), Value::String(tag));
                }
            }
            if first.is_none() {
                first = Some(v.clone());
            }
            let matching = branches.iter().filter(|b| self.valid(b, &v)).count();
            if self.valid(schema, &v) && (!exclusive || matching == 1) {
                return Some(v);
            }
        }
        first
    }

    /// The discriminator value selecting `branch`: its `mapping` key, else the component name.
    fn tag_of(&self, disc: Option<&Value>, branch: &Value) -> Option<String> {
        let r = branch.get("$ref")?.as_str()?;
        if let Some(Value::Object(mapping)) = disc.and_then(|d| d.get("mapping")) {
            if let Some((k, _)) = mapping.iter().find(|(_, v)| v.as_str() == Some(r)) {
                return Some(k.clone());
            }
        }
        r.rsplit('/').next().map(str::to_string)
    }

    /// `allOf` folded into one schema: properties and required lists united,
    /// other keywords from the first member that has them.
    fn merge_all_of(&self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let schema = self.deref(schema)?;
        let mut out = schema.as_object()?.clone();
        let members = match out.remove("allOf") {
            Some(Value::Array(m)) => m,
            _ => return Some(Value::Object(out)),
        };
        for m in &members {
            let m = self.merge_all_of(m, depth + 1)?;
            let Value::Object(m) = m else { continue };
            for (k, v) in m {
                match (k.as_str(), out.get_mut(&k)) {
                    ("properties", Some(Value::Object(props))) => {
                        if let Value::Object(more) = v {
                            for (name, p) in more {
                                props.entry(name).or_insert(p);
                            }
                        }
                    }
                    ("required", Some(Value::Array(req))) => {
                        if let Value::Array(more) = v {
                            for r in more {
                                if !req.contains(&r) {
                                    req.push(r);
                                }
                            }
                        }
                    }
                    (_, Some(_)) => {}
                    (_, None) => {
                        out.insert(k, v);
                    }
                }
            }
        }
        Some(Value::Object(out))
    }

    /// Whether `value` satisfies `schema` (the subset described in the module docs).
    pub fn valid(&self, schema: &Value, value: &Value) -> bool {
        self.check(schema, value, 0)
    }

    fn check(&self, schema: &Value, value: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let Some(schema) = self.deref(schema) else { return false };
        let Some(obj) = schema.as_object() else { return schema != &Value::Bool(false) };
        if value.is_null() {
            // 3.0: `nullable` allows null; an enum listing null does too.
            let listed = matches!(obj.get("enum"), Some(Value::Array(v)) if v.contains(&Value::Null));
            let nullable = obj.get("nullable") == Some(&Value::Bool(true));
            let typed = obj.contains_key("type") || obj.contains_key("enum");
            if nullable || listed {
                return true;
            }
            if typed {
                return false;
            }
        }
        if let Some(Value::Array(members)) = obj.get("allOf") {
            if !members.iter().all(|m| self.check(m, value, depth + 1)) {
                return false;
            }
        }
        if let Some(Value::Array(branches)) = obj.get("oneOf") {
            if branches.iter().filter(|b| self.check(b, value, depth + 1)).count() != 1 {
                return false;
            }
        }
        if let Some(Value::Array(branches)) = obj.get("anyOf") {
            if !branches.iter().any(|b| self.check(b, value, depth + 1)) {
                return false;
            }
        }
        if let Some(Value::Array(values)) = obj.get("enum") {
            if !values.contains(value) {
                return false;
            }
        }
        if let Some(t) = obj.get("type").and_then(Value::as_str) {
            let ok = match t {
                "string" => value.is_string(),
                "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "array" => value.is_array(),
                "object" => value.is_object(),
                _ => true,
            };
            if !ok {
                return false;
            }
        }
        match value {
            Value::String(s) => check_string(obj, s),
            Value::Number(n) => check_number(obj, n.as_f64().unwrap_or(0.0)),
            Value::Array(items) => {
                let len = items.len() as u64;
                if obj.get("minItems").and_then(Value::as_u64).is_some_and(|m| len < m)
                    || obj.get("maxItems").and_then(Value::as_u64).is_some_and(|m| len > m)
                {
                    return false;
                }
                match obj.get("items") {
                    Some(item) => items.iter().all(|v| self.check(item, v, depth + 1)),
                    None => true,
                }
            }
            Value::Object(map) => self.check_object(obj, map, depth),
            _ => true,
        }
    }

    fn check_object(&self, obj: &Map<String, Value>, map: &Map<String, Value>, depth: usize) -> bool {
        if let Some(Value::Array(req)) = obj.get("required") {
            if !req.iter().filter_map(Value::as_str).all(|r| map.contains_key(r)) {
                return false;
            }
        }
        let len = map.len() as u64;
        if obj.get("minProperties").and_then(Value::as_u64).is_some_and(|m| len < m)
            || obj.get("maxProperties").and_then(Value::as_u64).is_some_and(|m| len > m)
        {
            return false;
        }
        let empty = Map::new();
        let props = obj.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        map.iter().all(|(k, v)| match props.get(k) {
            Some(p) => self.check(p, v, depth + 1),
            None => match obj.get("additionalProperties") {
                Some(Value::Bool(false)) => false,
                Some(s @ Value::Object(_)) => self.check(s, v, depth + 1),
                _ => true,
            },
        })
    }
}

fn type_of(obj: &Map<String, Value>) -> &str {
    match obj.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None if obj.contains_key("properties") || obj.contains_key("additionalProperties") => "object",
        None if obj.contains_key("items") => "array",
        None => "",
    }
}

fn obj_has_format_or_pattern(obj: &Map<String, Value>) -> bool {
    let items = obj.get("items");
    items.and_then(|i| i.get("format")).is_some() || items.and_then(|i| i.get("pattern")).is_some()
}

fn check_string(obj: &Map<String, Value>, s: &str) -> bool {
    let len = s.chars().count() as u64;
    if obj.get("minLength").and_then(Value::as_u64).is_some_and(|m| len < m)
        || obj.get("maxLength").and_then(Value::as_u64).is_some_and(|m| len > m)
    {
        return false;
    }
    match obj.get("format").and_then(Value::as_str) {
        Some("uuid") => is_uuid(s),
        Some("date-time") => is_date_time(s),
        Some("date") => is_date(s),
        Some("email") => s.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.')),
        Some("uri") | Some("url") => s.contains("://"),
        _ => true,
    }
}

fn check_number(obj: &Map<String, Value>, n: f64) -> bool {
    let excl_min = obj.get("exclusiveMinimum") == Some(&Value::Bool(true));
    let excl_max = obj.get("exclusiveMaximum") == Some(&Value::Bool(true));
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64) {
        if n < min || (excl_min && n == min) {
            return false;
        }
    }
    if let Some(max) = obj.get("maximum").and_then(Value::as_f64) {
        if n > max || (excl_max && n == max) {
            return false;
        }
    }
    true
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else { return false };
    let zoned = time.ends_with(['Z', 'z']) || time.len() > 6 && matches!(time.as_bytes()[time.len() - 6], b'+' | b'-');
    is_date(date) && zoned && time.len() >= 9 && time.as_bytes()[2] == b':' && time.as_bytes()[5] == b':'
}

/// A string for a string schema: its pattern's, its format's, or a plain one
/// stretched or cut to the length bounds.
fn string_sample(obj: &Map<String, Value>) -> String {
    if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
        if let Some(s) = regex_sample(p) {
            return s;
        }
    }
    let format = obj.get("format").and_then(Value::as_str).unwrap_or("");
    let mut s = match format {
        "uuid" => "3f2b8a0e-5c1d-4e6f-9a7b-0c1d2e3f4a5b",
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "email" => "user@example.com",
        "uri" | "url" | "uri-reference" | "iri" => "https://example.com/sample",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c2FtcGxl",
        _ => "sample",
    }
    .to_string();
    let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = obj.get("maxLength").and_then(Value::as_u64).map(|m| m as usize);
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max {
        s = s.chars().take(max).collect();
    }
    s
}

fn number_sample(obj: &Map<String, Value>, preferred: f64, integer: bool) -> f64 {
    let step = if integer { 1.0 } else { 0.5 };
    let mut n = preferred;
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64) {
        let excl = obj.get("exclusiveMinimum") == Some(&Value::Bool(true));
        if n < min || (excl && n <= min) {
            n = if excl { min + step } else { min };
        }
    }
    if let Some(max) = obj.get("maximum").and_then(Value::as_f64) {
        let excl = obj.get("exclusiveMaximum") == Some(&Value::Bool(true));
        if n > max || (excl && n >= max) {
            n = if excl { max - step } else { max };
        }
    }
    if integer {
        n.ceil()
    } else {
        n
    }
}

/// A shortest string matching a regular expression, for the subset specs use:
/// literals, escapes, classes, groups, alternation (first branch), quantifiers
/// (least count) and anchors; lookarounds are skipped. `None` when the
/// pattern has something else.
pub fn regex_sample(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let out = alternation(&chars, &mut pos)?;
    (pos == chars.len()).then_some(out)
}

fn alternation(c: &[char], pos: &mut usize) -> Option<String> {
    let first = sequence(c, pos)?;
    while *pos < c.len() && c[*pos] == '|' {
        *pos += 1;
        sequence(c, pos)?;
    }
    Some(first)
}

fn sequence(c: &[char], pos: &mut usize) -> Option<String> {
    let mut out = String::new();
    while *pos < c.len() && c[*pos] != '|' && c[*pos] != ')' {
        let atom = atom(c, pos)?;
        let (min, _) = quantifier(c, pos)?;
        for _ in 0..min {
            out.push_str(&atom);
        }
    }
    Some(out)
}

fn atom(c: &[char], pos: &mut usize) -> Option<String> {
    let ch = c[*pos];
    *pos += 1;
    match ch {
        '^' | '$' => {
            // Anchors match no text; `quantifier` then sees none.
            Some(String::new())
        }
        '.' => Some("a".into()),
        '\\' => {
            let e = *c.get(*pos)?;
            *pos += 1;
            Some(
                match e {
                    'd' => '0',
                    'w' => 'a',
                    's' => ' ',
                    'D' | 'W' | 'S' => 'x',
                    'n' => '\n',
                    't' => '\t',
                    other if other.is_ascii_alphanumeric() => return None,
                    other => other,
                }
                .to_string(),
            )
        }
        '[' => class(c, pos).map(|ch| ch.to_string()),
        '(' => {
            let mut lookaround = false;
            if c.get(*pos) == Some(&'?') {
                match c.get(*pos + 1) {
                    Some(':') => *pos += 2,
                    Some('=') | Some('!') => {
                        lookaround = true;
                        *pos += 2;
                    }
                    _ => return None,
                }
            }
            let inner = alternation(c, pos)?;
            if c.get(*pos) != Some(&')') {
                return None;
            }
            *pos += 1;
            Some(if lookaround { String::new() } else { inner })
        }
        '*' | '+' | '?' | '{' | ')' | '|' => None,
        other => Some(other.to_string()),
    }
}

/// A character of a `[...]` class: the first member (or one outside a negated class).
fn class(c: &[char], pos: &mut usize) -> Option<char> {
    let negated = c.get(*pos) == Some(&'^');
    if negated {
        *pos += 1;
    }
    let mut members = Vec::new();
    let mut first = true;
    loop {
        let ch = *c.get(*pos)?;
        *pos += 1;
        if ch == ']' && !first {
            break;
        }
        first = false;
        let lo = if ch == '\\' {
            let e = *c.get(*pos)?;
            *pos += 1;
            match e {
                'd' => '0',
                'w' => 'a',
                's' => ' ',
                other => other,
            }
        } else {
            ch
        };
        if c.get(*pos) == Some(&'-') && c.get(*pos + 1).is_some_and(|n| *n != ']') {
            let hi = c[*pos + 1];
            *pos += 2;
            members.push((lo, hi));
        } else {
            members.push((lo, lo));
        }
    }
    if negated {
        ['a', 'x', '0', '_'].into_iter().find(|ch| !members.iter().any(|(lo, hi)| lo <= ch && ch <= hi))
    } else {
        members.first().map(|(lo, _)| *lo)
    }
}

/// The least repeat count of the quantifier at `pos` (none: 1).
fn quantifier(c: &[char], pos: &mut usize) -> Option<(usize, Option<usize>)> {
    let q = match c.get(*pos) {
        Some('*') => (0, None),
        Some('+') => (1, None),
        Some('?') => (0, Some(1)),
        Some('{') => {
            let close = c[*pos..].iter().position(|ch| *ch == '}')? + *pos;
            let body: String = c[*pos + 1..close].iter().collect();
            *pos = close;
            let (lo, hi) = match body.split_once(',') {
                Some((lo, hi)) => (lo.trim().parse().ok()?, hi.trim().parse().ok()),
                None => {
                    let n = body.trim().parse().ok()?;
                    (n, Some(n))
                }
            };
            (lo, hi)
        }
        _ => return Some((1, Some(1))),
    };
    *pos += 1;
    // A lazy or possessive suffix changes nothing for the least count.
    if matches!(c.get(*pos), Some('?') | Some('+')) {
        *pos += 1;
    }
    Some(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(pattern: &str, expect: Option<&str>) {
        assert_eq!(regex_sample(pattern).as_deref(), expect, "{pattern}");
    }

    #[test]
    fn regex_samples() {
        check(r"^[a-z]{2,3}-[a-z]+(-[a-z]+)?-\d+$", Some("aa-a-0"));
        check(r"^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[a-z0-9]+$", Some("com.amazonaws.vpce.a.vpce-svc-a"));
        check(r"^(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", Some("aaa"));
        check(r"\w+|(ASC|DESC)", Some("a"));
        check(r"[^0-9]x*", Some("a"));
        check(r"(?<name>x)", None);
        check(r"a)", None);
    }

    #[test]
    fn samples_are_valid() {
        let doc = json!({
            "components": {"schemas": {
                "A": {"type": "object", "required": ["kind", "a"], "properties": {"kind": {"type": "string"}, "a": {"type": "integer", "minimum": 5}}},
                "B": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "b": {"type": "string", "format": "email"}}},
                "G": {"type": "object", "properties": {"w": {"type": "string"}, "o": {"type": "string"}}, "oneOf": [{"required": ["w"]}, {"required": ["o"]}]},
                "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                      "discriminator": {"propertyName": "kind", "mapping": {"bee": "#/components/schemas/B"}}},
                "E": {"type": "string", "format": "uuid", "example": "not-a-uuid"},
                "M": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "required": ["m"], "properties": {"m": {"type": "string", "maxLength": 3, "minLength": 2}}}]}
            }}
        });
        let s = Schemas::new(&doc);
        for (name, expect) in [
            ("A", json!({"kind": "sample", "a": 5})),
            ("U", json!({"kind": "bee", "b": "user@example.com"})),
            ("G", json!({"w": "sample"})),
            ("E", json!("3f2b8a0e-5c1d-4e6f-9a7b-0c1d2e3f4a5b")),
            ("M", json!({"kind": "sample", "b": "user@example.com", "m": "sam"})),
        ] {
            let schema = json!({"$ref": format!("#/components/schemas/{name}")});
            let v = s.sample(&schema);
            assert_eq!(v.as_ref(), Some(&expect), "{name}");
            assert!(s.valid(&schema, &expect), "{name}");
        }
        assert!(!s.valid(&json!({"$ref": "#/components/schemas/A"}), &json!({"kind": "x", "a": 4})));
        assert!(!s.valid(&json!({"type": "string", "format": "date-time"}), &json!("2024-01-02")));
    }
}
