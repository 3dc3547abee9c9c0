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
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        let lines = text
            .lines()
            .map(|l| {
                let trimmed = l.trim_start_matches([' ', '\t']);
                Line { indent: l.len() - trimmed.len(), text: trimmed.trim_end() }
            })
            .collect();
        Locator { lines }
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
    fn find_key(&self, start: usize, end: usize, parent_indent: Option<usize>, key: &str) -> Option<(usize, usize)> {
        let mut child_indent = None;
        for i in start..end {
            let l = &self.lines[i];
            if Self::skippable(l) || l.text == "{" || l.text == "[" || !self.in_block(i, parent_indent) {
                continue;
            }
            // A list item line (`- name: x`) holds its first key after the dash.
            let (indent, text) = match l.text.strip_prefix("- ") {
                Some(rest) => (l.indent + 2, rest.trim_start()),
                None => (l.indent, l.text),
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
    fn block_end(&self, at: usize, indent: usize) -> usize {
        (at + 1..self.lines.len())
            .find(|&i| {
                let l = &self.lines[i];
                !Self::skippable(l) && l.indent <= indent && !l.text.starts_with(['}', ']'])
            })
            .unwrap_or(self.lines.len())
    }
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
}
