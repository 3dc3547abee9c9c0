//! OpenAPI Overlay 1.0 documents: the reviewable patch files that fix upstream
//! spec defects before anything else reads the spec.
//!
//! Owns parsing an overlay (YAML → JSON via [`yaml_to_json`]), validating its
//! structure, the JSONPath subset its targets may use, and applying its
//! actions in order. Every problem, including a target that matches nothing,
//! is a diagnostic pointing into the overlay document; nothing here panics on
//! overlay or spec data.
//!
//! Update semantics follow the Overlay specification (1.0, as clarified by
//! 1.1): when the target is an object the update object is deep-merged into it
//! (nested objects merge, nested arrays concatenate, anything else is replaced
//! by the update's value); when the target is an array the update value is
//! appended as one element; a primitive target is replaced.
//!
//! Supported JSONPath: `$`, `.name`, `['name']` / `["name"]`, `[n]` (negative
//! counts from the end), `.*` / `[*]`, and filters `[?(…)]` / `[?…]` whose
//! tests (`@.a.b == literal`, `@.a.b` exists, `!@.a.b` absent) are joined by `&&`. Anything else is reported as unsupported rather than
//! guessed at, because a misread target would patch the wrong node silently.

use serde_json::{Map, Value};

use crate::diag::{join_pointer, Diagnostics};

/// What an overlay did, for logs and reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverlayReport {
    /// Actions that matched at least one node, in overlay order.
    pub applied: Vec<AppliedAction>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedAction {
    pub target: String,
    pub description: Option<String>,
    /// Number of nodes the target selected.
    pub matched: usize,
}

/// Parse overlay text (YAML or JSON) into a JSON value.
///
/// Returns `None` after pushing an error when the text is not YAML or cannot be
/// represented as JSON. Structure is checked later by [`apply_overlay`].
pub fn parse_overlay(text: &str, file: &str, diags: &mut Diagnostics) -> Option<Value> {
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let d = diags.error("", format!("cannot parse overlay {file}: {e}"));
            if let Some(loc) = e.location() {
                d.with_line(loc.line());
            }
            return None;
        }
    };
    match yaml_to_json(yaml) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.error("", format!("cannot convert overlay {file} to json: {e}"));
            None
        }
    }
}

/// Convert a YAML value to JSON.
///
/// Scalar mapping keys become strings (`200:` → `"200"`, `true:` → `"true"`)
/// because OpenAPI keys such as response codes are strings even when YAML
/// reads them as numbers. Null or compound keys, tags, non-finite floats and
/// keys that collide after conversion are errors.
pub fn yaml_to_json(v: serde_yaml::Value) -> Result<Value, String> {
    convert(v, "")
}

fn convert(v: serde_yaml::Value, pointer: &str) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            number_to_json(&n).ok_or_else(|| at(pointer, format!("number `{n}` cannot be represented in json")))?
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(convert(item, &join_pointer(pointer, &i.to_string()))?);
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = Map::new();
            for (k, v) in mapping {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => return Err(at(pointer, "null mapping key is not supported".to_string())),
                    Y::Sequence(_) | Y::Mapping(_) | Y::Tagged(_) => {
                        return Err(at(pointer, "compound or tagged mapping key is not supported".to_string()))
                    }
                };
                let child = join_pointer(pointer, &key);
                if out.contains_key(&key) {
                    return Err(at(&child, format!("duplicate key `{key}` after converting keys to strings")));
                }
                let value = convert(v, &child)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => return Err(at(pointer, format!("yaml tag `{}` is not supported", t.tag))),
    })
}

fn number_to_json(n: &serde_yaml::Number) -> Option<Value> {
    if let Some(i) = n.as_i64() {
        Some(Value::from(i))
    } else if let Some(u) = n.as_u64() {
        Some(Value::from(u))
    } else {
        n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number)
    }
}

fn at(pointer: &str, message: String) -> String {
    if pointer.is_empty() {
        message
    } else {
        format!("at {pointer}: {message}")
    }
}

/// Apply every action of `overlay` to `doc`, in order.
///
/// Structural problems and stale targets are pushed to `diags` as errors; an
/// invalid action is skipped so the remaining ones are still checked and a
/// single run reports everything.
pub fn apply_overlay(doc: &mut Value, overlay: &Value, diags: &mut Diagnostics) -> OverlayReport {
    let mut report = OverlayReport::default();
    let Some(root) = overlay.as_object() else {
        diags.error("", "overlay document must be a mapping");
        return report;
    };
    check_header(root, diags);
    let actions = match root.get("actions") {
        Some(Value::Array(actions)) => actions,
        Some(_) => {
            diags.error("/actions", "`actions` must be a list of action objects");
            return report;
        }
        None => {
            diags.error("", "overlay has no `actions` list");
            return report;
        }
    };
    for (i, action) in actions.iter().enumerate() {
        let pointer = format!("/actions/{i}");
        if let Some(action) = check_action(action, &pointer, diags) {
            if let Some(applied) = apply_action(doc, &action, &pointer, diags) {
                report.applied.push(applied);
            }
        }
    }
    report
}

fn check_header(root: &Map<String, Value>, diags: &mut Diagnostics) {
    match root.get("overlay") {
        None => {
            diags.error("", "overlay has no `overlay` version field").with_help("add `overlay: 1.0.0` at the top");
        }
        Some(Value::String(v)) if is_supported_version(v) => {}
        Some(Value::String(v)) => {
            diags.error("/overlay", format!("unsupported overlay version `{v}`; expected 1.0.x"));
        }
        Some(_) => {
            diags.error("/overlay", "`overlay` version must be a string such as \"1.0.0\"");
        }
    }
    match root.get("info") {
        None => {
            diags.error("", "overlay has no `info` object").with_help("add `info: {title: ..., version: ...}`");
        }
        Some(Value::Object(info)) => {
            for field in ["title", "version"] {
                match info.get(field) {
                    Some(Value::String(_)) => {}
                    Some(_) => {
                        diags.error(format!("/info/{field}"), format!("`info.{field}` must be a string"));
                    }
                    None => {
                        diags.error("/info", format!("`info` has no `{field}`"));
                    }
                }
            }
        }
        Some(_) => {
            diags.error("/info", "`info` must be an object with `title` and `version`");
        }
    }
    if let Some(extends) = root.get("extends") {
        if !extends.is_string() {
            diags.error("/extends", "`extends` must be a url string");
        }
    }
    for key in root.keys() {
        if !matches!(key.as_str(), "overlay" | "info" | "extends" | "actions") && !key.starts_with("x-") {
            diags.warning(join_pointer("", key), format!("unknown overlay field `{key}` is ignored"));
        }
    }
}

fn is_supported_version(v: &str) -> bool {
    let mut parts = v.split('.');
    parts.next() == Some("1")
        && parts.next() == Some("0")
        && parts.next().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.next().is_none()
}

/// A structurally valid action.
struct Action<'a> {
    target: &'a str,
    path: Vec<Segment>,
    description: Option<&'a str>,
    op: Op<'a>,
}

enum Op<'a> {
    Update(&'a Value),
    Remove,
}

fn check_action<'a>(action: &'a Value, pointer: &str, diags: &mut Diagnostics) -> Option<Action<'a>> {
    let Some(obj) = action.as_object() else {
        diags.error(pointer, "action must be an object with `target` and `update` or `remove`");
        return None;
    };
    let mut ok = true;
    for key in obj.keys() {
        if !matches!(key.as_str(), "target" | "description" | "update" | "remove") && !key.starts_with("x-") {
            diags.warning(join_pointer(pointer, key), format!("unknown action field `{key}` is ignored"));
        }
    }
    let description = match obj.get("description") {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            diags.error(format!("{pointer}/description"), "`description` must be a string");
            ok = false;
            None
        }
    };
    let target_pointer = format!("{pointer}/target");
    let target = match obj.get("target") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            diags.error(&target_pointer, "`target` must be a JSONPath string");
            None
        }
        None => {
            diags.error(pointer, "action has no `target`");
            None
        }
    };
    let path = target.and_then(|t| match parse_path(t) {
        Ok(path) => Some(path),
        Err(e) => {
            let kind = if e.unsupported { "unsupported" } else { "invalid" };
            diags
                .error(&target_pointer, format!("{kind} JSONPath `{t}`: {} at offset {}", e.message, e.offset))
                .with_help("supported: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*` and `[?(@.key == 'value')]`");
            None
        }
    });
    let remove = match obj.get("remove") {
        None => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            diags.error(format!("{pointer}/remove"), "`remove` must be true or false");
            None
        }
    };
    let op = match (obj.get("update"), remove) {
        // Already reported; "neither" would only repeat it.
        (_, None) => None,
        (Some(_), Some(true)) => {
            diags
                .error(pointer, "action has both `update` and `remove: true`")
                .with_help("split it into a `remove` action followed by an `update` action");
            None
        }
        (Some(update), Some(false)) => Some(Op::Update(update)),
        (None, Some(true)) => Some(Op::Remove),
        (None, Some(false)) => {
            diags.error(pointer, "action has neither `update` nor `remove: true`");
            None
        }
    };
    match (target, path, op) {
        (Some(target), Some(path), Some(op)) if ok => Some(Action { target, path, description, op }),
        _ => None,
    }
}

fn apply_action(doc: &mut Value, action: &Action<'_>, pointer: &str, diags: &mut Diagnostics) -> Option<AppliedAction> {
    let mut matches = select(doc, &action.path);
    // The same node can be reached twice only through distinct segments,
    // which this subset cannot produce, but removing twice would hit a
    // sibling, so dedupe defensively.
    matches.sort();
    matches.dedup();
    if matches.is_empty() {
        diags
            .error(format!("{pointer}/target"), format!("overlay target `{}` matches nothing", action.target))
            .with_help("the upstream spec may have fixed or moved this defect; remove the action or update its target");
        return None;
    }
    match action.op {
        Op::Update(update) => {
            for path in &matches {
                let Some(node) = get_mut(doc, path) else {
                    continue;
                };
                if node.is_object() && !update.is_object() {
                    diags.error(
                        format!("{pointer}/update"),
                        format!(
                            "`update` must be an object because `{}` selects an object at {}",
                            action.target,
                            to_pointer(path)
                        ),
                    );
                    continue;
                }
                match node {
                    Value::Array(items) => items.push(update.clone()),
                    node => merge(node, update),
                }
            }
        }
        Op::Remove => {
            // Deepest and highest-index first, so earlier removals do not
            // shift the positions of later ones.
            for path in matches.iter().rev() {
                let Some((last, parent_path)) = path.split_last() else {
                    diags.error(format!("{pointer}/remove"), "cannot remove the document root");
                    continue;
                };
                match (get_mut(doc, parent_path), last) {
                    (Some(Value::Object(map)), Step::Key(key)) => map.retain(|k, _| k != key),
                    (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
    }
    Some(AppliedAction {
        target: action.target.to_string(),
        description: action.description.map(str::to_string),
        matched: matches.len(),
    })
}

/// Deep merge per the Overlay specification; see the module docs.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (key, value) in u {
                match t.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(u)) => t.extend(u.iter().cloned()),
        (t, u) => *t = u.clone(),
    }
}

/// One step of a concrete location in the document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

fn to_pointer(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        out = match step {
            Step::Key(k) => join_pointer(&out, k),
            Step::Index(i) => join_pointer(&out, &i.to_string()),
        };
    }
    if out.is_empty() {
        "the document root".to_string()
    } else {
        format!("#{out}")
    }
}

fn get_mut<'a>(doc: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut node = doc;
    for step in path {
        node = match (node, step) {
            (Value::Object(map), Step::Key(k)) => map.get_mut(k)?,
            (Value::Array(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

// ---------------------------------------------------------------------------
// JSONPath subset
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Name(String),
    Index(i64),
    Wildcard,
    /// Children for which every test holds (`&&`).
    Filter(Vec<Test>),
}

/// One test of a filter: `@.path == literal`, `@.path` (exists) or `!@.path` (absent).
#[derive(Debug, Clone, PartialEq)]
struct Test {
    path: Vec<Segment>,
    check: Check,
}

#[derive(Debug, Clone, PartialEq)]
enum Check {
    Equals(Value),
    Exists,
    Absent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PathError {
    /// Character offset into the expression.
    offset: usize,
    message: String,
    /// Valid JSONPath outside the subset, as opposed to malformed input.
    unsupported: bool,
}

fn parse_path(expr: &str) -> Result<Vec<Segment>, PathError> {
    let mut p = PathParser { chars: expr.trim().chars().collect(), pos: 0 };
    if !p.eat('$') {
        return Err(p.invalid("a JSONPath must start with `$`"));
    }
    let mut segments = Vec::new();
    while let Some(c) = p.peek() {
        match c {
            '.' => {
                p.pos += 1;
                match p.peek() {
                    Some('.') => return Err(p.unsupported("descendant segments (`..`) are not supported")),
                    Some('*') => {
                        p.pos += 1;
                        segments.push(Segment::Wildcard);
                    }
                    _ => segments.push(Segment::Name(p.shorthand_name()?)),
                }
            }
            '[' => {
                p.pos += 1;
                segments.push(p.bracket(true)?);
            }
            c => return Err(p.invalid(&format!("unexpected `{c}`; expected `.` or `[`"))),
        }
    }
    Ok(segments)
}

struct PathParser {
    chars: Vec<char>,
    pos: usize,
}

impl PathParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            self.pos += 1;
        }
    }

    fn invalid(&self, message: &str) -> PathError {
        PathError { offset: self.pos, message: message.to_string(), unsupported: false }
    }

    fn unsupported(&self, message: &str) -> PathError {
        PathError { offset: self.pos, message: message.to_string(), unsupported: true }
    }

    fn expect(&mut self, c: char) -> Result<(), PathError> {
        if self.eat(c) {
            Ok(())
        } else {
            match self.peek() {
                Some(found) => Err(self.invalid(&format!("expected `{c}`, found `{found}`"))),
                None => Err(self.invalid(&format!("expected `{c}`, found the end of the expression"))),
            }
        }
    }

    fn shorthand_name(&mut self) -> Result<String, PathError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.invalid("expected a name after `.`; use `['...']` for names with other characters"));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    /// Parse after `[`. Filters are only allowed at the top level.
    fn bracket(&mut self, allow_filter: bool) -> Result<Segment, PathError> {
        self.skip_ws();
        let segment = match self.peek() {
            Some('*') if allow_filter => {
                self.pos += 1;
                Segment::Wildcard
            }
            Some(q @ ('\'' | '"')) => {
                self.pos += 1;
                Segment::Name(self.string(q)?)
            }
            Some(c) if c == '-' || c.is_ascii_digit() => Segment::Index(self.integer()?),
            Some('?') if allow_filter => {
                self.pos += 1;
                self.filter()?
            }
            Some(':') => return Err(self.unsupported("array slices are not supported")),
            Some(_) => return Err(self.unsupported("unsupported selector")),
            None => return Err(self.invalid("unterminated `[`")),
        };
        self.skip_ws();
        match self.peek() {
            Some(',') => Err(self.unsupported("multiple selectors in one bracket are not supported")),
            Some(':') => Err(self.unsupported("array slices are not supported")),
            _ => self.expect(']').map(|()| segment),
        }
    }

    fn integer(&mut self) -> Result<i64, PathError> {
        let start = self.pos;
        self.eat('-');
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        text.parse::<i64>().map_err(|_| PathError {
            offset: start,
            message: format!("`{text}` is not a valid index"),
            unsupported: false,
        })
    }

    fn string(&mut self, quote: char) -> Result<String, PathError> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.invalid("unterminated string"));
            };
            self.pos += 1;
            if c == quote {
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.invalid("unterminated escape"));
            };
            self.pos += 1;
            out.push(match e {
                '\'' | '"' | '\\' | '/' => e,
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => self.unicode_escape()?,
                other => return Err(self.invalid(&format!("unknown escape `\\{other}`"))),
            });
        }
    }

    fn unicode_escape(&mut self) -> Result<char, PathError> {
        let hex4 = |p: &mut PathParser| -> Result<u32, PathError> {
            let digits: String = p.chars.iter().skip(p.pos).take(4).collect();
            if digits.len() != 4 {
                return Err(p.invalid("`\\u` needs four hex digits"));
            }
            let v = u32::from_str_radix(&digits, 16).map_err(|_| p.invalid("`\\u` needs four hex digits"))?;
            p.pos += 4;
            Ok(v)
        };
        let high = hex4(self)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !(self.eat('\\') && self.eat('u')) {
                return Err(self.invalid("unpaired surrogate in `\\u` escape"));
            }
            let low = hex4(self)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.invalid("unpaired surrogate in `\\u` escape"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.invalid("invalid `\\u` escape"))
    }

    /// Parse after `[?`: tests joined by `&&`, optionally in parentheses; a
    /// test is `@.path == literal`, `@.path` (the member exists) or `!@.path`.
    fn filter(&mut self) -> Result<Segment, PathError> {
        self.skip_ws();
        let paren = self.eat('(');
        let mut tests = Vec::new();
        loop {
            tests.push(self.test()?);
            self.skip_ws();
            if self.peek() == Some('&') {
                self.pos += 1;
                if !self.eat('&') {
                    return Err(self.invalid("expected `&&`"));
                }
                continue;
            }
            break;
        }
        if paren {
            if self.peek() == Some('|') {
                return Err(self.unsupported("`||` is not supported in filters"));
            }
            self.expect(')')?;
            self.skip_ws();
        }
        if self.peek() == Some('|') {
            return Err(self.unsupported("`||` is not supported in filters"));
        }
        Ok(Segment::Filter(tests))
    }

    fn test(&mut self) -> Result<Test, PathError> {
        self.skip_ws();
        let negated = self.eat('!');
        self.skip_ws();
        if !self.eat('@') {
            return Err(self.unsupported("filter tests must have the form `@.name == literal`, `@.name` or `!@.name`"));
        }
        let mut path = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    if matches!(self.peek(), Some('.') | Some('*')) {
                        return Err(self.unsupported("filters support only plain member names"));
                    }
                    path.push(Segment::Name(self.shorthand_name()?));
                }
                Some('[') => {
                    self.pos += 1;
                    path.push(self.bracket(false)?);
                }
                _ => break,
            }
        }
        self.skip_ws();
        if matches!(self.peek(), Some('&' | ')' | ']' | '|')) {
            let check = if negated { Check::Absent } else { Check::Exists };
            return Ok(Test { path, check });
        }
        if negated {
            return Err(self.unsupported("`!` applies only to an existence test (`!@.name`)"));
        }
        if !(self.eat('=') && self.eat('=')) {
            return Err(self.unsupported("only `==` comparisons are supported in filters"));
        }
        self.skip_ws();
        let value = self.literal()?;
        Ok(Test { path, check: Check::Equals(value) })
    }

    fn literal(&mut self) -> Result<Value, PathError> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.pos += 1;
                Ok(Value::String(self.string(q)?))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                match serde_json::from_str::<Value>(&text) {
                    Ok(v @ Value::Number(_)) => Ok(v),
                    _ => Err(PathError {
                        offset: start,
                        message: format!("`{text}` is not a valid number"),
                        unsupported: false,
                    }),
                }
            }
            _ => {
                for (word, value) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)]
                {
                    let end = self.pos + word.len();
                    if end <= self.chars.len() && self.chars[self.pos..end].iter().copied().eq(word.chars()) {
                        self.pos = end;
                        return Ok(value);
                    }
                }
                Err(self.unsupported("filters compare with a string, number, true, false or null literal only"))
            }
        }
    }
}

/// Every location `path` selects in `doc`, in document order.
fn select(doc: &Value, path: &[Segment]) -> Vec<Vec<Step>> {
    let mut current: Vec<(Vec<Step>, &Value)> = vec![(Vec::new(), doc)];
    for segment in path {
        let mut next = Vec::new();
        for (location, node) in current {
            for (step, child) in select_children(node, segment) {
                let mut l = location.clone();
                l.push(step);
                next.push((l, child));
            }
        }
        current = next;
    }
    current.into_iter().map(|(location, _)| location).collect()
}

fn select_children<'a>(node: &'a Value, segment: &Segment) -> Vec<(Step, &'a Value)> {
    match segment {
        Segment::Name(name) => match node {
            Value::Object(map) => map.get(name).map(|v| (Step::Key(name.clone()), v)).into_iter().collect(),
            _ => Vec::new(),
        },
        Segment::Index(i) => match node {
            Value::Array(items) => resolve_index(*i, items.len())
                .and_then(|i| items.get(i).map(|v| (Step::Index(i), v)))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        },
        Segment::Wildcard => children(node),
        Segment::Filter(tests) => children(node)
            .into_iter()
            .filter(|(_, child)| {
                tests.iter().all(|t| {
                    let found = filter_value(child, &t.path);
                    match &t.check {
                        Check::Equals(value) => found.is_some_and(|v| literal_eq(v, value)),
                        Check::Exists => found.is_some(),
                        Check::Absent => found.is_none(),
                    }
                })
            })
            .collect(),
    }
}

fn children(node: &Value) -> Vec<(Step, &Value)> {
    match node {
        Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Step::Index(i), v)).collect(),
        _ => Vec::new(),
    }
}

fn resolve_index(i: i64, len: usize) -> Option<usize> {
    if i >= 0 {
        usize::try_from(i).ok().filter(|&i| i < len)
    } else {
        let back = usize::try_from(i.unsigned_abs()).ok()?;
        len.checked_sub(back)
    }
}

/// The value at a filter's relative path, if every step exists.
fn filter_value<'a>(node: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    let mut node = node;
    for segment in path {
        let (_, child) = select_children(node, segment).into_iter().next()?;
        node = child;
    }
    Some(node)
}

fn literal_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // `1 == 1.0` in JSONPath; serde_json would call them different.
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Level;
    use serde_json::json;

    fn paths(doc: &Value, expr: &str) -> Vec<String> {
        let segments = parse_path(expr).unwrap_or_else(|e| panic!("{expr}: {e:?}"));
        select(doc, &segments).iter().map(|p| to_pointer(p)).collect()
    }

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    fn apply(doc: &mut Value, actions: Value) -> (OverlayReport, Diagnostics) {
        let mut diags = Diagnostics::new("test.overlay.yaml");
        let report = apply_overlay(doc, &overlay(actions), &mut diags);
        (report, diags)
    }

    fn messages(diags: &Diagnostics) -> Vec<String> {
        diags.iter().map(|d| format!("{} {} {}", d.level, d.pointer, d.message)).collect()
    }

    fn sample() -> Value {
        json!({
            "paths": {
                "/a/{id}": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok"}}}},
                "/b": {"post": {"operationId": "postB"}},
            },
            "tags": [{"name": "x"}, {"name": "y.z"}, {"name": "it's"}],
            "weird": {"a b.c": 1, "n": 2},
        })
    }

    #[test]
    fn root_path() {
        assert_eq!(paths(&sample(), "$"), ["the document root"]);
        assert_eq!(paths(&sample(), " $ "), ["the document root"]);
    }

    #[test]
    fn dot_and_bracket_names() {
        let doc = sample();
        assert_eq!(paths(&doc, "$.paths['/a/{id}'].get"), ["#/paths/~1a~1{id}/get"]);
        assert_eq!(paths(&doc, "$[\"paths\"][\"/b\"].post.operationId"), ["#/paths/~1b/post/operationId"]);
        assert_eq!(paths(&doc, "$.weird['a b.c']"), ["#/weird/a b.c"]);
        assert_eq!(paths(&doc, "$.paths[ '/b' ]"), ["#/paths/~1b"]);
        assert_eq!(paths(&doc, "$.paths['/a/{id}'].get.responses['200']"), ["#/paths/~1a~1{id}/get/responses/200"]);
        assert!(paths(&doc, "$.paths.missing").is_empty());
        assert!(paths(&doc, "$.tags.name").is_empty());
    }

    #[test]
    fn string_escapes() {
        let doc = sample();
        assert_eq!(paths(&doc, r"$.tags[?(@.name == 'it\'s')]"), ["#/tags/2"]);
        assert_eq!(paths(&doc, r#"$.tags[?(@.name == "it's")]"#), ["#/tags/2"]);
        assert_eq!(paths(&doc, r"$['p\u0061ths']['\/b']"), ["#/paths/~1b"]);
    }

    #[test]
    fn indexes() {
        let doc = sample();
        assert_eq!(paths(&doc, "$.tags[0]"), ["#/tags/0"]);
        assert_eq!(paths(&doc, "$.tags[-1].name"), ["#/tags/2/name"]);
        assert!(paths(&doc, "$.tags[3]").is_empty());
        assert!(paths(&doc, "$.tags[-4]").is_empty());
        assert!(paths(&doc, "$.weird[0]").is_empty());
    }

    #[test]
    fn wildcards() {
        let doc = sample();
        assert_eq!(paths(&doc, "$.paths.*.*.operationId").len(), 2);
        assert_eq!(paths(&doc, "$.tags[*].name"), ["#/tags/0/name", "#/tags/1/name", "#/tags/2/name"]);
        assert_eq!(paths(&doc, "$.weird.*").len(), 2);
    }

    #[test]
    fn filters() {
        let doc = sample();
        assert_eq!(paths(&doc, "$.tags[?(@.name == 'y.z')]"), ["#/tags/1"]);
        assert_eq!(paths(&doc, "$.tags[?@.name=='x']"), ["#/tags/0"]);
        assert_eq!(paths(&doc, "$.paths.*.*[?(@.operationId == 'postB')]").len(), 0);
        assert_eq!(paths(&doc, "$.paths.*[?(@.operationId == 'postB')]"), ["#/paths/~1b/post"]);
        assert_eq!(paths(&doc, "$.paths.*.get[?(@['200'].description == 'ok')]"), ["#/paths/~1a~1{id}/get/responses"]);
        assert_eq!(paths(&doc, "$.weird[?(@ == 2.0)]"), ["#/weird/n"]);
        assert!(paths(&doc, "$.tags[?(@.missing == null)]").is_empty());
    }

    #[test]
    fn filters_with_existence_tests_and_conjunctions() {
        let doc = sample();
        assert_eq!(paths(&doc, "$.paths.*[?(@.operationId)]").len(), 2);
        assert_eq!(paths(&doc, "$.paths.*[?(!@.responses && @.operationId)]"), ["#/paths/~1b/post"]);
        assert_eq!(paths(&doc, "$.paths.*[?@.responses['200'] && @.operationId == 'getA']"), ["#/paths/~1a~1{id}/get"]);
        assert!(paths(&doc, "$.paths.*[?(!@.operationId && @.responses)]").is_empty());
        assert!(parse_path("$.tags[?(!@.name == 'x')]").unwrap_err().unsupported);
        assert!(parse_path("$.tags[?(@.name & @.a)]").is_err());
    }

    #[test]
    fn unsupported_and_invalid_paths() {
        for (expr, unsupported) in [
            ("$..name", true),
            ("$.tags[0:1]", true),
            ("$.tags[0,1]", true),
            ("$.tags[?(@.name != 'x')]", true),
            ("$.tags[?(@.name == 'x' || @.a == 'b')]", true),
            ("$.tags[?(length(@) == 1)]", true),
            ("paths", false),
            ("$.", false),
            ("$.paths['/b'", false),
            ("$.paths['/b]", false),
            ("$.paths/b", false),
            ("$['\\q']", false),
        ] {
            let err = parse_path(expr).expect_err(expr);
            assert_eq!(err.unsupported, unsupported, "{expr}: {err:?}");
        }
    }

    #[test]
    fn update_deep_merges_objects() {
        let mut doc = json!({"info": {"title": "a", "contact": {"name": "n"}, "tags": ["x"]}});
        let (report, diags) = apply(
            &mut doc,
            json!([{"target": "$.info", "description": "d", "update": {
                "title": "b", "contact": {"email": "e"}, "tags": ["y"], "new": {"k": 1}
            }}]),
        );
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(
            doc,
            json!({"info": {"title": "b", "contact": {"name": "n", "email": "e"}, "tags": ["x", "y"], "new": {"k": 1}}})
        );
        assert_eq!(
            report.applied,
            [AppliedAction { target: "$.info".into(), description: Some("d".into()), matched: 1 }]
        );
    }

    #[test]
    fn update_appends_to_arrays_and_replaces_primitives() {
        let mut doc = json!({"tags": [{"name": "a"}], "info": {"title": "old", "kind": "s"}});
        let (_, diags) = apply(
            &mut doc,
            json!([
                {"target": "$.tags", "update": {"name": "b"}},
                {"target": "$.info.title", "update": "new"},
                {"target": "$.info.kind", "update": {"now": "object"}},
            ]),
        );
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(
            doc,
            json!({"tags": [{"name": "a"}, {"name": "b"}], "info": {"title": "new", "kind": {"now": "object"}}})
        );
    }

    #[test]
    fn update_with_wildcard_touches_every_match() {
        let mut doc = sample();
        let (report, diags) = apply(&mut doc, json!([{"target": "$.paths.*.*", "update": {"x-seen": true}}]));
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(report.applied[0].matched, 2);
        assert_eq!(doc["paths"]["/b"]["post"]["x-seen"], json!(true));
        assert_eq!(doc["paths"]["/a/{id}"]["get"]["x-seen"], json!(true));
    }

    #[test]
    fn update_object_target_with_non_object_is_an_error() {
        let mut doc = json!({"info": {"title": "a"}});
        let (_, diags) = apply(&mut doc, json!([{"target": "$.info", "update": "text"}]));
        assert_eq!(messages(&diags).len(), 1);
        assert!(messages(&diags)[0].starts_with("error /actions/0/update"), "{diags}");
        assert_eq!(doc, json!({"info": {"title": "a"}}));
    }

    #[test]
    fn remove_nodes() {
        let mut doc = sample();
        let (report, diags) = apply(
            &mut doc,
            json!([
                {"target": "$.paths['/b']", "remove": true},
                {"target": "$.tags[*]", "remove": true},
                {"target": "$.weird[?(@ == 1)]", "remove": true},
            ]),
        );
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(report.applied.iter().map(|a| a.matched).collect::<Vec<_>>(), [1, 3, 1]);
        assert!(doc["paths"].get("/b").is_none());
        assert!(doc["paths"].get("/a/{id}").is_some());
        assert_eq!(doc["tags"], json!([]));
        assert_eq!(doc["weird"], json!({"n": 2}));
    }

    #[test]
    fn remove_by_filter_keeps_other_array_items_in_order() {
        let mut doc = json!({"tags": [{"n": 1}, {"n": 2}, {"n": 1}, {"n": 3}]});
        let (_, diags) = apply(&mut doc, json!([{"target": "$.tags[?(@.n == 1)]", "remove": true}]));
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(doc, json!({"tags": [{"n": 2}, {"n": 3}]}));
    }

    #[test]
    fn remove_then_update_replaces_a_node() {
        let mut doc = json!({"s": {"enum": ["a", "b"]}});
        let (_, diags) = apply(
            &mut doc,
            json!([
                {"target": "$.s.enum", "remove": true},
                {"target": "$.s", "update": {"enum": ["c"]}},
            ]),
        );
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(doc, json!({"s": {"enum": ["c"]}}));
    }

    #[test]
    fn remove_root_is_an_error() {
        let mut doc = sample();
        let (_, diags) = apply(&mut doc, json!([{"target": "$", "remove": true}]));
        assert!(messages(&diags)[0].contains("cannot remove the document root"), "{diags}");
        assert_eq!(doc, sample());
    }

    #[test]
    fn stale_target_is_an_error_with_help() {
        let mut doc = sample();
        let (report, diags) =
            apply(&mut doc, json!([{"target": "$.components.schemas.Gone", "update": {"type": "string"}}]));
        assert!(report.applied.is_empty());
        let d: Vec<_> = diags.iter().collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].level, Level::Error);
        assert_eq!(d[0].pointer, "/actions/0/target");
        assert!(d[0].message.contains("matches nothing"));
        assert!(d[0].help.as_deref().unwrap_or("").contains("remove the action or update its target"));
    }

    #[test]
    fn malformed_overlays_are_diagnostics() {
        let mut doc = sample();
        let mut diags = Diagnostics::new("o.yaml");
        apply_overlay(&mut doc, &json!({"info": {"title": "t", "version": "1"}, "actions": {}}), &mut diags);
        let m = messages(&diags);
        assert!(m.iter().any(|m| m.contains("no `overlay` version")), "{m:?}");
        assert!(m.iter().any(|m| m.starts_with("error /actions ")), "{m:?}");

        let mut diags = Diagnostics::new("o.yaml");
        apply_overlay(&mut doc, &json!({"overlay": "2.0.0", "actions": []}), &mut diags);
        let m = messages(&diags);
        assert!(m.iter().any(|m| m.contains("unsupported overlay version `2.0.0`")), "{m:?}");
        assert!(m.iter().any(|m| m.contains("no `info`")), "{m:?}");

        let mut diags = Diagnostics::new("o.yaml");
        apply_overlay(&mut doc, &json!([1, 2]), &mut diags);
        assert!(diags.has_errors());
    }

    #[test]
    fn malformed_actions_are_diagnostics_and_skipped() {
        let mut doc = sample();
        let (report, diags) = apply(
            &mut doc,
            json!([
                {"target": "$.info"},
                {"target": "$.tags", "update": {"name": "q"}, "remove": true},
                {"update": {}},
                {"target": 3, "remove": true},
                {"target": "$..name", "remove": true},
                "not an object",
                {"target": "$.tags", "remove": "yes"},
                {"target": "$.tags[0]", "remove": true, "udpate": 1},
            ]),
        );
        let m = messages(&diags);
        let expect = [
            "error /actions/0 action has neither",
            "error /actions/1 action has both",
            "error /actions/2 action has no `target`",
            "error /actions/3/target `target` must be",
            "error /actions/4/target unsupported JSONPath `$..name`",
            "error /actions/5 action must be an object",
            "error /actions/6/remove `remove` must be true or false",
            "warning /actions/7/udpate unknown action field",
        ];
        for e in expect {
            assert!(m.iter().any(|m| m.starts_with(e)), "missing {e:?} in {m:?}");
        }
        assert_eq!(m.len(), expect.len(), "{m:?}");
        // Only the last, valid action ran.
        assert_eq!(report.applied.len(), 1);
        assert_eq!(doc["tags"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn parse_overlay_converts_yaml_keys_to_strings() {
        let mut diags = Diagnostics::new("o.yaml");
        let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.x\n  update:\n    200: {description: ok}\n    true: yes\n    1.5: f\n";
        let v = parse_overlay(text, "o.yaml", &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags}");
        let update = &v["actions"][0]["update"];
        assert_eq!(update["200"], json!({"description": "ok"}));
        assert_eq!(update["true"], json!("yes"));
        assert_eq!(update["1.5"], json!("f"));
        assert_eq!(v["overlay"], json!("1.0.0"));
    }

    #[test]
    fn parse_overlay_reports_yaml_errors_with_line() {
        let mut diags = Diagnostics::new("o.yaml");
        assert!(parse_overlay("overlay: 1.0.0\nactions: [\n  - x: : :\n", "o.yaml", &mut diags).is_none());
        let d: Vec<_> = diags.iter().collect();
        assert_eq!(d.len(), 1);
        assert!(d[0].line.is_some(), "{}", d[0]);
        assert!(d[0].message.starts_with("cannot parse overlay o.yaml"), "{}", d[0]);
    }

    #[test]
    fn yaml_to_json_rejects_what_json_cannot_hold() {
        let y = |s: &str| serde_yaml::from_str::<serde_yaml::Value>(s).unwrap();
        assert!(yaml_to_json(y("a: !custom 1")).unwrap_err().contains("tag"));
        assert!(yaml_to_json(y("a: .nan")).is_err());
        assert!(yaml_to_json(y("~: 1")).is_err());
        let dup = yaml_to_json(y("r:\n  200: a\n  '200': b")).unwrap_err();
        assert!(dup.contains("duplicate key `200`") && dup.contains("/r/200"), "{dup}");
        assert_eq!(yaml_to_json(y("a: [1, -2, 2.5, null, true]")).unwrap(), json!({"a": [1, -2, 2.5, null, true]}));
    }

    // -- the project's real overlays -----------------------------------------

    fn workspace_root() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// Load a shared spec and apply the overlays named for it in the manifest;
    /// `None` when the shared specs are not checked out.
    fn patched_spec(name: &str) -> Option<(Value, Value, OverlayReport)> {
        let root = workspace_root();
        let manifest = crate::manifest::Manifest::load(&root).unwrap();
        let entry = manifest.spec(name).unwrap();
        let resolved = match entry.resolve(&root) {
            Ok(r) => r,
            Err(e) => {
                println!("skipping {name}: {e}");
                return None;
            }
        };
        let text = String::from_utf8(resolved.bytes).unwrap();
        let raw = yaml_to_json(serde_yaml::from_str(&text).unwrap()).unwrap();
        let mut doc = raw.clone();
        let mut report = OverlayReport::default();
        for path in entry.overlay_paths(&root) {
            let file = path.display().to_string();
            let mut diags = Diagnostics::new(&file);
            let text = std::fs::read_to_string(&path).unwrap();
            let overlay = parse_overlay(&text, &file, &mut diags).unwrap();
            let r = apply_overlay(&mut doc, &overlay, &mut diags);
            assert!(diags.is_empty(), "{diags}");
            report.applied.extend(r.applied);
        }
        Some((raw, doc, report))
    }

    /// Every local `$ref` in `v` whose target does not exist, with where it is.
    fn dangling_refs(doc: &Value) -> Vec<String> {
        fn walk(doc: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    for (k, child) in map {
                        if let (true, Value::String(r)) = (k == "$ref", child) {
                            if let Some(pointer) = r.strip_prefix('#') {
                                if doc.pointer(pointer).is_none() {
                                    out.push(format!("{at}: {r}"));
                                }
                            } else {
                                out.push(format!("{at}: non-local {r}"));
                            }
                        }
                        walk(doc, child, &join_pointer(at, k), out);
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        walk(doc, child, &join_pointer(at, &i.to_string()), out);
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(doc, doc, "", &mut out);
        out
    }

    #[test]
    fn airbyte_api_overlay_fixes_every_dangling_ref() {
        let Some((raw, doc, report)) = patched_spec("airbyte-api") else {
            return;
        };
        // Fails once upstream fixes a defect itself: then drop its action.
        assert_eq!(
            dangling_refs(&raw),
            [
                "/paths/~1dataplanes/post/responses/200/content/application~1json/schema: \
                 #/components/schemas/DataplaneCreateResponseBody",
                "/paths/~1embedded~1organizations/get/responses/403: #/components/responses/ForbiddenResponse",
            ]
        );
        assert_eq!(dangling_refs(&doc), Vec::<String>::new());
        assert!(report.applied.iter().all(|a| a.matched >= 1 && a.description.is_some()), "{report:?}");
        // The fixes must not change any existing node, only add the missing ones.
        assert_eq!(doc.pointer("/components/responses/ForbiddenResponse/description"), Some(&json!("Not allowed")));
        assert_eq!(
            doc.pointer("/components/schemas/DataplaneCreateResponseBody/required"),
            Some(&json!(["regionId", "dataplaneId", "clientId", "clientSecret"]))
        );
    }

    #[test]
    fn config_api_has_no_dangling_refs() {
        let Some((raw, doc, report)) = patched_spec("config-api") else {
            return;
        };
        // Upstream has none, and no action introduces one.
        assert_eq!(dangling_refs(&raw), Vec::<String>::new());
        assert_eq!(dangling_refs(&doc), Vec::<String>::new());
        assert!(report.applied.iter().all(|a| a.matched >= 1 && a.description.is_some()), "{report:?}");
    }
}
