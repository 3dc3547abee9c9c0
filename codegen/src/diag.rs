//! Diagnostics: every problem the generator finds in a document, with where it is.
//!
//! Stages push into one [`Diagnostics`] so that a run reports all problems at
//! once instead of stopping at the first. Nothing here panics on spec data.

use std::fmt;

/// How bad a finding is. Errors stop generation; warnings and notes do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        })
    }
}

/// One finding: what is wrong and where (file, JSON pointer, operation, line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub file: String,
    /// RFC 6901 JSON pointer into the document (`#/components/schemas/Foo`).
    pub pointer: String,
    pub operation: Option<String>,
    pub line: Option<usize>,
    pub message: String,
    /// What the user can do about it, when there is something to say.
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.level, self.message)?;
        write!(f, "\n  --> {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        if let Some(op) = &self.operation {
            write!(f, " (operation `{op}`)")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// An accumulator of findings for one document.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    file: String,
    items: Vec<Diagnostic>,
    /// (level, pointer, message) → index in `items`, for de-duplication
    /// without a quadratic scan on documents with many findings.
    index: std::collections::BTreeMap<(Level, String, String), usize>,
}

impl Diagnostics {
    pub fn new(file: impl Into<String>) -> Self {
        Diagnostics { file: file.into(), items: Vec::new(), index: Default::default() }
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn push(&mut self, level: Level, pointer: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        let (pointer, message) = (pointer.into(), message.into());
        // Stages may meet the same problem twice (the loader and the IR builder
        // both see a dangling `$ref`): report it once.
        let key = (level, pointer, message);
        if let Some(&i) = self.index.get(&key) {
            return &mut self.items[i];
        }
        self.index.insert(key.clone(), self.items.len());
        let (level, pointer, message) = key;
        self.items.push(Diagnostic {
            level,
            file: self.file.clone(),
            pointer,
            operation: None,
            line: None,
            message,
            help: None,
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Level::Error, pointer, message)
    }

    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Level::Warning, pointer, message)
    }

    pub fn note(&mut self, pointer: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Level::Note, pointer, message)
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            let key = (d.level, d.pointer.clone(), d.message.clone());
            if !self.index.contains_key(&key) {
                self.index.insert(key, self.items.len());
                self.items.push(d);
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == Level::Error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.level == Level::Error)
    }

    /// Set the line of findings about this file that have a pointer but no
    /// line yet, from `line_of(pointer)`.
    pub fn fill_lines(&mut self, mut line_of: impl FnMut(&str) -> Option<usize>) {
        for d in &mut self.items {
            if d.line.is_none() && d.file == self.file && !d.pointer.is_empty() {
                d.line = line_of(&d.pointer);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Stable order for output: by level, then pointer, then message.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| (a.level, &a.pointer, &a.message).cmp(&(b.level, &b.pointer, &b.message)));
        v
    }
}

impl Diagnostic {
    pub fn with_operation(&mut self, op: impl Into<String>) -> &mut Self {
        self.operation = Some(op.into());
        self
    }

    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_line(&mut self, line: usize) -> &mut Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.sorted() {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Escape one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Append a segment to a pointer.
pub fn join_pointer(base: &str, segment: &str) -> String {
    format!("{base}/{}", escape_pointer(segment))
}
