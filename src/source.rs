//! `SourceFile`, the unit the engine lints, and positions within it.

use std::path::{Path, PathBuf};

use crate::finding::Position;
use crate::lang::Language;

/// A file's text plus the two names it goes by: the path shown to the user
/// (relative to the working directory) and the path rules match globs
/// against (relative to the project root, always `/`-separated).
#[derive(Debug)]
pub struct SourceFile {
    display: String,
    project_path: String,
    pub text: String,
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Digest of the text as read, when `text` is a masked copy (secrets
    /// replaced by `*`), so a fix can still tell whether the file changed.
    read_digest: Option<u64>,
    /// The path the text was read from, exactly (a name need not be UTF-8):
    /// what `--fix` rewrites. `None` for text that is not on disk.
    disk_path: Option<PathBuf>,
}

impl SourceFile {
    pub fn new(display: impl Into<String>, project_path: impl Into<String>, text: String) -> Self {
        SourceFile {
            display: display.into(),
            project_path: project_path.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
            read_digest: None,
            disk_path: None,
        }
    }

    /// Records the path the text was read from.
    pub fn with_disk_path(mut self, path: PathBuf) -> Self {
        self.disk_path = Some(path);
        self
    }

    /// The path the text was read from, when it came from disk.
    pub fn disk_path(&self) -> Option<&Path> {
        self.disk_path.as_deref()
    }

    /// A copy of `original` whose text is `masked` (same length, secrets
    /// hidden), remembering the digest of the text as read.
    pub fn masked(original: &SourceFile, masked: String) -> Self {
        SourceFile {
            read_digest: Some(original.read_digest()),
            disk_path: original.disk_path.clone(),
            ..SourceFile::new(
                original.display.clone(),
                original.project_path.clone(),
                masked,
            )
        }
    }

    /// Digest of the text as it was read from disk.
    pub fn read_digest(&self) -> u64 {
        self.read_digest.unwrap_or_else(|| digest(&self.text))
    }

    /// A file whose display path and project path are the same.
    pub fn in_memory(path: &str, text: impl Into<String>) -> Self {
        Self::new(path, path, text.into())
    }

    pub fn display_path(&self) -> &str {
        &self.display
    }

    /// Path relative to the project root, `/`-separated: what globs see.
    pub fn project_path(&self) -> &str {
        &self.project_path
    }

    pub fn language(&self) -> Option<Language> {
        Language::from_path(&self.project_path)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr_newlines(self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// 1-based line and Unicode-scalar column of a byte offset (clamped to
    /// the nearest char boundary at or before it).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Byte range of a 1-based line, without its line terminator.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return self.text.len()..self.text.len();
        };
        let mut end = starts.get(line).copied().unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// Byte offset of a 1-based line and 0-based char column (syn's convention).
    pub fn offset_of(&self, line: usize, char_column: usize) -> usize {
        let range = self.line_range(line);
        let line_text = &self.text[range.clone()];
        range.start
            + line_text
                .char_indices()
                .nth(char_column)
                .map_or(line_text.len(), |(i, _)| i)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b'\n').then_some(i))
}

/// `&text[range]` that never panics: a range that is out of bounds or
/// splits a character gives `""`. Rule and language code slices user text
/// only through this (or `str::get`); `clippy::string_slice` keeps raw
/// byte indexing of strings out of `src/rules` and `src/lang`.
pub fn slice<R: std::slice::SliceIndex<str, Output = str>>(text: &str, range: R) -> &str {
    text.get(range).unwrap_or("")
}

/// The largest char boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Joins a path to `/`-separated form for glob matching and output.
pub fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        use std::path::Component;
        match component {
            Component::CurDir => continue,
            Component::Normal(part) => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&part.to_string_lossy());
            }
            Component::RootDir => out.push('/'),
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::ParentDir => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str("..");
            }
        }
    }
    out
}

/// `path` relative to `base` when it lies below it, else `path` itself.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// A stable 64-bit digest of a text (FNV-1a), for "did the file change".
pub fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_not_bytes() {
        let f = SourceFile::in_memory("a.ts", "ab\n😀x\r\nz");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        assert_eq!(f.position(7), Position { line: 2, column: 2 });
        assert_eq!(f.line_range(2), 3..8);
        assert_eq!(f.position(f.text.len()), Position { line: 3, column: 2 });
        assert_eq!(f.offset_of(2, 1), 7);
    }
}
