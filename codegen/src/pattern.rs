//! ECMA-262 regular expressions (`pattern`) as Rust `regex` syntax, and strings
//! that satisfy string constraints (pattern, format, lengths) for samples.
//!
//! OpenAPI patterns are ECMA-262 and unanchored. The `regex` crate differs in
//! a few places that matter for validation: `\d` and `\w` are Unicode-aware
//! there but ASCII in ECMA (rewritten to ASCII classes), `\uXXXX` is spelled
//! `\x{XXXX}`, and lookaround is missing. Leading lookaheads (`^(?!…)…`, the
//! usual "and not" idiom) become separate anchored regexes a value must not
//! (or must) match; any other construct `regex` rejects makes the pattern
//! unusable, which the builder reports as a warning.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A pattern in Rust regex syntax: `regex` must match, every `forbid` must not,
/// every `require` must (each anchored at the start, as the lookahead was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub regex: String,
    pub forbid: Vec<String>,
    pub require: Vec<String>,
}

impl Translated {
    /// Whether `text` satisfies the pattern (compiles each regex; `false` if one does not compile).
    pub fn matches(&self, text: &str) -> bool {
        let ok = |re: &str| regex::Regex::new(re).map(|r| r.is_match(text)).unwrap_or(false);
        ok(&self.regex) && self.require.iter().all(|r| ok(r)) && !self.forbid.iter().any(|r| ok(r))
    }
}

/// Translate an ECMA-262 pattern; `Err` says why `regex` cannot express it.
pub fn translate(ecma: &str) -> Result<Translated, String> {
    let mut forbid = Vec::new();
    let mut require = Vec::new();
    let mut regex = None;
    if let Some(mut rest) = ecma.strip_prefix('^') {
        while rest.starts_with("(?!") || rest.starts_with("(?=") {
            let end = group_end(rest).ok_or_else(|| "unbalanced parentheses".to_string())?;
            let anchored = format!("^(?:{})", rewrite(&rest[3..end])?);
            if rest.starts_with("(?!") {
                forbid.push(anchored);
            } else {
                require.push(anchored);
            }
            rest = &rest[end + 1..];
        }
        if !forbid.is_empty() || !require.is_empty() {
            regex = Some(format!("^{}", rewrite(rest)?));
        }
    }
    let regex = match regex {
        Some(r) => r,
        None => rewrite(ecma)?,
    };
    let out = Translated { regex, forbid, require };
    check(&out)?;
    Ok(out)
}

fn check(t: &Translated) -> Result<(), String> {
    for re in std::iter::once(&t.regex).chain(&t.forbid).chain(&t.require) {
        // Bounded like the server will build it, so what compiles here compiles there.
        regex::RegexBuilder::new(re).size_limit(1 << 20).build().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Byte index of the `)` closing the group that starts at `s[0]`.
fn group_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// ECMA escapes in `regex` spelling.
fn rewrite(ecma: &str) -> Result<String, String> {
    let mut out = String::with_capacity(ecma.len() + 8);
    let mut in_class = false;
    let mut chars = ecma.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else { return Err("pattern ends with `\\`".into()) };
                match (e, in_class) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('d', true) => out.push_str("0-9"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('u', _) => {
                        let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                        if hex.len() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                            return Err("malformed `\\u` escape".into());
                        }
                        out.push_str(&format!("\\x{{{hex}}}"));
                    }
                    ('/', _) => out.push('/'),
                    ('c', _) => return Err("`\\c` control escapes are not supported".into()),
                    (e, _) if e.is_ascii_digit() && e != '0' => {
                        return Err("backreferences are not supported".into());
                    }
                    (e, _) => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // `[^]` (anything) and `[]` (nothing) have no `regex` spelling as such.
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                if chars.peek() == Some(&']') {
                    return Err("empty character classes are not supported".into());
                }
            }
            '[' if in_class => out.push_str("\\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '(' if !in_class && chars.peek() == Some(&'?') => {
                out.push('(');
                let mut look = chars.clone();
                look.next();
                match look.next() {
                    Some('=' | '!') => return Err("lookahead is supported only at the start, after `^`".into()),
                    Some('<') if matches!(look.next(), Some('=' | '!')) => {
                        return Err("lookbehind is not supported".into())
                    }
                    Some('<') => {
                        // `(?<name>…)`: `regex` spells named groups the same way.
                    }
                    _ => {}
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A string matching `t` with a char count in `[min_len, max_len]`, made from
/// the regex's structure (shortest first, then longer repetitions).
pub fn generate(t: &Translated, min_len: usize, max_len: Option<usize>) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(&t.regex).ok()?;
    for extra in [0usize, 1, 2, 4, 8, 16, 32, 64] {
        for pick in 0..3 {
            let mut out = String::new();
            if !emit(&hir, extra, pick, &mut out, 0) {
                break;
            }
            let n = out.chars().count();
            if n >= min_len && max_len.is_none_or(|m| n <= m) && t.matches(&out) {
                return Some(out);
            }
        }
    }
    None
}

fn emit(hir: &Hir, extra: usize, pick: usize, out: &mut String, depth: usize) -> bool {
    if depth > 64 || out.len() > 4096 {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => {
                out.push_str(s);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(cls)) => {
            let ranges = cls.ranges();
            let preferred = ['a', 'b', 'c', 'x', '0', '1', 'A', 'B', '_', '-', '.'];
            let allowed: Vec<char> =
                preferred.iter().copied().filter(|c| ranges.iter().any(|r| r.start() <= *c && *c <= r.end())).collect();
            match allowed.get(pick).or(allowed.first()) {
                Some(c) => out.push(*c),
                None => match ranges.iter().map(|r| r.start()).find(|c| !c.is_control()) {
                    Some(c) => out.push(c),
                    None => return false,
                },
            }
            true
        }
        HirKind::Class(Class::Bytes(cls)) => match cls.ranges().first() {
            Some(r) if r.start().is_ascii() => {
                out.push(char::from(r.start()));
                true
            }
            _ => false,
        },
        HirKind::Repetition(rep) => {
            let max = rep.max.unwrap_or(u32::MAX) as usize;
            let n = (rep.min as usize).saturating_add(extra).min(max).max(rep.min as usize);
            (0..n.min(512)).all(|_| emit(&rep.sub, extra, pick, out, depth + 1))
        }
        HirKind::Capture(cap) => emit(&cap.sub, extra, pick, out, depth + 1),
        HirKind::Concat(parts) => parts.iter().all(|p| emit(p, extra, pick, out, depth + 1)),
        HirKind::Alternation(alts) => match alts.get(pick % alts.len().max(1)) {
            Some(a) => emit(a, extra, pick, out, depth + 1),
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_ecma_escapes() {
        let t = translate(r"^\d+\/\w$").unwrap();
        assert_eq!(t.regex, "^[0-9]+/[0-9A-Za-z_]$");
        assert!(t.matches("12/a"));
        assert!(!t.matches("١٢/a"), "ECMA `\\d` is ASCII only");
    }

    #[test]
    fn leading_lookaheads_become_separate_regexes() {
        let t = translate(r"^(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$").unwrap();
        assert_eq!(t.forbid.len(), 2);
        assert!(t.matches("my.bucket"));
        assert!(!t.matches("my..bucket"));
        assert!(!t.matches("10.0.0.1"));
    }

    #[test]
    fn unsupported_constructs_are_errors() {
        assert!(translate(r"a(?=b)").is_err());
        assert!(translate(r"(?<=a)b").is_err());
        assert!(translate(r"(a)\1").is_err());
        assert!(translate(r"[").is_err());
    }

    #[test]
    fn generates_matching_strings() {
        for p in [
            r"^[a-z]{2,3}-[a-z]+(-[a-z]+)?-\d+$",
            r"\w+|(ASC|DESC)",
            r"^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[a-z0-9]+$",
            r"^(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
        ] {
            let t = translate(p).unwrap();
            let s = generate(&t, 0, None).unwrap_or_else(|| panic!("no sample for {p}"));
            assert!(t.matches(&s), "{s:?} does not match {p}");
        }
        let t = translate("^a+$").unwrap();
        assert_eq!(generate(&t, 5, Some(6)).map(|s| s.len()), Some(5));
        assert_eq!(generate(&t, 5, Some(4)), None);
    }
}
