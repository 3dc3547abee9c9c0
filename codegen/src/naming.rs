//! All naming in one place: case conversion (heck), Rust keyword escaping,
//! identifiers from arbitrary wire strings, and collision resolution.
//!
//! Every name the generator emits is made here. The wire name (JSON property,
//! enum value, operationId) is always kept next to the Rust name by callers.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Keywords that `r#` can escape.
const RAW_OK_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NO_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Spell leading symbols as words so `+1`/`-1`/`@timestamp`/`$ref` stay distinct
/// and readable instead of collapsing to the same identifier.
fn spell_symbols(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len() + 8);
    let mut at_start = true;
    for c in wire.chars() {
        let word = match c {
            '+' => Some("plus"),
            '-' if at_start => Some("minus"),
            '@' if at_start => Some("at"),
            '$' if at_start => Some("dollar"),
            '#' if at_start => Some("hash"),
            '*' => Some("star"),
            _ => None,
        };
        if let Some(w) = word {
            out.push(' ');
            out.push_str(w);
            out.push(' ');
            continue;
        }
        at_start = false;
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            // Everything else separates words: `-`, `/`, `.`, spaces, `:`, and
            // non-ASCII characters (kept out of identifiers on purpose: confusables).
            out.push(' ');
        }
    }
    out
}

/// Escape a snake_case identifier that is a keyword or starts with a digit.
fn escape_snake(mut s: String, fallback: &str) -> String {
    if s.is_empty() {
        s = fallback.to_string();
    }
    if s.as_bytes()[0].is_ascii_digit() {
        s = format!("n{s}");
    }
    if NO_RAW_KEYWORDS.contains(&s.as_str()) {
        return format!("{s}_");
    }
    if RAW_OK_KEYWORDS.contains(&s.as_str()) {
        return format!("r#{s}");
    }
    s
}

fn escape_camel(mut s: String, fallback: &str) -> String {
    if s.is_empty() {
        s = fallback.to_string();
    }
    if s.as_bytes()[0].is_ascii_digit() {
        s = format!("V{s}");
    }
    if NO_RAW_KEYWORDS.contains(&s.as_str()) {
        return format!("{s}_");
    }
    s
}

/// A snake_case identifier for a field, parameter or method.
pub fn snake_ident(wire: &str, fallback: &str) -> String {
    escape_snake(spell_symbols(wire).to_snake_case(), fallback)
}

/// An UpperCamelCase identifier for a type or variant.
pub fn camel_ident(wire: &str, fallback: &str) -> String {
    escape_camel(spell_symbols(wire).to_upper_camel_case(), fallback)
}

/// The identifier without any `r#` prefix (for building derived names).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Whether `s` can be given to `proc_macro2::Ident::new` (or, with its `r#`
/// prefix, `Ident::new_raw`) as it is: ASCII, a letter or `_` first, not a
/// lone `_`, and a keyword only in its raw form.
pub fn is_ident(s: &str) -> bool {
    let (raw, body) = match s.strip_prefix("r#") {
        Some(b) => (true, b),
        None => (false, s),
    };
    let mut chars = body.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || body == "_" || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return false;
    }
    if raw {
        !NO_RAW_KEYWORDS.contains(&body) && RAW_OK_KEYWORDS.contains(&body)
    } else {
        !NO_RAW_KEYWORDS.contains(&body) && !RAW_OK_KEYWORDS.contains(&body)
    }
}

/// An identifier for any text, keeping the case style its first letter
/// suggests: `ident_of(x) == x` whenever [`is_ident`] holds. The emitter's
/// last line of defence; names made by this module never need it.
pub fn ident_of(text: &str) -> String {
    if is_ident(text) {
        return text.to_string();
    }
    let upper = unraw(text).chars().find(|c| c.is_ascii_alphabetic()).is_some_and(|c| c.is_ascii_uppercase());
    if upper {
        camel_ident(text, "Name")
    } else {
        snake_ident(text, "name")
    }
}

/// A crate-name stem from any text (a file stem such as `oai-petstore-3.0`
/// or `api.example.com`): lowercase ASCII words joined by `-`, starting with
/// a letter (`oai-petstore-3-0`, `api-example-com`; `3scale` → `api-3scale`).
pub fn crate_stem(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        return "api".into();
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "api-");
    }
    out
}

/// A cargo feature name for a tag: its words in lowercase kebab-case, ASCII
/// letters and digits only (`Connection Things`, `connection_things` and
/// `connectionThings` all give `connection-things`); `tag` when no word is left.
pub fn feature_name(tag: &str) -> String {
    let kebab = tag.to_kebab_case();
    let words: Vec<String> = kebab
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        return "tag".into();
    }
    words.join("-")
}

/// Check a crate-name stem a user chose (`--name`): what Cargo accepts and
/// what stays a snake-case identifier once `-` becomes `_`. The error says
/// what would be accepted instead.
pub fn check_crate_stem(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !name.ends_with(['-', '_'])
        && name.len() <= 64;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` cannot name a crate: use lowercase ASCII letters, digits, `-` and `_`, starting with a letter \
             (at most 64 characters), for example `{}`",
            crate_stem(name)
        ))
    }
}

/// The Rust identifier a crate is imported as (`oai-petstore-types` →
/// `oai_petstore_types`), valid whatever the crate name says.
pub fn crate_ident(crate_name: &str) -> String {
    let s = crate_name.replace('-', "_");
    if is_ident(&s) && !s.starts_with('_') {
        s
    } else {
        crate_stem(crate_name).replace('-', "_")
    }
}

/// Make names unique within one scope, in input order: the first keeps its
/// name, later ones get `_2`, `_3`… (snake) or `2`, `3`… (camel).
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserve names that generated code uses for itself in this scope.
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope { taken: names.iter().map(|s| s.to_string()).collect() }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(unraw(name))
    }

    /// Claim `candidate`, or the first free numbered form of it.
    pub fn claim(&mut self, candidate: &str) -> String {
        let base = unraw(candidate);
        if self.taken.insert(base.to_string()) {
            return candidate.to_string();
        }
        let snake = base.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        // `self_` and `Self_` (escaped keywords) number as `self_2`/`Self2`, not
        // `self__2`/`Self_2`, which the case lints reject.
        let stem = match base.trim_end_matches('_') {
            "" => base,
            trimmed => trimmed,
        };
        for n in 2.. {
            let next = if snake { format!("{stem}_{n}") } else { format!("{stem}{n}") };
            if self.taken.insert(next.clone()) {
                return next;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

impl Scope {
    /// Claim a cargo feature name, or its first free numbered form (`x-2`).
    pub fn claim_feature(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_string()) {
            return candidate.to_string();
        }
        for n in 2.. {
            let next = format!("{candidate}-{n}");
            if self.taken.insert(next.clone()) {
                return next;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

/// Field names for one struct, in property order.
pub fn field_names(wire_names: &[&str], reserved: &[&str]) -> Vec<String> {
    let mut scope = Scope::with_reserved(reserved);
    wire_names.iter().map(|w| scope.claim(&snake_ident(w, "field"))).collect()
}

/// Variant names for one string enum, in value order, plus the catch-all name.
pub fn enum_variant_names(values: &[&str]) -> (Vec<String>, String) {
    let mut scope = Scope::new();
    let names: Vec<String> = values
        .iter()
        .map(|v| {
            let fallback = if v.is_empty() { "Empty" } else { "Value" };
            scope.claim(&camel_ident(v, fallback))
        })
        .collect();
    let catch_all = scope.claim("Unknown");
    (names, catch_all)
}

/// A union variant's name: the member's name without the union's own name in
/// front (`RowFilteringOperation` + `RowFilteringOperationEqual` → `Equal`).
pub fn variant_name(parent: &str, member: &str) -> String {
    let candidate = camel_ident(member, "Variant");
    if let Some(rest) = candidate.strip_prefix(parent) {
        if rest.starts_with(|c: char| c.is_ascii_uppercase()) {
            return rest.to_string();
        }
    }
    // `HashingMapperConfiguration` in `MapperConfiguration` → `Hashing`.
    match candidate.strip_suffix(parent) {
        Some(rest) if !rest.is_empty() && rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_string(),
        _ => candidate,
    }
}

/// Rust name of a type from name segments (`["Source", "configuration"]`).
pub fn type_name(segments: &[&str]) -> String {
    let joined: String = segments.iter().map(|s| spell_symbols(s).to_upper_camel_case()).collect();
    escape_camel(joined, "Type")
}

/// operationId for an operation that has none: method and path, e.g.
/// `get /v1/workspaces/{id}` → `get_v1_workspaces_by_id`.
pub fn synthesize_operation_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_ascii_lowercase()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by_{param}"));
        } else {
            parts.push(seg.to_string());
        }
    }
    if parts.len() == 1 {
        parts.push("root".into());
    }
    parts.join("_").to_snake_case()
}

/// Method names for operations in document order; duplicates after case
/// conversion get numbered. Reserved names are those of the client's own items.
pub fn method_names(operation_ids: &[&str], reserved: &[&str]) -> Vec<String> {
    let mut scope = Scope::with_reserved(reserved);
    operation_ids.iter().map(|id| scope.claim(&snake_ident(id, "operation"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases() {
        let cases = [
            ("grantType", "grant_type"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "self_"),
            ("crate", "crate_"),
            ("+1", "plus_1"),
            ("-1", "minus_1"),
            ("@timestamp", "at_timestamp"),
            ("$ref", "dollar_ref"),
            ("1abc", "n1abc"),
            ("a.b/c", "a_b_c"),
            ("", "field"),
            ("日本", "field"),
        ];
        for (wire, want) in cases {
            assert_eq!(snake_ident(wire, "field"), want, "{wire}");
        }
    }

    #[test]
    fn collisions_are_numbered() {
        assert_eq!(
            field_names(&["grant-type", "grant_type", "grantType"], &[]),
            ["grant_type", "grant_type_2", "grant_type_3"]
        );
        let (names, catch) = enum_variant_names(&["unknown", "Unknown", "a b", ""]);
        assert_eq!(names, ["Unknown", "Unknown2", "AB", "Empty"]);
        assert_eq!(catch, "Unknown3");
        assert_eq!(field_names(&["self", "Self", "self_"], &[]), ["self_", "self_2", "self_3"]);
        let mut scope = Scope::new();
        assert_eq!([scope.claim("Self_"), scope.claim("Self_")], ["Self_", "Self2"]);
    }

    #[test]
    fn crate_names_from_any_text() {
        assert_eq!(crate_stem("oai-petstore-3.0"), "oai-petstore-3-0");
        assert_eq!(crate_stem("api.example.com"), "api-example-com");
        assert_eq!(crate_stem("3scale"), "api-3scale");
        assert_eq!(crate_stem("..."), "api");
        assert_eq!(crate_stem("Ünï Côde"), "n-c-de");
        assert_eq!(crate_ident("oai-petstore-3-0-types"), "oai_petstore_3_0_types");
        assert_eq!(crate_ident("a.b-types"), "a_b_types");
        assert!(check_crate_stem("petstore_v2").is_ok());
        for bad in ["", "Pet", "3pet", "pet.3", "pet-", "pet store", "é"] {
            assert!(check_crate_stem(bad).is_err(), "{bad}");
        }
        assert!(check_crate_stem("pet.3").unwrap_err().contains("`pet-3`"));
    }

    #[test]
    fn identifiers_are_checked() {
        for ok in ["a", "A1", "_x", "r#type", "self_"] {
            assert!(is_ident(ok), "{ok}");
            assert_eq!(ident_of(ok), ok);
        }
        for bad in ["", "_", "1a", "a.b", "type", "r#self", "r#foo", "self", "é"] {
            assert!(!is_ident(bad), "{bad}");
            assert!(is_ident(&ident_of(bad)), "{bad} -> {}", ident_of(bad));
        }
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name(&["Self"]), "Self_");
        assert_eq!(type_name(&["source", "configuration"]), "SourceConfiguration");
        assert_eq!(type_name(&["200"]), "V200");
        assert_eq!(variant_name("RowFilteringOperation", "RowFilteringOperationEqual"), "Equal");
        assert_eq!(variant_name("Foo", "Foobar"), "Foobar");
        assert_eq!(variant_name("Foo", "Bar"), "Bar");
        assert_eq!(variant_name("MapperConfiguration", "HashingMapperConfiguration"), "Hashing");
        assert_eq!(synthesize_operation_id("GET", "/v1/workspaces/{workspaceId}"), "get_v1_workspaces_by_workspace_id");
        assert_eq!(synthesize_operation_id("get", "/"), "get_root");
    }
}
