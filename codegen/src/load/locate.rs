//! Best-effort line numbers for JSON pointers in the source text.
//!
//! The YAML and JSON parsers give positions only for syntax errors; every
//! later diagnostic has a pointer. This module finds the line a pointer's
//! last segment sits on by walking the text's block structure: each segment
//! is searched among the lines indented deeper than its parent's key, up to
//! the end of the parent's block. Pretty-printed JSON has the same shape.
//! When a segment cannot be found (flow style, anchors, keys the generator
//! rewrote), the line of the deepest segment found is returned, so the user
//! is still sent near the problem. Never panics; linear in the text size per
//! lookup.

/// One source line: indentation width and content without it.
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// A document's lines, prepared once for many lookups.
pub struct Locator<'a> {
    lines: Vec<Line<'a>>,
    /// Per line: the next line a key search must look at once this line's
    /// key did not match (see [`Locator::find_key`]).
    next_key: Vec<usize>,
    /// Per line: the next line that can end a block this line is inside
    /// (see [`Locator::block_end`]).
    next_end: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        let lines: Vec<Line<'a>> = text
            .lines()
            .map(|l| {
                let trimmed = l.trim_start_matches([' ', '\t']);
                Line { indent: l.len() - trimmed.len(), text: trimmed.trim_end() }
            })
            .collect();
        let next_key =
            next_not_deeper(&lines, |l| (!Self::skippable(l) && l.text != "{" && l.text != "[").then(|| key_indent(l)));
        let next_end =
            next_not_deeper(&lines, |l| (!Self::skippable(l) && !l.text.starts_with(['}', ']'])).then_some(l.indent));
        Locator { lines, next_key, next_end }
    }

    /// 1-based line of the node at `pointer` (`#/a/b/0`), or of its deepest
    /// ancestor that could be found; `None` for the root or an empty text.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let path = pointer.strip_prefix('#').unwrap_or(pointer);
        let segments: Vec<String> = path.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        if segments.is_empty() {
            return None;
        }
        // The block being searched: lines (start..end) deeper than `parent_indent`.
        let (mut start, mut end) = (0, self.lines.len());
        let mut parent_indent: Option<usize> = None;
        let mut found = None;
        for seg in &segments {
            let hit = match seg.parse::<usize>() {
                Ok(i) => self
                    .find_item(start, end, parent_indent, i)
                    .or_else(|| self.find_key(start, end, parent_indent, seg)),
                Err(_) => self.find_key(start, end, parent_indent, seg),
            };
            let Some((at, indent)) = hit else { break };
            found = Some(at + 1);
            start = at + 1;
            end = self.block_end(at, indent);
            parent_indent = Some(indent);
        }
        found
    }

    fn in_block(&self, i: usize, parent_indent: Option<usize>) -> bool {
        let l = &self.lines[i];
        // YAML allows a sequence at its key's own indentation.
        parent_indent.is_none_or(|p| l.indent > p || (l.indent == p && l.text.starts_with("- ")))
    }

    /// Blank lines, comments and lines that only close JSON brackets.
    fn skippable(l: &Line) -> bool {
        l.text.is_empty() || l.text.starts_with('#') || l.text.chars().all(|c| matches!(c, '}' | ']' | ','))
    }

    /// The line holding key `key` directly in the block, with its indent.
    ///
    /// Only lines at the block's first key indentation can hold it: after one
    /// that does not match, the search resumes at the next line that is not
    /// deeper (`next_key`), since every line between would be passed over.
    fn find_key(&self, start: usize, end: usize, parent_indent: Option<usize>, key: &str) -> Option<(usize, usize)> {
        let mut child_indent = None;
        let mut i = start;
        while i < end {
            let l = &self.lines[i];
            if Self::skippable(l) || l.text == "{" || l.text == "[" || !self.in_block(i, parent_indent) {
                i += 1;
                continue;
            }
            // A list item line (`- name: x`) holds its first key after the dash.
            let indent = key_indent(l);
            let text = match l.text.strip_prefix("- ") {
                Some(rest) => rest.trim_start(),
                None => l.text,
            };
            let direct = *child_indent.get_or_insert(indent);
            if indent != direct {
                i += 1;
                continue;
            }
            if key_matches(text, key) {
                return Some((i, indent));
            }
            i = self.next_key[i];
        }
        None
    }

    /// The line of list item `index` (`- ` in YAML, or the index-th element
    /// line of a pretty-printed JSON array) directly in the block.
    fn find_item(
        &self,
        start: usize,
        end: usize,
        parent_indent: Option<usize>,
        index: usize,
    ) -> Option<(usize, usize)> {
        let mut seen = 0;
        let mut item_indent = None;
        for i in start..end {
            let l = &self.lines[i];
            if Self::skippable(l) || !self.in_block(i, parent_indent) {
                continue;
            }
            let direct = *item_indent.get_or_insert(l.indent);
            if l.indent != direct {
                continue;
            }
            let is_item = l.text.starts_with('-') || l.text.starts_with('{') || l.text.starts_with('"');
            if !is_item {
                return None;
            }
            if seen == index {
                // Keys of a YAML item sit after `- `.
                let indent = if l.text.starts_with("- ") { l.indent + 1 } else { l.indent };
                return Some((i, indent));
            }
            seen += 1;
        }
        None
    }

    /// First line after `at` that is not deeper than `indent` (end of its block).
    /// A line deeper than `indent` is skipped with everything deeper than it.
    fn block_end(&self, at: usize, indent: usize) -> usize {
        let mut i = at + 1;
        while i < self.lines.len() {
            let l = &self.lines[i];
            if Self::skippable(l) || l.text.starts_with(['}', ']']) {
                i += 1;
            } else if l.indent <= indent {
                return i;
            } else {
                i = self.next_end[i];
            }
        }
        self.lines.len()
    }
}

/// The indentation of a line's first key: after the dash of a list item.
fn key_indent(l: &Line) -> usize {
    if l.text.starts_with("- ") {
        l.indent + 2
    } else {
        l.indent
    }
}

/// For each line, the next line after it whose `depth` is no deeper than its
/// own (lines without a depth neither count nor stop), or the number of lines.
fn next_not_deeper(lines: &[Line], depth: impl Fn(&Line) -> Option<usize>) -> Vec<usize> {
    let mut next = vec![lines.len(); lines.len()];
    // Lines still waiting for their next, deepest on top (depths increase upwards).
    let mut waiting: Vec<(usize, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(d) = depth(l) else { continue };
        while let Some(&(j, dj)) = waiting.last() {
            if d > dj {
                break;
            }
            next[j] = i;
            waiting.pop();
        }
        waiting.push((i, d));
    }
    next
}

/// Whether a line starts with `key:` in any YAML or JSON quoting.
fn key_matches(text: &str, key: &str) -> bool {
    let rest = if let Some(r) = text.strip_prefix('"') {
        r.strip_prefix(key).and_then(|r| r.strip_prefix('"'))
    } else if let Some(r) = text.strip_prefix('\'') {
        r.strip_prefix(key).and_then(|r| r.strip_prefix('\''))
    } else {
        text.strip_prefix(key)
    };
    rest.is_some_and(|r| r.trim_start().starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_pointers() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: id\n          in: path\n      responses:\n        '200':\n          description: ok\ncomponents:\n  schemas:\n    A:\n      type: object\n";
        let l = Locator::new(text);
        assert_eq!(l.line("#/paths/~1a~1{id}/get"), Some(4));
        assert_eq!(l.line("#/paths/~1a~1{id}/get/parameters/1"), Some(8));
        assert_eq!(l.line("#/paths/~1a~1{id}/get/parameters/1/in"), Some(9));
        assert_eq!(l.line("#/paths/~1a~1{id}/get/responses/200/description"), Some(12));
        assert_eq!(l.line("#/components/schemas/A/type"), Some(16));
        // Not there: the deepest ancestor that is.
        assert_eq!(l.line("#/components/schemas/B"), Some(14));
        assert_eq!(l.line("#"), None);
    }

    #[test]
    fn json_pointers() {
        let text = "{\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\n        \"parameters\": [\n          {\n            \"name\": \"x\"\n          },\n          {\n            \"name\": \"y\"\n          }\n        ]\n      }\n    }\n  }\n}\n";
        let l = Locator::new(text);
        assert_eq!(l.line("#/paths/~1a/get"), Some(4));
        assert_eq!(l.line("#/paths/~1a/get/parameters/1"), Some(9));
        assert_eq!(l.line("#/paths/~1a/get/parameters/1/name"), Some(10));
    }

    /// The lookups before the skip tables: a plain scan of every line.
    fn reference_line(l: &Locator, pointer: &str) -> Option<usize> {
        let path = pointer.strip_prefix('#').unwrap_or(pointer);
        let segments: Vec<String> = path.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        if segments.is_empty() {
            return None;
        }
        let block_end = |at: usize, indent: usize| {
            (at + 1..l.lines.len())
                .find(|&i| {
                    let x = &l.lines[i];
                    !Locator::skippable(x) && x.indent <= indent && !x.text.starts_with(['}', ']'])
                })
                .unwrap_or(l.lines.len())
        };
        let find_key = |start: usize, end: usize, parent: Option<usize>, key: &str| {
            let mut child_indent = None;
            for i in start..end {
                let x = &l.lines[i];
                if Locator::skippable(x) || x.text == "{" || x.text == "[" || !l.in_block(i, parent) {
                    continue;
                }
                let (indent, text) = match x.text.strip_prefix("- ") {
                    Some(rest) => (x.indent + 2, rest.trim_start()),
                    None => (x.indent, x.text),
                };
                let direct = *child_indent.get_or_insert(indent);
                if indent != direct {
                    continue;
                }
                if key_matches(text, key) {
                    return Some((i, indent));
                }
            }
            None
        };
        let (mut start, mut end) = (0, l.lines.len());
        let mut parent_indent: Option<usize> = None;
        let mut found = None;
        for seg in &segments {
            let hit = match seg.parse::<usize>() {
                Ok(i) => l.find_item(start, end, parent_indent, i).or_else(|| find_key(start, end, parent_indent, seg)),
                Err(_) => find_key(start, end, parent_indent, seg),
            };
            let Some((at, indent)) = hit else { break };
            found = Some(at + 1);
            start = at + 1;
            end = block_end(at, indent);
            parent_indent = Some(indent);
        }
        found
    }

    /// Every pointer of a tree (and one that goes astray below each), in order.
    fn pointers(v: &serde_json::Value, at: &mut String, out: &mut Vec<String>) {
        out.push(format!("{at}/not-there"));
        let children: Vec<(String, &serde_json::Value)> = match v {
            serde_json::Value::Object(m) => m.iter().map(|(k, c)| (crate::diag::escape_pointer(k), c)).collect(),
            serde_json::Value::Array(a) => a.iter().enumerate().map(|(i, c)| (i.to_string(), c)).collect(),
            _ => return,
        };
        for (seg, child) in children {
            let len = at.len();
            at.push('/');
            at.push_str(&seg);
            out.push(at.clone());
            pointers(child, at, out);
            at.truncate(len);
        }
    }

    #[test]
    fn skip_tables_find_what_a_plain_scan_finds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs");
        let mut texts: Vec<String> = ["airbyte-api.yaml", "config-api.yaml"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(dir.join(f)).ok())
            .collect();
        texts.push("openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: id\n          in: path\n      responses:\n        '200':\n          description: ok\ncomponents:\n  schemas:\n    A:\n      type: object\n".into());
        texts.push("{\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\n        \"parameters\": [\n          {\n            \"name\": \"x\"\n          },\n          {\n            \"name\": \"y\"\n          }\n        ]\n      }\n    }\n  }\n}\n".into());
        texts.push("a:\n- b: 1\n  c:\n  - d\n  -   e: 2\n      f: 3\n# note\n   \ng: [1,\n  2]\nh:\n  i: |\n    x\n    y: 1\n  j: 2\n".into());
        for text in &texts {
            let mut diags = crate::diag::Diagnostics::new("t");
            let Some(tree) = super::super::parse_document(text, &mut diags) else { panic!("{diags}") };
            let mut all = Vec::new();
            pointers(&tree, &mut String::from("#"), &mut all);
            let l = Locator::new(text);
            // Every pointer of the small texts; a spread of the large ones.
            let step = (all.len() / 400).max(1);
            for p in all.iter().step_by(step) {
                assert_eq!(l.line(p), reference_line(&l, p), "{p}");
            }
        }
    }
}
